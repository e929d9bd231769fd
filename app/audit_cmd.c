/* The audit of personal data shown at the command line (app.h,
 * docs/personal-data.md "Audit"): `list persons` with the data keys open
 * and `pfif export` record one PersonalDataViewed event per person whose
 * data they show, before they show it, as the API does for its views. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/audit.h"

#include <time.h>

/* The fields a command-line view shows: name, phone, birth year. */
static const char *const s_fields[] = {"name", "phone", "birth_year"};

int app_audit_record(app_t *app, const app_view_t *views, size_t n,
                     const char *role, const char *what)
{
    if (n == 0)
        return 0;
    audit_event_t *ev = xcalloc(n, sizeof *ev);
    event_write_t *w = xcalloc(n, sizeof *w);
    domain_id_t *ids = xcalloc(n, sizeof *ids);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t ms = (uint64_t)now.tv_sec * 1000 +
                  (uint64_t)now.tv_nsec / 1000000;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        app_random_id(ids[i].b);
        audit_input_t in = {&views[i].person, &views[i].incident,
                            views[i].exercise, app_user(app), role,
                            s_fields, sizeof s_fields / sizeof s_fields[0],
                            ms};
        domain_error_t err;
        if (audit_build(&ev[i], &ids[i], &in, app_user(app), &err))
            rc = app_fail(app, APP_EXIT_FAIL, "%s: recording the view: %s: "
                          "%s (nothing shown)", what, err.field, err.msg);
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &ev[i].ev};
    }
    if (!rc) {
        int st = event_log_write(node_log(app_node(app)), w, n, NULL);
        for (size_t i = 0; i < n && !st; i++)
            st = w[i].status;
        if (st)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: recording the view: %s "
                          "(nothing shown)", what, xy_strerror(st));
    }
    free(ids);
    free(w);
    free(ev);
    return rc;
}
