/* Tests of PFIF (domain/pfif.h): the import of the PFIF 1.1-1.4 samples and
 * validator vectors of Google Person Finder, the refusal of what is unsafe
 * or malformed, and the round trip of an export through the import. */
#include "common/xy_error.h"
#include "domain/pfif.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2024-06-01T00:00:00Z */
#define S_NOW 1717200000000ull

/* Reads a shared data file into a new buffer (free). */
static char *s_read(const char *rel, size_t *len)
{
    FILE *f = fopen(xy_test_shared(rel), "rb");
    cr_assert_not_null(f, "cannot open %s", rel);
    char *buf = malloc(PFIF_MAX_BYTES + 1);
    *len = fread(buf, 1, PFIF_MAX_BYTES + 1, f);
    fclose(f);
    return buf;
}

static int s_parse_file(const char *rel, int band, pfif_import_t **out,
                        pfif_error_t *err)
{
    size_t len;
    char *buf = s_read(rel, &len);
    int rc = pfif_import_parse(buf, len, S_NOW, band, out, err);
    free(buf);
    return rc;
}

static int s_parse(const char *text, int band, pfif_import_t **out,
                   pfif_error_t *err)
{
    return pfif_import_parse(text, strlen(text), S_NOW, band, out, err);
}

Test(pfif, usage_import_the_pfif_14_sample)
{
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse_file("pfif/test.pfif-1.4.xml", -1, &imp, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(imp->version, 14);
    cr_assert_eq(imp->n, 1);
    cr_assert_eq(imp->n_refused, 0);
    cr_assert_eq(imp->notes, 4);
    const pfif_record_t *r = &imp->records[0];
    cr_assert_str_eq(r->record_id, "test.google.com/person.21009");
    /* full_name lists two names, one per line: the first is kept. */
    cr_assert_str_eq(r->name, "_test_full_name1");
    cr_assert_str_eq(r->sex, "female");
    /* date_of_birth 1970-01 wins over the age 35-45 (as of 2000). */
    cr_assert_eq(r->birth_year, 1970);
    cr_assert_eq(r->age_band, 50);
    cr_assert_str_eq(r->site, "_test_home_city, _test_home_state");
    cr_assert_str_eq(r->notes, "pfif:test.google.com/person.21009");
    cr_assert_eq(r->line, 3);
    pfif_import_destroy(&imp);
    cr_assert_null(imp);
    pfif_import_destroy(&imp);
}

/* Every sample document: persons accepted and refused, notes, and the
 * reason of each refusal. */
typedef struct s_sample {
    const char *file;
    int version;
    size_t n, refused, notes;
    const char *refused_element; /* of the first refusal, or NULL */
    int refused_line;
} s_sample_t;

static const s_sample_t s_samples[] = {
    {"pfif/global-test.pfif-1.2-source.xml", 12, 1, 0, 0, NULL, 0},
    /* No date_of_birth nor age, and no default band. */
    {"pfif/test.pfif-1.1.xml", 11, 0, 1, 2, "age", 3},
    /* The second person's "bad domain" is Person Finder's own rule: both
     * are persons here. */
    {"pfif/test.pfif-1.2-badrecord.xml", 12, 2, 0, 4, NULL, 0},
    {"pfif/test.pfif-1.2-believed-dead.xml", 12, 0, 0, 1, NULL, 0},
    {"pfif/test.pfif-1.2-note.xml", 12, 0, 0, 2, NULL, 0},
    {"pfif/test.pfif-1.2-notification.xml", 12, 0, 0, 1, NULL, 0},
    {"pfif/test.pfif-1.2-source.xml", 12, 1, 0, 0, NULL, 0},
    {"pfif/test.pfif-1.2.xml", 12, 1, 0, 4, NULL, 0},
    {"pfif/test.pfif-1.4.xml", 14, 1, 0, 4, NULL, 0},
};

Test(pfif, every_sample_parses_with_its_persons_and_refusals)
{
    for (size_t i = 0; i < sizeof s_samples / sizeof s_samples[0]; i++) {
        const s_sample_t *s = &s_samples[i];
        pfif_import_t *imp = NULL;
        pfif_error_t err;
        cr_assert_eq(s_parse_file(s->file, -1, &imp, &err), 0, "%s: %s",
                     s->file, err.msg);
        cr_expect_eq(imp->version, s->version, "%s", s->file);
        cr_expect_eq(imp->n, s->n, "%s: %zu persons", s->file, imp->n);
        cr_expect_eq(imp->n_refused, s->refused, "%s: %zu refused", s->file,
                     imp->n_refused);
        cr_expect_eq(imp->notes, s->notes, "%s: %zu notes", s->file,
                     imp->notes);
        if (s->refused_element && imp->n_refused) {
            cr_expect_str_eq(imp->refused[0].element, s->refused_element,
                             "%s", s->file);
            cr_expect_eq(imp->refused[0].line, s->refused_line, "%s",
                         s->file);
        }
        pfif_import_destroy(&imp);
    }
}

Test(pfif, a_default_band_admits_a_person_without_age)
{
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse_file("pfif/test.pfif-1.1.xml", 30, &imp, &err), 0);
    cr_assert_eq(imp->n, 1);
    cr_assert_str_eq(imp->records[0].name, "_test_first_name _test_last_name");
    cr_assert_eq(imp->records[0].age_band, 30);
    cr_assert_eq(imp->records[0].birth_year, 0);
    pfif_import_destroy(&imp);
}

