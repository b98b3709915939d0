/* db: one database API over SQLite (the embedded default) and PostgreSQL 15
 * (a national deployment), so modules write their SQL once. SQL text is a
 * constant string with $1…$n parameters, in the subset both engines run;
 * values are bound, never pasted in. Statements are prepared once per
 * connection and reused (the cache is keyed by the SQL text). A connection
 * belongs to one thread at a time: the server opens one per worker.
 *
 * SQLite is opened with WAL, foreign keys on, a busy timeout, and the "thai"
 * collation (libthai's th_strcoll); PostgreSQL gets the same collation name
 * from migration 0001 (ICU th-TH), so `ORDER BY name COLLATE thai` sorts the
 * same on both.
 *
 * Errors: a unique or foreign-key constraint violation fails with e->status
 * 409; anything else with 500. e->msg then holds the engine's text, for the
 * log, not for users. */
#ifndef KHET_DB_H
#define KHET_DB_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"

enum db_kind { DB_SQLITE = 1, DB_POSTGRES = 2 };

enum db_type { DBT_NULL, DBT_INT, DBT_TEXT };
struct db_val {
	enum db_type t;
	long long i;
	const char *s;
};
#define DB_INT(x) ((struct db_val){DBT_INT, (long long)(x), 0})
#define DB_TEXT(x) db_text_val(x)
#define DB_NULL ((struct db_val){DBT_NULL, 0, 0})
static inline struct db_val db_text_val(const char *s)
{
	struct db_val v = {s ? DBT_TEXT : DBT_NULL, 0, s};
	return v;
}
/* DB_ARGS(DB_INT(id), DB_TEXT(name)) expands to the (array, count) pair the
 * query functions take; pass NULL, 0 for no parameters. */
#define DB_ARGS(...) \
	(const struct db_val[]){__VA_ARGS__}, (int)(sizeof((const struct db_val[]){__VA_ARGS__}) / sizeof(struct db_val))

struct db;
struct db_res;

/* url: "sqlite:PATH" or "postgres://…" / "postgresql://…". An unknown scheme
 * or a database that cannot be opened fails with a message saying why. */
int db_open(const char *url, struct db **out, struct err *e);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* 1 if url names a scheme db_open knows. */
int db_url_known(const char *url);

/* Transactions. SQLite's BEGIN is IMMEDIATE, so a transaction that writes
 * holds the write lock from its start and cannot deadlock on upgrade.
 * PostgreSQL's is READ COMMITTED. After any failed call inside a transaction,
 * and after a failed db_commit, call db_rollback: PostgreSQL refuses every
 * further statement of a failed transaction while SQLite carries on, so only
 * rolling back behaves the same on both. db_begin inside a transaction fails;
 * db_rollback outside one does nothing. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
/* Serialises writers on one key until the transaction ends
 * (pg_advisory_xact_lock on PostgreSQL; SQLite's IMMEDIATE transaction
 * already serialises all writers). Use before check-then-insert rules such
 * as "two bookings of a room never overlap". Fails outside a transaction,
 * on both engines. Keys are one space for the whole program: make them
 * distinct per rule (db_migrate uses 0x6b6865746d6967, "khetmig"). */
int db_lock(struct db *db, long long key, struct err *e);

/* Parameters, for every call below: n must equal the number of distinct
 * $N in the SQL ($1 used twice counts once), and values are read only
 * during the call (db_query copies what it needs). One statement per call;
 * several are refused (db_exec_script runs scripts). PostgreSQL infers a
 * parameter's type from where it stands; where it cannot (SELECT $1,
 * $1 IS NULL, COALESCE($1, …)) write CAST($1 AS BIGINT) or CAST($1 AS TEXT),
 * which both engines run. SQLite refuses "double-quoted" string literals,
 * as PostgreSQL does. */

/* Runs a statement; returns rows changed (>= 0; 0 for statements that
 * change no rows, such as CREATE) or -1. */
long long db_exec(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e);
/* Runs several ;-separated statements without parameters (migrations). It
 * is not prepared or cached: not for code run per request. */
int db_exec_script(struct db *db, const char *sql, struct err *e);
/* After a bulk load (khet demo, khet import): PostgreSQL gathers the
 * planner's statistics (ANALYZE) at once, so the first pages after a load
 * are not planned as if its tables were empty until autovacuum comes by
 * (an officer's list was 450 ms instead of 2.5 ms). SQLite plans without
 * statistics and is left as it is. Not for code run per request. */
int db_analyze(struct db *db, struct err *e);

