/* counts: the maintained counts of the registry (migration 0610) — per
 * place (a school, or an area office: school_id 0) its active staff and
 * how many lack something, in total (dpa_counts) and per personnel type
 * (dpa_type_counts). The area's completeness page and every school's
 * "recorded N / incomplete M" read them instead of summing dpa_staff on
 * each view (issue 13's bench: 450,000 staff in 29,000 schools).
 *
 * Every domain function that changes which place a record counts in, or
 * whether it is active or complete (add, re-add, edit, removal, transfer,
 * import), calls dpa_counts_refresh for each place it touched, in its own
 * transaction. The refresh locks the place's row first (an UPDATE that
 * changes nothing; on PostgreSQL a row lock held to commit, on SQLite the
 * database's write lock), and only then recounts the place from its index
 * range: a second writer at the same school waits for the first to commit,
 * and its recount, a new statement, sees the first one's rows (READ
 * COMMITTED takes a snapshot per statement). A recount of one place is
 * 15–60 index entries, never a drift to repair.
 *
 * Many places at once (an import, the demo's bulk load): the places are
 * gathered into the temporary table dpa_touched (dpa_counts_touch, which
 * may be called several times: before a write, to name the places records
 * are about to leave, and after) and dpa_counts_refresh_touched recounts
 * them all in six statements, whatever their number: make their rows,
 * lock them, one UPDATE of dpa_counts (and one DELETE of a moved school's
 * emptied row of its old area), one DELETE and one INSERT … SELECT of
 * dpa_type_counts, each driven by dpa_touched along the indexes
 * (dpa_staff_area: area, status, school, missing). */
#include "core/buf.h"
#include "core/db.h"
#include "dpa/dpa_internal.h"

/* Both statement sets use $1 (school id, 0 for the office) and $2 (area id). */
#define WHO_SCHOOL "s.school_id = $1 AND s.area_id = $2"
#define WHO_OFFICE "s.school_id IS NULL AND s.area_id = $2"
#define RECOUNT(who)                                                                                                   \
	"UPDATE dpa_counts SET recorded = (SELECT COUNT(*) FROM dpa_staff s WHERE " who " AND s.status = 'active'), "  \
	"incomplete = (SELECT COUNT(*) FROM dpa_staff s WHERE " who " AND s.status = 'active' AND s.missing > 0) "     \
	"WHERE school_id = $1 AND area_id = $2"
#define RETYPE(who)                                                                                                    \
	"INSERT INTO dpa_type_counts (school_id, area_id, type, recorded, incomplete) "                                \
	"SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), COALESCE(s.type, ''), COUNT(*), SUM(CASE WHEN s.missing > 0 THEN 1 ELSE 0 END) "              \
	"FROM dpa_staff s WHERE " who " AND s.status = 'active' GROUP BY COALESCE(s.type, '')"

int dpa_counts_refresh(struct db *db, long long area_id, long long school_id, struct err *e)
{
	if (area_id <= 0)
		return 0;
	if (school_id < 0)
		school_id = 0;
	struct db_val k[] = {DB_INT(school_id), DB_INT(area_id)};
	bool school = school_id > 0;
	if (db_exec(db,
		    "INSERT INTO dpa_counts (school_id, area_id, recorded, incomplete) VALUES ($1, $2, 0, 0) "
		    "ON CONFLICT (school_id, area_id) DO NOTHING",
		    k, 2, e) < 0 ||
	    /* the place's lock: taken before anything of it is counted */
	    db_exec(db, "UPDATE dpa_counts SET recorded = recorded WHERE school_id = $1 AND area_id = $2", k, 2, e) <
		0 ||
	    db_exec(db, school ? RECOUNT(WHO_SCHOOL) : RECOUNT(WHO_OFFICE), k, 2, e) < 0 ||
	    db_exec(db, "DELETE FROM dpa_type_counts WHERE school_id = $1 AND area_id = $2", k, 2, e) < 0 ||
	    db_exec(db, school ? RETYPE(WHO_SCHOOL) : RETYPE(WHO_OFFICE), k, 2, e) < 0)
		return -1;
	return 0;
}