/* Validator vectors whose names say what an importer must do with them. */
typedef struct s_vector {
    const char *file;
    int rc;            /* of the parse */
    size_t n, refused; /* when it parses (default band 30) */
    const char *element; /* of the error or the first refusal */
} s_vector_t;

static const s_vector_t s_vectors[] = {
    {"xml_invalid.xml", XY_EPARSE, 0, 0, "pfif"},
    {"xml_no_namespace.xml", XY_ENOTSUP, 0, 0, "pfif"},
    {"xml_bad_pfif_version.xml", XY_ENOTSUP, 0, 0, "pfif"},
    {"xml_bad_pfif_website.xml", XY_ENOTSUP, 0, 0, "pfif"},
    {"xml_non_pfif_root.xml", XY_ENOTSUP, 0, 0, "pfif"},
    {"xml_root_lacks_child.xml", 0, 0, 0, NULL},
    {"xml_one_blank_record_id.xml", 0, 0, 2, "full_name"},
    {"xml_person_with_children_11.xml", 0, 0, 1, "person_record_id"},
    {"xml_person_no_children_13.xml", 0, 0, 1, "person_record_id"},
    {"xml_unicode_12.xml", 0, 1, 0, NULL},
};

Test(pfif, validator_vectors_are_read_or_refused_for_their_reason)
{
    char rel[128];
    for (size_t i = 0; i < sizeof s_vectors / sizeof s_vectors[0]; i++) {
        const s_vector_t *v = &s_vectors[i];
        snprintf(rel, sizeof rel, "pfif/vectors/%s", v->file);
        pfif_import_t *imp = NULL;
        pfif_error_t err = {0};
        int rc = s_parse_file(rel, 30, &imp, &err);
        cr_expect_eq(rc, v->rc, "%s: %s (%s)", v->file, xy_strerror(rc),
                     err.msg);
        if (rc) {
            cr_expect_str_eq(err.element, v->element, "%s", v->file);
            cr_expect_null(imp);
            continue;
        }
        cr_expect_eq(imp->n, v->n, "%s", v->file);
        cr_expect_eq(imp->n_refused, v->refused, "%s", v->file);
        if (v->element && imp->n_refused)
            cr_expect_str_eq(imp->refused[0].element, v->element, "%s: %s",
                             v->file, imp->refused[0].msg);
        pfif_import_destroy(&imp);
    }
}

Test(pfif, unicode_names_and_places_are_kept)
{
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse_file("pfif/vectors/xml_unicode_12.xml", 30, &imp,
                              &err), 0);
    cr_assert_str_eq(imp->records[0].name, "اسم يونيكود Unicode名称");
    cr_assert_str_eq(imp->records[0].site, "ইউনিকোড শহর");
    pfif_import_destroy(&imp);
}

#define S_HEAD                                                               \
    "<?xml version=\"1.0\"?>\n<p:pfif xmlns:p=\"http://zesty.ca/pfif/1.3\">\n"

Test(pfif, a_doctype_is_refused_before_any_entity_is_read)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE p:pfif [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<p:pfif xmlns:p=\"http://zesty.ca/pfif/1.4\"><p:person>"
        "<p:person_record_id>a/1</p:person_record_id>"
        "<p:full_name>&x;</p:full_name><p:age>30</p:age>"
        "</p:person></p:pfif>";
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse(doc, -1, &imp, &err), XY_EPERM);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.element, "DOCTYPE");
    cr_assert_null(imp);
    cr_assert_null(strstr(err.msg, "root:"));
}

