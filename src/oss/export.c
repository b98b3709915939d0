/* export: the officer's list as CSV or XLSX (issue item 11) —
 * GET /oss/manage/list?format=csv|xlsx with the list's own filters
 * (service, status, overdue, search) and order (sort). Only a service assigned to
 * the officer is exported (oss_manage_list checks that before calling);
 * the rows come from one query (oss_manage_each) and go straight into the
 * sheet, at most OSS_EXPORT_MAX of them (a cut file says so in its last
 * row, and the list page next to the buttons). The export holds personal data (names, phones), so it is audited
 * like a read of a request. Room bookings (31) add the booking's
 * room, dates, hours, chairman and coordinator (issue 10.14b). */
#include <stdio.h>
#include <string.h>

#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

struct export_ctx {
	struct sheet *s;
	bool rooms; /* service 31: the booking's columns too */
	long long now, overdue_before;
	const long long *hol;
	size_t nhol;
};

static void text_time(struct sheet *s, long long t)
{
	struct buf b = BUF_INIT;
	thai_datetime_short(&b, t);
	sheet_text(s, buf_cstr(&b));
	buf_release(&b);
}

static int add_row(const struct oss_export_row *row, long long n, void *arg)
{
	struct export_ctx *x = arg;
	struct sheet *s = x->s;
	json_t *d = row->data;
	sheet_number(s, (double)n);
	sheet_code(s, row->code);
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s%s %s", jstr(d, "title"), jstr(d, "first_name"), jstr(d, "last_name"));
	sheet_text(s, buf_cstr(&name));
	buf_release(&name);
	sheet_code(s, jstr(d, "phone"));
	sheet_text(s, jstr(d, "email"));
	text_time(s, row->created_at);
	sheet_text(s, row->status >= 0 ? oss_status_label((enum oss_status)row->status) : "");
	text_time(s, row->status_at);
	sheet_text(s, row->note);
	bool waiting = row->status == OSS_SUBMITTED || row->status == OSS_IN_PROGRESS || row->status == OSS_RESUBMITTED;
	if (waiting) {
		sheet_number(s, (double)oss_business_days_waited(row->queued_at, x->now, x->hol, x->nhol));
		sheet_text(s, row->queued_at < x->overdue_before ? "เกินกำหนด" : "");
	} else {
		sheet_text(s, "");
		sheet_text(s, "");
	}
	sheet_text(s, row->has_result ? "มี" : "");
	if (x->rooms) {
		/* the booking as the request holds it (issue 10.14b) */
		sheet_text(s, jstr(d, "room_name"));
		struct buf b = BUF_INIT;
		long long d0 = oss_day_parse(jstr(d, "start_date")), d1 = oss_day_parse(jstr(d, "end_date"));
		if (d0 >= 0)
			thai_date_short(&b, d0 * 86400 - 7 * 3600 + 12 * 3600);
		if (d1 > d0) {
			buf_adds(&b, " – ");
			thai_date_short(&b, d1 * 86400 - 7 * 3600 + 12 * 3600);
		}
		sheet_text(s, buf_cstr(&b));
		buf_reset(&b);
		if (*jstr(d, "start_time"))
			buf_addf(&b, "%s–%s น.", jstr(d, "start_time"), jstr(d, "end_time"));
		sheet_text(s, buf_cstr(&b));
		buf_release(&b);
		sheet_text(s, jstr(d, "chairman"));
		sheet_text(s, jstr(d, "coordinator"));
	}
	sheet_row_end(s);
	return 0;
}

static const struct sheet_col cols[] = {
    {"ที่", 6},
    {"รหัสอ้างอิง", 20},
    {"ผู้ยื่นคำร้อง", 30},
    {"เบอร์โทรศัพท์", 14},
    {"อีเมล", 26},
    {"วันที่ยื่น", 22},
    {"สถานะ", 30},
    {"วันที่เปลี่ยนสถานะ", 22},
    {"ข้อความล่าสุด", 40},
    {"รอ (วันทำการ)", 12},
    {"เกินกำหนด", 12},
    {"ไฟล์จากเจ้าหน้าที่", 14},
    /* service 31 only */
    {"ห้องประชุม", 24},
    {"วันที่ใช้ห้อง", 26},
    {"เวลา", 16},
    {"ประธานการประชุม", 36},
    {"ผู้ประสานงาน", 36},
};
#define COLS_ALL 12

int oss_manage_export(struct req *r, enum sheet_format f, long long area_id, const char *service, int status,
		      long long overdue_before, long long mark_before, enum oss_sort sort, const char *q, long long now,
		      const long long *hol, size_t nhol)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	struct buf title = BUF_INIT;
	buf_addf(&title, "คำร้อง %s", oss_service_name(service));
	struct export_ctx x = {
	    .now = now, .overdue_before = mark_before, .hol = hol, .nhol = nhol, .rooms = !strcmp(service, "31")};
	x.s = sheet_new(f, buf_cstr(&title), x.rooms ? (int)(sizeof cols / sizeof *cols) : COLS_ALL, cols, &e);
	buf_release(&title);
	if (!x.s)
		return view_err(r, &e);
	bool cut = false;
	if (oss_manage_each(db, area_id, service, status, overdue_before, sort, q, add_row, &x, &cut, &e) < 0) {
		sheet_free(x.s);
		if (e.status == 400) /* a search the list would refuse too */
			return view_error(r, 400, e.msg);
		return view_err(r, &e);
	}
	if (cut) {
		/* never silently short: the last row says where it stopped */
		char msg[600];
		snprintf(msg, sizeof msg,
			 "ไฟล์นี้มีเพียง %d,%03d รายการแรกตามตัวกรอง กรุณาเพิ่มตัวกรอง (สถานะ คำค้น) เพื่อส่งออกส่วนที่เหลือ",
			 OSS_EXPORT_MAX / 1000, OSS_EXPORT_MAX % 1000);
		sheet_text(x.s, msg);
		sheet_row_end(x.s);
	}
	oss_audit(r, db, "personal.export", "oss_requests", 0, area_id,
		  json_pack("{s:s, s:s, s:s, s:s}", "service", service, "format", f == SHEET_XLSX ? "xlsx" : "csv",
			    "status", status >= 0 ? oss_status_name((enum oss_status)status) : "", "q", q ? q : ""));
	/* คำร้อง-11-25670625.csv: service and the Bangkok date of the export */
	int y, mo, d, h, mi, sec, wd;
	thai_local(now, &y, &mo, &d, &h, &mi, &sec, &wd);
	char name[64];
	snprintf(name, sizeof name, "คำร้อง-%s-%04d%02d%02d", service, y + 543, mo, d);
	return sheet_send(r, x.s, name);
}
