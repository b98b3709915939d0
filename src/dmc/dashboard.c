/* dashboard: the area and national census dashboards (DMC-5) and the
 * learners recorded in two places that the area resolves.
 *
 * Nothing here counts learners. A school's counts by grade × sex are the
 * rows of dmc_counts, kept in the transaction of every change
 * (learner.c); an area's are dmc_area_counts, kept from dmc_counts by
 * triggers (migration 0509); what a school certified is
 * dmc_snapshot_counts and, as totals, its dmc_round_schools row
 * (certified_male/female, written by dmc_round_certify); an area's
 * progress in a round is dmc_round_area_progress, kept from
 * dmc_round_schools by triggers (migration 0513). So an area's HTML page
 * (dmc_area_page) reads its 25 schools' rows and about 30 count rows of
 * the area, its exports and JSON about 30 rows per school, and the
 * national page one row per area × grade × sex plus two per area (its
 * progress in the round and the last one).
 *
 * Duplicates (dmc_duplicates, migration 0510) are flagged when they arise,
 * not searched for on each view: a record added, moved in, renamed or
 * imported is looked up by its names and birth date among the active
 * records of other schools (the partial index dmc_learners_person), and a
 * certification looks up its snapshot's learners in the other schools'
 * snapshots of the round (dmc_snapshot_learner). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/search.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

/* ---- flagging duplicates ---------------------------------------------------------------- */

/* A 'name' pair: two active records at different schools with the same
 * names and birth date, stored once with the smaller id as side a; l is
 * the record looked from, o the other. The caller adds the SELECT (with
 * DISTINCT where l may be several rows) and its WHERE on l; $2 is the time. */
#define DUP_INSERT                                                                                                     \
	"INSERT INTO dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b, area_a, area_b, "       \
	"found_at) "
#define DUP_NAME_PAIR                                                                                                  \
	"'name', CASE WHEN l.id < o.id THEN l.id ELSE o.id END, CASE WHEN l.id < o.id THEN o.id ELSE l.id END, 0, "    \
	"CASE WHEN l.id < o.id THEN l.school_id ELSE o.school_id END, "                                                \
	"CASE WHEN l.id < o.id THEN o.school_id ELSE l.school_id END, "                                                \
	"CASE WHEN l.id < o.id THEN sl.area_id ELSE so.area_id END, "                                                  \
	"CASE WHEN l.id < o.id THEN so.area_id ELSE sl.area_id END, CAST($2 AS BIGINT) "                               \
	"FROM dmc_learners l JOIN dmc_learners o ON o.first_name = l.first_name "                                      \
	"AND o.last_name = l.last_name AND o.birth_date = l.birth_date AND o.status = 'active' "                       \
	"AND o.school_id <> l.school_id "                                                                              \
	"JOIN schools sl ON sl.id = l.school_id JOIN schools so ON so.id = o.school_id "
#define DUP_ONCE "ON CONFLICT (kind, learner_a, learner_b, round_id, school_a, school_b) DO NOTHING"

int dmc_dup_check_learner(struct db *db, long long learner_id, long long now, struct err *e)
{
	return db_exec(db, DUP_INSERT "SELECT " DUP_NAME_PAIR "WHERE l.id = $1 AND l.status = 'active' " DUP_ONCE,
		       DB_ARGS(DB_INT(learner_id), DB_INT(now)), e) < 0
		   ? -1
		   : 0;
}

int dmc_dup_check_schools_import(struct db *db, long long now, struct err *e)
{
	/* every learner of the import's rows (dmc_import, import.c) at once */
	return db_exec(db,
		       "INSERT INTO dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b, area_a, "
		       "area_b, found_at) "
		       "SELECT DISTINCT 'name', CASE WHEN l.id < o.id THEN l.id ELSE o.id END, "
		       "CASE WHEN l.id < o.id THEN o.id ELSE l.id END, 0, "
		       "CASE WHEN l.id < o.id THEN l.school_id ELSE o.school_id END, "
		       "CASE WHEN l.id < o.id THEN o.school_id ELSE l.school_id END, "
		       "CASE WHEN l.id < o.id THEN sl.area_id ELSE so.area_id END, "
		       "CASE WHEN l.id < o.id THEN so.area_id ELSE sl.area_id END, CAST($1 AS BIGINT) "
		       "FROM dmc_import i JOIN dmc_learners l ON l.ident = i.ident AND l.status = 'active' "
		       "JOIN dmc_learners o ON o.first_name = l.first_name "
		       "AND o.last_name = l.last_name AND o.birth_date = l.birth_date AND o.status = 'active' "
		       "AND o.school_id <> l.school_id "
		       "JOIN schools sl ON sl.id = l.school_id JOIN schools so ON so.id = o.school_id WHERE 1 = 1 "
		       "ON CONFLICT (kind, learner_a, learner_b, round_id, school_a, school_b) DO NOTHING",
		       DB_ARGS(DB_INT(now)), e) < 0
		   ? -1
		   : 0;
}

/* A certification's learners found in other schools' snapshots of the
 * round. Its own learners are read from dmc_learners (the snapshot the
 * same transaction just wrote is exactly its active records), whose
 * statistics are sound, and each is looked up in dmc_snapshot by (round,
 * learner): a join whose order the engine cannot turn round. On round day
 * dmc_snapshot's statistics predate the round (autovacuum samples it
 * later), so PostgreSQL estimated one row for it and nested the round's
 * whole snapshot under itself: minutes for each school at 300 schools
 * (bench-national, 2026-12-07). The LATERAL subquery with OFFSET 0 keeps
 * it as written on PostgreSQL; SQLite keeps the left table of a CROSS JOIN
 * as the outer loop. */
#define DUP_ROUND_INSERT                                                                                               \
	DUP_INSERT "SELECT 'round', a.id, a.id, CAST($1 AS BIGINT), "                                                  \
		   "CASE WHEN a.school_id < b.school_id THEN a.school_id ELSE b.school_id END, "                       \
		   "CASE WHEN a.school_id < b.school_id THEN b.school_id ELSE a.school_id END, "                       \
		   "CASE WHEN a.school_id < b.school_id THEN sa.area_id ELSE sb.area_id END, "                         \
		   "CASE WHEN a.school_id < b.school_id THEN sb.area_id ELSE sa.area_id END, CAST($3 AS BIGINT) "
#define DUP_ROUND_TAIL                                                                                                 \
	"JOIN schools sa ON sa.id = a.school_id JOIN schools sb ON sb.id = b.school_id "                               \
	"WHERE a.school_id = $2 AND a.status = 'active' " DUP_ONCE

