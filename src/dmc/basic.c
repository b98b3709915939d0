/* basic: a school's basic data for a round (DMC-2, the seed's menu 2.2) —
 * the grades it teaches and the rooms of each — beside its learners by
 * grade and sex (menu 2.8, from dmc_counts, never by counting learners).
 * The data officer saves it during the round; certification freezes it
 * with the snapshot: a school that never saved it gets the rooms its
 * learners are in (the highest room number of each grade), and after
 * certification it can no longer be changed. Two officers saving at once:
 * the version of the page each started from decides, the second is told
 * (409) and sees the data as it is now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "dmc/dmc_internal.h"

static int certified(struct db *db, long long round_id, long long school_id, bool *out, struct err *e)
{
	long long at = 0;
	int rc = db_int_value(
	    db, "SELECT COALESCE(certified_at, 0) FROM dmc_round_schools WHERE round_id = $1 AND school_id = $2",
	    DB_ARGS(DB_INT(round_id), DB_INT(school_id)), &at, e);
	if (rc < 0)
		return -1;
	*out = rc == 1 && at > 0;
	return 0;
}

/* grade → {male, female} and grade → highest room, live or as certified */
static int learner_side(struct db *db, long long round_id, long long school_id, bool frozen, json_t **counts,
			json_t **maxroom, struct err *e)
{
	json_t *c =
	    frozen
		? db_rows_json(db,
			       "SELECT grade, sex, n FROM dmc_snapshot_counts WHERE round_id = $1 AND school_id = $2",
			       DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e)
		: db_rows_json(db, "SELECT grade, sex, n FROM dmc_counts WHERE school_id = $1 AND n > 0",
			       DB_ARGS(DB_INT(school_id)), e);
	if (!c)
		return -1;
	json_t *m = frozen ? db_rows_json(db,
					  "SELECT grade, MAX(room) AS room FROM dmc_snapshot WHERE round_id = $1 "
					  "AND school_id = $2 GROUP BY grade",
					  DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e)
			   : db_rows_json(db,
					  "SELECT grade, MAX(room) AS room FROM dmc_learners WHERE school_id = $1 "
					  "AND status = 'active' GROUP BY grade",
					  DB_ARGS(DB_INT(school_id)), e);
	if (!m) {
		json_decref(c);
		return -1;
	}
	*counts = json_object();
	*maxroom = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(c, i, r)
	{
		json_t *g = json_object_get(*counts, jstr(r, "grade"));
		if (!g) {
			g = json_pack("{s:I, s:I}", "male", (json_int_t)0, "female", (json_int_t)0);
			json_object_set_new(*counts, jstr(r, "grade"), g);
		}
		json_object_set_new(g, strcmp(jstr(r, "sex"), "M") ? "female" : "male", json_integer(jint(r, "n")));
	}
	json_array_foreach(m, i, r) json_object_set_new(*maxroom, jstr(r, "grade"), json_integer(jint(r, "room")));
	json_decref(c);
	json_decref(m);
	return 0;
}

