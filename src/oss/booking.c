/* booking: meeting-room bookings (OSS-2.4) and the time rules of the
 * appointment service. A booking asks for a room from a start date to an
 * end date, the same hours each day (ตั้งแต่เวลา … ถึงเวลา), so it is stored
 * as one [start, end) row per day in oss_bookings; the rule "two bookings
 * of one room never overlap" is then a question about one-day intervals,
 * and the message for a clash can name the exact booking in the way
 * ("ห้องนี้ถูกจองแล้วในช่วง 25 มิ.ย. 2567 09:00–12:00 น.").
 *
 * Why the overlap is checked in the database and not only in C: two people
 * can book the same room in the same second from two instances. The check
 * and the insert must therefore run as one step against everything already
 * committed. The caller's transaction takes the room's lock first
 * (db_lock with OSS_LOCK_ROOM_BASE + room id): on PostgreSQL an advisory
 * transaction lock that a second booking of the same room waits for until
 * the first commits, so under READ COMMITTED it then sees the first one's
 * rows; on SQLite every write transaction already holds the one write
 * lock (BEGIN IMMEDIATE). Bookings of different rooms never wait for each
 * other on PostgreSQL. The caller must hold the transaction from
 * oss_booking_free through oss_booking_store and commit after both.
 *
 * Because no stored interval is longer than a day, the query looks only
 * at bookings that start within a day before the new slot ends, an index
 * range on oss_bookings (room_id, start_at) that stays a handful of rows
 * however long the room's history grows. A cancelled request's rows are
 * deleted (the request keeps what was asked in its data), so the room is
 * free again at once.
 *
 * Each row also keeps the chairman and coordinator of the meeting and the
 * request's applicant and status (oss_request_move updates it), so that
 * the room calendar reads a month from the index alone (migration 0303). */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/thai.h"
#include "oss/oss.h"

/* "HH:MM" → minutes since midnight, or -1. */
static int parse_hm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

static long long day_start(long long day)
{
	return day * 86400 - 7 * 3600;
}

/* " กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ.ศ. 2569 (ค.ศ. 2026)": the year of
 * now, so the example never goes stale. */
