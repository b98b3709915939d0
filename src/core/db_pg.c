/* db_pg: the PostgreSQL engine behind db.h, for a national deployment where
 * many identical instances share one database. Each SQL text is prepared
 * once per connection under a name of its own ("k1", "k2", …) and then only
 * executed, so the server parses and plans it once. Parameters travel as
 * text and the server infers their types from the SQL, as it would for
 * literals; results come back whole, in text format, and the column type
 * tells which values are integers so JSON carries 42, not "42", exactly as
 * SQLite gives it. A connection that drops between transactions is
 * re-opened on the next call (its prepared statements are then prepared
 * again), with back-off while the server stays away; a read outside a
 * transaction and a BEGIN that find it dead run once more on the new one.
 * One that drops inside a transaction fails (503) until db_rollback, so a
 * transaction is never silently split in two (db.h, db_lost). */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"
#include "core/db_internal.h"
#include "core/jsonx.h"
#include "core/num.h"

/* Type OIDs from the server's pg_type.h, whose headers are not worth
 * needing for a few numbers that never change. */
enum {
	OID_BOOL = 16,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700
};

struct pg_stmt {
	char *sql;
	unsigned gen; /* the connection generation it was prepared in */
	char name[16];
};

struct pg_db;

struct pg_res {
	struct db_res base;
	struct pg_db *db;
	PGresult *res;
	int row, nrows;
	struct pg_res *next_free;
};

struct pg_db {
	struct db base;
	PGconn *c;
	unsigned gen;	    /* bumped when the connection is re-opened */
	unsigned next_name; /* for statement names */
	int in_tx;	    /* between db_begin and db_commit/db_rollback */
	struct pg_res *free_res;
	long long retry_at_ms; /* the connection is dead: no new try before this */
	long long backoff_ms;  /* the wait after the next failed try */
};

/* Back-off between tries to reconnect while the server is away. */
#define PG_BACKOFF_MIN_MS 100
#define PG_BACKOFF_MAX_MS 5000

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool pg_dead(struct pg_db *db)
{
	return PQstatus(db->c) != CONNECTION_OK;
}

static const struct db_engine pg_engine;

/* libpq's own messages (connection failures) end in a newline and may
 * span lines; db_fail puts them on one line. */
static int pg_fail_text(struct err *e, int status, const char *msg, const char *sql)
{
	return db_fail(e, status, msg ? msg : "unknown error", sql);
}

/* A failure that left the connection dead: 503, db_lost. */
static int pg_fail_lost(struct pg_db *db, const char *sql, struct err *e)
{
	db->base.lost = true;
	return pg_fail_text(e, 503, PQerrorMessage(db->c), sql);
}

static int pg_fail(struct pg_db *db, PGresult *r, const char *sql, struct err *e)
{
	if (pg_dead(db))
		return pg_fail_lost(db, sql, e);
	if (!r)
		return pg_fail_text(e, 500, PQerrorMessage(db->c), sql);
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	/* Class 23, integrity constraint violation: unique, foreign key, not
	 * null, check, exclusion. */
	int status = state && state[0] == '2' && state[1] == '3' ? 409 : 500;
	if (!primary)
		return pg_fail_text(e, status, PQresultErrorMessage(r), sql);
	/* The parts, not the whole text, which repeats the statement with a
	 * caret under the error position over several lines. */
	struct buf b = BUF_INIT;
	buf_adds(&b, primary);
	if (detail)
		buf_addf(&b, " (%s)", detail);
	if (state)
		buf_addf(&b, " [%s]", state);
	pg_fail_text(e, status, buf_cstr(&b), sql);
	buf_release(&b);
	return -1;
}

