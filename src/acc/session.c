/* session: who is asking. A session is a row of sessions named by the
 * SHA-256 of a 32-byte random token that only the browser holds (cookie
 * khet_session: HttpOnly, SameSite=Lax, Secure behind https), so instances
 * share sessions through the database and a copy of the database signs
 * nobody in. A new token is issued at sign-in and at every role switch, so
 * a token seen before either is worth nothing after it. The CSRF token of
 * a signed-in page is derived from the session token (csrf_for), so it is
 * bound to the session and rotates with it; a visitor's is his cookie's.
 * The cookie is __Host-khet_session when the base URL is https (http.h).
 *
 * The identify hook runs for every routed request, before the CSRF check,
 * the handler and its transaction. It reads the session, the user's status
 * and the active grant in ONE query (a cancelled user is refused on the
 * very next request, ACC-6) and enforces the idle (30 min) and absolute
 * (12 h) limits. The access hook then, after the CSRF check, applies the
 * route's access and roles: a visitor on a signed-in page is sent to
 * /signin (JSON clients get 401), a user whose active role is not in the
 * route's mask gets a Thai 403 page and an 'auth.denied' line in the audit
 * trail. last_seen is written at most once a minute: a write per request
 * would serialise SQLite's writers behind page views.
 *
 * The layout hook gives every HTML page the header's user (name, active
 * role, the roles to switch between) and a menu for the active role; it
 * reads the user's grants only then, so JSON answers and pages of visitors
 * cost no extra query.
 *
 * The personal hook writes the trail of staff reading personal data:
 * the view layer reports every page that printed someone's citizen ID,
 * e-mail or phone (core/personal.h), and a user in a role gets one
 * 'personal.read' row per such page, naming the page and the fields —
 * never the values. A user reading only his own data, a visitor, and a
 * page whose handler already wrote its own 'personal.read' row (with the
 * record it read as the target) add none.
 *
 * The scope helpers (acc_in_area, acc_for_school) are the one place that
 * says which area and school a grant reaches; the rules themselves are the
 * plain functions acc_grant_in_area / acc_grant_for_school. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/api.h"
#include "core/clock.h"
#include "core/cookie.h"
#include "core/ratelimit.h"
#include <strings.h>
#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/view.h"

#define COOKIE "khet_session"
#define TOKEN_CHARS 43 /* base64url of 32 bytes, no padding */

static long long idle_seconds = 1800;
static long long max_seconds = 12 * 3600;

struct acc_session {
	long long id;
	long long user_id;
	long long created_at;
	long long last_seen;
	char *display_name;
	bool has_grant;
	struct acc_grant grant;
	long long grants_version; /* users.grants_version (0103): keys the switcher cache */
	char *notice;	    /* told on this page: the active role was revoked */
	bool personal_read; /* this request wrote a personal.read row already */
	/* an API call with a bearer token (api_token.c) */
	long long token_id;	/* 0: a browser session */
	char *scopes;		/* its scopes, whole (never cut: a cut scope would be refused) */
	const char *bearer_bad; /* the token was refused: the code to answer 401 with */
};

static void session_free(void *p)
{
	struct acc_session *s = p;
	free(s->display_name);
	free(s->notice);
	free(s->scopes);
	free(s);
}

/* --- scope rules (pure) --------------------------------------------------- */

bool acc_grant_in_area(const struct acc_grant *g, long long area_id)
{
	if (!g || !g->scope)
		return false;
	if (g->scope == SCOPE_NATIONAL)
		return true;
	return area_id > 0 && g->area_id == area_id;
}

bool acc_grant_for_school(const struct acc_grant *g, long long school_id, long long school_area_id)
{
	if (!g || !g->scope || school_id <= 0)
		return false;
	if (g->scope == SCOPE_NATIONAL)
		return true;
	if (g->scope == SCOPE_SCHOOL)
		return g->school_id == school_id;
	return school_area_id > 0 && g->area_id == school_area_id;
}

bool acc_grant_allowed(const struct acc_grant *g, uint64_t roles)
{
	if (!roles)
		return true;
	return g && (g->bit & roles);
}

/* --- tokens ------------------------------------------------------------- */

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* --- the request's session ---------------------------------------------- */

static struct acc_session *cur(struct req *r)
{
	struct acc_session *s = req_get_ext(r);
	return s && !s->bearer_bad ? s : NULL;
}

static const char session_sql[] =
    "SELECT s.id, s.user_id, s.created_at, s.last_seen, u.status, u.title, u.first_name, u.last_name, "
    "g.id, g.role, g.area_id, g.school_id, g.work_group_id, g.module, g.service, s.grant_id, "
    "u.grants_version "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "LEFT JOIN grants g ON g.id = s.grant_id AND g.revoked_at IS NULL "
    "WHERE s.token_hash = $1";

/* A grant from columns id, role, area_id, school_id, work_group_id, module,
 * service starting at col. */
static void grant_from_row(struct acc_grant *g, long long user_id, struct db_res *res, int col)
{
	g->id = db_int(res, col);
	g->user_id = user_id;
	snprintf(g->role, sizeof g->role, "%s", db_text(res, col + 1));
	acc_grant_resolve(g);
	g->area_id = db_int(res, col + 2);
	g->school_id = db_int(res, col + 3);
	g->work_group_id = db_int(res, col + 4);
	snprintf(g->module, sizeof g->module, "%s", db_text(res, col + 5));
	snprintf(g->service, sizeof g->service, "%s", db_text(res, col + 6));
}

/* The session's active grant was revoked: that role ends at once. When the
 * user still holds the same role in the same unit through another grant
 * (an officer losing one of his services keeps the others, which the role
 * switcher shows as one entry) the session moves to it; else to his first
 * remaining role (a teacher who lost his officer role is a teacher again,
 * not a visitor without a role); else to none. The next page says so. */
