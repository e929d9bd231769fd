/* Test helpers (xy_test.h). */
#define _XOPEN_SOURCE 700
#include "tests/support/xy_test.h"
#include "common/xy_mem.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

char *xy_test_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/xytest.XXXXXX", base ? base : "/tmp");
    char *p = mkdtemp(tmpl);
    cr_assert_not_null(p, "mkdtemp failed");
    return xstrdup(p);
}

static int s_rm(const char *path, const struct stat *st, int flag,
                struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void xy_test_rmdir(char **path)
{
    if (!path || !*path)
        return;
    nftw(*path, s_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(*path);
    *path = NULL;
}

void xy_test_id(uint8_t out[XY_ID_LEN], uint32_t n)
{
    memset(out, 0, XY_ID_LEN);
    out[0] = 0xA5;
    out[12] = (uint8_t)(n >> 24);
    out[13] = (uint8_t)(n >> 16);
    out[14] = (uint8_t)(n >> 8);
    out[15] = (uint8_t)n;
}

void xy_test_person_event(uint8_t **out, size_t *len, uint32_t origin,
                          uint64_t seq, uint64_t hlc, uint32_t person,
                          const char *site)
{
    uint8_t oid[XY_ID_LEN], pid[XY_ID_LEN];
    xy_test_id(oid, origin);
    xy_test_id(pid, 0x10000000u + person);
    Xy__Event ev = XY__EVENT__INIT;
    Xy__PersonRegistered pr = XY__PERSON_REGISTERED__INIT;
    Xy__Place place = XY__PLACE__INIT;
    ev.origin = (ProtobufCBinaryData){XY_ID_LEN, oid};
    ev.seq = seq;
    ev.hlc = hlc;
    ev.author = "tester";
    ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    ev.person_registered = &pr;
    pr.person_id = (ProtobufCBinaryData){XY_ID_LEN, pid};
    pr.age_band = 30;
    place.site = (char *)site;
    pr.place = &place;
    int rc = xy_event_pack(&ev, out, len);
    cr_assert_eq(rc, 0, "pack failed: %d", rc);
}

const char *xy_test_shared(const char *rel)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/%s", XY_SHARED_DATA, rel);
    return buf;
}

static void s_read_all(const char *path, char *buf, size_t cap)
{
    size_t used = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY);
    while (fd >= 0 && used + 1 < cap &&
           (n = read(fd, buf + used, cap - 1 - used)) > 0)
        used += (size_t)n;
    buf[used] = '\0';
    if (fd >= 0)
        close(fd);
}

void xy_test_runv(xy_test_out_t *r, const char *scratch_dir,
                  const char *const *argv)
{
    char outp[1024], errp[1024];
    snprintf(outp, sizeof outp, "%s/stdout", scratch_dir);
    snprintf(errp, sizeof errp, "%s/stderr", scratch_dir);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    s_read_all(outp, r->out, sizeof r->out);
    s_read_all(errp, r->err, sizeof r->err);
}

void xy_test_run_va(xy_test_out_t *r, const char *scratch_dir,
                    const char *const *prefix, int npre, va_list ap)
{
    const char *argv[64];
    int n = 0;
    for (; n < npre && n < 63; n++)
        argv[n] = prefix[n];
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 63)
        argv[n++] = a;
    argv[n] = NULL;
    xy_test_runv(r, scratch_dir, argv);
}

const char *xy_test_json_field(const char *json, const char *key)
{
    static char v[4][256];
    static int next;
    char pat[96];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(json, pat);
    cr_assert_not_null(p, "no %s in: %s", key, json);
    p += strlen(pat);
    size_t n = strcspn(p, "\"");
    cr_assert_lt(n, sizeof v[0]);
    char *out = v[next++ % 4];
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

uint16_t xy_test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

int xy_test_http(uint16_t port, const char *method, const char *path,
                 const char *body, const char *header, char *resp,
                 size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0,
                 "connect to 127.0.0.1:%u", port);
    char *req = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&req, &len);
    cr_assert_not_null(f);
    fprintf(f,
            "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\n%s%s"
            "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
            method, path, header ? header : "", header ? "\r\n" : "",
            body ? strlen(body) : 0, body ? body : "");
    fclose(f);
    cr_assert_eq(write(fd, req, len), (ssize_t)len);
    free(req);
    size_t used = 0;
    ssize_t k;
    while (used + 1 < cap &&
           (k = read(fd, resp + used, cap - 1 - used)) > 0)
        used += (size_t)k;
    resp[used] = '\0';
    close(fd);
    int status = 0;
    cr_assert_eq(sscanf(resp, "HTTP/1.%*d %d", &status), 1, "%s", resp);
    return status;
}

const char *xy_test_http_body(const char *resp)
{
    const char *b = strstr(resp, "\r\n\r\n");
    return b ? b + 4 : "";
}
