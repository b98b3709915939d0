/* db_sqlite: the SQLite engine behind db.h, the embedded default of a
 * one-machine install. A connection is used by one thread at a time (the
 * server opens one per worker), so it is opened without SQLite's own mutex.
 * WAL lets readers run beside the one writer; writers take the write lock
 * at BEGIN (IMMEDIATE) so two transactions never deadlock upgrading from
 * read to write, and wait for each other up to the busy timeout.
 * Parameters are written $1…$n as PostgreSQL wants them; SQLite sees each
 * distinct $N as a named parameter, so they are bound by name, which makes
 * "$2 … $1" and "$1 … $1" mean the same as on PostgreSQL. Each SQL text is
 * prepared once per connection and kept; a result that is still being read
 * holds its statement, so the same text asked for again meanwhile (a nested
 * loop) gets a statement of its own for that one use. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/db_internal.h"
#include "core/jsonx.h"
#include "core/thai.h"

struct sq_stmt {
	char *sql;
	sqlite3_stmt *st;
	int busy;     /* a result is reading it */
	int in_order; /* its parameters are $1…$n in that order: 1 yes, -1 no, 0 not known yet */
};

struct sq_db;

/* Columns whose names a result keeps for its rows (wider results read them per row). */
#define SQ_NAMES 48

struct sq_res {
	struct db_res base;
	struct sq_db *db;
	sqlite3_stmt *st;
	struct sq_stmt *cached; /* NULL: st was prepared for this use only */
	int done;		/* stepping past the end would run it again */
	struct sq_res *next_free;
	/* the column names and their lengths, read at the first row made
	 * JSON (sq_row_json) for every row after it; -1: not yet */
	int nnames;
	const char *names[SQ_NAMES];
	size_t namelen[SQ_NAMES];
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	struct sq_res *free_res; /* results are reused, not freed */
};

static const struct db_engine sq_engine;

/* Every SQLITE_CONSTRAINT_* (unique, primary key, foreign key, not null,
 * check) is a conflict with what is stored: 409, as on PostgreSQL. A full
 * disk is 507 (Insufficient Storage): the statement, and its transaction,
 * changed nothing, and the page says so. */
static int sq_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return 409;
	case SQLITE_FULL: return 507;
	default: return 500;
	}
}

static int sq_fail(struct sq_db *db, int rc, const char *sql, struct err *e)
{
	return db_fail(e, sq_status(rc), sqlite3_errmsg(db->h), sql);
}

/* Returns a statement for sql, from the cache when it is free there. */
static int sq_acquire(struct sq_db *db, const char *sql, struct sq_stmt **cached, sqlite3_stmt **out, struct err *e)
{
	uint64_t hash = db_cache_hash(sql);
	struct sq_stmt *c = db_cache_get(&db->base.cache, sql, hash);
	if (c && !c->busy) {
		c->busy = 1;
		*cached = c;
		*out = c->st;
		return 0;
	}
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, c ? 0 : SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return sq_fail(db, rc, sql, e);
	if (!st)
		return db_fail(e, 500, "empty SQL statement", sql);
	/* SQLite would quietly ignore what follows the first statement, and
	 * PostgreSQL refuses several statements in one prepared statement:
	 * say so here, where the mistake is made. */
	tail += strspn(tail, " \t\r\n;");
	if (*tail) {
		sqlite3_finalize(st);
		return db_fail(e, 500, "several statements in one call; use db_exec_script", sql);
	}
	*cached = NULL;
	if (!c) {
		c = xmalloc(sizeof *c);
		c->sql = xstrdup(sql);
		c->st = st;
		c->busy = 1;
		c->in_order = 0;
		if (db_cache_put(&db->base.cache, c->sql, hash, c) == 0) {
			*cached = c;
		} else {
			free(c->sql);
			free(c);
		}
	}
	*out = st;
	return 0;
}