static int session_regrant(struct db *db, struct acc_session *s, long long lost, struct err *e)
{
	static const char same_sql[] =
	    "SELECT g2.id, g2.role, g2.area_id, g2.school_id, g2.work_group_id, g2.module, g2.service "
	    "FROM grants g JOIN grants g2 ON g2.user_id = g.user_id AND g2.role = g.role "
	    "AND COALESCE(g2.area_id, 0) = COALESCE(g.area_id, 0) "
	    "AND COALESCE(g2.school_id, 0) = COALESCE(g.school_id, 0) AND g2.revoked_at IS NULL "
	    "WHERE g.id = $1 AND g.user_id = $2 ORDER BY g2.id LIMIT 1";
	static const char any_sql[] = "SELECT id, role, area_id, school_id, work_group_id, module, service FROM grants "
				      "WHERE user_id = $2 AND revoked_at IS NULL AND id <> $1 ORDER BY id LIMIT 1";
	struct db_res *res;
	int rc = 0;
	bool same = true;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		if (db_query(db, pass ? any_sql : same_sql, DB_ARGS(DB_INT(lost), DB_INT(s->user_id)), &res, e) < 0)
			return -1;
		rc = db_next(res, e);
		if (rc == 1)
			grant_from_row(&s->grant, s->user_id, res, 0);
		db_res_free(res);
		if (rc == 0)
			same = false;
	}
	if (rc < 0)
		return -1;
	/* what the user is told on his next page */
	json_t *old = db_row_json(db, "SELECT role, COALESCE(service, '') AS service FROM grants WHERE id = $1",
				  DB_ARGS(DB_INT(lost)), e);
	if (old) {
		const struct permission_def *p = module_permission_of(jstr(old, "role"), jstr(old, "service"));
		const char *was = p ? p->label : acc_role_label(jstr(old, "role"));
		struct buf b = BUF_INIT;
		if (rc == 1 && same)
			buf_addf(&b, "สิทธิ์%sของท่านถูกยกเลิกแล้ว สิทธิ์อื่นในบทบาทเดียวกันยังใช้งานได้", was ? was : "");
		else if (rc == 1)
			buf_addf(&b, "สิทธิ์%sของท่านถูกยกเลิกแล้ว ระบบเปลี่ยนบทบาทเป็น%sให้ท่าน", was ? was : "",
				 nz(acc_role_label(s->grant.role)));
		else
			buf_addf(&b, "สิทธิ์%sของท่านถูกยกเลิกแล้ว ขณะนี้ท่านใช้งานในฐานะผู้ใช้ทั่วไป", was ? was : "");
		free(s->notice);
		s->notice = buf_detach(&b, NULL);
		json_decref(old);
	}
	err_clear(e);
	if (rc == 0) /* no role left: the session says so once, then holds none */
		return db_exec(db, "UPDATE sessions SET grant_id = NULL WHERE id = $1", DB_ARGS(DB_INT(s->id)), e) < 0
			   ? -1
			   : 0;
	return db_exec(db, "UPDATE sessions SET grant_id = $2 WHERE id = $1", DB_ARGS(DB_INT(s->id), DB_INT(s->grant.id)),
		       e) < 0
		   ? -1
		   : 0;
}

/* The session's CSRF token: a keyed BLAKE2b of a fixed text under the
 * session's own secret token, so it is bound to the session without being
 * stored — a new session token (sign-in, role switch) makes a new CSRF
 * token, no other session can have it, and neither a copy of the database
 * (which holds only the token's SHA-256) nor the page that shows it tells
 * the session token. */
