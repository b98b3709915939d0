/* api_token: personal access tokens and service accounts for /api/v1
 * (issue 15.4). An area admin manages his area's on /areas/:id/tokens, a
 * super admin his own (national) ones on /admin/tokens: each has a name, a
 * kind, scopes (read/write per module, api_scope_choices) and an expiry
 * (required, at most a year); the token itself ("khet_" + 32 random bytes
 * in base64url) is shown once: a browser's POST answers 303 and the GET
 * after it shows the token, kept for that one showing sealed in the
 * session's row (acc_session_reveal_keep/take); a JSON client gets it in
 * the 201 answer to its POST. Only its
 * SHA-256 is stored (a high-entropy secret needs no slow hash: the lookup
 * is one index seek on api_tokens.hash). Revoking is at once. Who calls
 * with a token, and what it may call, is session.c's (identify and access
 * hooks); every use is audited there, one row per token per minute.
 *
 * A personal token acts as its owner in one of his grants in the area (the
 * role asked for, else his first), so it can do what he can do in that
 * role and its scopes allow, and nothing once the grant ends. A service
 * account acts in its own grant: an area role of the area (not one whose
 * part a module reads from a person's grants: an officer's services, a
 * KPI owner's work group), and the admin who made it answers for it in
 * the audit trail. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

/* --- the token and its scopes (pure) --------------------------------------- */

