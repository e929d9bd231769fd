/* Sealing and opening personal data (personal.h). */
#include "domain/personal.h"
#include "common/xy_error.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define S_BLOCK_CONTEXT "xinyuan-blocking-v1"

void personal_data_wipe(personal_data_t *pd)
{
    if (pd)
        sodium_memzero(pd, sizeof *pd);
}

void personal_keyring_wipe(personal_keyring_t *ring)
{
    if (ring)
        sodium_memzero(ring, sizeof *ring);
}

/* True when text is valid UTF-8 with no control characters (a newline and
 * a tab allowed when multiline). */
static bool s_utf8_ok(const char *text, bool multiline)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2
                             : (c & 0xf0) == 0xe0 ? 3
                             : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || (n == 2 && c < 0xc2) || (n == 4 && c > 0xf4))
            return false;
        if (n == 1 && (c < 0x20 || c == 0x7f) &&
            !(multiline && (c == '\n' || c == '\t')))
            return false;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += n;
    }
    return true;
}

static int s_text(const char *in, char *out, size_t max, bool multiline,
                  const char *field, domain_error_t *err)
{
    out[0] = '\0';
    if (!in)
        return 0;
    size_t n = strlen(in);
    if (n > max)
        return domain_fail(err, XY_ETOOBIG, field, "%zu bytes is over the "
                           "maximum of %zu", n, max);
    if (!s_utf8_ok(in, multiline))
        return domain_fail(err, XY_EINVAL, field, "not valid UTF-8 text or "
                           "holds control characters");
    memcpy(out, in, n + 1);
    return 0;
}

static int s_phone(const char *in, char *out, domain_error_t *err)
{
    size_t used = 0, digits = 0;
    out[0] = '\0';
    if (!in || !*in)
        return 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        bool plus = *p == '+' && used == 0;
        if (!plus && (*p < '0' || *p > '9'))
            return domain_fail(err, XY_EINVAL, "phone", "'%c' is not allowed "
                               "in a phone number (digits, a leading +, "
                               "spaces, -)", *p);
        if (used == PERSONAL_PHONE_MAX)
            return domain_fail(err, XY_ETOOBIG, "phone", "more than %d "
                               "digits", PERSONAL_PHONE_MAX - 1);
        digits += !plus;
        out[used++] = *p;
    }
    out[used] = '\0';
    if (digits < 5)
        return domain_fail(err, XY_EINVAL, "phone", "%zu digits is too short "
                           "for a phone number (at least 5)", digits);
    return 0;
}

static bool s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* GB 11643-1999: 6-digit area, YYYYMMDD, 3-digit sequence, check. */
static int s_id_number(const char *in, char *out, int *year,
                       domain_error_t *err)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3,
                              7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    out[0] = '\0';
    *year = 0;
    if (!in || !*in)
        return 0;
    if (strlen(in) != PERSONAL_ID_NUMBER_LEN)
        return domain_fail(err, XY_EINVAL, "id_number", "a resident ID "
                           "number has 18 characters, not %zu", strlen(in));
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (in[i] < '0' || in[i] > '9')
            return domain_fail(err, XY_EINVAL, "id_number", "character %d "
                               "is not a digit", i + 1);
        sum += (in[i] - '0') * w[i];
    }
    char last = in[17] == 'x' ? 'X' : in[17];
    if (last != check[sum % 11])
        return domain_fail(err, XY_EINVAL, "id_number", "the check character "
                           "does not match (a typing error?)");
    int y = 0, m = 0, d = 0;
    sscanf(in + 6, "%4d%2d%2d", &y, &m, &d);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (y < 1880 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && s_leap(y)))
        return domain_fail(err, XY_EINVAL, "id_number", "its date of birth "
                           "%.8s is not a real date", in + 6);
    memcpy(out, in, 17);
    out[17] = last;
    out[18] = '\0';
    *year = y;
    return 0;
}

static int s_birth_year(int given, int from_id, int age_band,
                        uint64_t now_ms, uint32_t *out, domain_error_t *err)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int now_year = tm.tm_year + 1900;
    if (given && from_id && given != from_id)
        return domain_fail(err, XY_EINVAL, "birth_year", "%d disagrees with "
                           "the ID number (born %d)", given, from_id);
    int y = given ? given : from_id;
    *out = 0;
    if (!y)
        return 0;
    if (y < 1880 || y > now_year)
        return domain_fail(err, XY_ERANGE, "birth_year", "%d is not a birth "
                           "year (1880..%d)", y, now_year);
    int age = now_year - y;
    /* The age this year is reached on the birthday: a year's slack below. */
    if (age < age_band - 1 || age > age_band + 4)
        return domain_fail(err, XY_ERANGE, "birth_year", "born %d makes "
                           "age %d, impossible in age band %d-%d", y, age,
                           age_band, age_band + 4);
    *out = (uint32_t)y;
    return 0;
}

int personal_check(const personal_input_t *in, int age_band, uint64_t now_ms,
                   personal_data_t *out, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!in->name || !*in->name)
        return domain_fail(err, XY_EMISSING, "name", "a name is required "
                           "with personal data");
    int rc = s_text(in->name, out->name, PERSONAL_NAME_MAX, false, "name",
                    err);
    if (!rc)
        rc = s_text(in->notes, out->notes, PERSONAL_NOTES_MAX, true, "notes",
                    err);
    if (!rc)
        rc = s_text(in->phonetic, out->phonetic, PERSONAL_PHONETIC_MAX, false,
                    "phonetic", err);
    if (!rc)
        rc = s_phone(in->phone, out->phone, err);
    int from_id = 0;
    if (!rc)
        rc = s_id_number(in->id_number, out->id_number, &from_id, err);
    if (!rc)
        rc = s_birth_year(in->birth_year, from_id, age_band, now_ms,
                          &out->birth_year, err);
    if (rc)
        personal_data_wipe(out);
    return rc;
}