static void csrf_for(const char *token, char out[TOKEN_CHARS + 1])
{
	static const char what[] = "khet csrf v1";
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)what, sizeof what - 1, (const unsigned char *)token,
			   strlen(token));
	sodium_bin2base64(out, TOKEN_CHARS + 1, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void bind_csrf(struct req *r, const char *token)
{
	char csrf[TOKEN_CHARS + 1];
	csrf_for(token, csrf);
	req_csrf_bind(r, csrf);
}

/* The session cookie goes, and with it the session's CSRF token: the
 * browser is a visitor with a fresh one. */
static void clear_cookie(struct req *r)
{
	req_set_cookie(r, COOKIE, "", 0, true);
	req_csrf_bind(r, NULL);
}

/* Reads the session the cookie names. Returns 1 with *out, 0 for no valid
 * session (the cookie is cleared if there was one), -1 when the database
 * failed. */
static int session_load(struct req *r, struct acc_session **out)
{
	*out = NULL;
	const char *token = req_cookie(r, COOKIE);
	if (!token || !*token)
		return 0;
	if (!cookie_token_ok(token)) {
		clear_cookie(r);
		return 0;
	}
	struct db *db = req_db(r);
	if (!db)
		return -1;
	char hash[65];
	token_hash(token, hash);
	struct err e = ERR_INIT;
	struct db_res *res;
	if (db_query(db, session_sql, DB_ARGS(DB_TEXT(hash)), &res, &e) < 0) {
		log_error("req %s: session: %s", req_id(r), e.msg);
		return -1;
	}
	int rc = db_next(res, &e);
	if (rc <= 0) {
		db_res_free(res);
		if (rc < 0) {
			log_error("req %s: session: %s", req_id(r), e.msg);
			return -1;
		}
		clear_cookie(r);
		return 0;
	}
	long long now = (long long)time(NULL);
	struct acc_session *s = xcalloc(1, sizeof *s);
	s->id = db_int(res, 0);
	s->user_id = db_int(res, 1);
	s->created_at = db_int(res, 2);
	s->last_seen = db_int(res, 3);
	bool active = !strcmp(db_text(res, 4), "active");
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", db_text(res, 5), db_text(res, 6), db_text(res, 7));
	s->display_name = buf_detach(&name, NULL);
	if (!db_isnull(res, 8))
		grant_from_row(&s->grant, s->user_id, res, 8);
	long long lost = db_isnull(res, 8) && !db_isnull(res, 15) ? db_int(res, 15) : 0;
	s->grants_version = db_int(res, 16);
	db_res_free(res);
	if (!active || now - s->last_seen > idle_seconds || now - s->created_at > max_seconds) {
		/* expired or the user was cancelled: the row goes, the cookie too */
		if (db_exec(db, "DELETE FROM sessions WHERE id = $1", DB_ARGS(DB_INT(s->id)), &e) < 0)
			log_error("req %s: session delete: %s", req_id(r), e.msg);
		session_free(s);
		clear_cookie(r);
		return 0;
	}
	if (lost > 0 && session_regrant(db, s, lost, &e) < 0)
		log_error("req %s: session regrant: %s", req_id(r), e.msg);
	s->has_grant = s->grant.id > 0 && s->grant.bit != 0;
	long long touch = idle_seconds / 2 < 60 ? idle_seconds / 2 : 60;
	if (now - s->last_seen >= touch) {
		if (db_exec(db, "UPDATE sessions SET last_seen = $2 WHERE id = $1", DB_ARGS(DB_INT(s->id), DB_INT(now)),
			    &e) < 0)
			log_error("req %s: session touch: %s", req_id(r), e.msg);
		s->last_seen = now;
	}
	bind_csrf(r, token);
	*out = s;
	return 1;
}

static const char denied_msg[] = "คุณไม่มีสิทธิ์เข้าถึงหน้านี้ด้วยบทบาทที่ใช้อยู่ หากคุณมีบทบาทอื่นที่เกี่ยวข้อง ให้เปลี่ยนบทบาทที่ส่วนบนของหน้า "
				 "หรือขอสิทธิ์จากแอดมินเขต";

static void audit_denied(struct req *r, struct acc_session *s, const char *pattern)
{
	struct db *db = req_db(r);
	if (!db)
		return;
	json_t *detail =
	    json_pack("{s:s, s:s, s:s}", "method", req_method(r), "path", req_path(r), "route", pattern ? pattern : "");
	struct audit_entry a = {
	    .actor_user_id = s->user_id,
	    .actor_role = s->has_grant ? s->grant.role : "",
	    .area_id = s->has_grant ? s->grant.area_id : 0,
	    .ip = req_client_ip(r),
	    .action = "auth.denied",
	    .target_type = "route",
	    .target_id = 0,
	    .detail = detail,
	};
	struct err e = ERR_INIT;
	if (audit_add(db, &a, &e) < 0)
		log_error("req %s: audit auth.denied: %s", req_id(r), e.msg);
	json_decref(detail);
}

/* --- API tokens (issue 15.4; the pages are api_token.c) ------------------ */

static const char token_sql[] =
    "SELECT t.id, t.kind, t.user_id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at, u.status, u.title, "
    "u.first_name, u.last_name, g.id, g.role, g.area_id, g.school_id, g.work_group_id, g.module, g.service, "
    "t.role, t.role_area_id, t.role_school_id, t.role_service, t.name "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "LEFT JOIN grants g ON g.id = t.grant_id AND g.revoked_at IS NULL WHERE t.hash = $1";

/* The caller of an API route with `Authorization: Bearer khet_…`: the
 * session it acts as (1), a refused token (1 with s->bearer_bad set, so
 * the access hook answers 401), or -1 when the database failed. A personal
 * token acts as its owner in the grant it names, while that grant is
 * active; a service account in its own grant. Its use is written at most
 * once a minute (last_used_at and an 'api.token.use' audit row). */
static int token_load(struct req *r, const char *token, struct acc_session **out)
{
	struct acc_session *s = xcalloc(1, sizeof *s);
	*out = s;
	if (!acc_api_token_format_ok(token)) {
		s->bearer_bad = "invalid_token";
		return 1;
	}
	struct db *db = req_db(r);
	if (!db)
		return -1;
	char hash[65];
	acc_api_token_hash(token, hash);
	struct err e = ERR_INIT;
	struct db_res *res;
	if (db_query(db, token_sql, DB_ARGS(DB_TEXT(hash)), &res, &e) < 0) {
		log_error("req %s: token: %s", req_id(r), e.msg);
		return -1;
	}
	int rc = db_next(res, &e);
	if (rc <= 0) {
		db_res_free(res);
		if (rc < 0) {
			log_error("req %s: token: %s", req_id(r), e.msg);
			return -1;
		}
		s->bearer_bad = "invalid_token";
		return 1;
	}
	long long now = clock_now(r);
	s->token_id = db_int(res, 0);
	bool service = !strcmp(db_text(res, 1), "service");
	s->user_id = db_int(res, 2);
	s->scopes = xstrdup(db_text(res, 3));
	long long expires = db_int(res, 4), last_used = db_isnull(res, 6) ? 0 : db_int(res, 6);
	if (!db_isnull(res, 5))
		s->bearer_bad = "token_revoked";
	else if (expires <= now)
		s->bearer_bad = "token_expired";
	else if (strcmp(db_text(res, 7), "active"))
		s->bearer_bad = "invalid_token";
	struct buf name = BUF_INIT;
	if (service)
		buf_addf(&name, "%s", db_text(res, 22));
	else
		buf_addf(&name, "%s%s %s", db_text(res, 8), db_text(res, 9), db_text(res, 10));
	s->display_name = buf_detach(&name, NULL);
	s->created_at = s->last_seen = now;
	if (service) {
		s->grant.id = 0;
		s->grant.user_id = s->user_id;
		snprintf(s->grant.role, sizeof s->grant.role, "%s", db_text(res, 18));
		acc_grant_resolve(&s->grant);
		s->grant.area_id = db_int(res, 19);
		s->grant.school_id = db_int(res, 20);
		snprintf(s->grant.service, sizeof s->grant.service, "%s", db_text(res, 21));
		s->has_grant = s->grant.bit != 0;
	} else if (!db_isnull(res, 11)) {
		grant_from_row(&s->grant, s->user_id, res, 11);
		s->has_grant = s->grant.bit != 0;
	}
	db_res_free(res);
	if (s->bearer_bad)
		return 1;
	if (now - last_used >= 60) {
		long long n = db_exec(db,
				      "UPDATE api_tokens SET last_used_at = $2, last_used_ip = $3 WHERE id = $1 AND "
				      "(last_used_at IS NULL OR last_used_at <= $4)",
				      DB_ARGS(DB_INT(s->token_id), DB_INT(now), DB_TEXT(req_client_ip(r)), DB_INT(now - 60)),
				      &e);
		if (n == 1) {
			json_t *detail = json_pack("{s:s, s:s}", "method", req_method(r), "path", req_path(r));
			struct audit_entry a = {
			    .actor_user_id = s->user_id,
			    .actor_role = s->has_grant ? s->grant.role : "",
			    .area_id = s->has_grant ? s->grant.area_id : 0,
			    .ip = req_client_ip(r),
			    .action = "api.token.use",
			    .target_type = "api_token",
			    .target_id = s->token_id,
			    .detail = detail,
			};
			if (audit_add(db, &a, &e) < 0)
				log_error("req %s: audit api.token.use: %s", req_id(r), e.msg);
			json_decref(detail);
		} else if (n < 0) {
			log_error("req %s: token use: %s", req_id(r), e.msg);
		}
	}
	return 1;
}

/* The bearer token of an API request, NULL when there is none (a page
 * never takes one: only /api/v1 does). */
static const char *bearer_of(struct req *r)
{
	if (strncmp(req_path(r), API_PREFIX "/", sizeof API_PREFIX))
		return NULL;
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7))
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

