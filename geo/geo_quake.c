/* Elliptical intensity attenuation and earthquake footprints
 * (geo_quake.h). The model holds the coefficients per region and axis and
 * the province boundaries used to pick the region; after loading it is
 * never written, so one model serves any number of threads. */
#include "geo/geo_quake.h"
#include "geo/geo.h"
#include "geo/geo_file.h"
#include "geo/geo_shape.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_COEF_MAX_BYTES (64u * 1024u)         /* coefficient CSV cap */
#define S_PROV_MAX_BYTES (64u * 1024u * 1024u) /* province GeoJSON cap */
#define S_PROV_MAX 64u                         /* provinces accepted */
#define S_LINE_MAX 1024u                       /* CSV line length cap */
#define S_MIN_RADIUS_KM 1.0                    /* smallest band radius */

typedef struct {
    double a;     /* constant term A */
    double b;     /* magnitude term B */
    double c;     /* distance term C (negative) */
    double r0;    /* near-field saturation R0, km */
    double sigma; /* standard deviation of I */
} s_axis_t;

struct geo_quake_model {
    s_axis_t coef[GEO_QUAKE_REGIONS][2]; /* [region][0 long, 1 short] */
    size_t n_prov;                       /* provinces loaded */
    int prov_code[S_PROV_MAX];           /* their codes */
    geo_shape_t *prov[S_PROV_MAX];       /* their boundaries, owned */
};

static const char *const s_region_en[GEO_QUAKE_REGIONS] = {
    "Qinghai-Tibet", "Xinjiang", "Eastern", "Central"};

static void s_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *geo_quake_region_name(geo_quake_region_t region)
{
    if ((int)region < 0 || region >= GEO_QUAKE_REGIONS)
        return "unknown";
    return s_region_en[region];
}

static int s_number(const char *s, double *out)
{
    char *end = NULL;
    if (!*s)
        return XY_EPARSE;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return XY_EPARSE;
    *out = v;
    return 0;
}

/* One data row: region_cn,region_en,axis,A,B,C,R0_km,sigma */
static int s_coef_row(geo_quake_model_t *m, int have[][2], char *line,
                      const char *path, size_t lineno, char *err, size_t errlen)
{
    char *f[8];
    size_t n = 0;
    for (char *p = line; p && n < 9; n++) {
        char *comma = strchr(p, ',');
        if (n < 8)
            f[n] = p;
        if (comma)
            *comma = '\0';
        p = comma ? comma + 1 : NULL;
    }
    if (n != 8) {
        s_err(err, errlen, "%s:%zu: expected 8 comma-separated fields", path,
              lineno);
        return XY_EPARSE;
    }
    int region = -1, axis = -1;
    for (int r = 0; r < GEO_QUAKE_REGIONS; r++)
        if (strcmp(f[1], s_region_en[r]) == 0)
            region = r;
    if (strcmp(f[2], "long") == 0)
        axis = 0;
    else if (strcmp(f[2], "short") == 0)
        axis = 1;
    if (region < 0 || axis < 0) {
        s_err(err, errlen,
              "%s:%zu: unknown region \"%.40s\" or axis "
              "\"%.10s\"",
              path, lineno, f[1], f[2]);
        return XY_EPARSE;
    }
    s_axis_t c;
    if (s_number(f[3], &c.a) || s_number(f[4], &c.b) || s_number(f[5], &c.c) ||
        s_number(f[6], &c.r0) || s_number(f[7], &c.sigma)) {
        s_err(err, errlen, "%s:%zu: A, B, C, R0_km, sigma must be numbers",
              path, lineno);
        return XY_EPARSE;
    }
    if (!(c.c < 0) || !(c.r0 > 0) || !(c.b > 0)) {
        s_err(err, errlen, "%s:%zu: need B > 0, C < 0 and R0_km > 0", path,
              lineno);
        return XY_EPARSE;
    }
    if (have[region][axis]) {
        s_err(err, errlen, "%s:%zu: %s %s axis given twice", path, lineno, f[1],
              f[2]);
        return XY_EPARSE;
    }
    have[region][axis] = 1;
    m->coef[region][axis] = c;
    return 0;
}

