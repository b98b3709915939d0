/* ratelimit: failure counts shared by all instances through the ratelimit
 * table (migration 0004). One row per key and second holds how many
 * failures happened in that second, written by an upsert, so concurrent
 * failures on several instances all count and a key never has more rows
 * than the seconds of its window in which it failed. The check sums the
 * rows inside the window; when blocked, it walks them oldest first to find
 * when enough of them will have aged out to let one attempt through.
 * Nothing is kept in memory: a restart or another instance sees the same
 * counts. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/log.h"
#include "core/ratelimit.h"

/* Longer keys (a typed user name can be anything the form allows) are
 * stored as "sha256:" + hex, so the primary key stays small. */
#define KEY_MAX 128

static void key_norm(const char *key, struct buf *out)
{
	size_t n = strlen(key);
	if (n <= KEY_MAX) {
		buf_add(out, key, n);
		return;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof h + 1];
	crypto_hash_sha256(h, (const unsigned char *)key, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	buf_addf(out, "sha256:%s", hex);
}

int ratelimit_hit_n(struct db *db, const char *key, long long at, long long hits, struct err *e)
{
	struct buf k = BUF_INIT;
	key_norm(key, &k);
	long long n = db_exec(db,
			      "INSERT INTO ratelimit (key, at, hits) VALUES ($1, $2, $3) "
			      "ON CONFLICT (key, at) DO UPDATE SET hits = ratelimit.hits + $3",
			      DB_ARGS(DB_TEXT(buf_cstr(&k)), DB_INT(at), DB_INT(hits)), e);
	buf_release(&k);
	return n < 0 ? -1 : 0;
}

int ratelimit_hit(struct db *db, const char *key, long long now, struct err *e)
{
	return ratelimit_hit_n(db, key, now, 1, e);
}

int ratelimit_check(struct db *db, const char *key, int max, int window_seconds, long long now, long long *retry_after,
		    struct err *e)
{
	*retry_after = 0;
	if (max < 1 || window_seconds < 1 || window_seconds > RATELIMIT_KEEP)
		return err_set(e, 500, "ratelimit_check: max and window must be positive, the window at most a day");
	struct buf k = BUF_INIT;
	key_norm(key, &k);
	struct db_res *r = NULL;
	/* A failure at t counts while now - t < window. Rows from the future
	 * (another instance's clock a little ahead) count too. */
	int rc = db_query(db, "SELECT at, hits FROM ratelimit WHERE key = $1 AND at > $2 ORDER BY at",
			  DB_ARGS(DB_TEXT(buf_cstr(&k)), DB_INT(now - window_seconds)), &r, e);
	buf_release(&k);
	if (rc)
		return -1;
	/* At most one row per second of the window. */
	struct {
		long long at, hits;
	} *row = NULL;
	long long total = 0;
	size_t rows = 0, cap = 0;
	while ((rc = db_next(r, e)) == 1) {
		if (rows == cap) {
			cap = cap ? 2 * cap : 16;
			row = xrealloc(row, cap * sizeof *row);
		}
		row[rows].at = db_int(r, 0);
		row[rows].hits = db_int(r, 1);
		total += row[rows].hits;
		rows++;
	}
	db_res_free(r);
	if (rc < 0 || total < max) {
		free(row);
		return rc < 0 ? -1 : 0;
	}
	/* Blocked until the total falls below max: when the oldest rows
	 * holding total - max + 1 failures have left the window. */
	long long left = total, until = now + window_seconds;
	for (size_t i = 0; i < rows; i++) {
		left -= row[i].hits;
		if (left < max) {
			until = row[i].at + window_seconds;
			break;
		}
	}
	free(row);
	long long wait = until - now;
	*retry_after = wait < 1 ? 1 : wait > window_seconds ? window_seconds : wait;
	return 1;
}

long long ratelimit_backoff_delay(long long failures, int free_failures, long long base_seconds, long long cap_seconds)
{
	if (failures < free_failures || base_seconds < 1)
		return 0;
	long long d = base_seconds;
	for (long long i = free_failures; i < failures && d < cap_seconds; i++)
		d *= 2;
	return d > cap_seconds ? cap_seconds : d;
}

int ratelimit_backoff(struct db *db, const char *key, int free_failures, long long base_seconds, long long cap_seconds,
		      int window_seconds, long long now, long long *retry_after, struct err *e)
{
	*retry_after = 0;
	if (free_failures < 0 || base_seconds < 1 || cap_seconds < base_seconds || window_seconds < 1 ||
	    window_seconds > RATELIMIT_KEEP)
		return err_set(e, 500, "ratelimit_backoff: free >= 0, 1 <= base <= cap, the window at most a day");
	struct buf k = BUF_INIT;
	key_norm(key, &k);
	struct db_res *r = NULL;
	int rc = db_query(
	    db, "SELECT COALESCE(SUM(hits), 0), COALESCE(MAX(at), 0) FROM ratelimit WHERE key = $1 AND at > $2",
	    DB_ARGS(DB_TEXT(buf_cstr(&k)), DB_INT(now - window_seconds)), &r, e);
	buf_release(&k);
	if (rc)
		return -1;
	rc = db_next(r, e);
	long long failures = rc == 1 ? db_int(r, 0) : 0, last = rc == 1 ? db_int(r, 1) : 0;
	db_res_free(r);
	if (rc < 0)
		return -1;
	long long wait = last + ratelimit_backoff_delay(failures, free_failures, base_seconds, cap_seconds) - now;
	if (failures < free_failures || wait <= 0)
		return 0;
	*retry_after = wait;
	return 1;
}

int ratelimit_clear_prefix(struct db *db, const char *prefix)
{
	struct err e = ERR_INIT;
	struct buf pat = BUF_INIT;
	/* LIKE's own characters in the prefix match only themselves */
	for (const char *p = prefix; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&pat, '\\');
		buf_addc(&pat, *p);
	}
	buf_addc(&pat, '%');
	long long n =
	    db_exec(db, "DELETE FROM ratelimit WHERE key LIKE $1 ESCAPE '\\'", DB_ARGS(DB_TEXT(buf_cstr(&pat))), &e);
	buf_release(&pat);
	if (n < 0) {
		log_error("ratelimit_clear_prefix: %s", e.msg);
		return -1;
	}
	return 0;
}

int ratelimit_clear(struct db *db, const char *key)
{
	struct err e = ERR_INIT;
	struct buf k = BUF_INIT;
	key_norm(key, &k);
	long long n = db_exec(db, "DELETE FROM ratelimit WHERE key = $1", DB_ARGS(DB_TEXT(buf_cstr(&k))), &e);
	buf_release(&k);
	if (n < 0) {
		log_error("ratelimit_clear: %s", e.msg);
		return -1;
	}
	return 0;
}

long long ratelimit_purge(struct db *db, long long now, struct err *e)
{
	return db_exec(db, "DELETE FROM ratelimit WHERE at <= $1", DB_ARGS(DB_INT(now - RATELIMIT_KEEP)), e);
}

int ratelimit_purge_job(struct db *db, struct err *e)
{
	return ratelimit_purge(db, (long long)time(NULL), e) < 0 ? -1 : 0;
}