int dmc_dup_check_round(struct db *db, long long round_id, long long school_id, long long now, struct err *e)
{
	const char *sql = db_kind(db) == DB_POSTGRES
			      ? DUP_ROUND_INSERT "FROM dmc_learners a CROSS JOIN LATERAL (SELECT b.school_id "
						 "FROM dmc_snapshot b WHERE b.round_id = $1 AND b.learner_id = a.id "
						 "AND b.school_id <> a.school_id OFFSET 0) b " DUP_ROUND_TAIL
			      : DUP_ROUND_INSERT "FROM dmc_learners a CROSS JOIN dmc_snapshot b "
						 "ON b.round_id = $1 AND b.learner_id = a.id "
						 "AND b.school_id <> a.school_id " DUP_ROUND_TAIL;
	return db_exec(db, sql, DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now)), e) < 0 ? -1 : 0;
}

int dmc_dup_moved(struct db *db, long long learner_id, long long school_id, struct err *e)
{
	if (db_exec(db,
		    "UPDATE dmc_duplicates SET school_a = $2, area_a = (SELECT area_id FROM schools WHERE id = $2) "
		    "WHERE kind = 'name' AND learner_a = $1",
		    DB_ARGS(DB_INT(learner_id), DB_INT(school_id)), e) < 0 ||
	    db_exec(db,
		    "UPDATE dmc_duplicates SET school_b = $2, area_b = (SELECT area_id FROM schools WHERE id = $2) "
		    "WHERE kind = 'name' AND learner_b = $1",
		    DB_ARGS(DB_INT(learner_id), DB_INT(school_id)), e) < 0)
		return -1;
	return 0;
}

int dmc_dup_check_new(struct db *db, long long after_id, long long now, struct err *e)
{
	/* the records above after_id (an import's new ones, import.c) at once */
	return db_exec(db,
		       DUP_INSERT "SELECT DISTINCT " DUP_NAME_PAIR "WHERE l.id > $1 AND l.status = 'active' " DUP_ONCE,
		       DB_ARGS(DB_INT(after_id), DB_INT(now)), e) < 0
		   ? -1
		   : 0;
}

/* ---- the area's list of duplicates ------------------------------------------------------ */

/* The open rows of an area (two ranges of the partial indexes), still a
 * duplicate: a 'name' pair whose records are both active at different
 * schools and still share names and birth date. */
#define DUP_OPEN                                                                                                       \
	"FROM (SELECT id FROM dmc_duplicates WHERE area_a = $1 AND resolved_at IS NULL UNION "                         \
	"SELECT id FROM dmc_duplicates WHERE area_b = $1 AND resolved_at IS NULL) x "                                  \
	"JOIN dmc_duplicates d ON d.id = x.id JOIN dmc_learners a ON a.id = d.learner_a "                              \
	"JOIN dmc_learners b ON b.id = d.learner_b "                                                                   \
	"WHERE d.kind = 'round' OR (a.status = 'active' AND b.status = 'active' AND a.school_id <> b.school_id "       \
	"AND a.first_name = b.first_name AND a.last_name = b.last_name AND a.birth_date = b.birth_date) "

long long dmc_duplicates_count(struct db *db, long long area_id, struct err *e)
{
	long long n = 0;
	if (db_int_value(db, "SELECT COUNT(*) " DUP_OPEN, DB_ARGS(DB_INT(area_id)), &n, e) < 0)
		return -1;
	return n;
}

static void masked(json_t *row, const char *key, const char *out_key)
{
	struct buf b = BUF_INIT;
	dmc_ident_mask(jstr(row, key), &b);
	json_object_set_new(row, out_key, json_string(buf_cstr(&b)));
	json_object_del(row, key);
	buf_release(&b);
}

static void birth_shown(json_t *row, const char *key)
{
	struct buf b = BUF_INIT;
	thai_date_field(&b, jstr(row, key));
	json_object_set_new(row, key, json_string(buf_cstr(&b)));
	buf_release(&b);
}

json_t *dmc_duplicates_area(struct db *db, long long area_id, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT d.id, d.kind, d.round_id, d.found_at, d.learner_a, d.learner_b, d.school_a, d.school_b, d.area_a, "
	    "d.area_b, sa.name AS school_a_name, sb.name AS school_b_name, COALESCE(r.label, '') AS round_label, "
	    "ta.label AS a_title, a.first_name AS a_first_name, a.last_name AS a_last_name, a.ident AS a_ident, "
	    "a.birth_date AS a_birth_date, a.status AS a_status, "
	    "tb.label AS b_title, b.first_name AS b_first_name, b.last_name AS b_last_name, b.ident AS b_ident, "
	    "b.birth_date AS b_birth_date, b.status AS b_status "
	    "FROM (SELECT id FROM dmc_duplicates WHERE area_a = $1 AND resolved_at IS NULL UNION "
	    "SELECT id FROM dmc_duplicates WHERE area_b = $1 AND resolved_at IS NULL) x "
	    "JOIN dmc_duplicates d ON d.id = x.id JOIN dmc_learners a ON a.id = d.learner_a "
	    "JOIN dmc_learners b ON b.id = d.learner_b JOIN schools sa ON sa.id = d.school_a "
	    "JOIN schools sb ON sb.id = d.school_b JOIN dmc_titles ta ON ta.code = a.title "
	    "JOIN dmc_titles tb ON tb.code = b.title LEFT JOIN dmc_rounds r ON r.id = d.round_id "
	    "WHERE d.kind = 'round' OR (a.status = 'active' AND b.status = 'active' AND a.school_id <> b.school_id "
	    "AND a.first_name = b.first_name AND a.last_name = b.last_name AND a.birth_date = b.birth_date) "
	    "ORDER BY d.found_at, d.id LIMIT 500",
	    DB_ARGS(DB_INT(area_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		masked(row, "a_ident", "a_ident_masked");
		masked(row, "b_ident", "b_ident_masked");
		birth_shown(row, "a_birth_date");
		birth_shown(row, "b_birth_date");
		json_object_set_new(row, "is_round", json_boolean(!strcmp(jstr(row, "kind"), "round")));
	}
	return rows;
}

int dmc_duplicate_resolve(struct db *db, long long area_id, long long id, const char *note, long long by, long long now,
			  struct err *e)
{
	if (!note || !*note)
		return err_field(e, "resolution_note",
				 "กรุณาระบุผลการตรวจสอบ เช่น เป็นนักเรียนคนละคน หรือโรงเรียนใดแก้ไขข้อมูลแล้ว");
	json_t *d = db_row_json(db, "SELECT area_a, area_b, resolved_at FROM dmc_duplicates WHERE id = $1",
				DB_ARGS(DB_INT(id)), e);
	if (!d) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบรายการนี้");
		return -1;
	}
	bool mine = jint(d, "area_a") == area_id || jint(d, "area_b") == area_id;
	bool done = jint(d, "resolved_at") > 0;
	json_decref(d);
	if (!mine)
		return err_set(e, 404, "ไม่พบรายการนี้");
	if (done)
		return err_set(e, 409, "รายการนี้ได้รับการตรวจสอบแล้ว");
	long long n = db_exec(db,
			      "UPDATE dmc_duplicates SET resolved_at = $2, resolved_by = $3, resolution_note = $4 "
			      "WHERE id = $1 AND resolved_at IS NULL",
			      DB_ARGS(DB_INT(id), DB_INT(now), by > 0 ? DB_INT(by) : DB_NULL, DB_TEXT(note)), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 409, "รายการนี้ได้รับการตรวจสอบแล้ว");
	return 0;
}

