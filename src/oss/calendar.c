/* calendar: a meeting room's bookings of one month (issue item 7) —
 * GET /oss/rooms/:id/calendar?month=YYYY-MM for any signed-in user, so an
 * applicant sees which times are taken before he books. Each booked day
 * shows its date, its time, the service and the request's status. Staff of
 * the room's area also see each meeting's chairman and coordinator (issue
 * 10.14b: whom to ask about a taken time, as AMSS++'s office calendar
 * shows them); anyone else sees no one's personal data, and his own
 * bookings marked as his, with a link to the request.
 *
 * The calendar is the page the benchmark asks most of the booking data
 * (make bench, page rooms_cal), so it costs one index range and one pass:
 * the month is one range of the covering index oss_bookings_room
 * (migration 0303: the rows carry the request's status and applicant and
 * the meeting's chairman and coordinator) in its order, and each row goes from the statement straight into the page
 * model (no rows array decoded a second time). A room holds at most a few
 * dozen bookings a month, so the month is the page, with previous / next
 * links (no script; one booking a line, so a phone needs no sideways
 * scroll). */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/jsonx.h"
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

/* One range of the covering index oss_bookings_room (room_id, start_at,
 * id, end_at, request_id, status, applicant_id, chairman, coordinator) in
 * its own order: no row of oss_bookings or oss_requests is read. Only room
 * requests (service 31) hold bookings. */
static const char sql_month[] = "SELECT start_at, end_at, request_id, status, applicant_id, chairman, coordinator "
				"FROM oss_bookings WHERE room_id = $1 AND start_at >= $2 AND start_at < $3 "
				"ORDER BY start_at, id";

static const char *const weekdays[] = {"อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"};

/* One booking as the page shows it, read from the statement's row. */
struct cal_row {
	long long id;
	int y, mo, d, wd;
	char time[40]; /* "08:30–10:00 น." */
	int status;
	bool mine;
	const char *chairman, *coordinator; /* the statement's, until the next row */
};

/* "08:30–10:00 น." into out[40] without printf (a month is ~150 rows) */
static void two(char **p, int v)
{
	*(*p)++ = (char)('0' + v / 10 % 10);
	*(*p)++ = (char)('0' + v % 10);
}

static void time_text(char out[40], int sh, int smi, int eh, int emi)
{
	static const char dash[] = "–", unit[] = " น.";
	char *p = out;
	two(&p, sh);
	*p++ = ':';
	two(&p, smi);
	memcpy(p, dash, sizeof dash - 1);
	p += sizeof dash - 1;
	two(&p, eh);
	*p++ = ':';
	two(&p, emi);
	memcpy(p, unit, sizeof unit);
}

/* Reads the statement's row into c; returns the booking's start. */
static long long cal_read(struct db_res *res, long long me, struct cal_row *c)
{
	long long start = db_int(res, 0), end = db_int(res, 1);
	int sh, smi, ed, eh, emi;
	thai_local(start, &c->y, &c->mo, &c->d, &sh, &smi, NULL, &c->wd);
	thai_local(end, NULL, NULL, &ed, &eh, &emi, NULL, NULL);
	/* a booking ends within its day; midnight shows as 24:00 */
	if (ed != c->d && eh == 0 && emi == 0)
		eh = 24;
	time_text(c->time, sh, smi, eh, emi);
	c->id = db_int(res, 2);
	c->status = oss_status_parse(db_text(res, 3));
	c->mine = me > 0 && db_int(res, 4) == me;
	c->chairman = db_text(res, 5);
	c->coordinator = db_text(res, 6);
	return start;
}

static void iso_day(struct buf *b, int y, int mo, int d)
{
	buf_add_int(b, y);
	buf_addc(b, '-');
	buf_add_2d(b, mo);
	buf_addc(b, '-');
	buf_add_2d(b, d);
}

static void day_text(struct buf *b, const struct cal_row *c, long long start)
{
	buf_adds(b, weekdays[c->wd % 7]);
	buf_addc(b, ' ');
	thai_date_short(b, start);
}