static const char *bearer_message(const char *code)
{
	if (!strcmp(code, "token_revoked"))
		return "โทเคนนี้ถูกเพิกถอนแล้ว กรุณาขอโทเคนใหม่จากแอดมินเขต";
	if (!strcmp(code, "token_expired"))
		return "โทเคนนี้หมดอายุแล้ว กรุณาขอโทเคนใหม่จากแอดมินเขต";
	return "โทเคนไม่ถูกต้อง กรุณาตรวจสอบค่า Authorization: Bearer";
}

/* The per-token rate: calls are counted in core/ratelimit (shared by
 * every instance), but written once a second per token and process, not
 * once a call: a worker counts a token's calls of the current second here
 * (pending) and the first call of a later second writes them. A call is
 * refused when the stored calls of the last minute and this process's
 * pending ones reach the limit. At most a second of one process's calls
 * is lost when it stops. */
#define RATE_SLOTS 256
static struct rate_slot {
	long long token_id, second, pending;
} rate_slots[RATE_SLOTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

static void rate_key(long long token_id, char key[48])
{
	snprintf(key, 48, "api:token:%lld", token_id);
}

/* The calls of this second pending for token_id (*local); fills *flush
 * with what must be written first (flush->pending 0: nothing). */
static void rate_pending(long long token_id, long long now, long long *local, struct rate_slot *flush)
{
	memset(flush, 0, sizeof *flush);
	pthread_mutex_lock(&rate_lock);
	struct rate_slot *sl = &rate_slots[(unsigned long long)token_id % RATE_SLOTS];
	if (sl->token_id != token_id || sl->second != now) {
		*flush = *sl; /* another token's, or an earlier second's */
		sl->token_id = token_id;
		sl->second = now;
		sl->pending = 0;
	}
	*local = sl->pending;
	pthread_mutex_unlock(&rate_lock);
}

/* Counts an allowed call (a refused one does not count). */
static void rate_count(long long token_id, long long now)
{
	pthread_mutex_lock(&rate_lock);
	struct rate_slot *sl = &rate_slots[(unsigned long long)token_id % RATE_SLOTS];
	if (sl->token_id == token_id && sl->second == now)
		sl->pending++;
	pthread_mutex_unlock(&rate_lock);
}

/* The token may call the route: its scopes hold the route's, and it is
 * not over its rate (KHET_API_RATE calls a minute). 0, or 1 when refused
 * (answered). */
static long long api_rate = 1200;

static int token_access(struct req *r, struct acc_session *s, const struct route *route)
{
	const struct api_route *ar = (route->flags & ROUTE_API) ? route->data : NULL;
	if (!ar) /* the document itself is public; a page never takes a token */
		return route->access == ACCESS_PUBLIC ? 0 : (api_error(r, 401, "invalid_token", bearer_message(""), NULL), 1);
	if (!acc_api_scopes_allow(s->scopes, ar->scope)) {
		struct buf m = BUF_INIT;
		buf_addf(&m, "โทเคนนี้ไม่มีขอบเขต %s ที่จำเป็นสำหรับคำขอนี้", ar->scope);
		api_error(r, 403, "insufficient_scope", buf_cstr(&m), NULL);
		buf_release(&m);
		return 1;
	}
	struct db *db = req_db(r);
	if (!db) {
		api_error(r, 503, NULL, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง", NULL);
		return 1;
	}
	char key[48];
	long long now = clock_now(r), retry = 0, local = 0;
	struct rate_slot flush;
	rate_pending(s->token_id, now, &local, &flush);
	struct err e = ERR_INIT;
	if (flush.pending > 0) {
		rate_key(flush.token_id, key);
		if (ratelimit_hit_n(db, key, flush.second, flush.pending, &e) < 0)
			log_error("req %s: api rate: %s", req_id(r), e.msg);
	}
	rate_key(s->token_id, key);
	int rc = local >= api_rate ? 1 : ratelimit_check(db, key, (int)(api_rate - local), 60, now, &retry, &e);
	if (rc == 1) {
		char ra[24];
		snprintf(ra, sizeof ra, "%lld", retry > 0 ? retry : 60);
		req_add_header(r, "Retry-After", ra);
		api_error(r, 429, NULL, "เรียกใช้ด้วยโทเคนนี้ถี่เกินกำหนด กรุณารอแล้วลองใหม่", NULL);
		return 1;
	}
	if (rc < 0)
		log_error("req %s: api rate: %s", req_id(r), e.msg);
	rate_count(s->token_id, now);
	return 0;
}

/* Before the CSRF check: the session, whose token the forms must carry. */
static int identify_hook(struct req *r)
{
	struct acc_session *s = NULL;
	const char *bearer = bearer_of(r);
	if (bearer) {
		/* a script: the token alone says who calls, never a cookie */
		int rc = token_load(r, bearer, &s);
		if (rc < 0) {
			session_free(s);
			return -1;
		}
		req_set_ext(r, s, session_free);
		if (!s->bearer_bad)
			req_set_user(r, s->user_id);
		return 0;
	}
	int rc = session_load(r, &s);
	if (s) {
		req_set_ext(r, s, session_free);
		req_set_user(r, s->user_id);
	}
	return rc < 0 ? -1 : 0;
}

static int access_hook(struct req *r, const struct route *route, uint64_t roles)
{
	struct acc_session *s = req_get_ext(r);
	if (s && s->bearer_bad) {
		api_error(r, 401, s->bearer_bad, bearer_message(s->bearer_bad), NULL);
		return 1;
	}
	if (s && s->token_id && token_access(r, s, route))
		return 1;
	if (route->access == ACCESS_PUBLIC)
		return 0;
	if (!s) {
		if (route->flags & ROUTE_API) {
			/* a script without a token (or with another scheme, such
			 * as Basic): say what to send, not "sign in" */
			api_error(r, 401, "unauthorized",
				  "กรุณาส่งโทเคนในส่วนหัว Authorization: Bearer khet_… (แอดมินเขตสร้างโทเคนได้ที่หน้าโทเคน API "
				  "ของเขตพื้นที่) หรือเข้าสู่ระบบก่อน",
				  NULL);
			return 1;
		}
		if (req_wants_json(r)) {
			view_error(r, 401, "กรุณาเข้าสู่ระบบก่อนใช้งาน");
			return 1;
		}
		struct buf loc = BUF_INIT;
		buf_adds(&loc, "/signin?next=");
		struct buf here = BUF_INIT;
		req_here(r, &here);
		buf_add_urlenc(&loc, buf_cstr(&here));
		buf_release(&here);
		view_redirect(r, buf_cstr(&loc), NULL);
		buf_release(&loc);
		return 1;
	}
	if (!acc_grant_allowed(s->has_grant ? &s->grant : NULL, roles)) {
		audit_denied(r, s, route->pattern);
		view_error(r, 403, denied_msg);
		return 1;
	}
	return 0;
}

long long acc_api_token_id(struct req *r)
{
	struct acc_session *s = cur(r);
	return s ? s->token_id : 0;
}

/* --- the request's user, for handlers ------------------------------------- */

int acc_deny(struct req *r, const char *message)
{
	struct acc_session *s = req_get_ext(r);
	if (s)
		audit_denied(r, s, req_path(r));
	req_commit_on_error(r); /* in a transaction, the audit row must stay */
	return view_error(r, 403, message ? message : denied_msg);
}


long long acc_user_id(struct req *r)
{
	struct acc_session *s = cur(r);
	return s ? s->user_id : 0;
}

const struct acc_grant *acc_active_grant(struct req *r)
{
	struct acc_session *s = cur(r);
	return s && s->has_grant ? &s->grant : NULL;
}

long long acc_session_created(struct req *r)
{
	struct acc_session *s = cur(r);
	return s ? s->created_at : 0;
}

/* --- a secret shown once (the API token just made) ----------------------- */

/* The sealing key: the cookie's token, hashed with its own context (the
 * CSRF token is another hash of it), so only this browser can open it. */
static int reveal_key(struct req *r, unsigned char key[crypto_secretbox_KEYBYTES], struct err *e)
{
	struct acc_session *s = cur(r);
	const char *token = req_cookie(r, COOKIE);
	if (!s || s->token_id || !token || !cookie_token_ok(token))
		return err_set(e, 400, "ต้องเข้าสู่ระบบด้วยเบราว์เซอร์");
	static const char what[] = "khet reveal v1";
	crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)what, sizeof what - 1,
			   (const unsigned char *)token, strlen(token));
	return 0;
}

