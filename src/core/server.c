/* server: the HTTP server of `khet serve`. libmicrohttpd runs a pool of
 * worker threads on epoll; each request is handled wholly on one worker, so
 * each worker keeps its own database connection (a thread-local opened on
 * first use). A request goes: limits (URL, headers, body) → static asset,
 * /healthz or /metrics → router → body parsed against the route's declared
 * form → CSRF check on unsafe methods → handler inside one transaction for
 * unsafe methods → the response is queued only after the commit succeeded,
 * so a user never sees success for a write that was not stored.
 * Every request leaves one access-log line and feeds the metrics. On
 * SIGTERM/SIGINT the daemon stops accepting, lets in-flight requests finish
 * (up to 30 s) and closes. */
#include "core/num.h"
#include "core/server.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/api.h"
#include "core/assets.h"
#include "core/conns.h"
#include "core/db.h"
#include "core/fault.h"
#include "core/form.h"
#include "core/framing.h"
#include "core/gzip.h"
#include "core/http_internal.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/metrics.h"
#include "core/router.h"
#include "core/view.h"

#ifndef KHET_VERSION
#define KHET_VERSION "0.1.0"
#endif

static struct server_config cfg;
static struct http_settings settings;
static pthread_key_t db_key;
/* A write's browser reads the primary this long (a replica is normally
 * well under a second behind). */
#define REPLICA_FRESH_SECONDS 30
static atomic_long inflight;
static http_access_fn access_hook;
static http_identify_fn identify_hook;

void http_set_access_hook(http_access_fn fn)
{
	access_hook = fn;
}

void http_set_identify_hook(http_identify_fn fn)
{
	identify_hook = fn;
}

static bool https_base(void)
{
	return settings.base_url && strncmp(settings.base_url, "https:", 6) == 0;
}

const char *http_cookie_name(const char *name, struct buf *out)
{
	buf_reset(out);
	if (https_base())
		buf_adds(out, "__Host-");
	buf_adds(out, name);
	return buf_cstr(out);
}

const struct http_settings *http_settings(void)
{
	return &settings;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void db_destroy(void *p)
{
	db_close(p);
}

static pthread_key_t db_read_key;

/* The replica's connection of this thread; NULL (logged) when it cannot be
 * opened, and the caller reads the primary instead. */
static _Thread_local long long replica_retry_at; /* no try before (unix s) */

static struct db *replica_db(struct req *r)
{
	struct db *db = pthread_getspecific(db_read_key);
	if (db && !db_lost(db))
		return db;
	long long now = (long long)time(NULL);
	if (db) {
		/* a dead replica: the primary serves; a new try in 5 s */
		pthread_setspecific(db_read_key, NULL);
		db_close(db);
		replica_retry_at = now + 5;
		return NULL;
	}
	if (now < replica_retry_at)
		return NULL;
	struct err e = ERR_INIT;
	if (db_open(cfg.db_read_url, &db, &e) < 0) {
		log_error("req %s: read replica: %s (reading the primary)", r ? r->id : "-", e.msg);
		replica_retry_at = now + 5;
		return NULL;
	}
	pthread_setspecific(db_read_key, db);
	return db;
}

/* Whether this browser wrote something lately (the khet_wrote cookie,
 * set after each committed write): its pages read the primary. */
static bool wrote_lately(struct req *r)
{
	struct buf name = BUF_INIT;
	const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, http_cookie_name("khet_wrote", &name));
	buf_release(&name);
	long long t;
	return v && num_parse_ll(v, 0, LLONG_MAX, &t) == 0 && (long long)time(NULL) - t < REPLICA_FRESH_SECONDS;
}

struct db *req_db(struct req *r)
{
	if (r && r->use_replica) {
		struct db *rdb = replica_db(r);
		if (rdb)
			return rdb;
	}
	struct db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	struct err e = ERR_INIT;
	if (db_open(cfg.db_url, &db, &e) < 0) {
		log_error("req %s: database: %s", r ? r->id : "-", e.msg);
		return NULL;
	}
	pthread_setspecific(db_key, db);
	return db;
}

/* --- request accessors (http.h) ----------------------------------------- */

const char *req_param(struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->pnames[i], name) == 0)
			return r->pvalues[i];
	return "";
}

long long req_param_id(struct req *r, const char *name)
{
	const char *s = req_param(r, name);
	if (!*s || strlen(s) > 18)
		return -1;
	long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 0 ? v : -1;
}

struct here_ctx {
	struct buf *out;
	int n;
};

static enum MHD_Result here_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct here_ctx *h = cls;
	buf_addc(h->out, h->n++ ? '&' : '?');
	buf_add_urlenc(h->out, key);
	if (value) {
		buf_addc(h->out, '=');
		buf_add_urlenc(h->out, value);
	}
	return MHD_YES;
}

void req_here(struct req *r, struct buf *out)
{
	buf_adds(out, r->path ? r->path : "/");
	struct here_ctx h = {out, 0};
	if (r->conn)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, here_arg, &h);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

long long req_query_int(struct req *r, const char *name, long long def, long long min, long long max)
{
	const char *s = req_query(r, name);
	if (!s || !*s)
		return def;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return def;
	return v;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	struct buf n = BUF_INIT;
	const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, http_cookie_name(name, &n));
	buf_release(&n);
	return v;
}

const char *req_method(struct req *r)
{
	return r->method;
}

const char *req_path(struct req *r)
{
	return r->path;
}

void req_set_user(struct req *r, long long user_id)
{
	r->user_id = user_id;
}

const char *req_client_ip(struct req *r)
{
	return r->client_ip;
}

const char *req_id(struct req *r)
{
	return r->id;
}

const void *req_route_data(struct req *r)
{
	return r->route ? r->route->data : NULL;
}

bool req_wants_json(struct req *r)
{
	return r->wants_json;
}

const char *req_csrf(struct req *r)
{
	return r->csrf;
}

