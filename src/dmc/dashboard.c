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
 * dmc_round_schools by triggers (migration 0513). So an area's page reads
 * about 30 rows per school and the national page one row per area × grade
 * × sex plus two per area (its progress in the round and the last one).
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
#include "core/thai.h"
#include "dmc/dmc_internal.h"

/* ---- flagging duplicates ---------------------------------------------------------------- */

int dmc_dup_check_learner(struct db *db, long long learner_id, long long now, struct err *e)
{
	/* the pair is stored once, the smaller id as side a */
	return db_exec(db,
		       "INSERT INTO dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b, area_a, "
		       "area_b, found_at) "
		       "SELECT 'name', CASE WHEN l.id < o.id THEN l.id ELSE o.id END, "
		       "CASE WHEN l.id < o.id THEN o.id ELSE l.id END, 0, "
		       "CASE WHEN l.id < o.id THEN l.school_id ELSE o.school_id END, "
		       "CASE WHEN l.id < o.id THEN o.school_id ELSE l.school_id END, "
		       "CASE WHEN l.id < o.id THEN sl.area_id ELSE so.area_id END, "
		       "CASE WHEN l.id < o.id THEN so.area_id ELSE sl.area_id END, CAST($2 AS BIGINT) "
		       "FROM dmc_learners l JOIN dmc_learners o ON o.first_name = l.first_name "
		       "AND o.last_name = l.last_name AND o.birth_date = l.birth_date AND o.status = 'active' "
		       "AND o.school_id <> l.school_id "
		       "JOIN schools sl ON sl.id = l.school_id JOIN schools so ON so.id = o.school_id "
		       "WHERE l.id = $1 AND l.status = 'active' "
		       "ON CONFLICT (kind, learner_a, learner_b, round_id, school_a, school_b) DO NOTHING",
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

int dmc_dup_check_round(struct db *db, long long round_id, long long school_id, long long now, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b, area_a, "
		       "area_b, found_at) "
		       "SELECT 'round', a.learner_id, a.learner_id, a.round_id, "
		       "CASE WHEN a.school_id < b.school_id THEN a.school_id ELSE b.school_id END, "
		       "CASE WHEN a.school_id < b.school_id THEN b.school_id ELSE a.school_id END, "
		       "CASE WHEN a.school_id < b.school_id THEN sa.area_id ELSE sb.area_id END, "
		       "CASE WHEN a.school_id < b.school_id THEN sb.area_id ELSE sa.area_id END, CAST($3 AS BIGINT) "
		       "FROM dmc_snapshot a JOIN dmc_snapshot b ON b.round_id = a.round_id "
		       "AND b.learner_id = a.learner_id AND b.school_id <> a.school_id "
		       "JOIN schools sa ON sa.id = a.school_id JOIN schools sb ON sb.id = b.school_id "
		       "WHERE a.round_id = $1 AND a.school_id = $2 "
		       "ON CONFLICT (kind, learner_a, learner_b, round_id, school_a, school_b) DO NOTHING",
		       DB_ARGS(DB_INT(round_id), DB_INT(school_id), DB_INT(now)), e) < 0
		   ? -1
		   : 0;
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
		       "INSERT INTO dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b, area_a, "
		       "area_b, found_at) "
		       "SELECT DISTINCT 'name', CASE WHEN l.id < o.id THEN l.id ELSE o.id END, "
		       "CASE WHEN l.id < o.id THEN o.id ELSE l.id END, 0, "
		       "CASE WHEN l.id < o.id THEN l.school_id ELSE o.school_id END, "
		       "CASE WHEN l.id < o.id THEN o.school_id ELSE l.school_id END, "
		       "CASE WHEN l.id < o.id THEN sl.area_id ELSE so.area_id END, "
		       "CASE WHEN l.id < o.id THEN so.area_id ELSE sl.area_id END, CAST($2 AS BIGINT) "
		       "FROM dmc_learners l JOIN dmc_learners o ON o.first_name = l.first_name "
		       "AND o.last_name = l.last_name AND o.birth_date = l.birth_date AND o.status = 'active' "
		       "AND o.school_id <> l.school_id "
		       "JOIN schools sl ON sl.id = l.school_id JOIN schools so ON so.id = o.school_id "
		       "WHERE l.id > $1 AND l.status = 'active' "
		       "ON CONFLICT (kind, learner_a, learner_b, round_id, school_a, school_b) DO NOTHING",
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
	"JOIN dmc_duplicates d ON d.id = x.id JOIN dmc_learners a ON a.id = d.learner_a "                             \
	"JOIN dmc_learners b ON b.id = d.learner_b "                                                                   \
	"WHERE d.kind = 'round' OR (a.status = 'active' AND b.status = 'active' AND a.school_id <> b.school_id "      \
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

int dmc_duplicate_resolve(struct db *db, long long area_id, long long id, const char *note, long long by,
			  long long now, struct err *e)
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

/* The page's rows: {school_id, name, confirmed_at, certified_at,
 * acknowledged_at} (null when not done), what the template shows of the
 * round's row; the rest (certified and last round's totals) goes to
 * *out, one struct progress per row, never into the model. */
static json_t *lean_schools(struct db *db, const char *sql, long long area_id, long long round_id,
			    long long prev_round_id, struct progress **out, struct err *e)
{
	struct db_res *res;
	if (db_query(db, sql, DB_ARGS(DB_INT(area_id), DB_INT(round_id), DB_INT(prev_round_id)), &res, e) < 0)
		return NULL;
	json_t *rows = json_array();
	struct progress *pg = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			pg = xrealloc(pg, cap * sizeof *pg);
		}
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "school_id", json_integer(db_int(res, 0)));
		json_object_set_new_nocheck(o, "name", json_string(db_text(res, 1)));
		static const char *const at[] = {"confirmed_at", "certified_at", "acknowledged_at"};
		for (int c = 0; c < 3; c++) {
			long long t = db_int(res, 3 + c);
			json_object_set_new_nocheck(o, at[c], t > 0 ? json_integer(t) : json_null());
		}
		pg[n++] = (struct progress){.confirmed = db_int(res, 3) > 0,
					    .certified = db_int(res, 4) > 0,
					    .acknowledged = db_int(res, 5) > 0,
					    .prev = db_int(res, 8) > 0,
					    .certified_total = db_int(res, 6) + db_int(res, 7),
					    .prev_total = db_int(res, 9) + db_int(res, 10)};
		json_array_append_new(rows, o);
	}
	db_res_free(res);
	if (rc < 0) {
		free(pg);
		json_decref(rows);
		return NULL;
	}
	*out = pg ? pg : xcalloc(1, sizeof *pg);
	return rows;
}

