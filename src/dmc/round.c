/* round: the census rounds of an academic year (DMC-3) and a school's way
 * through one — confirmed by its data officer, certified by its director,
 * acknowledged by the area. A round is a settings row (dmc_rounds) made
 * from the layout in dmc_round_defaults by the hourly job (dmc_rounds_job:
 * this academic year and the next, so a server that starts, or a year
 * that turns, has its rounds before anyone asks) and by `khet demo`;
 * pages only read them, a GET never writes. OBEC's habit of extending a window is an UPDATE of one row, not a
 * release. Confirm and certify are accepted only inside the round day's
 * window (dmc_window_state, a plain function) and in that order; each
 * step is taken once, under a per-school lock, so two clicks cannot both
 * pass the "not yet" check. Certifying copies the school's active learners
 * and its counts into dmc_snapshot / dmc_snapshot_counts in the same
 * transaction: those rows are written once and never updated, so what
 * was certified stays what it was whatever the school edits later. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

/* db_lock keys: "dmc" in the high bytes, the school's id below */
#define LOCK_ROUND_SCHOOL(school) (0x646d6300000000LL + (school))

int dmc_rounds_ensure(struct db *db, int year, struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_rounds WHERE academic_year = $1", DB_ARGS(DB_INT(year)), &have,
			 e) < 0)
		return -1;
	if (have >= 3)
		return 0;
	json_t *defs = db_rows_json(db,
				    "SELECT round_no, label, month, day, year_offset, entry_month, entry_day, "
				    "entry_year_offset, open_time, close_time FROM dmc_round_defaults ORDER BY round_no",
				    NULL, 0, e);
	if (!defs)
		return -1;
	int ce = year - 543, rc = 0;
	size_t i;
	json_t *d;
	json_array_foreach(defs, i, d)
	{
		int y = ce + (int)jint(d, "year_offset"), m = (int)jint(d, "month"), dd = (int)jint(d, "day");
		int open = dmc_parse_hhmm(jstr(d, "open_time")), close = dmc_parse_hhmm(jstr(d, "close_time"));
		if (open < 0 || close < 0) {
			rc = err_set(e, 500, "dmc_round_defaults %lld: bad time", jint(d, "round_no"));
			break;
		}
		long long open_at, close_at, entry_from;
		dmc_round_times(y, m, dd, open, close, ce + (int)jint(d, "entry_year_offset"), (int)jint(d, "entry_month"),
				(int)jint(d, "entry_day"), &open_at, &close_at, &entry_from);
		char day[16];
		snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, dd);
		struct buf label = BUF_INIT; /* a label from the database */
		buf_addf(&label, "%s ปีการศึกษา %d", jstr(d, "label"), year);
		long long n = db_exec(
		    db,
		    "INSERT INTO dmc_rounds (academic_year, round_no, label, round_day, entry_from, open_at, "
		    "close_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (academic_year, round_no) DO NOTHING",
		    DB_ARGS(DB_INT(year), DB_INT(jint(d, "round_no")), DB_TEXT(buf_cstr(&label)), DB_TEXT(day),
			    DB_INT(entry_from), DB_INT(open_at), DB_INT(close_at)),
		    e);
		buf_release(&label);
		if (n < 0) {
			rc = -1;
			break;
		}
	}
	json_decref(defs);
	return rc;
}

int dmc_round_times_of(struct db *db, long long year, int round_no, long long *entry_from, long long *open_at,
		       long long *close_at, struct err *e)
{
	json_t *r = db_row_json(db,
				"SELECT entry_from, open_at, close_at FROM dmc_rounds WHERE academic_year = $1 AND round_no = $2",
				DB_ARGS(DB_INT(year), DB_INT(round_no)), e);
	if (r) {
		*entry_from = jint(r, "entry_from");
		*open_at = jint(r, "open_at");
		*close_at = jint(r, "close_at");
		json_decref(r);
		return 0;
	}
	if (e->status != 404)
		return -1;
	err_clear(e);
	json_t *d = db_row_json(db,
				"SELECT month, day, year_offset, entry_month, entry_day, entry_year_offset, open_time, "
				"close_time FROM dmc_round_defaults WHERE round_no = $1",
				DB_ARGS(DB_INT(round_no)), e);
	if (!d)
		return err_set(e, 500, "dmc_round_defaults: no round %d", round_no);
	int ce = (int)year - 543, open = dmc_parse_hhmm(jstr(d, "open_time")), close = dmc_parse_hhmm(jstr(d, "close_time"));
	int rc = 0;
	if (open < 0 || close < 0)
		rc = err_set(e, 500, "dmc_round_defaults %d: bad time", round_no);
	else
		dmc_round_times(ce + (int)jint(d, "year_offset"), (int)jint(d, "month"), (int)jint(d, "day"), open, close,
				ce + (int)jint(d, "entry_year_offset"), (int)jint(d, "entry_month"), (int)jint(d, "entry_day"),
				open_at, close_at, entry_from);
	json_decref(d);
	return rc;
}

#define ROUND_COLS "SELECT id, academic_year, round_no, label, round_day, entry_from, open_at, close_at FROM dmc_rounds "

