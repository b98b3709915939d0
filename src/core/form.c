/* form: parsing and checking a request body against a route's declared
 * fields. Bodies arrive in pieces through the body parser (core/body.c:
 * urlencoded or multipart); text is collected up to a little over the field's limit and
 * no further, and uploads are written straight to a temp file under the data
 * folder, cut off the moment they pass their limit, so no body is ever held
 * whole in memory. After the body ends every field is validated and gets a
 * Thai message that says what to fix; the handler finds the values already
 * normalised (trimmed text, lower-case e-mail, digits-only citizen ID and
 * phone). Fields not declared are ignored: a handler can only ever see what
 * its route declared. */
#include "core/form.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/body.h"
#include "core/fault.h"
#include "core/filecheck.h"
#include "core/http_internal.h"
#include "core/log.h"
#include "core/num.h"
#include "core/thai.h"

#define FORM_TEXT_TOTAL_MAX (2LL * 1024 * 1024)
/* Values of declared fields in one body: a school's whole class list
 * ticked fits many times over; "a=&a=&…" in a 64 MB body does not (each
 * empty value costs a part and no text, so the text limit never stops it). */
#define FORM_PARTS_MAX 50000

struct form_part {
	struct form_part *next;
	const struct field *field; /* NULL for _csrf */
	char *key;
	struct buf text;
	bool text_overflow;
	/* files */
	bool is_file;
	char *filename;
	char *tmp_path;
	int fd;
	long long size;
	bool too_big;
	bool write_failed;
	bool disk_full; /* the write failed for want of space (ENOSPC, EDQUOT) */
};

static const struct field *find_field(const struct field *fields, const char *name)
{
	for (const struct field *f = fields; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static long long field_max(const struct field *f)
{
	if (f->type == FT_INT || f->type == FT_MONEY)
		return 20; /* characters; f->max is the largest value */
	if (f->max > 0)
		return f->max;
	if (f->type == FT_FILE)
		return FORM_FILE_MAX_DEFAULT;
	if (f->type == FT_TEXTAREA)
		return 5000;
	return FORM_TEXT_MAX_DEFAULT;
}

/* The client's file name without any path, control characters or quotes. */
static char *clean_filename(const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	/* at most 200 bytes, cut before a whole letter (a Thai letter is 3
	 * bytes: a cut inside one made the whole name "file") */
	size_t n = strlen(base);
	if (n > 200) {
		n = 200;
		while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
			n--;
	}
	struct buf b = BUF_INIT;
	for (const char *p = base; p < base + n; p++)
		buf_addc(&b, ((unsigned char)*p < 0x20 || *p == '"' || *p == 0x7f) ? '_' : *p);
	if (!b.len || !thai_utf8_valid(b.data, b.len)) {
		buf_reset(&b);
		buf_adds(&b, "file");
	}
	return buf_detach(&b, NULL);
}

static struct form_part *part_new(struct req *r, const char *key, const struct field *f)
{
	if (r->form.nparts >= FORM_PARTS_MAX)
		return NULL;
	struct form_part *p = xcalloc(1, sizeof *p);
	p->key = xstrdup(key);
	p->field = f;
	p->fd = -1;
	/* append, keeping the order the client sent */
	if (r->form.last)
		r->form.last->next = p;
	else
		r->form.parts = p;
	r->form.last = p;
	r->form.nparts++;
	return p;
}

static struct form_part *last_part(struct req *r)
{
	return r->form.last;
}

static void file_open(struct req *r, struct form_part *p)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/tmp", r->form.data_dir);
	mkdir(buf_cstr(&path), 0700);
	buf_adds(&path, "/upload-XXXXXX");
	p->tmp_path = buf_detach(&path, NULL);
	p->fd = mkostemp(p->tmp_path, O_CLOEXEC);
	if (p->fd < 0) {
		log_error("req %s: upload temp file %s: %s", r->id, p->tmp_path, strerror(errno));
		p->write_failed = true;
		p->disk_full = errno == ENOSPC || errno == EDQUOT;
	}
}

int form_tmp_sweep(const char *data_dir, long long older_than)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/tmp", data_dir);
	DIR *d = opendir(buf_cstr(&path));
	if (!d) {
		buf_release(&path);
		return 0;
	}
	long long cut = (long long)time(NULL) - older_than;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "upload-", 7))
			continue;
		struct buf f = BUF_INIT;
		buf_addf(&f, "%s/%s", buf_cstr(&path), de->d_name);
		struct stat st;
		if (lstat(buf_cstr(&f), &st) == 0 && S_ISREG(st.st_mode) && (long long)st.st_mtime <= cut &&
		    unlink(buf_cstr(&f)) == 0)
			n++;
		buf_release(&f);
	}
	closedir(d);
	buf_release(&path);
	return n;
}

static void file_write(struct form_part *p, const char *data, size_t size)
{
	if (p->too_big || p->write_failed)
		return;
	if (p->size + (long long)size > field_max(p->field)) {
		/* cut off now: the rest of this file is read and dropped */
		p->too_big = true;
		close(p->fd);
		p->fd = -1;
		unlink(p->tmp_path);
		p->size += (long long)size;
		return;
	}
	size_t off = 0;
	while (off < size) {
		ssize_t n = fault_now(FAULT_WRITE) ? (errno = ENOSPC, -1) : write(p->fd, data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->write_failed = true;
			p->disk_full = n < 0 && (errno == ENOSPC || errno == EDQUOT);
			return;
		}
		off += (size_t)n;
	}
	p->size += (long long)size;
}

static void set_error(struct req *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An API body's value the form cannot take (issue 15: an integrator's
 * typo or wrong JSON type is named, never silently dropped): the error at
 * the name as sent when it can be a JSON key, else form-wide. */
static void api_body_error(struct req *r, const char *key, const struct field *f, const char *why)
{
	bool named = f || (strlen(key) <= 64 && thai_utf8_valid(key, strlen(key)) && !thai_text_invisible(key));
	if (f)
		set_error(r, f->name, "%s %s", f->label ? f->label : f->name, why);
	else if (named)
		set_error(r, key, "%s", why);
	else
		set_error(r, "_form", "มีช่องที่ไม่รู้จักในคำขอ ดูช่องที่รับได้ที่ /api/v1/docs");
}

