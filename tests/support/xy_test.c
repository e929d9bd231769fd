/* Test helpers (xy_test.h). */
#define _XOPEN_SOURCE 700
#include "tests/support/xy_test.h"
#include "common/xy_mem.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
