/* deadlines: KPI report due dates as the area's data calendar sees them
 * (X-7, core/module.h's deadlines hook). The owner opens each period of an
 * indicator with a due date; every due date of an area's fiscal year on
 * which opened periods of Open indicators fall is one deadline (key
 * kpi.<fiscal year>.<due date>), due at the end of that day, as the
 * reports pages count a report late only from the next day. A school owes
 * it while any of its reports due that day is not yet confirmed (assigned
 * or draft); its count is how many. The area office's own reports (no
 * school) are the owners' work, not a school's, and are left out.
 *
 * One query per call: the area's reports of the span grouped by due date
 * and school, through kpi_indicators_year, the periods' and the reports'
 * unique keys. KPI sends its own reminders (remind.c), so these deadlines
 * carry no "remind" and the calendar mails nothing for them. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

static const char sql[] =
    "SELECT i.fiscal_year, p.due_date, MIN(p.start_date) AS start_date, s.id AS school_id, s.name, "
    "COUNT(*) AS n, SUM(CASE WHEN r.status IN ('assigned', 'draft') THEN 1 ELSE 0 END) AS left_n "
    "FROM kpi_indicators i JOIN kpi_periods p ON p.indicator_id = i.id "
    "JOIN kpi_reports r ON r.period_id = p.id JOIN schools s ON s.id = r.school_id "
    "WHERE i.area_id = $1 AND i.status = 'open' AND p.opened_at IS NOT NULL AND ($2 = 0 OR r.school_id = $2) "
    "AND p.start_date <= $4 AND p.due_date >= $3 "
    "GROUP BY i.fiscal_year, p.due_date, s.id, s.name "
    "ORDER BY p.due_date, i.fiscal_year, s.name COLLATE thai, s.id";

static json_t *deadline_of(json_t *row)
{
	const char *due_date = jstr(row, "due_date");
	char key[64], opens[32], due[32];
	snprintf(key, sizeof key, "kpi.%lld.%s", jint(row, "fiscal_year"), due_date);
	snprintf(opens, sizeof opens, "%.10sT00:00:00+07:00", jstr(row, "start_date"));
	snprintf(due, sizeof due, "%.10sT23:59:00+07:00", due_date);
	struct buf title = BUF_INIT, day = BUF_INIT;
	thai_date_field(&day, due_date);
	buf_addf(&title, "KPI-Online ปีงบประมาณ %lld: ส่งและยืนยันรายงานตัวชี้วัดที่ครบกำหนดวันที่ %s", jint(row, "fiscal_year"),
		 buf_cstr(&day));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "key", key, "module", "kpi", "title",
			      buf_cstr(&title), "opens", opens, "due", due, "href", "/kpi", "note",
			      "รายงานที่ยังไม่กดยืนยันผลตัวชี้วัดถือว่ายังไม่ได้ส่ง", "owing");
	buf_release(&title);
	buf_release(&day);
	return o;
}

int kpi_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	json_t *rows = db_rows_json(
	    db, sql, DB_ARGS(DB_INT(q->area_id), DB_INT(q->school_id), DB_TEXT(q->from), DB_TEXT(q->to)), e);
	if (!rows)
		return -1;
	json_t *cur = NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		char key[64];
		snprintf(key, sizeof key, "kpi.%lld.%s", jint(row, "fiscal_year"), jstr(row, "due_date"));
		if (!cur || strcmp(jstr(cur, "key"), key)) {
			cur = deadline_of(row);
			json_array_append_new(out, cur);
		}
		long long left = jint(row, "left_n");
		if (left <= 0)
			continue;
		struct buf detail = BUF_INIT;
		buf_addf(&detail, "ยังไม่ยืนยัน %lld จาก %lld รายงาน", left, jint(row, "n"));
		json_array_append_new(json_object_get(cur, "owing"),
				      json_pack("{s:I, s:s, s:s, s:I, s:s}", "school_id",
						(json_int_t)jint(row, "school_id"), "name", jstr(row, "name"), "detail",
						buf_cstr(&detail), "count", (json_int_t)left, "href", "/kpi"));
		buf_release(&detail);
	}
	json_decref(rows);
	return 0;
}