static void sq_release(struct sq_stmt *cached, sqlite3_stmt *st)
{
	if (!cached) {
		sqlite3_finalize(st);
		return;
	}
	/* Reset ends the read (releasing its lock on the WAL snapshot); the
	 * bindings are cleared so no pointer to a caller's text outlives the
	 * call. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	cached->busy = 0;
}

/* Binds p[0..n-1] to $1..$n by name. keep: copy text, the caller's strings
 * may be gone before the rows are read. */
static int sq_bind(struct sq_db *db, struct sq_stmt *cached, sqlite3_stmt *st, const char *sql,
		   const struct db_val *p, int n, int keep, struct err *e)
{
	int count = sqlite3_bind_parameter_count(st);
	if (count != n) {
		char what[96];
		snprintf(what, sizeof what, "statement has %d distinct parameters, %d values given", count, n);
		return db_fail(e, 500, what, sql);
	}
	/* a cached statement's parameter names are read once: each name is a
	 * walk of SQLite's list of them, a row loader's twenty binds twenty
	 * walks */
	bool known = cached && cached->in_order == 1, in_order = true;
	for (int i = 1; i <= count; i++) {
		const char *name = known ? NULL : sqlite3_bind_parameter_name(st, i);
		int k = i;
		if (name) {
			char *end;
			long v = (name[0] == '$' || name[0] == '?') ? strtol(name + 1, &end, 10) : 0;
			if (v < 1 || v > n || *end)
				return db_fail(e, 500, "parameters must be $1…$n", sql);
			k = (int)v;
		}
		if (k != i)
			in_order = false;
		const struct db_val *v = &p[k - 1];
		int rc;
		if (v->t == DBT_INT)
			rc = sqlite3_bind_int64(st, i, v->i);
		else if (v->t == DBT_TEXT && v->s)
			rc = sqlite3_bind_text(st, i, v->s, -1, keep ? SQLITE_TRANSIENT : SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, i);
		if (rc != SQLITE_OK)
			return sq_fail(db, rc, sql, e);
	}
	if (cached && !known)
		cached->in_order = in_order ? 1 : -1;
	return 0;
}

static long long sq_exec(struct db *base, const char *sql, const struct db_val *p, int n, struct err *e)
{
	struct sq_db *db = (struct sq_db *)base;
	struct sq_stmt *cached;
	sqlite3_stmt *st;
	if (sq_acquire(db, sql, &cached, &st, e))
		return -1;
	if (sq_bind(db, cached, st, sql, p, n, 0, e)) {
		sq_release(cached, st);
		return -1;
	}
	long long before = sqlite3_total_changes64(db->h);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	long long changed = -1;
	if (rc == SQLITE_DONE)
		/* sqlite3_changes keeps the count of the last INSERT, UPDATE or
		 * DELETE, so after any other statement it would be stale. */
		changed = sqlite3_total_changes64(db->h) != before ? sqlite3_changes64(db->h) : 0;
	else
		sq_fail(db, rc, sql, e);
	sq_release(cached, st);
	return changed;
}

static int sq_exec_script(struct db *base, const char *sql, struct err *e)
{
	struct sq_db *db = (struct sq_db *)base;
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	db_fail(e, sq_status(rc), msg ? msg : sqlite3_errstr(rc), sql);
	sqlite3_free(msg);
	return -1;
}

static int sq_query(struct db *base, const char *sql, const struct db_val *p, int n, int keep, struct db_res **out,
		    struct err *e)
{
	struct sq_db *db = (struct sq_db *)base;
	struct sq_stmt *cached;
	sqlite3_stmt *st;
	*out = NULL;
	if (sq_acquire(db, sql, &cached, &st, e))
		return -1;
	if (sq_bind(db, cached, st, sql, p, n, keep, e)) {
		sq_release(cached, st);
		return -1;
	}
	struct sq_res *r = db->free_res;
	if (r)
		db->free_res = r->next_free;
	else
		r = xmalloc(sizeof *r);
	r->base.eng = &sq_engine;
	r->db = db;
	r->st = st;
	r->cached = cached;
	r->done = 0;
	r->next_free = NULL;
	r->nnames = -1;
	*out = &r->base;
	return 0;
}

static int sq_next(struct db_res *base, struct err *e)
{
	struct sq_res *r = (struct sq_res *)base;
	if (r->done)
		return 0;
	int rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW)
		return 1;
	r->done = 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_fail(r->db, rc, sqlite3_sql(r->st), e);
}