/* The JSON API's row: every field, by name. */
static json_t *cal_json(const struct cal_row *c, long long start, bool people)
{
	struct buf b = BUF_INIT;
	json_t *row = json_object();
	iso_day(&b, c->y, c->mo, c->d);
	json_object_set_new(row, "date", json_string_nocheck(buf_cstr(&b)));
	buf_reset(&b);
	day_text(&b, c, start);
	json_object_set_new(row, "date_text", json_string_nocheck(buf_cstr(&b)));
	json_object_set_new(row, "time_text", json_string_nocheck(c->time));
	json_object_set_new(row, "service_name", json_string_nocheck(oss_service_name("31")));
	json_object_set_new(row, "status_label", json_string_nocheck(oss_status_label(c->status)));
	json_object_set_new(row, "status_class", json_string_nocheck(oss_status_class(c->status)));
	json_object_set_new(row, "mine", json_boolean(c->mine));
	if (c->mine) {
		buf_reset(&b);
		buf_adds(&b, "/oss/requests/");
		buf_add_int(&b, c->id);
		json_object_set_new(row, "url", json_string_nocheck(buf_cstr(&b)));
	}
	if (people || c->mine) {
		json_object_set_new(row, "chairman", jx_string(c->chairman));
		json_object_set_new(row, "coordinator", jx_string(c->coordinator));
	}
	buf_release(&b);
	return row;
}

/* The page's HTML of one booking, appended to out: a day's heading when
 * the day changes (linking the day's detail in the month view), then
 * the booking's line. detail: the day view, which names the chairman and
 * coordinator (for those who may see them). */