/* ---- rounds ----------------------------------------------------------------------------- */

json_t *dmc_round_previous(struct db *db, long long year, long long round_no, struct err *e)
{
	json_t *r = db_row_json(db,
				"SELECT id, academic_year, round_no, label FROM dmc_rounds "
				"WHERE academic_year < $1 OR (academic_year = $1 AND round_no < $2) "
				"ORDER BY academic_year DESC, round_no DESC LIMIT 1",
				DB_ARGS(DB_INT(year), DB_INT(round_no)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ไม่มีรอบก่อนหน้า");
	return r;
}

json_t *dmc_subsidy_round(struct db *db, long long area_id, long long year, long long round_no, struct err *e)
{
	/* rounds are a few a year; each is asked through the area's schools
	 * (schools_area_name) and the round row of each (its primary key) */
	json_t *r = db_row_json(db,
				"SELECT r.id, r.academic_year, r.round_no, r.label FROM dmc_rounds r "
				"WHERE (r.academic_year < $1 OR (r.academic_year = $1 AND r.round_no <= $2)) "
				"AND EXISTS (SELECT 1 FROM schools s JOIN dmc_round_schools rs "
				"ON rs.round_id = r.id AND rs.school_id = s.id "
				"WHERE s.area_id = $3 AND rs.certified_at IS NOT NULL) "
				"ORDER BY r.academic_year DESC, r.round_no DESC LIMIT 1",
				DB_ARGS(DB_INT(year), DB_INT(round_no), DB_INT(area_id)), e);
	if (!r && e->status == 404)
		err_set(e, 404, "ยังไม่มีโรงเรียนในเขตพื้นที่รับรองข้อมูล");
	return r;
}

/* ---- the area's dashboard ----------------------------------------------------------------- */

#define MAX_GRADES 32

/* a school's (or an area's) id and its position in the rows, sorted by id */
struct school_at {
	long long id;
	size_t k;
};

static int school_at_cmp(const void *a, const void *b)
{
	long long x = ((const struct school_at *)a)->id, y = ((const struct school_at *)b)->id;
	return x < y ? -1 : x > y;
}

/* what a school did in the round and the last one, from its row */
struct progress {
	bool confirmed, certified, acknowledged, prev;
	long long certified_total, prev_total;
};

static void progress_of(json_t *row, struct progress *q)
{
	q->confirmed = jint(row, "confirmed_at") > 0;
	q->certified = jint(row, "certified_at") > 0;
	q->acknowledged = jint(row, "acknowledged_at") > 0;
	q->prev = jint(row, "prev_certified_at") > 0;
	q->certified_total = jint(row, "certified_male") + jint(row, "certified_female");
	q->prev_total = jint(row, "prev_male") + jint(row, "prev_female");
}

/* "boys/girls" into t (48 bytes), without printf: 3,300 cells a page */
/* The grades any school of the area has learners in (all when none):
 * the columns both area pages show. */
static void grades_shown(long long tot[][2], size_t ng, bool shown[])
{
	size_t nshown = 0;
	for (size_t g = 0; g < ng; g++) {
		shown[g] = tot[g][0] + tot[g][1] > 0;
		nshown += shown[g];
	}
	if (!nshown)
		for (size_t g = 0; g < ng; g++)
			shown[g] = true;
}

static size_t put_count(char *t, long long v)
{
	char d[24];
	size_t n = 0, k = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		d[n++] = (char)('0' + u % 10);
	while ((u /= 10) && n < sizeof d);
	if (v < 0)
		t[k++] = '-';
	while (n)
		t[k++] = d[--n];
	return k;
}

static size_t pair_text(char *t, long long boys, long long girls)
{
	size_t k = put_count(t, boys);
	t[k++] = '/';
	k += put_count(t + k, girls);
	t[k] = '\0';
	return k;
}

json_t *dmc_area_dashboard(struct db *db, long long area_id, long long round_id, long long prev_round_id,
			   bool certified_counts, enum dmc_dash_rows rows, struct err *e)
{
	bool all_grades = rows == DMC_DASH_ALL;
	json_t *grades = dmc_choices(db, DMC_GRADES, e);
	if (!grades)
		return NULL;
	size_t ng = json_array_size(grades);
	if (ng > MAX_GRADES) {
		json_decref(grades);
		err_set(e, 500, "dmc_grades: more than %d grades", MAX_GRADES);
		return NULL;
	}
	const char *codes[MAX_GRADES];
	for (size_t g = 0; g < ng; g++)
		codes[g] = jstr(json_array_get(grades, g), "value");
	/* each school once, with its progress in the round and the last one */
	static const char schools_sql[] =
	    "SELECT s.id AS school_id, s.name, s.obec_code, rs.confirmed_at, rs.certified_at, rs.acknowledged_at, "
	    "rs.certified_male, rs.certified_female, ps.certified_at AS prev_certified_at, "
	    "ps.certified_male AS prev_male, ps.certified_female AS prev_female "
	    "FROM schools s LEFT JOIN dmc_round_schools rs ON rs.round_id = $2 AND rs.school_id = s.id "
	    "LEFT JOIN dmc_round_schools ps ON ps.round_id = $3 AND ps.school_id = s.id "
	    "WHERE s.area_id = $1 ORDER BY s.name COLLATE thai, s.id";
	json_t *schools =
	    db_rows_json(db, schools_sql, DB_ARGS(DB_INT(area_id), DB_INT(round_id), DB_INT(prev_round_id)), e);
	if (!schools) {
		json_decref(grades);
		return NULL;
	}
	size_t ns = json_array_size(schools);
	struct progress *pg = xcalloc(ns ? ns : 1, sizeof *pg);
	for (size_t k = 0; k < ns; k++)
		progress_of(json_array_get(schools, k), &pg[k]);
	/* each school's row found by its id: a sorted index, one binary
	 * search per count row (an area has hundreds of schools and about 20
	 * count rows each) */
	struct school_at *by_id = xcalloc(ns ? ns : 1, sizeof *by_id);
	long long(*cell)[MAX_GRADES][2] = xcalloc(ns ? ns : 1, sizeof *cell);
	long long tot[MAX_GRADES][2] = {{0}};
	size_t i;
	json_t *row;
	json_array_foreach(schools, i, row) by_id[i] = (struct school_at){jint(row, "school_id"), i};
	qsort(by_id, ns, sizeof *by_id, school_at_cmp);
	/* learners by school, grade and sex: kept counts, or what was
	 * certified; read row by row, no JSON made of them */
	struct db_res *res;
	if ((certified_counts
		 ? db_query(db,
			    "SELECT c.school_id, c.grade, c.sex, c.n FROM schools s CROSS JOIN dmc_snapshot_counts c "
			    "WHERE c.round_id = $2 AND c.school_id = s.id AND s.area_id = $1 AND c.n > 0",
			    DB_ARGS(DB_INT(area_id), DB_INT(round_id)), &res, e)
		 : db_query(db,
			    "SELECT c.school_id, c.grade, c.sex, c.n FROM schools s CROSS JOIN dmc_counts c "
			    "WHERE c.school_id = s.id AND s.area_id = $1 AND c.n > 0",
			    DB_ARGS(DB_INT(area_id)), &res, e)) < 0) {
		free(by_id);
		free(cell);
		free(pg);
		json_decref(schools);
		json_decref(grades);
		return NULL;
	}
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		struct school_at key = {db_int(res, 0), 0};
		const struct school_at *at = bsearch(&key, by_id, ns, sizeof *by_id, school_at_cmp);
		const char *grade = db_text(res, 1);
		int g = -1;
		for (size_t k = 0; k < ng; k++)
			if (!strcmp(codes[k], grade)) {
				g = (int)k;
				break;
			}
		if (!at || g < 0)
			continue;
		int sx = !strcmp(db_text(res, 2), "F");
		long long n = db_int(res, 3);
		cell[at->k][g][sx] += n;
		tot[g][sx] += n;
	}
	db_res_free(res);
	free(by_id);
	if (rc < 0) {
		free(cell);
		free(pg);
		json_decref(schools);
		json_decref(grades);
		return NULL;
	}
	bool shown[MAX_GRADES];
	grades_shown(tot, ng, shown);
	json_t *grade_heads = json_array(), *area_grades = json_array();
	long long am = 0, af = 0;
	for (size_t g = 0; g < ng; g++) {
		json_t *gr = json_array_get(grades, g);
		am += tot[g][0];
		af += tot[g][1];
		json_array_append_new(area_grades,
				      json_pack("{s:s, s:s, s:I, s:I, s:I, s:b}", "grade", jstr(gr, "value"), "label",
						jstr(gr, "label"), "male", (json_int_t)tot[g][0], "female",
						(json_int_t)tot[g][1], "total", (json_int_t)(tot[g][0] + tot[g][1]),
						"shown", shown[g]));
		if (shown[g])
			json_array_append_new(grade_heads, json_pack("{s:s, s:s}", "grade", jstr(gr, "value"), "label",
								     jstr(gr, "label")));
	}
	long long n_conf = 0, n_cert = 0, n_ack = 0, cert_total = 0, prev_total = 0, n_prev = 0;
	json_array_foreach(schools, i, row)
	{
		json_t *cells = all_grades ? json_array() : NULL, *all = all_grades ? json_array() : NULL;
		long long m = 0, f = 0;
		for (size_t g = 0; g < ng; g++) {
			m += cell[i][g][0];
			f += cell[i][g][1];
			if (!all)
				continue;
			json_t *c = json_object();
			json_object_set_new_nocheck(c, "grade", json_string_nocheck(codes[g]));
			json_object_set_new_nocheck(c, "male", json_integer(cell[i][g][0]));
			json_object_set_new_nocheck(c, "female", json_integer(cell[i][g][1]));
			json_object_set_new_nocheck(c, "total", json_integer(cell[i][g][0] + cell[i][g][1]));
			if (shown[g])
				json_array_append(cells, c);
			json_array_append_new(all, c);
		}
		if (all) {
			json_object_set_new(row, "grades", cells);
			json_object_set_new(row, "all_grades", all);
		}
		json_object_set_new_nocheck(row, "male", json_integer(m));
		json_object_set_new_nocheck(row, "female", json_integer(f));
		json_object_set_new_nocheck(row, "total", json_integer(m + f));
		const struct progress *q = &pg[i];
		bool cert = q->certified, prev = q->prev;
		n_conf += q->confirmed;
		n_cert += cert;
		n_ack += q->acknowledged;
		long long ct = q->certified_total, pt = q->prev_total;
		/* now: what the school certified in this round, else its learners
		 * today; the change is against what it certified last round */
		long long now_total = cert ? ct : m + f;
		json_object_set_new_nocheck(row, "certified_total", cert ? json_integer(ct) : json_null());
		json_object_set_new_nocheck(row, "now_total", json_integer(now_total));
		json_object_set_new_nocheck(row, "prev_total", prev ? json_integer(pt) : json_null());
		json_object_set_new_nocheck(row, "change", prev ? json_integer(now_total - pt) : json_null());
		if (cert)
			cert_total += ct;
		if (prev) {
			prev_total += pt;
			n_prev++;
		}
	}
	free(cell);
	free(pg);
	json_decref(grades);
	return json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "schools", schools,
			 "grade_heads", grade_heads, "area_grades", area_grades, "n_schools", (json_int_t)ns,
			 "n_confirmed", (json_int_t)n_conf, "n_certified", (json_int_t)n_cert, "n_acknowledged",
			 (json_int_t)n_ack, "male", (json_int_t)am, "female", (json_int_t)af, "total",
			 (json_int_t)(am + af), "certified_total", (json_int_t)cert_total, "prev_total",
			 (json_int_t)prev_total, "n_prev", (json_int_t)n_prev);
}

