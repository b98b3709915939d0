/* deadlines: the yearly admin roster (ACC-7) as the area's data calendar
 * sees it (X-7, core/module.h's deadlines hook). The roster is done at the
 * start of each academic year; the calendar gives it the year's first
 * month: it opens on 16 May (the academic year's first day) and is due on
 * 15 June at 16:30 Bangkok (ROSTER_DUE_*). Nothing stores another date, so
 * the calendar of every area shows the same one.
 *
 * A school owes the year's roster until the area has submitted it or, in
 * the draft, has decided on the school: a decision on one of its admins
 * (stay, moved, resigned, retired) or a new admin asked for it. A school
 * with no admin and none asked for owes it too — the roster is where its
 * admin is added. The school admins are reminded: the seed's process asks
 * every school to check its entry in the directory and tell the area.
 *
 * One query per call: the overlapping years (at most three, as VALUES)
 * LEFT JOINed to the area's schools the roster has not decided on. */
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"

#define ROSTER_OPEN_MONTH 5
#define ROSTER_OPEN_DAY 16
#define ROSTER_DUE_MONTH 6
#define ROSTER_DUE_DAY 15
#define ROSTER_DUE_HOUR 16
#define ROSTER_DUE_MINUTE 30

static const char sql[] =
    "WITH years (yr) AS (VALUES (CAST($3 AS BIGINT)), (CAST($4 AS BIGINT)), (CAST($5 AS BIGINT))) "
    "SELECT years.yr, ro.status, s.id AS school_id, s.name FROM years "
    "LEFT JOIN rosters ro ON ro.area_id = $1 AND ro.academic_year = years.yr "
    "LEFT JOIN schools s ON s.area_id = $1 AND ($2 = 0 OR s.id = $2) "
    "AND (ro.status IS NULL OR ro.status <> 'submitted') "
    "AND NOT EXISTS (SELECT 1 FROM roster_decisions d WHERE d.roster_id = ro.id AND d.school_id = s.id) "
    "AND NOT EXISTS (SELECT 1 FROM roster_additions a WHERE a.roster_id = ro.id AND a.school_id = s.id) "
    "WHERE years.yr > 0 ORDER BY years.yr, s.name COLLATE thai, s.id";

static long long opens_of(int year)
{
	return thai_from_local(year - 543, ROSTER_OPEN_MONTH, ROSTER_OPEN_DAY, 0, 0, 0);
}

static long long due_of(int year)
{
	return thai_from_local(year - 543, ROSTER_DUE_MONTH, ROSTER_DUE_DAY, ROSTER_DUE_HOUR, ROSTER_DUE_MINUTE, 0);
}

static json_t *deadline_of(int year, long long area_id)
{
	char key[48], opens[32], due[32], href[64];
	snprintf(href, sizeof href, "/areas/%lld/directory", area_id);
	snprintf(key, sizeof key, "acc.%d.roster", year);
	deadline_time(opens_of(year), opens);
	deadline_time(due_of(year), due);
	struct buf title = BUF_INIT;
	buf_addf(&title, "ทำเนียบแอดมินประจำปีการศึกษา %d: ยืนยัน ยกเลิก หรือเพิ่มแอดมินสถานศึกษา", year);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "key", key, "module", "acc", "title",
			      buf_cstr(&title), "opens", opens, "due", due, "href", href, "note",
			      "ตรวจสอบรายชื่อแอดมินของโรงเรียนในทำเนียบแอดมิน แล้วแจ้งเขตพื้นที่ให้ยืนยัน ยกเลิก หรือเพิ่มผู้ดูแล", "remind",
			      "school_admin", "owing");
	buf_release(&title);
	return o;
}

int acc_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	int fy, fm, fd, ty, tm, td;
	if (thai_parse_date(q->from, &fy, &fm, &fd) < 0 || thai_parse_date(q->to, &ty, &tm, &td) < 0)
		return err_set(e, 400, "ช่วงวันที่ไม่ถูกต้อง");
	long long from = thai_from_local(fy, fm, fd, 0, 0, 0), to = thai_from_local(ty, tm, td, 23, 59, 59);
	long long years[3] = {0, 0, 0};
	int n = 0;
	for (int y = fy + 543; y <= ty + 543 && n < 3; y++)
		if (opens_of(y) <= to && due_of(y) >= from)
			years[n++] = y;
	if (!n)
		return 0;
	json_t *rows = db_rows_json(
	    db, sql,
	    DB_ARGS(DB_INT(q->area_id), DB_INT(q->school_id), DB_INT(years[0]), DB_INT(years[1]), DB_INT(years[2])), e);
	if (!rows)
		return -1;
	json_t *cur = NULL;
	long long cur_year = 0;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (!cur || jint(row, "yr") != cur_year) {
			cur_year = jint(row, "yr");
			cur = deadline_of((int)cur_year, q->area_id);
			json_array_append_new(out, cur);
		}
		if (jint(row, "school_id") <= 0)
			continue;
		json_array_append_new(json_object_get(cur, "owing"),
				      json_pack("{s:I, s:s, s:s}", "school_id", (json_int_t)jint(row, "school_id"),
						"name", jstr(row, "name"), "detail",
						"เขตยังไม่ได้ยืนยันแอดมินของโรงเรียนในทำเนียบ"));
	}
	json_decref(rows);
	return 0;
}