static int s_load_coef(geo_quake_model_t *m, const char *path, char *err,
                       size_t errlen)
{
    char *text = NULL;
    size_t len = 0, lineno = 0;
    int have[GEO_QUAKE_REGIONS][2] = {{0}}, header = 0;
    int rc = geo_file_read(path, S_COEF_MAX_BYTES, &text, &len, err, errlen);
    if (rc)
        return rc;
    for (char *p = text; p && *p; lineno++) {
        char *line = p, *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : NULL;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n > S_LINE_MAX) {
            s_err(err, errlen, "%s:%zu: line longer than %u bytes", path,
                  lineno + 1, S_LINE_MAX);
            rc = XY_EPARSE;
            goto out;
        }
        if (n == 0 || line[0] == '#')
            continue;
        if (!header) {
            if (strncmp(line, "region_cn,region_en,axis,A,B,C,R0_km,sigma",
                        42) != 0) {
                s_err(err, errlen,
                      "%s:%zu: expected the header "
                      "region_cn,region_en,axis,A,B,C,R0_km,sigma",
                      path, lineno + 1);
                rc = XY_EPARSE;
                goto out;
            }
            header = 1;
            continue;
        }
        rc = s_coef_row(m, have, line, path, lineno + 1, err, errlen);
        if (rc)
            goto out;
    }
    for (int r = 0; r < GEO_QUAKE_REGIONS; r++)
        for (int a = 0; a < 2; a++)
            if (!have[r][a]) {
                s_err(err, errlen, "%s: no %s %s-axis row", path,
                      s_region_en[r], a ? "short" : "long");
                rc = XY_EMISSING;
                goto out;
            }
out:
    free(text);
    return rc;
}

static int s_load_provinces(geo_quake_model_t *m, const char *path, char *err,
                            size_t errlen)
{
    char *text = NULL, msg[200];
    size_t len = 0;
    json_error_t jerr;
    json_t *root = NULL;
    int rc = geo_file_read(path, S_PROV_MAX_BYTES, &text, &len, err, errlen);
    if (rc)
        return rc;
    root = json_loadb(text, len, 0, &jerr);
    json_t *features = json_object_get(root, "features");
    if (!root || !json_is_array(features)) {
        s_err(err, errlen, "%s: not a GeoJSON FeatureCollection (%s, line %d)",
              path, root ? "no features array" : jerr.text, jerr.line);
        rc = XY_EPARSE;
        goto out;
    }
    if (json_array_size(features) > S_PROV_MAX) {
        s_err(err, errlen, "%s: more than %u provinces", path, S_PROV_MAX);
        rc = XY_ETOOBIG;
        goto out;
    }
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *f = json_array_get(features, i);
        json_t *code =
            json_object_get(json_object_get(f, "properties"), "code");
        if (!json_is_integer(code) || json_integer_value(code) <= 0 ||
            json_integer_value(code) > 999999) {
            s_err(err, errlen, "%s: feature %zu: no integer property code",
                  path, i);
            rc = XY_EPARSE;
            goto out;
        }
        rc = geo_shape_from_json(&m->prov[m->n_prov],
                                 json_object_get(f, "geometry"), msg,
                                 sizeof(msg));
        if (rc) {
            s_err(err, errlen, "%s: feature %zu: %s", path, i, msg);
            goto out;
        }
        m->prov_code[m->n_prov++] = (int)json_integer_value(code);
    }
out:
    json_decref(root);
    free(text);
    return rc;
}

int geo_quake_model_load(geo_quake_model_t **out, const char *coef_path,
                         const char *provinces_path, char *err, size_t errlen)
{
    *out = NULL;
    geo_quake_model_t *m = xcalloc(1, sizeof(*m));
    int rc = s_load_coef(m, coef_path, err, errlen);
    if (rc == 0)
        rc = s_load_provinces(m, provinces_path, err, errlen);
    if (rc) {
        geo_quake_model_destroy(&m);
        return rc;
    }
    *out = m;
    return 0;
}

void geo_quake_model_destroy(geo_quake_model_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_quake_model_t *m = *self_p;
    for (size_t i = 0; i < m->n_prov; i++)
        geo_shape_destroy(&m->prov[i]);
    free(m);
    *self_p = NULL;
}

/* The region rule of docs/geo.md: by province, with the Tibetan Plateau's
 * edge drawn through Sichuan, Gansu, Ningxia and Xinjiang by simple lines. */