static void csrf_fresh(struct req *r)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(r->csrf, sizeof r->csrf, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	r->csrf_new = true;
}

void req_csrf_bind(struct req *r, const char *token)
{
	if (!token) {
		csrf_fresh(r);
		r->csrf_bound = false;
		r->csrf_cookie = false;
		return;
	}
	assert(strlen(token) < sizeof r->csrf);
	if (strcmp(r->csrf, token) != 0) {
		snprintf(r->csrf, sizeof r->csrf, "%s", token);
		r->csrf_new = true;
	}
	r->csrf_bound = true;
}

void *req_get_ext(struct req *r)
{
	return r->ext;
}

void req_set_ext(struct req *r, void *ext, void (*free_fn)(void *))
{
	if (r->ext && r->ext_free)
		r->ext_free(r->ext);
	r->ext = ext;
	r->ext_free = free_fn;
}

void req_commit_on_error(struct req *r)
{
	r->commit_on_error = true;
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	r->headers = xrealloc(r->headers, sizeof *r->headers * (size_t)(r->nheaders + 1));
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

void req_set_cookie(struct req *r, const char *name, const char *value, long long max_age, bool http_only)
{
	struct buf b = BUF_INIT;
	http_cookie_name(name, &b);
	buf_addf(&b, "=%s; Path=/; SameSite=Lax", value);
	if (max_age >= 0)
		buf_addf(&b, "; Max-Age=%lld", max_age);
	if (http_only)
		buf_adds(&b, "; HttpOnly");
	if (https_base())
		buf_adds(&b, "; Secure");
	req_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, buf_cstr(&b));
	buf_release(&b);
}

/* --- the answer ----------------------------------------------------------- */

void req_discard_answer(struct req *r, int nheaders)
{
	if (r->response)
		MHD_destroy_response(r->response);
	r->response = NULL;
	r->status = 0;
	r->commit_on_error = false;
	while (r->nheaders > nheaders) {
		r->nheaders--;
		free(r->headers[r->nheaders].name);
		free(r->headers[r->nheaders].value);
	}
}

void http_finish(struct req *r, int status, struct MHD_Response *resp)
{
	if (r->response)
		MHD_destroy_response(r->response);
	r->response = resp;
	r->status = status;
}

static void add_common_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				"font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
				"base-uri 'none'; object-src 'none'");
	/* behind https, browsers are told to come back only over https (a
	 * year; sub-domains are the office's own business) */
	if (https_base())
		MHD_add_response_header(resp, "Strict-Transport-Security", HTTP_HSTS);
	for (int i = 0; i < r->nheaders; i++) {
		/* a handler's Cache-Control replaces the view's default (the
		 * data calendar's feed may be cached 5 minutes): one header, not two */
		const char *old = MHD_get_response_header(resp, r->headers[i].name);
		if (old && !strcasecmp(r->headers[i].name, MHD_HTTP_HEADER_CACHE_CONTROL))
			MHD_del_response_header(resp, r->headers[i].name, old);
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	}
	/* a page is HTML or JSON by the Accept header: caches keep both */
	if (!MHD_get_response_header(resp, MHD_HTTP_HEADER_VARY))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept");
	if (r->csrf_new) {
		struct buf b = BUF_INIT;
		http_cookie_name("khet_csrf", &b);
		buf_addf(&b, "=%s; Path=/; SameSite=Lax; HttpOnly", r->csrf);
		if (https_base())
			buf_adds(&b, "; Secure");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, buf_cstr(&b));
		buf_release(&b);
	}
}

static enum MHD_Result queue(struct req *r)
{
	if (!r->response) {
		log_error("req %s: %s %s: handler gave no answer", r->id, r->method, r->path);
		view_error(r, 500, NULL);
	}
	add_common_headers(r, r->response);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, r->response);
	MHD_destroy_response(r->response);
	r->response = NULL;
	return ret;
}

struct MHD_Response *http_body_response(struct req *r, char *data, size_t len, const char *type)
{
	bool compressible = gzip_type_compressible(type);
	bool gz = false;
	if (compressible && len >= GZIP_MIN_BYTES &&
	    gzip_accepted(r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING)
				  : NULL)) {
		struct buf z = BUF_INIT;
		if (gzip_compress(data, len, &z) == 0) {
			free(data);
			data = buf_detach(&z, &len);
			gz = true;
		} else {
			buf_release(&z);
		}
	}
	r->resp_bytes = (long long)len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* every page is HTML or JSON by the Accept header */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, compressible ? "Accept, Accept-Encoding" : "Accept");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	return resp;
}

/* --- built-in routes ---------------------------------------------------- */