static void cal_html(struct buf *out, const struct cal_row *c, long long start, long long room_id, bool people,
		     bool detail, int *last_day)
{
	int day = c->y * 10000 + c->mo * 100 + c->d;
	if (day != *last_day) {
		if (*last_day)
			buf_adds(out, "</ul></li>\n");
		*last_day = day;
		buf_adds(out, "<li><strong>");
		if (!detail) {
			buf_adds(out, "<a href=\"/oss/rooms/");
			buf_add_int(out, room_id);
			buf_adds(out, "/calendar?day=");
			iso_day(out, c->y, c->mo, c->d);
			buf_adds(out, "\">");
		}
		buf_adds(out, "<time datetime=\"");
		iso_day(out, c->y, c->mo, c->d);
		buf_adds(out, "\">");
		day_text(out, c, start);
		buf_adds(out, detail ? "</time></strong><ul>\n" : "</time></a></strong><ul>\n");
	}
	buf_adds(out, "<li>");
	buf_adds(out, c->time);
	buf_adds(out, " <span class=\"badge ");
	buf_adds(out, oss_status_class(c->status));
	buf_adds(out, "\">");
	buf_adds(out, oss_status_label(c->status));
	buf_adds(out, "</span>");
	if (c->mine) {
		buf_adds(out, " <a href=\"/oss/requests/");
		buf_add_int(out, c->id);
		buf_adds(out, "\">การจองของคุณ</a>");
	} else {
		buf_adds(out, " <span class=\"muted\">มีผู้จองแล้ว</span>");
	}
	if (detail && (people || c->mine)) {
		if (*c->chairman) {
			buf_adds(out, "<br>ประธาน: ");
			buf_add_html(out, c->chairman, strlen(c->chairman));
		}
		if (*c->coordinator) {
			buf_adds(out, "<br>ผู้ประสานงาน: ");
			buf_add_html(out, c->coordinator, strlen(c->coordinator));
		}
	}
	buf_adds(out, "</li>\n");
}

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
	int y, mo, dd = 0;
	const char *month = req_query(r, "month"), *day = req_query(r, "day");
	if (day && *day) {
		/* one day's detail: ?day=2024-06-25 (or typed in BE) */
		if (thai_date_input(day, &y, &mo, &dd) != 0) {
			json_decref(room);
			return view_error(r, 400, "วันที่ไม่ถูกต้อง กรุณาระบุเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
		}
	} else if (month && *month) {
		if (month_parse(month, &y, &mo) < 0) {
			json_decref(room);
			return view_error(r, 400, "เดือนไม่ถูกต้อง กรุณาระบุเป็น ปี ค.ศ.-เดือน เช่น 2024-06");
		}
	} else {
		thai_local(now, &y, &mo, NULL, NULL, NULL, NULL, NULL);
	}
	bool detail = dd > 0;
	long long from = thai_from_local(y, mo, detail ? dd : 1, 0, 0, 0);
	long long to = detail	  ? from + 86400
		       : mo == 12 ? thai_from_local(y + 1, 1, 1, 0, 0, 0)
				  : thai_from_local(y, mo + 1, 1, 0, 0, 0);
	/* staff of the room's area see who chairs and who coordinates each
	 * meeting (as AMSS++ shows its office); anyone else only that the
	 * time is taken, and his own bookings in full */
	bool people = acc_grant_in_area(acc_active_grant(r), jint(room, "area_id"));
	long long me = acc_user_id(r);
	bool json = req_wants_json(r);
	struct db_res *res;
	if (db_query(db, sql_month, DB_ARGS(DB_INT(room_id), DB_INT(from), DB_INT(to)), &res, &e) < 0) {
		json_decref(room);
		return view_err(r, &e);
	}
	/* one pass: each row goes from the statement into the answer, the
	 * API's JSON rows or the page's HTML (no model rows rendered again) */
	json_t *out = json_array();
	struct buf html = BUF_INIT;
	if (!json)
		buf_grow(&html, 16384); /* a full month is ~20 KB: grown once, not doubled from nothing */
	int rc, last_day = 0;
	long long n = 0;
	struct cal_row c;
	while ((rc = db_next(res, &e)) == 1) {
		long long start = cal_read(res, me, &c);
		if (json)
			json_array_append_new(out, cal_json(&c, start, people));
		else
			cal_html(&html, &c, start, room_id, people, detail, &last_day);
		n++;
	}
	db_res_free(res);
	if (rc < 0) {
		buf_release(&html);
		json_decref(out);
		json_decref(room);
		return view_err(r, &e);
	}
	if (last_day)
		buf_adds(&html, "</ul></li>\n");
	char prev[80], next[80], cur[16];
	month_link(room_id, y, mo - 1, prev, sizeof prev);
	month_link(room_id, y, mo + 1, next, sizeof next);
	snprintf(cur, sizeof cur, "%04d-%02d", y, mo);
	struct buf title = BUF_INIT; /* the room's name: up to 100 Thai letters */
	buf_addf(&title, "ปฏิทินการจอง %s", jstr(room, "name"));
	char month_text[64];
	snprintf(month_text, sizeof month_text, "%s %d", thai_month_name(mo), y + 543);
	struct buf day_txt = BUF_INIT;
	if (detail)
		thai_date_long(&day_txt, from + 12 * 3600);
	char book[64], month_url[80];
	snprintf(book, sizeof book, "/oss/new/31?area=%lld", jint(room, "area_id"));
	snprintf(month_url, sizeof month_url, "/oss/rooms/%lld/calendar?month=%s", room_id, cur);
	json_t *m = json_pack(
	    "{s:s, s:{s:I, s:O, s:O, s:b}, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:I, s:s, s:s*, s:b}", "page_title",
	    buf_cstr(&title), "room", "id", (json_int_t)room_id, "name", json_object_get(room, "name"), "capacity",
	    json_object_get(room, "capacity"), "active", jint(room, "active") != 0, "month", cur, "month_text",
	    month_text, "prev_url", prev, "next_url", next, "rows", out, "has_rows", n > 0, "book_url", book, "count",
	    (json_int_t)n, "month_url", month_url, "day_text", detail ? buf_cstr(&day_txt) : NULL, "detail", detail);
	buf_release(&day_txt);
	if (!json)
		json_object_set_new(m, "rows_html", json_stringn_nocheck(html.data ? html.data : "", html.len));
	buf_release(&html);
	json_decref(room);
	buf_release(&title);
	return view_page(r, 200, "oss/calendar", m);
}