static int sq_ncols(struct db_res *base)
{
	return sqlite3_column_count(((struct sq_res *)base)->st);
}

static const char *sq_colname(struct db_res *base, int col)
{
	const char *s = sqlite3_column_name(((struct sq_res *)base)->st, col);
	return s ? s : "";
}

static int sq_isnull(struct db_res *base, int col)
{
	return sqlite3_column_type(((struct sq_res *)base)->st, col) == SQLITE_NULL;
}

static long long sq_int(struct db_res *base, int col)
{
	return sqlite3_column_int64(((struct sq_res *)base)->st, col);
}

static const char *sq_text(struct db_res *base, int col)
{
	const unsigned char *s = sqlite3_column_text(((struct sq_res *)base)->st, col);
	return s ? (const char *)s : "";
}

/* Every row of every list: one sqlite3_column_value per cell (the
 * sqlite3_column_* calls each find the column again: three of them per
 * text cell), the column names and lengths read once per result. The
 * connection is one thread's at a time (SQLITE_OPEN_NOMUTEX), so the
 * unprotected value is read as the documentation allows there. */
static json_t *sq_row_json(struct db_res *base, struct err *e)
{
	struct sq_res *r = (struct sq_res *)base;
	sqlite3_stmt *st = r->st;
	int n = sqlite3_column_count(st);
	if (r->nnames < 0) {
		r->nnames = n <= SQ_NAMES ? n : 0;
		for (int i = 0; i < r->nnames; i++) {
			r->names[i] = sq_colname(base, i);
			r->namelen[i] = strlen(r->names[i]);
		}
	}
	json_t *o = json_object();
	for (int i = 0; i < n; i++) {
		json_t *v;
		sqlite3_value *cv = sqlite3_column_value(st, i);
		switch (sqlite3_value_type(cv)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_value_int64(cv)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_value_double(cv)); break;
		case SQLITE_NULL: v = json_null(); break;
		default: {
			const char *s = (const char *)sqlite3_value_text(cv);
			v = jx_stringn(s ? s : "", (size_t)sqlite3_value_bytes(cv));
			if (!v) {
				/* jansson refuses invalid UTF-8; input is checked
				 * before it is stored, so this is a damaged row. */
				json_decref(o);
				char what[128];
				snprintf(what, sizeof what, "column %.64s is not valid UTF-8", sq_colname(base, i));
				db_fail(e, 500, what, sqlite3_sql(st));
				return NULL;
			}
		}
		}
		/* Column names come from our own SQL text: no need to check them
		 * as UTF-8 for every row. */
		if (i < r->nnames)
			json_object_setn_new_nocheck(o, r->names[i], r->namelen[i], v);
		else
			json_object_set_new_nocheck(o, sq_colname(base, i), v);
	}
	return o;
}

static void sq_res_free(struct db_res *base)
{
	struct sq_res *r = (struct sq_res *)base;
	struct sq_db *db = r->db;
	sq_release(r->cached, r->st);
	r->st = NULL;
	r->next_free = db->free_res;
	db->free_res = r;
}

static int sq_begin(struct db *base, struct err *e)
{
	struct sq_db *db = (struct sq_db *)base;
	if (!sqlite3_get_autocommit(db->h))
		return db_fail(e, 500, "db_begin: a transaction is already open", NULL);
	return sq_exec(base, "BEGIN IMMEDIATE", NULL, 0, e) < 0 ? -1 : 0;
}

static int sq_commit(struct db *base, struct err *e)
{
	return sq_exec(base, "COMMIT", NULL, 0, e) < 0 ? -1 : 0;
}

static void sq_rollback(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	/* SQLite may have rolled back already (some errors end the
	 * transaction); ROLLBACK then would only fail. */
	if (sqlite3_get_autocommit(db->h))
		return;
	struct err ignored = ERR_INIT;
	sq_exec(base, "ROLLBACK", NULL, 0, &ignored);
}

static int sq_lock(struct db *base, long long key, struct err *e)
{
	struct sq_db *db = (struct sq_db *)base;
	/* BEGIN IMMEDIATE already holds the one write lock, which serialises
	 * every writer; refusing a lock outside a transaction keeps code that
	 * would be wrong on PostgreSQL from passing its tests here. */
	if (sqlite3_get_autocommit(db->h))
		return db_fail(e, 500, "db_lock outside a transaction", NULL);
	return 0;
}