static void plain(struct req *r, int status, const char *type, struct buf *b)
{
	size_t len;
	char *data = buf_detach(b, &len);
	struct MHD_Response *resp = http_body_response(r, data, len, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_finish(r, status, resp);
}

/* Free bytes for Khet on the data folder's file system (-1: unknown), and
 * whether that is below --min-free-mb: a full disk refuses every write
 * (507, nothing half-stored) while reads go on, so the operator is told
 * before it happens. */
static long long data_free_bytes(void)
{
	struct statvfs v;
	if (!cfg.data_dir || statvfs(cfg.data_dir, &v) < 0)
		return -1;
	return (long long)v.f_bavail * (long long)v.f_frsize;
}

static bool disk_low(long long free_bytes)
{
	return free_bytes >= 0 && free_bytes < cfg.min_free_mb * 1024 * 1024;
}

static void healthz(struct req *r)
{
	struct buf b = BUF_INIT;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long one = 0;
	if (db && db_int_value(db, "SELECT 1", NULL, 0, &one, &e) == 1 && one == 1) {
		/* a low disk still serves (reads go on): 200, "degraded" */
		long long free_bytes = data_free_bytes();
		buf_addf(&b, "{\"status\":\"%s\",\"db\":\"%s\",\"disk_free_mb\":%lld%s}\n",
			 disk_low(free_bytes) ? "degraded" : "ok", db_kind(db) == DB_SQLITE ? "sqlite" : "postgres",
			 free_bytes < 0 ? -1 : free_bytes / (1024 * 1024), disk_low(free_bytes) ? ",\"disk\":\"low\"" : "");
		plain(r, 200, "application/json", &b);
	} else if (db && db_lost(db)) {
		/* the server went away and the worker is trying again (db.h) */
		log_error("healthz: database connection lost, reconnecting: %s", e.msg);
		buf_adds(&b, "{\"status\":\"degraded\",\"db\":\"reconnecting\"}\n");
		req_add_header(r, "Retry-After", "5");
		plain(r, 503, "application/json", &b);
	} else {
		log_error("healthz: database check failed: %s", e.msg[0] ? e.msg : "cannot open");
		buf_adds(&b, "{\"status\":\"error\",\"db\":\"unreachable\"}\n");
		plain(r, 503, "application/json", &b);
	}
}

/* /metrics tells request counts, routes and latencies: for the operator's
 * scraper, not for anyone who reaches Khet — a loopback client (after
 * --trust-proxy, the real client behind nginx) or one with the configured
 * bearer token. */
static bool metrics_allowed(struct req *r)
{
	if (cfg.metrics_token && *cfg.metrics_token) {
		const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
		size_t n = strlen(cfg.metrics_token);
		return h && !strncmp(h, "Bearer ", 7) && strlen(h + 7) == n && sodium_memcmp(h + 7, cfg.metrics_token, n) == 0;
	}
	const char *ip = req_client_ip(r);
	return ip && (!strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncmp(ip, "::ffff:127.", 11));
}

/* Which build is running, as a constant 1 with labels (the Prometheus
 * convention), and since when. */
static time_t started_at;

static void build_info(struct buf *b, struct db *db)
{
	buf_addf(b,
		 "# HELP khet_build_info The running build: version, libraries, database engine.\n"
		 "# TYPE khet_build_info gauge\n"
		 "khet_build_info{version=\"%s\",libmicrohttpd=\"%s\",jansson=\"%s\",compiler=\"%s\",engine=\"%s\"} 1\n"
		 "# HELP khet_start_time_seconds When this process started serving (unix seconds).\n"
		 "# TYPE khet_start_time_seconds gauge\nkhet_start_time_seconds %lld\n",
		 KHET_VERSION, MHD_get_version(), JANSSON_VERSION, __VERSION__,
		 db ? (db_kind(db) == DB_SQLITE ? "sqlite" : "postgres") : "unknown", (long long)started_at);
}

static void metrics(struct req *r)
{
	if (!metrics_allowed(r)) {
		view_error(r, 403, "หน้านี้สำหรับผู้ดูแลระบบเท่านั้น (เปิดได้จากเครื่องเซิร์ฟเวอร์ หรือด้วยโทเคนที่กำหนดใน KHET_METRICS_TOKEN)");
		return;
	}
	struct buf b = BUF_INIT;
	metrics_write(&b, atomic_load(&inflight));
	buf_addf(&b,
		 "# HELP khet_connections_open Client connections open now.\n# TYPE khet_connections_open gauge\n"
		 "khet_connections_open %ld\n"
		 "# HELP khet_header_timeouts_total Connections closed because a request's headers took too long.\n"
		 "# TYPE khet_header_timeouts_total counter\nkhet_header_timeouts_total %llu\n"
		 "# HELP khet_body_timeouts_total Requests answered 408 because their body came slower than --body-min-rate.\n"
		 "# TYPE khet_body_timeouts_total counter\nkhet_body_timeouts_total %llu\n"
		 "# HELP khet_connections_shed_total Incomplete connections closed to stay below the connection cap.\n"
		 "# TYPE khet_connections_shed_total counter\nkhet_connections_shed_total %llu\n",
		 conns_open(), conns_timed_out(), conns_body_timed_out(), conns_shed());
	jobs_metrics_write(&b);
	long long free_bytes = data_free_bytes();
	buf_addf(&b,
		 "# HELP khet_data_free_bytes Free space for Khet on the data folder's file system.\n"
		 "# TYPE khet_data_free_bytes gauge\nkhet_data_free_bytes %lld\n"
		 "# HELP khet_data_free_low 1 when that is below --min-free-mb (writes will soon be refused).\n"
		 "# TYPE khet_data_free_low gauge\nkhet_data_free_low %d\n",
		 free_bytes, disk_low(free_bytes) ? 1 : 0);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	if (!db || mail_metrics_write(db, &b, &e) < 0)
		log_error("metrics: the outbox figures: %s", db ? e.msg : "no database");
	build_info(&b, db);
	plain(r, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}

static int serve_static(struct req *r)
{
	const struct asset *a = assets_find(r->path + strlen("/static/"));
	if (!a)
		return view_error(r, 404, "ไม่พบไฟล์ที่ต้องการ");
	const char *ae = req_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool gz = a->gz && gzip_accepted(ae);
	const char *data = gz ? a->gz : a->data;
	size_t len = gz ? a->gz_len : a->len;
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=31536000, immutable");
	if (a->gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	r->resp_bytes = (long long)len;
	http_finish(r, 200, resp);
	return 0;
}

/* /favicon.ico, which browsers ask for on their own whatever the page
 * links: the layout's icon (static/favicon.svg; browsers take an SVG from
 * that address too), cached for a year like the other assets. */
static int serve_favicon(struct req *r)
{
	const char *url = assets_url("favicon.svg");
	const struct asset *a = url && !strncmp(url, "/static/", 8) ? assets_find(url + 8) : NULL;
	if (!a)
		return view_error(r, 404, "ไม่พบไฟล์ที่ต้องการ");
	const char *ae = req_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	bool gz = a->gz && gzip_accepted(ae);
	struct MHD_Response *resp = MHD_create_response_from_buffer(gz ? a->gz_len : a->len,
								    (void *)(gz ? a->gz : a->data), MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=31536000");
	if (a->gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	r->resp_bytes = (long long)(gz ? a->gz_len : a->len);
	http_finish(r, 200, resp);
	return 0;
}

/* --- request life ------------------------------------------------------- */

static bool unsafe_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static bool csrf_token_ok(const char *s)
{
	if (!s || strlen(s) != 43)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

/* The body length the client announced (Content-Length), 0 without one;
 * one that is not a number (or too big for one) counts as too long. */
static long long declared_length(struct req *r)
{
	const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n = 0;
	if (cl && num_parse_ll(cl, 0, LLONG_MAX, &n) < 0)
		return LLONG_MAX;
	return n;
}

static void set_client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(r->client_ip, sizeof r->client_ip, "-");
	if (cfg.trust_proxy) {
		const char *xff = req_header(r, "X-Forwarded-For");
		if (xff && *xff) {
			/* the proxy appends the address it saw last */
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			snprintf(r->client_ip, sizeof r->client_ip, "%.63s", last);
			return;
		}
	}
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client_ip, sizeof r->client_ip);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->client_ip, sizeof r->client_ip);
}

/* MHD's URI log callback: the first word on a request, with the whole
 * request target (MHD strips the query string from what on_request sees).
 * Its result becomes the request's con_cls, completed by req_new. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = xcalloc(1, sizeof *r);
	r->target_len = strlen(uri);
	r->raw_target = uri;
	r->target_ok = framing_target_ok(uri, r->target_len);
	return r;
}

static struct req *req_new(struct req *r, struct MHD_Connection *c, const char *url, const char *method)
{
	if (!r)
		r = xcalloc(1, sizeof *r);
	r->conn = c;
	r->method = method;
	r->path = xstrdup(url);
	r->t0_ns = now_ns();
	r->route_index = -1;
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	for (int i = 0; i < 8; i++)
		snprintf(r->id + 2 * i, 3, "%02x", rnd[i]);
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	r->wants_json = accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
	/* the API answers JSON whatever the client accepts; its reference
	 * page is the one HTML page under /api/ */
	bool api = !strncmp(url, API_PREFIX "/", sizeof API_PREFIX) && strcmp(url, API_PREFIX "/docs");
	if (api)
		r->wants_json = true;
	struct buf name = BUF_INIT;
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, http_cookie_name("khet_csrf", &name));
	buf_release(&name);
	if (csrf_token_ok(cookie)) {
		snprintf(r->csrf, sizeof r->csrf, "%s", cookie);
		r->csrf_cookie = true;
	} else {
		csrf_fresh(r);
		r->csrf_new = !api; /* a script needs no CSRF cookie */
	}
	set_client_ip(r);
	return r;
}

static void req_free(struct req *r)
{
	form_cleanup(r);
	if (r->response)
		MHD_destroy_response(r->response);
	if (r->ext && r->ext_free)
		r->ext_free(r->ext);
	for (int i = 0; i < r->nparams; i++) {
		free(r->pnames[i]);
		free(r->pvalues[i]);
	}
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->path);
	free(r->api_location);
	free(r);
}