static int on_part(void *cls, const char *key, const char *filename, const char *content_type, const char *data,
		   uint64_t off, size_t size)
{
	struct req *r = cls;
	if (!key)
		return 0;
	const struct field *f = find_field(r->form.fields, key);
	/* the platform's own hidden fields: every form may carry them */
	bool csrf = !strcmp(key, "_csrf") || !strcmp(key, "_version");
	if (!f && !csrf) {
		/* undeclared: a page ignores it; the API names it, so a
		 * misspelt field is not taken for an empty one */
		if (r->form.api && off == 0)
			api_body_error(r, key, NULL, "ไม่รู้จักช่องนี้ในคำขอนี้ ดูช่องที่รับได้ที่ /api/v1/docs");
		return 0;
	}
	/* a JSON value of a type the field cannot hold: named, not taken */
	if (r->form.api && off == 0 && content_type && !filename) {
		const char *why = NULL;
		if (!strcmp(content_type, BODY_JSON_NESTED))
			why = "ต้องเป็นข้อความหรือตัวเลข ไม่ใช่ออบเจ็กต์หรือรายการซ้อนรายการ (JSON)";
		else if (!strcmp(content_type, BODY_JSON_ITEM) && !(f && (f->flags & F_MULTI)))
			why = "รับได้ค่าเดียว ไม่ใช่รายการ (JSON array)";
		else if (!strcmp(content_type, BODY_JSON_TRUE) && !(f && f->type == FT_CHECKBOX))
			why = "ต้องเป็นข้อความหรือตัวเลข ไม่ใช่ true";
		if (why) {
			api_body_error(r, key, f, why);
			r->form.api_bad = true;
			return 0;
		}
	}
	if (r->form.api_bad && f && json_object_get(r->form.errors, f->name))
		return 0; /* the rest of an array already refused */
	struct form_part *p = last_part(r);
	if (off == 0 || !p || strcmp(p->key, key)) {
		if (!(p = part_new(r, key, f)))
			return -1; /* too many values: the body is refused (400) */
		if (f && f->type == FT_FILE && filename) {
			p->is_file = true;
			p->filename = clean_filename(filename);
			if (*filename)
				file_open(r, p);
		}
	}
	if (!size)
		return 0;
	if (p->is_file) {
		if (p->fd >= 0 || p->too_big)
			file_write(p, data, size);
		else if (!p->tmp_path)
			p->size += (long long)size; /* data without a file name: dropped */
		return 0;
	}
	long long cap = f ? field_max(f) * 4 + 16 : 64;
	r->form.text_bytes += (long long)size;
	if (r->form.text_bytes > FORM_TEXT_TOTAL_MAX || (long long)(p->text.len + size) > cap) {
		p->text_overflow = true;
		return 0;
	}
	buf_add(&p->text, data, size);
	return 0;
}

/* Starts a body of this Content-Type (NULL or "": none) against fields;
 * uploads go to data_dir/tmp. */
static int form_begin_body(struct req *r, const struct field *fields, const char *ct, bool empty,
			   const char *data_dir)
{
	struct form_state *fs = &r->form;
	fs->fields = fields;
	fs->data_dir = data_dir;
	fs->values = json_object();
	fs->typed = json_object();
	fs->errors = json_object();
	if (!ct || !*ct)
		return empty ? 0 : -1; /* an empty POST is fine */
	fs->pp = body_parser_new(ct, on_part, r);
	return fs->pp ? 0 : -1;
}

int form_begin(struct req *r, const struct field *fields)
{
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	/* a JSON body is the API's (/api/v1); the pages take forms only */
	if (ct && !strncasecmp(ct + strspn(ct, " \t"), "application/json", 16) &&
	    !(r->route && (r->route->flags & ROUTE_API)))
		return -1;
	int rc = form_begin_body(r, fields, ct, !cl || !strcmp(cl, "0"), http_settings()->data_dir);
	r->form.api = r->route && (r->route->flags & ROUTE_API);
	return rc;
}

int form_feed(struct req *r, const char *data, size_t size)
{
	if (r->form.broken || !r->form.pp)
		return -1;
	if (body_parser_feed(r->form.pp, data, size) < 0) {
		r->form.broken = true;
		return -1;
	}
	return 0;
}

int form_parse_body(struct req *r, const struct field *fields, const char *content_type, const char *body,
		    size_t len, const char *data_dir)
{
	if (form_begin_body(r, fields, content_type, len == 0, data_dir) < 0)
		return -1;
	/* in pieces of a few sizes, as a connection delivers them: a value
	 * cut anywhere must read the same */
	static const size_t cuts[] = {1, 7, 4096};
	size_t i = 0, k = 0;
	while (i < len && r->form.pp) {
		size_t n = len - i < cuts[k % 3] ? len - i : cuts[k % 3];
		if (form_feed(r, body + i, n) < 0)
			break;
		i += n;
		k++;
	}
	return form_finish(r);
}

/* --- validation --------------------------------------------------------- */

static void set_error(struct req *r, const char *name, const char *fmt, ...)
{
	if (json_object_get(r->form.errors, name))
		return; /* the first problem of a field is the one to fix first */
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_object_set_new(r->form.errors, name, json_string(buf_cstr(&b)));
	buf_release(&b);
}

static char *trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return xstrndup(s, len);
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254)
		return false;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1] || dot[1] == 0)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == ';' ||
		    *p == '(' || *p == ')' || *p == '\\')
			return false;
	return strstr(s, "..") == NULL;
}