/* ---- one page of the area's dashboard (the HTML page) --------------------------------------- */

int dmc_area_status_parse(const char *s)
{
	static const char *const codes[] = {"", "pending", "confirmed", "certified"};
	if (!s)
		return DMC_AREA_ALL;
	for (int k = 0; k < 4; k++)
		if (!strcmp(s, codes[k]))
			return k;
	return -1;
}

const char *dmc_area_status_code(int status)
{
	static const char *const codes[] = {"", "pending", "confirmed", "certified"};
	return status >= 0 && status < 4 ? codes[status] : "";
}

long long dmc_area_status_total(int status, long long schools, long long confirmed, long long certified)
{
	switch (status) {
	case DMC_AREA_PENDING: return schools > confirmed ? schools - confirmed : 0;
	case DMC_AREA_CONFIRMED: return confirmed > certified ? confirmed - certified : 0;
	case DMC_AREA_CERTIFIED: return certified;
	default: return schools;
	}
}

/* The page's schools: the area's index schools_area_name (area_id, name
 * COLLATE thai, id, search, …) walked in page order, each school's round
 * row and last round's row one probe of dmc_round_schools_round (round_id,
 * school_id, confirmed_at, certified_at, acknowledged_at, certified_male,
 * certified_female; migration 0515) — a covering index: no table read.
 * The status filter ($10: 0 all, 1 not confirmed, 2 confirmed and not
 * certified, 3 certified) is tested on that row; the search slots match
 * anything when unused, so the text is constant. Without a search the
 * number of matches is known from the kept counts and the walk stops at
 * the page's last row; with one, COUNT(*) OVER () counts them. Past
 * the last page, area_page_total_sql counts (the search's slots "%" when
 * none). */
