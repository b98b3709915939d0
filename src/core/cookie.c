/* cookie: token shapes and the flash message (see cookie.h). The flash is
 * base64url so any Thai text survives the cookie grammar (no quoting, no
 * ';' or ',' to escape); reading it back checks the length before decoding
 * and the UTF-8 after, because the bytes come from the client. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/cookie.h"
#include "core/thai.h"

bool cookie_token_ok(const char *s)
{
	if (!s || strlen(s) != COOKIE_TOKEN_CHARS)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

void cookie_flash_encode(bool error, const char *text, struct buf *out)
{
	struct buf raw = BUF_INIT;
	buf_addf(&raw, "%c:%s", error ? 'e' : 'o', text);
	size_t cap = sodium_base64_ENCODED_LEN(raw.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_grow(out, cap);
	sodium_bin2base64(out->data + out->len, cap, (unsigned char *)raw.data, raw.len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out->len += strlen(out->data + out->len);
	buf_release(&raw);
}

json_t *cookie_flash_decode(const char *c)
{
	if (!c || !*c)
		return NULL;
	size_t cl = strlen(c);
	if (cl >= COOKIE_FLASH_MAX)
		return NULL;
	unsigned char *out = xmalloc(cl + 1);
	size_t n = 0;
	json_t *f = NULL;
	/* first byte says the kind: o(k) or e(rror), then ':' */
	if (sodium_base642bin(out, cl, c, cl, NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 && n > 2 &&
	    (out[0] == 'o' || out[0] == 'e') && out[1] == ':' && thai_utf8_valid((char *)out, n) && !memchr(out, 0, n))
		f = json_pack("{s:s, s:s%}", "kind", out[0] == 'e' ? "error" : "ok", "text", (char *)out + 2, n - 2);
	free(out);
	return f;
}
