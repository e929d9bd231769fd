/* Tests of the link emulator's schedule text format and seeded flapping
 * (drills/linkem/schedule.h, flap.h): pure parsing and generation, no
 * sockets. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "drills/linkem/flap.h"
#include "drills/linkem/schedule.h"

Test(linkem_schedule, parses_steps_and_comments)
{
    const char text[] = "# a drill link\n"
                        "0 up rate=64kbit latency=200ms\n"
                        "\n"
                        "30s down   # the tent loses its uplink\n"
                        "45s reset\n"
                        "1m up rate_s2c=1.5mbit latency_c2s=0\n"
                        "2m down mode=refuse\n";
    linkem_schedule_t *s = NULL;
    char err[256];

    cr_assert_eq(
        linkem_schedule_parse(&s, text, strlen(text), err, sizeof(err)), 0,
        "%s", err);
    cr_assert_eq(linkem_schedule_count(s), 5);
    const linkem_step_t *st = linkem_schedule_step(s, 0);
    cr_assert_eq(st->at_ms, 0);
    cr_assert_eq(st->what, LINKEM_STEP_UP | LINKEM_STEP_RATE_C2S |
                               LINKEM_STEP_RATE_S2C | LINKEM_STEP_LATENCY_C2S |
                               LINKEM_STEP_LATENCY_S2C);
    cr_assert_eq(st->rate_bps[LINKEM_C2S], 64000);
    cr_assert_eq(st->latency_ms[LINKEM_S2C], 200);
    st = linkem_schedule_step(s, 1);
    cr_assert_eq(st->at_ms, 30000);
    cr_assert_eq(st->what, LINKEM_STEP_DOWN);
    st = linkem_schedule_step(s, 2);
    cr_assert_eq(st->at_ms, 45000);
    cr_assert_eq(st->what, LINKEM_STEP_RESET);
    st = linkem_schedule_step(s, 3);
    cr_assert_eq(st->at_ms, 60000);
    cr_assert_eq(st->what, LINKEM_STEP_UP | LINKEM_STEP_RATE_S2C |
                               LINKEM_STEP_LATENCY_C2S);
    cr_assert_eq(st->rate_bps[LINKEM_S2C], 1500000);
    st = linkem_schedule_step(s, 4);
    cr_assert_eq(st->what, LINKEM_STEP_DOWN | LINKEM_STEP_MODE);
    cr_assert_eq(st->down_mode, LINKEM_DOWN_REFUSE);
    cr_assert_null(linkem_schedule_step(s, 5));
    linkem_schedule_destroy(&s);
    cr_assert_null(s);
}

/* Parses text and asserts it fails with code and a message holding want. */
static void assert_parse_error(const char *text, int code, const char *want)
{
    linkem_schedule_t *s = NULL;
    char err[256] = "";
    int rc = linkem_schedule_parse(&s, text, strlen(text), err, sizeof(err));
    cr_assert_eq(rc, code, "'%s': rc %d (%s)", text, rc, err);
    cr_assert_null(s);
    cr_assert_not_null(strstr(err, want), "'%s': message '%s' lacks '%s'", text,
                       err, want);
}

Test(linkem_schedule, errors_name_the_line_and_the_problem)
{
    assert_parse_error("0 up\nbogus\n", XY_EPARSE, "line 2: time 'bogus'");
    assert_parse_error("0 up\n# c\n30 down\n", XY_EPARSE, "line 3: time '30'");
    assert_parse_error("0 up\n10s sideways\n", XY_EPARSE,
                       "line 2: unknown word 'sideways'");
    assert_parse_error("0 up rate=64kbps\n", XY_EPARSE,
                       "line 1: rate '64kbps' is not a rate");
    assert_parse_error("0 latency=fast\n", XY_EPARSE,
                       "line 1: latency 'fast' is not a duration");
    assert_parse_error("0 up\n5s\n", XY_EPARSE, "line 2: a time needs an");
    assert_parse_error("0 up down\n", XY_EPARSE, "line 1: a step cannot");
    assert_parse_error("0 up up\n", XY_EPARSE, "line 1: 'up' appears twice");
    assert_parse_error("0 down mode=drop\n", XY_EPARSE, "line 1: mode 'drop'");
    assert_parse_error("0 up jitter=5ms\n", XY_EPARSE,
                       "line 1: unknown setting 'jitter'");
    assert_parse_error("0 up\n10s down\n5s up\n", XY_ERANGE,
                       "line 3: time goes backwards");
    assert_parse_error("0 latency=11m\n", XY_ERANGE, "above 10 minutes");
    assert_parse_error("31d up\n", XY_EPARSE, "line 1: time '31d'");
    assert_parse_error("800h up\n", XY_ERANGE, "beyond 30 days");
}