/* A path parameter as it is in the path. libmicrohttpd has already
 * percent-decoded the whole path once before Khet sees it (its unescape
 * callback), so decoding again here would read "%2541" as "A" instead of
 * "%41" (issue 11): the value is copied as it is. An encoded NUL ends the
 * path where libmicrohttpd put it. */
static char *param_dup(const char *s, size_t n)
{
	return xstrndup(s, n);
}

static void early(struct req *r, int status, const char *msg)
{
	if (!r->early_status) {
		r->early_status = status;
		r->early_msg = msg;
	}
}

/* First call for a request: limits and routing, before any body is read. */
static void on_headers(struct req *r, const char *url)
{
	size_t hdr = 0;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &hdr);
	if (strlen(url) > HTTP_URL_MAX || r->target_len > HTTP_URL_MAX) {
		early(r, 414, "ที่อยู่ (URL) ยาวเกินกำหนด กรุณาตรวจสอบลิงก์อีกครั้ง");
		return;
	}
	if (hdr > HTTP_HEADERS_MAX) {
		early(r, 431, "ส่วนหัวของคำขอ (header) ใหญ่เกินกำหนด กรุณาล้างคุกกี้ของเว็บไซต์แล้วลองใหม่");
		return;
	}
	const char *fault = cfg.test_routes ? req_header(r, "X-Khet-Fault") : NULL;
	if (fault && fault_parse(fault, &r->fault) < 0) {
		early(r, 400, "X-Khet-Fault ไม่ถูกต้อง: ใช้ db=N หรือ write=N (N ตั้งแต่ 1)");
		return;
	}
	if (strncmp(r->path, "/static/", 8) == 0 || !strcmp(r->path, "/healthz") || !strcmp(r->path, "/metrics") ||
	    !strcmp(r->path, "/favicon.ico"))
		return;
	struct route_match m;
	char allow[64];
	int rc = router_match(r->method, r->path, &m, allow, sizeof allow);
	if (rc == 404) {
		early(r, 404, "ไม่พบหน้าที่ต้องการ กรุณาตรวจสอบที่อยู่อีกครั้ง");
		return;
	}
	if (rc == 405) {
		req_add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
		early(r, 405, "หน้านี้ไม่รองรับวิธีการส่งข้อมูลนี้");
		return;
	}
	r->route_index = m.index;
	r->route = router_route(m.index);
	for (int i = 0; i < m.nparams; i++) {
		r->pnames[i] = xstrndup(m.names[i], m.name_lens[i]);
		r->pvalues[i] = param_dup(m.values[i], m.value_lens[i]);
	}
	r->nparams = m.nparams;
	if (!unsafe_method(r->method))
		return;
	if (declared_length(r) > cfg.max_body) {
		early(r, 413, "ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด กรุณาลดขนาดไฟล์แนบแล้วส่งใหม่");
		return;
	}
	if (form_begin(r, r->route->form) < 0)
		early(r, 415,
		      (r->route->flags & ROUTE_API)
			  ? "รูปแบบข้อมูลที่ส่งมาไม่รองรับ กรุณาส่งเนื้อหาเป็น application/json หรือ multipart/form-data "
			    "(เมื่อมีไฟล์แนบ) และระบุใน Content-Type"
			  : "รูปแบบข้อมูลที่ส่งมาไม่รองรับ กรุณาส่งผ่านแบบฟอร์มของระบบ");
}

