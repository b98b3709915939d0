/* cookie: what Khet reads back from the cookies it set, as plain functions
 * over the cookie's text, so a forged or mangled cookie (any bytes a client
 * sends) is answered by code a unit test and a fuzzer reach without a
 * connection (tests/fuzz/fuzz_cookie.c). A cookie that is not what Khet
 * set is treated as absent, never as an error page. */
#ifndef KHET_COOKIE_H
#define KHET_COOKIE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"

/* The shape of every token cookie (session, CSRF, password flow): 43
 * characters of base64url, the unpadded encoding of 32 random bytes. */
#define COOKIE_TOKEN_CHARS 43
bool cookie_token_ok(const char *s);

/* The flash cookie: a one-time message shown on the page after a redirect,
 * as base64url of "o:" or "e:" (ok / error) and the UTF-8 text. */
void cookie_flash_encode(bool error, const char *text, struct buf *out);
/* {"kind": "ok"|"error", "text": …} for a flash cookie Khet could have
 * set; NULL for anything else (too long, not base64url, not UTF-8, empty). */
json_t *cookie_flash_decode(const char *c);
/* Longest flash cookie read back (bytes of base64url). */
#define COOKIE_FLASH_MAX 1500

#endif
