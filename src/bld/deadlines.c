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

/* What an owing school still has to do, for the calendar's "ยังค้าง"
 * (one statement still: the EXISTS reads bld_buildings_school) */
#define DETAIL                                                                                                         \
	"CASE WHEN y.reopened_at IS NOT NULL THEN 'เขตพื้นที่เปิดให้แก้ไขแล้ว ยังไม่ได้ส่งข้อมูลอีกครั้ง' "           \
	"WHEN EXISTS (SELECT 1 FROM bld_buildings b WHERE b.school_id = s.id) THEN "                                \
	"'กรอกข้อมูลอาคารแล้ว ยังไม่ได้กดส่งข้อมูล' ELSE 'ยังไม่ได้กรอกข้อมูลอาคารและส่งข้อมูล' END AS detail"

/* The windows of the years [y0, y1]: OBEC's settings and the areas'
 * extensions (of every area when memo is given, of area alone when not),
 * in two queries. With a memo (a pass over many areas, core/module.h) they
 * are read once for the whole pass and kept under "bld.windows". */
static json_t *windows_of(struct db *db, int y0, int y1, long long area, json_t *memo, struct err *e)
{
	json_t *m = memo ? json_object_get(memo, "bld.windows") : NULL;
	if (m && jint(m, "y0") == y0 && jint(m, "y1") == y1)
		return json_incref(m);
	json_t *win = db_rows_json(db, "SELECT year, opens_at, closes_at FROM bld_windows WHERE year BETWEEN $1 AND $2",
				   DB_ARGS(DB_INT(y0), DB_INT(y1)), e);
	json_t *ext = win ? db_rows_json(db,
					 "SELECT year, area_id, closes_at FROM bld_area_windows WHERE year BETWEEN $1 AND "
					 "$2 AND ($3 = 0 OR area_id = $3)",
					 DB_ARGS(DB_INT(y0), DB_INT(y1), DB_INT(memo ? 0 : area)), e)
			  : NULL;
	if (!ext) {
		json_decref(win);
		return NULL;
	}
	m = json_pack("{s:i, s:i, s:o, s:o}", "y0", y0, "y1", y1, "win", win, "ext", ext);
	if (memo)
		json_object_set(memo, "bld.windows", m);
	return m;
}

/* The window of year for area from what windows_of read (as
 * bld_window_get gives it). */
static void window_in(json_t *m, int year, long long area, struct bld_window *w, long long *ac)
{
	bld_window_default(year, w);
	*ac = 0;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "win"), i, x)
	{
		if (jint(x, "year") == year) {
			w->opens = jint(x, "opens_at");
			w->closes = jint(x, "closes_at");
		}
	}
	json_array_foreach(json_object_get(m, "ext"), i, x)
	{
		if (jint(x, "year") == year && jint(x, "area_id") == area)
			*ac = jint(x, "closes_at");
	}
}

int bld_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	int fy, fm, fd, ty, tm, td;
	if (!q || thai_parse_date(q->from, &fy, &fm, &fd) < 0 || thai_parse_date(q->to, &ty, &tm, &td) < 0)
		return err_set(e, 400, "ช่วงวันที่ไม่ถูกต้อง");
	long long from = thai_from_local(fy, fm, fd, 0, 0, 0), to = thai_from_local(ty, tm, td, 23, 59, 59);
	json_t *wins = windows_of(db, fy + 543 - 1, ty + 543, q->area_id, q->memo, e);
	if (!wins)
		return -1;
	for (int y = fy + 543 - 1; y <= ty + 543; y++) {
		struct bld_window w;
		long long ac = 0;
		window_in(wins, y, q->area_id, &w, &ac);
		long long close = bld_window_close(&w, ac);
		if (close < from || w.opens > to)
			continue;
		json_t *owing = q->school_id > 0
				    ? db_rows_json(db,
						   "SELECT s.id AS school_id, s.name, " DETAIL " FROM schools s LEFT JOIN "
						   "bld_school_years y ON y.school_id = s.id AND y.year = $2 WHERE s.id = $1 AND "
						   "s.area_id = $3 AND y.submitted_at IS NULL",
						   DB_ARGS(DB_INT(q->school_id), DB_INT(y), DB_INT(q->area_id)), e)
				    : db_rows_json(db,
						   "SELECT s.id AS school_id, s.name, " DETAIL " FROM schools s LEFT JOIN "
						   "bld_school_years y ON y.school_id = s.id AND y.year = $2 WHERE s.area_id = $1 AND "
						   "y.submitted_at IS NULL ORDER BY s.name COLLATE thai, s.id",
						   DB_ARGS(DB_INT(q->area_id), DB_INT(y)), e);
		if (!owing) {
			json_decref(wins);
			return -1;
		}
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
	json_decref(wins);
	return 0;
}
