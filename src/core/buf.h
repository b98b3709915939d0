/* buf: the one growable text buffer of Khet (git's strbuf, Redis's sds).
 * Every piece of text built from outside input — HTML, JSON, e-mail bodies,
 * log lines, SQL parameters — goes through it, so no fixed-size array ever
 * holds untrusted data. Allocation failure aborts: a server that cannot get
 * a few kilobytes cannot answer anything sensible anyway. data is always
 * NUL-terminated once anything was added (or after buf_cstr). */
#ifndef KHET_BUF_H
#define KHET_BUF_H

#include "core/alloc.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT {0, 0, 0}

void buf_grow(struct buf *b, size_t extra);
/* buf_add when the bytes do not fit (grows, then copies). */
void buf_add_grow(struct buf *b, const void *p, size_t n);
/* Inline: a page is thousands of small appends (template text, escaped
 * values), most of which fit the room already there. */
static inline void buf_add(struct buf *b, const void *p, size_t n)
{
	/* room for n bytes and the NUL (cap > len whenever data is set) */
	if (n < b->cap - b->len) {
		if (n)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = 0;
		return;
	}
	buf_add_grow(b, p, n);
}
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Writes the decimal form of v into out (no terminator) and returns its
 * length; buf_add_int appends it. printf costs ~10 times as much, and list
 * pages format numbers and dates per cell. */
size_t buf_fmt_int(char out[24], long long v);
void buf_add_int(struct buf *b, long long v);
/* Appends v as two digits (0-padded; 0 <= v <= 99). */
void buf_add_2d(struct buf *b, int v);
/* Appends s with & < > " ' escaped for HTML text and attributes. */
void buf_add_html(struct buf *b, const char *s, size_t n);
/* Appends s percent-encoded for a URL query component. */
void buf_add_urlenc(struct buf *b, const char *s);
/* Appends a CSV field (RFC 4180 quoting when needed). */
void buf_add_csv(struct buf *b, const char *s);
/* Returns data as a C string ("" for an empty buffer, never NULL). */
const char *buf_cstr(struct buf *b);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Hands the malloc'd string to the caller; the buffer is empty afterwards. */
char *buf_detach(struct buf *b, size_t *len);


#endif