static geo_quake_region_t s_region(int prov, double lat, double lon)
{
    switch (prov) {
    case 540000: /* Tibet */
    case 630000: /* Qinghai */
    case 530000: /* Yunnan: Sichuan-Yunnan block and its south-west */
        return GEO_QUAKE_TIBET;
    case 510000: /* Sichuan: west of the Longmenshan and south-west */
        if (lon < 103.0 || lat > 30.0 + 1.077 * (lon - 102.9))
            return GEO_QUAKE_TIBET;
        return GEO_QUAKE_CENTRAL;
    case 620000: /* Gansu: west of the Liupanshan */
        return lon < 106.0 ? GEO_QUAKE_TIBET : GEO_QUAKE_EASTERN;
    case 640000: /* Ningxia: Haiyuan-Liupanshan south, Yinchuan graben north */
        return lat < 37.0 ? GEO_QUAKE_TIBET : GEO_QUAKE_EASTERN;
    case 650000: /* Xinjiang: Kunlun and Altyn Tagh belong to the plateau */
        return lat < 37.0 ? GEO_QUAKE_TIBET : GEO_QUAKE_XINJIANG;
    case 150000: /* Inner Mongolia: Hetao and Ordos margin west of 115E */
        return lon < 115.0 ? GEO_QUAKE_EASTERN : GEO_QUAKE_CENTRAL;
    case 110000: /* Beijing */
    case 120000: /* Tianjin */
    case 130000: /* Hebei */
    case 140000: /* Shanxi */
    case 210000: /* Liaoning */
    case 320000: /* Jiangsu */
    case 340000: /* Anhui */
    case 370000: /* Shandong */
    case 410000: /* Henan */
    case 610000: /* Shaanxi */
    case 350000: /* Fujian: south-east coast belt */
    case 440000: /* Guangdong: south-east coast belt */
    case 460000: /* Hainan: Qiongshan 1605 */
        return GEO_QUAKE_EASTERN;
    default: /* the north-east, the Yangtze and the south: moderate */
        return GEO_QUAKE_CENTRAL;
    }
}

static int s_province(const geo_quake_model_t *m, double lat, double lon,
                      int *prov)
{
    double best = INFINITY;
    int best_code = 0;
    for (size_t i = 0; i < m->n_prov; i++)
        if (geo_shape_contains(m->prov[i], lat, lon)) {
            *prov = m->prov_code[i];
            return 0;
        }
    for (size_t i = 0; i < m->n_prov; i++) {
        double x0, y0, x1, y1;
        geo_shape_bounds(m->prov[i], &x0, &y0, &x1, &y1);
        /* one degree of margin is more than the offshore allowance */
        if (lon < x0 - 1.0 || lon > x1 + 1.0 || lat < y0 - 1.0 ||
            lat > y1 + 1.0)
            continue;
        double d = geo_shape_edge_distance_km(m->prov[i], lat, lon);
        if (d < best) {
            best = d;
            best_code = m->prov_code[i];
        }
    }
    if (best > GEO_QUAKE_OFFSHORE_KM)
        return XY_EOUTSIDE;
    *prov = best_code;
    return 0;
}

void geo_quake_radii_km(const geo_quake_model_t *self,
                        geo_quake_region_t region, double ms, double intensity,
                        double *a_km, double *b_km)
{
    const s_axis_t *l = &self->coef[region][0], *s = &self->coef[region][1];
    *a_km = pow(10.0, (intensity - l->a - l->b * ms) / l->c) - l->r0;
    *b_km = pow(10.0, (intensity - s->a - s->b * ms) / s->c) - s->r0;
}

int geo_quake_assess(const geo_quake_model_t *self, double lat, double lon,
                     double ms, geo_quake_info_t *info)
{
    int rc = geo_check_point(lat, lon);
    if (rc)
        return rc;
    if (!(ms >= GEO_QUAKE_MIN_MS && ms <= GEO_QUAKE_MAX_MS))
        return XY_ERANGE;
    int prov = 0;
    rc = s_province(self, lat, lon, &prov);
    if (rc)
        return rc;
    info->prov_code = prov;
    info->region = s_region(prov, lat, lon);
    const s_axis_t *l = &self->coef[info->region][0];
    info->i0 = l->a + l->b * ms + l->c * log10(l->r0);
    int level = (int)floor(info->i0 + 0.5);
    info->level = level > GEO_QUAKE_MAX_LEVEL ? GEO_QUAKE_MAX_LEVEL : level;
    return 0;
}

int geo_quake_footprint(const geo_quake_model_t *self, double lat, double lon,
                        double ms, double strike_deg, geo_footprint_t **out)
{
    geo_quake_info_t info;
    geo_footprint_t *fp = NULL;
    *out = NULL;
    if (isinf(strike_deg))
        return XY_EINVAL;
    int rc = geo_quake_assess(self, lat, lon, ms, &info);
    if (rc)
        return rc;
    rc = geo_footprint_new(&fp, GEO_HAZARD_QUAKE);
    if (rc)
        return rc;
    for (int k = info.level; k >= GEO_QUAKE_MIN_LEVEL; k--) {
        double a, b;
        geo_quake_radii_km(self, info.region, ms, k - 0.5, &a, &b);
        /* the top band always reaches the epicentre */
        a = fmax(a, S_MIN_RADIUS_KM);
        b = fmax(b, S_MIN_RADIUS_KM);
        double strike = strike_deg;
        if (isnan(strike_deg)) {
            a = b = sqrt(a * b);
            strike = 0.0;
        }
        rc = geo_footprint_add_ellipse(fp, lat, lon, a, b, strike, k);
        if (rc)
            goto out;
    }
    *out = fp;
    fp = NULL;
out:
    geo_footprint_destroy(&fp);
    return rc;
}
