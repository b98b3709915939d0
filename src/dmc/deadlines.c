/* deadlines: the census rounds as the area's data calendar sees them (X-7,
 * core/module.h's deadlines hook). A round is one deadline: its entry
 * period opens on the round's first day of entry and the work is due when
 * the round day's confirm window closes (16:30 Bangkok, or later where the
 * area extended it, dmc_round_areas) — by then the data officer must have
 * confirmed and the director certified. A school owes the round until it
 * is certified; its detail says which of the two steps is left.
 *
 * The rounds and the schools that owe them come from one query: every
 * round overlapping the span, LEFT JOINed to the area's schools that have
 * no certification in it (so a round every school certified still comes
 * back, with no school), walked through schools_area_name and
 * dmc_round_schools' primary key. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

static const char sql[] =
    "SELECT r.id, r.academic_year, r.round_no, r.label, r.entry_from, r.open_at, "
    "COALESCE(ra.close_at, r.close_at) AS close_at, s.id AS school_id, s.name, rs.confirmed_at "
    "FROM dmc_rounds r LEFT JOIN dmc_round_areas ra ON ra.round_id = r.id AND ra.area_id = $1 "
    "LEFT JOIN schools s ON s.area_id = $1 AND ($2 = 0 OR s.id = $2) AND NOT EXISTS (SELECT 1 FROM "
    "dmc_round_schools c WHERE c.round_id = r.id AND c.school_id = s.id AND c.certified_at IS NOT NULL) "
    "LEFT JOIN dmc_round_schools rs ON rs.round_id = r.id AND rs.school_id = s.id "
    "WHERE r.entry_from <= $4 AND COALESCE(ra.close_at, r.close_at) >= $3 "
    "ORDER BY r.close_at, r.id, s.name COLLATE thai, s.id";

/* UTC seconds of the first (end = false) or last second of an ISO day in
 * Bangkok, -1 when it is not a date. */
static long long day_edge(const char *iso, bool end)
{
	int y, m, d;
	if (thai_parse_date(iso, &y, &m, &d) < 0)
		return -1;
	return end ? thai_from_local(y, m, d, 23, 59, 59) : thai_from_local(y, m, d, 0, 0, 0);
}

static json_t *deadline_of(json_t *row)
{
	char key[64], opens[32], due[32];
	snprintf(key, sizeof key, "dmc.%lld.%lld.confirm", jint(row, "academic_year"), jint(row, "round_no"));
	deadline_time(jint(row, "entry_from"), opens);
	deadline_time(jint(row, "close_at"), due);
	struct buf title = BUF_INIT, note = BUF_INIT, day = BUF_INIT;
	buf_addf(&title, "ข้อมูลนักเรียน (DMC) %s: บันทึก ยืนยัน และรับรองข้อมูล", jstr(row, "label"));
	int y, mo, d, oh, om, ch, cm, s, wd;
	thai_local(jint(row, "open_at"), &y, &mo, &d, &oh, &om, &s, &wd);
	thai_local(jint(row, "close_at"), &y, &mo, &d, &ch, &cm, &s, &wd);
	thai_date_long(&day, jint(row, "open_at"));
	buf_addf(&note, "เจ้าหน้าที่ยืนยันข้อมูลและผู้อำนวยการรับรองข้อมูล วันที่ %s เวลา %02d.%02d–%02d.%02d น.", buf_cstr(&day), oh,
		 om, ch, cm);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "key", key, "module", "dmc", "title",
			      buf_cstr(&title), "opens", opens, "due", due, "href", "/dmc", "note", buf_cstr(&note),
			      "remind", "school_admin dmc_officer director dmc_certifier", "owing");
	buf_release(&title);
	buf_release(&note);
	buf_release(&day);
	return o;
}

int dmc_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	long long from = day_edge(q->from, false), to = day_edge(q->to, true);
	if (from < 0 || to < 0)
		return err_set(e, 400, "ช่วงวันที่ไม่ถูกต้อง");
	json_t *rows =
	    db_rows_json(db, sql, DB_ARGS(DB_INT(q->area_id), DB_INT(q->school_id), DB_INT(from), DB_INT(to)), e);
	if (!rows)
		return -1;
	json_t *cur = NULL;
	long long cur_round = 0;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (!cur || jint(row, "id") != cur_round) {
			cur = deadline_of(row);
			cur_round = jint(row, "id");
			json_array_append_new(out, cur);
		}
		long long sid = jint(row, "school_id");
		if (sid <= 0)
			continue; /* the round, with no school owing it */
		char href[48];
		snprintf(href, sizeof href, "/dmc/schools/%lld", sid);
		bool confirmed = jint(row, "confirmed_at") > 0;
		json_array_append_new(
		    json_object_get(cur, "owing"),
		    json_pack("{s:I, s:s, s:s, s:s}", "school_id", (json_int_t)sid, "name", jstr(row, "name"), "detail",
			      confirmed ? "ยืนยันแล้ว รอผู้อำนวยการรับรองข้อมูล" : "ยังไม่ยืนยันข้อมูล", "href", href));
	}
	json_decref(rows);
	return 0;
}
