/* sha256.h: SHA-256 (FIPS 180-4) for dataset manifests and transfer verification. */
#ifndef CORE_SHA256_H
#define CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct Sha256 {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t buf[64];
    size_t buf_len;
} Sha256;

void sha256_init(Sha256 *s);
void sha256_update(Sha256 *s, const void *data, size_t len);
void sha256_final(Sha256 *s, uint8_t digest[32]);
/* Lowercase hex of a digest; hex must hold 65 bytes. */
void sha256_hex(const uint8_t digest[32], char hex[65]);
/* Hash a whole file into hex (65 bytes). Logs the path on failure. */
Status sha256_file(const char *path, char hex[65]);

#endif