json_t *dmc_basic_get(struct db *db, long long round_id, long long school_id, struct err *e)
{
	bool frozen;
	if (certified(db, round_id, school_id, &frozen, e) < 0)
		return NULL;
	json_t *head =
	    db_row_json(db,
			"SELECT b.version, b.updated_at, COALESCE(u.first_name || ' ' || u.last_name, '') AS by_name "
			"FROM dmc_school_basic b LEFT JOIN users u ON u.id = b.updated_by "
			"WHERE b.round_id = $1 AND b.school_id = $2",
			DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	if (!head && e->status != 404)
		return NULL;
	err_clear(e);
	json_t *grades =
	    db_rows_json(db,
			 "SELECT g.code AS grade, g.label, COALESCE(s.rooms, 0) AS rooms FROM dmc_grades g "
			 "LEFT JOIN dmc_school_grades s ON s.grade = g.code AND s.round_id = $1 AND s.school_id = $2 "
			 "ORDER BY g.sort",
			 DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e);
	json_t *counts = NULL, *maxroom = NULL;
	if (!grades || learner_side(db, round_id, school_id, frozen, &counts, &maxroom, e) < 0) {
		json_decref(grades);
		json_decref(head);
		return NULL;
	}
	long long rooms = 0, taught = 0, male = 0, female = 0;
	size_t i;
	json_t *g;
	json_array_foreach(grades, i, g)
	{
		json_t *c = json_object_get(counts, jstr(g, "grade"));
		long long m = c ? jint(c, "male") : 0, f = c ? jint(c, "female") : 0;
		long long top = jint(maxroom, jstr(g, "grade"));
		/* not saved yet: the rooms its learners are in */
		if (!head)
			json_object_set_new(g, "rooms", json_integer(top));
		json_object_set_new(g, "male", json_integer(m));
		json_object_set_new(g, "female", json_integer(f));
		json_object_set_new(g, "total", json_integer(m + f));
		json_object_set_new(g, "max_room", json_integer(top));
		rooms += jint(g, "rooms");
		taught += jint(g, "rooms") > 0;
		male += m;
		female += f;
	}
	json_decref(counts);
	json_decref(maxroom);
	json_t *out =
	    json_pack("{s:o, s:b, s:b, s:I, s:I, s:I, s:I, s:I}", "rows", grades, "saved", head != NULL, "frozen",
		      frozen, "rooms", (json_int_t)rooms, "grades_taught", (json_int_t)taught, "male", (json_int_t)male,
		      "female", (json_int_t)female, "total", (json_int_t)(male + female));
	json_object_set_new(out, "version", json_integer(head ? jint(head, "version") : 0));
	json_object_set_new(out, "updated_at", json_integer(head ? jint(head, "updated_at") : 0));
	json_object_set_new(out, "updated_by_name", json_string(head ? jstr(head, "by_name") : ""));
	json_decref(head);
	return out;
}

#define SQLITE_SET "SELECT json_extract(value, '$.g'), CAST(json_extract(value, '$.r') AS INTEGER) FROM json_each($3)"
#define PG_SET "SELECT x->>'g', CAST(x->>'r' AS BIGINT) FROM json_array_elements(CAST($3 AS JSON)) AS x"

int dmc_basic_save(struct db *db, long long round_id, long long school_id, const char *const *grades,
		   const long long *rooms, size_t n, long long version, long long by, long long now, struct err *e)
{
	json_t *round = dmc_round_get(db, round_id, e);
	if (!round)
		return -1;
	json_decref(round);
	bool frozen;
	if (certified(db, round_id, school_id, &frozen, e) < 0)
		return -1;
	if (frozen)
		return err_set(e, 409, "ผู้อำนวยการรับรองข้อมูลรอบนี้แล้ว ข้อมูลพื้นฐานของรอบนี้จึงแก้ไขไม่ได้");
	if (n == 0)
		return err_field(e, "rooms", "กรุณากรอกจำนวนห้องของทุกชั้น (0 = ไม่เปิดสอน)");
	json_t *list = dmc_choices(db, DMC_GRADES, e);
	json_t *counts = NULL, *maxroom = NULL;
	if (!list || learner_side(db, round_id, school_id, false, &counts, &maxroom, e) < 0) {
		json_decref(list);
		return -1;
	}
	json_t *labels = json_object(), *set = json_array(), *seen = json_object();
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) json_object_set(labels, jstr(o, "value"), json_object_get(o, "label"));
	json_decref(list);
	int rc = 0;
	for (i = 0; rc == 0 && i < n; i++) {
		json_t *label = json_object_get(labels, grades[i]);
		if (!label)
			rc = err_field(e, "rooms", "ชั้น \"%s\" ไม่อยู่ในรายการชั้นเรียน", grades[i]);
		else if (json_object_get(seen, grades[i]))
			rc = err_field(e, "rooms", "ชั้น %s ถูกส่งมาสองครั้ง", json_string_value(label));
		else if (rooms[i] < 0 || rooms[i] > 99)
			rc = err_field(e, "rooms", "จำนวนห้องของชั้น %s ต้องเป็น 0–99", json_string_value(label));
		if (rc < 0)
			break;
		json_object_set_new(seen, grades[i], json_true());
		json_t *c = json_object_get(counts, grades[i]);
		long long learners = c ? jint(c, "male") + jint(c, "female") : 0, top = jint(maxroom, grades[i]);
		if (learners > 0 && rooms[i] == 0)
			rc = err_field(e, "rooms", "ชั้น %s มีนักเรียน %lld คน จึงต้องเปิดสอนอย่างน้อย 1 ห้อง",
				       json_string_value(label), learners);
		else if (rooms[i] < top)
			rc = err_field(e, "rooms",
				       "ชั้น %s มีนักเรียนอยู่ห้อง %lld จึงต้องมีอย่างน้อย %lld ห้อง "
				       "(หรือย้ายนักเรียนไปห้องอื่นก่อน)",
				       json_string_value(label), top, top);
		else if (rooms[i] > 0)
			json_array_append_new(set, json_pack("{s:s, s:I}", "g", grades[i], "r", (json_int_t)rooms[i]));
	}
	/* a grade with learners left out of the form counts as 0 rooms */
	const char *g;
	json_t *c;
	json_object_foreach(counts, g, c) if (rc == 0 && !json_object_get(seen, g)) rc = err_field(
	    e, "rooms", "ชั้น %s มีนักเรียนอยู่ จึงต้องกรอกจำนวนห้อง",
	    json_string_value(json_object_get(labels, g)) ? json_string_value(json_object_get(labels, g)) : g);
	json_decref(labels);
	json_decref(seen);
	json_decref(counts);
	json_decref(maxroom);
	if (rc < 0) {
		json_decref(set);
		return -1;
	}
	/* the version of the page it was made from decides a race */
	long long cur = 0;
	int found = db_int_value(db, "SELECT version FROM dmc_school_basic WHERE round_id = $1 AND school_id = $2",
				 DB_ARGS(DB_INT(round_id), DB_INT(school_id)), &cur, e);
	long long changed = -1;
	if (found < 0)
		rc = -1;
	else if (found == 1 && version >= 0 && version != cur)
		changed = 0;
	else if (found == 1)
		changed = db_exec(db,
				  "UPDATE dmc_school_basic SET version = version + 1, updated_at = $3, updated_by = $4 "
				  "WHERE round_id = $1 AND school_id = $2 AND version = $5",
				  DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now),
					  by > 0 ? DB_INT(by) : DB_NULL, DB_INT(cur)),
				  e);
	else if (version > 0)
		changed = 0;
	else
		changed = db_exec(
		    db,
		    "INSERT INTO dmc_school_basic (round_id, school_id, version, updated_at, updated_by) "
		    "VALUES ($1, $2, 1, $3, $4) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL), e);
	if (rc == 0 && changed < 0)
		rc = -1;
	if (rc == 0 && changed == 0)
		rc = err_field(e, "_version", "ข้อมูลพื้นฐานนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้"), e->status = 409;
	char *text = json_dumps(set, JSON_COMPACT);
	json_decref(set);
	if (rc == 0 && db_exec(db, "DELETE FROM dmc_school_grades WHERE round_id = $1 AND school_id = $2",
			       DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e) < 0)
		rc = -1;
	if (rc == 0 &&
	    db_exec(db,
		    db_kind(db) == DB_SQLITE
			? "INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) SELECT $1, $2, * "
			  "FROM (" SQLITE_SET ")"
			: "INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) SELECT $1, $2, s.* "
			  "FROM (" PG_SET ") AS s",
		    DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_TEXT(text)), e) < 0)
		rc = -1;
	free(text);
	return rc;
}

