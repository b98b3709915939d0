/* body: the urlencoded and multipart/form-data body parser (see body.h).
 *
 * Both grammars are parsed as a stream: the server hands over whatever the
 * connection delivered, from one byte to many kilobytes, and a value may
 * be split anywhere — inside a %XX escape, inside the boundary line,
 * inside a part's headers. Urlencoded bodies are decoded byte by byte with
 * the escape carried over between calls. Multipart bodies keep a small
 * pending buffer: only bytes that can no longer be the start of the
 * delimiter ("\r\n--" and the boundary) are handed on, so a 5 MB upload
 * passes through with at most the delimiter's length held back, and part
 * headers are bounded (BODY_PART_HEADERS_MAX) so a part that never ends
 * its headers cannot grow memory. The first delimiter of a body has no
 * CRLF before it; the parser starts with one in the buffer, as if the
 * preamble were empty, so one search finds every delimiter.
 *
 * An application/json body (the API, /api/v1) is one object whose members
 * are the form's fields: it is collected whole (at most BODY_JSON_MAX
 * bytes) and delivered at finish as if it had been urlencoded — a string
 * as it is, a number as its decimal text, true as "1" (a checkbox), false
 * and null as absent, an array of scalars as the field repeated (F_MULTI).
 * Each value carries its JSON type as content_type (BODY_JSON_*, body.h);
 * a nested object, or an array inside an array, is delivered empty as
 * BODY_JSON_NESTED, so the form layer names the field instead of refusing
 * the body whole. Anything but an object at the top is malformed. So a
 * JSON body is checked by the very field list of the page's form. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <stdio.h>

#include "core/body.h"
#include "core/buf.h"

enum kind { URLENC, MULTIPART, JSONBODY };
enum mstate { M_PREAMBLE, M_AFTER_DELIM, M_HEADERS, M_DATA, M_EPILOGUE };

struct body_parser {
	enum kind kind;
	body_value_fn fn;
	void *cls;
	int broken;
	uint64_t delivered; /* bytes of the current value handed on */
	int fed;	    /* any byte of the body seen */
	/* urlencoded */
	struct buf key;	   /* raw (still escaped) name */
	struct buf keydec; /* the decoded name of the current value */
	struct buf out;	   /* decoded bytes of this call, handed on at its end */
	int in_value;
	char pct[3]; /* a %XX escape being read: '%' and up to two chars */
	int npct;
	/* multipart */
	char *delim; /* "\r\n--" boundary */
	size_t dlen;
	struct buf pend;
	size_t off; /* consumed bytes of pend */
	enum mstate st;
	char *name, *filename, *ctype;
	/* JSON */
	const char *jtype; /* BODY_JSON_* of the value being delivered */
	int jline, jcol;   /* where a malformed body went wrong (1-based), 0: not known */
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int deliver(struct body_parser *p, const char *key, const char *data, size_t n)
{
	if (p->fn(p->cls, key, p->kind == MULTIPART ? p->filename : NULL,
		  p->kind == MULTIPART ? p->ctype : p->kind == JSONBODY ? p->jtype : NULL, data ? data : "", p->delivered,
		  n) != 0)
		return -1;
	p->delivered += n;
	return 0;
}

/* --- urlencoded ----------------------------------------------------------- */

/* %XX and '+' decoding as browsers encode; a '%' not followed by two hex
 * digits stays as it was typed. */
