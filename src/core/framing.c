/* framing: the RFC 9112 checks of a request's framing (see framing.h for
 * why, and for how the byte layout libmicrohttpd leaves is read). The field
 * rules are a pure function over (name, value) pairs; the layout check
 * walks libmicrohttpd's pointers and never reads a byte outside the header
 * block it reports. */
#include "core/framing.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#define FRAMING_MAX_FIELDS 200

/* RFC 9110 5.6.2: token = 1*tchar. */
static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			continue;
		if (!strchr("!#$%&'*+-.^_`|~", *p))
			return false;
	}
	return true;
}

/* RFC 9110 5.5: field-value = VCHAR, obs-text, SP, HTAB; no CR, LF, NUL or
 * other control character. */
static bool value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* A Content-Length is 1*DIGIT, nothing else (not "+3", not "3, 3"). */
static bool digits_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "chunked", with optional whitespace around it (the value is already
 * trimmed at the front by the parser; trailing OWS stays). */
static bool is_chunked(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "chunked", 7) != 0)
		return false;
	for (v += 7; *v; v++)
		if (*v != ' ' && *v != '\t')
			return false;
	return true;
}

enum framing_fault framing_fields_check(const struct framing_field *f, int n, bool http11)
{
	int hosts = 0, lengths = 0, codings = 0;
	const char *te = NULL;
	for (int i = 0; i < n; i++) {
		if (!is_token(f[i].name))
			return FRAMING_FIELD_NAME;
		if (!value_ok(f[i].value))
			return FRAMING_FIELD_VALUE;
		if (!strcasecmp(f[i].name, "Host"))
			hosts++;
		else if (!strcasecmp(f[i].name, "Content-Length")) {
			if (++lengths > 1 || !digits_ok(f[i].value))
				return FRAMING_CONTENT_LENGTH;
		} else if (!strcasecmp(f[i].name, "Transfer-Encoding")) {
			codings++;
			te = f[i].value;
		}
	}
	if (http11 ? hosts != 1 : hosts > 1)
		return FRAMING_HOST;
	if (lengths && codings)
		return FRAMING_CL_AND_TE;
	/* one coding, chunked, and only where HTTP/1.1 defines it (RFC 9112
	 * 6.1: on HTTP/1.0 the framing is to be treated as faulty) */
	if (codings && (codings > 1 || !http11 || !is_chunked(te)))
		return FRAMING_TRANSFER_CODING;
	return FRAMING_OK;
}

struct walk {
	struct framing_field f[FRAMING_MAX_FIELDS];
	const char *end[FRAMING_MAX_FIELDS]; /* where each value's text ends */
	int n;
	bool too_many;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct walk *w = cls;
	if (w->n == FRAMING_MAX_FIELDS) {
		w->too_many = true;
		return MHD_NO;
	}
	w->f[w->n].name = key;
	w->f[w->n].value = value ? value : "";
	w->end[w->n] = value ? value + strlen(value) : NULL;
	w->n++;
	return MHD_YES;
}

bool framing_target_ok(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || t[i] == 0x7f)
			return false;
	return n > 0;
}

/* The layout reading is what libmicrohttpd 0.9.75 (Debian 12) does; the
 * HTTP tests (framing.test.mjs) prove it there. Another version may parse
 * differently — then every request would look faulty — so the layout
 * check runs only on the version it is known for, and the server says so
 * at start (newer versions refuse bare LF and folding themselves). */
bool framing_layout_known(void)
{
	const char *v = MHD_get_version();
	return v && !strcmp(v, "0.9.75");
}

static _Thread_local struct walk w; /* 5 KB: not on a worker's stack */