static int pg_ready(struct pg_db *db, struct err *e)
{
	if (!pg_dead(db))
		return 0;
	db->base.lost = true;
	if (db->in_tx)
		return db_fail(e, 503, "connection to PostgreSQL lost inside a transaction", NULL);
	long long now = mono_ms();
	if (now < db->retry_at_ms)
		return db_fail(e, 503, "PostgreSQL unreachable; reconnecting", NULL);
	PQreset(db->c);
	if (pg_dead(db)) {
		db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : PG_BACKOFF_MIN_MS;
		if (db->backoff_ms > PG_BACKOFF_MAX_MS)
			db->backoff_ms = PG_BACKOFF_MAX_MS;
		db->retry_at_ms = mono_ms() + db->backoff_ms;
		return pg_fail_text(e, 503, PQerrorMessage(db->c), NULL);
	}
	db->backoff_ms = 0;
	db->retry_at_ms = 0;
	db->base.lost = false;
	db->gen++; /* the server forgot every prepared statement */
	return 0;
}

/* Returns the name sql is prepared under, preparing it if needed; NULL on
 * failure. */
static const char *pg_prepared(struct pg_db *db, const char *sql, struct err *e)
{
	uint64_t hash = db_cache_hash(sql);
	struct pg_stmt *s = db_cache_get(&db->base.cache, sql, hash);
	if (s && s->gen == db->gen)
		return s->name;
	const char *name;
	if (s) {
		name = s->name;
	} else if (db->base.cache.count >= DB_CACHE_MAX) {
		/* The unnamed statement: replaced by the next one, never kept. */
		name = "";
	} else {
		s = xmalloc(sizeof *s);
		s->sql = NULL;
		snprintf(s->name, sizeof s->name, "k%u", ++db->next_name);
		name = s->name;
	}
	PGresult *r = PQprepare(db->c, name, sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_fail(db, r, sql, e);
		PQclear(r);
		if (s && !s->sql)
			free(s);
		return NULL;
	}
	PQclear(r);
	if (!*name)
		return name;
	s->gen = db->gen;
	if (!s->sql) {
		s->sql = xstrdup(sql);
		db_cache_put(&db->base.cache, s->sql, hash, s); /* room checked above */
	}
	return s->name;
}

static PGresult *pg_run_once(struct pg_db *db, const char *sql, const struct db_val *p, int n, struct err *e);

/* Runs sql with p; returns a result that succeeded, or NULL with e set. A
 * read outside a transaction that finds the connection dead runs once more
 * on a new one: it changed nothing, and the request need not fail. */
static PGresult *pg_run(struct pg_db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	PGresult *r = pg_run_once(db, sql, p, n, e);
	if (r || db->in_tx || !pg_dead(db) || !db_sql_reads(sql))
		return r;
	err_clear(e);
	return pg_run_once(db, sql, p, n, e);
}

/* Behind a pooler in transaction mode (PgBouncer before 1.21) a statement
 * prepared on one server connection is unknown on the next: db_set_pooled
 * turns named statements off, and each call parses its SQL again
 * (PQexecParams, the unnamed statement). */
static bool pooled;

void db_set_pooled(bool on)
{
	pooled = on;
}

static PGresult *pg_run_once(struct pg_db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	if (pg_ready(db, e))
		return NULL;
	const char *name = pooled ? "" : pg_prepared(db, sql, e);
	if (!name)
		return NULL;
	/* Integers are printed into these; a statement with more parameters
	 * than fit is rare enough to pay for an allocation. */
	enum { FEW = 16 };
	char few_nums[FEW][24];
	const char *few_vals[FEW];
	char(*nums)[24] = n <= FEW ? few_nums : xmalloc((size_t)n * sizeof *nums);
	const char **vals = n <= FEW ? few_vals : xmalloc((size_t)n * sizeof *vals);
	for (int i = 0; i < n; i++) {
		if (p[i].t == DBT_INT) {
			snprintf(nums[i], sizeof nums[i], "%lld", p[i].i);
			vals[i] = nums[i];
		} else {
			vals[i] = p[i].t == DBT_TEXT ? p[i].s : NULL;
		}
	}
	PGresult *r = pooled ? PQexecParams(db->c, sql, n, NULL, vals, NULL, NULL, 0)
			     : PQexecPrepared(db->c, name, n, vals, NULL, NULL, 0);
	if (n > FEW) {
		free(nums);
		free(vals);
	}
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		db->base.lost = false;
		return r;
	}
	pg_fail(db, r, sql, e);
	PQclear(r);
	return NULL;
}