static void s_ad(uint8_t ad[2 * DOMAIN_ID_LEN], const uint8_t person[16],
                 const uint8_t key_id[16])
{
    memcpy(ad, person, DOMAIN_ID_LEN);
    memcpy(ad + DOMAIN_ID_LEN, key_id, DOMAIN_ID_LEN);
}

void personal_block_hash(const personal_key_t *key, const char *text,
                         uint8_t out[PERSONAL_BLOCK_LEN])
{
    uint8_t bk[32];
    crypto_generichash(bk, sizeof bk, (const uint8_t *)S_BLOCK_CONTEXT,
                       sizeof S_BLOCK_CONTEXT - 1, key->key, sizeof key->key);
    crypto_generichash(out, PERSONAL_BLOCK_LEN, (const uint8_t *)text,
                       strlen(text), bk, sizeof bk);
    sodium_memzero(bk, sizeof bk);
}

int personal_seal(const personal_key_t *key, const uint8_t person_id[16],
                  const personal_data_t *pd, const char *initials,
                  const uint8_t nonce[PERSONAL_NONCE_LEN],
                  personal_sealed_t *out)
{
    memset(out, 0, sizeof *out);
    Xy__PersonalData m = XY__PERSONAL_DATA__INIT;
    m.name = (char *)pd->name;
    m.phone = (char *)pd->phone;
    m.id_number = (char *)pd->id_number;
    m.notes = (char *)pd->notes;
    m.name_phonetic = (char *)pd->phonetic;
    m.birth_year = pd->birth_year;
    size_t n = xy__personal_data__get_packed_size(&m);
    if (n > PERSONAL_PACKED_MAX)
        return XY_ETOOBIG;
    uint8_t plain[PERSONAL_PACKED_MAX], ad[2 * DOMAIN_ID_LEN];
    xy__personal_data__pack(&m, plain);
    memcpy(out->key_id, key->key_id, DOMAIN_ID_LEN);
    memcpy(out->nonce, nonce, PERSONAL_NONCE_LEN);
    s_ad(ad, person_id, key->key_id);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out->ct, &clen, plain, n, ad,
                                               sizeof ad, NULL, nonce,
                                               key->key);
    sodium_memzero(plain, sizeof plain);
    char block[64];
    snprintf(block, sizeof block, "%.40s|%u", initials ? initials : "",
             pd->birth_year);
    personal_block_hash(key, block, out->block_key);
    xy__sealed__init(&out->msg);
    out->msg.key_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->key_id};
    out->msg.nonce = (ProtobufCBinaryData){PERSONAL_NONCE_LEN, out->nonce};
    out->msg.ciphertext = (ProtobufCBinaryData){(size_t)clen, out->ct};
    return 0;
}

static void s_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int personal_open(const personal_keyring_t *ring, const uint8_t person_id[16],
                  const Xy__Sealed *sealed, personal_data_t *out)
{
    memset(out, 0, sizeof *out);
    if (!sealed || sealed->key_id.len != DOMAIN_ID_LEN ||
        sealed->nonce.len != PERSONAL_NONCE_LEN)
        return XY_ENOENT;
    const personal_key_t *key = NULL;
    for (size_t i = 0; ring && i < ring->n && !key; i++)
        if (memcmp(ring->keys[i].key_id, sealed->key_id.data,
                   DOMAIN_ID_LEN) == 0)
            key = &ring->keys[i];
    if (!key)
        return XY_ENOENT;
    size_t clen = sealed->ciphertext.len;
    if (clen < crypto_aead_xchacha20poly1305_ietf_ABYTES ||
        clen > PERSONAL_SEALED_MAX)
        return XY_ECRYPTO;
    uint8_t plain[PERSONAL_SEALED_MAX], ad[2 * DOMAIN_ID_LEN];
    unsigned long long plen = 0;
    s_ad(ad, person_id, key->key_id);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plen, NULL, sealed->ciphertext.data, clen, ad, sizeof ad,
            sealed->nonce.data, key->key) != 0)
        return XY_ECRYPTO;
    Xy__PersonalData *m = xy__personal_data__unpack(NULL, (size_t)plen, plain);
    sodium_memzero(plain, sizeof plain);
    if (!m)
        return XY_EMALFORMED;
    s_copy(out->name, sizeof out->name, m->name);
    s_copy(out->phone, sizeof out->phone, m->phone);
    s_copy(out->id_number, sizeof out->id_number, m->id_number);
    s_copy(out->notes, sizeof out->notes, m->notes);
    s_copy(out->phonetic, sizeof out->phonetic, m->name_phonetic);
    out->birth_year = m->birth_year;
    xy__personal_data__free_unpacked(m, NULL);
    return 0;
}

const personal_key_t *personal_keyring_for(const personal_keyring_t *ring,
                                           const uint8_t incident[16])
{
    const personal_key_t *best = NULL;
    for (size_t i = 0; ring && i < ring->n; i++) {
        const personal_key_t *k = &ring->keys[i];
        if (memcmp(k->incident, incident, DOMAIN_ID_LEN) == 0 &&
            (!best || memcmp(k->key_id, best->key_id, DOMAIN_ID_LEN) < 0))
            best = k;
    }
    return best;
}