Test(pfif, an_oversized_document_is_refused_unread)
{
    size_t len = PFIF_MAX_BYTES + 1;
    char *buf = malloc(len);
    memset(buf, ' ', len);
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(pfif_import_parse(buf, len, S_NOW, -1, &imp, &err),
                 XY_ETOOBIG);
    cr_assert_null(imp);
    free(buf);
}

Test(pfif, too_many_persons_are_refused)
{
    size_t cap = 200 + 12 * (PFIF_RECORDS_MAX + 1);
    char *buf = malloc(cap);
    size_t n = (size_t)snprintf(buf, cap, "%s", S_HEAD);
    for (int i = 0; i <= PFIF_RECORDS_MAX; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<p:person/>");
    n += (size_t)snprintf(buf + n, cap - n, "</p:pfif>");
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(pfif_import_parse(buf, n, S_NOW, 30, &imp, &err),
                 XY_ETOOBIG);
    cr_assert_str_eq(err.element, "person");
    free(buf);
}

Test(pfif, bad_records_are_refused_naming_element_and_line)
{
    const char *doc =
        S_HEAD
        "<p:person><p:person_record_id>a/1</p:person_record_id>\n"
        "<p:full_name>A</p:full_name><p:sex>unknown</p:sex></p:person>\n"
        "<p:person><p:person_record_id>a/2</p:person_record_id>\n"
        "<p:full_name>B</p:full_name><p:full_name>C</p:full_name>"
        "</p:person>\n"
        "<p:person><p:person_record_id>a/3</p:person_record_id>\n"
        "<p:full_name>D</p:full_name>"
        "<p:date_of_birth>1970-02-30</p:date_of_birth></p:person>\n"
        "<p:person><p:person_record_id>a/4</p:person_record_id>\n"
        "<p:full_name>E</p:full_name><p:age>30</p:age></p:person>\n"
        "<p:person><p:person_record_id>a/4</p:person_record_id>\n"
        "<p:full_name>F</p:full_name><p:age>30</p:age></p:person>\n"
        "</p:pfif>";
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse(doc, -1, &imp, &err), 0, "%s", err.msg);
    cr_assert_eq(imp->n, 1);
    cr_assert_str_eq(imp->records[0].name, "E");
    cr_assert_eq(imp->n_refused, 4);
    static const char *const el[] = {"sex", "full_name", "date_of_birth",
                                     "person_record_id"};
    static const int lines[] = {4, 6, 8, 11};
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(imp->refused[i].element, el[i], "%d: %s", i,
                         imp->refused[i].msg);
        cr_expect_eq(imp->refused[i].line, lines[i], "%d: %s", i,
                     imp->refused[i].msg);
    }
    cr_assert_not_null(strstr(imp->refused[3].msg, "at line 9"), "%s",
                       imp->refused[3].msg);
    pfif_import_destroy(&imp);
}

Test(pfif, an_age_is_taken_as_of_the_source_date)
{
    const char *doc =
        S_HEAD
        "<p:person><p:person_record_id>a/1</p:person_record_id>"
        "<p:full_name>A</p:full_name><p:age>35-45</p:age>"
        "<p:source_date>2000-01-01T00:00:00Z</p:source_date></p:person>"
        "<p:person><p:person_record_id>a/2</p:person_record_id>"
        "<p:full_name>B</p:full_name><p:age>7</p:age></p:person>"
        "</p:pfif>";
    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(s_parse(doc, -1, &imp, &err), 0, "%s", err.msg);
    cr_assert_eq(imp->n, 2);
    cr_assert_eq(imp->records[0].age_band, 60); /* 40 in 2000: 64 now */
    cr_assert_eq(imp->records[1].age_band, 5);
    cr_assert_eq(imp->records[0].birth_year, 0);
    pfif_import_destroy(&imp);
}

/* ---- Export ----------------------------------------------------------- */

typedef struct s_person {
    Xy__PersonRegistered reg;
    Xy__Sealed sealed;
    personal_data_t pd;
    person_view_t v;
} s_person_t;

static void s_person(s_person_t *p, uint8_t n, const char *name, int sex,
                     int band, int birth_year, bool open)
{
    memset(p, 0, sizeof *p);
    xy__person_registered__init(&p->reg);
    xy__sealed__init(&p->sealed);
    p->reg.sex = sex;
    p->reg.age_band = (uint32_t)band;
    p->reg.personal = &p->sealed;
    snprintf(p->pd.name, sizeof p->pd.name, "%s", name);
    p->pd.birth_year = (uint32_t)birth_year;
    memset(p->v.id.b, n, DOMAIN_ID_LEN);
    p->v.reg = &p->reg;
    p->v.pd = open ? &p->pd : NULL;
}

