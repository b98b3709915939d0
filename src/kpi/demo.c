/* demo: KPI-Online data for `khet demo` and the benchmark. In the first
 * demo area (code 3502, as acc_demo) and the current fiscal year: two KPI
 * users — an indicator owner of the area's first work group and a
 * reviewer — and two indicators:
 *   1. half-yearly, level 1–5, both periods open, the area office and the
 *      first schools assigned, a few reports confirmed and reviewed;
 *   2. monthly, percentage, all twelve months open and the first `units`
 *      schools assigned to every month, with reports in every state —
 *      the matrix the benchmark pages (300 units × 12 periods).
 * Each reporting school reports by its own account, kpi-<OBEC code>, a
 * kpi_reporter of that school (not one school's admin for every school).
 * The reports of indicator 2 are written with a few set-based statements,
 * not one call per report, so a demo of 300 units takes a moment. Running
 * it again changes nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"
#include "org/org.h"

/* The two KPI users (password ACC_DEMO_PASSWORD, as every demo user). */
static const struct acc_demo_person kpi_owner = {
    "kpiowner", "310010000021", "นาย", "ชี้วัด", "เจ้าของ", "kpiowner@example.org", "0810000020", "civil_servant",
};
static const struct acc_demo_person kpi_reviewer = {
    "kpireviewer", "310010000022", "นาย", "ตรวจดี", "ละเอียด", "kpireviewer@example.org", "0810000020", "civil_servant",
};

/* An area grant of a KPI role (acc_demo_grant: none when held already). */
static int demo_grant(struct db *db, long long user, const char *role, long long area, long long wg, struct err *e)
{
	struct acc_grant g = {0};
	g.user_id = user;
	snprintf(g.role, sizeof g.role, "%s", role);
	g.area_id = area;
	g.work_group_id = wg;
	snprintf(g.module, sizeof g.module, "kpi");
	return acc_demo_grant(db, &g, e);
}

/* The demo reporter of each of the first n schools of the area (by OBEC
 * code): kpi-<OBEC code>, a kpi_reporter of that school; citizen ID 39 +
 * the 10-digit OBEC code (+ check digit), unique among demo accounts.
 * acc_demo_person hashes the password once for all of them. */
static int demo_reporters(struct db *db, long long area, int n, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT id, obec_code FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT $2",
				    DB_ARGS(DB_INT(area), DB_INT(n)), e);
	if (!rows)
		return -1;
	size_t i;
	json_t *s;
	int rc = 0;
	json_array_foreach(rows, i, s)
	{
		const char *obec = json_string_value(json_object_get(s, "obec_code"));
		if (!obec || strlen(obec) != 10 || strspn(obec, "0123456789") != 10)
			continue; /* not a demo OBEC code: no citizen ID to derive */
		char uname[32], id12[16], email[48];
		snprintf(uname, sizeof uname, "kpi-%s", obec);
		snprintf(id12, sizeof id12, "39%s", obec);
		snprintf(email, sizeof email, "kpi-%s@example.org", obec);
		struct acc_demo_person p = {uname, id12, "นาง", "รายงาน", "ตัวชี้วัด", email, "0810000023", "civil_servant"};
		long long uid = acc_demo_person(db, &p, e);
		struct acc_grant g = {0};
		g.user_id = uid;
		snprintf(g.role, sizeof g.role, "kpi_reporter");
		g.area_id = area;
		g.school_id = json_integer_value(json_object_get(s, "id"));
		snprintf(g.module, sizeof g.module, "kpi");
		if (uid < 0 || acc_demo_grant(db, &g, e) < 0) {
			rc = -1;
			break;
		}
	}
	json_decref(rows);
	return rc;
}

/* The reporter of a school made by demo_reporters, in SQL (sid: the
 * school's id as an SQL expression). */
#define REPORTER_OF(sid)                                                                                               \
	"(SELECT u.id FROM users u JOIN schools sc ON u.username = 'kpi-' || sc.obec_code WHERE sc.id = " sid ")"

