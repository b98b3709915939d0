/* api: the /api/v1 registry, its answers and types, and the OpenAPI
 * document built from the registered routes (see api.h). */
#include "core/api.h"

#include <assert.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/http_internal.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/module.h"
#include "core/personal.h"
#include "core/router.h"
#include "core/thai.h"
#include "core/view.h"

/* --- errors --------------------------------------------------------------- */

const char *api_code_of(int status)
{
	switch (status) {
	case 400: return "invalid";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 408: return "timeout";
	case 409: return "conflict";
	case 413: return "too_large";
	case 414: return "uri_too_long";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 429: return "rate_limited";
	case 431: return "headers_too_large";
	case 503: return "unavailable";
	case 507: return "storage_full";
	default: return status >= 500 ? "server_error" : "error";
	}
}

json_t *api_error_body(int status, const char *code, const char *message, json_t *fields, const char *request_id)
{
	json_t *err = json_pack("{s:i, s:s, s:s, s:s}", "status", status, "code", code ? code : api_code_of(status),
				"message", message ? message : "", "request_id", request_id ? request_id : "");
	json_object_set_new(err, "fields", fields ? json_incref(fields) : json_object());
	return json_pack("{s:o}", "error", err);
}

static void respond(struct req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	struct buf b = BUF_INIT;
	buf_adds(&b, s ? s : "null");
	buf_addc(&b, '\n');
	free(s);
	size_t len;
	char *data = buf_detach(&b, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_finish(r, status, resp);
}

int api_error(struct req *r, int status, const char *code, const char *message, json_t *fields)
{
	if (status == 401)
		req_add_header(r, "WWW-Authenticate", "Bearer realm=\"khet\"");
	json_t *b = api_error_body(status, code, message, fields, r->id);
	json_decref(fields);
	respond(r, status, b);
	json_decref(b);
	return 0;
}

int api_err(struct req *r, const struct err *e)
{
	if (e->status <= 0 || e->status >= 500 || strstr(e->msg, "(SQL: ")) {
		log_error("req %s: %s %s: %s", r->id, r->method, r->path, e->msg);
		return api_error(r, e->status > 500 ? e->status : 500, NULL,
				 "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง", NULL);
	}
	json_t *fields = NULL;
	if (*e->field)
		fields = json_pack("{s:s}", e->field, e->msg);
	return api_error(r, e->status, NULL, e->msg, fields);
}

int api_not_found(struct req *r, const struct err *e, const char *message)
{
	return e->status >= 500 ? api_err(r, e) : api_error(r, 404, NULL, message, NULL);
}

/* --- answers -------------------------------------------------------------- */

/* X-5 for every API answer: the personal values an item or a list's
 * items carry (the convention of core/personal.h: a gcode, an e-mail, a
 * phone…; masked forms are "…_masked" and none) are what the caller read,
 * so they go to the personal hook for the audit trail as a page's shown
 * values do — the same row (personal.read, its fields and count, never the
 * values), named after the route ("api:GET /dmc/gcode/:gid"). A handler
 * that wrote its own personal.read row (the page's row for the record)
 * gets no second one (the hook knows). Nothing to do on a handler's part:
 * a resource that adds a personal field is audited by that alone. */
static void api_personal(struct req *r, json_t *answer)
{
	/* nothing would be kept (the caller is audited by no one): no walk */
	if (!view_personal_wanted(r))
		return;
	struct personal *p = personal_collect(answer);
	if (!p)
		return;
	personal_show_all(p);
	json_t *shown = personal_shown(p);
	const struct api_route *ar = api_route_of(r);
	char what[192];
	snprintf(what, sizeof what, "api:%s %s", r->method, ar ? ar->path : r->path);
	view_personal_report(r, what, shown);
	json_decref(shown);
	personal_free(p);
}

int api_item(struct req *r, int status, json_t *item)
{
	int st = status > 0 ? status : 200;
	if (st < 300)
		api_personal(r, item);
	respond(r, st, item);
	json_decref(item);
	return 0;
}

int api_record(struct req *r, int status, json_t *item, const char *path, long long id)
{
	if (status == 201) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, API_PREFIX "%s%lld", path, id);
		req_add_header(r, "Location", buf_cstr(&loc));
		buf_release(&loc);
	}
	return api_item(r, status, item);
}

/* Whether key (kl bytes) is one of the space-separated keys of list,
 * compared without a leading "-". */
static bool key_in(const char *list, const char *key, size_t kl)
{
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		size_t o = *p == '-';
		if (n > o && n - o == kl && !strncmp(p + o, key, kl))
			return true;
		p += n;
	}
	return false;
}

int api_page_parse(const char *page, const char *per_page, const char *sort, const char *allowed, struct api_page *pg,
		   struct err *e)
{
	memset(pg, 0, sizeof *pg);
	pg->page = 1;
	pg->per_page = API_PER_PAGE_DEFAULT;
	char *end;
	if (page) {
		long long v = strtoll(page, &end, 10);
		if (!*page || *end || v < 1 || v > 1000000000LL)
			return err_field(e, "page", "page ต้องเป็นจำนวนเต็มตั้งแต่ 1");
		pg->page = v;
	}
	if (per_page) {
		long long v = strtoll(per_page, &end, 10);
		if (!*per_page || *end || v < 1 || v > API_PER_PAGE_MAX)
			return err_field(e, "per_page", "per_page ต้องเป็นจำนวนเต็ม 1 ถึง %d", API_PER_PAGE_MAX);
		pg->per_page = v;
	}
	pg->offset = (pg->page - 1) * pg->per_page;
	static _Thread_local char key[64];
	if (sort) {
		bool desc = *sort == '-';
		const char *k = sort + desc;
		size_t kl = strlen(k);
		if (!allowed || !*allowed)
			return err_field(e, "sort", "รายการนี้เรียงลำดับตามที่กำหนดไว้เท่านั้น จึงไม่รับพารามิเตอร์ sort");
		if (!kl || kl >= sizeof key || !key_in(allowed, k, kl))
			return err_field(e, "sort", "sort ต้องเป็นหนึ่งใน: %s (ขึ้นต้นด้วย - เพื่อเรียงจากมากไปน้อย)", allowed);
		memcpy(key, k, kl + 1);
		pg->sort = key;
		pg->desc = desc;
	} else if (allowed && *allowed) {
		/* the default: the first declared key, as declared ("-created_at") */
		const char *p = allowed;
		while (*p == ' ')
			p++;
		pg->desc = *p == '-';
		p += pg->desc;
		size_t kl = strcspn(p, " ");
		snprintf(key, sizeof key, "%.*s", (int)(kl < sizeof key ? kl : sizeof key - 1), p);
		pg->sort = key;
	}
	return 0;
}

