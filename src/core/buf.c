/* buf: the growable text buffer (see buf.h). */
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		alloc_die(SIZE_MAX);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_add_grow(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = 0;
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	buf_grow(b, 64);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

size_t buf_fmt_int(char out[24], long long v)
{
	char tmp[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	return k;
}

void buf_add_int(struct buf *b, long long v)
{
	char num[24];
	buf_add(b, num, buf_fmt_int(num, v));
}

void buf_add_2d(struct buf *b, int v)
{
	char two[2] = {(char)('0' + v / 10 % 10), (char)('0' + v % 10)};
	buf_add(b, two, 2);
}

/* 1 for the bytes buf_add_html replaces */
static const unsigned char html_special[256] = {['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1};

/* Whether any of the 8 bytes of w is one buf_add_html replaces (SWAR, as
 * jsonx.c's: a byte of x - ones has its high bit set where x's byte was
 * 0, exact as to whether there is one; bytes with their own high bit — the
 * most of Thai text — are left out by ~w, none of the five has it). A
 * page's escaped text (names, labels, URLs) goes 8 bytes a step instead of
 * a table look-up and a branch per byte. */
static inline int html_word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	/* all five are below 0x40: a word of Thai (bytes from 0x80) and
	 * letters (from 0x41) has no byte whose two top bits are both 0 */
	if (!(~w & ~(w << 1) & high))
		return 0;
	uint64_t amp = (w ^ (ones * '&')) - ones;
	uint64_t lt = (w ^ (ones * '<')) - ones;
	uint64_t gt = (w ^ (ones * '>')) - ones;
	uint64_t quot = (w ^ (ones * '"')) - ones;
	uint64_t apos = (w ^ (ones * '\'')) - ones;
	return ((amp | lt | gt | quot | apos) & ~w & high) != 0;
}

void buf_add_html(struct buf *b, const char *s, size_t n)
{
	/* most values have nothing to escape: room for them as they are,
	 * then the runs between special bytes copied straight in */
	if (n >= b->cap - b->len)
		buf_grow(b, n);
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0, i = 0;
	while (i < n) {
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (html_word_special(w))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (!html_special[u[i]]) {
			i++;
			continue;
		}
		const char *rep;
		size_t rl;
		switch (s[i]) {
		case '&': rep = "&amp;", rl = 5; break;
		case '<': rep = "&lt;", rl = 4; break;
		case '>': rep = "&gt;", rl = 4; break;
		case '"': rep = "&quot;", rl = 6; break;
		default: rep = "&#39;", rl = 5; break;
		}
		buf_add(b, s + start, i - start);
		/* the rest still fits as it is after the entity */
		buf_grow(b, rl + (n - i - 1));
		buf_add(b, rep, rl);
		i++;
		start = i;
	}
	buf_add(b, s + start, n - start);
}

void buf_add_urlenc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

void buf_add_csv(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		/* A leading = + - @ would be run as a formula by spreadsheet
		 * programs; a quote character keeps it text. */
		if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
			buf_addc(b, '\'');
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

const char *buf_cstr(struct buf *b)
{
	if (!b->data)
		return "";
	return b->data;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