#define AREA_STATUS(p)                                                                                                 \
	"(" p " = 0 OR (" p " = 1 AND rs.confirmed_at IS NULL) OR (" p " = 2 AND rs.confirmed_at IS NOT NULL "         \
	"AND rs.certified_at IS NULL) OR (" p " = 3 AND rs.certified_at IS NOT NULL))"
#define AREA_SEARCH                                                                                                    \
	" AND s.search LIKE $4 AND s.search LIKE $5 AND s.search LIKE $6 AND s.search LIKE $7 AND s.search LIKE $8 "   \
	"AND s.search LIKE $9 AND " AREA_STATUS("$10")
#define AREA_PAGE_FROM                                                                                                 \
	" FROM schools s LEFT JOIN dmc_round_schools rs ON rs.round_id = $2 AND rs.school_id = s.id "                  \
	"LEFT JOIN dmc_round_schools ps ON ps.round_id = $3 AND ps.school_id = s.id WHERE s.area_id = $1"
#define AREA_PAGE_COLS                                                                                                 \
	"SELECT s.id, s.name, rs.confirmed_at, rs.certified_at, rs.acknowledged_at, rs.certified_male, "               \
	"rs.certified_female, ps.certified_at, ps.certified_male, ps.certified_female"
#define AREA_PAGE_ORDER " ORDER BY s.name COLLATE thai, s.id LIMIT 25 OFFSET "
/* No search ($4 the status, $5 the offset): no LIKE at all — SQLite
 * prepares a statement again whenever a value a LIKE is compared with is
 * bound anew (its LIKE optimisation), about 35k instructions a view. */
static const char area_page_sql[] = AREA_PAGE_COLS AREA_PAGE_FROM " AND " AREA_STATUS("$4") AREA_PAGE_ORDER "$5";
/* Every school, no search ($4 the offset): the default page. Its own text,
 * so that PostgreSQL's generic plan of it is the walk of schools_area_name
 * in page order (the OR of statuses made it sort the area's schools in
 * Thai order: 50 ms for 300 in EXPLAIN ANALYZE, against 0.15 ms). */
static const char area_page_all_sql[] = AREA_PAGE_COLS AREA_PAGE_FROM AREA_PAGE_ORDER "$4";
/* A search ($4 … $9 its slots, $10 the status, $11 the offset). */
static const char area_page_count_sql[] =
    AREA_PAGE_COLS ", COUNT(*) OVER ()" AREA_PAGE_FROM AREA_SEARCH AREA_PAGE_ORDER "$11";
static const char area_page_total_sql[] = "SELECT COUNT(*)" AREA_PAGE_FROM AREA_SEARCH;

/* a page school's row, as read */
struct page_school {
	long long id, at[3], prev_at, cert_m, cert_f, prev_m, prev_f;
	long long cell[MAX_GRADES][2];
	json_t *name;
};

