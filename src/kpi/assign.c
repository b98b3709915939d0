/* assign: which units report in which period (KPI-4). The owner of an
 * indicator picks, per open period, the schools of the area (or all of
 * them at once, "เลือกโรงเรียนทั้งหมด") and possibly the area office
 * itself. Assigning makes the unit's report row (status assigned, "รอส่ง");
 * assigning a unit twice changes nothing. A unit may be removed only while
 * it has saved nothing: once it has reported, removing it would throw its
 * report away.
 *
 * A unit is keyed by unit_key: the school's id, or 0 for the area office,
 * so that uniqueness and joins need no NULL rules that differ between
 * SQLite and PostgreSQL; school_id stays a real foreign key (NULL for the
 * area office).
 *
 * kpi_indicator_units lists each unit of an indicator once, whatever the
 * number of its periods, with its name, the area office first and then
 * schools in Thai order along one index, so the matrix pages its units with
 * LIMIT/OFFSET on that index instead of sorting DISTINCT units of every
 * report on every view. It is kept here, in the transaction of every
 * assignment and removal, together with the indicator's n_units and the
 * period's counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/num.h"
#include "kpi/kpi_internal.h"

json_t *kpi_units(struct db *db, long long period_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT r.id AS report_id, r.unit_key AS school_id, u.name AS unit_name, r.status "
				    "FROM kpi_reports r JOIN kpi_indicator_units u ON u.indicator_id = r.indicator_id "
				    "AND u.unit_key = r.unit_key WHERE r.period_id = $1 "
				    "ORDER BY u.rank, u.name COLLATE thai, u.unit_key",
				    DB_ARGS(DB_INT(period_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *u;
	json_array_foreach(rows, i, u)
	{
		int st = kpi_status_parse(json_string_value(json_object_get(u, "status")));
		if (st < 0)
			st = KPI_ASSIGNED;
		json_object_set_new(u, "status_label", json_string(kpi_status_label((enum kpi_status)st)));
		json_object_set_new(u, "removable", json_boolean(st == KPI_ASSIGNED));
		json_object_set_new(u, "is_area",
				    json_boolean(json_integer_value(json_object_get(u, "school_id")) == 0));
	}
	return rows;
}

json_t *kpi_area_units(struct db *db, long long area_id, struct err *e)
{
	return db_rows_json(db, "SELECT id, name FROM schools WHERE area_id = $1 ORDER BY name COLLATE thai, id",
			    DB_ARGS(DB_INT(area_id)), e);
}

/* Keeps kpi_indicator_units and the indicator's n_units in step with its
 * reports. */
int kpi_units_refresh(struct db *db, long long indicator_id, struct err *e)
{
	if (db_exec(
		db,
		"DELETE FROM kpi_indicator_units WHERE indicator_id = $1 AND NOT EXISTS (SELECT 1 FROM kpi_reports r "
		"WHERE r.indicator_id = $1 AND r.unit_key = kpi_indicator_units.unit_key)",
		DB_ARGS(DB_INT(indicator_id)), e) < 0)
		return -1;
	if (db_exec(
		db,
		"INSERT INTO kpi_indicator_units (indicator_id, unit_key, school_id, rank, name) "
		"SELECT DISTINCT r.indicator_id, r.unit_key, r.school_id, CASE WHEN r.unit_key = 0 THEN 0 ELSE 1 END, "
		"COALESCE(s.name, a.name) FROM kpi_reports r JOIN kpi_indicators i ON i.id = r.indicator_id "
		"JOIN areas a ON a.id = i.area_id LEFT JOIN schools s ON s.id = r.school_id "
		"WHERE r.indicator_id = $1 AND NOT EXISTS (SELECT 1 FROM kpi_indicator_units u "
		"WHERE u.indicator_id = $1 AND u.unit_key = r.unit_key)",
		DB_ARGS(DB_INT(indicator_id)), e) < 0)
		return -1;
	return db_exec(db,
		       "UPDATE kpi_indicators SET n_units = (SELECT COUNT(*) FROM kpi_indicator_units u "
		       "WHERE u.indicator_id = $1) WHERE id = $1",
		       DB_ARGS(DB_INT(indicator_id)), e) < 0
		   ? -1
		   : 0;
}

static long long insert_unit(struct db *db, long long indicator_id, long long period_id, long long school_id,
			     long long user_id, long long now, struct err *e)
{
	return db_exec(
	    db,
	    "INSERT INTO kpi_reports (indicator_id, period_id, school_id, unit_key, status, assigned_by, "
	    "assigned_at, updated_at) SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), "
	    "CAST($4 AS BIGINT), 'assigned', CAST($5 AS BIGINT), CAST($6 AS BIGINT), CAST($6 AS BIGINT) "
	    "WHERE NOT EXISTS "
	    "(SELECT 1 FROM kpi_reports r WHERE r.period_id = $2 AND r.unit_key = $4) ON CONFLICT DO NOTHING",
	    DB_ARGS(DB_INT(indicator_id), DB_INT(period_id), school_id > 0 ? DB_INT(school_id) : DB_NULL,
		    DB_INT(school_id > 0 ? school_id : 0), user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)),
	    e);
}

