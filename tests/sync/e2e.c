/* Helpers of the end-to-end tests (e2e.h). */
#include "tests/sync/e2e.h"
#include "tests/sync/sync_events.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_OUT_MAX (256 * 1024) /* bytes of one command's answer */
#define S_LOG_MAX (1 << 20)    /* bytes of a process log searched */

/* Builds `bin -d dir --json args...` into argv (E2E_ARGS_MAX slots). */
static void s_argv(const char **argv, const xh_node_t *n, const char *bin,
                   const char *const *args)
{
    size_t k = 0;
    argv[k++] = bin;
    argv[k++] = "-d";
    argv[k++] = n->dir;
    argv[k++] = "--json";
    for (size_t i = 0; args[i]; i++) {
        cr_assert_lt(k, E2E_ARGS_MAX - 1, "too many arguments");
        argv[k++] = args[i];
    }
    argv[k] = NULL;
}

/* Runs the command once: its exit status, and its answer parsed into *out
 * (NULL when the status is not 0). what names it in messages. */
static int s_run(const xh_node_t *n, const char *bin, const char *const *args,
                 json_t **out, char *what, size_t what_len)
{
    const char *argv[E2E_ARGS_MAX];
    s_argv(argv, n, bin, args);
    snprintf(what, what_len, "%s %s", n->name, args[0]);
    for (size_t i = 1; args[i] && strlen(what) + 32 < what_len; i++)
        snprintf(what + strlen(what), what_len - strlen(what), " %s",
                 args[i]);
    char *text = malloc(S_OUT_MAX);
    cr_assert_not_null(text);
    int st = xh_run(text, S_OUT_MAX, argv);
    *out = NULL;
    if (st == 0) {
        json_error_t je;
        *out = json_loads(text, 0, &je);
        cr_assert_not_null(*out, "%s: answer is not JSON (%s): %.200s", what,
                           je.text, text);
    }
    free(text);
    return st;
}

json_t *e2e_cli(const xh_node_t *n, const char *bin, const char *const *args)
{
    char what[512];
    json_t *j = NULL;
    int st = s_run(n, bin, args, &j, what, sizeof what);
    cr_assert_eq(st, 0, "`%s` exited with %d (see %s/commands.log)", what,
                 st, xh_root());
    return j;
}

uint64_t e2e_poll(const xh_node_t *n, const char *bin,
                  const char *const *args, e2e_pred_fn pred, void *arg,
                  uint64_t timeout_ms, const char *what)
{
    uint64_t end = xh_now_ms() + timeout_ms;
    for (;;) {
        json_t *j = e2e_cli(n, bin, args);
        uint64_t at = xh_now_ms();
        bool ok = pred(j, arg);
        json_decref(j);
        if (ok)
            return at;
        cr_assert_lt(at, end, "%s: not seen within %llu ms", what,
                     (unsigned long long)timeout_ms);
        xh_sleep_ms(E2E_POLL_MS);
    }
}

json_t *e2e_find(json_t *arr, const char *id)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *x = e2e_str(o, "id");
        if (x && strcmp(x, id) == 0)
            return o;
    }
    return NULL;
}

const char *e2e_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

bool e2e_log_has(const char *log, const char *needle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.log", xh_root(), log);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char *buf = malloc(S_LOG_MAX + 1);
    cr_assert_not_null(buf);
    size_t n = fread(buf, 1, S_LOG_MAX, f);
    fclose(f);
    buf[n] = '\0';
    bool has = strstr(buf, needle) != NULL;
    free(buf);
    return has;
}

void e2e_wait_log(const char *log, const char *needle, uint64_t timeout_ms)
{
    uint64_t end = xh_now_ms() + timeout_ms;
    while (!e2e_log_has(log, needle)) {
        cr_assert_lt(xh_now_ms(), end, "%s.log: no '%s' within %llu ms", log,
                     needle, (unsigned long long)timeout_ms);
        xh_sleep_ms(10);
    }
}

typedef struct s_about {
    uint32_t type;
    char id[33];
    size_t n;
} s_about_t;