static int demo_in(struct db *db, int units, struct err *e)
{
	long long wg = 0, one = 0;
	long long area = acc_demo_area(db, "3502", e);
	if (area < 0)
		return -1;
	if (db_int_value(db, "SELECT id FROM work_groups WHERE area_id = $1 ORDER BY sort, id LIMIT 1",
			 DB_ARGS(DB_INT(area)), &wg, e) <= 0)
		return err_set(e, 400, "เขตพื้นที่ตัวอย่างยังไม่มีกลุ่มงาน");
	long long owner = acc_demo_person(db, &kpi_owner, e);
	long long reviewer = owner < 0 ? -1 : acc_demo_person(db, &kpi_reviewer, e);
	if (reviewer < 0 || demo_grant(db, owner, "kpi_owner", area, wg, e) < 0 ||
	    demo_grant(db, reviewer, "kpi_reviewer", area, 0, e) < 0)
		return -1;
	int fy = thai_fiscal_year((long long)time(NULL));
	int rc = db_int_value(db, "SELECT 1 FROM kpi_indicators WHERE area_id = $1 AND fiscal_year = $2",
			  DB_ARGS(DB_INT(area), DB_INT(fy)), &one, e);
	if (rc)
		return rc < 0 ? -1 : 0; /* made already */
	if (demo_reporters(db, area, units > 5 ? units : 5, e) < 0)
		return -1;

	struct kpi_indicator_in a = {
	    .d1 = "1",
	    .d2 = "1",
	    .number = "1",
	    .name = "ระดับความสำเร็จในการดำเนินงานตามแนวทางบริหารจัดการภาครัฐ",
	    .description = "ดำเนินงานตามคู่มือแนวทางบริหารจัดการภาครัฐ จำนวน 3 หมวด ในระดับ Principle",
	    .type = "level5",
	    .weight = "2",
	    .criteria = "2, 3, 4, 5",
	    .kind = "half",
	    .status = "open",
	    .work_group_id = wg,
	};
	long long ia = kpi_indicator_create(db, area, fy, &a, owner, e);
	if (ia < 0)
		return -1;
	struct kpi_indicator_in b = a;
	b.number = "2";
	b.d2 = "2";
	b.name = "ร้อยละของนักเรียนที่มีข้อมูลรายบุคคลครบถ้วนในระบบ DMC";
	b.description = "โรงเรียนรายงานร้อยละของนักเรียนที่บันทึกข้อมูลครบถ้วนทุกเดือน";
	b.type = "percent";
	b.weight = "1";
	b.criteria = "60, 70, 80, 90";
	b.kind = "monthly";
	long long ib = kpi_indicator_create(db, area, fy, &b, owner, e);
	if (ib < 0)
		return -1;
	if (db_exec(db, "UPDATE kpi_periods SET opened_at = $2, opened_by = $3 WHERE indicator_id IN ($1, $4)",
		    DB_ARGS(DB_INT(ia), DB_INT((long long)time(NULL)), DB_INT(owner), DB_INT(ib)), e) < 0)
		return -1;

	/* indicator 1: the area office and the first five schools, both rounds */
	json_t *ps = kpi_periods(db, ia, e);
	if (!ps)
		return -1;
	json_t *first =
	    db_rows_json(db, "SELECT CAST(id AS TEXT) AS id FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT 5",
			 DB_ARGS(DB_INT(area)), e);
	json_t *ids = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(first, i, s) json_array_append(ids, json_object_get(s, "id"));
	json_decref(first);
	json_t *p;
	json_array_foreach(ps, i, p)
	{
		if (kpi_units_add(db, json_integer_value(json_object_get(p, "id")), ids, false, true, owner, e) < 0) {
			json_decref(ids);
			json_decref(ps);
			return -1;
		}
	}
	json_decref(ids);
	long long p1 = json_integer_value(json_object_get(json_array_get(ps, 0), "id"));
	json_decref(ps);
	json_t *reports = db_rows_json(db,
				       "SELECT r.id, COALESCE(" REPORTER_OF("r.school_id") ", 0) AS reporter "
				       "FROM kpi_reports r WHERE r.period_id = $1 AND r.unit_key <> 0 ORDER BY r.id LIMIT 3",
				       DB_ARGS(DB_INT(p1)), e);
	if (!reports)
		return -1;
	json_t *r;
	json_array_foreach(reports, i, r)
	{
		long long rid = json_integer_value(json_object_get(r, "id"));
		long long reporter = json_integer_value(json_object_get(r, "reporter"));
		struct kpi_report_save_in in = {0};
		in.self_score = i == 0 ? "4" : i == 1 ? "3.5" : "";
		in.confirm = i < 2;
		if (kpi_report_save(db, rid, &in, reporter, e) < 0 ||
		    (i == 0 && kpi_report_review(db, rid, "3", reviewer, 0, e) < 0)) {
			json_decref(reports);
			return -1;
		}
	}
	json_decref(reports);

	/* indicator 2: units × 12 months, set-based */
	long long now = (long long)time(NULL);
	if (db_exec(
		db,
		"INSERT INTO kpi_reports (indicator_id, period_id, school_id, unit_key, status, self_x100, "
		"reporter_id, "
		"saved_at, confirmed_at, review_x100, reviewer_id, reviewed_at, assigned_by, assigned_at, updated_at) "
		"SELECT p.indicator_id, p.id, s.id, s.id, "
		"CASE (s.id + p.seq) % 4 WHEN 0 THEN 'reviewed' WHEN 1 THEN 'confirmed' WHEN 2 THEN 'draft' "
		"ELSE 'assigned' END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN 5000 + ((s.id * 7 + p.seq * 13) % 50) * 100 END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN s.reporter END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN CAST($3 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 < 2 THEN CAST($3 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN 6000 + ((s.id * 11 + p.seq) % 40) * 100 END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN CAST($4 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN CAST($3 AS BIGINT) END, "
		"CAST($5 AS BIGINT), CAST($3 AS BIGINT), CAST($3 AS BIGINT) "
		"FROM kpi_periods p, (SELECT s0.id, " REPORTER_OF("s0.id") " AS reporter FROM schools s0 "
		"WHERE s0.area_id = $2 ORDER BY s0.obec_code LIMIT $6) s "
		"WHERE p.indicator_id = $1",
		DB_ARGS(DB_INT(ib), DB_INT(area), DB_INT(now),
			DB_INT(reviewer), DB_INT(owner), DB_INT(units)),
		e) < 0)
		return -1;
	if (kpi_units_refresh(db, ib, e) < 0)
		return -1;
	ps = kpi_periods(db, ib, e);
	if (!ps)
		return -1;
	json_array_foreach(ps, i, p)
	{
		if (kpi_period_recount(db, json_integer_value(json_object_get(p, "id")), e) < 0) {
			json_decref(ps);
			return -1;
		}
	}
	json_decref(ps);
	return 0;
}

