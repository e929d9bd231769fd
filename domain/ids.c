/* Identifier helpers (ids.h). */
#include "domain/ids.h"
#include "common/xy_mem.h"

int domain_id_parse(domain_id_t *id, const char *hex)
{
    return xy_unhex(id->b, DOMAIN_ID_LEN, hex);
}

char *domain_id_format(const domain_id_t *id, char out[DOMAIN_ID_HEX])
{
    return xy_hex(out, id->b, DOMAIN_ID_LEN);
}

bool domain_id_is_zero(const domain_id_t *id)
{
    for (int i = 0; i < DOMAIN_ID_LEN; i++)
        if (id->b[i])
            return false;
    return true;
}
