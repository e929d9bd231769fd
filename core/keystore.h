/* Incident data keys and where they are kept. Each incident has one or more
 * data keys (32 random bytes, named by a 16-byte key id) under which the
 * personal data of its people is sealed (domain/personal.h). A data key is
 * never written unwrapped: <data-dir>/keys/<incident>-<key_id>.key (mode
 * 0600) holds it sealed with XChaCha20-Poly1305 under a key-encryption key
 * derived from the user's passphrase with Argon2id; the derived key is never
 * written. A key travels to another node sealed to that node's CURVE public
 * key (crypto_box_seal). See docs/personal-data.md. */
#ifndef XY_KEYSTORE_H
#define XY_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#define KEYSTORE_KEY_LEN 32     /* data key bytes */
#define KEYSTORE_ID_LEN 16      /* key id and incident id bytes */
#define KEYSTORE_PASS_MIN 8     /* shortest passphrase accepted */
#define KEYSTORE_PASS_MAX 1024  /* longest passphrase accepted */
#define KEYSTORE_MAX_KEYS 64    /* keys held by one node */
#define KEYSTORE_EXPORT_MAX 512 /* bytes of an exported key text */

typedef struct keystore_key {
    uint8_t incident[KEYSTORE_ID_LEN]; /* the incident it protects */
    uint8_t key_id[KEYSTORE_ID_LEN];   /* random, names the key */
    uint8_t key[KEYSTORE_KEY_LEN];     /* secret: wipe after use */
} keystore_key_t;

typedef struct keystore_entry {
    uint8_t incident[KEYSTORE_ID_LEN]; /* the incident it protects */
    uint8_t key_id[KEYSTORE_ID_LEN];   /* the key's id */
} keystore_entry_t;

/* Creates a new random data key for incident and saves it wrapped under
 * passphrase (see keystore_save). out, when not NULL, receives the key (the
 * caller wipes it). Errors as keystore_save. */
int keystore_create(const char *data_dir, const uint8_t incident[16],
                    const char *passphrase, keystore_key_t *out);

/* Writes key, wrapped under passphrase, to <data_dir>/keys/ (created mode
 * 0700) with mode 0600, atomically. XY_EINVAL for a passphrase shorter than
 * KEYSTORE_PASS_MIN or longer than KEYSTORE_PASS_MAX, XY_EEXIST when that
 * key is already held, XY_EIO on a write error, XY_ECRYPTO when the key
 * derivation cannot get its memory. */
int keystore_save(const char *data_dir, const keystore_key_t *key,
                  const char *passphrase);

/* Lists the keys held (no passphrase needed: ids only), sorted by incident
 * then key id, at most max. *n receives the count; XY_ETOOBIG when more
 * files than max are present. A missing keys/ folder is an empty list. */
int keystore_list(const char *data_dir, keystore_entry_t *out, size_t max,
                  size_t *n);

/* Unwraps every key held into keys (at most max, sorted as keystore_list).
 * XY_ECRYPTO when the passphrase does not open one of them (err names the
 * file), XY_EPERM when a key file can be read by group or others,
 * XY_EKEYFILE when one is malformed. The caller wipes keys. */
int keystore_load_all(const char *data_dir, const char *passphrase,
                      keystore_key_t *keys, size_t max, size_t *n,
                      char *err, size_t errlen);

/* Seals key to the recipient node's CURVE public key and writes it as text
 * into out (at most cap bytes, NUL-terminated). XY_ETOOBIG when cap is too
 * small. */
int keystore_export(const keystore_key_t *key, const uint8_t recipient[32],
                    char *out, size_t cap);

/* Opens an exported key text (at most KEYSTORE_EXPORT_MAX bytes) with this
 * node's key pair. XY_EPARSE when it is not an exported key, XY_ECRYPTO when
 * it was not sealed to this node or was altered. */
int keystore_import(const char *text, size_t len, const uint8_t pk[32],
                    const uint8_t sk[32], keystore_key_t *out);

/* Overwrites the secret bytes of key. */
void keystore_key_wipe(keystore_key_t *key);

#endif
