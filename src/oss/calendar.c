/* calendar: a meeting room's bookings of one month (issue item 7) —
 * GET /oss/rooms/:id/calendar?month=YYYY-MM for any signed-in user, so an
 * applicant sees which times are taken before he books. Each booked day
 * shows its date, its time, the service and the request's status, and no
 * one's personal data: the applicant's own bookings are marked as his,
 * with a link to the request. A month is one query over the index
 * oss_bookings_room (room_id, start_at); a room holds at most a few dozen
 * bookings a month, so the month is the page, with previous / next links
 * (no script; one booking a line, so a phone needs no sideways scroll). */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

/* "2567-06" is no CE month: years are CE in the query, as <input
 * type=month> sends them; 0 and *y, *mo set, or -1. */
static int month_parse(const char *s, int *y, int *mo)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*mo = (s[5] - '0') * 10 + (s[6] - '0');
	return *y >= 2000 && *y <= 2200 && *mo >= 1 && *mo <= 12 ? 0 : -1;
}

static void month_link(long long room_id, int y, int mo, char *out, size_t n)
{
	if (mo < 1) {
		mo = 12;
		y--;
	} else if (mo > 12) {
		mo = 1;
		y++;
	}
	snprintf(out, n, "/oss/rooms/%lld/calendar?month=%04d-%02d", room_id, y, mo);
}

static const char sql_month[] =
    "SELECT b.start_at, b.end_at, b.attendees, r.id, r.service, r.status, r.applicant_id "
    "FROM oss_bookings b JOIN oss_requests r ON r.id = b.request_id "
    "WHERE b.room_id = $1 AND b.start_at >= $2 AND b.start_at < $3 ORDER BY b.start_at, b.id";

int oss_room_calendar(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long room_id = req_param_id(r, "id");
	json_t *room = room_id > 0 ? oss_room_get(db, room_id, &e) : NULL;
	if (!room) {
		if (e.status >= 500)
			return view_err(r, &e);
		return view_error(r, 404, "ไม่พบห้องประชุมที่ระบุ");
	}
	long long now = oss_now();
	int y, mo;
	const char *month = req_query(r, "month");
	if (month && *month) {
		if (month_parse(month, &y, &mo) < 0) {
			json_decref(room);
			return view_error(r, 400, "เดือนไม่ถูกต้อง กรุณาระบุเป็น ปี ค.ศ.-เดือน เช่น 2024-06");
		}
	} else {
		thai_local(now, &y, &mo, NULL, NULL, NULL, NULL, NULL);
	}
	long long from = thai_from_local(y, mo, 1, 0, 0, 0);
	long long to = mo == 12 ? thai_from_local(y + 1, 1, 1, 0, 0, 0) : thai_from_local(y, mo + 1, 1, 0, 0, 0);
	json_t *rows = db_rows_json(db, sql_month, DB_ARGS(DB_INT(room_id), DB_INT(from), DB_INT(to)), &e);
	if (!rows) {
		json_decref(room);
		return view_err(r, &e);
	}
	long long me = acc_user_id(r);
	size_t i;
	json_t *row;
	json_t *out = json_array();
	json_array_foreach(rows, i, row)
	{
		long long start = jint(row, "start_at"), end = jint(row, "end_at");
		int sy, smo, sd, sh, smi, ey, emo, ed, eh, emi, wd;
		thai_local(start, &sy, &smo, &sd, &sh, &smi, NULL, &wd);
		thai_local(end, &ey, &emo, &ed, &eh, &emi, NULL, NULL);
		static const char *const days[] = {"อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"};
		struct buf date = BUF_INIT;
		buf_addf(&date, "%s ", days[wd % 7]);
		thai_date_short(&date, start);
		char time[48];
		/* a booking ends within its day; midnight shows as 24:00 */
		if (ed != sd && eh == 0 && emi == 0)
			eh = 24;
		snprintf(time, sizeof time, "%02d:%02d–%02d:%02d น.", sh, smi, eh, emi);
		int st = oss_status_parse(jstr(row, "status"));
		bool mine = jint(row, "applicant_id") == me;
		char url[64];
		snprintf(url, sizeof url, "/oss/requests/%lld", jint(row, "id"));
		char iso[16];
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", sy, smo, sd);
		/* no applicant, agency or purpose: only the applicant's own
		 * booking carries its link */
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s?}", "date", iso,
						     "date_text", buf_cstr(&date), "time_text", time, "service_name",
						     oss_service_name(jstr(row, "service")), "status_label",
						     oss_status_label(st), "status_class", oss_status_class(st), "mine",
						     mine, "url", mine ? url : NULL));
		buf_release(&date);
	}
	json_decref(rows);
	char prev[80], next[80], cur[16];
	month_link(room_id, y, mo - 1, prev, sizeof prev);
	month_link(room_id, y, mo + 1, next, sizeof next);
	snprintf(cur, sizeof cur, "%04d-%02d", y, mo);
	struct buf title = BUF_INIT; /* the room's name: up to 100 Thai letters */
	buf_addf(&title, "ปฏิทินการจอง %s", jstr(room, "name"));
	char month_text[64];
	snprintf(month_text, sizeof month_text, "%s %d", thai_month_name(mo), y + 543);
	char book[64];
	snprintf(book, sizeof book, "/oss/new/31?area=%lld", jint(room, "area_id"));
	json_t *m = json_pack("{s:s, s:{s:I, s:O, s:O, s:b}, s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "page_title", buf_cstr(&title),
			      "room", "id", (json_int_t)room_id, "name", json_object_get(room, "name"), "capacity",
			      json_object_get(room, "capacity"), "active", jint(room, "active") != 0, "month", cur,
			      "month_text", month_text, "prev_url", prev, "next_url", next, "rows", out, "has_rows",
			      json_array_size(out) > 0, "book_url", book);
	json_decref(room);
	buf_release(&title);
	return view_page(r, 200, "oss/calendar", m);
}
