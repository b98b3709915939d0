/* promotion: what happens to a school's learners after the year-end round
 * (DMC-3). The system, not the school, moves every learner up: the data
 * officer only starts it for the school once the year-end round's window
 * has closed, after marking who repeats a grade (ซ้ำชั้น). Each learner's
 * outcome is the rule dmc_promotion_of (rules.c) applied to its grade
 * (final or not) and its mark — evaluated here once per grade and mark,
 * never per learner, so a school of 2,000 learners is promoted in a fixed
 * number of statements. What the promotion did to each learner is kept
 * (dmc_promotion_rows), so it can be undone until the next round's entry
 * opens, for exactly the learners still where it left them: one who moved
 * or graduated into another school since stays where he is. The counts by
 * grade × sex are rebuilt for the school in the same transaction. A
 * school's promotion runs under its own lock and the partial UNIQUE index
 * of migration 0501 lets one stand per round, so two clicks cannot both
 * promote. */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

/* db_lock key: "dmcp" in the high bytes, the school below */
#define LOCK_PROMOTION(school) (0x646d637000000000LL + (school))

static int next_round_times(struct db *db, long long year, long long *entry_from, long long *open_at, struct err *e)
{
	long long close_at;
	return dmc_round_times_of(db, year, 1, entry_from, open_at, &close_at, e);
}

/* a year-end round as the school's area sees it: its close is the area's
 * extension when it has one (dmc_round_areas), so promotion waits for it */
#define YEAREND_CLOSE "COALESCE(x.close_at, r.close_at)"
#define YEAREND_COLS                                                                                                   \
	"SELECT r.id, r.academic_year, r.label, r.open_at, " YEAREND_CLOSE " AS close_at FROM dmc_rounds r "            \
	"LEFT JOIN dmc_round_areas x ON x.round_id = r.id AND x.area_id = (SELECT area_id FROM schools WHERE id = $2) " \
	"WHERE r.round_no = 3 "

json_t *dmc_yearend(struct db *db, long long school_id, long long now, struct err *e)
{
	/* the latest year-end round whose window has closed, while its
	 * promotion period lasts; else the next one ahead */
	json_t *round = db_row_json(db, YEAREND_COLS "AND " YEAREND_CLOSE " + 60 <= $1 ORDER BY 5 DESC LIMIT 1",
				    DB_ARGS(DB_INT(now), DB_INT(school_id)), e);
	if (!round && e->status != 404)
		return NULL;
	err_clear(e);
	long long entry = 0, open = 0;
	if (round) {
		if (next_round_times(db, jint(round, "academic_year") + 1, &entry, &open, e) < 0) {
			json_decref(round);
			return NULL;
		}
		if (now >= open) {
			json_decref(round);
			round = NULL;
		}
	}
	const char *state = "open";
	if (!round) {
		round = db_row_json(db, YEAREND_COLS "AND " YEAREND_CLOSE " + 60 > $1 ORDER BY 5 LIMIT 1",
				    DB_ARGS(DB_INT(now), DB_INT(school_id)), e);
		if (!round) {
			if (e->status == 404)
				err_set(e, 404, "ยังไม่มีรอบสิ้นปีการศึกษา");
			return NULL;
		}
		if (next_round_times(db, jint(round, "academic_year") + 1, &entry, &open, e) < 0) {
			json_decref(round);
			return NULL;
		}
		state = "before";
	}
	return json_pack("{s:o, s:s, s:I, s:I, s:I}", "round", round, "state", state, "opens_at",
			 (json_int_t)(jint(round, "close_at") + 60), "next_entry_from", (json_int_t)entry,
			 "next_open_at", (json_int_t)open);
}