void acc_api_token_make(char out[ACC_API_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	memcpy(out, "khet_", 5);
	sodium_bin2base64(out + 5, ACC_API_TOKEN_CHARS + 1 - 5, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

bool acc_api_token_format_ok(const char *token)
{
	if (!token || strlen(token) != ACC_API_TOKEN_CHARS || strncmp(token, "khet_", 5))
		return false;
	for (const char *p = token + 5; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

void acc_api_token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

static bool has_word(const char *list, const char *w, size_t wl)
{
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && n == wl && !strncmp(p, w, wl))
			return true;
		p += n;
	}
	return false;
}

bool acc_api_scopes_allow(const char *scopes, const char *needed)
{
	if (!needed || !*needed)
		return true;
	size_t nl = strlen(needed);
	if (has_word(scopes, needed, nl))
		return true;
	/* module:write holds module:read */
	const char *colon = strchr(needed, ':');
	if (colon && !strcmp(colon, ":read")) {
		char w[64];
		int n = snprintf(w, sizeof w, "%.*s:write", (int)(colon - needed), needed);
		return n > 0 && (size_t)n < sizeof w && has_word(scopes, w, (size_t)n);
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int acc_api_scopes_join(json_t *values, struct buf *out, struct err *e)
{
	buf_reset(out);
	size_t n = json_array_size(values);
	if (!n)
		return err_field(e, "scopes", "กรุณาเลือกขอบเขตสิทธิ์อย่างน้อยหนึ่งรายการ");
	const char **v = xcalloc(n, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(values, i));
		bool known = false;
		for (const struct choice *c = api_scope_choices(); s && c->value && !known; c++)
			known = !strcmp(c->value, s);
		if (!known) {
			free(v);
			return err_field(e, "scopes", "ขอบเขตสิทธิ์ \"%s\" ไม่อยู่ในรายการ", s ? s : "");
		}
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(v[j], s);
		if (!dup)
			v[k++] = s;
	}
	qsort(v, k, sizeof *v, cmp_str);
	for (size_t i = 0; i < k; i++)
		buf_addf(out, "%s%s", i ? " " : "", v[i]);
	free(v);
	return 0;
}

/* --- the pages -------------------------------------------------------------- */

static const struct choice kind_choices[] = {
    {"personal", "โทเคนส่วนบุคคล: ทำงานในนามของผู้ใช้ ตามบทบาทของเขา"},
    {"service", "บัญชีบริการ: ระบบอื่นของเขตพื้นที่ ทำงานด้วยบทบาทของตนเอง"},
    {NULL, NULL},
};

/* every role has a bit of a 64-bit mask: at most 64 (module.h) */
static struct choice role_list[65];
static pthread_once_t roles_once = PTHREAD_ONCE_INIT;

static void roles_build(void)
{
	for (int i = 0; i < 64 && module_role_at(i); i++)
		role_list[i] = (struct choice){module_role_at(i)->code, module_role_at(i)->label};
}

static const struct choice *role_choices(void)
{
	pthread_once(&roles_once, roles_build);
	return role_list;
}

static const struct choice *scope_choices(void)
{
	return api_scope_choices();
}

static const struct field token_form[] = {
    {"name", "ชื่อโทเคน (ใช้กับระบบใด)", FT_TEXT, F_REQUIRED, 100},
    {"kind", "ประเภท", FT_CHOICE, F_REQUIRED, 0, 0, NULL, NULL, kind_choices},
    {"login", "ผู้ใช้ของโทเคนส่วนบุคคล (ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน)", FT_TEXT, 0, 100, 0, NULL, NULL, NULL,
     NULL, "เว้นว่างไว้คือตัวท่านเอง"},
    {"role", "บทบาท", FT_CHOICE, 0, 0, 0, NULL, NULL, NULL, role_choices,
     "โทเคนส่วนบุคคล: บทบาทของผู้ใช้ในเขตพื้นที่นี้ (เว้นว่างคือบทบาทแรก) · บัญชีบริการ: บทบาทของบัญชี"},
    {"scopes", "ขอบเขตสิทธิ์", FT_CHOICE, F_REQUIRED | F_MULTI, 0, 0, NULL, NULL, NULL, scope_choices,
     "บันทึก (write) รวมการอ่าน (read) ของระบบเดียวกัน"},
    {"expires", "วันหมดอายุ (ไม่เกิน 1 ปี)", FT_DATE, F_REQUIRED},
    {NULL},
};

static const char denied[] = "คุณไม่มีสิทธิ์จัดการโทเคน API ของเขตพื้นที่นี้ แอดมินเขตจัดการได้เฉพาะเขตพื้นที่ของตนเท่านั้น";

/* The area of the page (0: the super admin's /admin/tokens); -1 when the
 * request was answered (refused). */
static long long page_area(struct req *r)
{
	if (strncmp(req_path(r), "/admin/", 7) == 0) {
		const struct acc_grant *g = acc_active_grant(r);
		if (!acc_grant_is(g, "super_admin")) {
			acc_deny(r, "เฉพาะผู้ดูแลระบบ สพฐ. เท่านั้น");
			return -1;
		}
		return 0;
	}
	long long aid = req_param_id(r, "id");
	if (aid <= 0 || !acc_in_area(r, aid)) {
		acc_deny_in(r, aid, "area", aid, denied);
		return -1;
	}
	return aid;
}

static void base_url(long long aid, char out[64])
{
	if (aid)
		snprintf(out, 64, "/areas/%lld/tokens", aid);
	else
		snprintf(out, 64, "/admin/tokens");
}

static int page(struct req *r, long long aid, int status, const char *new_token)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	json_t *area = NULL;
	if (aid) {
		area = org_area_get(db, aid, &e);
		if (!area)
			return view_err(r, &e);
	}
	static const char cols[] =
	    "SELECT t.id, t.name, t.kind, t.prefix, t.scopes, t.role, t.role_service, t.expires_at, t.created_at, "
	    "t.last_used_at, t.last_used_ip, t.revoked_at, u.username, u.title || u.first_name || ' ' || u.last_name "
	    "AS owner_name, COALESCE(g.role, '') AS grant_role, COALESCE(g.service, '') AS grant_service "
	    "FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN grants g ON g.id = t.grant_id ";
	struct buf sql = BUF_INIT;
	buf_adds(&sql, cols);
	buf_adds(&sql, aid ? "WHERE t.area_id = $1 " : "WHERE t.area_id IS NULL AND $1 = 0 ");
	buf_adds(&sql, "ORDER BY t.id DESC LIMIT 500");
	json_t *rows = db_rows_json(db, buf_cstr(&sql), DB_ARGS(DB_INT(aid)), &e);
	buf_release(&sql);
	if (!rows) {
		json_decref(area);
		return view_err(r, &e);
	}
	long long now = clock_now(r);
	char base[64];
	base_url(aid, base);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		acc_add_time_text(x, "expires_at", "expires_text");
		acc_add_time_text(x, "created_at", "created_text");
		acc_add_time_text(x, "last_used_at", "last_used_text");
		acc_add_time_text(x, "revoked_at", "revoked_text");
		bool revoked = !json_is_null(json_object_get(x, "revoked_at")) && json_object_get(x, "revoked_at");
		bool expired = !revoked && jint(x, "expires_at") <= now;
		json_object_set_new(x, "revoked", json_boolean(revoked));
		json_object_set_new(x, "expired", json_boolean(expired));
		json_object_set_new(x, "active", json_boolean(!revoked && !expired));
		json_object_set_new(x, "service_account", json_boolean(!strcmp(jstr(x, "kind"), "service")));
		/* the scopes as the form named them ("One Stop Service: บันทึก"),
		 * not only their codes */
		json_t *labels = json_array();
		const char *sc = jstr(x, "scopes");
		for (const char *q = sc; *q;) {
			while (*q == ' ')
				q++;
			size_t n = strcspn(q, " ");
			const char *label = NULL;
			for (const struct choice *c = api_scope_choices(); n && c->value && !label; c++)
				if (strlen(c->value) == n && !strncmp(c->value, q, n))
					label = c->label;
			if (n) {
				struct buf one = BUF_INIT;
				buf_addf(&one, "%.*s", (int)n, q);
				json_array_append_new(labels, json_pack("{s:s, s:s}", "code", buf_cstr(&one), "label",
									label ? label : buf_cstr(&one)));
				buf_release(&one);
			}
			q += n;
		}
		json_object_set_new(x, "scope_labels", labels);
		const char *role = *jstr(x, "role") ? jstr(x, "role") : jstr(x, "grant_role");
		json_object_set_new(x, "role_label", json_string(*role ? nz(acc_role_label(role)) : "ผู้ใช้ทั่วไป"));
		char u[96];
		snprintf(u, sizeof u, "%s/%lld/revoke", base, jint(x, "id"));
		json_object_set_new(x, "revoke_url", json_string(u));
	}
	/* the default expiry: 90 days from today, in BE as the form shows dates */
	int y, mo, d, h, mi, sec, wd;
	thai_local(now + 90 * 86400LL, &y, &mo, &d, &h, &mi, &sec, &wd);
	char exp[48];
	snprintf(exp, sizeof exp, "%02d/%02d/%04d", d, mo, y + 543);
	/* the token made: the form for the next one starts empty, or the
	 * next token would silently take this one's scopes, user and role */
	if (new_token)
		form_forget(r);
	json_t *vals = json_pack("{s:s, s:s}", "expires", exp, "kind", "personal");
	json_t *form = form_model(r, token_form, vals);
	json_decref(vals);
	if (aid) {
		/* an area's token acts in a role of the area or of one of its
		 * schools: the national roles (OBEC's) are no choice here */
		json_t *opts = json_array();
		for (const struct choice *c = role_choices(); c->value; c++) {
			const struct role_def *rd = module_role(c->value);
			if (rd && rd->scope != SCOPE_NATIONAL)
				json_array_append_new(opts, json_pack("{s:s, s:s}", "value", c->value, "label", c->label));
		}
		form_select(form, "role", opts, NULL);
	}
	json_t *m = json_pack("{s:s, s:o, s:b, s:o, s:s, s:b}", "page_title", "โทเคน API", "tokens", rows, "has_tokens",
			      json_array_size(rows) > 0, "form", form, "create_url", base, "national", aid == 0);
	if (area)
		json_object_set_new(m, "area", area);
	if (new_token)
		json_object_set_new(m, "new_token", json_string(new_token));
	return view_page(r, status, "acc/api_tokens", m);
}

/* The page; right after a token was made (POST → 303 → here) it shows
 * that token, taken from the session where create_post kept it, so this
 * one GET shows it and a reload does not. */
static int list_get(struct req *r)
{
	long long aid = page_area(r);
	if (aid < 0)
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	char base[64], token[ACC_API_TOKEN_CHARS + 1];
	base_url(aid, base);
	struct err e = ERR_INIT;
	int got = acc_session_reveal_take(r, db, base, token, sizeof token, &e);
	if (got < 0)
		return view_err(r, &e);
	int out = page(r, aid, 200, got ? token : NULL);
	sodium_memzero(token, sizeof token);
	return out;
}

long long acc_api_token_owner_grant(struct db *db, long long user_id, long long aid, const char *role, struct err *e)
{
	long long gid = 0;
	int rc = db_int_value(db,
			      "SELECT id FROM grants WHERE user_id = $1 AND revoked_at IS NULL AND ($2 = 0 OR area_id = $2) "
			      "AND ($3 = '' OR role = $3) ORDER BY id LIMIT 1",
			      DB_ARGS(DB_INT(user_id), DB_INT(aid), DB_TEXT(role)), &gid, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (aid == 0 && !*role)
			return 0;
		err_clear(e);
		return err_field(e, *role ? "role" : "login",
				 *role ? "ผู้ใช้นี้ไม่มีบทบาทที่เลือกในเขตพื้นที่นี้" : "ผู้ใช้นี้ไม่มีบทบาทในเขตพื้นที่นี้");
	}
	return gid;
}

long long acc_api_token_store(struct db *db, const struct acc_api_token_new *t, char token[ACC_API_TOKEN_CHARS + 1],
			      struct err *e)
{
	char hash[65], prefix[16];
	acc_api_token_make(token);
	acc_api_token_hash(token, hash);
	snprintf(prefix, sizeof prefix, "%.12s", token);
	long long id = 0;
	int rc = db_int_value(
	    db,
	    "INSERT INTO api_tokens (hash, prefix, name, kind, user_id, grant_id, role, role_area_id, role_service, area_id, "
	    "scopes, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), $7, NULLIF($8, 0), $9, "
	    "NULLIF($10, 0), $11, $12, $13, $14) RETURNING id",
	    DB_ARGS(DB_TEXT(hash), DB_TEXT(prefix), DB_TEXT(t->name), DB_TEXT(t->service ? "service" : "personal"),
		    DB_INT(t->user_id), DB_INT(t->grant_id), DB_TEXT(t->service ? t->role : ""),
		    DB_INT(t->service ? t->area_id : 0), DB_TEXT(""), DB_INT(t->area_id), DB_TEXT(t->scopes),
		    DB_INT(t->expires_at), DB_INT(t->created_by), DB_INT(t->created_at)),
	    &id, e);
	if (rc < 0) {
		sodium_memzero(token, ACC_API_TOKEN_CHARS + 1);
		return -1;
	}
	return id;
}

static int create_post(struct req *r)
{
	long long aid = page_area(r);
	if (aid < 0)
		return 0;
	/* every field's own checks first, then the rules, so each error is
	 * named at once */
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long now = clock_now(r);
	/* the expiry: the end of the chosen day in Bangkok, within a year */
	long long expires = 0;
	if (!form_has_error(r, "expires")) {
		int y = 0, mo = 0, d = 0;
		sscanf(form_value(r, "expires"), "%d-%d-%d", &y, &mo, &d);
		expires = thai_from_local(y, mo, d, 23, 59, 59);
		if (expires <= now)
			form_error(r, "expires", "วันหมดอายุต้องเป็นวันนี้หรือหลังจากนี้");
		else if (expires > now + ACC_API_TOKEN_MAX_DAYS * 86400LL)
			form_error(r, "expires", "วันหมดอายุต้องไม่เกิน 1 ปีนับจากวันนี้");
	}
	struct buf scopes = BUF_INIT;
	if (!form_has_error(r, "scopes") && acc_api_scopes_join(form_values(r, "scopes"), &scopes, &e) < 0)
		form_error_err(r, &e);
	err_clear(&e);
	bool service = !strcmp(form_value(r, "kind"), "service");
	const char *role = form_value(r, "role");
	long long user_id = acc_user_id(r), gid = 0;
	if (!service) {
		const char *login = form_value(r, "login");
		if (*login) {
			char status[16], hash[128];
			int rc = acc_user_find_login(db, login, &user_id, status, hash, &e);
			if (rc < 0) {
				buf_release(&scopes);
				return view_err(r, &e);
			}
			if (rc == 0 || strcmp(status, "active"))
				form_error(r, "login", "ไม่พบผู้ใช้นี้ (หรือบัญชีถูกยกเลิกแล้ว)");
		}
		if (!form_has_error(r, "login") && (gid = acc_api_token_owner_grant(db, user_id, aid, role, &e)) < 0) {
			if (e.status >= 500) {
				buf_release(&scopes);
				return view_err(r, &e);
			}
			form_error_err(r, &e);
		}
	} else {
		const struct role_def *rd = *role ? module_role(role) : NULL;
		if (!rd)
			form_error(r, "role", "บัญชีบริการต้องมีบทบาท กรุณาเลือกบทบาท");
		else if (rd->scope != (aid ? SCOPE_AREA : SCOPE_NATIONAL))
			form_error(r, "role",
				   aid ? "บัญชีบริการของเขตพื้นที่ใช้ได้เฉพาะบทบาทระดับเขตพื้นที่" : "บัญชีบริการของ สพฐ. ใช้ได้เฉพาะบทบาทระดับประเทศ");
		else if (rd->flags & (ROLE_QUALIFIED | ROLE_WORK_GROUP))
			/* a module reads such a role's part (an officer's services, an
			 * owner's work group) from the person's own grants */
			form_error(r, "role", "บทบาทนี้ต้องเป็นของบุคคล ให้สร้างโทเคนส่วนบุคคลของผู้ที่ได้รับบทบาทนี้แทน");
	}
	if (!form_ok(r)) {
		buf_release(&scopes);
		return page(r, aid, 422, NULL);
	}
	char token[ACC_API_TOKEN_CHARS + 1];
	struct acc_api_token_new t = {.name = form_value(r, "name"), .service = service, .user_id = user_id,
				      .grant_id = gid, .role = role, .area_id = aid, .scopes = buf_cstr(&scopes),
				      .expires_at = expires, .created_by = acc_user_id(r), .created_at = now};
	long long id = acc_api_token_store(db, &t, token, &e);
	if (id < 0) {
		buf_release(&scopes);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "api.token.create", "api_token", id,
		     json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", form_value(r, "name"), "kind",
			       service ? "service" : "personal", "scopes", buf_cstr(&scopes), "user_id",
			       (json_int_t)user_id, "expires_at", (json_int_t)expires));
	buf_release(&scopes);
	int out;
	if (req_wants_json(r)) {
		/* a script: the answer itself is the token, 201 */
		out = page(r, aid, 201, token);
	} else {
		/* a browser: 303 to the page, which shows the token once (kept
		 * sealed in the session, never in the URL or a cookie), so a
		 * reload of that page re-posts nothing and shows it no more */
		char base[64];
		base_url(aid, base);
		out = acc_session_reveal_keep(r, db, base, token, &e) < 0 ? view_err(r, &e)
									  : view_redirect(r, base, NULL);
	}
	sodium_memzero(token, sizeof token);
	return out;
}

static int revoke_post(struct req *r)
{
	long long aid = page_area(r);
	if (aid < 0)
		return 0;
	long long tid = req_param_id(r, "tid");
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	long long now = clock_now(r);
	long long n = db_exec(db,
			      "UPDATE api_tokens SET revoked_at = $3, revoked_by = $4 WHERE id = $1 AND "
			      "COALESCE(area_id, 0) = $2 AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(tid), DB_INT(aid), DB_INT(now), DB_INT(acc_user_id(r))), &e);
	if (n < 0)
		return view_err(r, &e);
	if (n == 0)
		return view_error(r, 404, "ไม่พบโทเคนที่ใช้งานอยู่ตามที่ระบุ (อาจถูกเพิกถอนไปแล้ว)");
	acc_audit_in(r, db, aid, acc_user_id(r), "api.token.revoke", "api_token", tid, NULL);
	char base[64];
	base_url(aid, base);
	return view_redirect(r, base, "เพิกถอนโทเคนแล้ว ระบบที่ใช้โทเคนนี้จะเรียกใช้ไม่ได้อีกตั้งแต่บัดนี้");
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/areas/:id/tokens", list_get, NULL, "acc.tokens", ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/tokens", create_post, token_form, "acc.tokens", ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/tokens/:tid/revoke", revoke_post, NULL, "acc.tokens", ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/admin/tokens", list_get, NULL, "acc.tokens", ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/admin/tokens", create_post, token_form, "acc.tokens", ACCESS_SIGNED_IN, "super_admin"},
    {"POST", "/admin/tokens/:tid/revoke", revoke_post, NULL, "acc.tokens", ACCESS_SIGNED_IN, "super_admin"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_api_token_routes = {"acc", routes};