int acc_session_reveal_keep(struct req *r, struct db *db, const char *path, const char *secret, struct err *e)
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	if (reveal_key(r, key, e) < 0)
		return -1;
	/* path, a newline, the secret */
	size_t pl = strlen(path), sl = strlen(secret), ml = pl + 1 + sl;
	unsigned char *box = xcalloc(1, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + ml);
	unsigned char *msg = xcalloc(1, ml);
	memcpy(msg, path, pl);
	msg[pl] = '\n';
	memcpy(msg + pl + 1, secret, sl);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, msg, ml, box, key);
	size_t bl = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + ml;
	size_t el = sodium_base64_ENCODED_LEN(bl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *enc = xcalloc(1, el);
	sodium_bin2base64(enc, el, box, bl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(msg, ml);
	sodium_memzero(key, sizeof key);
	free(msg);
	free(box);
	long long n =
	    db_exec(db, "UPDATE sessions SET reveal = $2 WHERE id = $1", DB_ARGS(DB_INT(cur(r)->id), DB_TEXT(enc)), e);
	free(enc);
	return n < 0 ? -1 : 0;
}

int acc_session_reveal_take(struct req *r, struct db *db, const char *path, char *out, size_t outsz, struct err *e)
{
	*out = 0;
	struct acc_session *s = cur(r);
	if (!s || s->token_id)
		return 0;
	struct db_res *res;
	if (db_query(db, "SELECT reveal FROM sessions WHERE id = $1", DB_ARGS(DB_INT(s->id)), &res, e) < 0)
		return -1;
	int rc = db_next(res, e);
	char *enc = rc > 0 ? xstrdup(db_text(res, 0)) : NULL;
	db_res_free(res);
	if (rc <= 0 || !*enc) {
		free(enc);
		return rc < 0 ? -1 : 0;
	}
	unsigned char key[crypto_secretbox_KEYBYTES];
	size_t el = strlen(enc), bl = 0;
	unsigned char *box = xcalloc(1, el + 1);
	unsigned char *msg = xcalloc(1, el + 1);
	int found = 0;
	if (reveal_key(r, key, e) == 0 &&
	    sodium_base642bin(box, el, enc, el, NULL, &bl, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	    bl > crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES &&
	    crypto_secretbox_open_easy(msg, box + crypto_secretbox_NONCEBYTES, bl - crypto_secretbox_NONCEBYTES, box,
				       key) == 0) {
		size_t ml = bl - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, pl = strlen(path);
		/* another page's secret stays for that page */
		if (ml > pl + 1 && !memcmp(msg, path, pl) && msg[pl] == '\n' && ml - pl - 1 < outsz) {
			/* taken once: of two requests at once, one empties it */
			long long n = db_exec(db, "UPDATE sessions SET reveal = '' WHERE id = $1 AND reveal = $2",
					      DB_ARGS(DB_INT(s->id), DB_TEXT(enc)), e);
			if (n < 0)
				found = -1;
			else if (n == 1) {
				memcpy(out, msg + pl + 1, ml - pl - 1);
				out[ml - pl - 1] = 0;
				found = 1;
			}
		}
		sodium_memzero(msg, ml);
	} else {
		err_clear(e);
	}
	sodium_memzero(key, sizeof key);
	free(box);
	free(msg);
	free(enc);
	return found;
}

const char *acc_display_name(struct req *r)
{
	struct acc_session *s = cur(r);
	return s ? s->display_name : "";
}

bool acc_in_area(struct req *r, long long area_id)
{
	return acc_grant_in_area(acc_active_grant(r), area_id);
}

bool acc_for_school(struct req *r, long long school_id)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!g || school_id <= 0)
		return false;
	if (g->scope == SCOPE_NATIONAL || g->scope == SCOPE_SCHOOL)
		return acc_grant_for_school(g, school_id, 0);
	struct db *db = req_db(r);
	long long area = 0;
	struct err e = ERR_INIT;
	if (!db ||
	    db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(school_id)), &area, &e) < 1)
		return false;
	return acc_grant_for_school(g, school_id, area);
}

