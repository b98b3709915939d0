/* test_body: the request body parser (core/body.c) — urlencoded and
 * multipart/form-data read the same whichever way the connection cuts the
 * bytes, escapes and empty values as browsers send them, malformed bodies
 * refused — and form_parse_body, the whole form path (parts, uploads,
 * validation) from a buffer with no connection, as tests/fuzz uses it. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/body.h"
#include "core/buf.h"
#include "core/http_internal.h"

/* Every value as "key[filename](type)=value;", a new entry at off 0. */
struct seen {
	struct buf out;
	uint64_t expect_off;
};

static int collect(void *cls, const char *key, const char *filename, const char *ct, const char *data, uint64_t off,
		   size_t size)
{
	struct seen *s = cls;
	if (off == 0) {
		if (s->out.len)
			buf_addc(&s->out, ';');
		buf_adds(&s->out, key);
		if (filename)
			buf_addf(&s->out, "[%s]", filename);
		if (ct)
			buf_addf(&s->out, "(%s)", ct);
		buf_addc(&s->out, '=');
	} else {
		assert_true(off == s->expect_off); /* pieces arrive in order */
	}
	buf_add(&s->out, data, size);
	s->expect_off = off + size;
	return 0;
}

/* Parses body in pieces of `piece` bytes (0: whole); returns the result
 * string (malloc'd), or NULL when the parser refused the body. */
static char *parse(const char *ct, const char *body, size_t len, size_t piece)
{
	struct seen s = {BUF_INIT, 0};
	struct body_parser *p = body_parser_new(ct, collect, &s);
	assert_non_null(p);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < len;) {
		size_t n = piece && len - i > piece ? piece : len - i;
		rc = body_parser_feed(p, body + i, n);
		i += n;
	}
	if (rc == 0)
		rc = body_parser_finish(p);
	body_parser_free(p);
	if (rc < 0) {
		buf_release(&s.out);
		return NULL;
	}
	buf_cstr(&s.out);
	return buf_detach(&s.out, NULL);
}

/* The same result for the whole body and for every cut into two pieces
 * and pieces of 1 to 9 bytes. */
static void same_every_way(const char *ct, const char *body, const char *want)
{
	size_t len = strlen(body);
	char *whole = parse(ct, body, len, 0);
	if (!want) {
		assert_null(whole);
	} else {
		assert_non_null(whole);
		assert_string_equal(whole, want);
	}
	for (size_t piece = 1; piece < 10; piece++) {
		char *r = parse(ct, body, len, piece);
		if (want)
			assert_string_equal(r, want);
		else
			assert_null(r);
		free(r);
	}
	for (size_t cut = 1; cut < len; cut++) {
		struct seen s = {BUF_INIT, 0};
		struct body_parser *p = body_parser_new(ct, collect, &s);
		int rc = body_parser_feed(p, body, cut);
		if (rc == 0)
			rc = body_parser_feed(p, body + cut, len - cut);
		if (rc == 0)
			rc = body_parser_finish(p);
		body_parser_free(p);
		if (want) {
			assert_int_equal(rc, 0);
			assert_string_equal(buf_cstr(&s.out), want);
		} else {
			assert_int_equal(rc, -1);
		}
		buf_release(&s.out);
	}
	free(whole);
}

#define URLENC "application/x-www-form-urlencoded"

static void test_urlencoded(void **state)
{
	(void)state;
	same_every_way(URLENC, "a=1&b=x+y&c=%E0%B8%81%e0%b8%82", "a=1;b=x y;c=กข");
	/* empty values, a name alone, empty pairs, a repeated name */
	same_every_way(URLENC, "a=&b&&c=2&c=3&", "a=;b=;c=2;c=3");
	/* a '%' without two hex digits stays as typed; names are decoded too */
	same_every_way(URLENC, "p=100%&q=%zz%4&r%5Fs=%%41", "p=100%;q=%zz%4;r_s=%A");
	same_every_way(URLENC "; charset=UTF-8", "x=%26%3D", "x=&=");
	same_every_way(URLENC, "", "");
	/* a name longer than any form's is refused, not kept growing */
	struct buf b = BUF_INIT;
	for (int i = 0; i < BODY_KEY_MAX * 3 + 1; i++)
		buf_addc(&b, 'k');
	char *r = parse(URLENC, b.data, b.len, 0);
	assert_null(r);
	buf_release(&b);
}

#define MP "multipart/form-data; boundary=XyZ"