Test(linkem_schedule, overlong_line_and_nul_byte_are_rejected)
{
    char text[2048];
    memset(text, ' ', sizeof(text));
    memcpy(text, "0 up\n0 down", 11);
    text[sizeof(text) - 1] = '\0';
    assert_parse_error(text, XY_ETOOBIG, "line 2: longer than 1024");

    linkem_schedule_t *s = NULL;
    char err[128] = "";
    const char nul[] = "0 up\n1s\0down\n";
    cr_assert_eq(
        linkem_schedule_parse(&s, nul, sizeof(nul) - 1, err, sizeof(err)),
        XY_EPARSE);
    cr_assert_not_null(strstr(err, "line 2: contains a NUL"), "%s", err);
}

Test(linkem_schedule, durations_and_rates_take_units)
{
    uint64_t v = 99;
    cr_assert_eq(linkem_parse_duration_ms("0", &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(linkem_parse_duration_ms("250ms", &v), 0);
    cr_assert_eq(v, 250);
    cr_assert_eq(linkem_parse_duration_ms("1.5s", &v), 0);
    cr_assert_eq(v, 1500);
    cr_assert_eq(linkem_parse_duration_ms("2m", &v), 0);
    cr_assert_eq(v, 120000);
    cr_assert_eq(linkem_parse_duration_ms("1h", &v), 0);
    cr_assert_eq(v, 3600000);
    cr_assert_eq(linkem_parse_duration_ms("5", &v), XY_EPARSE);
    cr_assert_eq(linkem_parse_duration_ms("-5s", &v), XY_EPARSE);
    cr_assert_eq(linkem_parse_duration_ms("5.s", &v), XY_EPARSE);
    cr_assert_eq(linkem_parse_duration_ms("99999999999999999999h", &v),
                 XY_ERANGE);
    cr_assert_eq(linkem_parse_rate_bps("64kbit", &v), 0);
    cr_assert_eq(v, 64000);
    cr_assert_eq(linkem_parse_rate_bps("2.5mbit", &v), 0);
    cr_assert_eq(v, 2500000);
    cr_assert_eq(linkem_parse_rate_bps("1gbit", &v), 0);
    cr_assert_eq(v, 1000000000);
    cr_assert_eq(linkem_parse_rate_bps("unlimited", &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(linkem_parse_rate_bps("64k", &v), XY_EPARSE);
    cr_assert_eq(linkem_parse_rate_bps("101gbit", &v), XY_ERANGE);
}

Test(linkem_schedule, append_keeps_time_order_and_checks_steps)
{
    linkem_schedule_t *s = linkem_schedule_new();
    linkem_step_t a = {.at_ms = 100, .what = LINKEM_STEP_DOWN};
    linkem_step_t b = {.at_ms = 50, .what = LINKEM_STEP_UP};
    linkem_step_t none = {.at_ms = 200, .what = 0};
    linkem_step_t both = {.at_ms = 200,
                          .what = LINKEM_STEP_UP | LINKEM_STEP_DOWN};

    cr_assert_eq(linkem_schedule_append(s, &a), 0);
    cr_assert_eq(linkem_schedule_append(s, &b), XY_ERANGE);
    cr_assert_eq(linkem_schedule_append(s, &none), XY_EINVAL);
    cr_assert_eq(linkem_schedule_append(s, &both), XY_EINVAL);
    cr_assert_eq(linkem_schedule_count(s), 1);
    linkem_schedule_destroy(&s);
    linkem_schedule_destroy(&s);
    cr_assert_null(s);
}

/* ---- flapping --------------------------------------------------------- */

Test(linkem_flap, same_seed_gives_the_same_schedule)
{
    linkem_flap_t flap;
    linkem_schedule_t *a = NULL, *b = NULL, *c = NULL;
    char err[128];

    cr_assert_eq(linkem_flap_parse(&flap, "up=5s,down=3s,reset=0.2,seed=1", err,
                                   sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(flap.mean_up_ms, 5000);
    cr_assert_eq(flap.mean_down_ms, 3000);
    cr_assert_eq(linkem_flap_schedule(&a, &flap, 3600000), 0);
    cr_assert_eq(linkem_flap_schedule(&b, &flap, 3600000), 0);
    flap.seed = 2;
    cr_assert_eq(linkem_flap_schedule(&c, &flap, 3600000), 0);

    cr_assert_gt(linkem_schedule_count(a), 100);
    cr_assert_eq(linkem_schedule_count(a), linkem_schedule_count(b));
    for (size_t i = 0; i < linkem_schedule_count(a); i++) {
        const linkem_step_t *x = linkem_schedule_step(a, i);
        const linkem_step_t *y = linkem_schedule_step(b, i);
        cr_assert_eq(memcmp(x, y, sizeof(*x)), 0, "step %zu differs", i);
    }
    bool differs = linkem_schedule_count(a) != linkem_schedule_count(c);
    for (size_t i = 0; !differs && i < linkem_schedule_count(a); i++)
        differs = linkem_schedule_step(a, i)->at_ms !=
                  linkem_schedule_step(c, i)->at_ms;
    cr_assert(differs, "seeds 1 and 2 gave the same schedule");

    linkem_schedule_destroy(&a);
    linkem_schedule_destroy(&b);
    linkem_schedule_destroy(&c);
}

Test(linkem_flap, periods_alternate_and_follow_their_means)
{
    linkem_flap_t flap = {
        .mean_up_ms = 5000, .mean_down_ms = 3000, .reset_prob = 0.2, .seed = 7};
    linkem_schedule_t *s = NULL;
    double up = 0, down = 0;
    size_t nup = 0, ndown = 0, resets = 0;

    cr_assert_eq(linkem_flap_schedule(&s, &flap, 24ull * 3600 * 1000), 0);
    size_t n = linkem_schedule_count(s);
    cr_assert_gt(n, 1000);
    cr_assert_eq(linkem_schedule_step(s, 0)->what, LINKEM_STEP_UP);
    cr_assert_eq(linkem_schedule_step(s, 0)->at_ms, 0);
    for (size_t i = 0; i + 1 < n; i++) {
        const linkem_step_t *x = linkem_schedule_step(s, i);
        const linkem_step_t *y = linkem_schedule_step(s, i + 1);
        cr_assert_gt(y->at_ms, x->at_ms);
        cr_assert_neq(x->what & LINKEM_STEP_UP, y->what & LINKEM_STEP_UP,
                      "steps %zu and %zu do not alternate", i, i + 1);
        double len = (double)(y->at_ms - x->at_ms);
        if (x->what & LINKEM_STEP_UP) {
            up += len;
            nup++;
        } else {
            down += len;
            ndown++;
            resets += (x->what & LINKEM_STEP_RESET) != 0;
        }
    }
    cr_assert(up / (double)nup > 4000 && up / (double)nup < 6000,
              "mean up %.0f ms", up / (double)nup);
    cr_assert(down / (double)ndown > 2400 && down / (double)ndown < 3600,
              "mean down %.0f ms", down / (double)ndown);
    double rate = (double)resets / (double)ndown;
    cr_assert(rate > 0.15 && rate < 0.25, "reset rate %.3f", rate);
    linkem_schedule_destroy(&s);
}

Test(linkem_flap, bad_specs_are_rejected_with_a_reason)
{
    linkem_flap_t flap;
    char err[128];

    cr_assert_eq(linkem_flap_parse(&flap, "up=5s", err, sizeof(err)),
                 XY_EPARSE);
    cr_assert_not_null(strstr(err, "both up= and down="), "%s", err);
    cr_assert_eq(
        linkem_flap_parse(&flap, "up=5s,down=1s,reset=2", err, sizeof(err)),
        XY_EPARSE);
    cr_assert_not_null(strstr(err, "reset="), "%s", err);
    cr_assert_eq(linkem_flap_parse(&flap, "up=5s,down=0", err, sizeof(err)),
                 XY_ERANGE);
    cr_assert_eq(
        linkem_flap_parse(&flap, "up=5s,down=1s,jitter=3", err, sizeof(err)),
        XY_EPARSE);
    cr_assert_not_null(strstr(err, "jitter"), "%s", err);
    cr_assert_eq(
        linkem_flap_parse(&flap, "up=5s,down=1s,seed=x", err, sizeof(err)),
        XY_EPARSE);
    cr_assert_eq(linkem_flap_parse(&flap, "down=2s,up=1s", err, sizeof(err)),
                 0);
    cr_assert_eq(flap.seed, 1);
    cr_assert_eq(flap.reset_prob, 0.0);
}