/* With a session, the form must carry the session's token (the cookie
 * does not count: a sibling sub-domain or an old copy could have set it);
 * a visitor's form must carry the token of his cookie (double submit). */
static bool csrf_ok(struct req *r)
{
	if (!r->csrf_bound && !r->csrf_cookie)
		return false; /* no cookie: the form did not come from us */
	const char *sent = form_value(r, "_csrf");
	if (!*sent)
		sent = req_header(r, "X-CSRF-Token");
	if (!sent || strlen(sent) != strlen(r->csrf))
		return false;
	return sodium_memcmp(sent, r->csrf, strlen(r->csrf)) == 0;
}

/* Runs the handler; for unsafe methods inside one transaction that commits
 * only if the answer is a success. */
static void dispatch(struct req *r)
{
	bool unsafe = unsafe_method(r->method);
	if (identify_hook && identify_hook(r) < 0 && r->route->access != ACCESS_PUBLIC) {
		view_error(r, 503, "ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้ง");
		return;
	}
	if (unsafe) {
		if (form_finish(r) < 0) {
			if (!(r->route->flags & ROUTE_API)) {
				view_error(r, 400, "ข้อมูลที่ส่งมาไม่สมบูรณ์หรือขาดหาย กรุณาส่งแบบฟอร์มใหม่อีกครั้ง");
				return;
			}
			/* an integrator's body: say what is wrong with it, not
			 * "send the form again" */
			const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
			bool json = ct && strstr(ct, "json");
			char msg[512];
			if (json && r->form.json_line)
				snprintf(msg, sizeof msg,
					 "เนื้อหาไม่ใช่ JSON ที่ถูกต้อง (ผิดที่บรรทัด %d ตำแหน่งที่ %d) กรุณาส่งออบเจ็กต์ JSON เดียว "
					 "เช่น {\"status\": \"in_progress\"}",
					 r->form.json_line, r->form.json_col);
			else if (json)
				snprintf(msg, sizeof msg,
					 "เนื้อหา JSON ต้องเป็นออบเจ็กต์เดียว {…} ไม่ซ้ำชื่อช่อง แต่ละช่องเป็นข้อความ ตัวเลข true "
					 "หรือรายการของค่าเหล่านี้ ขนาดไม่เกิน 1 MB");
			else
				snprintf(msg, sizeof msg,
					 "เนื้อหาที่ส่งมาไม่สมบูรณ์หรือรูปแบบไม่ถูกต้อง (multipart/form-data หรือ "
					 "application/x-www-form-urlencoded) กรุณาตรวจสอบแล้วส่งใหม่");
			r->err_code = json ? "invalid_json" : "invalid_body";
			view_error(r, 400, msg);
			return;
		}
		/* a bearer token is no cookie a browser sends by itself: an API
		 * call with one needs no CSRF token (the identify hook reads no
		 * session cookie for it) */
		bool bearer = (r->route->flags & ROUTE_API) && req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) &&
			      !strncasecmp(req_header(r, MHD_HTTP_HEADER_AUTHORIZATION), "Bearer ", 7);
		if (!(r->route->flags & ROUTE_NO_CSRF) && !bearer && !csrf_ok(r)) {
			view_error(r, 403,
				   "แบบฟอร์มหมดอายุหรือไม่ได้ส่งจากหน้าของระบบ กรุณาโหลดหน้าใหม่แล้วส่งอีกครั้ง");
			return;
		}
	}
	if (access_hook) {
		if (access_hook(r, r->route, router_roles(r->route_index)) != 0) {
			if (!r->response)
				view_error(r, 403, "คุณไม่มีสิทธิ์เข้าถึงหน้านี้");
			return;
		}
	} else if (r->route->access != ACCESS_PUBLIC) {
		view_error(r, 403, "คุณไม่มีสิทธิ์เข้าถึงหน้านี้");
		return;
	}
	/* an API route's query parameters against its declared list, before
	 * any handler (an item, a dashboard, a write alike): an unknown one or
	 * a bad value is 400, never ignored */
	if ((r->route->flags & ROUTE_API) && api_check_query(r) < 0)
		return;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	int nheaders = r->nheaders;
	bool retried = false, replica_ok = true;