static void test_multipart(void **state)
{
	(void)state;
	same_every_way(MP,
		       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nหนึ่ง\r\n"
		       "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"ใบ.pdf\"\r\n"
		       "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--X\r\n-\r\n"
		       "--XyZ\r\ncontent-disposition: form-data; name=b\r\n\r\n\r\n"
		       "--XyZ\r\nContent-Disposition: form-data; name=\"e\"; filename=\"\"\r\n\r\n\r\n"
		       "--XyZ--\r\nepilogue ignored",
		       "a=หนึ่ง;f[ใบ.pdf](application/pdf)=%PDF-1.4\r\n--X\r\n-;b=;e[]=");
	/* a preamble, transport padding after a boundary, a quoted boundary,
	 * an escaped quote in a name */
	same_every_way("multipart/form-data; boundary=\"a b\"",
		       "preamble\r\n--a b  \r\nContent-Disposition: form-data; name=\"x\\\"y\"\r\n\r\n1\r\n--a b--",
		       "x\"y=1");
	/* refused: cut off before the close, a part without a name, a header
	 * line without a colon, a boundary followed by something else */
	same_every_way(MP, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", NULL);
	same_every_way(MP, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--", NULL);
	same_every_way(MP, "--XyZ\r\n\r\n1\r\n--XyZ--", NULL);
	same_every_way(MP, "--XyZ\r\nno colon\r\n\r\n1\r\n--XyZ--", NULL);
	same_every_way(MP, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZq\r\n", NULL);
	/* an empty body is no form at all, and fine */
	same_every_way(MP, "", "");
	/* headers that never end are refused once past the limit */
	struct buf b = BUF_INIT;
	buf_adds(&b, "--XyZ\r\nX-Pad: ");
	for (int i = 0; i < BODY_PART_HEADERS_MAX; i++)
		buf_addc(&b, 'p');
	assert_null(parse(MP, b.data, b.len, 0));
	buf_release(&b);
	/* Content-Types no parser takes */
	struct seen s = {BUF_INIT, 0};
	assert_null(body_parser_new("text/plain", collect, &s));
	assert_null(body_parser_new("multipart/form-data", collect, &s));
	assert_null(body_parser_new("multipart/form-data; boundary=", collect, &s));
	assert_null(body_parser_new("application/x-www-form-urlencodedx", collect, &s));
	assert_null(body_parser_new(NULL, collect, &s));
}

/* --- the whole form from bytes -------------------------------------------- */

static const struct field fields[] = {
    {"name", "ชื่อ", FT_TEXT, F_REQUIRED, 10},
    {"price", "ราคา", FT_MONEY, 0, 0, 0},
    {"id", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, 0},
    {"doc", "เอกสาร", FT_FILE, 0, 1024},
    {NULL},
};

static void test_form_parse_body(void **state)
{
	(void)state;
	char dir[] = "/tmp/khet-body-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct req r;
	memset(&r, 0, sizeof r);
	const char *ok = "name=%E0%B8%AA%E0%B8%A1%E0%B8%8A%E0%B8%B2%E0%B8%A2&price=35210.50&id=1103700012346&_csrf=t";
	assert_int_equal(form_parse_body(&r, fields, URLENC, ok, strlen(ok), dir), 0);
	assert_true(form_ok(&r));
	assert_string_equal(form_value(&r, "name"), "สมชาย");
	assert_int_equal(form_satang(&r, "price"), 3521050);
	assert_string_equal(form_value(&r, "_csrf"), "t");
	form_cleanup(&r);

	/* bad values get their field's message; the typed text is kept */
	const char *bad = "name=&price=12.345&id=1103700012345";
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, URLENC, bad, strlen(bad), dir), 0);
	assert_false(form_ok(&r));
	assert_true(form_has_error(&r, "name"));
	assert_true(form_has_error(&r, "price"));
	assert_true(form_has_error(&r, "id"));
	form_cleanup(&r);

	/* an upload goes to a temp file under dir/tmp and is checked by
	 * content, read whole (core/filecheck): a PDF without its end
	 * (startxref naming the xref table) is refused at its field */
	struct buf b = BUF_INIT;
	buf_adds(&b, "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nก\r\n"
		     "--B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.pdf\"\r\n"
		     "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 "
		     "0 R>>\n%%EOF\n"
		     "\r\n--B--\r\n");
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, "multipart/form-data; boundary=B", b.data, b.len, dir), 0);
	assert_false(form_ok(&r));
	assert_true(form_has_error(&r, "doc"));
	assert_false(form_has_error(&r, "name"));
	assert_null(form_file(&r, "doc"));
	form_cleanup(&r);
	buf_reset(&b);
	buf_adds(&b, "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nก\r\n"
		     "--B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.pdf\"\r\n"
		     "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n"
		     "0000000000 65535 f \n0000000009 00000 n \ntrailer<</Size 2/Root 1 0 R>>\nstartxref\n40\n%%EOF\n"
		     "\r\n--B--\r\n");
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, "multipart/form-data; boundary=B", b.data, b.len, dir), 0);
	assert_true(form_ok(&r));
	const struct form_file *f = form_file(&r, "doc");
	assert_non_null(f);
	assert_string_equal(f->mime, "application/pdf");
	assert_int_equal(strncmp(f->path, dir, strlen(dir)), 0);
	assert_int_equal(access(f->path, F_OK), 0);
	char *kept = xstrdup(f->path);
	form_cleanup(&r);
	assert_int_not_equal(access(kept, F_OK), 0); /* not kept: removed */
	free(kept);
	buf_release(&b);

	/* a broken body and an unknown type are refused */
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, "multipart/form-data; boundary=B", "--B\r\n", 5, dir), -1);
	form_cleanup(&r);
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, "text/plain", "x", 1, dir), -1);
	form_cleanup(&r);

	/* a body of empty values of a declared field: each costs a part and no
	 * text, so only the count of values stops it (it took the worker
	 * quadratic time before) */
	buf_reset(&b);
	for (int i = 0; i < 60000; i++)
		buf_adds(&b, "name=&");
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, URLENC, b.data, b.len, dir), -1);
	form_cleanup(&r);
	/* a big class list ticked is still one form */
	buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		buf_adds(&b, "name=&");
	memset(&r, 0, sizeof r);
	assert_int_equal(form_parse_body(&r, fields, URLENC, b.data, b.len, dir), 0);
	form_cleanup(&r);
	buf_release(&b);

	struct buf rm = BUF_INIT;
	buf_addf(&rm, "%s/tmp", dir);
	rmdir(buf_cstr(&rm));
	rmdir(dir);
	buf_release(&rm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_urlencoded),
	    cmocka_unit_test(test_multipart),
	    cmocka_unit_test(test_form_parse_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