struct qcheck {
	const struct api_route *ar;
	struct req *r;
	char bad[80];
	char why[480];
};

static const struct api_param *param_of(const struct api_route *ar, const char *name)
{
	for (const struct api_param *p = ar->params; p && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* The parameter named in the error, cut to q->bad on a whole UTF-8
 * letter (a key cut inside a Thai letter made the error's JSON invalid,
 * and the caller was not told which parameter). */
static void bad_key(struct qcheck *q, const char *key)
{
	size_t n = strlen(key);
	if (n >= sizeof q->bad) {
		n = sizeof q->bad - 1;
		while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(q->bad, key, n);
	q->bad[n] = '\0';
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct qcheck *q = cls;
	if (q->bad[0])
		return MHD_NO;
	/* a list's own three; an item takes none of them */
	if (q->ar->list && (!strcmp(key, "page") || !strcmp(key, "per_page") || !strcmp(key, "sort")))
		return MHD_YES;
	const struct api_param *p = param_of(q->ar, key);
	/* a parameter declared for the path ("/docs/:kind") is no query's */
	for (int i = 0; p && q->r && i < q->r->nparams; i++)
		if (q->r->pnames[i] && !strcmp(q->r->pnames[i], key))
			p = NULL;
	if (!p) {
		bad_key(q, key);
		snprintf(q->why, sizeof q->why, "ไม่รู้จักพารามิเตอร์นี้");
		return MHD_NO;
	}
	const char *v = value ? value : "";
	bool ok = true;
	switch (p->type) {
	case AP_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		/* 99999999999999999999 is no number the handler could read
		 * (strtoll gives LLONG_MAX and says ERANGE) */
		ok = *v && !*end && n >= 0 && errno != ERANGE;
		if (!ok)
			snprintf(q->why, sizeof q->why, "ต้องเป็นจำนวนเต็ม");
		break;
	}
	case AP_DATE: {
		int y, m, d;
		ok = strlen(v) == 10 && v[4] == '-' && thai_parse_date(v, &y, &m, &d) == 0;
		if (!ok)
			snprintf(q->why, sizeof q->why, "ต้องเป็นวันที่แบบ ISO (YYYY-MM-DD)");
		break;
	}
	case AP_BOOL:
		ok = !strcmp(v, "true") || !strcmp(v, "false");
		if (!ok)
			snprintf(q->why, sizeof q->why, "ต้องเป็น true หรือ false");
		break;
	case AP_CHOICE:
		ok = false;
		for (const struct choice *c = p->choices; c && c->value && !ok; c++)
			ok = !strcmp(c->value, v);
		if (!ok) {
			/* the codes it takes, as many as fit */
			size_t n = (size_t)snprintf(q->why, sizeof q->why, "ต้องเป็นหนึ่งใน:");
			for (const struct choice *c = p->choices; c && c->value && n < sizeof q->why; c++) {
				if (n + strlen(c->value) + 8 >= sizeof q->why) {
					snprintf(q->why + n, sizeof q->why - n, " …");
					break;
				}
				n += (size_t)snprintf(q->why + n, sizeof q->why - n, "%s %s", c == p->choices ? "" : ",",
						      c->value);
			}
		}
		break;
	case AP_TEXT:
		ok = strlen(v) <= 200;
		if (!ok)
			snprintf(q->why, sizeof q->why, "ยาวเกิน 200 ตัวอักษร");
		break;
	}
	if (!ok)
		bad_key(q, key);
	return ok ? MHD_YES : MHD_NO;
}

int api_check_query(struct req *r)
{
	const struct api_route *ar = api_route_of(r);
	if (!ar || r->query_checked)
		return 0;
	struct qcheck q = {ar, r, {0}, {0}};
	if (r->conn)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
	if (q.bad[0]) {
		api_error(r, 400, "invalid_parameter", "พารามิเตอร์ของคำขอไม่ถูกต้อง", json_pack("{s:s}", q.bad, q.why));
		return -1;
	}
	r->query_checked = true;
	return 0;
}

int api_page(struct req *r, struct api_page *pg)
{
	const struct api_route *ar = api_route_of(r);
	if (api_check_query(r) < 0)
		return -1;
	struct err e = ERR_INIT;
	if (api_page_parse(req_query(r, "page"), req_query(r, "per_page"), req_query(r, "sort"), ar ? ar->sort : NULL,
			   pg, &e) < 0) {
		api_error(r, 400, "invalid_parameter", "พารามิเตอร์ของคำขอไม่ถูกต้อง", json_pack("{s:s}", e.field, e.msg));
		return -1;
	}
	return 0;
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;
	if (!strcmp(key, "page"))
		return MHD_YES;
	buf_add_urlenc(b, key);
	buf_addc(b, '=');
	buf_add_urlenc(b, value ? value : "");
	buf_addc(b, '&');
	return MHD_YES;
}

static void link_rel(struct buf *out, const char *base, long long page, const char *rel)
{
	if (out->len)
		buf_adds(out, ", ");
	buf_addf(out, "<%spage=%lld>; rel=\"%s\"", base, page, rel);
}

/* Link and X-Total-Count of a list's page */
static void list_headers(struct req *r, const struct api_page *pg, long long total)
{
	long long last = total > 0 ? (total + pg->per_page - 1) / pg->per_page : 1;
	struct buf base = BUF_INIT, link = BUF_INIT;
	buf_addf(&base, "%s?", r->path);
	if (r->conn)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &base);
	const char *b = buf_cstr(&base);
	link_rel(&link, b, 1, "first");
	if (pg->page > 1)
		link_rel(&link, b, pg->page - 1 < last ? pg->page - 1 : last, "prev");
	if (pg->page < last)
		link_rel(&link, b, pg->page + 1, "next");
	link_rel(&link, b, last, "last");
	req_add_header(r, "Link", buf_cstr(&link));
	char n[32];
	snprintf(n, sizeof n, "%lld", total);
	req_add_header(r, "X-Total-Count", n);
	buf_release(&base);
	buf_release(&link);
}

int api_list(struct req *r, const struct api_page *pg, json_t *items, long long total)
{
	list_headers(r, pg, total);
	json_t *body = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "page",
				 (json_int_t)pg->page, "per_page", (json_int_t)pg->per_page);
	return api_item(r, 200, body);
}