static int page_rows(struct db *db, const struct db_val *v, bool counted, struct page_school *ps, size_t *n,
		     long long *matched, struct err *e)
{
	struct db_res *res;
	const struct db_val plain[5] = {v[0], v[1], v[2], v[9], v[10]}, every[4] = {v[0], v[1], v[2], v[10]};
	int rq = counted		  ? db_query(db, area_page_count_sql, v, 11, &res, e)
		 : v[9].i == DMC_AREA_ALL ? db_query(db, area_page_all_sql, every, 4, &res, e)
					  : db_query(db, area_page_sql, plain, 5, &res, e);
	if (rq < 0)
		return -1;
	int rc;
	*n = 0;
	while ((rc = db_next(res, e)) == 1) {
		if (*n >= DMC_AREA_PAGE_SIZE)
			continue;
		struct page_school *p = &ps[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = db_int(res, 0);
		p->name = json_string(db_text(res, 1));
		for (int c = 0; c < 3; c++)
			p->at[c] = db_int(res, 2 + c);
		p->cert_m = db_int(res, 5);
		p->cert_f = db_int(res, 6);
		p->prev_at = db_int(res, 7);
		p->prev_m = db_int(res, 8);
		p->prev_f = db_int(res, 9);
		if (counted)
			*matched = db_int(res, 10);
	}
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}

/* The page's figures in one statement, its parts told apart by the first
 * column (part, k, g, s, n1 … n5), read in any order: 0 the grades (k
 * their sort, g code, s label); 1 the area's learners by grade × sex (the
 * kept dmc_area_counts, or for a closed round what its schools certified);
 * 2 the area's progress in the round and the last one (k the round:
 * confirmed, certified, acknowledged, certified boys, girls, kept by
 * triggers); 3 the open duplicates (n1); 4 or 5 the page's schools'
 * learners by grade × sex (k the school; below; 25 slots $4 … $28, 0
 * where the page has fewer). */
#define FIG_SLOTS                                                                                                      \
	"$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, "     \
	"$26, "                                                                                                        \
	"$27, $28"
#define FIG_SQL(area_counts, school_counts)                                                                            \
	"SELECT 0 AS part, sort AS k, code AS g, label AS s, 0 AS n1, 0 AS n2, 0 AS n3, 0 AS n4, 0 AS n5 "             \
	"FROM dmc_grades UNION ALL " area_counts " UNION ALL "                                                         \
	"SELECT 2, round_id, '', '', confirmed, certified, acknowledged, certified_male, certified_female "            \
	"FROM dmc_round_area_progress WHERE area_id = $1 AND round_id IN ($2, $3) UNION ALL "                          \
	"SELECT 3, 0, '', '', COUNT(*), 0, 0, 0, 0 " DUP_OPEN " UNION ALL " school_counts
/* The page's schools' counts: on SQLite a row each (as the area's, part
 * 5: g grade, s sex, n1 n), read in place; on PostgreSQL one row a school
 * (part 4: s "grade:sex:n grade:sex:n …", about 18 a school), so libpq
 * parses 25 rows instead of 450 (−0.9 M instructions a view; on SQLite
 * the concatenation cost more than the rows it saved). */
#define FIG_LIVE_ROWS                                                                                                  \
	"SELECT 5, school_id, grade, sex, n, 0, 0, 0, 0 FROM dmc_counts WHERE school_id IN (" FIG_SLOTS ") AND n > 0"
#define FIG_LIVE_AGG                                                                                                   \
	"SELECT 4, school_id, '', string_agg(grade || ':' || sex || ':' || n, ' '), 0, 0, 0, 0, 0 FROM dmc_counts "    \
	"WHERE school_id IN (" FIG_SLOTS ") AND n > 0 GROUP BY school_id"
#define FIG_CERT_ROWS                                                                                                  \
	"SELECT 5, school_id, grade, sex, n, 0, 0, 0, 0 FROM dmc_snapshot_counts WHERE round_id = $2 "                 \
	"AND school_id IN (" FIG_SLOTS ") AND n > 0"
#define FIG_CERT_AGG                                                                                                   \
	"SELECT 4, school_id, '', string_agg(grade || ':' || sex || ':' || n, ' '), 0, 0, 0, 0, 0 "                    \
	"FROM dmc_snapshot_counts WHERE round_id = $2 AND school_id IN (" FIG_SLOTS ") AND n > 0 GROUP BY school_id"
#define FIG_AREA_LIVE "SELECT 1, 0, grade, sex, n, 0, 0, 0, 0 FROM dmc_area_counts WHERE area_id = $1 AND n > 0"
#define FIG_AREA_CERT                                                                                                  \
	"SELECT 1, 0, c.grade, c.sex, CAST(SUM(c.n) AS BIGINT), 0, 0, 0, 0 FROM schools sc "                           \
	"JOIN dmc_snapshot_counts c ON c.round_id = $2 AND c.school_id = sc.id WHERE sc.area_id = $1 "                 \
	"GROUP BY c.grade, c.sex"
/* [certified_counts][PostgreSQL] */
static const char *const fig_sql[2][2] = {
    {FIG_SQL(FIG_AREA_LIVE, FIG_LIVE_ROWS), FIG_SQL(FIG_AREA_LIVE, FIG_LIVE_AGG)},
    {FIG_SQL(FIG_AREA_CERT, FIG_CERT_ROWS), FIG_SQL(FIG_AREA_CERT, FIG_CERT_AGG)}};

struct grade_row {
	long long sort;
	char code[16];
	json_t *label;
};
struct count_row {
	long long part, k, n;
	char grade[16];
	int sex;
};

/* a grade's code (a few ASCII letters) into its 16 bytes, cut if longer:
 * 500 rows a view, so no snprintf */
static void code_copy(char to[16], const char *from)
{
	size_t k = 0;
	while (k < 15 && from[k]) {
		to[k] = from[k];
		k++;
	}
	to[k] = '\0';
}

static struct count_row *count_row_add(struct count_row **cr, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*cr = xrealloc(*cr, *cap * sizeof **cr);
	}
	return &(*cr)[(*n)++];
}

static int grade_sort_cmp(const void *a, const void *b)
{
	long long x = ((const struct grade_row *)a)->sort, y = ((const struct grade_row *)b)->sort;
	return x < y ? -1 : x > y;
}