json_t *dmc_promotion_get(struct db *db, long long round_id, long long school_id, struct err *e)
{
	json_t *p = db_row_json(
	    db,
	    "SELECT p.id, p.at, p.promoted, p.graduated, p.repeated, "
	    "COALESCE(u.title, '') || COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '') AS by_name "
	    "FROM dmc_promotions p LEFT JOIN users u ON u.id = p.by_user "
	    "WHERE p.round_id = $1 AND p.school_id = $2 AND p.undone_at IS NULL",
	    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	if (!p && e->status == 404)
		err_set(e, 404, "โรงเรียนยังไม่ได้เลื่อนชั้นนักเรียนของปีการศึกษานี้");
	return p;
}

/* What a promotion does to one grade, from the rule. */
static int rows_of_grade(struct db *db, long long pid, long long school_id, json_t *grade, bool repeating,
			 struct err *e)
{
	enum dmc_promotion p = dmc_promotion_of(jint(grade, "final") != 0, repeating);
	const char *code = jstr(grade, "code"), *next = jstr(grade, "next_grade");
	const char *to = p == DMC_PROMOTE ? next : code;
	const char *outcome = p == DMC_PROMOTE ? "promote" : p == DMC_GRADUATE ? "graduate" : "stay";
	if (p == DMC_PROMOTE && !*next) /* the grades table says where each non-final grade leads */
		return err_set(e, 500, "dmc_grades %s: not final and no next grade", code);
	return db_exec(db,
		       "INSERT INTO dmc_promotion_rows (promotion_id, learner_id, from_grade, to_grade, outcome) "
		       "SELECT $1, id, grade, $5, $6 FROM dmc_learners WHERE school_id = $2 AND status = 'active' "
		       "AND grade = $3 AND repeating = $4",
		       DB_ARGS(DB_INT(pid), DB_INT(school_id), DB_TEXT(code), DB_INT(repeating ? 1 : 0), DB_TEXT(to),
			       DB_TEXT(outcome)),
		       e) < 0
		   ? -1
		   : 0;
}

static long long outcome_count(struct db *db, long long pid, const char *outcome, struct err *e)
{
	long long n = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_promotion_rows WHERE promotion_id = $1 AND outcome = $2",
			 DB_ARGS(DB_INT(pid), DB_TEXT(outcome)), &n, e) < 0)
		return -1;
	return n;
}

static void when_text(struct buf *out, long long t)
{
	thai_datetime_short(out, t);
}