/* Row-by-row reading. db_next returns 1 for a row, 0 at the end, -1 on
 * error. Column accessors read the current row; text is valid until the
 * next db_next or db_res_free. */
int db_query(struct db *db, const char *sql, const struct db_val *p, int n, struct db_res **out, struct err *e);
int db_next(struct db_res *r, struct err *e);
/* Nanoseconds this thread has spent in database calls since it started
 * (the difference around a handler is that request's database time). */
long long db_thread_ns(void);
/* Statements this thread has sent to the database since it started (each
 * query, exec, BEGIN, COMMIT, lock; on PostgreSQL a round trip each; a
 * ROLLBACK, sent only inside a transaction, is not counted): the
 * difference around a handler is that request's count. */
long long db_thread_calls(void);
int db_ncols(struct db_res *r);
const char *db_colname(struct db_res *r, int col);
int db_isnull(struct db_res *r, int col);
long long db_int(struct db_res *r, int col);
const char *db_text(struct db_res *r, int col); /* "" for NULL */
void db_res_free(struct db_res *r);

/* A lost connection (PostgreSQL restarted, a network blip, a pooler's idle
 * timeout): the call that finds it fails with status 503 and db_lost is
 * true until a call succeeds again. Between transactions the next call
 * reconnects, at most once per back-off step (0.1 s doubling to 5 s) while
 * the server stays away, so a dead server costs a request no connect
 * timeout. A read outside a transaction, and a BEGIN, that find the
 * connection dead are run once more on the new one by the engine itself.
 * db_wrote: a statement that may have changed data (anything but a SELECT)
 * ran since db_clean — a request whose connection was lost before it
 * wrote can be run again whole; one that wrote must not (it may have been
 * applied). SQLite never loses its connection. */
bool db_lost(const struct db *db);
bool db_wrote(const struct db *db);
void db_clean(struct db *db);
/* Whether sql only reads: it starts with SELECT (a WITH may write). */
bool db_sql_reads(const char *sql);

/* PostgreSQL reached through a pooler in transaction mode (PgBouncer before
 * 1.21, whose server connection changes between transactions): no named
 * prepared statements — each call sends its SQL. Set once at start
 * (`--db-pooler`), before any connection is used. */
void db_set_pooled(bool on);

/* Bulk loading: many rows into one table, as fast as the engine takes
 * them — PostgreSQL through COPY … FROM STDIN, SQLite through one prepared
 * INSERT run per row. Inside a transaction (nothing else may run on the
 * connection between begin and end on PostgreSQL). Values are text, NULL
 * for SQL NULL; the column's type converts them ("42" into a BIGINT).
 *
 *   struct db_bulk *b = db_bulk_begin(db, "t", cols, 3, &e);
 *   while (...) if (db_bulk_row(b, vals, &e) < 0) break;
 *   rc = db_bulk_end(b, ok, &e);     // ok false: nothing of it is kept
 *
 * db_bulk_end frees b and returns 0 when every row was stored, -1 with e
 * (the first failure's) otherwise. */
struct db_bulk;
struct db_bulk *db_bulk_begin(struct db *db, const char *table, const char *const *cols, int ncols, struct err *e);
int db_bulk_row(struct db_bulk *b, const char *const *vals, struct err *e);
int db_bulk_end(struct db_bulk *b, bool ok, struct err *e);

/* Conveniences for views: all rows as a JSON array of objects keyed by
 * column name (integers as JSON integers, text as strings, NULL as null);
 * NULL on error. PostgreSQL's booleans become 1/0 and whole NUMERICs
 * (SUM of a BIGINT) integers, as SQLite gives them. Two columns with the
 * same name keep only the last: alias them (a.id AS a_id). */
json_t *db_rows_json(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e);
/* The first row as an object; NULL with e->status 404 when there is none. */
json_t *db_row_json(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e);
/* The first column of the first row as an integer: returns 1 and sets *out
 * when there is a row (NULL reads as 0), 0 when none, -1 on error. */
int db_int_value(struct db *db, const char *sql, const struct db_val *p, int n, long long *out, struct err *e);

/* Applies the migrations compiled into the binary (db/migrations/NNNN_*.sql,
 * with NNNN_*.sqlite.sql / NNNN_*.pg.sql variants where the engines differ)
 * that are newer than the schema_version table says, each in its own
 * transaction. Tokens @ID@ (auto-increment primary key) and @BLOB@ are
 * replaced per engine. Returns the number applied, or -1. */
int db_migrate(struct db *db, struct err *e);
/* db_migrate up to max_version only (upgrade tests build an old schema). */
int db_migrate_upto(struct db *db, int max_version, struct err *e);

#endif