json_t *dmc_area_page(struct db *db, const struct dmc_area_q *a, struct err *e)
{
	struct buf pat[SEARCH_SLOTS];
	int words = search_patterns(a->q ? a->q : "", pat);
	long long page = a->page < 1 ? 1 : a->page, matched = 0;
	int status = a->status < 0 || a->status > 3 ? 0 : a->status;
	struct db_val v[28] = {DB_INT(a->area_id), DB_INT(a->round_id), DB_INT(a->prev_round_id)};
	for (int k = 0; k < SEARCH_SLOTS; k++)
		v[3 + k] = DB_TEXT(buf_cstr(&pat[k]));
	v[9] = DB_INT(status);
	struct page_school *ps = xcalloc(DMC_AREA_PAGE_SIZE, sizeof *ps);
	size_t n = 0;
	int rc;
	struct grade_row gr[MAX_GRADES];
	size_t ng = 0;
	struct count_row *cr = NULL;
	size_t ncr = 0, ccap = 0;
	long long progress[2][5] = {{0}}, ndup = 0;
	json_t *out = NULL;
	for (int pass = 0; pass < 2; pass++) {
		v[10] = DB_INT((page - 1) * DMC_AREA_PAGE_SIZE);
		if (page_rows(db, v, words > 0, ps, &n, &matched, e) < 0)
			goto fail;
		if (n || page == 1 || pass == 1)
			break;
		/* past the last page (a link kept while schools changed status
		 * or a search narrowed): count, and show the last page instead */
		if (db_int_value(db, area_page_total_sql, v, 10, &matched, e) < 0)
			goto fail;
		long long last = matched > 0 ? (matched + DMC_AREA_PAGE_SIZE - 1) / DMC_AREA_PAGE_SIZE : 1;
		if (last >= page)
			break;
		page = last;
	}
	/* the figures, with the page's school ids */
	for (size_t i = 0; i < DMC_AREA_PAGE_SIZE; i++)
		v[3 + i] = DB_INT(i < n ? ps[i].id : 0);
	struct db_res *res;
	if (db_query(db, fig_sql[a->certified_counts][db_kind(db) == DB_POSTGRES], v, 28, &res, e) < 0)
		goto fail;
	while ((rc = db_next(res, e)) == 1) {
		long long part = db_int(res, 0);
		if (part == 0) {
			if (ng < MAX_GRADES) {
				gr[ng].sort = db_int(res, 1);
				code_copy(gr[ng].code, db_text(res, 2));
				gr[ng].label = json_string(db_text(res, 3));
				ng++;
			}
		} else if (part == 2) {
			int w = db_int(res, 1) == a->round_id ? 0 : 1;
			for (int c = 0; c < 5; c++)
				progress[w][c] = db_int(res, 4 + c);
		} else if (part == 3) {
			ndup = db_int(res, 4);
		} else if (part == 1 || part == 5) {
			struct count_row *c = count_row_add(&cr, &ncr, &ccap);
			c->part = part;
			c->k = db_int(res, 1);
			c->n = db_int(res, 4);
			c->sex = !strcmp(db_text(res, 3), "F");
			code_copy(c->grade, db_text(res, 2));
		} else {
			/* a school's "grade:sex:n …" */
			long long sid = db_int(res, 1);
			const char *p = db_text(res, 3);
			while (*p) {
				struct count_row *c = count_row_add(&cr, &ncr, &ccap);
				c->part = 4;
				c->k = sid;
				size_t k = 0;
				while (*p && *p != ':') {
					if (k < 15)
						c->grade[k++] = *p;
					p++;
				}
				c->grade[k] = '\0';
				p += *p == ':';
				c->sex = *p == 'F';
				while (*p && *p != ':')
					p++;
				p += *p == ':';
				c->n = 0;
				while (*p >= '0' && *p <= '9')
					c->n = c->n * 10 + (*p++ - '0');
				while (*p == ' ' || *p == ',')
					p++;
			}
		}
	}
	db_res_free(res);
	if (rc < 0)
		goto fail;
	qsort(gr, ng, sizeof *gr, grade_sort_cmp);
	/* the counts into their cells: the area's, and each page school's */
	long long tot[MAX_GRADES][2] = {{0}};
	for (size_t k = 0; k < ncr; k++) {
		const struct count_row *c = &cr[k];
		size_t g = 0;
		while (g < ng && strcmp(gr[g].code, c->grade))
			g++;
		if (g == ng)
			continue;
		if (c->part == 1) {
			tot[g][c->sex] += c->n;
			continue;
		}
		for (size_t i = 0; i < n; i++)
			if (ps[i].id == c->k) {
				ps[i].cell[g][c->sex] += c->n;
				break;
			}
	}
	bool shown[MAX_GRADES];
	grades_shown(tot, ng, shown);
	json_t *grade_heads = json_array(), *area_grades = json_array();
	long long am = 0, af = 0;
	for (size_t g = 0; g < ng; g++) {
		am += tot[g][0];
		af += tot[g][1];
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "grade", json_string(gr[g].code));
		json_object_set_nocheck(o, "label", gr[g].label);
		json_object_set_new_nocheck(o, "male", json_integer(tot[g][0]));
		json_object_set_new_nocheck(o, "female", json_integer(tot[g][1]));
		json_object_set_new_nocheck(o, "total", json_integer(tot[g][0] + tot[g][1]));
		json_object_set_new_nocheck(o, "shown", json_boolean(shown[g]));
		json_array_append_new(area_grades, o);
		if (shown[g]) {
			json_t *h = json_object();
			json_object_set_nocheck(h, "label", gr[g].label);
			json_array_append_new(grade_heads, h);
		}
	}
	/* the page's rows: what the template shows, each cell "boys/girls" */
	json_t *schools = json_array(), *zero = json_string_nocheck("0/0");
	for (size_t i = 0; i < n; i++) {
		struct page_school *p = &ps[i];
		json_t *o = json_object(), *cells = json_array();
		json_object_set_new_nocheck(o, "school_id", json_integer(p->id));
		json_object_set_new_nocheck(o, "name", p->name);
		p->name = NULL;
		static const char *const at[] = {"confirmed_at", "certified_at", "acknowledged_at"};
		for (int c = 0; c < 3; c++)
			json_object_set_new_nocheck(o, at[c], p->at[c] > 0 ? json_integer(p->at[c]) : json_null());
		long long m = 0, f = 0;
		for (size_t g = 0; g < ng; g++) {
			m += p->cell[g][0];
			f += p->cell[g][1];
			if (!shown[g])
				continue;
			if (!p->cell[g][0] && !p->cell[g][1]) {
				json_array_append(cells, zero);
				continue;
			}
			char t[48];
			size_t tl = pair_text(t, p->cell[g][0], p->cell[g][1]);
			json_array_append_new(cells, json_stringn_nocheck(t, tl));
		}
		json_object_set_new_nocheck(o, "cells", cells);
		json_object_set_new_nocheck(o, "male", json_integer(m));
		json_object_set_new_nocheck(o, "female", json_integer(f));
		json_object_set_new_nocheck(o, "total", json_integer(m + f));
		bool cert = p->at[1] > 0, prev = p->prev_at > 0;
		/* now: what the school certified in this round, else its learners
		 * today (or, for a closed round, what it certified: none); the
		 * change is against what it certified last round */
		long long now_total = cert ? p->cert_m + p->cert_f : m + f, pt = p->prev_m + p->prev_f;
		json_object_set_new_nocheck(o, "prev_total", prev ? json_integer(pt) : json_null());
		json_object_set_new_nocheck(o, "change", prev ? json_integer(now_total - pt) : json_null());
		json_object_set_new_nocheck(o, "status",
					    json_string_nocheck(cert	       ? "certified"
								: p->at[0] > 0 ? "confirmed"
									       : "pending"));
		json_array_append_new(schools, o);
	}
	json_decref(zero);
	long long conf = progress[0][0], cert = progress[0][1];
	if (!words)
		matched = dmc_area_status_total(status, a->school_count, conf, cert);
	long long pages = matched > 0 ? (matched + DMC_AREA_PAGE_SIZE - 1) / DMC_AREA_PAGE_SIZE : 1;
	long long prev_total = progress[1][3] + progress[1][4], n_prev = progress[1][1];
	out = json_object();
	json_object_set_new_nocheck(out, "schools", schools);
	json_object_set_new_nocheck(out, "grade_heads", grade_heads);
	json_object_set_new_nocheck(out, "area_grades", area_grades);
	json_object_set_new_nocheck(out, "n_schools", json_integer(a->school_count));
	json_object_set_new_nocheck(out, "n_confirmed", json_integer(conf));
	json_object_set_new_nocheck(out, "n_certified", json_integer(cert));
	json_object_set_new_nocheck(out, "n_acknowledged", json_integer(progress[0][2]));
	json_object_set_new_nocheck(out, "n_pending",
				    json_integer(dmc_area_status_total(DMC_AREA_PENDING, a->school_count, conf, cert)));
	json_object_set_new_nocheck(
	    out, "n_waiting", json_integer(dmc_area_status_total(DMC_AREA_CONFIRMED, a->school_count, conf, cert)));
	json_object_set_new_nocheck(out, "male", json_integer(am));
	json_object_set_new_nocheck(out, "female", json_integer(af));
	json_object_set_new_nocheck(out, "total", json_integer(am + af));
	json_object_set_new_nocheck(out, "certified_total", json_integer(progress[0][3] + progress[0][4]));
	json_object_set_new_nocheck(out, "prev_total", n_prev ? json_integer(prev_total) : json_null());
	json_object_set_new_nocheck(out, "n_prev", json_integer(n_prev));
	json_object_set_new_nocheck(out, "change", n_prev ? json_integer(am + af - prev_total) : json_null());
	json_object_set_new_nocheck(out, "duplicates", json_integer(ndup));
	json_object_set_new_nocheck(out, "matched", json_integer(matched));
	json_object_set_new_nocheck(out, "page", json_integer(page));
	json_object_set_new_nocheck(out, "pages", json_integer(pages));
