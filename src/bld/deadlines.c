/* deadlines: the collection windows as the area's data calendar
 * reads them — one entry per year whose window overlaps the asked dates,
 * with the schools that still owe their submission. The calendar module
 * reaches it through its hook in core/module.h (wired at merge); this
 * file names no other module. */
#include <stdio.h>
#include <string.h>

#include "bld/bld_internal.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"

/* "2026-10-30T16:30:00+07:00" of t */
static void iso_bkk(long long t, char out[32])
{
	int y, mo, d, h, mi, s;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, NULL);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, mo, d, h, mi, s);
}

int bld_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	int fy, fm, fd, ty, tm, td;
	if (!q || thai_parse_date(q->from, &fy, &fm, &fd) < 0 || thai_parse_date(q->to, &ty, &tm, &td) < 0)
		return err_set(e, 400, "ช่วงวันที่ไม่ถูกต้อง");
	long long from = thai_from_local(fy, fm, fd, 0, 0, 0), to = thai_from_local(ty, tm, td, 23, 59, 59);
	for (int y = fy + 543 - 1; y <= ty + 543; y++) {
		struct bld_window w;
		long long ac = 0;
		if (bld_window_get(db, y, q->area_id, &w, &ac, e) < 0)
			return -1;
		long long close = bld_window_close(&w, ac);
		if (close < from || w.opens > to)
			continue;
		json_t *owing = q->school_id > 0
				    ? db_rows_json(db,
						   "SELECT s.id AS school_id, s.name FROM schools s LEFT JOIN bld_school_years y "
						   "ON y.school_id = s.id AND y.year = $2 WHERE s.id = $1 AND s.area_id = $3 AND "
						   "y.submitted_at IS NULL",
						   DB_ARGS(DB_INT(q->school_id), DB_INT(y), DB_INT(q->area_id)), e)
				    : db_rows_json(db,
						   "SELECT s.id AS school_id, s.name FROM schools s LEFT JOIN bld_school_years y "
						   "ON y.school_id = s.id AND y.year = $2 WHERE s.area_id = $1 AND y.submitted_at "
						   "IS NULL ORDER BY s.name COLLATE thai, s.id",
						   DB_ARGS(DB_INT(q->area_id), DB_INT(y)), e);
		if (!owing)
			return -1;
		char key[24], title[160], opens[32], due[32], href[96];
		snprintf(key, sizeof key, "bld.%d", y);
		snprintf(title, sizeof title, "ข้อมูลอาคารเรียน (B-OBEC) ปี %d", y);
		iso_bkk(w.opens, opens);
		iso_bkk(close, due);
		if (q->school_id > 0)
			snprintf(href, sizeof href, "/bld/schools/%lld?year=%d", q->school_id, y);
		else
			snprintf(href, sizeof href, "/bld/areas/%lld?year=%d", q->area_id, y);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "key", key, "module",
						     "bld", "title", title, "opens", opens, "due", due, "href", href,
						     "remind", "school_admin bld_officer", "owing", owing));
	}
	return 0;
}