const char *acc_safe_next(const char *next, const char *def)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1000)
		return def;
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return def;
	return next;
}

/* --- starting and ending sessions ------------------------------------------ */

int acc_session_start(struct req *r, struct db *db, long long user_id, long long grant_id, long long created_at,
		      struct err *e)
{
	long long now = (long long)time(NULL);
	if (grant_id == 0) {
		int rc = db_int_value(
		    db, "SELECT id FROM grants WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id LIMIT 1",
		    DB_ARGS(DB_INT(user_id)), &grant_id, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			grant_id = -1;
	}
	unsigned char raw[32];
	char token[TOKEN_CHARS + 1], hash[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, hash);
	/* the user's sessions that ran out go now (the job sweeps the rest) */
	if (db_exec(db, "DELETE FROM sessions WHERE user_id = $1 AND (last_seen < $2 OR created_at < $3)",
		    DB_ARGS(DB_INT(user_id), DB_INT(now - idle_seconds), DB_INT(now - max_seconds)), e) < 0)
		return -1;
	if (db_exec(db,
		    "INSERT INTO sessions (token_hash, user_id, grant_id, created_at, last_seen, ip) "
		    "VALUES ($1, $2, $3, $4, $5, $6)",
		    DB_ARGS(DB_TEXT(hash), DB_INT(user_id), grant_id > 0 ? DB_INT(grant_id) : DB_NULL,
			    DB_INT(created_at > 0 ? created_at : now), DB_INT(now), DB_TEXT(req_client_ip(r))),
		    e) < 0)
		return -1;
	long long age = max_seconds - (now - (created_at > 0 ? created_at : now));
	req_set_cookie(r, COOKIE, token, age > 0 ? age : 1, true);
	/* the forms of the new session carry its own token from now on */
	bind_csrf(r, token);
	sodium_memzero(token, sizeof token);
	req_set_user(r, user_id); /* the access log names who signed in */
	return 0;
}

int acc_session_end(struct req *r, struct db *db, struct err *e)
{
	struct acc_session *s = cur(r);
	clear_cookie(r);
	if (!s)
		return 0;
	return db_exec(db, "DELETE FROM sessions WHERE id = $1", DB_ARGS(DB_INT(s->id)), e) < 0 ? -1 : 0;
}

/* --- the page header ------------------------------------------------------- */

/* The menus are the modules' menu entries (core/module.h), gathered once in
 * their order with each entry's role spec resolved to a mask. */
struct nav_item {
	const struct menu_def *def;
	uint64_t roles;
	json_t *label; /* def->label, made once and shared by every page's menu */
	bool area;     /* the href holds "{area}" */
};
struct nav_menu {
	struct nav_item *items;
	size_t n;
};
static struct nav_menu main_menu, admin_menu;
static pthread_once_t menus_once = PTHREAD_ONCE_INIT;

static void menu_gather(struct nav_menu *menu, bool admin)
{
	size_t cap = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct menu_def *d = admin ? khet_modules[i]->admin_menu : khet_modules[i]->menu; d && d->href;
		     d++)
			cap++;
	menu->items = xcalloc(cap ? cap : 1, sizeof *menu->items);
	for (int i = 0; khet_modules[i]; i++)
		for (const struct menu_def *d = admin ? khet_modules[i]->admin_menu : khet_modules[i]->menu; d && d->href;
		     d++) {
			/* insertion keeps the module order among equal orders */
			size_t at = menu->n;
			while (at > 0 && menu->items[at - 1].def->order > d->order)
				at--;
			memmove(&menu->items[at + 1], &menu->items[at], (menu->n - at) * sizeof *menu->items);
			menu->items[at].def = d;
			menu->items[at].roles = module_roles(d->roles);
			menu->items[at].label = json_string_nocheck(d->label);
			menu->items[at].area = strstr(d->href, "{area}") != NULL;
			menu->n++;
		}
}

static void menus_build(void)
{
	menu_gather(&main_menu, false);
	menu_gather(&admin_menu, true);
}

static bool nav_current(const char *path, const char *href)
{
	if (!strcmp(href, "/"))
		return !strcmp(path, "/");
	size_t n = strlen(href);
	return !strncmp(path, href, n) && (path[n] == 0 || path[n] == '/');
}

static json_t *nav_list(struct req *r, const struct acc_grant *g, const struct nav_menu *menu)
{
	json_t *nav = json_array();
	for (size_t i = 0; i < menu->n; i++) {
		const struct nav_item *it = &menu->items[i];
		bool show = g ? (!it->roles || (it->roles & g->bit)) : it->def->citizen;
		if (!show)
			continue;
		/* a module's count of waiting work (core/module.h menu_def.badge) */
		long long badge = 0;
		if (it->def->badge && it->def->badge(r, &badge) < 0)
			continue;
		/* built on every page: no json_pack (its format and UTF-8 checks
		 * of text the modules wrote), the label shared */
		const char *href = it->def->href;
		struct buf hb = BUF_INIT;
		if (it->area) {
			const char *p = strstr(href, "{area}");
			buf_add(&hb, href, (size_t)(p - href));
			buf_add_int(&hb, g ? g->area_id : 0);
			buf_adds(&hb, p + 6);
			href = buf_cstr(&hb);
		}
		json_t *item = json_object();
		json_object_set_new_nocheck(item, "href", json_string_nocheck(href));
		json_object_set_nocheck(item, "label", it->label);
		json_object_set_new_nocheck(item, "current", json_boolean(nav_current(req_path(r), href)));
		if (badge > 0)
			json_object_set_new_nocheck(item, "badge", json_integer(badge));
		json_array_append_new(nav, item);
		buf_release(&hb);
	}
	return nav;
}

