/* ratelimit: failures counted per key in the database, so that every
 * instance behind a load balancer sees the same counts (DESIGN: instances
 * keep no state). Two shapes: a sliding limit ("20 failures from one
 * address in 15 minutes, then wait") and growing delays (ratelimit_backoff:
 * sign-in per account and address). Keys are the caller's text, one
 * namespace per use: "signin:pair:user:42:203.0.113.9",
 * "signin:ip:203.0.113.9". Long keys are stored as their SHA-256.
 *
 * The window slides: a failure counts for window_seconds after the second
 * it happened, to the second — not "per quarter hour", which would let 2 ×
 * max through around a boundary. Times are the caller's `now` (UTC
 * seconds), so one request checks and records with one clock reading, and
 * tests need no real waiting.
 *
 * TRANSACTIONS: a failure must stay recorded although the answer to it is
 * an error, and the server rolls back a handler's transaction when the
 * answer is >= 400 (http.h). The choice: the handler keeps its honest
 * status (401 wrong password, 429 wait) and calls req_commit_on_error(r)
 * after ratelimit_hit, with nothing else in that transaction that the
 * failure should undo (sign-in writes nothing else on failure). Answering
 * 200 with a form error would also commit, but would tell JSON clients a
 * failed sign-in succeeded. ratelimit_check only reads and may run outside
 * any transaction. Called outside a transaction, ratelimit_hit commits by
 * itself (one atomic upsert). */
#ifndef KHET_RATELIMIT_H
#define KHET_RATELIMIT_H

#include "core/err.h"

struct db;

/* How long rows are kept; windows longer than this are not supported. */
#define RATELIMIT_KEEP (24 * 60 * 60)

/* Records one failure against key at now. */
int ratelimit_hit(struct db *db, const char *key, long long now, struct err *e);
/* Records hits of the second at at once (a caller that counts a busy key
 * in memory and writes it once a second: the API's per-token rate). */
int ratelimit_hit_n(struct db *db, const char *key, long long at, long long hits, struct err *e);
/* 1 when key has max or more failures in the window_seconds before now,
 * with *retry_after the seconds (>= 1) until one of them ages out and an
 * attempt is allowed again; 0 when allowed (*retry_after 0); -1 on error. */
int ratelimit_check(struct db *db, const char *key, int max, int window_seconds, long long now, long long *retry_after,
		    struct err *e);
/* Growing delays instead of a fixed lock: the first free_failures failures
 * of key in the window_seconds before now cost nothing; from then on each
 * further attempt must wait ratelimit_backoff_delay(failures) after the latest
 * failure. 1 when the wait is not over, with *retry_after the seconds left
 * (>= 1); 0 when allowed; -1 on error. Sign-in uses it per account and
 * client address, so that nobody can lock another's account from his own
 * address. */
int ratelimit_backoff(struct db *db, const char *key, int free_failures, long long base_seconds, long long cap_seconds,
		      int window_seconds, long long now, long long *retry_after, struct err *e);
/* The wait after that many failures (pure): 0 below free_failures, then
 * base, twice base, four times … at most cap. */
long long ratelimit_backoff_delay(long long failures, int free_failures, long long base_seconds, long long cap_seconds);
/* Forgets the failures of every key that starts with prefix (a password
 * set anew: its account's failures from every address). 0 or -1 (logged). */
int ratelimit_clear_prefix(struct db *db, const char *prefix);
/* Forgets key's failures (a successful sign-in). A failure is logged, not
 * returned to the user: the sign-in it follows stands. Returns 0 or -1. */
int ratelimit_clear(struct db *db, const char *key);
/* Deletes rows older than RATELIMIT_KEEP before now; returns how many, or
 * -1. ratelimit_purge_job has the jobs.h signature (run it hourly). */
long long ratelimit_purge(struct db *db, long long now, struct err *e);
int ratelimit_purge_job(struct db *db, struct err *e);

#endif
