/* jsonx.c: strings into json_t without jansson's own UTF-8 check, which
 * walks a string a byte at a time through two calls per character and was
 * about 8 % of the instructions of a One Stop Service list page (every
 * text column of every row passes through it). jx_utf8_ok accepts exactly
 * what jansson accepts — well-formed UTF-8, no overlong forms, no
 * surrogates, nothing above U+10FFFF, NUL allowed — so a value jansson
 * refuses is still refused (NULL), only faster. */
#include <stdint.h>
#include <string.h>

#include "core/jsonx.h"

bool jx_utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		/* ASCII runs, 8 bytes at a time */
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if ((size_t)(end - p) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}