fail:
	for (size_t i = 0; i < n; i++)
		json_decref(ps[i].name);
	for (size_t g = 0; g < ng; g++)
		json_decref(gr[g].label);
	free(ps);
	free(cr);
	search_patterns_release(pat);
	return out;
}

/* ---- the national dashboard --------------------------------------------------------------- */

json_t *dmc_national_dashboard(struct db *db, long long round_id, long long prev_round_id, struct err *e)
{
	/* one row per area: the round's and the last round's progress as kept
	 * per area and round by triggers on dmc_round_schools
	 * (dmc_round_area_progress, migration 0513): two primary-key rows an
	 * area, never the schools' round rows (29,000 a round) */
	json_t *areas =
	    db_rows_json(db,
			 "SELECT a.id AS area_id, a.code, a.name, a.short_name, a.school_count, "
			 "COALESCE(p.confirmed, 0) AS confirmed, COALESCE(p.certified, 0) AS certified, "
			 "COALESCE(p.certified_male + p.certified_female, 0) AS certified_total, "
			 "CASE WHEN q.certified > 0 THEN q.certified_male + q.certified_female END AS prev_total "
			 "FROM areas a "
			 "LEFT JOIN dmc_round_area_progress p ON p.round_id = $1 AND p.area_id = a.id "
			 "LEFT JOIN dmc_round_area_progress q ON q.round_id = $2 AND q.area_id = a.id "
			 "ORDER BY a.name COLLATE thai, a.id",
			 DB_ARGS(DB_INT(round_id), DB_INT(prev_round_id)), e);
	json_t *grades = areas ? dmc_choices(db, DMC_GRADES, e) : NULL;
	if (!grades) {
		json_decref(areas);
		return NULL;
	}
	size_t ng = json_array_size(grades);
	if (ng > MAX_GRADES)
		ng = MAX_GRADES;
	const char *codes[MAX_GRADES];
	for (size_t g = 0; g < ng; g++)
		codes[g] = jstr(json_array_get(grades, g), "value");
	/* learners by area and sex and the nation by grade and sex, in one
	 * pass over the kept dmc_area_counts (about 30 rows an area) read row
	 * by row — no GROUP BY made twice, no JSON made of them; each row's
	 * area found by binary search */
	size_t na = json_array_size(areas);
	struct school_at *by_id = xcalloc(na ? na : 1, sizeof *by_id);
	long long(*sex)[2] = xcalloc(na ? na : 1, sizeof *sex);
	long long nat[MAX_GRADES][2] = {{0}};
	size_t i;
	json_t *row;
	json_array_foreach(areas, i, row) by_id[i] = (struct school_at){jint(row, "area_id"), i};
	qsort(by_id, na, sizeof *by_id, school_at_cmp);
	struct db_res *res;
	int rc = db_query(db, "SELECT area_id, grade, sex, n FROM dmc_area_counts WHERE n > 0", NULL, 0, &res, e);
	if (rc == 0) {
		while ((rc = db_next(res, e)) == 1) {
			struct school_at key = {db_int(res, 0), 0};
			const struct school_at *at = bsearch(&key, by_id, na, sizeof *by_id, school_at_cmp);
			int sx = !strcmp(db_text(res, 2), "F");
			long long n = db_int(res, 3);
			if (at)
				sex[at->k][sx] += n;
			const char *grade = db_text(res, 1);
			for (size_t g = 0; g < ng; g++)
				if (!strcmp(codes[g], grade)) {
					nat[g][sx] += n;
					break;
				}
		}
		db_res_free(res);
	}
	free(by_id);
	if (rc < 0) {
		free(sex);
		json_decref(areas);
		json_decref(grades);
		return NULL;
	}
	json_array_foreach(areas, i, row)
	{
		json_object_set_new_nocheck(row, "male", json_integer(sex[i][0]));
		json_object_set_new_nocheck(row, "female", json_integer(sex[i][1]));
	}
	free(sex);
	json_array_foreach(areas, i, row) json_object_set_new(row, "change", json_null());
	long long tm = 0, tf = 0, tconf = 0, tcert = 0, tschools = 0, tct = 0, tprev = 0;
	json_array_foreach(areas, i, row)
	{
		json_object_set_new(row, "total", json_integer(jint(row, "male") + jint(row, "female")));
		/* the change since the last round: what the area's schools
		 * certified in this round against what they certified then */
		if (!json_is_null(json_object_get(row, "prev_total")))
			json_object_set_new(row, "change",
					    json_integer(jint(row, "certified_total") - jint(row, "prev_total")));
		tm += jint(row, "male");
		tf += jint(row, "female");
		tconf += jint(row, "confirmed");
		tcert += jint(row, "certified");
		tschools += jint(row, "school_count");
		tct += jint(row, "certified_total");
		tprev += jint(row, "prev_total");
	}
	json_t *nat_grades = json_array();
	for (size_t g = 0; g < ng; g++) {
		json_t *gr = json_array_get(grades, g);
		json_array_append_new(nat_grades,
				      json_pack("{s:s, s:s, s:I, s:I, s:I}", "grade", jstr(gr, "value"), "label",
						jstr(gr, "label"), "male", (json_int_t)nat[g][0], "female",
						(json_int_t)nat[g][1], "total", (json_int_t)(nat[g][0] + nat[g][1])));
	}
	json_decref(grades);
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "areas", areas, "grades", nat_grades,
			 "male", (json_int_t)tm, "female", (json_int_t)tf, "total", (json_int_t)(tm + tf), "confirmed",
			 (json_int_t)tconf, "certified", (json_int_t)tcert, "schools", (json_int_t)tschools,
			 "certified_total", (json_int_t)tct, "prev_total", (json_int_t)tprev);
}
