/* cal_internal: what the files of the data calendar (src/cal/, X-7) share,
 * and the pure parts the unit tests check (tests/unit/test_cal.c). */
#ifndef KHET_CAL_INTERNAL_H
#define KHET_CAL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/api.h"
#include "core/http.h"
#include "core/module.h"

struct db;

/* --- iCalendar (RFC 5545), ics.c ------------------------------------------- */

/* Appends one content line "NAME:value" (name may carry parameters,
 * "DTSTART;TZID=Asia/Bangkok") ending in CRLF, folded so that no line is
 * longer than 75 octets (a CRLF and a space start each continuation) and
 * never inside a UTF-8 sequence. escape: value is TEXT — backslash, ";"
 * and "," are escaped and a line break becomes "\n"; other control
 * characters are dropped either way. */
void ics_line(struct buf *out, const char *name, const char *value, bool escape);
/* "20270430T163000" (Bangkok local time of UTC seconds t) and
 * "20270430T093000Z" (UTC). */
void ics_local(long long t, char out[17]);
void ics_utc(long long t, char out[17]);

/* The calendar of deadlines (each a deadlines-hook object) as a whole
 * VCALENDAR: name is X-WR-CALNAME, uid_scope tells the feeds apart in UIDs
 * ("a5", "s17": key.uid_scope@host), base is the public URL links start
 * with, now the DTSTAMP. Each deadline is a VEVENT of its last half hour
 * (DTSTART due − 30 min, DTEND due, both with TZID=Asia/Bangkok and the
 * VTIMEZONE), its title as SUMMARY and what is owed as DESCRIPTION. */
void ics_calendar(struct buf *out, const char *name, const char *uid_scope, const char *host, const char *base,
		  json_t *deadlines, bool school_view, long long now);

/* --- reminders, remind.c ---------------------------------------------------- */

/* The reminder a school that still owes a deadline due at UTC second due
 * gets at now: 7 when the due day (Bangkok) is 2 to 7 days away, 1 when it
 * is tomorrow or today and not yet passed, 0 otherwise (past, or further
 * than a week). */
int cal_reminder_kind(long long now, long long due);
/* The job (hourly): every area's deadlines due within the week, one
 * reminder per deadline, owing school, kind and due time (cal_reminders),
 * its mails queued in the claim's transaction. Returns mails queued or -1. */
int cal_remind_job(struct db *db, struct err *e);
/* The same pass at UTC second now; returns mails queued, or -1. */
int cal_remind_run(struct db *db, long long now, struct err *e);

/* --- the calendar, calendar.c ---------------------------------------------- */

/* The days the pages, the feeds and the API read: a year back, about a
 * year ahead. */
#define CAL_PAST_DAYS 365
#define CAL_AHEAD_DAYS 400

extern const struct api_def cal_api; /* api.c */

/* Every module's deadlines of the area (or of one school: school_id > 0)
 * overlapping the days from now − past_days to now + ahead_days, sorted by
 * due time then key, each with "due_at" (UTC seconds), "past" (due before
 * now), "owing_count", and Thai texts "due_text", "opens_text". NULL with
 * e. */
json_t *cal_deadlines(struct db *db, long long area_id, long long school_id, long long now, int past_days,
		      int ahead_days, struct err *e);
/* The same within a pass over many areas at one now (the reminders job):
 * memo (an object, kept by the caller for the pass) lets the modules read
 * what is the same for every area once (core/module.h). */
json_t *cal_deadlines_memo(struct db *db, long long area_id, long long school_id, long long now, int past_days,
			   int ahead_days, json_t *memo, struct err *e);

/* Subscription tokens (feeds of an area or a school): stored as SHA-256
 * hex only. cal_feed_new makes a new token for scope ("area" / "school")
 * and unit, replacing the old (which stops working), and appends its 43
 * base64url characters to token_out. cal_feed_check: 1 when token is the
 * unit's current one, 0 when not (or none was made), -1 with e. */
int cal_feed_new(struct db *db, const char *scope, long long unit_id, long long by, long long now,
		 struct buf *token_out, struct err *e);
int cal_feed_check(struct db *db, const char *scope, long long unit_id, const char *token, struct err *e);
/* Whether a feed token was made for the unit (0/1), its time in *made_at. */
int cal_feed_exists(struct db *db, const char *scope, long long unit_id, long long *made_at, struct err *e);

extern const struct route_table cal_routes;

#endif