again:
	if (unsafe) {
		db = req_db(r);
		if (!db || db_begin(db, &e) < 0) {
			log_error("req %s: begin: %s", r->id, e.msg);
			view_error(r, 503, NULL);
			return;
		}
	}
	/* the thread's connection, if it has one: what this request writes */
	struct db *conn = pthread_getspecific(db_key);
	if (conn)
		db_clean(conn);
	r->use_replica = !unsafe && replica_ok && cfg.db_read_url && (r->route->flags & ROUTE_MAY_LAG) && !wrote_lately(r);
	bool used_replica = r->use_replica;
	int rc = r->route->handler(r);
	r->use_replica = false;
	/* the replica died under a read: the same page from the primary */
	struct db *rconn = used_replica ? pthread_getspecific(db_read_key) : NULL;
	if (!retried && rconn && db_lost(rconn)) {
		retried = true;
		replica_ok = false;
		log_error("req %s: read replica lost; reading the primary", r->id);
		req_discard_answer(r, nheaders);
		goto again;
	}
	if (!r->response) {
		log_error("req %s: %s %s: handler returned %d without an answer", r->id, r->method, r->path, rc);
		view_error(r, 500, NULL);
	}
	/* The connection died under the handler before it wrote anything
	 * (PostgreSQL restarted, a failover): nothing of it was stored, so it
	 * runs once more, on a new connection, and the user sees no error.
	 * One that wrote is answered 503 (view_error: Retry-After), never run
	 * twice: its writes may have been applied. */
	conn = pthread_getspecific(db_key);
	if (!retried && conn && db_lost(conn) && !db_wrote(conn)) {
		retried = true;
		log_info("req %s: %s %s: database connection lost before any write; running it again", r->id, r->method,
			 r->path);
		if (unsafe)
			db_rollback(db);
		req_discard_answer(r, nheaders);
		goto again;
	}
	if (!unsafe)
		return;
	if (rc == 0 && (r->status < 400 || r->commit_on_error)) {
		bool wrote = db_wrote(db);
		if (db_commit(db, &e) == 0) {
			if (cfg.db_read_url && wrote) {
				/* the next pages of this browser read the primary */
				char now[24];
				snprintf(now, sizeof now, "%lld", (long long)time(NULL));
				req_set_cookie(r, "khet_wrote", now, REPLICA_FRESH_SECONDS, true);
			}
		} else {
			log_error("req %s: commit: %s", r->id, e.msg);
			db_rollback(db);
			form_kept_discard(r);
			/* 503: the connection was lost; 507: the disk is full */
			view_error(r, e.status == 503 || e.status == 507 ? e.status : 500, NULL);
		}
	} else {
		db_rollback(db);
		form_kept_discard(r);
	}
}

/* The most of a refused body that is read (and dropped) so the client is
 * done sending when the answer comes: four times the body limit. */
static long long drain_cap(void)
{
	return 4 * cfg.max_body;
}

/* The client waits for "100 Continue" before it sends the body, so it
 * reads an early answer without having to send anything. */
static bool expects_continue(struct req *r)
{
	const char *x = req_header(r, "Expect");
	return x && strcasestr(x, "100-continue");
}

static enum MHD_Result on_request_in(struct MHD_Connection *c, const char *url, const char *method,
				     const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	if (!r || !r->conn) {
		/* the header deadline closed it a moment ago: nothing more */
		if (!conns_headers_done(c))
			return MHD_NO;
		r = req_new(r, c, url, method);
		*con_cls = r;
		atomic_fetch_add(&inflight, 1);
		/* framing two parsers could read differently: refused before
		 * anything of the body is read, and the connection closed so
		 * no byte of it is taken for another request */
		enum framing_fault ff = framing_check(c, method, r->raw_target, r->target_len, r->target_ok, version);
		if (ff != FRAMING_OK) {
			req_add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
			view_error(r, 400, framing_fault_message(ff));
			return queue(r);
		}
		on_headers(r, url);
		/* An early refusal waits for the body, which is read and thrown
		 * away: a browser still sending when the answer comes and the
		 * connection closes shows "connection reset", not the Thai page.
		 * Not waited for: a body announced as larger than the drain cap,
		 * and one the client holds back until told to continue. */
		if (r->early_status && (declared_length(r) > drain_cap() || expects_continue(r))) {
			view_error(r, r->early_status, r->early_msg);
			return queue(r);
		}
		/* a body is coming: its pace is watched (conns.h) */
		if (declared_length(r) > 0 || req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			conns_body_begin(c, r->wants_json);
		return MHD_YES;
	}
	if (*upload_size) {
		r->body_bytes += (long long)*upload_size;
		/* a body that trickles in slower than --body-min-rate after
		 * --body-timeout: the Thai 408, and the connection closed */
		if (conns_body_progress(c, r->body_bytes) == CONNS_BODY_GONE) {
			r->status = 408;
			return MHD_NO;
		}
		if (r->body_bytes > cfg.max_body)
			early(r, 413, "ข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด กรุณาลดขนาดไฟล์แนบแล้วส่งใหม่");
		else if (!r->early_status && r->form.pp)
			form_feed(r, upload, *upload_size);
		*upload_size = 0;
		if (r->early_status && r->body_bytes > drain_cap()) {
			view_error(r, r->early_status, r->early_msg);
			return queue(r); /* MHD closes the connection after it */
		}
		return MHD_YES;
	}
	/* the body is whole: unless the pace check closed it meanwhile */
	if (!conns_body_done(c))
		return MHD_NO;
	if (r->early_status) {
		view_error(r, r->early_status, r->early_msg);
		return queue(r);
	}
	/* the handler runs wholly on this thread, in this call: the
	 * thread's database time around it is the request's */
	long long db0 = db_thread_ns(), calls0 = db_thread_calls();
	if (!strncmp(r->path, "/static/", 8))
		serve_static(r);
	else if (!strcmp(r->path, "/healthz"))
		healthz(r);
	else if (!strcmp(r->path, "/metrics"))
		metrics(r);
	else if (!strcmp(r->path, "/favicon.ico"))
		serve_favicon(r);
	else
		dispatch(r);
	r->db_ns = db_thread_ns() - db0;
	r->db_calls = db_thread_calls() - calls0;
	return queue(r);
}

/* Each callback of a request counts its planned faults (core/fault.h). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	if (r && r->conn)
		fault_enter(&r->fault);
	enum MHD_Result res = on_request_in(c, url, method, version, upload, upload_size, con_cls);
	fault_leave();
	return res;
}

struct log_query {
	struct buf *out;
	bool first;
};

static enum MHD_Result log_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct log_query *q = cls;
	log_query_add(q->out, key, value, q->first);
	q->first = false;
	return MHD_YES;
}

/* The access-log line: the path with its query string re-encoded from
 * what MHD parsed, secrets masked (log.c). */
static void access_line(struct req *r, struct MHD_Connection *c, int status, long long dt)
{
	struct buf target = BUF_INIT;
	buf_adds(&target, r->path);
	struct log_query q = {&target, true};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, log_arg, &q);
	log_access(&(struct log_access_line){.client = r->client_ip,
					     .method = r->method,
					     .target = buf_cstr(&target),
					     .id = r->id,
					     .status = status,
					     .bytes = r->resp_bytes,
					     .dur_ns = dt,
					     .user_id = r->user_id});
	buf_release(&target);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	conns_request_done(c);
	if (!r)
		return;
	if (!r->conn) { /* ended before its headers were read (MHD answered) */
		free(r);
		*con_cls = NULL;
		return;
	}
	long long dt = now_ns() - r->t0_ns;
	const char *label = r->route_index >= 0 ? (r->route->name ? r->route->name : r->route->pattern)
			    : !strncmp(r->path, "/static/", 8) ? "static"
			    : !strcmp(r->path, "/healthz")     ? "healthz"
			    : !strcmp(r->path, "/metrics")     ? "metrics"
			    : !strcmp(r->path, "/favicon.ico") ? "static"
							       : "unmatched";
	int status = r->status ? r->status : 499; /* client went away before the answer */
	metrics_observe(r->route_index, label, r->method, status, dt, r->db_ns, r->db_calls);
	if (log_access_on())
		access_line(r, c, status, dt);
	req_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	while (b.len && (b.data[b.len - 1] == '\n'))
		b.data[--b.len] = 0;
	log_info("mhd: %s", buf_cstr(&b));
	buf_release(&b);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, int *port, struct err *e)
{
	char host[128] = "127.0.0.1";
	const char *colon = strrchr(listen, ':');
	const char *ps = listen;
	if (colon) {
		size_t hl = (size_t)(colon - listen);
		if (hl >= sizeof host)
			return err_set(e, 400, "ที่อยู่สำหรับรับการเชื่อมต่อ (--listen) ยาวเกินไป: %s", listen);
		memcpy(host, listen, hl);
		host[hl] = 0;
		ps = colon + 1;
		if (host[0] == '[' && hl > 1 && host[hl - 1] == ']') {
			memmove(host, host + 1, hl - 2);
			host[hl - 2] = 0;
		}
		if (!host[0])
			snprintf(host, sizeof host, "0.0.0.0");
	}
	char *end;
	long p = strtol(ps, &end, 10);
	if (*end || p < 0 || p > 65535 || end == ps)
		return err_set(e, 400, "พอร์ตใน --listen ไม่ถูกต้อง: %s (ตัวอย่าง 127.0.0.1:8080)", listen);
	*port = (int)p;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)p);
		*len = sizeof *in4;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof *in6;
	} else {
		return err_set(e, 400, "ที่อยู่ใน --listen ต้องเป็นเลข IP เช่น 127.0.0.1 หรือ 0.0.0.0: %s", host);
	}
	return 0;
}