static void year_hint(char *out, size_t n, long long now)
{
	int y = 0;
	thai_local(now, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	snprintf(out, n, "กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ.ศ. %d (ค.ศ. %d)", y + 543, y);
}

/* The refusal of a day that is past: a plain one for a day of this year,
 * one that says how the date was read, in พ.ศ. and ค.ศ., for an earlier
 * year — "25/06/2025" is read as a CE year, 25 มิ.ย. 2568, which a user
 * who meant 2025 of another calendar cannot guess from "past" alone. */
static int past_day(struct err *e, const char *field, const char *what, long long day, long long now)
{
	int y = 0, ynow = 0;
	long long t = day_start(day) + 12 * 3600;
	thai_local(t, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	thai_local(now, &ynow, NULL, NULL, NULL, NULL, NULL, NULL);
	if (y >= ynow)
		return err_field(e, field, "%sเป็นวันที่ผ่านมาแล้ว กรุณาเลือกวันนี้หรือวันถัดไป", what);
	struct buf b = BUF_INIT;
	thai_date_short(&b, t);
	char hint[160];
	year_hint(hint, sizeof hint, now);
	err_field(e, field, "%s %s (ค.ศ. %d) เป็นวันที่ผ่านมาแล้ว %s", what, buf_cstr(&b), y, hint);
	buf_release(&b);
	return -1;
}

int oss_booking_slots(const char *start_date, const char *end_date, const char *start_time, const char *end_time,
		      long long now, struct oss_slot *out, int max, struct err *e)
{
	if (!start_date || !*start_date)
		return err_field(e, "start_date", "กรุณาเลือกวันที่เริ่มต้นใช้ห้อง");
	if (!end_date || !*end_date)
		return err_field(e, "end_date", "กรุณาเลือกวันที่สิ้นสุดการใช้ห้อง");
	if (!start_time || !*start_time)
		return err_field(e, "start_time", "กรุณากรอกเวลาเริ่มต้น");
	if (!end_time || !*end_time)
		return err_field(e, "end_time", "กรุณากรอกเวลาสิ้นสุด");
	long long d0 = oss_day_parse(start_date), d1 = oss_day_parse(end_date);
	if (d0 < 0)
		return err_field(e, "start_date", "วันที่เริ่มต้นใช้ห้องไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	if (d1 < 0)
		return err_field(e, "end_date", "วันที่สิ้นสุดการใช้ห้องไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	int m0 = parse_hm(start_time), m1 = parse_hm(end_time);
	if (m0 < 0)
		return err_field(e, "start_time", "เวลาเริ่มต้นไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 09:00");
	if (m1 < 0)
		return err_field(e, "end_time", "เวลาสิ้นสุดไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 12:00");
	if (d1 < d0)
		return err_field(e, "end_date", "วันที่สิ้นสุดการใช้ห้องต้องไม่ก่อนวันที่เริ่มต้นใช้ห้อง");
	if (m1 <= m0)
		return err_field(e, "end_time", "เวลาสิ้นสุดต้องหลังเวลาเริ่มต้น (เช่น ตั้งแต่ 09:00 ถึง 12:00 น.)");
	long long days = d1 - d0 + 1;
	if (days > OSS_BOOKING_MAX_DAYS)
		return err_field(e, "end_date", "จองห้องประชุมได้ครั้งละไม่เกิน %d วัน (เลือกมา %lld วัน)", OSS_BOOKING_MAX_DAYS,
				 days);
	if (d0 > oss_day_of(now) + OSS_AHEAD_DAYS) {
		char hint[160];
		year_hint(hint, sizeof hint, now);
		return err_field(e, "start_date", "วันที่เริ่มต้นใช้ห้องอยู่ไกลเกินไป (จองล่วงหน้าได้ไม่เกิน 2 ปี) %s", hint);
	}
	long long first = day_start(d0) + m0 * 60LL;
	if (first < now) {
		if (d0 < oss_day_of(now))
			return past_day(e, "start_date", "วันที่เริ่มต้นใช้ห้อง", d0, now);
		return err_field(e, "start_time", "เวลาเริ่มต้นผ่านมาแล้ว กรุณาเลือกเวลาที่ยังไม่ถึง");
	}
	if (days > max)
		return err_set(e, 500, "oss_booking_slots: %lld days, room for %d", days, max);
	for (long long i = 0; i < days; i++) {
		out[i].start = day_start(d0 + i) + m0 * 60LL;
		out[i].end = day_start(d0 + i) + m1 * 60LL;
	}
	return (int)days;
}

int oss_attendees_check(long long attendees, long long capacity, struct err *e)
{
	if (attendees < 1)
		return err_field(e, "attendees", "จำนวนผู้เข้าร่วมประชุมต้องมีอย่างน้อย 1 คน");
	if (attendees > capacity)
		return err_field(e, "attendees",
				 "จำนวนผู้เข้าร่วมประชุมเกินความจุของห้อง (ห้องนี้รองรับได้ไม่เกิน %lld คน กรอกมา %lld คน)", capacity,
				 attendees);
	return 0;
}

bool oss_slots_overlap(struct oss_slot a, struct oss_slot b)
{
	return a.start < b.end && b.start < a.end;
}

void oss_slot_text(struct oss_slot s, struct buf *out)
{
	int h0, mi0, h1, mi1;
	thai_local(s.start, NULL, NULL, NULL, &h0, &mi0, NULL, NULL);
	thai_local(s.end, NULL, NULL, NULL, &h1, &mi1, NULL, NULL);
	thai_date_short(out, s.start);
	if (oss_day_of(s.start) == oss_day_of(s.end)) {
		buf_addf(out, " %02d:%02d–%02d:%02d น.", h0, mi0, h1, mi1);
	} else {
		buf_addf(out, " %02d:%02d น. – ", h0, mi0);
		thai_date_short(out, s.end);
		buf_addf(out, " %02d:%02d น.", h1, mi1);
	}
}

int oss_appointment_check(const char *date, const char *time, long long now, long long *at, struct err *e)
{
	if (!date || !*date)
		return err_field(e, "date", "กรุณาเลือกวันขอนัดหมาย");
	if (!time || !*time)
		return err_field(e, "time", "กรุณากรอกเวลานัดหมาย");
	long long d = oss_day_parse(date);
	if (d < 0)
		return err_field(e, "date", "วันขอนัดหมายไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	int m = parse_hm(time);
	if (m < 0)
		return err_field(e, "time", "เวลานัดหมายไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 13:30");
	if (d > oss_day_of(now) + OSS_AHEAD_DAYS) {
		char hint[160];
		year_hint(hint, sizeof hint, now);
		return err_field(e, "date", "วันขอนัดหมายอยู่ไกลเกินไป (นัดล่วงหน้าได้ไม่เกิน 2 ปี) %s", hint);
	}
	long long t = day_start(d) + m * 60LL;
	if (t < now) {
		if (d < oss_day_of(now))
			return past_day(e, "date", "วันขอนัดหมาย", d, now);
		return err_field(e, "time", "เวลานัดหมายผ่านมาแล้ว กรุณาเลือกเวลาที่ยังไม่ถึง");
	}
	*at = t;
	return 0;
}

/* ---- storage --------------------------------------------------------------- */

static const char sql_clash[] = "SELECT start_at, end_at FROM oss_bookings "
				"WHERE room_id = $1 AND start_at > $2 AND start_at < $3 AND end_at > $4 "
				"AND request_id <> $5 ORDER BY start_at LIMIT 1";

int oss_booking_free(struct db *db, long long room_id, const struct oss_slot *slots, int n, long long except_id,
		     struct err *e)
{
	if (db_lock(db, OSS_LOCK_ROOM_BASE + room_id, e) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct db_res *res;
		if (db_query(db, sql_clash,
			     DB_ARGS(DB_INT(room_id), DB_INT(slots[i].start - 86400), DB_INT(slots[i].end),
				     DB_INT(slots[i].start), DB_INT(except_id)),
			     &res, e) < 0)
			return -1;
		int rc = db_next(res, e);
		struct oss_slot taken = {0, 0};
		if (rc == 1) {
			taken.start = db_int(res, 0);
			taken.end = db_int(res, 1);
		}
		db_res_free(res);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			struct buf b = BUF_INIT;
			oss_slot_text(taken, &b);
			err_field(e, "start_date", "ห้องนี้ถูกจองแล้วในช่วง %s กรุณาเลือกวัน เวลา หรือห้องอื่น", buf_cstr(&b));
			buf_release(&b);
			e->status = 409;
			return -1;
		}
	}
	return 0;
}

int oss_booking_store(struct db *db, long long request_id, long long room_id, const struct oss_slot *slots, int n,
		      long long attendees, const char *chairman, const char *coordinator, struct err *e)
{
	if (db_exec(db, "DELETE FROM oss_bookings WHERE request_id = $1", DB_ARGS(DB_INT(request_id)), e) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (db_exec(db,
			    "INSERT INTO oss_bookings (request_id, room_id, start_at, end_at, attendees, chairman, "
			    "coordinator, status, applicant_id) SELECT $1, $2, $3, $4, $5, $6, $7, r.status, "
			    "r.applicant_id FROM oss_requests r WHERE r.id = $1",
			    DB_ARGS(DB_INT(request_id), DB_INT(room_id), DB_INT(slots[i].start), DB_INT(slots[i].end),
				    DB_INT(attendees), DB_TEXT(chairman ? chairman : ""),
				    DB_TEXT(coordinator ? coordinator : "")),
			    e) < 0)
			return -1;
	return 0;
}