int dpa_counts_touch(struct db *db, const char *places_sql, const struct db_val *p, int n, struct err *e)
{
	struct buf sql = BUF_INIT;
	buf_addf(&sql, "INSERT INTO dpa_touched (school_id, area_id) %s", places_sql);
	int rc = db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS dpa_touched (school_id BIGINT NOT NULL, area_id BIGINT NOT NULL)",
			 NULL, 0, e) < 0 ||
			 db_exec(db, buf_cstr(&sql), p, n, e) < 0
		     ? -1
		     : 0;
	buf_release(&sql);
	return rc;
}

/* the places of dpa_touched, each once */
#define TOUCHED "SELECT DISTINCT school_id, area_id FROM dpa_touched WHERE area_id > 0"
/* a place's active staff (c: its dpa_counts row), as one sum of the two
 * kinds of place so that each branch keeps to its index */
#define PLACE_COUNT(extra)                                                                                             \
	"(SELECT COUNT(*) FROM dpa_staff s WHERE c.school_id > 0 AND s.area_id = c.area_id AND s.status = 'active' "   \
	"AND s.school_id = c.school_id" extra ") + (SELECT COUNT(*) FROM dpa_staff s WHERE c.school_id = 0 "          \
	"AND s.area_id = c.area_id AND s.status = 'active' AND s.school_id IS NULL" extra ")"
#define TYPE_ROWS(join, where)                                                                                         \
	"SELECT t.school_id, t.area_id, COALESCE(s.type, ''), COUNT(*), "                                            \
	"SUM(CASE WHEN s.missing > 0 THEN 1 ELSE 0 END) FROM (" TOUCHED ") t JOIN dpa_staff s "                       \
	"ON s.area_id = t.area_id AND s.status = 'active' AND " join " WHERE " where                                  \
	" GROUP BY t.school_id, t.area_id, COALESCE(s.type, '')"

int dpa_counts_refresh_touched(struct db *db, struct err *e)
{
	if (db_exec(db,
		    "INSERT INTO dpa_counts (school_id, area_id, recorded, incomplete) "
		    "SELECT school_id, area_id, 0, 0 FROM (" TOUCHED ") t WHERE true "
		    "ON CONFLICT (school_id, area_id) DO NOTHING",
		    NULL, 0, e) < 0 ||
	    /* the places' locks, before anything of them is counted */
	    db_exec(db,
		    "UPDATE dpa_counts SET recorded = recorded WHERE EXISTS (SELECT 1 FROM dpa_touched t "
		    "WHERE t.school_id = dpa_counts.school_id AND t.area_id = dpa_counts.area_id)",
		    NULL, 0, e) < 0 ||
	    db_exec(db,
		    "UPDATE dpa_counts AS c SET recorded = " PLACE_COUNT("") ", incomplete = " PLACE_COUNT(
			" AND s.missing > 0") " WHERE EXISTS (SELECT 1 FROM dpa_touched t "
					      "WHERE t.school_id = c.school_id AND t.area_id = c.area_id)",
		    NULL, 0, e) < 0 ||
	    /* a school's row of an area it left (a school moved by khet import
	     * org), emptied now: a school has one place, its area's */
	    db_exec(db,
		    "DELETE FROM dpa_counts WHERE recorded = 0 AND school_id > 0 AND EXISTS (SELECT 1 FROM "
		    "dpa_touched t WHERE t.school_id = dpa_counts.school_id AND t.area_id = dpa_counts.area_id) "
		    "AND area_id <> (SELECT sc.area_id FROM schools sc WHERE sc.id = dpa_counts.school_id)",
		    NULL, 0, e) < 0 ||
	    db_exec(db,
		    "DELETE FROM dpa_type_counts WHERE EXISTS (SELECT 1 FROM dpa_touched t "
		    "WHERE t.school_id = dpa_type_counts.school_id AND t.area_id = dpa_type_counts.area_id)",
		    NULL, 0, e) < 0 ||
	    db_exec(db,
		    "INSERT INTO dpa_type_counts (school_id, area_id, type, recorded, incomplete) " TYPE_ROWS(
			"s.school_id = t.school_id", "t.school_id > 0") " UNION ALL " TYPE_ROWS("s.school_id IS NULL",
												  "t.school_id = 0"),
		    NULL, 0, e) < 0 ||
	    db_exec(db, "DROP TABLE dpa_touched", NULL, 0, e) < 0)
		return -1;
	return 0;
}