/* The subject id of an urgent event, or a zero-length value. */
static ProtobufCBinaryData s_subject(const Xy__Event *ev)
{
    ProtobufCBinaryData none = {0, NULL};
    switch (ev->body_case) {
    case XY__EVENT__BODY_RED_FLAG_RAISED:
        return ev->red_flag_raised->flag_id;
    case XY__EVENT__BODY_RED_FLAG_ACKNOWLEDGED:
        return ev->red_flag_acknowledged->flag_id;
    case XY__EVENT__BODY_DEPLOYMENT_ORDERED:
        return ev->deployment_ordered->order_id;
    case XY__EVENT__BODY_DEPLOYMENT_ACKED:
        return ev->deployment_acked->order_id;
    default:
        return none;
    }
}

static int s_about_one(const event_ref_t *ev, void *arg)
{
    s_about_t *a = arg;
    if (ev->type != a->type)
        return 0;
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(ev->bytes, ev->len, &d), 0,
                 "a stored event does not unpack");
    ProtobufCBinaryData id = s_subject(xy_decoded_event(d));
    char hex[33] = "";
    if (id.len == XY_ID_LEN)
        xh_hex(hex, id.data, XY_ID_LEN);
    if (strcmp(hex, a->id) == 0)
        a->n++;
    xy_decoded_destroy(&d);
    return 0;
}

size_t e2e_count_about(xh_node_t *n, uint32_t type, const char *id)
{
    event_log_t *log = xh_log(n);
    event_log_refresh(log);
    s_about_t a = {.type = type};
    snprintf(a.id, sizeof a.id, "%s", id);
    cr_assert_eq(event_log_changes(log, 0, 0, NULL, NULL, s_about_one, &a,
                                   NULL),
                 0);
    return a.n;
}

char *e2e_flap_schedule(uint64_t seed, uint64_t flap_ms, uint64_t *end_ms)
{
    size_t cap = 16 * 1024, len = 0;
    char *s = malloc(cap);
    cr_assert_not_null(s);
    uint64_t rng = seed, t = 0;
    /* The up period (counted from 0) in whose middle the reset falls. */
    unsigned reset_in = 1 + (unsigned)(xs_rand(&rng) % 3), k = 0;
    len += (size_t)snprintf(s + len, cap - len, "0 up\n");
    while (t < flap_ms && len + 128 < cap) {
        uint64_t up = 1000 + xs_rand(&rng) % 2000;
        if (k++ == reset_in)
            len += (size_t)snprintf(s + len, cap - len, "%llums reset\n",
                                    (unsigned long long)(t + up / 2));
        t += up;
        len += (size_t)snprintf(s + len, cap - len, "%llums down\n",
                                (unsigned long long)t);
        t += 150 + xs_rand(&rng) % 450;
        len += (size_t)snprintf(s + len, cap - len, "%llums up\n",
                                (unsigned long long)t);
    }
    if (end_ms)
        *end_ms = t;
    return s;
}

size_t e2e_schedule_steps(const char *sched, char steps[][E2E_STEP_MAX],
                          size_t max)
{
    size_t n = 0;
    for (const char *l = sched; l && n < max; l = strchr(l, '\n')) {
        l += *l == '\n';
        unsigned long long t;
        char what[16];
        if (sscanf(l, "%llums %15s", &t, what) == 2 &&
            (strcmp(what, "down") == 0 || strcmp(what, "reset") == 0))
            snprintf(steps[n++], E2E_STEP_MAX, "linkem: t=%llums %s\n", t,
                     what);
    }
    return n;
}

static int s_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void e2e_report(const char *label, uint64_t *ms, size_t n)
{
    cr_assert_gt(n, 0);
    qsort(ms, n, sizeof *ms, s_cmp);
    /* The median of an even count is the mean of the middle two. */
    uint64_t med = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    fprintf(stderr, "%s: min %llu ms, median %llu ms, max %llu ms (%zu "
            "samples)\n", label, (unsigned long long)ms[0],
            (unsigned long long)med, (unsigned long long)ms[n - 1], n);
    cr_log_info("%s: min %llu ms, median %llu ms, max %llu ms (%zu samples)",
                label, (unsigned long long)ms[0], (unsigned long long)med,
                (unsigned long long)ms[n - 1], n);
}