void server_add_routes(const struct route_table *t)
{
	router_add(t);
}

/* Why the listening address could not be taken, when MHD could not start:
 * a bind of our own to the same address (MHD does not hand its errno
 * back), so a taken port, an address of another machine and a privileged
 * port get their own message. 0 when the bind now works (the port was
 * freed meanwhile). */
static int bind_errno(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int why = bind(fd, (const struct sockaddr *)ss, len) < 0 ? errno : 0;
	close(fd);
	return why;
}

/* Each connection's memory pool (MHD_OPTION_CONNECTION_MEMORY_LIMIT) holds
 * the request line and headers as read, MHD's header list and the answer's
 * headers. It must hold a request just under both limits, and one a little
 * over them, so that Khet itself answers 414/431 in Thai (badinput.test.mjs
 * tests both: 24 KB pools pass, 20 KB ones do not). libmicrohttpd 0.9.75 zeroes the
 * whole pool for every request: at 4 × HTTP_HEADERS_MAX + HTTP_URL_MAX
 * (68 KB) that memset was 104k instructions, 15-18 % of a list page. */
#define CONN_POOL_BYTES (HTTP_HEADERS_MAX + HTTP_URL_MAX + 8192)

int server_run(const struct server_config *c, struct err *e)
{
	cfg = *c;
	if (cfg.max_body <= 0)
		cfg.max_body = HTTP_BODY_MAX_DEFAULT;
	if (cfg.workers <= 0)
		cfg.workers = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (cfg.workers <= 0)
		cfg.workers = 2;
	if (cfg.header_timeout <= 0)
		cfg.header_timeout = HTTP_HEADER_TIMEOUT_DEFAULT;
	if (cfg.max_conn_per_ip < 0)
		cfg.max_conn_per_ip = 0;
	if (cfg.max_conns <= 0)
		cfg.max_conns = HTTP_MAX_CONNS_DEFAULT;
	if (cfg.body_timeout <= 0)
		cfg.body_timeout = HTTP_BODY_TIMEOUT_DEFAULT;
	if (cfg.body_min_rate <= 0)
		cfg.body_min_rate = HTTP_BODY_MIN_RATE_DEFAULT;
	conns_init(cfg.header_timeout, cfg.max_conns, cfg.body_timeout, cfg.body_min_rate);
	started_at = time(NULL);
	if (!framing_layout_known())
		log_info("khet: libmicrohttpd %s: bare-LF and folded header lines are left to it (Khet reads the line "
			 "layout of 0.9.75 only); the field rules are checked",
			 MHD_get_version());
	settings.data_dir = cfg.data_dir;
	/* what an earlier crash left in the upload temp folder: files no
	 * upload has touched for an hour (an upload streams and is kept or
	 * removed within its request) */
	int swept = form_tmp_sweep(cfg.data_dir, 3600);
	if (swept > 0)
		log_info("khet: removed %d upload temp file%s left by an earlier run", swept, swept == 1 ? "" : "s");
	settings.base_url = cfg.base_url;
	settings.dev = cfg.dev;

	struct sockaddr_storage ss = {0};
	socklen_t sslen = 0;
	int port = 0;
	if (parse_listen(cfg.listen, &ss, &sslen, &port, e) < 0)
		return -1;
	/* Absolute links (e-mails, the directory's QR code) are built from the
	 * base URL alone, never from a request's Host header, which anyone
	 * sends as he likes. Without one, only a loopback address may serve
	 * (the links then name that address); a public one needs --base-url. */
	bool loopback = ss.ss_family == AF_INET6
			    ? IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr)
			    : (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	if (!(cfg.base_url && *cfg.base_url) && !loopback)
		return err_set(e, 400,
			       "serving on %s needs --base-url (KHET_BASE_URL), the public address links are built from, "
			       "e.g. https://khet.example.go.th / การเปิดให้บริการที่ %s ต้องกำหนด --base-url "
			       "(ที่อยู่สาธารณะของระบบที่ใช้สร้างลิงก์)",
			       cfg.listen, cfg.listen);
	if (pthread_key_create(&db_read_key, db_destroy) != 0)
		return err_set(e, 500, "pthread_key_create failed");
	if (pthread_key_create(&db_key, db_destroy) != 0)
		return err_set(e, 500, "pthread_key_create failed");
	if (view_init(cfg.templates_dir, cfg.static_dir, e) < 0)
		return -1;
	metrics_init(router_count());

	/* The signals are taken by sigwait below, never by a worker thread. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.workers, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_POOL_BYTES,
		/* near this cap the oldest incomplete connections are shed
		 * (conns.c), so slow clients do not reach it */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg.max_conns, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		/* slow clients (issue 11 item 2): one address holds at most
		 * this many connections (refused at accept beyond it), and a
		 * request's headers have a deadline of their own (conns.c) */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg.max_conn_per_ip,
		MHD_OPTION_NOTIFY_CONNECTION, conns_notify, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		/* a second khet on a taken port would silently get half the
		 * traffic (its own database, its own uploads): only when asked */
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)(cfg.share_port ? 1 : 0), MHD_OPTION_END);
	if (!d) {
		view_shutdown();
		int why = bind_errno(&ss, sslen);
		if (why == EADDRNOTAVAIL)
			return err_set(e, 500,
				       "cannot listen on %s: the address is not one of this machine's / "
				       "เริ่มเซิร์ฟเวอร์ที่ %s ไม่ได้ ที่อยู่ IP นี้ไม่ใช่ของเครื่องนี้ "
				       "ใช้ 127.0.0.1, 0.0.0.0 หรือที่อยู่ของเครื่อง (ดูด้วยคำสั่ง ip addr)",
				       cfg.listen, cfg.listen);
		if (why == EACCES)
			return err_set(e, 500,
				       "cannot listen on %s: a port below 1024 needs privileges / "
				       "เริ่มเซิร์ฟเวอร์ที่ %s ไม่ได้ พอร์ตต่ำกว่า 1024 ต้องใช้สิทธิ์พิเศษ "
				       "ใช้พอร์ตตั้งแต่ 1024 ขึ้นไปหลัง nginx",
				       cfg.listen, cfg.listen);
		if (why != EADDRINUSE && why != 0)
			return err_set(e, 500, "cannot listen on %s: %s / เริ่มเซิร์ฟเวอร์ที่ %s ไม่ได้ (%s)", cfg.listen,
				       strerror(why), cfg.listen, strerror(why));
		return err_set(e, 500,
			       "cannot listen on %s: the port is in use by another program (another khet?) / "
			       "เริ่มเซิร์ฟเวอร์ที่ %s ไม่ได้ พอร์ตนี้มีโปรแกรมอื่นใช้อยู่ (อาจเป็น khet อีกตัว) "
			       "หยุดโปรแกรมนั้นหรือใช้พอร์ตอื่น; ถ้าตั้งใจให้หลายโปรเซสใช้พอร์ตเดียวกัน ให้ใส่ --share-port "
			       "กับทุกโปรเซส",
			       cfg.listen, cfg.listen);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("khet: listening on %s (port %u), %d workers, db %s", cfg.listen, di ? di->port : 0, cfg.workers,
		 strncmp(cfg.db_url, "sqlite:", 7) == 0 ? "sqlite" : "postgres");
	/* A line the tests and `make run` wait for. */
	static char own_url[64];
	snprintf(own_url, sizeof own_url, "http://%s:%u", ss.ss_family == AF_INET6 ? "[::1]" : "127.0.0.1",
		 di ? di->port : (unsigned)port);
	if (!(settings.base_url && *settings.base_url))
		settings.base_url = own_url; /* loopback only, checked above */
	printf("khet: ready at %s/\n", own_url);
	fflush(stdout);

	/* The main thread waits for the signal and, once a second, closes
	 * the connections whose headers are overdue. */
	int sig = 0;
	for (;;) {
		struct timespec tick = {1, 0};
		sig = sigtimedwait(&sigs, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		int n = conns_sweep();
		if (n > 0)
			log_info("khet: closed %d connection%s: request headers over %d s, a body behind its pace, "
				 "or the oldest incomplete near the connection cap",
				 n, n == 1 ? "" : "s", cfg.header_timeout);
	}
	log_info("khet: %s received, finishing %ld in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT",
		 atomic_load(&inflight));
	/* MHD stops accepting and hands the listening socket back; closing it
	 * makes new connections fail at once instead of waiting unanswered */
	MHD_socket lsock = MHD_quiesce_daemon(d);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	/* Idle keep-alive connections never finish on their own; a request
	 * that is being processed is counted from its headers to its answer. */
	for (int i = 0; i < 300 && atomic_load(&inflight) > 0; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	view_shutdown();
	struct db *db = pthread_getspecific(db_key);
	if (db)
		db_close(db);
	if ((db = pthread_getspecific(db_read_key)))
		db_close(db);
	router_reset();
	metrics_free();
	log_info("khet: stopped");
	return 0;
}