int api_list_rows(struct req *r, const struct api_page *pg, json_t *rows, long long total, json_t *(*item)(json_t *row))
{
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) json_array_append_new(items, item(x));
	json_decref(rows);
	return api_list(r, pg, items, total);
}

int api_raw_begin(struct api_raw *raw, struct db_res *res, const char *const *declared, struct err *e)
{
	memset(raw, 0, sizeof *raw);
	int ncols = db_ncols(res);
	for (int c = 0; c < ncols; c++) {
		const char *name = db_colname(res, c);
		if (!name || !personal_key(name))
			continue;
		bool listed = false;
		for (int i = 0; declared && declared[i] && !listed; i++)
			listed = !strcmp(declared[i], name);
		if (!listed)
			return err_set(e, 500,
				       "api: the list's column %s is personal data (core/personal.h) and not declared to "
				       "api_raw_begin: its reads would go unaudited",
				       name);
		if (raw->n == API_RAW_COLS)
			return err_set(e, 500, "api: more than %d personal columns in one list", API_RAW_COLS);
		raw->col[raw->n] = c;
		raw->name[raw->n++] = name;
	}
	raw->begun = true;
	return 0;
}

void api_raw_row(struct api_raw *raw, struct db_res *res)
{
	for (int i = 0; i < raw->n; i++) {
		if (db_isnull(res, raw->col[i]) || !*db_text(res, raw->col[i]))
			continue;
		if (!raw->shown)
			raw->shown = json_array();
		char path[96];
		snprintf(path, sizeof path, "items[].%s", raw->name[i]);
		json_array_append_new(raw->shown,
				      json_pack("{s:s, s:s}", "path", path, "value", db_text(res, raw->col[i])));
	}
}

void api_raw_release(struct api_raw *raw)
{
	json_decref(raw->shown);
	raw->shown = NULL;
}

int api_list_raw(struct req *r, const struct api_page *pg, struct buf *items, long long total, struct api_raw *raw)
{
	if (!raw || !raw->begun) {
		buf_release(items);
		if (raw)
			api_raw_release(raw);
		struct err e = ERR_INIT;
		err_set(&e, 500, "api: %s %s: a list written straight without api_raw_begin (X-5)", r->method, r->path);
		return api_err(r, &e);
	}
	if (raw->shown) {
		const struct api_route *ar = api_route_of(r);
		char what[192];
		snprintf(what, sizeof what, "api:%s %s", r->method, ar ? ar->path : r->path);
		view_personal_report(r, what, raw->shown);
		api_raw_release(raw);
	}
	list_headers(r, pg, total);
	struct buf b = BUF_INIT;
	buf_grow(&b, items->len + 80);
	buf_adds(&b, "{\"items\":");
	if (items->len)
		buf_add(&b, items->data, items->len);
	else
		buf_adds(&b, "[]");
	buf_adds(&b, ",\"total\":");
	buf_add_int(&b, total);
	buf_adds(&b, ",\"page\":");
	buf_add_int(&b, pg->page);
	buf_adds(&b, ",\"per_page\":");
	buf_add_int(&b, pg->per_page);
	buf_adds(&b, "}\n");
	buf_release(items);
	size_t len;
	char *data = buf_detach(&b, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_finish(r, 200, resp);
	return 0;
}

/* --- a page's write under the API ------------------------------------------ */

bool api_page_mode(struct req *r)
{
	return r->api_mode;
}

void api_page_redirected(struct req *r, const char *location)
{
	free(r->api_location);
	r->api_location = xstrdup(location);
}

void api_set_error_code(struct req *r, const char *code)
{
	r->err_code = code;
}

long long api_location_id(const char *location, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!location || strncmp(location, prefix, n))
		return -1;
	return strtoll(location + n, NULL, 10);
}

int api_call_page(struct req *r, handler_fn page, int (*result)(struct req *r, const char *location))
{
	r->api_mode = true;
	int rc = page(r);
	r->api_mode = false;
	if (r->api_location && !r->response)
		return result(r, r->api_location);
	if (!r->response)
		return api_error(r, 500, NULL, "ขออภัย ระบบขัดข้องชั่วคราว", NULL);
	return rc;
}

/* --- types ------------------------------------------------------------------ */

json_t *api_time(long long t)
{
	if (t <= 0)
		return json_null();
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	char out[32];
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, mo, d, h, mi, s);
	return json_string(out);
}

