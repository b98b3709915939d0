/* gzip: Accept-Encoding read as RFC 9110 12.5.3 says (codings with
 * weights, "*", q=0 meaning "not this one"), and zlib's deflate with the
 * gzip wrapper into the growable buffer, sized by deflateBound so one call
 * does it. */
#include "core/gzip.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* The q of one element's parameters ("; q=0.5"); 1 when absent. Only
 * whether it is zero matters here. */
static bool q_is_zero(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			/* 0, 0., 0.0, 0.00, 0.000 */
			if (p >= end || *p != '0')
				return false;
			for (p++; p < end && (*p == '.' || *p == '0'); p++)
				;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			return p == end || *p == ';';
		}
		while (p < end && *p != ';')
			p++;
	}
	return false;
}

bool gzip_accepted(const char *ae)
{
	if (!ae)
		return false;
	int gzip = -1, star = -1; /* -1 not named, 0 refused, 1 accepted */
	const char *p = ae;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *ne = p;
		while (ne < e && *ne != ';' && *ne != ' ' && *ne != '\t')
			ne++;
		size_t nl = (size_t)(ne - p);
		int ok = q_is_zero(ne, e) ? 0 : 1;
		if ((nl == 4 && !strncasecmp(p, "gzip", 4)) || (nl == 6 && !strncasecmp(p, "x-gzip", 6)))
			gzip = gzip == 1 ? 1 : ok;
		else if (nl == 1 && *p == '*')
			star = ok;
		p = e;
	}
	return gzip == 1 || (gzip == -1 && star == 1);
}

bool gzip_type_compressible(const char *t)
{
	static const char *const types[] = {
	    "text/html",       "application/json",	 "text/csv", "text/plain", "image/svg+xml",
	    "text/javascript", "application/javascript", NULL};
	if (!t)
		return false;
	for (int i = 0; types[i]; i++) {
		size_t n = strlen(types[i]);
		if (!strncasecmp(t, types[i], n) && (t[n] == 0 || t[n] == ';' || t[n] == ' '))
			return true;
	}
	return false;
}

/* One deflate state per thread, reset for each answer: deflateInit
 * allocates some 270 KB, which malloc maps fresh from the kernel each
 * time (page faults on every page), costing more than compressing a list
 * page. The key's destructor frees it when a worker thread ends. */
static pthread_key_t z_key;
static pthread_once_t z_once = PTHREAD_ONCE_INIT;

static void z_free(void *p)
{
	deflateEnd(p);
	free(p);
}

static void z_key_make(void)
{
	pthread_key_create(&z_key, z_free);
}

static z_stream *thread_stream(void)
{
	pthread_once(&z_once, z_key_make);
	z_stream *z = pthread_getspecific(z_key);
	if (z)
		return deflateReset(z) == Z_OK ? z : NULL;
	z = xcalloc(1, sizeof *z);
	/* 15 + 16: a gzip header and trailer around the deflate stream;
	 * level 1: the fastest, most of the gain on repetitive HTML */
	if (deflateInit2(z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	pthread_setspecific(z_key, z);
	return z;
}

int gzip_compress(const void *in, size_t n, struct buf *out)
{
	if (n > UINT_MAX / 2)
		return -1;
	z_stream *z = thread_stream();
	if (!z)
		return -1;
	uLong cap = deflateBound(z, (uLong)n);
	buf_grow(out, (size_t)cap);
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)n;
	z->next_out = (Bytef *)out->data + out->len;
	z->avail_out = (uInt)cap;
	int rc = deflate(z, Z_FINISH);
	if (rc != Z_STREAM_END)
		return -1;
	out->len += (size_t)(cap - z->avail_out);
	out->data[out->len] = 0;
	return 0;
}
