/* fuzz_body: the urlencoded, multipart and JSON body parser (core/body.c), as a
 * plain function over bytes. The first byte picks the Content-Type (the
 * input's first line names one when it is 'c'); the rest is the body. It
 * runs twice: through the parser alone, cut where the input says, checking
 * every value arrives in order; and through form_parse_body, the request's
 * whole form path with an upload field, so temp files are made and removed
 * as a request makes them. */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/body.h"
#include "core/http_internal.h"

static char tmpdir[64];

static const struct field fields[] = {
    {"a", "ก", FT_TEXT, 0, 50},
    {"b", "ข", FT_TEXTAREA, F_REQUIRED, 500},
    {"m", "หลาย", FT_CHOICE, F_MULTI, 0, 0, NULL, NULL, (const struct choice[]){{"1", "1"}, {"2", "2"}, {NULL, NULL}}},
    {"f", "ไฟล์", FT_FILE, 0, 2048},
    {"g", "ไฟล์ 2", FT_FILE, F_REQUIRED, 64},
    {NULL},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	snprintf(tmpdir, sizeof tmpdir, "/tmp/khet-fuzz-body-%d", (int)getpid());
	if (mkdir(tmpdir, 0700) < 0 && errno != EEXIST)
		abort();
	return 0;
}

struct order {
	uint64_t next;
	size_t values;
};

static int check_order(void *cls, const char *key, const char *filename, const char *ct, const char *d, uint64_t off,
		       size_t size)
{
	struct order *o = cls;
	if (!key)
		abort();
	if (off != 0 && off != o->next)
		abort(); /* pieces of one value arrive in order */
	if (off == 0)
		o->values++;
	if (size && !d)
		abort();
	o->next = off + size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const char *ct;
	char *own = NULL;
	const char *body = (const char *)data + 2;
	size_t len = size - 2;
	switch (data[0] % 5) {
	case 0: ct = "application/x-www-form-urlencoded"; break;
	case 4: ct = "application/json"; break; /* the API's bodies */
	case 1: ct = "multipart/form-data; boundary=B"; break;
	case 2: ct = "multipart/form-data; boundary=\"--=_x y\""; break;
	default: {
		const char *nl = memchr(body, '\n', len);
		if (!nl)
			return 0;
		own = xstrndup(body, (size_t)(nl - body));
		ct = own;
		len -= (size_t)(nl - body) + 1;
		body = nl + 1;
	}
	}
	/* alone, cut into pieces of the size the second byte says */
	struct order o = {0, 0};
	struct body_parser *p = body_parser_new(ct, check_order, &o);
	if (p) {
		size_t piece = (size_t)data[1] + 1;
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < len; i += piece)
			rc = body_parser_feed(p, body + i, len - i < piece ? len - i : piece);
		if (rc == 0)
			(void)body_parser_finish(p);
		body_parser_free(p);
	}
	/* the whole form path */
	struct req r;
	memset(&r, 0, sizeof r);
	if (form_parse_body(&r, fields, ct, body, len, tmpdir) == 0) {
		const struct form_file *f = form_file(&r, "f");
		if (f && (f->size > 2048 || access(f->path, F_OK) < 0))
			abort(); /* an accepted upload is within its limit and on disk */
	}
	form_cleanup(&r);
	free(own);
	return 0;
}