static inline void put_2d(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

/* Written into one local array and added at once (a list of 100 rows
 * writes 200 times: each was 14 buffer calls and a civil date); the date
 * part of the last two days met is kept per thread (a list row's
 * created_at and status_at fall on few days, often two different ones). */
void api_buf_time(struct buf *b, long long t)
{
	if (t <= 0) {
		buf_add(b, "null", 4);
		return;
	}
	static _Thread_local struct {
		long long day;
		char date[10];
	} seen[2] = {{-1, {0}}, {-1, {0}}};
	static _Thread_local int next;
	const long long t_max = 253402300799LL; /* thai_local clamps past 9999-12-31 */
	long long lt = t + 7 * 3600, day = lt / 86400;
	int secs = (int)(lt % 86400);
	const char *date;
	if (t <= t_max && seen[0].day == day) {
		date = seen[0].date;
	} else if (t <= t_max && seen[1].day == day) {
		date = seen[1].date;
	} else {
		int y, mo, d, h, mi, s, wd;
		thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
		if (y > 9999) {
			/* the last hours of 9999 UTC are year 10000 in Bangkok
			 * (written as api_time writes it; two digits of y / 100
			 * wrote ":0") */
			buf_addf(b, "\"%04d-%02d-%02dT%02d:%02d:%02d+07:00\"", y, mo, d, h, mi, s);
			return;
		}
		char *o = seen[next].date;
		put_2d(o, y / 100);
		put_2d(o + 2, y % 100);
		o[4] = '-';
		put_2d(o + 5, mo);
		o[7] = '-';
		put_2d(o + 8, d);
		seen[next].day = t <= t_max ? day : -1;
		date = o;
		next ^= 1;
		secs = h * 3600 + mi * 60 + s;
	}
	char o[27];
	o[0] = '"';
	memcpy(o + 1, date, 10);
	o[11] = 'T';
	put_2d(o + 12, secs / 3600);
	o[14] = ':';
	put_2d(o + 15, secs / 60 % 60);
	o[17] = ':';
	put_2d(o + 18, secs % 60);
	memcpy(o + 20, "+07:00\"", 7);
	buf_add(b, o, sizeof o);
}

void api_buf_enum(struct buf *b, const char *code, const char *label_th)
{
	buf_adds(b, "{\"code\":");
	jx_buf_str(b, code ? code : "");
	buf_adds(b, ",\"label_th\":");
	jx_buf_str(b, label_th ? label_th : "");
	buf_addc(b, '}');
}

json_t *api_money(long long satang)
{
	char out[32];
	long long a = satang < 0 ? -satang : satang;
	snprintf(out, sizeof out, "%s%lld.%02lld", satang < 0 ? "-" : "", a / 100, a % 100);
	return json_string(out);
}

json_t *api_enum(const char *code, const char *label_th)
{
	return json_pack("{s:s, s:s}", "code", code ? code : "", "label_th", label_th ? label_th : "");
}

json_t *api_date(const char *iso)
{
	return iso && *iso ? json_string(iso) : json_null();
}

/* --- the registry ------------------------------------------------------------- */

const struct api_route *api_route_of(struct req *r)
{
	if (!r->route || !(r->route->flags & ROUTE_API))
		return NULL;
	return r->route->data;
}

const void *api_route_data(struct req *r)
{
	const struct api_route *ar = api_route_of(r);
	return ar ? ar->data : NULL;
}

/* Built once at start from the module list, in static storage (a fixed
 * bound: exceeding it is the build's mistake, stopped at start). */
#define API_MODULES_MAX 32
#define API_ROUTES_MAX 512
#define API_PATH_MAX 128

static struct choice scope_list[2 * API_MODULES_MAX + 1];
static char scope_code[2 * API_MODULES_MAX][64];
static pthread_once_t scopes_once = PTHREAD_ONCE_INIT;

static void scopes_build(void)
{
	int k = 0;
	for (int i = 0; khet_modules[i]; i++) {
		const struct api_def *d = khet_modules[i]->api;
		if (!d)
			continue;
		if (k + 2 > 2 * API_MODULES_MAX) {
			log_error("api: more than %d modules with an API", API_MODULES_MAX);
			abort();
		}
		for (int w = 0; w < 2; w++) {
			snprintf(scope_code[k], sizeof scope_code[k], "%s:%s", d->module, w ? "write" : "read");
			/* only a scope some route asks for is offered: a
			 * "write" of a module that has no writes would show on
			 * the token form as a right that does nothing */
			bool asked = false;
			for (const struct api_route *a = d->routes; a->method && !asked; a++)
				asked = a->scope && !strcmp(a->scope, scope_code[k]);
			if (!asked)
				continue;
			/* the Thai label whole (a fixed array cut "…: อ่าน" and
			 * "…: บันทึก" of a long module name to the same text); kept
			 * for the life of the process */
			struct buf label = BUF_INIT;
			buf_addf(&label, "%s: %s", d->th, w ? "บันทึก" : "อ่าน");
			scope_list[k].value = scope_code[k];
			scope_list[k].label = xstrdup(buf_cstr(&label));
			buf_release(&label);
			k++;
		}
	}
	scope_list[k] = (struct choice){NULL, NULL};
}

const struct choice *api_scope_choices(void)
{
	pthread_once(&scopes_once, scopes_build);
	return scope_list;
}

/* The document and the reference page are the same for every caller and
 * for the life of the process (the route table is fixed at start), so each
 * is built once, on its first request, and its bytes are served from then
 * on: building them walked every route, parsed every schema and dumped the
 * whole tree on each request of two public pages. */
static json_t *docs_model(void);

static struct {
	pthread_once_t once;
	char *openapi;	       /* the document, JSON */
	size_t openapi_len;
	char *docs_json;       /* the reference page's model, JSON */
	size_t docs_json_len;
	char *docs_html;       /* its body (api/docs_body), HTML */
} built = {PTHREAD_ONCE_INIT};

static char *dump(json_t *j, size_t *len)
{
	char *s = json_dumps(j, JSON_COMPACT);
	struct buf b = BUF_INIT;
	buf_adds(&b, s ? s : "null");
	buf_addc(&b, '\n');
	free(s);
	return buf_detach(&b, len);
}

static void build_once(void)
{
	json_t *doc = api_openapi();
	built.openapi = dump(doc, &built.openapi_len);
	json_decref(doc);
	json_t *m = docs_model();
	built.docs_json = dump(m, &built.docs_json_len);
	struct buf html = BUF_INIT;
	struct err e = ERR_INIT;
	if (view_render_text("api/docs_body", m, &html, &e) < 0) {
		log_error("api: rendering the reference page: %s", e.msg);
		buf_reset(&html);
	}
	built.docs_html = buf_detach(&html, NULL);
	json_decref(m);
}

/* A copy of n bytes of src, for a response that owns its body. */
static char *copy_of(const char *src, size_t n)
{
	char *c = xmalloc(n ? n : 1);
	memcpy(c, src, n);
	return c;
}

static int openapi_json(struct req *r)
{
	pthread_once(&built.once, build_once);
	struct MHD_Response *resp = http_body_response(r, copy_of(built.openapi, built.openapi_len), built.openapi_len,
						       "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_finish(r, 200, resp);
	return 0;
}

static int docs_page(struct req *r)
{
	pthread_once(&built.once, build_once);
	if (req_wants_json(r)) {
		struct buf b = BUF_INIT;
		buf_add(&b, built.docs_json, built.docs_json_len);
		return view_bytes(r, 200, "application/json; charset=utf-8", &b, NULL);
	}
	/* the layout is the caller's (his menu, CSRF token); the body is built */
	return view_page(r, 200, "api/docs",
			 json_pack("{s:s, s:s}", "page_title", "Khet API v1", "body_html", built.docs_html));
}

static const struct route core_api_routes[] = {
    {"GET", API_PREFIX "/openapi.json", openapi_json, NULL, "api.openapi", ACCESS_PUBLIC, NULL, NULL, ROUTE_API},
    {"GET", API_PREFIX "/docs", docs_page, NULL, "api.docs", ACCESS_PUBLIC, NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0},
};
static const struct route_table core_api_table = {"core", core_api_routes};

int api_route_check(const struct api_route *a, struct err *e)
{
	if (!a->handler == !a->page)
		return err_set(e, 500, "needs a handler or a page, not both");
	if (!a->page)
		return 0;
	if (!a->answer || !a->id_from || !*a->id_from)
		return err_set(e, 500, "a page needs answer and id_from");
	size_t n = strlen(a->id_from);
	if (a->id_from[0] == '/')
		return a->id_from[n - 1] == '/' ? 0 : err_set(e, 500, "id_from %s: a prefix ends with /", a->id_from);
	for (const char *p = strchr(a->path, ':'); p; p = strchr(p + 1, ':'))
		if (!strncmp(p + 1, a->id_from, n) && (p[n + 1] == '/' || !p[n + 1]))
			return 0;
	return err_set(e, 500, "id_from %s: no such parameter in the path", a->id_from);
}

/* The handler of a route declared with page (api.h): the page's own
 * write, answered with the record its redirect or its path names. */
static const struct api_route *page_route(struct req *r)
{
	const struct api_route *ar = api_route_of(r);
	assert(ar && ar->page && ar->answer && ar->id_from); /* api_register made the route so */
	return ar;
}

static int page_answer(struct req *r, const char *location)
{
	const struct api_route *ar = page_route(r);
	long long id = ar->id_from[0] == '/' ? api_location_id(location, ar->id_from) : req_param_id(r, ar->id_from);
	return ar->answer(r, ar->status > 0 ? ar->status : 200, id);
}

static int page_write(struct req *r)
{
	return api_call_page(r, page_route(r)->page, page_answer);
}

static struct route route_pool[API_ROUTES_MAX + API_MODULES_MAX];
static char path_pool[API_ROUTES_MAX][API_PATH_MAX];
static struct route_table table_pool[API_MODULES_MAX];

void api_register(void)
{
	router_add(&core_api_table);
	int nr = 0, np = 0, nt = 0;
	for (int i = 0; khet_modules[i]; i++) {
		const struct api_def *d = khet_modules[i]->api;
		if (!d)
			continue;
		if (nt >= API_MODULES_MAX) {
			log_error("api: more than %d modules with an API", API_MODULES_MAX);
			abort();
		}
		struct route *rs = &route_pool[nr];
		for (const struct api_route *a = d->routes; a->method; a++) {
			if (np >= API_ROUTES_MAX || strlen(API_PREFIX) + strlen(a->path) >= API_PATH_MAX) {
				log_error("api: too many API routes, or %s too long", a->path);
				abort();
			}
			struct err e = ERR_INIT;
			if (api_route_check(a, &e) < 0) { /* the build's mistake */
				log_error("api: %s %s: %s", a->method, a->path, e.msg);
				abort();
			}
			snprintf(path_pool[np], API_PATH_MAX, "%s%s", API_PREFIX, a->path);
			route_pool[nr++] = (struct route){a->method, path_pool[np++], a->page ? page_write : a->handler,
							  a->body, NULL, ACCESS_SIGNED_IN, a->roles, a, ROUTE_API};
		}
		route_pool[nr++] = (struct route){NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0}; /* the table's end */
		table_pool[nt] = (struct route_table){khet_modules[i]->name, rs};
		router_add(&table_pool[nt++]);
	}
}

/* --- the OpenAPI document -------------------------------------------------------- */

/* "/oss/requests/:id" → "/api/v1/oss/requests/{id}", with the names of its
 * parameters appended to names. */
static void oa_path(const char *path, struct buf *out, json_t *names)
{
	buf_adds(out, API_PREFIX);
	for (const char *p = path; *p;) {
		if (*p == ':') {
			size_t n = strcspn(p + 1, "/");
			buf_addf(out, "{%.*s}", (int)n, p + 1);
			json_array_append_new(names, json_stringn(p + 1, n));
			p += n + 1;
		} else {
			buf_addc(out, *p++);
		}
	}
}

static json_t *error_schema(void)
{
	return json_loads("{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":{\"type\":\"object\","
			  "\"required\":[\"status\",\"code\",\"message\",\"fields\",\"request_id\"],\"properties\":{"
			  "\"status\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
			  "\"string\",\"description\":\"ข้อความภาษาไทย / Thai message\"},\"fields\":{\"type\":\"object\","
			  "\"additionalProperties\":{\"type\":\"string\"}},\"request_id\":{\"type\":\"string\"}}}}}",
			  0, NULL);
}

static json_t *param_schema(const struct api_param *p)
{
	switch (p->type) {
	case AP_INT: return json_pack("{s:s, s:i}", "type", "integer", "minimum", 0);
	case AP_DATE: return json_pack("{s:s, s:s}", "type", "string", "format", "date");
	case AP_BOOL: return json_pack("{s:s}", "type", "boolean");
	case AP_CHOICE: {
		json_t *en = json_array();
		for (const struct choice *c = p->choices; c && c->value; c++)
			json_array_append_new(en, json_string(c->value));
		return json_pack("{s:s, s:o}", "type", "string", "enum", en);
	}
	default: return json_pack("{s:s, s:i}", "type", "string", "maxLength", 200);
	}
}

static json_t *op_of(const struct api_def *d, const struct api_route *a, json_t *names)
{
	json_t *op = json_object();
	struct buf id = BUF_INIT, desc = BUF_INIT;
	buf_addf(&id, "%s_", a->method);
	for (const char *p = a->path; *p; p++)
		buf_addc(&id, (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_');
	json_object_set_new(op, "operationId", json_string(buf_cstr(&id)));
	json_object_set_new(op, "summary", json_string(a->en));
	buf_addf(&desc, "%s\n\n%s\n\nScope: `%s`", a->th, a->en, a->scope);
	if (a->roles && *a->roles)
		buf_addf(&desc, "; roles: `%s`", a->roles);
	json_object_set_new(op, "description", json_string(buf_cstr(&desc)));
	json_object_set_new(op, "tags", json_pack("[s]", d->module));
	json_object_set_new(op, "security", json_pack("[{s:[s]}, {s:[]}]", "bearer", a->scope, "cookie"));
	json_t *params = json_array();
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n)
	{
		/* a path parameter is a numeric id, unless the route declares it
		 * among its params (a choice of words: "/docs/:kind") */
		const struct api_param *pp = NULL;
		for (const struct api_param *p = a->params; p && p->name; p++)
			if (!strcmp(p->name, json_string_value(n)))
				pp = p;
		if (pp) {
			struct buf pd = BUF_INIT;
			buf_addf(&pd, "%s / %s", pp->th, pp->en);
			json_array_append_new(params, json_pack("{s:O, s:s, s:b, s:o, s:s}", "name", n, "in", "path",
								"required", 1, "schema", param_schema(pp), "description",
								buf_cstr(&pd)));
			buf_release(&pd);
			continue;
		}
		json_array_append_new(params, json_pack("{s:O, s:s, s:b, s:{s:s, s:i}, s:s}", "name", n, "in", "path",
							"required", 1, "schema", "type", "integer", "minimum", 1,
							"description", "รหัส (ตัวเลข) / numeric id"));
	}
	for (const struct api_param *p = a->params; p && p->name; p++) {
		bool in_path = false;
		json_array_foreach(names, i, n) in_path = in_path || !strcmp(p->name, json_string_value(n));
		if (in_path)
			continue;
		struct buf pd = BUF_INIT;
		buf_addf(&pd, "%s / %s", p->th, p->en);
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o, s:s}", "name", p->name, "in", "query",
							"required", 0, "schema", param_schema(p), "description",
							buf_cstr(&pd)));
		buf_release(&pd);
	}
	if (a->list) {
		json_array_append_new(params, json_pack("{s:s, s:s, s:{s:s, s:i}, s:s}", "name", "page", "in", "query",
							"schema", "type", "integer", "minimum", 1, "description",
							"หน้าที่ (เริ่ม 1) / page number, from 1"));
		json_array_append_new(params,
				      json_pack("{s:s, s:s, s:{s:s, s:i, s:i, s:i}, s:s}", "name", "per_page", "in", "query",
						"schema", "type", "integer", "minimum", 1, "maximum", API_PER_PAGE_MAX,
						"default", API_PER_PAGE_DEFAULT, "description",
						"จำนวนต่อหน้า (ไม่เกิน 200) / items per page (at most 200)"));
		if (a->sort && *a->sort) {
			json_t *en = json_array();
			const char *p = a->sort;
			while (*p) {
				while (*p == ' ')
					p++;
				size_t k = strcspn(p, " ");
				if (!k)
					break;
				const char *key = p + (*p == '-');
				size_t kl = k - (*p == '-');
				json_array_append_new(en, json_stringn(key, kl));
				struct buf d2 = BUF_INIT;
				buf_addf(&d2, "-%.*s", (int)kl, key);
				json_array_append_new(en, json_string(buf_cstr(&d2)));
				buf_release(&d2);
				p += k;
			}
			json_array_append_new(params, json_pack("{s:s, s:s, s:{s:s, s:o}, s:s}", "name", "sort", "in",
								"query", "schema", "type", "string", "enum", en,
								"description",
								"เรียงตาม (ขึ้นต้นด้วย - คือจากมากไปน้อย) / sort key, "
								"\"-\" for descending"));
		}
	}
	json_object_set_new(op, "parameters", params);
	if (a->body) {
		json_t *schema = form_schema(a->body);
		/* a PATCH sends what changes: what it leaves out keeps its value
		 * (form_unsent_kept), so no field of it is required */
		bool patch = !strcmp(a->method, "PATCH");
		if (patch)
			json_object_set_new(schema, "required", json_array());
		if (a->version) {
			/* the version of the record the write was made from */
			json_object_set_new(json_object_get(schema, "properties"), "_version",
					    json_pack("{s:s, s:i, s:s}", "type", "integer", "minimum", 1, "description",
						      "version ของข้อมูลที่อ่านมา (ข้อมูลเก่า: 409) / the version read "
						      "(a stale one is 409)"));
			if (a->version == API_VERSION_REQUIRED)
				json_array_append_new(json_object_get(schema, "required"), json_string("_version"));
		}
		json_t *content = json_object();
		json_object_set_new(content, "application/json", json_pack("{s:O}", "schema", schema));
		json_object_set_new(content, "multipart/form-data", json_pack("{s:O}", "schema", schema));
		json_decref(schema);
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content", content));
	}
	json_error_t je;
	json_t *item = json_loads(a->schema ? a->schema : "{\"type\":\"object\"}", 0, &je);
	if (!item) {
		log_error("api: the schema of %s %s is not JSON: %s", a->method, a->path, je.text);
		item = json_pack("{s:s}", "type", "object");
	}
	json_t *ok;
	if (a->list)
		ok = json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object",
			       "required", "items", "total", "page", "per_page", "properties", "items", "type", "array",
			       "items", item, "total", "type", "integer", "page", "type", "integer", "per_page", "type",
			       "integer");
	else
		ok = item;
	json_t *resp = json_object();
	char okcode[16];
	snprintf(okcode, sizeof okcode, "%d", a->status > 0 ? a->status : 200);
	bool binary = a->schema && strstr(a->schema, "\"binary\"");
	json_t *okr = json_pack("{s:s, s:{s:{s:o}}}", "description", a->list ? "รายการ / a page of the list" : "OK",
				"content", binary ? "application/octet-stream" : "application/json", "schema", ok);
	if (a->list)
		json_object_set_new(okr, "headers",
				    json_pack("{s:{s:s, s:{s:s}}, s:{s:s, s:{s:s}}}", "Link", "description",
					      "first, prev, next, last (RFC 8288)", "schema", "type", "string",
					      "X-Total-Count", "description", "จำนวนทั้งหมด / total count", "schema",
					      "type", "integer"));
	json_object_set_new(resp, okcode, okr);
	static const char *const errs[] = {"400", "401", "403", "404", "409", "422", "429"};
	for (size_t k = 0; k < sizeof errs / sizeof *errs; k++) {
		if ((!strcmp(errs[k], "409") || !strcmp(errs[k], "422")) && !a->body)
			continue;
		json_object_set_new(resp, errs[k],
				    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "ข้อผิดพลาด / error", "content",
					      "application/json", "schema", "$ref", "#/components/schemas/Error"));
	}
	json_object_set_new(op, "responses", resp);
	buf_release(&id);
	buf_release(&desc);
	return op;
}