static void url_decode_into(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '+')
			buf_addc(out, ' ');
		else if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
			 (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			buf_addc(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
}

static void url_pct_flush(struct body_parser *p)
{
	/* an escape cut short by '&' or the end: its characters as typed */
	if (p->npct)
		buf_add(&p->out, p->pct, (size_t)p->npct);
	p->npct = 0;
}

static int url_out_flush(struct body_parser *p)
{
	int rc = 0;
	if (p->out.len)
		rc = deliver(p, buf_cstr(&p->keydec), p->out.data, p->out.len);
	buf_reset(&p->out);
	return rc;
}

/* The current name=value pair ended (at '&' or the end of the body). */
static int url_pair_end(struct body_parser *p)
{
	int rc = 0;
	if (!p->in_value) {
		if (p->key.len) { /* "name" alone: an empty value */
			buf_reset(&p->keydec);
			url_decode_into(&p->keydec, p->key.data, p->key.len);
			p->delivered = 0;
			rc = deliver(p, buf_cstr(&p->keydec), "", 0);
		}
	} else {
		url_pct_flush(p);
		rc = url_out_flush(p);
		if (rc == 0 && p->delivered == 0)
			rc = deliver(p, buf_cstr(&p->keydec), "", 0);
	}
	buf_reset(&p->key);
	p->in_value = 0;
	p->delivered = 0;
	return rc;
}

static int url_feed(struct body_parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '&') {
			if (url_pair_end(p) < 0)
				return -1;
			continue;
		}
		if (!p->in_value) {
			if (c == '=') {
				p->in_value = 1;
				p->delivered = 0;
				buf_reset(&p->keydec);
				url_decode_into(&p->keydec, p->key.data ? p->key.data : "", p->key.len);
				continue;
			}
			if (p->key.len >= BODY_KEY_MAX * 3)
				return -1; /* no form has such a name */
			buf_addc(&p->key, c);
			continue;
		}
		if (p->npct) {
			if (hexval((unsigned char)c) < 0) {
				url_pct_flush(p); /* and c is read as itself below */
			} else {
				p->pct[p->npct++] = c;
				if (p->npct == 3) {
					buf_addc(&p->out, (char)(hexval((unsigned char)p->pct[1]) * 16 +
								 hexval((unsigned char)p->pct[2])));
					p->npct = 0;
				}
				continue;
			}
		}
		if (c == '%') {
			p->pct[0] = c;
			p->npct = 1;
		} else {
			buf_addc(&p->out, c == '+' ? ' ' : c);
		}
	}
	return p->in_value ? url_out_flush(p) : 0;
}

/* --- multipart ------------------------------------------------------------ */

/* The boundary parameter of a Content-Type value, quoted or not; NULL
 * unless 1 to 70 characters (RFC 2046). */
static char *boundary_of(const char *ct)
{
	const char *s = ct;
	while ((s = strchr(s, ';'))) {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncasecmp(s, "boundary=", 9))
			continue;
		s += 9;
		struct buf b = BUF_INIT;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				buf_addc(&b, *s);
			}
			if (*s != '"')
				b.len = 0;
		} else {
			for (; *s && *s != ';' && *s != ' ' && *s != '\t'; s++)
				buf_addc(&b, *s);
		}
		if (b.len < 1 || b.len > 70) {
			buf_release(&b);
			return NULL;
		}
		return buf_detach(&b, NULL);
	}
	return NULL;
}

/* A parameter of a Content-Disposition value (name, filename), unquoted;
 * NULL when absent. */
static char *disposition_param(const char *v, size_t n, const char *want)
{
	size_t wl = strlen(want);
	size_t i = 0;
	/* skip the disposition type */
	while (i < n && v[i] != ';')
		i++;
	while (i < n) {
		i++; /* ';' */
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t k = i;
		while (i < n && v[i] != '=' && v[i] != ';')
			i++;
		size_t klen = i;
		while (klen > k && (v[klen - 1] == ' ' || v[klen - 1] == '\t'))
			klen--;
		int match = klen - k == wl && !strncasecmp(v + k, want, wl);
		struct buf val = BUF_INIT;
		if (i < n && v[i] == '=') {
			i++;
			while (i < n && (v[i] == ' ' || v[i] == '\t'))
				i++;
			if (i < n && v[i] == '"') {
				for (i++; i < n && v[i] != '"'; i++) {
					if (v[i] == '\\' && i + 1 < n)
						i++;
					buf_addc(&val, v[i]);
				}
				if (i < n)
					i++; /* closing quote */
				while (i < n && v[i] != ';')
					i++;
			} else {
				while (i < n && v[i] != ';')
					buf_addc(&val, v[i++]);
				while (val.len && (val.data[val.len - 1] == ' ' || val.data[val.len - 1] == '\t'))
					val.len--;
			}
		}
		if (match) {
			buf_addc(&val, 0); /* "" for name= */
			return buf_detach(&val, NULL);
		}
		buf_release(&val);
	}
	return NULL;
}

static void part_reset(struct body_parser *p)
{
	free(p->name);
	free(p->filename);
	free(p->ctype);
	p->name = p->filename = p->ctype = NULL;
	p->delivered = 0;
}