static json_t *nav_for(struct req *r, const struct acc_grant *g)
{
	pthread_once(&menus_once, menus_build);
	return nav_list(r, g, &main_menu);
}

/* The admin row when the page is one of its items (or below one). */
static json_t *admin_nav_for(struct req *r, const struct acc_grant *g)
{
	if (!g)
		return NULL;
	pthread_once(&menus_once, menus_build);
	json_t *items = nav_list(r, g, &admin_menu);
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x)
	{
		if (json_is_true(json_object_get(x, "current")))
			return json_pack("{s:o}", "items", items);
	}
	json_decref(items);
	return NULL;
}

/* The role switcher's entries of the user's grants (acc_user_grants):
 * grants of one qualified role in one unit differ only in what part of the
 * role they give (an officer's services), and the modules read them
 * together, so they show as one entry that names the parts —
 * "เจ้าหน้าที่ผู้ให้บริการ (บัตรประจำตัว, จองห้องประชุม) · สพป.ยโสธร เขต 2" — and switching to it
 * activates the first of them; it is the active entry when any of its
 * grants is the session's.
 *
 * Reading and labelling the grants is a join and a dozen JSON objects per
 * page, the largest part of the header, for something that changes only
 * when the user's grants do: an instance keeps each user's entries as of
 * users.grants_version, which the session query reads on every request and
 * which triggers (migration 0103) change in the same transaction as every
 * change of his grants or of a name they show, whichever instance or tool
 * makes it. So the cache is never stale, only the labels are kept (not the
 * page), and it is bounded: one slot per user id modulo SW_SLOTS, a newer
 * version or another user replaces the slot. The MHD workers share it
 * under a mutex; an entry is immutable once made. */
struct sw_entry {
	char *label;
	long long *ids; /* the grants it stands for, the one switching activates first */
	size_t nids;
};
struct sw_list {
	long long user_id, version;
	size_t n;
	struct sw_entry *e;
};

#define SW_SLOTS 1024
static struct sw_list *sw_cache[SW_SLOTS];
static pthread_mutex_t sw_lock = PTHREAD_MUTEX_INITIALIZER;

static void sw_list_free(struct sw_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].label);
		free(l->e[i].ids);
	}
	free(l->e);
	free(l);
}

static struct sw_list *switcher_build(json_t *grants)
{
	json_t *out = json_array();   /* per entry: {label, ids, grant} */
	json_t *parts = json_array(); /* per entry: [qualifier…] of a group, or null */
	size_t i;
	json_t *x;
	json_array_foreach(grants, i, x)
	{
		json_t *id = json_object_get(x, "id");
		const struct role_def *d = module_role(jstr(x, "role"));
		bool qualified = d && (d->flags & ROLE_QUALIFIED);
		if (qualified) {
			size_t k;
			json_t *y;
			bool merged = false;
			json_array_foreach(out, k, y)
			{
				json_t *src = json_object_get(y, "grant");
				if (!json_is_array(json_array_get(parts, k)) || strcmp(jstr(src, "role"), jstr(x, "role")) ||
				    !json_equal(json_object_get(src, "area_id"), json_object_get(x, "area_id")) ||
				    !json_equal(json_object_get(src, "school_id"), json_object_get(x, "school_id")) ||
				    !json_equal(json_object_get(src, "work_group_id"), json_object_get(x, "work_group_id")))
					continue;
				json_array_append_new(json_array_get(parts, k), json_string(*jstr(x, "part") ? jstr(x, "part") : jstr(x, "service")));
				json_array_append(json_object_get(y, "ids"), id);
				merged = true;
				break;
			}
			if (merged)
				continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:[O], s:O}", "label", jstr(x, "label"), "ids", id, "grant", x));
		json_array_append_new(parts, qualified ? json_pack("[s]", *jstr(x, "part") ? jstr(x, "part") : jstr(x, "service")) : json_null());
	}
	struct sw_list *l = xcalloc(1, sizeof *l);
	l->n = json_array_size(out);
	l->e = xcalloc(l->n ? l->n : 1, sizeof *l->e);
	json_array_foreach(out, i, x)
	{
		json_t *p = json_array_get(parts, i);
		json_t *src = json_object_get(x, "grant");
		struct buf b = BUF_INIT;
		if (json_array_size(p) > 1) {
			buf_addf(&b, "%s (", jstr(src, "role_label"));
			size_t k;
			json_t *q;
			json_array_foreach(p, k, q) buf_addf(&b, "%s%s", k ? ", " : "", json_string_value(q));
			buf_adds(&b, ")");
			const char *where = jstr(src, "school_name");
			if (!*where)
				where = jstr(src, "work_group_name");
			if (!*where)
				where = jstr(src, "area_name");
			if (*where)
				buf_addf(&b, " · %s", where);
		} else {
			buf_adds(&b, jstr(x, "label"));
		}
		l->e[i].label = buf_detach(&b, NULL);
		json_t *ids = json_object_get(x, "ids");
		l->e[i].nids = json_array_size(ids);
		l->e[i].ids = xcalloc(l->e[i].nids ? l->e[i].nids : 1, sizeof *l->e[i].ids);
		for (size_t k = 0; k < l->e[i].nids; k++)
			l->e[i].ids[k] = json_integer_value(json_array_get(ids, k));
	}
	json_decref(out);
	json_decref(parts);
	return l;
}

/* [{id, label, active}] of the entries for the session's active grant g. */
static json_t *switcher_json(const struct sw_list *l, const struct acc_grant *g)
{
	json_t *roles = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct sw_entry *en = &l->e[i];
		bool active = false;
		for (size_t k = 0; g && k < en->nids; k++)
			active = active || en->ids[k] == g->id;
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "id", json_integer(en->ids[0]));
		json_object_set_new_nocheck(o, "label", json_string_nocheck(en->label));
		json_object_set_new_nocheck(o, "active", json_boolean(active));
		json_array_append_new(roles, o);
	}
	return roles;
}

/* The switcher of the session's user, from the cache when it holds his
 * current grants_version, else read, labelled and kept. */