json_t *api_openapi(void)
{
	json_t *paths = json_object(), *tags = json_array();
	for (int i = 0; khet_modules[i]; i++) {
		const struct api_def *d = khet_modules[i]->api;
		if (!d)
			continue;
		json_array_append_new(tags, json_pack("{s:s, s:s}", "name", d->module, "description", d->th));
		for (const struct api_route *a = d->routes; a->method; a++) {
			struct buf p = BUF_INIT;
			json_t *names = json_array();
			oa_path(a->path, &p, names);
			json_t *item = json_object_get(paths, buf_cstr(&p));
			if (!item) {
				item = json_object();
				json_object_set_new(paths, buf_cstr(&p), item);
			}
			char m[16];
			snprintf(m, sizeof m, "%s", a->method);
			for (char *c = m; *c; c++)
				*c = (char)(*c - 'A' + 'a');
			json_object_set_new(item, m, op_of(d, a, names));
			json_decref(names);
			buf_release(&p);
		}
	}
	json_t *doc = json_pack(
	    "{s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:{s:{s:o}, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}}", "openapi",
	    "3.1.0", "info", "title", "Khet API", "version", "1",
	    "description",
	    "API ของระบบ Khet สำหรับระบบอื่นของเขตพื้นที่ (เวลาเป็น ISO 8601 +07:00, วันที่ ISO, เงินเป็นบาทแบบข้อความ "
	    "\"35210.50\", รายการแบ่งหน้าด้วย page/per_page พร้อม Link และ X-Total-Count)\n\nThe Khet API for an "
	    "area's other systems: times ISO 8601 with +07:00, dates ISO, money as decimal baht strings, enums as "
	    "{code, label_th}, lists paged with page/per_page, Link and X-Total-Count. Authenticate with "
	    "`Authorization: Bearer khet_…` (a token an area admin creates at /areas/{id}/tokens).",
	    "tags", tags, "paths", paths, "components", "schemas", "Error", error_schema(), "securitySchemes", "bearer",
	    "type", "http", "scheme", "bearer", "description", "khet_… token", "cookie", "type", "apiKey", "in",
	    "cookie", "name", "khet_session");
	return doc;
}