int dmc_rounds_job(struct db *db, struct err *e)
{
	int y = thai_academic_year((long long)time(NULL));
	if (db_begin(db, e) < 0)
		return -1;
	if (dmc_rounds_ensure(db, y, e) < 0 || dmc_rounds_ensure(db, y + 1, e) < 0 || db_commit(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

#define AREA_ROUND_COLS                                                                                                \
	"SELECT r.id, r.academic_year, r.round_no, r.label, r.round_day, r.entry_from, r.open_at, "                    \
	"COALESCE(x.close_at, r.close_at) AS close_at, r.close_at AS national_close_at, "                              \
	"CASE WHEN x.close_at IS NULL THEN 0 ELSE 1 END AS extended FROM dmc_rounds r "

json_t *dmc_round_for_school(struct db *db, long long round_id, long long school_id, struct err *e)
{
	/* PostgreSQL: a share lock on the round's row for the rest of the
	 * step, so OBEC's change of the round (settings.c, FOR UPDATE) waits
	 * for a certification in flight and then sees it, and a step waits
	 * for a change in flight and then reads the new times. Steps share
	 * the lock, so schools never wait for each other. SQLite's writers
	 * are serialised already. */
	json_t *r = db_row_json(db,
				db_kind(db) == DB_SQLITE
				    ? AREA_ROUND_COLS "JOIN schools s ON s.id = $2 LEFT JOIN dmc_round_areas x "
						      "ON x.round_id = r.id AND x.area_id = s.area_id WHERE r.id = $1"
				    : AREA_ROUND_COLS "JOIN schools s ON s.id = $2 LEFT JOIN dmc_round_areas x "
						      "ON x.round_id = r.id AND x.area_id = s.area_id WHERE r.id = $1 FOR SHARE OF r",
				DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้");
	return r;
}

json_t *dmc_round_current_area(struct db *db, long long area_id, long long now, struct err *e)
{
	json_t *r = db_row_json(db,
				AREA_ROUND_COLS "LEFT JOIN dmc_round_areas x ON x.round_id = r.id AND x.area_id = $2 "
						"WHERE COALESCE(x.close_at, r.close_at) + 60 > $1 "
						"ORDER BY COALESCE(x.close_at, r.close_at) LIMIT 1",
				DB_ARGS(DB_INT(now), DB_INT(area_id)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ยังไม่มีรอบการจัดเก็บข้อมูล");
	return r;
}

json_t *dmc_round_current(struct db *db, long long now, struct err *e)
{
	json_t *r = db_row_json(db, ROUND_COLS "WHERE close_at + 60 > $1 ORDER BY close_at LIMIT 1",
				DB_ARGS(DB_INT(now)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ยังไม่มีรอบการจัดเก็บข้อมูล");
	return r;
}

json_t *dmc_round_get(struct db *db, long long id, struct err *e)
{
	json_t *r = db_row_json(db, ROUND_COLS "WHERE id = $1", DB_ARGS(DB_INT(id)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ไม่พบรอบการจัดเก็บข้อมูลนี้");
	return r;
}

json_t *dmc_round_school(struct db *db, long long round_id, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT rs.confirmed_at, rs.certified_at, rs.acknowledged_at, "
	    "COALESCE(cu.title, '') || COALESCE(cu.first_name, '') || ' ' || COALESCE(cu.last_name, '') AS confirmed_by_name, "
	    "COALESCE(ce.title, '') || COALESCE(ce.first_name, '') || ' ' || COALESCE(ce.last_name, '') AS certified_by_name, "
	    "COALESCE(ak.title, '') || COALESCE(ak.first_name, '') || ' ' || COALESCE(ak.last_name, '') AS acknowledged_by_name "
	    "FROM dmc_round_schools rs LEFT JOIN users cu ON cu.id = rs.confirmed_by "
	    "LEFT JOIN users ce ON ce.id = rs.certified_by LEFT JOIN users ak ON ak.id = rs.acknowledged_by "
	    "WHERE rs.round_id = $1 AND rs.school_id = $2",
	    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	if (!rows)
		return NULL;
	json_t *r = json_array_size(rows) ? json_incref(json_array_get(rows, 0))
					  : json_pack("{s:n, s:n, s:n, s:s, s:s, s:s}", "confirmed_at", "certified_at",
						      "acknowledged_at", "confirmed_by_name", "", "certified_by_name", "",
						      "acknowledged_by_name", "");
	json_decref(rows);
	return r;
}

/* The round and the school's row, under the school's lock, with the
 * window checked when need_window. */
static json_t *step_start(struct db *db, long long round_id, long long school_id, long long now, bool need_window,
			  json_t **state, struct err *e)
{
	if (db_lock(db, LOCK_ROUND_SCHOOL(school_id), e) < 0)
		return NULL;
	/* the window as the school's area sees it (an area may extend it) */
	json_t *round = dmc_round_for_school(db, round_id, school_id, e);
	if (!round)
		return NULL;
	if (need_window) {
		enum dmc_window w = dmc_window_state(jint(round, "open_at"), jint(round, "close_at"), now);
		if (w != DMC_WINDOW_OPEN) {
			struct buf msg = BUF_INIT;
			dmc_window_message(w, jint(round, "open_at"), jint(round, "close_at"), &msg);
			err_set(e, 409, "%s", buf_cstr(&msg));
			buf_release(&msg);
			json_decref(round);
			return NULL;
		}
	}
	*state = dmc_round_school(db, round_id, school_id, e);
	if (!*state) {
		json_decref(round);
		return NULL;
	}
	return round;
}

static bool has(json_t *state, const char *k)
{
	json_t *v = json_object_get(state, k);
	return v && !json_is_null(v);
}

int dmc_round_confirm(struct db *db, long long round_id, long long school_id, long long by, long long now,
		      struct err *e)
{
	json_t *state = NULL, *round = step_start(db, round_id, school_id, now, true, &state, e);
	if (!round)
		return -1;
	bool done = has(state, "confirmed_at");
	json_decref(state);
	json_decref(round);
	if (done)
		return err_set(e, 409, "โรงเรียนยืนยันข้อมูลรอบนี้แล้ว");
	return db_exec(db,
		       "INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, confirmed_by) "
		       "VALUES ($1, $2, $3, $4) ON CONFLICT (round_id, school_id) DO UPDATE SET "
		       "confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by",
		       DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0
		   ? -1
		   : 0;
}

int dmc_round_certify(struct db *db, long long round_id, long long school_id, long long by, long long now,
		      struct err *e)
{
	json_t *state = NULL, *round = step_start(db, round_id, school_id, now, true, &state, e);
	if (!round)
		return -1;
	bool confirmed = has(state, "confirmed_at"), certified = has(state, "certified_at");
	json_decref(state);
	json_decref(round);
	if (!confirmed)
		return err_set(e, 409, "ยังรับรองไม่ได้: เจ้าหน้าที่ของโรงเรียนต้องยืนยันข้อมูลรอบนี้ก่อน แล้วผู้อำนวยการจึงรับรอง");
	if (certified)
		return err_set(e, 409, "ผู้อำนวยการรับรองข้อมูลรอบนี้แล้ว");
	/* the frozen copy: learners active now, and their counts */
	if (db_exec(db,
		    "INSERT INTO dmc_snapshot (round_id, school_id, learner_id, ident, title, first_name, last_name, sex, "
		    "birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability) "
		    "SELECT $1, school_id, id, ident, title, first_name, last_name, sex, birth_date, nationality, grade, "
		    "room, weight_x10, height_x10, disadvantaged, disability FROM dmc_learners "
		    "WHERE school_id = $2 AND status = 'active'",
		    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e) < 0 ||
	    db_exec(db,
		    "INSERT INTO dmc_snapshot_counts (round_id, school_id, grade, sex, n) "
		    "SELECT $1, school_id, grade, sex, n FROM dmc_counts WHERE school_id = $2 AND n > 0",
		    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e) < 0 ||
	    /* a learner another school certified in this round too: counted twice */
	    dmc_dup_check_round(db, round_id, school_id, now, e) < 0 ||
	    /* the grades and rooms of the round (menu 2.2) freeze with it */
	    dmc_basic_freeze(db, round_id, school_id, now, e) < 0)
		return -1;
	/* the school's round row, with its totals for the dashboards (DMC-5),
	 * in one statement and last: its trigger changes the area's progress
	 * row (dmc_round_area_progress, migration 0513), which every school
	 * of the area certifying at the same time writes too, so it is held
	 * from here to the commit only, not across the snapshot's copy (the
	 * school's own lock, step_start, keeps a second certify out) */
	return db_exec(db,
		       "UPDATE dmc_round_schools SET certified_at = $3, certified_by = $4, "
		       "certified_male = (SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts c WHERE c.round_id = $1 "
		       "AND c.school_id = $2 AND c.sex = 'M'), "
		       "certified_female = (SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts c WHERE c.round_id = $1 "
		       "AND c.school_id = $2 AND c.sex = 'F') WHERE round_id = $1 AND school_id = $2",
		       DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0
		   ? -1
		   : 0;
}

int dmc_round_acknowledge(struct db *db, long long round_id, long long school_id, long long by, long long now,
			  struct err *e)
{
	json_t *state = NULL, *round = step_start(db, round_id, school_id, now, false, &state, e);
	if (!round)
		return -1;
	bool certified = has(state, "certified_at"), acked = has(state, "acknowledged_at");
	json_decref(state);
	json_decref(round);
	if (!certified)
		return err_set(e, 409, "ยังรับทราบไม่ได้: ผู้อำนวยการโรงเรียนยังไม่ได้รับรองข้อมูลรอบนี้");
	if (acked)
		return err_set(e, 409, "เขตพื้นที่รับทราบข้อมูลของโรงเรียนนี้ในรอบนี้แล้ว");
	return db_exec(db,
		       "UPDATE dmc_round_schools SET acknowledged_at = $3, acknowledged_by = $4 "
		       "WHERE round_id = $1 AND school_id = $2",
		       DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0
		   ? -1
		   : 0;
}