static json_t *switcher_roles(struct req *r, struct acc_session *s, const struct acc_grant *g)
{
	size_t slot = (size_t)((unsigned long long)s->user_id % SW_SLOTS);
	json_t *roles = NULL;
	pthread_mutex_lock(&sw_lock);
	const struct sw_list *hit = sw_cache[slot];
	if (hit && hit->user_id == s->user_id && hit->version == s->grants_version)
		roles = switcher_json(hit, g);
	pthread_mutex_unlock(&sw_lock);
	if (roles)
		return roles;
	struct err e = ERR_INIT;
	struct db *db = req_db(r);
	json_t *grants = db ? acc_user_grants(db, s->user_id, &e) : NULL;
	if (!grants) {
		/* not kept: the next page tries again */
		log_error("req %s: grants: %s", req_id(r), e.msg);
		return json_array();
	}
	struct sw_list *l = switcher_build(grants);
	json_decref(grants);
	l->user_id = s->user_id;
	l->version = s->grants_version;
	roles = switcher_json(l, g);
	pthread_mutex_lock(&sw_lock);
	struct sw_list *old = sw_cache[slot];
	/* a request that read an older version than the slot's keeps its own */
	if (old && old->user_id == l->user_id && old->version > l->version) {
		old = l;
	} else {
		sw_cache[slot] = l;
	}
	pthread_mutex_unlock(&sw_lock);
	sw_list_free(old);
	return roles;
}

static void layout_hook(struct req *r, json_t *m)
{
	struct acc_session *s = cur(r);
	if (!s)
		return;
	const struct acc_grant *g = s->has_grant ? &s->grant : NULL;
	json_t *roles = switcher_roles(r, s, g);
	const char *active_label = "ผู้ใช้ทั่วไป";
	size_t i;
	json_t *x;
	json_array_foreach(roles, i, x) if (json_is_true(json_object_get(x, "active"))) active_label =
	    json_string_value(json_object_get(x, "label"));
	/* every page of a signed-in user: no json_pack, no second UTF-8 check
	 * of the labels (the switcher's, made once per grants_version) */
	json_t *user = json_object();
	json_object_set_new_nocheck(user, "display_name", jx_string(s->display_name));
	json_object_set_new_nocheck(user, "active_role_label", json_string_nocheck(active_label));
	json_object_set_new_nocheck(user, "multi_role",
				    json_boolean(json_array_size(roles) > 1 || (json_array_size(roles) == 1 && !g)));
	json_object_set_new_nocheck(user, "roles", roles);
	json_object_set_new_nocheck(m, "user", user);
	if (s->notice && !json_object_get(m, "flash"))
		json_object_set_new(m, "flash", json_pack("{s:s, s:s}", "kind", "error", "text", s->notice));
	json_object_set_new(m, "nav", nav_for(r, g));
	json_t *admin = admin_nav_for(r, g);
	if (admin)
		json_object_set_new(m, "admin_nav", admin);
}

void acc_note_personal_read(struct req *r)
{
	struct acc_session *s = cur(r);
	if (s)
		s->personal_read = true;
}

static bool same_text(json_t *a, const char *b)
{
	return b && *b && json_is_string(a) && !strcmp(json_string_value(a), b);
}

/* Who is audited for the personal data a page shows him: staff, that
 * is a user acting under a grant, on a page that did not write its own
 * personal.read row. A visitor or a citizen reading his own requests is
 * not, and the view layer then does not look for personal fields at all. */
static bool personal_wanted(struct req *r)
{
	struct acc_session *s = cur(r);
	return s && s->has_grant && !s->personal_read;
}

static void personal_hook(struct req *r, const char *tmpl, json_t *shown)
{
	struct acc_session *s = cur(r);
	if (!s || !personal_wanted(r))
		return;
	struct db *db = req_db(r);
	if (!db)
		return;
	struct err e = ERR_INIT;
	json_t *me = db_row_json(db, "SELECT email, phone, citizen_id FROM users WHERE id = $1",
				 DB_ARGS(DB_INT(s->user_id)), &e);
	const char *own[3] = {jstr(me, "email"), jstr(me, "phone"), jstr(me, "citizen_id")};
	json_t *fields = json_array();
	long long count = 0;
	size_t i;
	json_t *x;
	json_array_foreach(shown, i, x)
	{
		json_t *v = json_object_get(x, "value");
		if (same_text(v, own[0]) || same_text(v, own[1]) || same_text(v, own[2]))
			continue;
		count++;
		json_t *path = json_object_get(x, "path");
		bool listed = false;
		size_t j;
		json_t *y;
		json_array_foreach(fields, j, y) if (json_equal(y, path)) listed = true;
		if (!listed)
			json_array_append(fields, path);
	}
	json_decref(me);
	if (!count) {
		json_decref(fields);
		return;
	}
	struct buf here = BUF_INIT;
	req_here(r, &here);
	json_t *d = json_pack("{s:s, s:s, s:o, s:I}", "path", buf_cstr(&here), "template", tmpl, "fields", fields,
			      "count", (json_int_t)count);
	buf_release(&here);
	acc_audit_in(r, db, s->grant.area_id, s->user_id, "personal.read", "page", 0, d);
}

/* --- clean-up ------------------------------------------------------------- */

int acc_session_cleanup(struct db *db, struct err *e)
{
	long long now = (long long)time(NULL);
	if (db_exec(db, "DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2",
		    DB_ARGS(DB_INT(now - idle_seconds), DB_INT(now - max_seconds)), e) < 0)
		return -1;
	return db_exec(db, "DELETE FROM altcha_used WHERE expires_at < $1", DB_ARGS(DB_INT(now)), e) < 0 ? -1 : 0;
}

static long long env_seconds(const char *name, long long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || n < 1 || n > 30LL * 24 * 3600) {
		log_error("acc: %s=%s is not a number of seconds (1 … 2592000); using %lld", name, v, def);
		return def;
	}
	return n;
}

void acc_init(void)
{
	idle_seconds = env_seconds("KHET_SESSION_IDLE_SECONDS", 1800);
	max_seconds = env_seconds("KHET_SESSION_MAX_SECONDS", 12 * 3600);
	api_rate = env_seconds("KHET_API_RATE", 1200);
	http_set_identify_hook(identify_hook);
	http_set_access_hook(access_hook);
	view_set_layout_hook(layout_hook);
	view_set_personal_hook(personal_hook);
	view_set_personal_wanted(personal_wanted);
}