json_t *dmc_area_dashboard(struct db *db, long long area_id, long long round_id, long long prev_round_id,
			   bool certified_counts, enum dmc_dash_rows rows, struct err *e)
{
	bool lean = rows == DMC_DASH_PAGE, all_grades = rows == DMC_DASH_ALL;
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
	/* each school once, with its progress in the round and the last one;
	 * the page (DMC_DASH_PAGE) gets only what its template shows, read
	 * row by row: a lean object per school, the rest kept in C */
	static const char schools_sql[] =
	    "SELECT s.id AS school_id, s.name, s.obec_code, rs.confirmed_at, rs.certified_at, rs.acknowledged_at, "
	    "rs.certified_male, rs.certified_female, ps.certified_at AS prev_certified_at, "
	    "ps.certified_male AS prev_male, ps.certified_female AS prev_female "
	    "FROM schools s LEFT JOIN dmc_round_schools rs ON rs.round_id = $2 AND rs.school_id = s.id "
	    "LEFT JOIN dmc_round_schools ps ON ps.round_id = $3 AND ps.school_id = s.id "
	    "WHERE s.area_id = $1 ORDER BY s.name COLLATE thai, s.id";
	struct progress *pg = NULL;
	json_t *schools = !lean ? db_rows_json(db, schools_sql,
						DB_ARGS(DB_INT(area_id), DB_INT(round_id), DB_INT(prev_round_id)), e)
				: lean_schools(db, schools_sql, area_id, round_id, prev_round_id, &pg, e);
	if (!schools) {
		json_decref(grades);
		return NULL;
	}
	size_t ns = json_array_size(schools);
	if (!lean) {
		pg = xcalloc(ns ? ns : 1, sizeof *pg);
		for (size_t k = 0; k < ns; k++)
			progress_of(json_array_get(schools, k), &pg[k]);
	}
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
	if ((certified_counts ? db_query(db,
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
	/* the grades any school of the area has learners in (all when none) */
	bool shown[MAX_GRADES];
	size_t nshown = 0;
	for (size_t g = 0; g < ng; g++) {
		shown[g] = tot[g][0] + tot[g][1] > 0;
		nshown += shown[g];
	}
	if (!nshown)
		for (size_t g = 0; g < ng; g++)
			shown[g] = true;
	json_t *grade_heads = json_array(), *area_grades = json_array();
	long long am = 0, af = 0;
	for (size_t g = 0; g < ng; g++) {
		json_t *gr = json_array_get(grades, g);
		am += tot[g][0];
		af += tot[g][1];
		json_array_append_new(area_grades, json_pack("{s:s, s:s, s:I, s:I, s:I, s:b}", "grade", jstr(gr, "value"),
							      "label", jstr(gr, "label"), "male", (json_int_t)tot[g][0],
							      "female", (json_int_t)tot[g][1], "total",
							      (json_int_t)(tot[g][0] + tot[g][1]), "shown", shown[g]));
		if (shown[g])
			json_array_append_new(grade_heads, json_pack("{s:s, s:s}", "grade", jstr(gr, "value"), "label",
								     jstr(gr, "label")));
	}
	long long n_conf = 0, n_cert = 0, n_ack = 0, cert_total = 0, prev_total = 0, n_prev = 0;
	json_t *zero = NULL;
	json_array_foreach(schools, i, row)
	{
		json_t *cells = rows != DMC_DASH_TOTALS ? json_array() : NULL, *all = all_grades ? json_array() : NULL;
		long long m = 0, f = 0;
		for (size_t g = 0; g < ng; g++) {
			m += cell[i][g][0];
			f += cell[i][g][1];
			if (!cells || (!shown[g] && !all))
				continue;
			if (!all) {
				/* the page's cell, "boys/girls": one string, not an
				 * object of four (300 schools × 11 grades a page),
				 * written without printf's format parsing */
				if (!cell[i][g][0] && !cell[i][g][1]) {
					/* a grade the school does not teach: one shared
					 * "0/0" (a reference, not a new string) */
					if (!zero)
						zero = json_string_nocheck("0/0");
					json_array_append(cells, zero);
					continue;
				}
				char t[48];
				size_t tl = pair_text(t, cell[i][g][0], cell[i][g][1]);
				json_array_append_new(cells, json_stringn_nocheck(t, tl));
				continue;
			}
			json_t *c = json_object();
			json_object_set_new_nocheck(c, "grade", json_string_nocheck(codes[g]));
			json_object_set_new_nocheck(c, "male", json_integer(cell[i][g][0]));
			json_object_set_new_nocheck(c, "female", json_integer(cell[i][g][1]));
			json_object_set_new_nocheck(c, "total", json_integer(cell[i][g][0] + cell[i][g][1]));
			if (shown[g])
				json_array_append(cells, c);
			if (all)
				json_array_append(all, c);
			json_decref(c);
		}
		if (cells)
			json_object_set_new(row, all ? "grades" : "cells", cells);
		if (all)
			json_object_set_new(row, "all_grades", all);
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
		if (!lean) {
			json_object_set_new_nocheck(row, "certified_total", cert ? json_integer(ct) : json_null());
			json_object_set_new_nocheck(row, "now_total", json_integer(now_total));
		}
		json_object_set_new_nocheck(row, "prev_total", prev ? json_integer(pt) : json_null());
		json_object_set_new_nocheck(row, "change", prev ? json_integer(now_total - pt) : json_null());
		if (cert)
			cert_total += ct;
		if (prev) {
			prev_total += pt;
			n_prev++;
		}
	}
	json_decref(zero);
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

/* ---- the national dashboard --------------------------------------------------------------- */

json_t *dmc_national_dashboard(struct db *db, long long round_id, long long prev_round_id, struct err *e)
{
	/* one row per area: the round's and the last round's progress as kept
	 * per area and round by triggers on dmc_round_schools
	 * (dmc_round_area_progress, migration 0513): two primary-key rows an
	 * area, never the schools' round rows (29,000 a round) */
	json_t *areas = db_rows_json(
	    db,
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
		json_array_append_new(nat_grades, json_pack("{s:s, s:s, s:I, s:I, s:I}", "grade", jstr(gr, "value"), "label",
							     jstr(gr, "label"), "male", (json_int_t)nat[g][0], "female",
							     (json_int_t)nat[g][1], "total",
							     (json_int_t)(nat[g][0] + nat[g][1])));
	}
	json_decref(grades);
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "areas", areas, "grades", nat_grades,
			 "male", (json_int_t)tm, "female", (json_int_t)tf, "total", (json_int_t)(tm + tf), "confirmed",
			 (json_int_t)tconf, "certified", (json_int_t)tcert, "schools", (json_int_t)tschools,
			 "certified_total", (json_int_t)tct, "prev_total", (json_int_t)tprev);
}
