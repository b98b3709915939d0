/* calendar: the area's data calendar — every data deadline of an
 * area, or of one school, gathered from the modules that own them through
 * core/module.h's deadlines hook (census rounds, KPI due dates, the admin
 * roster, school buildings …), so this module names none of them. It
 * sorts them by due time, adds the Thai date texts and whether each is
 * past, and keeps the subscription tokens of the iCalendar feeds.
 *
 * A feed is read by Google Calendar or Outlook, which cannot sign in, so
 * its URL carries a secret token per area or school: 32 random bytes, of
 * which only the SHA-256 is stored (cal_feeds), so a copy of the database
 * gives no working link. Making a new one replaces the row: the old link
 * stops working at once, which is how an admin revokes a leaked one. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal_internal.h"
#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long dx = jint(x, "due_at"), dy = jint(y, "due_at");
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(jstr(x, "key"), jstr(y, "key"));
}

static void day_iso(long long t, char out[32])
{
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, 32, "%04d-%02d-%02d", y % 10000, mo, d);
}

json_t *cal_deadlines(struct db *db, long long area_id, long long school_id, long long now, int past_days,
		      int ahead_days, struct err *e)
{
	return cal_deadlines_memo(db, area_id, school_id, now, past_days, ahead_days, NULL, e);
}

json_t *cal_deadlines_memo(struct db *db, long long area_id, long long school_id, long long now, int past_days,
			   int ahead_days, json_t *memo, struct err *e)
{
	char from[32], to[32];
	day_iso(now - past_days * 86400LL, from);
	day_iso(now + ahead_days * 86400LL, to);
	struct deadline_query q = {.area_id = area_id, .school_id = school_id, .from = from, .to = to, .memo = memo};
	json_t *all = json_array();
	if (module_deadlines(db, &q, all, e) < 0) {
		json_decref(all);
		return NULL;
	}
	size_t n = json_array_size(all), i;
	json_t **v = xcalloc(n + 1, sizeof *v);
	json_t *dl;
	json_array_foreach(all, i, dl)
	{
		long long due = deadline_time_parse(jstr(dl, "due")), opens = deadline_time_parse(jstr(dl, "opens"));
		if (due < 0)
			due = 0; /* a module's mistake: first, and visible */
		if (opens < 0)
			opens = due;
		struct buf dt = BUF_INIT, ot = BUF_INIT;
		thai_datetime_short(&dt, due);
		thai_datetime_short(&ot, opens);
		json_object_set_new(dl, "due_at", json_integer(due));
		json_object_set_new(dl, "opens_at", json_integer(opens));
		json_object_set_new(dl, "due_text", json_string(buf_cstr(&dt)));
		json_object_set_new(dl, "opens_text", json_string(buf_cstr(&ot)));
		json_object_set_new(dl, "past", json_boolean(due < now));
		json_object_set_new(dl, "open", json_boolean(opens <= now && now <= due));
		long long days = (due - now) / 86400;
		json_object_set_new(dl, "days_left", json_integer(due >= now ? days : 0));
		json_object_set_new(dl, "owing_count",
				    json_integer((json_int_t)json_array_size(json_object_get(dl, "owing"))));
		buf_release(&dt);
		buf_release(&ot);
		v[i] = json_incref(dl);
	}
	if (n)
		qsort(v, n, sizeof *v, by_due);
	json_t *sorted = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_decref(all);
	return sorted;
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

int cal_feed_new(struct db *db, const char *scope, long long unit_id, long long by, long long now,
		 struct buf *token_out, struct err *e)
{
	unsigned char raw[32];
	char token[64], hash[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(token, hash);
	if (db_exec(db,
		    "INSERT INTO cal_feeds (scope, unit_id, token_hash, created_at, created_by) VALUES ($1, $2, $3, "
		    "$4, $5) "
		    "ON CONFLICT (scope, unit_id) DO UPDATE SET token_hash = excluded.token_hash, "
		    "created_at = excluded.created_at, created_by = excluded.created_by",
		    DB_ARGS(DB_TEXT(scope), DB_INT(unit_id), DB_TEXT(hash), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL),
		    e) < 0)
		return -1;
	buf_adds(token_out, token);
	return 0;
}

int cal_feed_check(struct db *db, const char *scope, long long unit_id, const char *token, struct err *e)
{
	if (!token || strlen(token) != 43)
		return 0;
	json_t *row = db_row_json(db, "SELECT token_hash FROM cal_feeds WHERE scope = $1 AND unit_id = $2",
				  DB_ARGS(DB_TEXT(scope), DB_INT(unit_id)), e);
	if (!row) {
		if (e->status == 404) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	char hash[65];
	token_hash(token, hash);
	const char *stored = jstr(row, "token_hash");
	int ok = strlen(stored) == 64 && sodium_memcmp(stored, hash, 64) == 0;
	json_decref(row);
	return ok;
}

int cal_feed_exists(struct db *db, const char *scope, long long unit_id, long long *made_at, struct err *e)
{
	json_t *row = db_row_json(db, "SELECT created_at FROM cal_feeds WHERE scope = $1 AND unit_id = $2",
				  DB_ARGS(DB_TEXT(scope), DB_INT(unit_id)), e);
	if (!row) {
		if (e->status == 404) {
			err_clear(e);
			*made_at = 0;
			return 0;
		}
		return -1;
	}
	*made_at = jint(row, "created_at");
	json_decref(row);
	return 1;
}