/* The header block of a part (without its final blank line). */
static int part_headers(struct body_parser *p, const char *h, size_t n)
{
	part_reset(p);
	size_t i = 0;
	while (i < n) {
		const char *eol = memmem(h + i, n - i, "\r\n", 2);
		size_t end = eol ? (size_t)(eol - h) : n;
		const char *line = h + i;
		size_t len = end - i;
		i = eol ? end + 2 : n;
		const char *colon = memchr(line, ':', len);
		if (!colon)
			return -1;
		size_t nl = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vl = len - nl - 1;
		while (vl && (*v == ' ' || *v == '\t'))
			v++, vl--;
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		if (nl == 19 && !strncasecmp(line, "Content-Disposition", 19)) {
			if (p->name) /* twice: which one counts is not ours to guess */
				return -1;
			p->name = disposition_param(v, vl, "name");
			p->filename = disposition_param(v, vl, "filename");
			if (!p->name)
				return -1;
		} else if (nl == 12 && !strncasecmp(line, "Content-Type", 12)) {
			free(p->ctype);
			p->ctype = xstrndup(v, vl);
		}
	}
	if (!p->name || strlen(p->name) > BODY_KEY_MAX)
		return -1;
	return 0;
}

/* Runs the state machine over the pending bytes. */
static int mp_process(struct body_parser *p)
{
	for (;;) {
		const char *d = p->pend.data + p->off;
		size_t n = p->pend.len - p->off;
		switch (p->st) {
		case M_PREAMBLE: {
			const char *at = n ? memmem(d, n, p->delim, p->dlen) : NULL;
			if (at) {
				p->off += (size_t)(at - d) + p->dlen;
				p->st = M_AFTER_DELIM;
				continue;
			}
			if (n >= p->dlen)
				p->off += n - (p->dlen - 1);
			return 0;
		}
		case M_AFTER_DELIM: {
			if (n >= 2 && d[0] == '-' && d[1] == '-') {
				p->off += 2;
				p->st = M_EPILOGUE;
				continue;
			}
			if (n == 1 && d[0] == '-')
				return 0; /* the close delimiter's "--", cut between calls */
			/* transport padding (spaces) up to the line end */
			size_t i = 0;
			while (i < n && (d[i] == ' ' || d[i] == '\t'))
				i++;
			if (i > 256)
				return -1;
			if (i == n)
				return 0;
			if (d[i] != '\r')
				return -1;
			if (i + 1 == n)
				return 0;
			if (d[i + 1] != '\n')
				return -1;
			p->off += i + 2;
			p->st = M_HEADERS;
			continue;
		}
		case M_HEADERS: {
			size_t hl;
			const char *at;
			if (n >= 2 && d[0] == '\r' && d[1] == '\n')
				return -1; /* no headers: a part without a name */
			if (!(at = memmem(d, n, "\r\n\r\n", 4)))
				return n > BODY_PART_HEADERS_MAX ? -1 : 0;
			hl = (size_t)(at - d);
			if (hl > BODY_PART_HEADERS_MAX || part_headers(p, d, hl) < 0)
				return -1;
			p->off += hl + 4;
			p->st = M_DATA;
			continue;
		}
		case M_DATA: {
			const char *at = memmem(d, n, p->delim, p->dlen);
			size_t take = at ? (size_t)(at - d) : n >= p->dlen ? n - (p->dlen - 1) : 0;
			if (take && deliver(p, p->name, d, take) < 0)
				return -1;
			p->off += take;
			if (!at)
				return 0;
			if (p->delivered == 0 && deliver(p, p->name, "", 0) < 0)
				return -1;
			p->off += p->dlen;
			p->st = M_AFTER_DELIM;
			part_reset(p);
			continue;
		}
		case M_EPILOGUE: p->off = p->pend.len; return 0;
		}
	}
}

static int mp_feed(struct body_parser *p, const char *s, size_t n)
{
	buf_add(&p->pend, s, n);
	int rc = mp_process(p);
	/* keep only what is not consumed */
	if (p->off) {
		memmove(p->pend.data, p->pend.data + p->off, p->pend.len - p->off);
		p->pend.len -= p->off;
		p->off = 0;
	}
	return rc;
}

/* --- JSON ------------------------------------------------------------------- */