Test(pfif, export_then_import_gives_the_same_people)
{
    s_person_t *p = calloc(4, sizeof *p);
    s_person(&p[0], 1, "张三丰", XY__SEX__SEX_MALE, 30, 1994, true);
    s_person(&p[1], 2, "Anna Schmidt", XY__SEX__SEX_FEMALE, 40, 1980, true);
    s_person(&p[2], 3, "欧阳娜娜", XY__SEX__SEX_OTHER, 20, 0, true);
    s_person(&p[3], 4, "secret", XY__SEX__SEX_MALE, 20, 0, false);
    pfif_export_t *x = NULL;
    cr_assert_eq(pfif_export_new(&x, "team1.example.org"), 0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pfif_export_add(x, &p[i].v, S_NOW), 0);
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(pfif_export_finish(x, &text, &len), 0);
    pfif_export_stats_t st = pfif_export_stats(x);
    cr_assert_eq(st.written, 3);
    cr_assert_eq(st.sealed, 1);
    cr_assert_eq(pfif_export_add(x, &p[0].v, S_NOW), XY_ESTATE);
    pfif_export_destroy(&x);
    cr_assert_null(x);
    cr_assert_null(strstr(text, "secret"));
    cr_assert_not_null(strstr(text, "xmlns:pfif=\"" PFIF_NS_14 "\""));
    cr_assert_not_null(strstr(text, "<pfif:person_record_id>team1.example"
                                    ".org/0101010101010101010101010101"
                                    "0101</pfif:person_record_id>"));
    cr_assert_not_null(strstr(text, "<pfif:family_name>欧阳</pfif:"
                                    "family_name>"));
    cr_assert_not_null(strstr(text, "<pfif:given_name>三丰</pfif:"
                                    "given_name>"));
    cr_assert_not_null(strstr(text, "<pfif:age>30-34</pfif:age>"));
    cr_assert_not_null(strstr(text, "<pfif:date_of_birth>1994</pfif:"
                                    "date_of_birth>"));
    cr_assert_not_null(strstr(text, "<pfif:entry_date>2024-06-01T00:00:00Z"
                                    "</pfif:entry_date>"));
    /* A Latin name stays whole: which part is the family name is unknown. */
    cr_assert_eq(strstr(text, "Schmidt</pfif:family_name>"), NULL);

    pfif_import_t *imp = NULL;
    pfif_error_t err;
    cr_assert_eq(pfif_import_parse(text, len, S_NOW, -1, &imp, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(imp->version, 14);
    cr_assert_eq(imp->n, 3);
    static const char *const sexes[] = {"male", "female", "other"};
    for (int i = 0; i < 3; i++) {
        cr_expect_str_eq(imp->records[i].name, p[i].pd.name);
        cr_expect_str_eq(imp->records[i].sex, sexes[i]);
        cr_expect_eq(imp->records[i].birth_year, (int)p[i].pd.birth_year);
        cr_expect_eq(imp->records[i].age_band, (int)p[i].reg.age_band);
    }
    pfif_import_destroy(&imp);
    free(text);
    free(p);
}

Test(pfif, an_export_domain_must_be_a_plain_name)
{
    pfif_export_t *x = NULL;
    cr_assert_eq(pfif_export_new(&x, "a/b"), XY_EINVAL);
    cr_assert_eq(pfif_export_new(&x, "a b"), XY_EINVAL);
    cr_assert_null(x);
    cr_assert_eq(pfif_export_new(&x, NULL), 0);
    s_person_t p;
    s_person(&p, 9, "李四", XY__SEX__SEX_UNSPECIFIED, 0, 0, true);
    cr_assert_eq(pfif_export_add(x, &p.v, S_NOW), 0);
    char *text = NULL;
    size_t len;
    cr_assert_eq(pfif_export_finish(x, &text, &len), 0);
    cr_assert_not_null(strstr(text, ">" PFIF_DOMAIN_DEFAULT "/0909"));
    cr_assert_null(strstr(text, "<pfif:sex>"));
    cr_assert_null(strstr(text, "date_of_birth"));
    pfif_export_destroy(&x);
    free(text);
}
