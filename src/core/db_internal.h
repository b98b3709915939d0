/* db_internal: what db.c, db_sqlite.c, db_pg.c and migrate.c share and no
 * module may see. A connection and a result start with a pointer to their
 * engine's table of functions, so the public calls in db.c dispatch with
 * one indirect call and the engines keep their own state after that header.
 * The statement cache (SQL text → the engine's prepared statement) is one
 * open-addressing hash table here, used by both engines: SQL is a constant
 * string, so a connection prepares each text once and the table stops
 * growing after the first requests. */
#ifndef KHET_DB_INTERNAL_H
#define KHET_DB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/db.h"

struct db_engine {
	void (*close)(struct db *db);
	int (*begin)(struct db *db, struct err *e);
	int (*commit)(struct db *db, struct err *e);
	void (*rollback)(struct db *db);
	int (*lock)(struct db *db, long long key, struct err *e);
	long long (*exec)(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e);
	int (*exec_script)(struct db *db, const char *sql, struct err *e);
	/* keep: the caller reads rows after this call returns, when p may be
	 * gone, so the engine must copy text parameters. Helpers that read every
	 * row before returning pass 0 and save the copies. */
	int (*query)(struct db *db, const char *sql, const struct db_val *p, int n, int keep, struct db_res **out,
		     struct err *e);
	int (*next)(struct db_res *r, struct err *e);
	int (*ncols)(struct db_res *r);
	const char *(*colname)(struct db_res *r, int col);
	int (*isnull)(struct db_res *r, int col);
	long long (*int_)(struct db_res *r, int col);
	const char *(*text)(struct db_res *r, int col);
	/* The current row as a JSON object; NULL with e set on failure. */
	json_t *(*row_json)(struct db_res *r, struct err *e);
	void (*res_free)(struct db_res *r);
	/* COPY … FROM STDIN (NULL: the engine has none, db_bulk inserts row
	 * by row): begin runs sql, data sends rows in the engine's text
	 * format, end finishes (fail: a reason to abort with, or NULL). */
	int (*copy_begin)(struct db *db, const char *sql, struct err *e);
	int (*copy_data)(struct db *db, const char *data, size_t len, struct err *e);
	int (*copy_end)(struct db *db, const char *fail, struct err *e);
	/* Cuts the connection as a network failure would (fault injection);
	 * NULL: the engine has no connection to lose. */
	void (*sever)(struct db *db);
};

struct db_res {
	const struct db_engine *eng;
};

/* Appends url with any password replaced by ***, for messages. */
void db_url_redacted(const char *url, struct buf *out);

int db_sqlite_open(const char *path, struct db **out, struct err *e);
int db_pg_open(const char *url, struct db **out, struct err *e);

/* Statement cache. Keys are owned by the values (each engine keeps its own
 * copy of the SQL text in its statement record and passes it to put). */
struct db_cache_slot {
	uint64_t hash; /* 0 marks an empty slot */
	const char *sql;
	void *val;
};
struct db_cache {
	struct db_cache_slot *slots;
	size_t cap; /* a power of two, or 0 before the first put */
	size_t count;
};
/* Past this many distinct texts the cache stops adding: SQL built at run
 * time would otherwise grow it without end. Such statements still run,
 * prepared and finalised per call. */
#define DB_CACHE_MAX 4096

/* The head of every connection. */
struct db {
	const struct db_engine *eng;
	enum db_kind kind;
	struct db_cache cache; /* SQL text → the engine's statement record */
	bool lost;  /* the engine found the connection dead (db_lost) */
	bool wrote; /* a statement that may change data ran (db_wrote) */
};

/* How many statements the connection keeps prepared (for tests). */
size_t db_cached_statements(const struct db *db);

uint64_t db_cache_hash(const char *sql);
void *db_cache_get(const struct db_cache *c, const char *sql, uint64_t hash);
/* Returns 0, or -1 when the cache is full and val was not added. */
int db_cache_put(struct db_cache *c, const char *sql, uint64_t hash, void *val);
/* Calls fn on every value (to finalise) and frees the table. */
void db_cache_free(struct db_cache *c, void (*fn)(void *val, void *ctx), void *ctx);

/* Starts an error message for the log: the engine's text, then the start
 * of the statement that failed so the log says which one. */
int db_fail(struct err *e, int status, const char *what, const char *sql);

#endif