static bool pattern_ok(const char *pattern, const char *value)
{
	regex_t re;
	struct buf anchored = BUF_INIT;
	buf_addf(&anchored, "^(%s)$", pattern);
	if (regcomp(&re, buf_cstr(&anchored), REG_EXTENDED | REG_NOSUB) != 0) {
		log_error("form: bad pattern %s", pattern);
		buf_release(&anchored);
		return false;
	}
	buf_release(&anchored);
	bool ok = regexec(&re, value, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* Whole baht with up to two decimals, no sign: satang, or -1. */
/* ---- identity codes other than a citizen ID (F_ALT_ID) ---------------------------- */

#define ALT_ID_MAX 4
static form_alt_id_fn alt_ids[ALT_ID_MAX];
static int n_alt_ids;

void form_alt_id_register(form_alt_id_fn fn)
{
	for (int i = 0; i < n_alt_ids; i++)
		if (alt_ids[i] == fn)
			return;
	if (fn && n_alt_ids < ALT_ID_MAX)
		alt_ids[n_alt_ids++] = fn;
}

/* 1 with norm when a registered checker knows v, 0 when none takes it,
 * -1 with e (a Thai message for the field) when one refuses it. */
static int alt_id_check(struct req *r, const char *v, struct buf *norm, struct err *e)
{
	for (int i = 0; i < n_alt_ids; i++) {
		char code[16] = "";
		int rc = alt_ids[i](req_db(r), v, code, e);
		if (rc == 0)
			continue;
		if (rc > 0) {
			buf_adds(norm, code);
			return 1;
		}
		if (e->status >= 500 || !e->msg[0]) {
			log_error("req %s: identity code check: %s", req_id(r), e->msg);
			err_clear(e);
			err_set(e, 503, "ตรวจสอบรหัสนี้ไม่ได้ในขณะนี้ กรุณาลองใหม่อีกครั้ง");
		}
		return -1;
	}
	return 0;
}

static const char *check_value(struct req *r, const struct field *f, const char *v, struct buf *norm)
{
	const char *label = f->label ? f->label : f->name;
	buf_reset(norm);
	switch (f->type) {
	case FT_EMAIL: {
		for (const char *p = v; *p; p++)
			buf_addc(norm, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
		if (!email_ok(buf_cstr(norm)))
			return "รูปแบบอีเมลไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: name@example.com";
		return NULL;
	}
	case FT_PHONE: {
		for (const char *p = v; *p; p++) {
			if (*p >= '0' && *p <= '9')
				buf_addc(norm, *p);
			else if (*p != '-' && *p != ' ')
				return "หมายเลขโทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก เช่น 0812345678";
		}
		if (norm->len < 9 || norm->len > 10 || norm->data[0] != '0')
			return "หมายเลขโทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก ขึ้นต้นด้วย 0 เช่น 0812345678";
		return NULL;
	}
	case FT_INT: {
		char *end;
		errno = 0;
		if (strchr(v, '.'))
			return "กรุณากรอกเป็นจำนวนเต็ม (ไม่มีทศนิยม)";
		long long n = strtoll(v, &end, 10);
		if (errno || *end || end == v)
			return "กรุณากรอกเป็นตัวเลขจำนวนเต็ม";
		if (n < f->min) {
			static _Thread_local char msg[96];
			snprintf(msg, sizeof msg, f->min == 0 ? "ต้องไม่ติดลบ" : "ต้องมีค่าอย่างน้อย %lld", f->min);
			return msg;
		}
		if (f->max > 0 && n > f->max) {
			static _Thread_local char msg[96];
			snprintf(msg, sizeof msg, "ต้องไม่เกิน %lld", f->max);
			return msg;
		}
		buf_addf(norm, "%lld", n);
		return NULL;
	}
	case FT_MONEY: {
		if (v[0] == '-')
			return "จำนวนเงินต้องไม่ติดลบ";
		long long s = num_money(v);
		if (s < 0)
			return "จำนวนเงินต้องเป็นตัวเลข ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 1500, 1,500 หรือ 1,500.50";
		if (s < f->min)
			return "จำนวนเงินน้อยเกินกำหนด";
		if (f->max > 0 && s > f->max)
			return "จำนวนเงินมากเกินกำหนด";
		buf_addf(norm, "%lld", s);
		return NULL;
	}
	case FT_DATE: {
		/* typed as the field shows it (25/06/2567, BE), with Thai month
		 * names, or ISO from the API and the picker; stored ISO (CE) */
		int y, m, d;
		int rc = thai_date_input(v, &y, &m, &d);
		if (rc == THAI_DATE_RANGE)
			return "ปีของวันที่อยู่นอกช่วงที่รับได้ กรุณากรอกปี พ.ศ. 4 หลัก เช่น 25/06/2567 "
			       "(หรือปี ค.ศ. เช่น 25/06/2024)";
		if (rc < 0)
			return "วันที่ไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2567";
		buf_addf(norm, "%04d-%02d-%02d", y, m, d);
		return NULL;
	}
	case FT_TIME: {
		int h, mi;
		char extra;
		if (strlen(v) != 5 || sscanf(v, "%2d:%2d%c", &h, &mi, &extra) != 2 || h < 0 || h > 23 || mi < 0 || mi > 59)
			return "เวลาไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 13:30";
		buf_addf(norm, "%02d:%02d", h, mi);
		return NULL;
	}
	case FT_CITIZEN_ID: {
		char id[14];
		struct err e = ERR_INIT;
		if (f->flags & F_ALT_ID) {
			int rc = alt_id_check(r, v, norm, &e);
			if (rc > 0)
				return NULL;
			if (rc < 0) {
				json_object_set_new(r->form.errors, f->name, json_string(e.msg));
				return "";
			}
		}
		if (thai_citizen_id_normalize(v, id) < 0) {
			thai_citizen_id_check(v, &e);
			buf_adds(norm, v);
			if (!e.msg[0])
				return "เลขประจำตัวประชาชนต้องมี 13 หลัก";
			json_object_set_new(r->form.errors, f->name, json_string(e.msg));
			return "";
		}
		if (thai_citizen_id_check(id, &e) < 0) {
			json_object_set_new(r->form.errors, f->name, json_string(e.msg));
			return "";
		}
		buf_adds(norm, id);
		return NULL;
	}
	case FT_CHOICE: {
		for (const struct choice *c = field_choices(f); c && c->value; c++)
			if (!strcmp(c->value, v)) {
				buf_adds(norm, v);
				return NULL;
			}
		if (r->form.api) {
			/* no select to choose from: the codes it takes, as many
			 * as fit (the docs list them all) */
			struct buf m = BUF_INIT;
			buf_addf(&m, "%s ต้องเป็นหนึ่งใน: ", label);
			int k = 0;
			for (const struct choice *c = field_choices(f); c && c->value; c++, k++) {
				if (m.len > 400) {
					buf_adds(&m, ", …");
					break;
				}
				buf_addf(&m, "%s%s", k ? ", " : "", c->value);
			}
			set_error(r, f->name, "%s", buf_cstr(&m));
			buf_release(&m);
			return "";
		}
		(void)label;
		return "กรุณาเลือกจากรายการที่กำหนด";
	}
	case FT_CHECKBOX:
		buf_adds(norm, "1");
		return NULL;
	default:
		buf_adds(norm, v);
		return NULL;
	}
}

/* One libmagic handle per worker thread (it is not thread-safe), closed
 * when the thread ends. */
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_destroy(void *cookie)
{
	magic_close(cookie);
}

static void magic_key_make(void)
{
	pthread_key_create(&magic_key, magic_destroy);
}

static const char *file_type_by_content(const char *path)
{
	pthread_once(&magic_once, magic_key_make);
	magic_t cookie = pthread_getspecific(magic_key);
	if (!cookie) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (!cookie || magic_load(cookie, NULL) != 0) {
			log_error("form: libmagic cannot load its database");
			if (cookie)
				magic_close(cookie);
			return NULL;
		}
		pthread_setspecific(magic_key, cookie);
	}
	return magic_file(cookie, path);
}

/* The upload read whole as the type its first bytes named (core/filecheck):
 * a file cut off in transfer or only dressed as a PDF is refused at its
 * field, the rest of the form kept. */
static bool whole_file(struct req *r, const struct field *f, struct form_part *p, const char *mime)
{
	const char *label = f->label ? f->label : f->name;
	long w = 0, h = 0;
	enum filecheck_result fc = filecheck_path(mime, p->tmp_path, &w, &h);
	if (fc == FILECHECK_HUGE && (long long)w * h <= FILECHECK_MAX_PIXELS) {
		/* a progressive JPEG, read whole at once (filecheck.h) */
		set_error(r, f->name,
			  "ภาพ JPEG แบบโปรเกรสซีฟในไฟล์ %s ใหญ่เกินกว่าจะตรวจได้ (%ld × %ld พิกเซล) กรุณาย่อภาพให้เล็กลง "
			  "หรือบันทึกใหม่เป็น JPEG แบบธรรมดา (baseline) แล้วแนบใหม่อีกครั้ง",
			  label, w, h);
		return false;
	}
	if (fc == FILECHECK_HUGE) {
		set_error(r, f->name,
			  "ภาพในไฟล์ %s มีขนาดใหญ่เกินไป (%ld × %ld พิกเซล) กรุณาย่อภาพให้ไม่เกิน %lld ล้านพิกเซล แล้วแนบใหม่อีกครั้ง",
			  label, w, h, FILECHECK_MAX_PIXELS / 1000000);
		return false;
	}
	if (fc == FILECHECK_OK)
		return true;
	if (!strcmp(mime, "application/pdf"))
		set_error(r, f->name,
			  "ไฟล์ %s ไม่สมบูรณ์ (ไฟล์ PDF ถูกตัดขาดหรือเสียหาย ไม่พบส่วนท้ายของไฟล์) กรุณาเปิดไฟล์ในเครื่องด้วยโปรแกรมอ่าน PDF "
			  "ว่าแสดงได้ครบทุกหน้า หรือบันทึกเป็น PDF ใหม่ แล้วแนบใหม่อีกครั้ง",
			  label);
	else
		set_error(r, f->name,
			  "ไฟล์ %s ไม่สมบูรณ์ (ไฟล์ภาพถูกตัดขาดหรือเสียหาย อ่านได้ไม่ครบทั้งภาพ) กรุณาเปิดไฟล์ในเครื่องว่าแสดงภาพได้ครบ "
			  "แล้วแนบใหม่อีกครั้ง",
			  label);
	return false;
}

static void check_file(struct req *r, const struct field *f, struct form_part *p)
{
	const char *label = f->label ? f->label : f->name;
	long long max = field_max(f);
	if (p->too_big && (f->flags & F_TABLE)) {
		set_error(r, f->name, "ไฟล์ %s มีขนาดใหญ่เกิน %.1f MB กรุณาแบ่งเป็นหลายไฟล์ หรือบันทึกเฉพาะคอลัมน์ที่ใช้", label,
			  (double)max / (1024.0 * 1024.0));
		return;
	}
	if (p->too_big) {
		set_error(r, f->name, "ไฟล์ %s มีขนาดใหญ่เกิน %.1f MB กรุณาลดขนาดไฟล์หรือสแกนใหม่ด้วยความละเอียดที่ต่ำลง",
			  label, (double)max / (1024.0 * 1024.0));
		return;
	}
	if (p->write_failed && p->disk_full) {
		set_error(r, f->name,
			  "บันทึกไฟล์ %s ไม่สำเร็จ เพราะพื้นที่จัดเก็บของระบบเต็ม ข้อมูลที่บันทึกไว้ก่อนหน้าไม่เสียหาย "
			  "กรุณาแจ้งผู้ดูแลระบบ แล้วส่งใหม่ภายหลัง",
			  label);
		return;
	}
	if (p->write_failed) {
		set_error(r, f->name, "บันทึกไฟล์ %s ไม่สำเร็จ กรุณาลองส่งใหม่อีกครั้ง", label);
		return;
	}
	const char *found = NULL;
	if (f->flags & F_TABLE) {
		/* the handler's table reader judges the content */
		char head[4] = {0};
		int fd = open(p->tmp_path, O_RDONLY | O_CLOEXEC);
		ssize_t got = fd >= 0 ? read(fd, head, sizeof head) : -1;
		if (fd >= 0)
			close(fd);
		found = got == 4 && !memcmp(head, "PK\x03\x04", 4)
			    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			    : "text/csv";
	}
	const char *mime = found ? NULL : file_type_by_content(p->tmp_path);
	static const char *const ok[] = {"image/png", "image/jpeg", "application/pdf"};
	for (size_t i = 0; mime && i < 3; i++)
		if (!strcmp(mime, ok[i]))
			found = ok[i];
	if (found && (f->flags & F_IMAGE) && strncmp(found, "image/", 6))
		found = NULL; /* a PDF where a photo goes */
	if (!found && (f->flags & F_IMAGE)) {
		set_error(r, f->name, "ไฟล์ %s ต้องเป็นไฟล์ภาพ JPG หรือ PNG เท่านั้น (ไฟล์ที่แนบมาไม่ใช่รูปภาพ แม้ชื่อไฟล์จะลงท้ายเช่นนั้น)",
			  label);
		return;
	}
	if (!found) {
		set_error(r, f->name, "ไฟล์ %s ต้องเป็นไฟล์ PDF, PNG หรือ JPG เท่านั้น (ไฟล์ที่แนบมาไม่ใช่ไฟล์ชนิดนี้ แม้ชื่อไฟล์จะลงท้ายเช่นนั้น)",
			  label);
		return;
	}
	if (!(f->flags & F_TABLE) && !whole_file(r, f, p, found))
		return;
	r->form.files = xrealloc(r->form.files, sizeof *r->form.files * (size_t)(r->form.nfiles + 1));
	struct form_file *ff = &r->form.files[r->form.nfiles++];
	ff->field = f->name;
	ff->path = p->tmp_path;
	ff->filename = p->filename;
	ff->mime = found;
	ff->size = p->size;
}

int form_finish(struct req *r)
{
	struct form_state *fs = &r->form;
	if (fs->checked)
		return fs->broken ? -1 : 0;
	fs->checked = true;
	if (fs->pp) {
		if (body_parser_finish(fs->pp) < 0) {
			fs->broken = true;
			body_parser_json_error(fs->pp, &fs->json_line, &fs->json_col);
		}
		body_parser_free(fs->pp);
		fs->pp = NULL;
	}
	if (fs->broken)
		return -1;
	struct buf norm = BUF_INIT;
	for (struct form_part *p = fs->parts; p; p = p->next) {
		if (!p->field) { /* _csrf, _version */
			json_object_set_new(fs->values, p->key, json_stringn(p->text.data ? p->text.data : "", p->text.len));
			/* a version that is no number would be taken for none,
			 * and the save made without the stale-copy check */
			if (!strcmp(p->key, "_version") && p->text.len && form_version(r) < 0)
				set_error(r, "_version",
					  "_version ต้องเป็นเลขรุ่น (version) ของข้อมูลที่อ่านมา เป็นจำนวนเต็มตั้งแต่ 0 เช่น 3");
			continue;
		}
		const struct field *f = p->field;
		const char *label = f->label ? f->label : f->name;
		if (p->is_file) {
			/* a failed write says so even when nothing was written
			 * yet: never a file silently left out */
			if (p->tmp_path && (p->size > 0 || p->too_big || p->write_failed))
				check_file(r, f, p);
			else if (p->tmp_path)
				/* a file was chosen but holds nothing: say that, not
				 * "attach a file" */
				set_error(r, f->name, "ไฟล์ %s ที่แนบในช่อง %s ว่างเปล่า (0 ไบต์) กรุณาเลือกไฟล์ใหม่",
					  p->filename && *p->filename ? p->filename : "ที่เลือก", label);
			continue;
		}
		const char *raw = p->text.data ? p->text.data : "";
		if (!thai_utf8_valid(raw, p->text.len) || strlen(raw) != p->text.len) {
			set_error(r, f->name, "%s มีอักขระที่ระบบอ่านไม่ได้ กรุณาพิมพ์ข้อความใหม่", label);
			continue;
		}
		char *v = f->type == FT_PASSWORD ? xstrdup(raw) : trimmed(raw, p->text.len);
		json_t *prev = json_object_get(fs->values, f->name);
		if (f->flags & F_MULTI) {
			if (!prev) {
				prev = json_array();
				json_object_set_new(fs->values, f->name, prev);
				json_object_set_new(fs->typed, f->name, json_array());
			}
		}
		/* what was typed, as typed (an over-long text only while it
		 * was kept whole) */
		json_t *shown = json_string(p->text_overflow ? "" : v);
		if (f->flags & F_MULTI)
			json_array_append_new(json_object_get(fs->typed, f->name), shown);
		else
			json_object_set_new(fs->typed, f->name, shown);
		/* over-long is an error however far over: a value so long that
		 * none of it was kept is still no empty value */
		if (!*v && !p->text_overflow) {
			if (!prev)
				json_object_set_new(fs->values, f->name, json_string(""));
			free(v);
			continue;
		}
		if (p->text_overflow || (long long)thai_utf8_chars(v) > field_max(f)) {
			if (f->type != FT_FILE)
				set_error(r, f->name, "%s ยาวได้ไม่เกิน %lld ตัวอักษร กรุณาย่อให้สั้นลง", label, field_max(f));
			/* what was typed comes back to be shortened, unless it was
			 * so long (over 4× the limit) that it was not kept whole */
			json_t *val = json_string(p->text_overflow ? "" : v);
			if (f->flags & F_MULTI)
				json_array_append_new(prev, val);
			else
				json_object_set_new(fs->values, f->name, val);
			free(v);
			continue;
		}
		const char *bad = NULL;
		if (f->type != FT_PASSWORD && thai_text_invisible(v))
			bad = "มีอักขระที่มองไม่เห็นหรืออักขระที่กลับทิศทางข้อความ (เช่น zero-width space) "
			      "กรุณาลบแล้วพิมพ์ใหม่ อย่าคัดลอกมาจากที่อื่น";
		else if ((f->flags & F_NAME) && thai_text_emoji(v))
			bad = "ต้องไม่มีอีโมจิหรือสัญลักษณ์รูปภาพ กรุณากรอกเฉพาะตัวอักษร"; /* "นามสกุล ต้อง…" */
		if (bad) {
			set_error(r, f->name, "%s %s", label, bad);
			json_t *val = json_string(v);
			if (f->flags & F_MULTI)
				json_array_append_new(prev, val);
			else
				json_object_set_new(fs->values, f->name, val);
			free(v);
			continue;
		}
		/* numbers typed with Thai digits (๐…๙) are the same numbers */
		if (f->type == FT_INT || f->type == FT_MONEY || f->type == FT_PHONE || f->type == FT_CITIZEN_ID ||
		    f->type == FT_DATE || f->type == FT_TIME) {
			struct buf ascii = BUF_INIT;
			thai_digits_ascii(v, &ascii);
			free(v);
			v = buf_detach(&ascii, NULL);
		}
		bad = check_value(r, f, v, &norm);
		if (!bad && f->pattern && !pattern_ok(f->pattern, buf_cstr(&norm)))
			bad = f->pattern_msg ? f->pattern_msg : "รูปแบบไม่ถูกต้อง";
		if (bad && *bad)
			set_error(r, f->name, "%s", bad);
		/* keep what was typed, so the form shows it again */
		json_t *val = json_string(bad ? v : buf_cstr(&norm));
		if (f->flags & F_MULTI)
			json_array_append_new(prev, val);
		else
			json_object_set_new(fs->values, f->name, val);
		free(v);
	}
	buf_release(&norm);
	for (const struct field *f = fs->fields; f && f->name; f++) {
		if (!(f->flags & F_REQUIRED) || json_object_get(fs->errors, f->name))
			continue;
		const char *label = f->label ? f->label : f->name;
		if (f->type == FT_FILE) {
			if (!form_file(r, f->name))
				set_error(r, f->name, "กรุณาแนบไฟล์ %s", label);
			continue;
		}
		json_t *v = json_object_get(fs->values, f->name);
		bool empty = !v || (json_is_string(v) && !*json_string_value(v)) || (json_is_array(v) && !json_array_size(v));
		if (empty)
			set_error(r, f->name, "%s%s", f->type == FT_CHOICE ? "กรุณาเลือก" : f->type == FT_CHECKBOX ? "กรุณายืนยัน" : "กรุณากรอก",
				  label);
	}
	return 0;
}

void form_cleanup(struct req *r)
{
	struct form_state *fs = &r->form;
	body_parser_free(fs->pp);
	struct form_part *p = fs->parts;
	while (p) {
		struct form_part *next = p->next;
		if (p->fd >= 0)
			close(p->fd);
		if (p->tmp_path)
			unlink(p->tmp_path); /* a kept file was renamed away already */
		free(p->tmp_path);
		free(p->filename);
		free(p->key);
		buf_release(&p->text);
		free(p);
		p = next;
	}
	free(fs->files);
	for (int i = 0; i < fs->nkept; i++)
		free(fs->kept[i]);
	free(fs->kept);
	json_decref(fs->values);
	json_decref(fs->typed);
	json_decref(fs->errors);
	json_decref(fs->changed);
	json_decref(fs->stale_sent);
	memset(fs, 0, sizeof *fs);
}

void form_kept_discard(struct req *r)
{
	for (int i = 0; i < r->form.nkept; i++)
		unlink(r->form.kept[i]);
}

/* --- what handlers use -------------------------------------------------- */

bool form_ok(struct req *r)
{
	return r->form.checked && !r->form.broken && json_object_size(r->form.errors) == 0;
}

const char *form_value(struct req *r, const char *name)
{
	json_t *v = json_object_get(r->form.values, name);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	const char *s = json_string_value(v);
	return s ? s : "";
}

long long form_int(struct req *r, const char *name)
{
	return num_ll_or(form_value(r, name), 0);
}

long long form_satang(struct req *r, const char *name)
{
	return num_ll_or(form_value(r, name), 0);
}

json_t *form_values(struct req *r, const char *name)
{
	json_t *v = json_object_get(r->form.values, name);
	return json_is_array(v) ? v : NULL;
}

const struct form_file *form_file(struct req *r, const char *name)
{
	for (int i = 0; i < r->form.nfiles; i++)
		if (!strcmp(r->form.files[i].field, name))
			return &r->form.files[i];
	return NULL;
}

int form_file_keep(struct req *r, const char *name, const char *dest, struct err *e)
{
	const struct form_file *ff = form_file(r, name);
	if (!ff)
		return err_set(e, 400, "ไม่พบไฟล์ที่แนบ");
	if (fault_now(FAULT_WRITE) ? (errno = ENOSPC, -1) : rename(ff->path, dest))
		return err_set(e, 500, "rename %s → %s: %s", ff->path, dest, strerror(errno));
	struct form_state *fs = &r->form;
	fs->kept = xreallocarray(fs->kept, (size_t)fs->nkept + 1, sizeof *fs->kept);
	fs->kept[fs->nkept++] = xstrdup(dest);
	/* the part's temp path is now dest's old name: nothing to remove */
	for (struct form_part *p = r->form.parts; p; p = p->next)
		if (p->tmp_path == ff->path) {
			free(p->tmp_path);
			p->tmp_path = NULL;
		}
	for (int i = 0; i < r->form.nfiles; i++)
		if (!strcmp(r->form.files[i].field, name))
			r->form.files[i].path = NULL;
	return 0;
}

long long form_version(struct req *r)
{
	const char *s = json_string_value(json_object_get(r->form.values, "_version"));
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || *end || v < 0 ? -1 : v;
}

static bool same_value(json_t *a, json_t *b)
{
	char x[32], y[32];
	const char *sa = json_string_value(a), *sb = json_string_value(b);
	if (json_is_integer(a))
		snprintf(x, sizeof x, "%lld", (long long)json_integer_value(a)), sa = x;
	if (json_is_integer(b))
		snprintf(y, sizeof y, "%lld", (long long)json_integer_value(b)), sb = y;
	return !strcmp(sa ? sa : "", sb ? sb : "");
}

void form_stale(struct req *r, const struct field *fields, json_t *current, long long changed_at, const char *what)
{
	struct buf when = BUF_INIT, msg = BUF_INIT;
	thai_datetime_short(&when, changed_at);
	buf_addf(&msg,
		 "%sนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ (เวลา %s) ข้อมูลที่ท่านส่งยังไม่ได้บันทึก "
		 "กรุณาตรวจสอบข้อมูลล่าสุดด้านล่างแล้วบันทึกอีกครั้ง",
		 what, buf_cstr(&when));
	if (!r->form.errors)
		r->form.errors = json_object();
	json_object_clear(r->form.errors);
	json_object_set_new(r->form.errors, "_form", json_string(buf_cstr(&msg)));
	buf_release(&when);
	buf_release(&msg);
	/* what differs between what was sent and the record now: the labels,
	 * so the person sees what to look at again */
	json_decref(r->form.changed);
	r->form.changed = json_array();
	json_decref(r->form.stale_sent);
	r->form.stale_sent = json_array();
	for (const struct field *f = fields; f && f->name && current; f++) {
		if (f->type == FT_FILE || f->type == FT_PASSWORD || f->type == FT_HIDDEN)
			continue;
		json_t *sent = r->form.values ? json_object_get(r->form.values, f->name) : NULL;
		if (!sent || json_is_array(sent))
			continue;
		if (!same_value(sent, json_object_get(current, f->name))) {
			const char *label = f->label ? f->label : f->name;
			json_array_append_new(r->form.changed, json_string(label));
			/* what the person typed is not lost: the message keeps it
			 * beside the form that shows what is stored now */
			json_t *typed = r->form.typed ? json_object_get(r->form.typed, f->name) : NULL;
			const char *v = json_string_value(json_is_string(typed) ? typed : sent);
			for (const struct choice *c = field_choices(f); v && c && c->value; c++)
				if (!strcmp(c->value, v)) {
					v = c->label; /* a choice as the person saw it */
					break;
				}
			if (v && *v)
				json_array_append_new(r->form.stale_sent, json_pack("{s:s, s:s}", "label", label, "value", v));
		}
	}
	/* the form shows the record as it is now, not what was typed */
	form_forget(r);
}

void form_forget(struct req *r)
{
	if (r->form.typed)
		json_object_clear(r->form.typed);
	if (r->form.values)
		json_object_clear(r->form.values);
}

void form_clear(struct req *r)
{
	form_forget(r);
	if (r->form.errors)
		json_object_clear(r->form.errors);
	json_decref(r->form.changed);
	r->form.changed = NULL;
	json_decref(r->form.stale_sent);
	r->form.stale_sent = NULL;
}

bool form_sent(struct req *r, const char *name)
{
	return r->form.values && json_object_get(r->form.values, name) != NULL;
}

void form_unsent_kept(struct req *r)
{
	struct form_state *fs = &r->form;
	if (!fs->errors)
		return;
	for (const struct field *f = fs->fields; f && f->name; f++)
		if ((f->flags & F_REQUIRED) && !form_sent(r, f->name) && !(f->type == FT_FILE && form_file(r, f->name)))
			json_object_del(fs->errors, f->name);
}

bool form_has_error(struct req *r, const char *name)
{
	return r->form.errors && json_object_get(r->form.errors, name) != NULL;
}

void form_error(struct req *r, const char *field, const char *msg)
{
	if (!r->form.errors)
		r->form.errors = json_object();
	json_object_set_new(r->form.errors, field && *field ? field : "_form", json_string(msg));
}

void form_error_err(struct req *r, const struct err *e)
{
	form_error(r, e->field, e->msg);
}

/* The HTML input type and the flags templates/partials/field.html reads. */
static const char *input_type(enum field_type t)
{
	switch (t) {
	case FT_EMAIL: return "email";
	case FT_PASSWORD: return "password";
	case FT_PHONE: return "tel";
	case FT_TIME: return "time";
	case FT_FILE: return "file";
	case FT_HIDDEN: return "hidden";
	default: return "text";
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

const char form_file_again_msg[] = "กรุณาแนบไฟล์อีกครั้ง: ระบบไม่เก็บไฟล์จากการส่งที่ไม่สำเร็จ";

json_t *form_model(struct req *r, const struct field *fields, json_t *values)
{
	json_t *m = json_object();
	json_t *list = json_array();
	json_t *vals = json_object();
	json_t *errs = r->form.errors ? json_deep_copy(r->form.errors) : json_object();
	for (const struct field *f = fields; f && f->name; f++) {
		json_t *fm = json_object();
		bool multi = f->type == FT_CHOICE && (f->flags & F_MULTI);
		json_object_set_new(fm, "name", json_string(f->name));
		json_object_set_new(fm, "label", json_string(f->label ? f->label : f->name));
		json_object_set_new(fm, "type", json_string(input_type(f->type)));
		json_object_set_new(fm, "is_textarea", json_boolean(f->type == FT_TEXTAREA));
		json_object_set_new(fm, "is_select", json_boolean(f->type == FT_CHOICE && !multi));
		json_object_set_new(fm, "is_checkboxes", json_boolean(multi));
		json_object_set_new(fm, "is_checkbox", json_boolean(f->type == FT_CHECKBOX));
		json_object_set_new(fm, "is_hidden", json_boolean(f->type == FT_HIDDEN));
		json_object_set_new(fm, "is_file", json_boolean(f->type == FT_FILE));
		json_object_set_new(fm, "required", json_boolean(f->flags & F_REQUIRED));
		bool texty = f->type != FT_FILE && f->type != FT_CHOICE && f->type != FT_CHECKBOX && f->type != FT_HIDDEN &&
			     f->type != FT_DATE && f->type != FT_TIME;
		json_object_set_new(fm, "maxlength",
				    texty ? json_integer(f->type == FT_CITIZEN_ID ? 17 : field_max(f)) : json_null());
		if (f->type == FT_DATE) {
			/* a text input in BE: the native picker speaks CE
			 * (mm/dd/yyyy) and needs JavaScript-free Thai nowhere */
			struct buf h = BUF_INIT;
			buf_adds(&h, "วว/ดด/ปปปป (พ.ศ.)");
			if (f->hint)
				buf_addf(&h, " — %s", f->hint);
			json_object_set_new(fm, "hint", json_string(buf_cstr(&h)));
			buf_release(&h);
		} else {
			json_object_set_new(fm, "hint", str_or_null(f->hint));
		}
		json_object_set_new(fm, "is_date", json_boolean(f->type == FT_DATE));
		/* a date's decimal keypad has the "." that the parser takes as
		 * well as "/" (a phone's numeric keypad has neither) */
		/* a G-code's "G" is not on a numeric keypad */
		const char *inputmode = f->type == FT_INT || (f->type == FT_CITIZEN_ID && !(f->flags & F_ALT_ID)) ? "numeric"
					: f->type == FT_MONEY || f->type == FT_DATE	 ? "decimal"
											 : NULL;
		json_object_set_new(fm, "inputmode", str_or_null(inputmode));
		const char *ac = f->type == FT_EMAIL ? "email" : f->type == FT_PHONE ? "tel" : NULL;
		json_object_set_new(fm, "autocomplete", str_or_null(ac));
		json_object_set_new(fm, "accept",
				    f->type != FT_FILE	    ? json_null()
				    : f->flags & F_TABLE ? json_string(".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
				    : f->flags & F_IMAGE ? json_string("image/png,image/jpeg,.png,.jpg,.jpeg")
							 : json_string("image/png,image/jpeg,application/pdf,.pdf,.png,.jpg,.jpeg"));
		json_object_set_new(fm, "max_bytes", f->type == FT_FILE ? json_integer(field_max(f)) : json_null());
		/* what the user typed comes back exactly as typed (never the
		 * normalised value: money in satang, a citizen ID without its
		 * dashes); only a field the request did not carry shows values */
		json_t *v = r->form.typed ? json_object_get(r->form.typed, f->name) : NULL;
		if (!v && r->form.values)
			v = json_object_get(r->form.values, f->name);
		if (!v && values)
			v = json_object_get(values, f->name);
		const char *sv = json_is_string(v) ? json_string_value(v) : "";
		char num[32];
		if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			sv = num;
		}
		if (f->type == FT_PASSWORD)
			sv = "";
		struct buf be = BUF_INIT;
		bool typed = r->form.typed && json_object_get(r->form.typed, f->name);
		if (f->type == FT_DATE && !typed && *sv) {
			thai_date_field(&be, sv); /* a stored ISO date shown in BE */
			sv = buf_cstr(&be);
		}
		if (f->type == FT_CHECKBOX)
			json_object_set_new(fm, "value", json_boolean(*sv && strcmp(sv, "0")));
		else
			json_object_set_new(fm, "value", json_string(sv));
		json_object_set_new(vals, f->name, json_string(sv));
		if (field_choices(f)) {
			json_t *cs = json_array();
			if (!multi)
				json_array_append_new(cs, json_pack("{s:s,s:s,s:b}", "value", "", "label", "— เลือก —", "selected", !*sv));
			for (const struct choice *c = field_choices(f); c->value; c++) {
				bool sel = false;
				if (json_is_array(v)) {
					size_t i;
					json_t *x;
					json_array_foreach(v, i, x) if (json_is_string(x) && !strcmp(json_string_value(x), c->value)) sel = true;
				} else {
					sel = !strcmp(sv, c->value);
				}
				json_array_append_new(cs, json_pack("{s:s,s:s,s:b}", "value", c->value, "label", c->label, "selected", sel));
			}
			json_object_set_new(fm, "choices", cs);
		} else {
			json_object_set_new(fm, "choices", json_null());
		}
		json_t *err = json_object_get(errs, f->name);
		json_object_set(fm, "error", err ? err : json_null());
		/* uploads of a refused submission are removed with the request
		 * (nothing of it is stored), so the form says at each file that
		 * came with it that it must be attached again */
		bool again = f->type == FT_FILE && !err && json_object_size(errs) > 0 && form_file(r, f->name);
		json_object_set_new(fm, "again", again ? json_string(form_file_again_msg) : json_null());
		json_array_append_new(list, fm);
		buf_release(&be);
	}
	json_object_set_new(m, "fields", list);
	json_object_set_new(m, "values", vals);
	json_object_set_new(m, "has_errors", json_boolean(json_object_size(errs) > 0));
	json_object_set_new(m, "error_count", json_integer((json_int_t)json_object_size(errs)));
	json_t *fe = json_object_get(errs, "_form");
	json_object_set(m, "form_error", fe ? fe : json_null());
	bool stale = r->form.changed != NULL;
	json_object_set_new(m, "stale", json_boolean(stale));
	json_object_set_new(m, "has_stale_changed", json_boolean(stale && json_array_size(r->form.changed)));
	json_object_set_new(m, "stale_changed", stale && json_array_size(r->form.changed) ? json_deep_copy(r->form.changed) : json_null());
	bool sent = stale && json_array_size(r->form.stale_sent);
	json_object_set_new(m, "has_stale_sent", json_boolean(sent));
	json_object_set_new(m, "stale_sent", sent ? json_deep_copy(r->form.stale_sent) : json_null());
	json_object_set_new(m, "errors", errs);
	return m;
}

const struct choice *field_choices(const struct field *f)
{
	return f->choices_fn ? f->choices_fn() : f->choices;
}

json_t *form_field(json_t *form, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		if (n && !strcmp(n, name))
			return f;
	}
	return NULL;
}

void form_select(json_t *form, const char *name, json_t *options, const char *empty_label)
{
	json_t *f = form_field(form, name);
	if (!f) {
		json_decref(options);
		return;
	}
	const char *v = json_string_value(json_object_get(f, "value"));
	v = v ? v : "";
	json_t *cs = json_array();
	json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", "", "label",
					    empty_label ? empty_label : "— เลือก —", "selected", !*v));
	size_t i;
	json_t *o;
	json_array_foreach(options, i, o)
	{
		const char *ov = json_string_value(json_object_get(o, "value"));
		json_t *c = json_deep_copy(o);
		json_object_set_new(c, "selected", json_boolean(!strcmp(ov ? ov : "", v)));
		json_array_append_new(cs, c);
	}
	json_decref(options);
	json_object_set_new(f, "is_select", json_true());
	json_object_set_new(f, "maxlength", json_null());
	json_object_set_new(f, "choices", cs);
}

json_t *form_schema(const struct field *fields)
{
	json_t *props = json_object(), *req = json_array();
	for (const struct field *f = fields; f && f->name; f++) {
		json_t *p = json_object();
		switch (f->type) {
		case FT_INT: json_object_set_new(p, "type", json_string("integer")); break;
		case FT_FILE:
			json_object_set_new(p, "type", json_string("string"));
			json_object_set_new(p, "format", json_string("binary"));
			break;
		default:
			json_object_set_new(p, "type", json_string("string"));
			json_object_set_new(p, "maxLength", json_integer(field_max(f)));
		}
		if (f->type == FT_DATE)
			json_object_set_new(p, "format", json_string("date"));
		if (f->type == FT_EMAIL)
			json_object_set_new(p, "format", json_string("email"));
		if (f->pattern) {
			/* anchored as the server checks it (pattern_ok): JSON
			 * Schema's pattern matches anywhere in the value */
			struct buf a = BUF_INIT;
			buf_addf(&a, "^(%s)$", f->pattern);
			json_object_set_new(p, "pattern", json_string(buf_cstr(&a)));
			buf_release(&a);
			/* an ID typed as digits is taken as a JSON number too */
			if (!strcmp(f->pattern, "[0-9]+"))
				json_object_set_new(p, "type", json_pack("[s, s]", "string", "integer"));
		}
		if (field_choices(f)) {
			json_t *en = json_array();
			for (const struct choice *c = field_choices(f); c->value; c++)
				json_array_append_new(en, json_string(c->value));
			json_object_set_new(p, "enum", en);
		}
		if (f->label)
			json_object_set_new(p, "title", json_string(f->label));
		json_object_set_new(props, f->name, p);
		if (f->flags & (F_REQUIRED | F_REQUIRED_NEW))
			json_array_append_new(req, json_string(f->name));
	}
	return json_pack("{s:s,s:o,s:o}", "type", "object", "properties", props, "required", req);
}
