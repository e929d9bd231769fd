/* The node's users at the command line (app.h, docs/api.md): `user add
 * NAME --role ROLE [--password-file FILE]`, `user list`, `user remove
 * NAME`, `user passwd NAME [--password-file FILE]`. A password comes from
 * the file (mode 0600, trailing newline dropped) or from
 * $XINYUAN_USER_PASSWORD; there is no prompt, so scripts and tests can run
 * it. A running daemon sees the change at the next request. */
#include "app/app.h"
#include "app/users.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { U_ROLE = 1, U_PASSFILE, U_N };

static const struct option s_opts[] = {
    {"role", required_argument, NULL, U_ROLE},
    {"password-file", required_argument, NULL, U_PASSFILE},
    {NULL, 0, NULL, 0},
};

/* Reads the password into buf (USERS_PASSWORD_MAX + 2 bytes). Exit
 * status. */
static int s_password(app_t *app, const char *cmd, const char *file,
                      char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!file) {
        const char *env = getenv("XINYUAN_USER_PASSWORD");
        if (!env || !*env)
            return app_fail(app, APP_EXIT_USAGE, "user %s: give "
                            "--password-file FILE or set "
                            "XINYUAN_USER_PASSWORD", cmd);
        if (strlen(env) >= cap)
            return app_fail(app, APP_EXIT_USAGE, "user %s: the password is "
                            "longer than %d bytes", cmd, USERS_PASSWORD_MAX);
        snprintf(buf, cap, "%s", env);
        return 0;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return app_fail(app, APP_EXIT_FAIL, "user %s: %s: %s", cmd, file,
                        strerror(errno));
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && !(st.st_mode & (S_IRWXG | S_IRWXO)))
        n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return app_fail(app, APP_EXIT_FAIL, "user %s: %s: cannot read, or "
                        "readable by group or others (chmod 600)", cmd, file);
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return 0;
}

/* Says what a users_* error means for the user and returns the status. */
static int s_refuse(app_t *app, const char *cmd, const char *name, int rc)
{
    switch (rc) {
    case XY_EEXIST:
        return app_fail(app, APP_EXIT_FAIL, "user %s: '%s' exists already "
                        "(user passwd to change the password)", cmd, name);
    case XY_ENOENT:
        return app_fail(app, APP_EXIT_FAIL, "user %s: no user '%s' here "
                        "(user list)", cmd, name);
    case XY_EINVAL:
        return app_fail(app, APP_EXIT_USAGE, "user %s: '%s' is not a user "
                        "name (1..%d bytes of UTF-8, no spaces, '/' or ':')",
                        cmd, name, USERS_NAME_MAX);
    case XY_ERANGE:
        return app_fail(app, APP_EXIT_USAGE, "user %s: a password has %d to "
                        "%d bytes", cmd, USERS_PASSWORD_MIN,
                        USERS_PASSWORD_MAX);
    case XY_ETOOBIG:
        return app_fail(app, APP_EXIT_FAIL, "user %s: at most %d users per "
                        "node", cmd, USERS_MAX);
    default:
        return app_fail(app, APP_EXIT_FAIL, "user %s: %s", cmd,
                        xy_strerror(rc));
    }
}

static int s_list(app_t *app, const users_t *u)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < u->n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "name",
                                             u->items[i].name, "role",
                                             users_role_name(
                                                 u->items[i].role)));
    if (app_json(app)) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("%-24s  %s\n", "NAME", "ROLE");
        for (size_t i = 0; i < u->n; i++)
            printf("%-24s  %s\n", u->items[i].name,
                   users_role_name(u->items[i].role));
        printf("(%zu)\n", u->n);
    }
    json_decref(arr);
    return 0;
}

/* Runs one change (add, passwd, remove) on u; exit status. */
static int s_change(app_t *app, users_t *u, const char *cmd,
                    const char *name, const char **v)
{
    char pw[USERS_PASSWORD_MAX + 2];
    users_role_t role = USERS_OBSERVER;
    bool add = strcmp(cmd, "add") == 0, remove = strcmp(cmd, "remove") == 0;
    int rc = 0;
    if (add && users_role_parse(v[U_ROLE], &role))
        return app_fail(app, APP_EXIT_USAGE, "user add: --role must be one "
                        "of %s", users_role_names());
    if (!add && v[U_ROLE])
        return app_fail(app, APP_EXIT_USAGE, "user %s: --role is for user "
                        "add (remove and add again to change a role)", cmd);
    if (!remove) {
        rc = s_password(app, cmd, v[U_PASSFILE], pw, sizeof pw);
        if (rc)
            return rc;
    }
    int e = add      ? users_add(u, name, role, pw)
            : remove ? users_remove(u, name)
                     : users_set_password(u, name, pw);
    sodium_memzero(pw, sizeof pw);
    if (e)
        return s_refuse(app, cmd, name, e);
    e = users_save(u, app_data_dir(app));
    if (e)
        return app_fail(app, APP_EXIT_FAIL, "user %s: cannot write %s/%s: "
                        "%s", cmd, app_data_dir(app), USERS_FILE,
                        xy_strerror(e));
    printf("user %s: %s%s%s\n", name,
           add ? "added as " : remove ? "removed" : "password changed",
           add ? users_role_name(role) : "",
           remove ? " (their sessions end at their next request)" : "");
    return 0;
}

int app_cmd_user(app_t *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    bool list = strcmp(sub, "list") == 0;
    bool change = strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0 ||
                  strcmp(sub, "passwd") == 0;
    if ((!list && !change) || (change && argc < 3))
        return app_fail(app, APP_EXIT_USAGE, "user: say 'user add NAME "
                        "--role ROLE', 'user list', 'user remove NAME' or "
                        "'user passwd NAME'");
    const char *v[U_N] = {0};
    int rc = app_parse_opts(app, argc - (list ? 1 : 2), argv + (list ? 1 : 2),
                            s_opts, v);
    if (rc)
        return rc;
    users_t *u = xcalloc(1, sizeof *u);
    char err[512];
    int e = users_load(u, app_data_dir(app), err, sizeof err);
    if (e)
        rc = app_fail(app, APP_EXIT_FAIL, "user %s: %s", sub, err);
    else
        rc = list ? s_list(app, u) : s_change(app, u, sub, argv[2], v);
    sodium_memzero(u, sizeof *u);
    free(u);
    return rc;
}