long long dmc_promote_school(struct db *db, long long school_id, long long by, long long now, long long *promoted,
			     long long *graduated, long long *stayed, struct err *e)
{
	*promoted = *graduated = *stayed = 0;
	if (db_lock(db, LOCK_PROMOTION(school_id), e) < 0)
		return -1;
	json_t *ye = dmc_yearend(db, school_id, now, e);
	if (!ye)
		return e->status == 404 ? (e->status = 409, -1) : -1;
	json_t *round = json_object_get(ye, "round");
	long long rid = jint(round, "id");
	if (strcmp(jstr(ye, "state"), "open")) {
		struct buf when = BUF_INIT;
		when_text(&when, jint(ye, "opens_at"));
		err_set(e, 409, "ยังเลื่อนชั้นไม่ได้: เลื่อนชั้นได้หลังสิ้นสุดการยืนยันข้อมูล%s คือตั้งแต่ %s", jstr(round, "label"),
			buf_cstr(&when));
		buf_release(&when);
		json_decref(ye);
		return -1;
	}
	json_decref(ye);
	struct err pe = ERR_INIT;
	json_t *done = dmc_promotion_get(db, rid, school_id, &pe);
	if (done) {
		json_decref(done);
		return err_set(e, 409, "โรงเรียนเลื่อนชั้นนักเรียนของปีการศึกษานี้แล้ว");
	}
	if (pe.status != 404)
		return *e = pe, -1;
	long long pid = -1;
	struct db_res *res = NULL;
	if (db_query(
		db,
		"INSERT INTO dmc_promotions (round_id, school_id, at, by_user) VALUES ($1, $2, $3, $4) RETURNING id",
		DB_ARGS(DB_INT(rid), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), &res, e) == 0 &&
	    db_next(res, e) == 1)
		pid = db_int(res, 0);
	db_res_free(res);
	if (pid < 0)
		return e->status == 409 ? err_set(e, 409, "โรงเรียนเลื่อนชั้นนักเรียนของปีการศึกษานี้แล้ว") : -1;
	json_t *grades =
	    db_rows_json(db, "SELECT code, final, COALESCE(next_grade, '') AS next_grade FROM dmc_grades", NULL, 0, e);
	if (!grades)
		return -1;
	size_t i;
	json_t *g;
	int rc = 0;
	json_array_foreach(grades, i, g)
	{
		if (rows_of_grade(db, pid, school_id, g, false, e) < 0 ||
		    rows_of_grade(db, pid, school_id, g, true, e) < 0) {
			rc = -1;
			break;
		}
	}
	json_decref(grades);
	if (rc < 0)
		return -1;
	/* history, then the learners, then the counts */
	if (db_exec(db,
		    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, to_school_id, "
		    "destination, detail) SELECT pr.learner_id, $2, $3, CASE pr.outcome WHEN 'stay' THEN 'repeat' "
		    "ELSE pr.outcome END, $4, $4, '', '{\"from\":\"' || pr.from_grade || '\",\"to\":\"' || pr.to_grade "
		    "|| '\",\"promotion_id\":' || CAST(pr.promotion_id AS TEXT) || '}' FROM dmc_promotion_rows pr "
		    "WHERE pr.promotion_id = $1",
		    DB_ARGS(DB_INT(pid), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(school_id)), e) < 0 ||
	    db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, grade = (SELECT pr.to_grade FROM dmc_promotion_rows pr "
		    "WHERE pr.promotion_id = $1 AND pr.learner_id = dmc_learners.id), repeating = 0, updated_at = $2 "
		    "WHERE id IN (SELECT learner_id FROM dmc_promotion_rows WHERE promotion_id = $1 "
		    "AND outcome IN ('promote', 'stay'))",
		    DB_ARGS(DB_INT(pid), DB_INT(now)), e) < 0 ||
	    db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, status = 'graduated', moved_to = '', repeating = 0, updated_at = $2 "
		    "WHERE id IN (SELECT learner_id FROM dmc_promotion_rows WHERE promotion_id = $1 AND outcome = "
		    "'graduate')",
		    DB_ARGS(DB_INT(pid), DB_INT(now)), e) < 0 ||
	    dmc_counts_rebuild(db, school_id, e) < 0)
		return -1;
	if ((*promoted = outcome_count(db, pid, "promote", e)) < 0 ||
	    (*graduated = outcome_count(db, pid, "graduate", e)) < 0 ||
	    (*stayed = outcome_count(db, pid, "stay", e)) < 0)
		return -1;
	if (db_exec(db, "UPDATE dmc_promotions SET promoted = $2, graduated = $3, repeated = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(pid), DB_INT(*promoted), DB_INT(*graduated), DB_INT(*stayed)), e) < 0)
		return -1;
	return pid;
}

/* a learner still where the promotion left it: in the school, and either
 * active in its to_grade (promoted, stayed) or graduated */
#define STILL_THERE                                                                                                    \
	"l.school_id = $2 AND ((pr.outcome = 'graduate' AND l.status = 'graduated') OR (pr.outcome <> 'graduate' "     \
	"AND l.status = 'active' AND l.grade = pr.to_grade))"

long long dmc_promotion_undo(struct db *db, long long school_id, long long by, long long now, long long *skipped,
			     struct err *e)
{
	*skipped = 0;
	if (db_lock(db, LOCK_PROMOTION(school_id), e) < 0)
		return -1;
	json_t *p = db_row_json(db,
				"SELECT p.id, p.round_id, r.academic_year FROM dmc_promotions p "
				"JOIN dmc_rounds r ON r.id = p.round_id WHERE p.school_id = $1 AND p.undone_at IS NULL "
				"ORDER BY p.at DESC, p.id DESC LIMIT 1",
				DB_ARGS(DB_INT(school_id)), e);
	if (!p)
		return e->status == 404 ? err_set(e, 409, "ไม่มีการเลื่อนชั้นที่ยกเลิกได้") : -1;
	long long pid = jint(p, "id"), entry = 0, open = 0;
	int rc = next_round_times(db, jint(p, "academic_year") + 1, &entry, &open, e);
	json_decref(p);
	if (rc < 0)
		return -1;
	if (now >= entry) {
		struct buf when = BUF_INIT;
		when_text(&when, entry);
		err_set(e, 409,
			"ยกเลิกการเลื่อนชั้นไม่ได้แล้ว: ยกเลิกได้ก่อนเริ่มบันทึกข้อมูลรอบถัดไป (%s) เท่านั้น "
			"หากนักเรียนคนใดต้องอยู่ชั้นเดิม ให้เปลี่ยนชั้นเป็นรายคน",
			buf_cstr(&when));
		buf_release(&when);
		return -1;
	}
	long long total = 0, restored = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_promotion_rows WHERE promotion_id = $1", DB_ARGS(DB_INT(pid)),
			 &total, e) < 0 ||
	    db_int_value(db,
			 "SELECT COUNT(*) FROM dmc_promotion_rows pr JOIN dmc_learners l ON l.id = pr.learner_id "
			 "WHERE pr.promotion_id = $1 AND " STILL_THERE,
			 DB_ARGS(DB_INT(pid), DB_INT(school_id)), &restored, e) < 0)
		return -1;
	if (db_exec(db,
		    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, to_school_id, "
		    "destination, detail) SELECT pr.learner_id, $3, $4, 'promote_undo', $2, $2, '', "
		    "'{\"from\":\"' || pr.to_grade || '\",\"to\":\"' || pr.from_grade || '\",\"promotion_id\":' || "
		    "CAST(pr.promotion_id AS TEXT) || '}' FROM dmc_promotion_rows pr JOIN dmc_learners l ON l.id = "
		    "pr.learner_id "
		    "WHERE pr.promotion_id = $1 AND " STILL_THERE,
		    DB_ARGS(DB_INT(pid), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e) < 0)
		return -1;
	/* the graduates first: their status is the mark of being untouched */
	if (db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, status = 'active', updated_at = $3 WHERE school_id = $2 AND status = "
		    "'graduated' "
		    "AND id IN (SELECT learner_id FROM dmc_promotion_rows WHERE promotion_id = $1 AND outcome = "
		    "'graduate')",
		    DB_ARGS(DB_INT(pid), DB_INT(school_id), DB_INT(now)), e) < 0 ||
	    db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, grade = (SELECT pr.from_grade FROM dmc_promotion_rows pr "
		    "WHERE pr.promotion_id = $1 AND pr.learner_id = dmc_learners.id), repeating = (SELECT CASE "
		    "WHEN pr.outcome = 'stay' THEN 1 ELSE 0 END FROM dmc_promotion_rows pr WHERE pr.promotion_id = $1 "
		    "AND pr.learner_id = dmc_learners.id), updated_at = $3 WHERE school_id = $2 AND status = 'active' "
		    "AND id IN (SELECT pr.learner_id FROM dmc_promotion_rows pr WHERE pr.promotion_id = $1 "
		    "AND pr.outcome <> 'graduate' AND pr.to_grade = dmc_learners.grade)",
		    DB_ARGS(DB_INT(pid), DB_INT(school_id), DB_INT(now)), e) < 0 ||
	    dmc_counts_rebuild(db, school_id, e) < 0 ||
	    db_exec(db, "UPDATE dmc_promotions SET undone_at = $2, undone_by = $3, restored = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(pid), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_INT(restored)), e) < 0)
		return -1;
	*skipped = total - restored;
	return restored;
}

json_t *dmc_repeaters(struct db *db, long long school_id, struct err *e)
{
	return db_rows_json(
	    db,
	    "SELECT l.id, t.label AS title, l.first_name, l.last_name, l.grade, g.label AS grade_label, "
	    "l.room FROM dmc_learners l JOIN dmc_titles t ON t.code = l.title "
	    "JOIN dmc_grades g ON g.code = l.grade WHERE l.school_id = $1 AND l.status = 'active' "
	    "AND l.repeating = 1 ORDER BY g.sort, l.first_name COLLATE thai, l.last_name COLLATE thai, l.id",
	    DB_ARGS(DB_INT(school_id)), e);
}

json_t *dmc_grade_learners(struct db *db, long long school_id, const char *grade, struct err *e)
{
	return db_rows_json(db,
			    "SELECT l.id, t.label AS title, l.first_name, l.last_name, l.room, l.repeating "
			    "FROM dmc_learners l JOIN dmc_titles t ON t.code = l.title WHERE l.school_id = $1 "
			    "AND l.status = 'active' AND l.grade = $2 "
			    "ORDER BY l.first_name COLLATE thai, l.last_name COLLATE thai, l.id LIMIT 1000",
			    DB_ARGS(DB_INT(school_id), DB_TEXT(grade)), e);
}