long long kpi_units_add(struct db *db, long long period_id, json_t *school_ids, bool all_schools, bool area_unit,
			long long user_id, struct err *e)
{
	/* a close of the period waits for this, or this for it (PostgreSQL) */
	if (kpi_period_lock(db, period_id, e) < 0)
		return -1;
	json_t *p = kpi_period_get(db, period_id, e);
	if (!p)
		return -1;
	long long added = -1;
	long long indicator_id = json_integer_value(json_object_get(p, "indicator_id"));
	long long area_id = json_integer_value(json_object_get(p, "area_id"));
	if (!json_is_true(json_object_get(p, "opened"))) {
		err_set(e, 409, "รอบรายงานนี้ยังไม่ได้เปิด กรุณาเปิดรอบรายงานก่อนกำหนดหน่วยงานผู้รายงาน");
		goto out;
	}
	size_t nids = json_array_size(school_ids);
	if (!all_schools && !area_unit && !nids) {
		err_field(e, "school_id", "กรุณาเลือกหน่วยงานผู้รายงานอย่างน้อย 1 หน่วยงาน หรือเลือกโรงเรียนทั้งหมด");
		goto out;
	}
	/* every school named must be a school of this area: checked before
	 * anything is written, so a bad id stores nothing */
	size_t i;
	json_t *v;
	json_array_foreach(school_ids, i, v)
	{
		const char *s = json_string_value(v);
		char *end = NULL;
		long long sid = s ? strtoll(s, &end, 10) : 0;
		long long sa = 0;
		int rc = (sid > 0 && end && !*end) ? db_int_value(db, "SELECT area_id FROM schools WHERE id = $1",
								  DB_ARGS(DB_INT(sid)), &sa, e)
						   : 0;
		if (rc < 0)
			goto out;
		if (!rc || sa != area_id) {
			err_field(e, "school_id", "ไม่พบโรงเรียนที่เลือก (%s) ในสังกัดสำนักงานเขตพื้นที่นี้", s ? s : "");
			goto out;
		}
	}
	long long now = (long long)time(NULL), n = 0, k;
	if (all_schools) {
		k = db_exec(
		    db,
		    "INSERT INTO kpi_reports (indicator_id, period_id, school_id, unit_key, status, assigned_by, "
		    "assigned_at, updated_at) SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), s.id, s.id, 'assigned', "
		    "CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($5 AS BIGINT) FROM schools s "
		    "WHERE s.area_id = $3 AND NOT EXISTS (SELECT 1 FROM kpi_reports r WHERE r.period_id = $2 "
		    "AND r.unit_key = s.id) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_INT(indicator_id), DB_INT(period_id), DB_INT(area_id),
			    user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)),
		    e);
		if (k < 0)
			goto out;
		n += k;
	} else {
		json_array_foreach(school_ids, i, v)
		{
			k = insert_unit(db, indicator_id, period_id, num_ll_or(json_string_value(v), 0), user_id, now,
					e);
			if (k < 0)
				goto out;
			n += k;
		}
	}
	if (area_unit) {
		k = insert_unit(db, indicator_id, period_id, 0, user_id, now, e);
		if (k < 0)
			goto out;
		n += k;
	}
	if (kpi_units_refresh(db, indicator_id, e) < 0 || kpi_period_recount(db, period_id, e) < 0)
		goto out;
	added = n;
out:
	json_decref(p);
	return added;
}

int kpi_unit_remove(struct db *db, long long period_id, long long report_id, struct err *e)
{
	if (kpi_period_lock(db, period_id, e) < 0)
		return -1;
	json_t *r =
	    db_row_json(db,
			"SELECT r.status, r.indicator_id, COALESCE(s.name, a.name) AS unit_name FROM kpi_reports r "
			"JOIN kpi_indicators i ON i.id = r.indicator_id JOIN areas a ON a.id = i.area_id "
			"LEFT JOIN schools s ON s.id = r.school_id WHERE r.id = $1 AND r.period_id = $2",
			DB_ARGS(DB_INT(report_id), DB_INT(period_id)), e);
	if (!r) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบหน่วยงานนี้ในรอบรายงาน");
		return -1;
	}
	int rc = -1;
	int st = kpi_status_parse(json_string_value(json_object_get(r, "status")));
	long long indicator_id = json_integer_value(json_object_get(r, "indicator_id"));
	if (kpi_unit_remove_check(st < 0 ? KPI_REVIEWED : (enum kpi_status)st,
				  json_string_value(json_object_get(r, "unit_name")), e) < 0)
		goto out;
	/* the status is in the WHERE too: a report saved meanwhile (another
	 * instance) is never deleted */
	if (db_exec(db,
		    "DELETE FROM kpi_reminders WHERE report_id = $1 AND EXISTS (SELECT 1 FROM kpi_reports r "
		    "WHERE r.id = $1 AND r.status = 'assigned')",
		    DB_ARGS(DB_INT(report_id)), e) < 0)
		goto out;
	long long n =
	    db_exec(db, "DELETE FROM kpi_reports WHERE id = $1 AND status = 'assigned'", DB_ARGS(DB_INT(report_id)), e);
	if (n < 0)
		goto out;
	if (n == 0) {
		kpi_unit_remove_check(KPI_DRAFT, json_string_value(json_object_get(r, "unit_name")), e);
		goto out;
	}
	if (kpi_units_refresh(db, indicator_id, e) < 0 || kpi_period_recount(db, period_id, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(r);
	return rc;
}