/* The layout of the bytes MHD read (see framing.h); w holds the fields. */
static enum framing_fault layout_check(struct MHD_Connection *c, const char *method, const char *raw_target,
				       size_t target_len, const char *version)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (!ci)
		return FRAMING_REQUEST_LINE;
	const char *start = method, *stop = method + ci->header_size;
	/* METHOD SP request-target SP HTTP-version, one space each */
	if (raw_target != method + strlen(method) + 1 || version != raw_target + target_len + 1)
		return FRAMING_REQUEST_LINE;
	/* every line's text is followed by exactly CRLF, the next line right
	 * after it; the last one by CRLF CRLF (the blank line) */
	const char *p = version + strlen(version);
	for (int i = 0; i < w.n; i++) {
		const char *name = w.f[i].name;
		if (name < start || name >= stop || name != p + 2)
			return FRAMING_LINE_ENDS;
		const char *v = w.f[i].value, *ve = w.end[i];
		if (!ve || v <= name || ve < v || ve >= stop)
			return FRAMING_LINE_ENDS;
		p = ve;
	}
	return p + 4 == stop ? FRAMING_OK : FRAMING_LINE_ENDS;
}

enum framing_fault framing_check(struct MHD_Connection *c, const char *method, const char *raw_target,
				 size_t target_len, bool target_ok, const char *version)
{
	if (!method || !raw_target || !version || !target_ok)
		return FRAMING_REQUEST_LINE;
	/* HTTP/1.0, or 1.1 (a later 1.x is read as 1.1, RFC 9110 2.5) */
	if (strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' || version[7] > '9' || version[8])
		return FRAMING_REQUEST_LINE;
	bool http11 = version[7] >= '1';
	w.n = 0;
	w.too_many = false;
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &w);
	if (w.too_many)
		return FRAMING_FIELD_NAME;
	/* another libmicrohttpd: its own rules on line ends */
	if (framing_layout_known()) {
		enum framing_fault f = layout_check(c, method, raw_target, target_len, version);
		if (f != FRAMING_OK)
			return f;
	}
	return framing_fields_check(w.f, w.n, http11);
}

const char *framing_fault_message(enum framing_fault f)
{
	switch (f) {
	case FRAMING_OK: return "";
	case FRAMING_LINE_ENDS:
		return "รูปแบบคำขอไม่ถูกต้อง: ทุกบรรทัดของส่วนหัวต้องจบด้วย CRLF และห้ามต่อบรรทัด (folding) "
		       "กรุณาส่งคำขอจากเบราว์เซอร์หรือโปรแกรมที่ทำตามมาตรฐาน HTTP";
	case FRAMING_REQUEST_LINE: return "รูปแบบคำขอไม่ถูกต้อง: บรรทัดแรกต้องเป็น วิธีการ ที่อยู่ และรุ่น HTTP คั่นด้วยช่องว่างเดียว";
	case FRAMING_FIELD_NAME: return "รูปแบบคำขอไม่ถูกต้อง: ชื่อส่วนหัว (header) มีอักขระที่ไม่อนุญาต หรือมีช่องว่างก่อนเครื่องหมาย :";
	case FRAMING_FIELD_VALUE: return "รูปแบบคำขอไม่ถูกต้อง: ค่าของส่วนหัว (header) มีอักขระควบคุมที่ไม่อนุญาต";
	case FRAMING_HOST: return "รูปแบบคำขอไม่ถูกต้อง: คำขอ HTTP/1.1 ต้องมีส่วนหัว Host หนึ่งรายการพอดี";
	case FRAMING_CONTENT_LENGTH: return "รูปแบบคำขอไม่ถูกต้อง: ต้องมี Content-Length ไม่เกินหนึ่งรายการ และเป็นตัวเลขเท่านั้น";
	case FRAMING_CL_AND_TE: return "รูปแบบคำขอไม่ถูกต้อง: ห้ามส่ง Content-Length พร้อมกับ Transfer-Encoding";
	case FRAMING_TRANSFER_CODING:
		return "รูปแบบคำขอไม่ถูกต้อง: รองรับ Transfer-Encoding แบบ chunked เพียงอย่างเดียว และเฉพาะ HTTP/1.1";
	}
	return "รูปแบบคำขอไม่ถูกต้อง";
}
