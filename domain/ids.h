/* Identifiers of the crisis-intervention model: 16 random bytes, shown as 32
 * hex digits. The randomness comes from the caller (domain code does no I/O):
 * daemons fill ids from libsodium's randombytes_buf. */
#ifndef XY_DOMAIN_IDS_H
#define XY_DOMAIN_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define DOMAIN_ID_LEN 16
#define DOMAIN_ID_HEX (2 * DOMAIN_ID_LEN + 1)

typedef struct domain_id {
    uint8_t b[DOMAIN_ID_LEN]; /* the bytes */
} domain_id_t;

/* Parses 32 hex digits; XY_EINVAL otherwise. */
int domain_id_parse(domain_id_t *id, const char *hex);

/* Writes 32 hex digits and a NUL into out; returns out. */
char *domain_id_format(const domain_id_t *id, char out[DOMAIN_ID_HEX]);

/* True when every byte is zero (an unset id). */
bool domain_id_is_zero(const domain_id_t *id);

#endif