static long long pg_exec(struct db *base, const char *sql, const struct db_val *p, int n, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	PGresult *r = pg_run(db, sql, p, n, e);
	if (!r)
		return -1;
	long long changed = num_ll_or(PQcmdTuples(r), 0); /* "" for statements without a count */
	PQclear(r);
	return changed;
}

/* A command without parameters through the simple protocol: transaction
 * control and scripts, which are not worth a prepared statement. */
static PGresult *pg_simple(struct pg_db *db, const char *sql, struct err *e)
{
	PGresult *r = PQexec(db->c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return r;
	pg_fail(db, r, sql, e);
	PQclear(r);
	return NULL;
}

static int pg_exec_script(struct db *base, const char *sql, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	if (pg_ready(db, e))
		return -1;
	PGresult *r = pg_simple(db, sql, e);
	PQclear(r);
	return r ? 0 : -1;
}

static int pg_query(struct db *base, const char *sql, const struct db_val *p, int n, int keep, struct db_res **out,
		    struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	*out = NULL;
	/* keep needs nothing here: libpq sends the parameters before
	 * PQexecPrepared returns, and the rows are already in the result. */
	PGresult *res = pg_run(db, sql, p, n, e);
	if (!res)
		return -1;
	struct pg_res *r = db->free_res;
	if (r)
		db->free_res = r->next_free;
	else
		r = xmalloc(sizeof *r);
	r->base.eng = &pg_engine;
	r->db = db;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	r->next_free = NULL;
	*out = &r->base;
	return 0;
}

static int pg_next(struct db_res *base, struct err *e)
{
	struct pg_res *r = (struct pg_res *)base;
	if (r->row + 1 < r->nrows) {
		r->row++;
		return 1;
	}
	r->row = r->nrows;
	return 0;
}

static int pg_ncols(struct db_res *base)
{
	return PQnfields(((struct pg_res *)base)->res);
}

static const char *pg_colname(struct db_res *base, int col)
{
	const char *s = PQfname(((struct pg_res *)base)->res, col);
	return s ? s : "";
}

/* NULL when there is no current row or no such column. */
static const char *pg_value(struct pg_res *r, int col)
{
	if (r->row < 0 || r->row >= r->nrows)
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int pg_isnull(struct db_res *base, int col)
{
	struct pg_res *r = (struct pg_res *)base;
	if (r->row < 0 || r->row >= r->nrows)
		return 1;
	return PQgetisnull(r->res, r->row, col);
}

static long long pg_int(struct db_res *base, int col)
{
	struct pg_res *r = (struct pg_res *)base;
	const char *v = pg_value(r, col);
	if (!v)
		return 0;
	if (PQftype(r->res, col) == OID_BOOL)
		return v[0] == 't';
	return num_ll_or(v, 0);
}

static const char *pg_text(struct db_res *base, int col)
{
	struct pg_res *r = (struct pg_res *)base;
	const char *v = pg_value(r, col);
	if (!v)
		return "";
	/* SQLite has no booleans and gives 1/0; so does this. */
	if (PQftype(r->res, col) == OID_BOOL && !PQgetisnull(r->res, r->row, col))
		return v[0] == 't' ? "1" : "0";
	return v;
}

/* NUMERIC is what SUM() of a BIGINT gives on PostgreSQL, where SQLite gives
 * an integer: a whole number becomes a JSON integer, so both agree. */
static json_t *pg_numeric_json(const char *v)
{
	char *end;
	if (!strpbrk(v, ".eEN")) {
		errno = 0;
		long long i = strtoll(v, &end, 10);
		if (!*end && !errno)
			return json_integer(i);
	}
	double d = strtod(v, &end);
	json_t *j = json_real(d); /* NULL for NaN and infinities */
	return j ? j : json_null();
}

static json_t *pg_row_json(struct db_res *base, struct err *e)
{
	struct pg_res *r = (struct pg_res *)base;
	PGresult *res = r->res;
	int n = PQnfields(res);
	json_t *o = json_object();
	for (int i = 0; i < n; i++) {
		json_t *v;
		if (PQgetisnull(res, r->row, i)) {
			v = json_null();
		} else {
			const char *s = PQgetvalue(res, r->row, i);
			switch (PQftype(res, i)) {
			case OID_INT2:
			case OID_INT4:
			case OID_INT8: v = json_integer(num_ll_or(s, 0)); break;
			case OID_BOOL: v = json_integer(s[0] == 't'); break;
			case OID_NUMERIC:
			case OID_FLOAT4:
			case OID_FLOAT8: v = pg_numeric_json(s); break;
			default:
				/* The database is UTF8 (checked at open), so this
				 * only fails on a damaged value. */
				v = jx_stringn(s, (size_t)PQgetlength(res, r->row, i));
				if (!v) {
					json_decref(o);
					char what[128];
					snprintf(what, sizeof what, "column %.64s is not valid UTF-8", PQfname(res, i));
					return db_fail(e, 500, what, NULL), NULL;
				}
			}
		}
		json_object_set_new_nocheck(o, PQfname(res, i), v);
	}
	return o;
}

static void pg_res_free(struct db_res *base)
{
	struct pg_res *r = (struct pg_res *)base;
	struct pg_db *db = r->db;
	PQclear(r->res);
	r->res = NULL;
	r->next_free = db->free_res;
	db->free_res = r;
}

static int pg_begin(struct db *base, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	if (db->in_tx)
		return db_fail(e, 500, "db_begin: a transaction is already open", NULL);
	if (pg_ready(db, e))
		return -1;
	/* Named, not left to the server's default: the code is written for
	 * READ COMMITTED plus db_lock where a rule needs serialising. */
	PGresult *r = pg_simple(db, "BEGIN ISOLATION LEVEL READ COMMITTED", e);
	if (!r && pg_dead(db)) {
		/* found dead at the start: nothing was sent yet, begin anew */
		err_clear(e);
		if (pg_ready(db, e))
			return -1;
		r = pg_simple(db, "BEGIN ISOLATION LEVEL READ COMMITTED", e);
	}
	if (!r)
		return -1;
	PQclear(r);
	db->in_tx = 1;
	return 0;
}

static int pg_commit(struct db *base, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	if (!db->in_tx)
		return db_fail(e, 500, "db_commit without db_begin", NULL);
	db->in_tx = 0;
	PGresult *r = pg_simple(db, "COMMIT", e);
	if (!r)
		return -1;
	/* After an error inside the transaction the server answers COMMIT
	 * with "ROLLBACK" and no error: the caller must not think it saved. */
	int rolled_back = !strcmp(PQcmdStatus(r), "ROLLBACK");
	PQclear(r);
	if (rolled_back)
		return db_fail(e, 500, "the transaction was rolled back after an earlier error", NULL);
	return 0;
}

static void pg_rollback(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	db->in_tx = 0;
	if (PQstatus(db->c) != CONNECTION_OK || PQtransactionStatus(db->c) == PQTRANS_IDLE)
		return;
	PQclear(PQexec(db->c, "ROLLBACK"));
}

static int pg_lock(struct db *base, long long key, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	/* Outside a transaction the lock would end with the statement. */
	if (!db->in_tx)
		return db_fail(e, 500, "db_lock outside a transaction", NULL);
	PGresult *r = pg_run(db, "SELECT pg_advisory_xact_lock($1)", DB_ARGS(DB_INT(key)), e);
	PQclear(r);
	return r ? 0 : -1;
}

static void pg_stmt_free(void *val, void *ctx)
{
	struct pg_stmt *s = val;
	free(s->sql);
	free(s);
}

static void pg_close(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	db_cache_free(&db->base.cache, pg_stmt_free, NULL);
	while (db->free_res) {
		struct pg_res *r = db->free_res;
		db->free_res = r->next_free;
		free(r);
	}
	PQfinish(db->c);
	free(db);
}

/* NOTICEs ("relation already exists, skipping") are expected chatter;
 * warnings still reach stderr. */
static void pg_notice(void *ctx, const char *msg)
{
	if (strncmp(msg, "NOTICE:", 7) && strncmp(msg, "DEBUG:", 6) && strncmp(msg, "INFO:", 5))
		fputs(msg, stderr);
}

int db_pg_open(const char *url, struct db **out, struct err *e)
{
	*out = NULL;
	/* expand_dbname: the URL is read as a connection string; the keys after
	 * it override it (client_encoding) or fill in (fallback_…). */
	/* A connect that hangs on a server gone away would hold a worker:
	 * 5 s unless the URL says otherwise. */
	bool timeout = strstr(url, "connect_timeout") != NULL;
	const char *const keys[] = {"dbname", "client_encoding", "fallback_application_name",
				    timeout ? NULL : "connect_timeout", NULL};
	const char *const vals[] = {url, "UTF8", "khet", timeout ? NULL : "5", NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	const char *why = NULL;
	if (!c)
		why = "out of memory";
	else if (PQstatus(c) != CONNECTION_OK)
		why = PQerrorMessage(c);
	else if (strcmp(PQparameterStatus(c, "server_encoding") ? PQparameterStatus(c, "server_encoding") : "", "UTF8"))
		/* Thai text and the ICU collation need it. */
		why = "ฐานข้อมูลต้องใช้รหัสอักขระ UTF8 (สร้างด้วย createdb -E UTF8)";
	if (why) {
		struct buf u = BUF_INIT, w = BUF_INIT;
		db_url_redacted(url, &u);
		for (const char *s = why; *s; s++)
			buf_addc(&w, *s == '\n' ? ' ' : *s);
		while (w.len && w.data[w.len - 1] == ' ')
			w.data[--w.len] = 0;
		err_set(e, 500, "เปิดฐานข้อมูล %s ไม่ได้: %s", buf_cstr(&u), buf_cstr(&w));
		buf_release(&u);
		buf_release(&w);
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, pg_notice, NULL);
	struct pg_db *db = xcalloc(1, sizeof *db);
	db->base.eng = &pg_engine;
	db->base.kind = DB_POSTGRES;
	db->c = c;
	*out = &db->base;
	return 0;
}

/* COPY … FROM STDIN: the connection is in copy mode from begin to end. */
static int pg_copy_begin(struct db *base, const char *sql, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	if (pg_ready(db, e))
		return -1;
	PGresult *r = PQexec(db->c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		pg_fail(db, r, sql, e);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static int pg_copy_data(struct db *base, const char *data, size_t len, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	while (len > 0) {
		int n = len > (1 << 30) ? 1 << 30 : (int)len;
		if (PQputCopyData(db->c, data, n) != 1)
			return pg_fail_text(e, 500, PQerrorMessage(db->c), "COPY data");
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pg_copy_end(struct db *base, const char *fail, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	int rc = 0;
	if (PQputCopyEnd(db->c, fail) != 1)
		rc = pg_fail_text(e, 500, PQerrorMessage(db->c), "COPY end");
	PGresult *r;
	while ((r = PQgetResult(db->c)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(db, r, "COPY", e);
		PQclear(r);
	}
	return rc;
}

/* The socket shut down under libpq, as a dead server or network leaves
 * it: the next call fails and finds the connection bad. */
static void pg_sever(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	int fd = PQsocket(db->c);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
}

static const struct db_engine pg_engine = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .lock = pg_lock,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
    .query = pg_query,
    .next = pg_next,
    .ncols = pg_ncols,
    .colname = pg_colname,
    .isnull = pg_isnull,
    .int_ = pg_int,
    .text = pg_text,
    .row_json = pg_row_json,
    .res_free = pg_res_free,
    .copy_begin = pg_copy_begin,
    .copy_data = pg_copy_data,
    .copy_end = pg_copy_end,
    .sever = pg_sever,
};
