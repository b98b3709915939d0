/* test_ratelimit: failure counts in the database (src/core/ratelimit.c) —
 * the sliding window to the second, the wait it reports, clearing, long
 * keys, the purge, and concurrent failures from several connections all
 * counted. Runs on SQLite (a temp file) and, when KHET_TEST_PG holds a
 * postgres:// URL, on PostgreSQL too, in a schema of its own (as
 * test_db.c does). Times are passed in, so nothing waits. */
#include "unit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"
#include "core/ratelimit.h"

#define SCHEMA "khet_unit_ratelimit"

#include "engine.h"

static void hit(struct db *db, const char *key, long long now)
{
	struct err e = ERR_INIT;
	if (ratelimit_hit(db, key, now, &e))
		fail_msg("ratelimit_hit %s: %s", key, e.msg);
}

/* ratelimit_check with 5 in 15 minutes, the sign-in account limit. */
static int check(struct db *db, const char *key, long long now, long long *retry)
{
	struct err e = ERR_INIT;
	int rc = ratelimit_check(db, key, 5, 900, now, retry, &e);
	if (rc < 0)
		fail_msg("ratelimit_check %s: %s", key, e.msg);
	return rc;
}

static long long count(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	long long n = -1;
	if (db_int_value(db, sql, NULL, 0, &n, &e) != 1)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* Several hits of one second written at once (the API's per-token rate):
 * the same count as one hit at a time, adding to the second's row. */
static void test_hit_n(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	long long t = 1700600000, retry = 0;
	assert_int_equal(ratelimit_hit_n(db, "n:key", t, 3, &e), 0);
	assert_int_equal(check(db, "n:key", t + 1, &retry), 0); /* 3 of 5 */
	hit(db, "n:key", t);
	assert_int_equal(ratelimit_hit_n(db, "n:key", t, 1, &e), 0);
	assert_int_equal(check(db, "n:key", t + 1, &retry), 1); /* 5 of 5 */
	assert_int_equal(retry, 899);
	assert_int_equal(count(db, "SELECT hits FROM ratelimit WHERE key = 'n:key'"), 5);
}

static void test_window(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	long long retry = -1;
	const long long t0 = 1700000000;
	assert_int_equal(check(db, "w:a", t0, &retry), 0);
	assert_int_equal(retry, 0);
	/* four failures: still allowed */
	for (int i = 0; i < 4; i++)
		hit(db, "w:a", t0 + i);
	assert_int_equal(check(db, "w:a", t0 + 4, &retry), 0);
	/* the fifth: blocked until the first is 15 minutes old */
	hit(db, "w:a", t0 + 4);
	assert_int_equal(check(db, "w:a", t0 + 4, &retry), 1);
	assert_int_equal(retry, 900 - 4);
	assert_int_equal(check(db, "w:a", t0 + 899, &retry), 1);
	assert_int_equal(retry, 1);
	/* 900 seconds after it, the first failure no longer counts: 4 left */
	assert_int_equal(check(db, "w:a", t0 + 900, &retry), 0);
	assert_int_equal(retry, 0);
	/* one more failure then blocks again, until the second ages out */
	hit(db, "w:a", t0 + 900);
	assert_int_equal(check(db, "w:a", t0 + 900, &retry), 1);
	assert_int_equal(retry, 1);
	assert_int_equal(check(db, "w:a", t0 + 901, &retry), 0);
	/* long after, nothing counts */
	assert_int_equal(check(db, "w:a", t0 + 5000, &retry), 0);
	/* another key is not affected */
	assert_int_equal(check(db, "w:b", t0 + 4, &retry), 0);
}

static void test_same_second_and_wait(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	long long retry = 0;
	const long long t0 = 1700100000;
	/* five failures in one second are one row of 5 hits */
	for (int i = 0; i < 5; i++)
		hit(db, "s:a", t0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 's:a'"), 1);
	assert_int_equal(count(db, "SELECT hits FROM ratelimit WHERE key = 's:a'"), 5);
	assert_int_equal(check(db, "s:a", t0 + 60, &retry), 1);
	assert_int_equal(retry, 840);
	/* 3 at t0, 4 at t0+100: 7 in the window; the block ends when the 3
	 * age out (4 < 5 then), not when the first of them does */
	hit(db, "s:b", t0);
	hit(db, "s:b", t0);
	hit(db, "s:b", t0);
	for (int i = 0; i < 4; i++)
		hit(db, "s:b", t0 + 100);
	assert_int_equal(check(db, "s:b", t0 + 100, &retry), 1);
	assert_int_equal(retry, 800);
	assert_int_equal(check(db, "s:b", t0 + 900, &retry), 0);
	/* a different max and window: 20 per address */
	struct err e = ERR_INIT;
	for (int i = 0; i < 19; i++)
		hit(db, "s:ip", t0 + i);
	assert_int_equal(ratelimit_check(db, "s:ip", 20, 900, t0 + 30, &retry, &e), 0);
	hit(db, "s:ip", t0 + 30);
	assert_int_equal(ratelimit_check(db, "s:ip", 20, 900, t0 + 30, &retry, &e), 1);
	assert_int_equal(retry, 870);
	/* many seconds: the wait is still exact */
	for (int i = 0; i < 100; i++)
		hit(db, "s:many", t0 + i);
	assert_int_equal(ratelimit_check(db, "s:many", 3, 900, t0 + 100, &retry, &e), 1);
	/* 100 in the window; allowed again once 98 aged out: at t0+97+900 */
	assert_int_equal(retry, 97 + 900 - 100);
}

static void test_clear(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	long long retry = 0;
	const long long t0 = 1700200000;
	for (int i = 0; i < 5; i++) {
		hit(db, "c:user:1", t0 + i);
		hit(db, "c:ip:1", t0 + i);
	}
	assert_int_equal(check(db, "c:user:1", t0 + 5, &retry), 1);
	assert_int_equal(ratelimit_clear(db, "c:user:1"), 0);
	assert_int_equal(check(db, "c:user:1", t0 + 5, &retry), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'c:user:1'"), 0);
	/* the address's failures stay */
	assert_int_equal(check(db, "c:ip:1", t0 + 5, &retry), 1);
	/* clearing what is not there is no error */
	assert_int_equal(ratelimit_clear(db, "c:nothing"), 0);
}

static void test_long_key(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	long long retry = 0;
	char a[400], b[400];
	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = 0;
	memcpy(b, a, sizeof b);
	b[300] = 'y';
	for (int i = 0; i < 5; i++)
		hit(db, a, 1700300000);
	assert_int_equal(check(db, a, 1700300001, &retry), 1);
	/* a different long key is a different count */
	assert_int_equal(check(db, b, 1700300001, &retry), 0);
	assert_int_equal(count(db, "SELECT MAX(length(key)) FROM ratelimit WHERE key LIKE 'sha256:%'"), 7 + 64);
	assert_int_equal(ratelimit_clear(db, a), 0);
	assert_int_equal(check(db, a, 1700300001, &retry), 0);
	/* Thai and odd characters are just text */
	hit(db, "signin:login:สมชาย'; DROP TABLE ratelimit; --", 1700300000);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key LIKE 'signin:login:สมชาย%'"), 1);
}

static void test_purge(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	const long long now = 4000000000LL; /* far ahead of the real clock */
	hit(db, "p:old", now - RATELIMIT_KEEP - 10);
	hit(db, "p:edge", now - RATELIMIT_KEEP);
	hit(db, "p:new", now - RATELIMIT_KEEP + 1);
	hit(db, "p:new", now);
	long long n = ratelimit_purge(db, now, &e);
	if (n < 0)
		fail_msg("purge: %s", e.msg);
	assert_true(n >= 2); /* rows of the other tests, older still, go too */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key IN ('p:old', 'p:edge')"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'p:new'"), 2);
	assert_int_equal(ratelimit_purge(db, now, &e), 0);
	/* the job form runs on the real clock: the rows above are in the
	 * future then and stay */
	assert_int_equal(ratelimit_purge_job(db, &e), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'p:new'"), 2);
}

static void test_bad_args(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	long long retry = 7;
	assert_int_equal(ratelimit_check(db, "b", 0, 900, 1, &retry, &e), -1);
	assert_int_equal(e.status, 500);
	err_clear(&e);
	assert_int_equal(ratelimit_check(db, "b", 5, 0, 1, &retry, &e), -1);
	err_clear(&e);
	assert_int_equal(ratelimit_check(db, "b", 5, RATELIMIT_KEEP + 1, 1, &retry, &e), -1);
	assert_int_equal(retry, 0);
}

static void test_transaction(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	long long retry = 0;
	/* A hit in a transaction that rolls back is gone: the reason why a
	 * handler calls req_commit_on_error after ratelimit_hit. */
	assert_int_equal(db_begin(db, &e), 0);
	for (int i = 0; i < 5; i++)
		hit(db, "t:a", 1700400000);
	assert_int_equal(check(db, "t:a", 1700400000, &retry), 1);
	db_rollback(db);
	assert_int_equal(check(db, "t:a", 1700400000, &retry), 0);
	assert_int_equal(db_begin(db, &e), 0);
	for (int i = 0; i < 5; i++)
		hit(db, "t:a", 1700400000);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(check(db, "t:a", 1700400000, &retry), 1);
}

struct hitter {
	struct engine *en;
	struct db *db;
	pthread_barrier_t *go;
	int failed;
	struct err e;
};

static void *hitter_run(void *arg)
{
	struct hitter *h = arg;
	pthread_barrier_wait(h->go);
	for (int i = 0; i < 10; i++)
		if (ratelimit_hit(h->db, "conc:key", 1700500000 + (i % 2), &h->e))
			h->failed++;
	return NULL;
}

static void test_concurrent_hits(void **state)
{
	struct engine *en = *state;
	enum { N = 4 };
	struct hitter h[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++) {
		memset(&h[i], 0, sizeof h[i]);
		h[i].en = en;
		h[i].db = attach(en, 0);
		h[i].go = &go;
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hitter_run, &h[i]), 0);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < N; i++) {
		if (h[i].failed)
			fail_msg("hit failed: %s", h[i].e.msg);
		db_close(h[i].db);
	}
	/* every failure from every connection counted, in two rows */
	assert_int_equal(count(en->db, "SELECT SUM(hits) FROM ratelimit WHERE key = 'conc:key'"), N * 10);
	assert_int_equal(count(en->db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'conc:key'"), 2);
}

/* Growing delays (sign-in per account and address): 5 free failures, then
 * 60 s, 120 s, 240 s … at most 1800 s after the latest failure. */
static void test_backoff(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	long long retry = -1;
	const long long t0 = 1700600000;
#define BACKOFF(at) ratelimit_backoff(db, "bo:a", 5, 60, 1800, RATELIMIT_KEEP, (at), &retry, &e)
	for (int i = 0; i < 5; i++) {
		assert_int_equal(BACKOFF(t0 + i), 0);
		assert_int_equal(retry, 0);
		hit(db, "bo:a", t0 + i);
	}
	/* the fifth failure was at t0 + 4: wait 60 s from it */
	assert_int_equal(BACKOFF(t0 + 4), 1);
	assert_int_equal(retry, 60);
	assert_int_equal(BACKOFF(t0 + 63), 1);
	assert_int_equal(retry, 1);
	assert_int_equal(BACKOFF(t0 + 64), 0);
	/* a sixth failure doubles the wait */
	hit(db, "bo:a", t0 + 64);
	assert_int_equal(BACKOFF(t0 + 64), 1);
	assert_int_equal(retry, 120);
	hit(db, "bo:a", t0 + 184);
	assert_int_equal(BACKOFF(t0 + 184), 1);
	assert_int_equal(retry, 240);
	/* another key (the owner from elsewhere) waits for nothing */
	assert_int_equal(ratelimit_backoff(db, "bo:b", 5, 60, 1800, RATELIMIT_KEEP, t0 + 184, &retry, &e), 0);
	/* a day later the failures no longer count */
	assert_int_equal(BACKOFF(t0 + 184 + RATELIMIT_KEEP), 0);
#undef BACKOFF
	/* the delay itself */
	assert_int_equal(ratelimit_backoff_delay(4, 5, 60, 1800), 0);
	assert_int_equal(ratelimit_backoff_delay(5, 5, 60, 1800), 60);
	assert_int_equal(ratelimit_backoff_delay(9, 5, 60, 1800), 960);
	assert_int_equal(ratelimit_backoff_delay(10, 5, 60, 1800), 1800);
	assert_int_equal(ratelimit_backoff_delay(1000000, 5, 60, 1800), 1800);
	assert_int_equal(ratelimit_backoff(db, "bo:a", 5, 0, 1800, 900, t0, &retry, &e), -1);
	assert_int_equal(e.status, 500);
}

/* A prefix clears every address of an account, and only that account. */
static void test_clear_prefix(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	hit(db, "signin:pair:user:4:10.0.0.1", 1700700000);
	hit(db, "signin:pair:user:4:10.0.0.2", 1700700000);
	hit(db, "signin:pair:user:42:10.0.0.1", 1700700000);
	hit(db, "signin:pair:user_4:x", 1700700000);
	assert_int_equal(ratelimit_clear_prefix(db, "signin:pair:user:4:"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key LIKE 'signin:pair:user:4:%'"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'signin:pair:user:42:10.0.0.1'"), 1);
	assert_int_equal(ratelimit_clear_prefix(db, "signin:pair:user_"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'signin:pair:user:42:10.0.0.1'"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM ratelimit WHERE key = 'signin:pair:user_4:x'"), 0);
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_window), cmocka_unit_test(test_same_second_and_wait), cmocka_unit_test(test_clear),      \
	    cmocka_unit_test(test_long_key), cmocka_unit_test(test_bad_args), cmocka_unit_test(test_transaction),      \
	    cmocka_unit_test(test_concurrent_hits), cmocka_unit_test(test_purge), cmocka_unit_test(test_backoff),      \
	    cmocka_unit_test(test_clear_prefix), cmocka_unit_test(test_hit_n)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {ENGINE_TESTS};
	int failed = run_engine_groups("ratelimit", tests);
	return failed ? 1 : 0;
}