static int json_value(struct body_parser *p, const char *key, json_t *v, bool item)
{
	char num[64];
	const char *text = NULL;
	size_t n = 0;
	p->jtype = item ? BODY_JSON_ITEM : BODY_JSON_VALUE;
	switch (json_typeof(v)) {
	case JSON_STRING:
		text = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = num;
		break;
	case JSON_REAL:
		n = (size_t)snprintf(num, sizeof num, "%.15g", json_real_value(v));
		text = num;
		break;
	case JSON_TRUE:
		text = "1";
		n = 1;
		if (!item)
			p->jtype = BODY_JSON_TRUE;
		break;
	case JSON_FALSE:
	case JSON_NULL:
		return 0;
	default:
		/* an object, or an array inside an array: no form value, but
		 * the field is named so the caller learns which one */
		p->jtype = BODY_JSON_NESTED;
		text = "";
		n = 0;
		break;
	}
	p->delivered = 0;
	return deliver(p, key, text, n);
}

static int json_finish(struct body_parser *p)
{
	if (!p->fed)
		return 0;
	json_error_t je;
	json_t *root = json_loadb(p->pend.data, p->pend.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		if (!root) {
			p->jline = je.line > 0 ? je.line : 1;
			p->jcol = je.column > 0 ? je.column : 1;
		}
		json_decref(root);
		return -1;
	}
	const char *k;
	json_t *v;
	int rc = 0;
	json_object_foreach(root, k, v)
	{
		if (rc < 0)
			break;
		if (strlen(k) > BODY_KEY_MAX) {
			rc = -1;
		} else if (json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) if (rc == 0 && json_value(p, k, x, true) < 0) rc = -1;
		} else {
			rc = json_value(p, k, v, false);
		}
	}
	json_decref(root);
	return rc;
}

/* --- the public face ------------------------------------------------------ */

struct body_parser *body_parser_new(const char *content_type, body_value_fn fn, void *cls)
{
	if (!content_type)
		return NULL;
	const char *s = content_type;
	while (*s == ' ' || *s == '\t')
		s++;
	struct body_parser *p;
	if (!strncasecmp(s, "application/x-www-form-urlencoded", 33) &&
	    (!s[33] || s[33] == ';' || s[33] == ' ' || s[33] == '\t')) {
		p = xcalloc(1, sizeof *p);
		p->kind = URLENC;
	} else if (!strncasecmp(s, "multipart/form-data", 19) &&
		   (!s[19] || s[19] == ';' || s[19] == ' ' || s[19] == '\t')) {
		char *b = boundary_of(s + 19);
		if (!b)
			return NULL;
		p = xcalloc(1, sizeof *p);
		p->kind = MULTIPART;
		struct buf d = BUF_INIT;
		buf_addf(&d, "\r\n--%s", b);
		free(b);
		p->dlen = d.len;
		p->delim = buf_detach(&d, NULL);
		buf_add(&p->pend, "\r\n", 2); /* see the top of this file */
		p->st = M_PREAMBLE;
	} else if (!strncasecmp(s, "application/json", 16) &&
		   (!s[16] || s[16] == ';' || s[16] == ' ' || s[16] == '\t')) {
		p = xcalloc(1, sizeof *p);
		p->kind = JSONBODY;
	} else {
		return NULL;
	}
	p->fn = fn;
	p->cls = cls;
	return p;
}

int body_parser_feed(struct body_parser *p, const char *data, size_t size)
{
	if (p->broken)
		return -1;
	if (!size)
		return 0;
	p->fed = 1;
	int rc;
	if (p->kind == JSONBODY) {
		rc = p->pend.len + size > BODY_JSON_MAX ? -1 : 0;
		if (rc == 0)
			buf_add(&p->pend, data, size);
	} else {
		rc = p->kind == URLENC ? url_feed(p, data, size) : mp_feed(p, data, size);
	}
	if (rc < 0)
		p->broken = 1;
	return rc;
}

int body_parser_finish(struct body_parser *p)
{
	if (p->broken)
		return -1;
	int rc = 0;
	if (p->kind == URLENC)
		rc = url_pair_end(p);
	else if (p->kind == JSONBODY)
		rc = json_finish(p);
	else if (p->fed && p->st != M_EPILOGUE)
		rc = -1; /* cut off before the closing delimiter */
	if (rc < 0)
		p->broken = 1;
	return rc;
}

bool body_parser_json_error(const struct body_parser *p, int *line, int *column)
{
	if (!p || p->kind != JSONBODY || !p->jline)
		return false;
	*line = p->jline;
	*column = p->jcol;
	return true;
}

void body_parser_free(struct body_parser *p)
{
	if (!p)
		return;
	buf_release(&p->key);
	buf_release(&p->keydec);
	buf_release(&p->out);
	buf_release(&p->pend);
	free(p->delim);
	part_reset(p);
	free(p);
}