/* A list of choices as "a, b, c" (the docs page). */
static void choices_text(const struct choice *c, struct buf *out)
{
	for (int k = 0; c && c->value; c++, k++)
		buf_addf(out, "%s%s", k ? ", " : "", c->value);
}

/* What a query parameter takes, in Thai and English (the docs page). */
static json_t *param_takes(const struct api_param *p)
{
	struct buf b = BUF_INIT;
	switch (p->type) {
	case AP_INT: buf_adds(&b, "จำนวนเต็ม / integer"); break;
	case AP_DATE: buf_adds(&b, "วันที่ ISO / date YYYY-MM-DD"); break;
	case AP_BOOL: buf_adds(&b, "true | false"); break;
	case AP_TEXT: buf_adds(&b, "ข้อความ ≤ 200 / text"); break;
	case AP_CHOICE:
		buf_adds(&b, "หนึ่งใน / one of: ");
		choices_text(p->choices, &b);
		break;
	}
	json_t *j = json_string(buf_cstr(&b));
	buf_release(&b);
	return j;
}

/* What a body field takes, in Thai and English (the docs page). */
static json_t *field_takes(const struct field *f)
{
	struct buf b = BUF_INIT;
	const struct choice *c = field_choices(f);
	if (c) {
		buf_adds(&b, (f->flags & F_MULTI) ? "รายการ (array) ของ / array of: " : "หนึ่งใน / one of: ");
		choices_text(c, &b);
	} else {
		switch (f->type) {
		case FT_INT: buf_adds(&b, "จำนวนเต็ม / integer"); break;
		case FT_MONEY: buf_adds(&b, "เงินบาท / baht \"35210.50\""); break;
		case FT_DATE: buf_adds(&b, "วันที่ / date: 2026-12-07 หรือ 07/12/2569"); break;
		case FT_TIME: buf_adds(&b, "เวลา / time HH:MM"); break;
		case FT_EMAIL: buf_adds(&b, "อีเมล / e-mail"); break;
		case FT_PHONE: buf_adds(&b, "โทรศัพท์ / phone 0812345678"); break;
		case FT_CITIZEN_ID: buf_adds(&b, "เลขประจำตัวประชาชน 13 หลัก / citizen ID"); break;
		case FT_CHECKBOX: buf_adds(&b, "true (ติ๊ก / checked) หรือไม่ส่ง / or absent"); break;
		case FT_FILE:
			buf_adds(&b, (f->flags & F_TABLE)   ? "ไฟล์ CSV หรือ XLSX (multipart) / file"
				     : (f->flags & F_IMAGE) ? "ไฟล์ภาพ png หรือ jpg (multipart) / image file"
							    : "ไฟล์ png, jpg หรือ pdf (multipart) / file");
			break;
		default: buf_addf(&b, "ข้อความ / text ≤ %lld", f->max > 0 ? f->max : 255LL);
		}
	}
	json_t *j = json_string(buf_cstr(&b));
	buf_release(&b);
	return j;
}

