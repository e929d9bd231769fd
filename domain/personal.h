/* Personal data of an affected person (name, phone, ID number, notes, the
 * pinyin of the name and the birth year): checked, then sealed with
 * XChaCha20-Poly1305 under an incident data key into the Sealed message of
 * PersonRegistered, and opened again by nodes that hold the key. The
 * additional data is person_id | key_id, so a ciphertext moved to another
 * person does not open. Pure: keys, nonces and the time come from the
 * caller (the keys from core/keystore.h). See docs/personal-data.md. */
#ifndef XY_DOMAIN_PERSONAL_H
#define XY_DOMAIN_PERSONAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/domain_event.h"

#define PERSONAL_NAME_MAX 100      /* bytes of a name */
#define PERSONAL_PHONE_MAX 20      /* characters of a normalised phone */
#define PERSONAL_ID_NUMBER_LEN 18  /* GB 11643 resident identity number */
#define PERSONAL_NOTES_MAX 2000    /* bytes of free-text notes */
#define PERSONAL_PHONETIC_MAX 400  /* bytes of the pinyin of a name */
#define PERSONAL_KEY_LEN 32
#define PERSONAL_NONCE_LEN 24
#define PERSONAL_KEYRING_MAX 64
/* A packed PersonalData is at most the fields above plus tags: 2,600. */
#define PERSONAL_PACKED_MAX 2600
#define PERSONAL_SEALED_MAX (PERSONAL_PACKED_MAX + 16)
#define PERSONAL_BLOCK_LEN 16      /* bytes of a blocking key */
#define PERSONAL_SEALED_TEXT "(sealed)" /* shown without the key */

typedef struct personal_data {
    char name[PERSONAL_NAME_MAX + 1];         /* required */
    char phone[PERSONAL_PHONE_MAX + 1];       /* "" or +?digits */
    char id_number[PERSONAL_ID_NUMBER_LEN + 1]; /* "" or 17 digits + check */
    char notes[PERSONAL_NOTES_MAX + 1];       /* "" or free text */
    char phonetic[PERSONAL_PHONETIC_MAX + 1]; /* pinyin syllables, spaced */
    uint32_t birth_year;                      /* 0: unknown */
} personal_data_t;

typedef struct personal_key {
    uint8_t incident[DOMAIN_ID_LEN];  /* the incident it protects */
    uint8_t key_id[DOMAIN_ID_LEN];    /* names the key */
    uint8_t key[PERSONAL_KEY_LEN];    /* secret */
} personal_key_t;

/* The data keys a node could unwrap; empty for a role without names. */
typedef struct personal_keyring {
    personal_key_t keys[PERSONAL_KEYRING_MAX]; /* secret: wipe */
    size_t n;                                  /* keys held */
} personal_keyring_t;

/* A sealed PersonalData and its PersonRegistered fields, self-contained:
 * msg points into this struct. */
typedef struct personal_sealed {
    Xy__Sealed msg;                            /* ready for the event */
    uint8_t key_id[DOMAIN_ID_LEN];
    uint8_t nonce[PERSONAL_NONCE_LEN];
    uint8_t ct[PERSONAL_SEALED_MAX];           /* ciphertext and tag */
    uint8_t block_key[PERSONAL_BLOCK_LEN];     /* name initials + year */
} personal_sealed_t;

/* Raw personal input as typed; NULL or "" for an absent field. */
typedef struct personal_input {
    const char *name;
    const char *phone;
    const char *id_number;
    const char *notes;
    const char *phonetic;   /* pinyin from pinyin_of(); may be NULL */
    int birth_year;         /* 0: unknown */
} personal_input_t;

/* Checks in and writes its normalised form into out: a name is required
 * (valid UTF-8, no control characters); a phone keeps its digits (a leading
 * '+' allowed; spaces and '-' dropped), 5 to 20 of them; an ID number is 17
 * digits and a check character (ISO 7064 MOD 11-2), its date of birth a
 * real date; the birth year (given or taken from the ID number) is not
 * after the year of now_ms, agrees with the ID number, and makes an age
 * that falls in the 5-year age_band (a year either side for birthdays).
 * Errors name the field: XY_EINVAL, XY_ERANGE, XY_ETOOBIG, XY_EMISSING. */
int personal_check(const personal_input_t *in, int age_band, uint64_t now_ms,
                   personal_data_t *out, domain_error_t *err);

/* Seals pd for person_id under key with the caller's random nonce, and
 * computes the blocking key of initials (the first letters of the pinyin
 * syllables, e.g. "zsf") and the birth year. out is self-contained.
 * XY_ETOOBIG when pd does not fit (it cannot after personal_check). */
int personal_seal(const personal_key_t *key, const uint8_t person_id[16],
                  const personal_data_t *pd, const char *initials,
                  const uint8_t nonce[PERSONAL_NONCE_LEN],
                  personal_sealed_t *out);

/* Opens sealed (borrowed) for person_id with the key of the ring it names.
 * XY_ENOENT when the ring lacks that key (show PERSONAL_SEALED_TEXT),
 * XY_ECRYPTO when the ciphertext does not open (altered, or moved from
 * another person), XY_EMALFORMED when what opens is not a PersonalData. */
int personal_open(const personal_keyring_t *ring, const uint8_t person_id[16],
                  const Xy__Sealed *sealed, personal_data_t *out);

/* The keyed blocking hash of text under key (BLAKE2b keyed with a key
 * derived from the data key): equal text gives equal bytes only for
 * holders of the same key. */
void personal_block_hash(const personal_key_t *key, const char *text,
                         uint8_t out[PERSONAL_BLOCK_LEN]);

/* The first key of the ring for incident (smallest key id), or NULL. */
const personal_key_t *personal_keyring_for(const personal_keyring_t *ring,
                                           const uint8_t incident[16]);

/* Overwrites the secret bytes of pd and of ring. */
void personal_data_wipe(personal_data_t *pd);
void personal_keyring_wipe(personal_keyring_t *ring);

#endif
