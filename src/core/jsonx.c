/* jsonx.c: strings into json_t without jansson's own UTF-8 check, which
 * walks a string a byte at a time through two calls per character and was
 * about 8 % of the instructions of a One Stop Service list page (every
 * text column of every row passes through it). jx_utf8_ok accepts exactly
 * what jansson accepts — well-formed UTF-8, no overlong forms, no
 * surrogates, nothing above U+10FFFF, NUL allowed — so a value jansson
 * refuses is still refused (NULL), only faster. */
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
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
		/* Thai (U+0E00-U+0E7F: E0 B8|B9 xx), most of the text here: a
		 * run of Thai letters in one loop */
		if (c == 0xE0 && end - p >= 3 && (p[1] & 0xFE) == 0xB8 && (p[2] & 0xC0) == 0x80) {
			p += 3;
			while (end - p >= 3 && p[0] == 0xE0 && (p[1] & 0xFE) == 0xB8 && (p[2] & 0xC0) == 0x80)
				p += 3;
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

/* --- jansson's allocations ------------------------------------------------
 *
 * A list page makes and frees some thousands of small jansson blocks (an
 * object, its hash buckets, one pair per member, one value per cell): glibc
 * keeps only 7 freed blocks per size in its per-thread cache, so most of
 * these frees and mallocs took the slow path (_int_free, _int_malloc: ~13 %
 * of an OSS list page's instructions). Here each thread keeps up to
 * JX_KEEP freed blocks per 16-byte size class and hands them out again.
 * The blocks are ordinary malloc blocks (the class is read from
 * malloc_usable_size, no header), so whatever frees a jansson string with
 * free() (json_dumps' result) or gives jansson a block from malloc stays
 * right, and a block may be freed on another thread than made it. A
 * thread's lists go with it. With AddressSanitizer the lists are off, so
 * that a use after free is still caught. */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define JX_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JX_CACHE 0
#endif
#endif
#ifndef JX_CACHE
#define JX_CACHE 1
#endif

#define JX_CLASSES 17 /* usable sizes 16 … 272 bytes; class k holds >= 16k */
#define JX_KEEP 2048 /* at most ~5 MB a thread if every class filled, ~1 MB seen */

struct jx_free {
	struct jx_free *next;
};
struct jx_lists {
	struct jx_free *head[JX_CLASSES];
	unsigned n[JX_CLASSES];
};

static _Thread_local struct jx_lists *jx_tls;
static pthread_key_t jx_key;

static void jx_thread_end(void *p)
{
	struct jx_lists *l = p;
	jx_tls = NULL; /* a later free on this thread starts new lists */
	for (int k = 0; k < JX_CLASSES; k++)
		for (struct jx_free *f = l->head[k], *nx; f; f = nx) {
			nx = f->next;
			free(f);
		}
	free(l);
}

static void *jx_malloc(size_t size)
{
	size_t k = (size + 15) / 16;
	if (k == 0)
		k = 1;
	if (k < JX_CLASSES) {
		struct jx_lists *l = jx_tls;
		if (l && l->head[k]) {
			struct jx_free *f = l->head[k];
			l->head[k] = f->next;
			l->n[k]--;
			return f;
		}
		return xmalloc(k * 16);
	}
	return xmalloc(size);
}

static void jx_free(void *p)
{
	if (!p)
		return;
	size_t k = malloc_usable_size(p) / 16;
	if (k >= JX_CLASSES) {
		free(p);
		return;
	}
	struct jx_lists *l = jx_tls;
	if (!l) {
		l = xcalloc(1, sizeof *l);
		jx_tls = l;
		pthread_setspecific(jx_key, l);
	}
	if (l->n[k] >= JX_KEEP) {
		free(p);
		return;
	}
	struct jx_free *f = p;
	f->next = l->head[k];
	l->head[k] = f;
	l->n[k]++;
}

void jx_alloc_init(void)
{
	if (!JX_CACHE || pthread_key_create(&jx_key, jx_thread_end) != 0)
		return;
	json_set_alloc_funcs(jx_malloc, jx_free);
}

/* --- JSON text written straight into a buffer ------------------------------ */

/* What jansson's json_dumps writes for a string (without
 * JSON_ENSURE_ASCII / JSON_ESCAPE_SLASH): ", \ and control characters
 * escaped, the rest as it is. */
static const char jx_esc[256] = {
    ['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
};

/* Whether any of the 8 bytes of w is below 0x20, '"' or '\\' (SWAR: the
 * high bit of a byte of x - k is set when the byte is below k, for bytes
 * without their own high bit; UTF-8's high bytes are left out by ~w). */
static inline bool jx_word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t ctl = w - ones * 0x20;
	uint64_t quote = (w ^ (ones * '"')) - ones;
	uint64_t bslash = (w ^ (ones * '\\')) - ones;
	return ((ctl | quote | bslash) & ~w & high) != 0;
}

static void jx_escaped(struct buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
	size_t start = 0, i = 0;
	buf_grow(b, n + 2);
	while (i < n) {
		/* runs of plain bytes (Thai, ASCII letters), 8 at a time */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (jx_word_special(w))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		buf_add(b, p + start, i - start);
		if (jx_esc[c]) {
			char e[2] = {'\\', jx_esc[c]};
			buf_add(b, e, 2);
		} else {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_add(b, e, 6);
		}
		i++;
		start = i;
	}
	buf_add(b, p + start, n - start);
}

void jx_buf_string(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	if (!s) {
		/* nothing */
	} else if (jx_utf8_ok(s, n)) {
		jx_escaped(b, (const unsigned char *)s, n);
	} else {
		/* not UTF-8 (never stored by the forms): each bad byte as U+FFFD,
		 * so the answer is still JSON */
		const unsigned char *p = (const unsigned char *)s;
		size_t i = 0;
		while (i < n) {
			if (p[i] < 0x80) {
				jx_escaped(b, p + i, 1);
				i++;
				continue;
			}
			size_t len = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
			if (i + len <= n && jx_utf8_ok(s + i, len)) {
				buf_add(b, p + i, len);
				i += len;
			} else {
				buf_adds(b, "\xEF\xBF\xBD");
				i++;
			}
		}
	}
	buf_addc(b, '"');
}