/* The reference page's model: the document itself, laid out for a
 * mustache template (no script, no outside service). */
static json_t *docs_model(void)
{
	json_t *doc = api_openapi();
	json_t *groups = json_array();
	for (int i = 0; khet_modules[i]; i++) {
		const struct api_def *d = khet_modules[i]->api;
		if (!d)
			continue;
		json_t *ops = json_array();
		for (const struct api_route *a = d->routes; a->method; a++) {
			json_t *params = json_array();
			for (const struct api_param *p = a->params; p && p->name; p++)
				json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:o}", "name", p->name, "th", p->th,
									"en", p->en, "takes", param_takes(p)));
			json_t *fields = json_array();
			for (const struct field *f = a->body; f && f->name; f++)
				json_array_append_new(fields, json_pack("{s:s, s:s, s:b, s:o}", "name", f->name, "label",
									f->label ? f->label : "", "required",
									(f->flags & (F_REQUIRED | F_REQUIRED_NEW)) != 0 &&
									    strcmp(a->method, "PATCH"),
									"takes",
									field_takes(f)));
			if (a->version)
				json_array_append_new(fields, json_pack("{s:s, s:s, s:b, s:s}", "name", "_version", "label",
									"version ของข้อมูลที่อ่านมา (ข้อมูลเก่า: 409)",
									"required", a->version == API_VERSION_REQUIRED, "takes",
									"จำนวนเต็ม / integer"));
			/* the sort keys it takes, the default first ("-key": descending) */
			struct buf sort = BUF_INIT;
			for (const char *q = a->sort; q && *q;) {
				while (*q == ' ')
					q++;
				size_t n = strcspn(q, " ");
				if (n)
					buf_addf(&sort, "%s%.*s", sort.len ? ", " : "", (int)n, q);
				q += n;
			}
			struct buf p = BUF_INIT;
			json_t *names = json_array();
			oa_path(a->path, &p, names);
			json_decref(names);
			/* the schema laid out to read */
			json_t *sj = json_loads(a->schema ? a->schema : "{}", 0, NULL);
			char *pretty = sj ? json_dumps(sj, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
			json_decref(sj);
			json_array_append_new(
			    ops, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:o, s:b, s:s, s:s, s:b}", "method",
					   a->method, "path", buf_cstr(&p), "th", a->th, "en", a->en, "scope", a->scope, "list",
					   a->list, "params", params, "has_params", json_array_size(params) > 0, "fields",
					   fields, "has_fields", a->body != NULL, "schema", pretty ? pretty : "{}", "sort",
					   buf_cstr(&sort), "has_sort", sort.len > 0));
			free(pretty);
			buf_release(&p);
			buf_release(&sort);
		}
		json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "module", d->module, "th", d->th, "ops", ops));
	}
	json_t *m = json_pack("{s:s, s:o, s:s}", "page_title", "Khet API v1", "groups", groups, "description",
			      jstr(json_object_get(doc, "info"), "description"));
	json_decref(doc);
	return m;
}