static void sq_stmt_free(void *val, void *ctx)
{
	struct sq_stmt *c = val;
	sqlite3_finalize(c->st);
	free(c->sql);
	free(c);
}

static void sq_close(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	db_cache_free(&db->base.cache, sq_stmt_free, NULL);
	while (db->free_res) {
		struct sq_res *r = db->free_res;
		db->free_res = r->next_free;
		free(r);
	}
	sqlite3_close_v2(db->h);
	free(db);
}

static int sq_collate_thai(void *ctx, int alen, const void *a, int blen, const void *b)
{
	return thai_collate(a, (size_t)alen, b, (size_t)blen);
}

static int sq_open_fail(sqlite3 *h, const char *path, const char *why, struct err *e)
{
	err_set(e, 500, "เปิดฐานข้อมูล %s ไม่ได้: %s", path, why);
	sqlite3_close_v2(h);
	return -1;
}

/* SQLite's memory statistics take one process-wide mutex on every
 * allocation, which the worker threads then queue on (seen as futex time
 * under load); nothing here reads those statistics. Set before SQLite
 * initialises, once. */
static void sq_global_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_sqlite_open(const char *path, struct db **out, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_global_config);
	sqlite3 *h = NULL;
	*out = NULL;
	/* NOMUTEX: a connection belongs to one thread at a time, so SQLite's
	 * per-connection mutex would only cost time. The folder is the
	 * caller's to make: a missing one is a configuration mistake worth
	 * reporting, not papering over. */
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return sq_open_fail(h, path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc), e);
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 5000);
	/* "text" is an identifier on PostgreSQL; SQLite's fallback of reading
	 * it as a string literal would let SQL pass here and fail there. */
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);

	/* The file is only read here for the first time, so a path that is a
	 * folder or a file that is not a database fails now. */
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		struct buf why = BUF_INIT;
		buf_adds(&why, sqlite3_errmsg(h));
		sqlite3_finalize(st);
		sq_open_fail(h, path, buf_cstr(&why), e);
		buf_release(&why);
		return -1;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	/* Without WAL every reader blocks the writer; better to refuse than to
	 * run slowly in a way nobody notices. ":memory:" cannot do WAL. */
	int wal = mode && !strcmp(mode, "wal");
	sqlite3_finalize(st);
	if (!wal && strcmp(path, ":memory:"))
		return sq_open_fail(h, path, "ระบบไฟล์นี้ใช้โหมด WAL ไม่ได้", e);

	/* synchronous=FULL, not NORMAL: in WAL mode NORMAL syncs only at
	 * checkpoints, so a power cut can lose transactions that were already
	 * committed and confirmed to the user, which X-6 forbids. FULL syncs
	 * the WAL at every commit: one fsync per write transaction, none for
	 * reads. Foreign keys are off by default in SQLite and on in
	 * PostgreSQL; the same rules must hold on both. */
	char *msg = NULL;
	rc = sqlite3_exec(h, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		struct buf why = BUF_INIT;
		buf_adds(&why, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sq_open_fail(h, path, buf_cstr(&why), e);
		buf_release(&why);
		return -1;
	}
	rc = sqlite3_create_collation_v2(h, "thai", SQLITE_UTF8, NULL, sq_collate_thai, NULL);
	if (rc != SQLITE_OK)
		return sq_open_fail(h, path, sqlite3_errmsg(h), e);

	struct sq_db *db = xcalloc(1, sizeof *db);
	db->base.eng = &sq_engine;
	db->base.kind = DB_SQLITE;
	db->h = h;
	*out = &db->base;
	return 0;
}

static const struct db_engine sq_engine = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .lock = sq_lock,
    .exec = sq_exec,
    .exec_script = sq_exec_script,
    .query = sq_query,
    .next = sq_next,
    .ncols = sq_ncols,
    .colname = sq_colname,
    .isnull = sq_isnull,
    .int_ = sq_int,
    .text = sq_text,
    .row_json = sq_row_json,
    .res_free = sq_res_free,
};