int kpi_demo(struct db *db, int units, struct err *e)
{
	if (units < 1)
		units = 1;
	if (db_begin(db, e) < 0)
		return -1;
	if (demo_in(db, units, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

/* The statistics benchmark: indicators 3 … n of the demo year, most
 * monthly (so the year has about 12 × n period rows), all periods open,
 * ten schools assigned to each (two for every tenth indicator, whose
 * averages the public page then hides), with reports in every state. */
static int bulk_in(struct db *db, int n_indicators, struct err *e)
{
	long long area = 0, have = 0, owner = 0, reviewer = 0, last = 0;
	if (db_int_value(db, "SELECT id FROM areas WHERE code = '3502'", NULL, 0, &area, e) <= 0)
		return err_set(e, 400, "ยังไม่มีเขตพื้นที่ตัวอย่าง 3502: เรียก kpi_demo ก่อน");
	int fy = thai_fiscal_year((long long)time(NULL));
	if (db_int_value(db, "SELECT COUNT(*) FROM kpi_indicators WHERE area_id = $1 AND fiscal_year = $2",
			 DB_ARGS(DB_INT(area), DB_INT(fy)), &have, e) < 0 ||
	    db_int_value(db, "SELECT COALESCE(MAX(id), 0) FROM kpi_indicators", NULL, 0, &last, e) < 0 ||
	    db_int_value(db, "SELECT id FROM users WHERE username = 'kpiowner'", NULL, 0, &owner, e) < 0 ||
	    db_int_value(db, "SELECT id FROM users WHERE username = 'kpireviewer'", NULL, 0, &reviewer, e) < 0)
		return -1;
	if (have >= n_indicators)
		return 0;
	json_t *groups = db_rows_json(db, "SELECT id FROM work_groups WHERE area_id = $1 ORDER BY sort, id",
				      DB_ARGS(DB_INT(area)), e);
	if (!groups)
		return -1;
	size_t ng = json_array_size(groups);
	static const char *const types[] = {"level5", "percent", "yesno"};
	static const char *const crit[] = {"2, 3, 4, 5", "60, 70, 80, 90", "1"};
	for (long long k = have + 1; k <= n_indicators; k++) {
		char number[24], name[160];
		snprintf(number, sizeof number, "%lld", k);
		snprintf(name, sizeof name, "ตัวชี้วัดตัวอย่างที่ %lld สำหรับทดสอบสถิติ", k);
		int t = (int)(k % 3);
		struct kpi_indicator_in in = {
		    .d1 = "1",
		    .number = number,
		    .name = name,
		    .type = types[t],
		    .weight = k % 2 ? "1" : "2",
		    .criteria = crit[t],
		    .kind = k % 20 == 0 ? "quarterly" : "monthly",
		    .status = "open",
		    .work_group_id =
			ng ? json_integer_value(json_object_get(json_array_get(groups, (size_t)k % ng), "id")) : 0,
		};
		if (kpi_indicator_create(db, area, fy, &in, owner > 0 ? owner : 0, e) < 0) {
			json_decref(groups);
			return -1;
		}
	}
	json_decref(groups);
	long long now = (long long)time(NULL);
	/* scores within each type's range: level5 1–5, percent 0–100, yesno 0/1 */
	if (db_exec(db,
		    "UPDATE kpi_periods SET opened_at = $2 WHERE indicator_id IN (SELECT id FROM kpi_indicators "
		    "WHERE id > $1 AND area_id = $3 AND fiscal_year = $4)",
		    DB_ARGS(DB_INT(last), DB_INT(now), DB_INT(area), DB_INT(fy)), e) < 0 ||
	    db_exec(
		db,
		"INSERT INTO kpi_reports (indicator_id, period_id, school_id, unit_key, status, self_x100, "
		"reporter_id, saved_at, confirmed_at, review_x100, reviewer_id, reviewed_at, assigned_at, updated_at) "
		"SELECT p.indicator_id, p.id, s.id, s.id, "
		"CASE (s.id + p.seq) % 4 WHEN 0 THEN 'reviewed' WHEN 1 THEN 'confirmed' WHEN 2 THEN 'draft' "
		"ELSE 'assigned' END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN CASE i.type WHEN 'level5' THEN 100 + (s.id + p.seq) % 5 * 100 "
		"WHEN 'percent' THEN 5000 + (s.id * 7 + p.seq) % 50 * 100 ELSE (s.id + p.seq) % 2 * 100 END END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN " REPORTER_OF("s.id") " END, "
		"CASE WHEN (s.id + p.seq) % 4 < 3 THEN CAST($2 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 < 2 THEN CAST($2 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN CASE i.type WHEN 'level5' THEN 300 + (s.id % 3) * 100 "
		"WHEN 'percent' THEN 6000 + (s.id * 11 + p.seq) % 40 * 100 ELSE 100 END END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN CAST($3 AS BIGINT) END, "
		"CASE WHEN (s.id + p.seq) % 4 = 0 THEN CAST($2 AS BIGINT) END, "
		"CAST($2 AS BIGINT), CAST($2 AS BIGINT) "
		"FROM kpi_periods p JOIN kpi_indicators i ON i.id = p.indicator_id, "
		"(SELECT id, ROW_NUMBER() OVER (ORDER BY obec_code) AS rn FROM schools WHERE area_id = $4) s "
		"WHERE i.id > $1 AND i.area_id = $4 AND i.fiscal_year = $5 "
		"AND s.rn <= CASE WHEN CAST(i.number AS BIGINT) % 10 = 0 THEN 2 ELSE 10 END",
		DB_ARGS(DB_INT(last), DB_INT(now),
			reviewer > 0 ? DB_INT(reviewer) : DB_NULL, DB_INT(area), DB_INT(fy)),
		e) < 0)
		return -1;
	json_t *ps = db_rows_json(db,
				  "SELECT p.id, p.indicator_id, p.seq FROM kpi_periods p JOIN kpi_indicators i "
				  "ON i.id = p.indicator_id WHERE i.id > $1 AND i.area_id = $2 AND i.fiscal_year = $3 "
				  "ORDER BY p.indicator_id, p.seq",
				  DB_ARGS(DB_INT(last), DB_INT(area), DB_INT(fy)), e);
	if (!ps)
		return -1;
	size_t i;
	json_t *p;
	int rc = 0;
	json_array_foreach(ps, i, p)
	{
		long long ind = json_integer_value(json_object_get(p, "indicator_id"));
		if ((json_integer_value(json_object_get(p, "seq")) == 1 && kpi_units_refresh(db, ind, e) < 0) ||
		    kpi_period_recount(db, json_integer_value(json_object_get(p, "id")), e) < 0) {
			rc = -1;
			break;
		}
	}
	json_decref(ps);
	return rc;
}

int kpi_demo_bulk(struct db *db, int n_indicators, struct err *e)
{
	if (n_indicators > 2000)
		n_indicators = 2000;
	if (db_begin(db, e) < 0)
		return -1;
	if (bulk_in(db, n_indicators, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}
