/* db: the engine-neutral half of the database API (see db.h). It chooses
 * the engine from the URL, passes each call to the engine's table of
 * functions, and builds the JSON conveniences views use from the row
 * reader, so both engines give the same JSON for the same rows. The
 * statement cache every connection keeps also lives here: a small
 * open-addressing table keyed by a hash of the SQL text (not its address,
 * because text built at run time may reuse an address with other text). */
#include "core/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/db_internal.h"
#include "core/fault.h"

static const char sqlite_prefix[] = "sqlite:";

/* The time this thread has spent in database calls (statement work, row
 * reads, transactions), for /metrics' DB time per request: the server
 * reads it before and after a handler on the same thread. */
static _Thread_local long long thread_db_ns;
/* The statements this thread has sent (each call below that reaches the
 * engine: a query, an exec, BEGIN, COMMIT, a lock — not db_next, which
 * reads rows already fetched): on PostgreSQL one round trip each, for
 * /metrics' statements per route. */
static _Thread_local long long thread_db_calls;

static long long tick(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long db_thread_ns(void)
{
	return thread_db_ns;
}

long long db_thread_calls(void)
{
	return thread_db_calls;
}

/* Runs one call of the engine and adds its time to the thread's. */
#define TIMED(T, call)                                                                                                 \
	do {                                                                                                           \
		long long t0_ = tick();                                                                                \
		T = call;                                                                                              \
		thread_db_ns += tick() - t0_;                                                                          \
	} while (0)

/* The same for a call that sends one statement (not db_next's row reads). */
#define COUNTED(T, call)                                                                                               \
	do {                                                                                                           \
		thread_db_calls++;                                                                                     \
		TIMED(T, call);                                                                                        \
	} while (0)

int db_url_known(const char *url)
{
	return url && (!strncmp(url, sqlite_prefix, sizeof sqlite_prefix - 1) || !strncmp(url, "postgres://", 11) ||
		       !strncmp(url, "postgresql://", 13));
}

void db_url_redacted(const char *url, struct buf *out)
{
	/* A PostgreSQL URL may carry a password (user:secret@host); messages
	 * end up in logs and on a terminal, so it is replaced. */
	const char *s = strstr(url, "://");
	const char *at = s ? strchr(s + 3, '@') : NULL;
	const char *slash = s ? strchr(s + 3, '/') : NULL;
	if (!at || (slash && slash < at)) {
		buf_adds(out, url);
		return;
	}
	const char *colon = memchr(s + 3, ':', (size_t)(at - (s + 3)));
	if (!colon) {
		buf_adds(out, url);
		return;
	}
	buf_add(out, url, (size_t)(colon - url) + 1);
	buf_adds(out, "***");
	buf_adds(out, at);
}

int db_open(const char *url, struct db **out, struct err *e)
{
	*out = NULL;
	if (url && !strncmp(url, sqlite_prefix, sizeof sqlite_prefix - 1)) {
		const char *path = url + sizeof sqlite_prefix - 1;
		if (!*path)
			return err_set(e, 400,
				       "ที่อยู่ฐานข้อมูล \"sqlite:\" ไม่มีที่ตั้งไฟล์: ใช้ sqlite:ที่ตั้งไฟล์ "
				       "เช่น sqlite:data/khet.db");
		return db_sqlite_open(path, out, e);
	}
	if (db_url_known(url))
		return db_pg_open(url, out, e);
	struct buf b = BUF_INIT;
	db_url_redacted(url ? url : "", &b);
	err_set(e, 400,
		"ไม่รู้จักที่อยู่ฐานข้อมูล \"%s\": ใช้ sqlite:ที่ตั้งไฟล์ (เช่น sqlite:data/khet.db) "
		"หรือ postgres://ผู้ใช้@เครื่อง:พอร์ต/ชื่อฐานข้อมูล",
		buf_cstr(&b));
	buf_release(&b);
	return -1;
}

void db_close(struct db *db)
{
	if (db)
		db->eng->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

int db_analyze(struct db *db, struct err *e)
{
	return db_kind(db) == DB_POSTGRES ? db_exec_script(db, "ANALYZE", e) : 0;
}

/* A fault planned for this call (core/fault.h): the caller sees what a
 * lost connection or a full disk gives it. */
static int injected(struct err *e, const char *sql)
{
	return db_fail(e, 503, "injected fault (X-Khet-Fault)", sql);
}

/* X-Khet-Fault: dblost=N — the connection dies before this call. */
static void maybe_sever(struct db *db)
{
	if (fault_now(FAULT_DB_LOST) && db->eng->sever)
		db->eng->sever(db);
}

int db_begin(struct db *db, struct err *e)
{
	maybe_sever(db);
	if (fault_now(FAULT_DB))
		return injected(e, "BEGIN");
	int rc;
	COUNTED(rc, db->eng->begin(db, e));
	return rc;
}

int db_commit(struct db *db, struct err *e)
{
	maybe_sever(db);
	if (fault_now(FAULT_DB))
		return injected(e, "COMMIT");
	int rc;
	COUNTED(rc, db->eng->commit(db, e));
	return rc;
}

void db_rollback(struct db *db)
{
	long long t0 = tick();
	db->eng->rollback(db);
	thread_db_ns += tick() - t0;
}

int db_lock(struct db *db, long long key, struct err *e)
{
	maybe_sever(db);
	if (fault_now(FAULT_DB))
		return injected(e, "lock");
	int rc;
	COUNTED(rc, db->eng->lock(db, key, e));
	return rc;
}

/* INSERT … RETURNING and the like come through the query calls too. */
static void note_sql(struct db *db, const char *sql)
{
	if (!db->wrote && !db_sql_reads(sql))
		db->wrote = true;
}

bool db_lost(const struct db *db)
{
	return db->lost;
}

bool db_wrote(const struct db *db)
{
	return db->wrote;
}

void db_clean(struct db *db)
{
	db->wrote = false;
}

bool db_sql_reads(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')
		sql++;
	return !strncasecmp(sql, "SELECT", 6) && !isalnum((unsigned char)sql[6]) && sql[6] != '_';
}

long long db_exec(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	maybe_sever(db);
	db->wrote = true;
	if (fault_now(FAULT_DB))
		return injected(e, sql);
	long long rc;
	COUNTED(rc, db->eng->exec(db, sql, p, n, e));
	return rc;
}

int db_exec_script(struct db *db, const char *sql, struct err *e)
{
	db->wrote = true;
	int rc;
	COUNTED(rc, db->eng->exec_script(db, sql, e));
	return rc;
}

int db_query(struct db *db, const char *sql, const struct db_val *p, int n, struct db_res **out, struct err *e)
{
	maybe_sever(db);
	note_sql(db, sql);
	if (fault_now(FAULT_DB)) {
		*out = NULL;
		return injected(e, sql);
	}
	int rc;
	COUNTED(rc, db->eng->query(db, sql, p, n, 1, out, e));
	return rc;
}

int db_next(struct db_res *r, struct err *e)
{
	if (fault_now(FAULT_DB))
		return injected(e, "fetching a row");
	int rc;
	TIMED(rc, r->eng->next(r, e));
	return rc;
}

int db_ncols(struct db_res *r)
{
	return r->eng->ncols(r);
}

const char *db_colname(struct db_res *r, int col)
{
	return r->eng->colname(r, col);
}

int db_isnull(struct db_res *r, int col)
{
	return r->eng->isnull(r, col);
}

long long db_int(struct db_res *r, int col)
{
	return r->eng->int_(r, col);
}

const char *db_text(struct db_res *r, int col)
{
	return r->eng->text(r, col);
}

void db_res_free(struct db_res *r)
{
	if (r)
		r->eng->res_free(r);
}

static json_t *db_rows_json_(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	maybe_sever(db);
	note_sql(db, sql);
	if (fault_now(FAULT_DB)) {
		injected(e, sql);
		return NULL;
	}
	const struct db_engine *eng = db->eng;
	struct db_res *r;
	/* keep = 0: every row is read before this returns, so the engine may
	 * point at the caller's parameters instead of copying them. */
	if (eng->query(db, sql, p, n, 0, &r, e))
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = eng->next(r, e)) == 1) {
		json_t *o = eng->row_json(r, e);
		if (!o) {
			rc = -1;
			break;
		}
		json_array_append_new(rows, o);
	}
	eng->res_free(r);
	if (rc < 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static json_t *db_row_json_(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	maybe_sever(db);
	note_sql(db, sql);
	if (fault_now(FAULT_DB)) {
		injected(e, sql);
		return NULL;
	}
	const struct db_engine *eng = db->eng;
	struct db_res *r;
	if (eng->query(db, sql, p, n, 0, &r, e))
		return NULL;
	json_t *o = NULL;
	int rc = eng->next(r, e);
	if (rc == 1)
		o = eng->row_json(r, e);
	else if (rc == 0)
		err_set(e, 404, "ไม่พบข้อมูลที่ขอ");
	eng->res_free(r);
	return o;
}

static int db_int_value_(struct db *db, const char *sql, const struct db_val *p, int n, long long *out, struct err *e)
{
	maybe_sever(db);
	note_sql(db, sql);
	if (fault_now(FAULT_DB))
		return injected(e, sql);
	const struct db_engine *eng = db->eng;
	struct db_res *r;
	if (eng->query(db, sql, p, n, 0, &r, e))
		return -1;
	int rc = eng->next(r, e);
	if (rc == 1)
		*out = eng->isnull(r, 0) ? 0 : eng->int_(r, 0);
	eng->res_free(r);
	return rc;
}

json_t *db_rows_json(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	json_t *j;
	COUNTED(j, db_rows_json_(db, sql, p, n, e));
	return j;
}

json_t *db_row_json(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	json_t *j;
	COUNTED(j, db_row_json_(db, sql, p, n, e));
	return j;
}

int db_int_value(struct db *db, const char *sql, const struct db_val *p, int n, long long *out, struct err *e)
{
	int rc;
	COUNTED(rc, db_int_value_(db, sql, p, n, out, e));
	return rc;
}

size_t db_cached_statements(const struct db *db)
{
	return db->cache.count;
}

/* Appends s on one line (runs of white space become one space), at most
 * max bytes, cut before a whole character so the text stays valid UTF-8;
 * " …" marks a cut. */
static void add_one_line(struct buf *b, const char *s, size_t max)
{
	size_t start = b->len;
	int space = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		unsigned char c = (unsigned char)*s;
		size_t clen = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (b->len - start + clen + 1 > max)
			break;
		if (space && b->len > start)
			buf_addc(b, ' ');
		space = 0;
		size_t n = 1;
		while (n < clen && s[n])
			n++;
		buf_add(b, s, n);
		s += n - 1;
	}
	if (*s)
		buf_adds(b, " …");
}

int db_fail(struct err *e, int status, const char *what, const char *sql)
{
	/* Both parts are bounded so the whole fits e->msg (512 bytes) and
	 * vsnprintf never cuts a Thai character in half. */
	struct buf b = BUF_INIT;
	add_one_line(&b, what, 280);
	if (sql) {
		buf_adds(&b, " (SQL: ");
		add_one_line(&b, sql, 200);
		buf_addc(&b, ')');
	}
	err_set(e, status, "%s", buf_cstr(&b));
	buf_release(&b);
	return -1;
}

/* Bulk loading. */

struct db_bulk {
	struct db *db;
	int ncols;
	bool copy;	 /* PostgreSQL's COPY, else one INSERT per row */
	bool failed;	 /* a row was refused: the rest are not sent */
	struct buf sql;	 /* the INSERT (row by row) */
	struct buf data; /* COPY rows not sent yet */
	struct db_val *vals;
	struct err first; /* the first failure */
};

static void quote_ident(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

struct db_bulk *db_bulk_begin(struct db *db, const char *table, const char *const *cols, int ncols, struct err *e)
{
	db->wrote = true;
	struct db_bulk *b = xcalloc(1, sizeof *b);
	b->db = db;
	b->ncols = ncols;
	b->copy = db->eng->copy_begin != NULL;
	b->first = (struct err)ERR_INIT;
	struct buf head = BUF_INIT;
	buf_adds(&head, b->copy ? "COPY " : "INSERT INTO ");
	quote_ident(&head, table);
	buf_adds(&head, " (");
	for (int i = 0; i < ncols; i++) {
		if (i)
			buf_adds(&head, ", ");
		quote_ident(&head, cols[i]);
	}
	buf_addc(&head, ')');
	if (b->copy) {
		buf_adds(&head, " FROM STDIN");
		int rc = fault_now(FAULT_DB) ? injected(e, buf_cstr(&head)) : db->eng->copy_begin(db, buf_cstr(&head), e);
		buf_release(&head);
		if (rc < 0) {
			free(b);
			return NULL;
		}
		return b;
	}
	buf_adds(&head, " VALUES (");
	for (int i = 0; i < ncols; i++)
		buf_addf(&head, i ? ", $%d" : "$%d", i + 1);
	buf_addc(&head, ')');
	b->sql = head;
	b->vals = xcalloc((size_t)ncols, sizeof *b->vals);
	return b;
}

/* COPY's text format: \N for NULL; backslash, tab, newline and carriage
 * return escaped. */
static void copy_field(struct buf *out, const char *s)
{
	if (!s) {
		buf_adds(out, "\\N");
		return;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\\': buf_adds(out, "\\\\"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\r': buf_adds(out, "\\r"); break;
		default: buf_addc(out, *p);
		}
	}
}

int db_bulk_row(struct db_bulk *b, const char *const *vals, struct err *e)
{
	if (b->failed)
		return err_set(e, b->first.status, "%s", b->first.msg);
	if (b->copy) {
		for (int i = 0; i < b->ncols; i++) {
			if (i)
				buf_addc(&b->data, '\t');
			copy_field(&b->data, vals[i]);
		}
		buf_addc(&b->data, '\n');
		if (b->data.len < 256 * 1024)
			return 0;
		int rc = fault_now(FAULT_DB) ? injected(e, "COPY data")
					     : b->db->eng->copy_data(b->db, b->data.data, b->data.len, e);
		buf_reset(&b->data);
		if (rc < 0) {
			b->failed = true;
			b->first = *e;
		}
		return rc;
	}
	for (int i = 0; i < b->ncols; i++)
		b->vals[i] = vals[i] ? DB_TEXT(vals[i]) : DB_NULL;
	if (db_exec(b->db, buf_cstr(&b->sql), b->vals, b->ncols, e) < 0) {
		b->failed = true;
		b->first = *e;
		return -1;
	}
	return 0;
}

int db_bulk_end(struct db_bulk *b, bool ok, struct err *e)
{
	int rc = b->failed ? -1 : 0;
	if (b->failed)
		*e = b->first;
	if (b->copy) {
		if (rc == 0 && ok && b->data.len &&
		    (fault_now(FAULT_DB) ? injected(e, "COPY data")
					 : b->db->eng->copy_data(b->db, b->data.data, b->data.len, e)) < 0)
			rc = -1;
		struct err end = ERR_INIT;
		int erc = b->db->eng->copy_end(b->db, rc == 0 && ok ? NULL : "aborted", &end);
		if (rc == 0 && ok && erc < 0) {
			*e = end;
			rc = -1;
		}
	}
	buf_release(&b->sql);
	buf_release(&b->data);
	free(b->vals);
	free(b);
	return rc;
}

/* The statement cache. */

uint64_t db_cache_hash(const char *sql)
{
	/* FNV-1a: a few nanoseconds for a typical statement, and good enough
	 * spread for a table of a few hundred texts. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *s = (const unsigned char *)sql; *s; s++)
		h = (h ^ *s) * 0x100000001b3ull;
	return h ? h : 1; /* 0 marks an empty slot */
}

void *db_cache_get(const struct db_cache *c, const char *sql, uint64_t hash)
{
	if (!c->cap)
		return NULL;
	size_t mask = c->cap - 1;
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		const struct db_cache_slot *s = &c->slots[i];
		if (!s->hash)
			return NULL;
		if (s->hash == hash && (s->sql == sql || !strcmp(s->sql, sql)))
			return s->val;
	}
}

static void cache_insert(struct db_cache_slot *slots, size_t cap, const struct db_cache_slot *in)
{
	size_t mask = cap - 1;
	size_t i = (size_t)in->hash & mask;
	while (slots[i].hash)
		i = (i + 1) & mask;
	slots[i] = *in;
}

int db_cache_put(struct db_cache *c, const char *sql, uint64_t hash, void *val)
{
	if (c->count >= DB_CACHE_MAX)
		return -1;
	/* Kept at most half full so probes stay short. */
	if ((c->count + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct db_cache_slot *slots = xcalloc(cap, sizeof *slots);
		for (size_t i = 0; i < c->cap; i++)
			if (c->slots[i].hash)
				cache_insert(slots, cap, &c->slots[i]);
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	struct db_cache_slot s = {hash, sql, val};
	cache_insert(c->slots, c->cap, &s);
	c->count++;
	return 0;
}

void db_cache_free(struct db_cache *c, void (*fn)(void *val, void *ctx), void *ctx)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].hash)
			fn(c->slots[i].val, ctx);
	free(c->slots);
	c->slots = NULL;
	c->cap = c->count = 0;
}