int dmc_basic_freeze(struct db *db, long long round_id, long long school_id, long long now, struct err *e)
{
	long long n = db_exec(db,
			      "INSERT INTO dmc_school_basic (round_id, school_id, version, updated_at, updated_by) "
			      "VALUES ($1, $2, 1, $3, NULL) ON CONFLICT DO NOTHING",
			      DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now)), e);
	if (n < 0)
		return -1;
	if (n == 0) /* saved by the school: that is what is frozen */
		return 0;
	return db_exec(db,
		       "INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) "
		       "SELECT $1, school_id, grade, MAX(room) FROM dmc_learners WHERE school_id = $2 AND status = "
		       "'active' "
		       "GROUP BY school_id, grade",
		       DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e) < 0
		   ? -1
		   : 0;
}

/* The platform's school_rooms hook (core/module.h): the rooms a school
 * teaches in academic year year (BE), for modules that never name the
 * census (the buildings' budget request list). The latest round of that
 * year whose basic data the school saved (or certification froze) gives
 * the sum of its rooms per grade; without one, the rooms its active
 * learners are in (the highest room number of each grade, 1 for a grade
 * without room numbers). 0 when the school has neither. */
int dmc_school_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e)
{
	long long n = 0;
	int k = db_int_value(db,
			     /* the year's (at most three) rounds, latest first, each
			      * checked on the primary key's (round_id, school_id) */
			     "SELECT SUM(g.rooms) FROM dmc_school_grades g WHERE g.school_id = $1 AND g.round_id = "
			     "(SELECT r.id FROM dmc_rounds r WHERE r.academic_year = $2 AND EXISTS (SELECT 1 FROM "
			     "dmc_school_grades g2 WHERE g2.round_id = r.id AND g2.school_id = $1) ORDER BY r.round_no "
			     "DESC LIMIT 1)",
			     DB_ARGS(DB_INT(school_id), DB_INT(year)), &n, e);
	if (k < 0)
		return -1;
	if (k == 1 && n > 0) {
		*rooms = n;
		return 1;
	}
	n = 0;
	k = db_int_value(db,
			 "SELECT COALESCE(SUM(m), 0) FROM (SELECT CASE WHEN MAX(room) > 0 THEN MAX(room) ELSE 1 END AS m "
			 "FROM dmc_learners WHERE school_id = $1 AND status = 'active' GROUP BY grade) x",
			 DB_ARGS(DB_INT(school_id)), &n, e);
	if (k < 0)
		return -1;
	if (n > 0) {
		*rooms = n;
		return 1;
	}
	return 0;
}
