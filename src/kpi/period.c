/* period: the reporting periods of an indicator (KPI-3). A fiscal year
 * (ปีงบประมาณ, named by the BE year of its end) runs 1 October – 30
 * September, and an indicator cuts it one way: twelve months starting with
 * ตุลาคม of BE year − 1, four quarters, two half-year rounds (รอบ 6 เดือน
 * 1 Oct – 31 Mar, and รอบ 12 เดือน the whole year, because Thai government
 * half-year reports are cumulative), or once for the whole year.
 *
 * The calendar itself is pure arithmetic, so the unit tests check every
 * period's dates. The rows of kpi_periods are made for all periods of the
 * indicator's kind when it is created; the owner then opens them one by
 * one, usually in order, each with a due date. Closing is possible only
 * while no unit has saved a report in the period: the seed warns that an
 * opened period should not be closed, and a close must never hide what a
 * school already sent.
 *
 * Each period row carries counters of its reports (assigned, submitted,
 * reviewed, score sums and counts), kept by kpi_period_recount in the same
 * transaction as every change to a report or unit, so the indicator list
 * of a year reads one row per period instead of aggregating every report
 * on every view. Recounting from the period's own rows (at most a few
 * hundred, read through an index) rather than adding deltas keeps the
 * counters right even if a change path forgets a case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

bool kpi_year_valid(long long fy)
{
	return fy >= KPI_YEAR_MIN && fy <= KPI_YEAR_MAX;
}

/* ---- dates --------------------------------------------------------------- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int kpi_date_parse(const char *s, struct kpi_date *out)
{
	int y, m, d;
	if (!s || thai_parse_date(s, &y, &m, &d) < 0)
		return -1;
	out->y = y;
	out->m = m;
	out->d = d;
	return 0;
}

void kpi_date_iso(struct kpi_date d, char out[11])
{
	/* dates are CE years 1000–9999 with real months and days; the
	 * unsigned casts tell the compiler the widths cannot grow */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}

void kpi_date_thai(struct kpi_date d, struct buf *out)
{
	buf_addf(out, "%d %s %d", d.d, thai_month_abbr(d.m), d.y + 543);
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static long long day_number(struct kpi_date d)
{
	long long y = d.m <= 2 ? d.y - 1 : d.y;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long mp = (d.m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d.d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long long kpi_date_diff(struct kpi_date a, struct kpi_date b)
{
	return day_number(b) - day_number(a);
}

struct kpi_date kpi_date_add(struct kpi_date d, long long days)
{
	/* Howard Hinnant's civil_from_days */
	long long z = day_number(d) + days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	struct kpi_date out;
	out.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	out.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	out.y = (int)(yoe + era * 400 + (out.m <= 2));
	return out;
}

int kpi_date_cmp(struct kpi_date a, struct kpi_date b)
{
	long long n = kpi_date_diff(b, a);
	return n < 0 ? -1 : n > 0;
}

struct kpi_date kpi_date_of(long long t)
{
	struct kpi_date d;
	thai_local(t, &d.y, &d.m, &d.d, NULL, NULL, NULL, NULL);
	return d;
}

/* ---- the calendar -------------------------------------------------------- */

static const char *const kind_names[KPI_KIND_COUNT] = {"monthly", "quarterly", "half", "once"};
static const char *const kind_labels[KPI_KIND_COUNT] = {"รายเดือน", "รายไตรมาส", "รายครึ่งปี", "1 ครั้ง"};
static const int kind_periods[KPI_KIND_COUNT] = {12, 4, 2, 1};

const char *kpi_kind_name(enum kpi_kind k)
{
	return (unsigned)k < KPI_KIND_COUNT ? kind_names[k] : "";
}

const char *kpi_kind_label(enum kpi_kind k)
{
	return (unsigned)k < KPI_KIND_COUNT ? kind_labels[k] : "";
}

int kpi_kind_parse(const char *s)
{
	for (int i = 0; s && i < KPI_KIND_COUNT; i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

int kpi_kind_periods(enum kpi_kind k)
{
	return (unsigned)k < KPI_KIND_COUNT ? kind_periods[k] : 0;
}

static const char *const quarter_labels[4] = {"ไตรมาสที่ 1", "ไตรมาสที่ 2", "ไตรมาสที่ 3", "ไตรมาสที่ 4"};
static const char *const half_labels[2] = {"รอบ 6 เดือน", "รอบ 12 เดือน"};

int kpi_period_def(int fy, enum kpi_kind k, int seq, struct kpi_period_def *out, struct err *e)
{
	if (!kpi_year_valid(fy))
		return err_field(e, "fiscal_year", "ปีงบประมาณต้องอยู่ระหว่าง พ.ศ. %d ถึง %d", KPI_YEAR_MIN, KPI_YEAR_MAX);
	int n = kpi_kind_periods(k);
	if (!n)
		return err_field(e, "period_kind", "กรุณาเลือกลักษณะรอบการรายงาน");
	if (seq < 1 || seq > n)
		return err_set(e, 404, "ไม่พบรอบรายงานที่ %d ของการรายงาน%s", seq, kpi_kind_label(k));
	/* CE years of the fiscal year's two calendar parts */
	int y0 = fy - 544, y1 = fy - 543;
	memset(out, 0, sizeof *out);
	out->seq = seq;
	switch (k) {
	case KPI_MONTHLY: {
		int m = seq <= 3 ? seq + 9 : seq - 3;
		int y = seq <= 3 ? y0 : y1;
		out->label = thai_month_name(m);
		snprintf(out->title, sizeof out->title, "%s %d", thai_month_name(m), y + 543);
		out->start = (struct kpi_date){y, m, 1};
		out->end = (struct kpi_date){y, m, days_in_month(y, m)};
		break;
	}
	case KPI_QUARTERLY: {
		int m = seq == 1 ? 10 : 1 + (seq - 2) * 3;
		int y = seq == 1 ? y0 : y1;
		out->label = quarter_labels[seq - 1];
		snprintf(out->title, sizeof out->title, "%s (%s–%s)", quarter_labels[seq - 1], thai_month_abbr(m),
			 thai_month_abbr(m + 2));
		out->start = (struct kpi_date){y, m, 1};
		out->end = (struct kpi_date){y, m + 2, days_in_month(y, m + 2)};
		break;
	}
	case KPI_HALF:
		out->label = half_labels[seq - 1];
		snprintf(out->title, sizeof out->title, "%s", half_labels[seq - 1]);
		out->start = (struct kpi_date){y0, 10, 1};
		out->end = seq == 1 ? (struct kpi_date){y1, 3, 31} : (struct kpi_date){y1, 9, 30};
		break;
	case KPI_ONCE:
		out->label = "1 ครั้ง";
		snprintf(out->title, sizeof out->title, "1 ครั้ง (ทั้งปีงบประมาณ)");
		out->start = (struct kpi_date){y0, 10, 1};
		out->end = (struct kpi_date){y1, 9, 30};
		break;
	}
	return 0;
}

int kpi_due_check(int fy, const struct kpi_period_def *p, const char *due, struct kpi_date *out, struct err *e)
{
	if (!due || !*due) {
		*out = p->end;
		return 0;
	}
	if (kpi_date_parse(due, out) < 0)
		return err_field(e, "due_date", "วันครบกำหนดส่งไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	struct buf b = BUF_INIT;
	int rc = 0;
	struct kpi_date last = {fy - 542, 9, 30}; /* a year after the fiscal year ends */
	if (kpi_date_cmp(*out, p->start) < 0) {
		kpi_date_thai(p->start, &b);
		rc = err_field(e, "due_date", "วันครบกำหนดส่งต้องไม่ก่อนวันเริ่มรอบรายงาน (%s)", buf_cstr(&b));
	} else if (kpi_date_cmp(*out, last) > 0) {
		kpi_date_thai(last, &b);
		rc = err_field(e, "due_date", "วันครบกำหนดส่งต้องไม่เกิน %s (1 ปีหลังสิ้นปีงบประมาณ %d)", buf_cstr(&b), fy);
	}
	buf_release(&b);
	return rc;
}

int kpi_period_close_check(bool opened, long long reports_saved, long long assigned, struct err *e)
{
	if (!opened)
		return err_set(e, 409, "รอบรายงานนี้ยังไม่ได้เปิด จึงไม่ต้องปิด");
	if (reports_saved > 0)
		return err_set(e, 409,
			       "ปิดรอบรายงานนี้ไม่ได้ เพราะมีหน่วยงานรายงานเข้ามาแล้ว %lld หน่วยงาน "
			       "(รอบที่เปิดและมีการรายงานแล้วต้องไม่ปิดอีก) หากไม่ต้องการรับรายงานเพิ่ม ให้เปลี่ยนสถานะตัวชี้วัดเป็น Close",
			       reports_saved);
	if (assigned > 0)
		return err_set(e, 409,
			       "ปิดรอบรายงานนี้ไม่ได้ เพราะกำหนดหน่วยงานผู้รายงานไว้แล้ว %lld หน่วยงาน "
			       "(รอบที่เปิดแล้วต้องไม่ปิดอีก และการปิดจะลบการกำหนดหน่วยงานเหล่านี้) "
			       "หากกำหนดผิด ให้นำหน่วยงานออกจากรอบนี้ในหน้าหน่วยงานผู้รายงานก่อน แล้วจึงปิดรอบ",
			       assigned);
	return 0;
}

int kpi_reminder_kind(long long days_left)
{
	if (days_left < 0)
		return 0;
	if (days_left <= 1)
		return 1;
	if (days_left <= 7)
		return 7;
	return 0;
}

/* ---- storage ------------------------------------------------------------- */

int kpi_periods_make(struct db *db, long long indicator_id, int fy, enum kpi_kind k, struct err *e)
{
	int n = kpi_kind_periods(k);
	for (int seq = 1; seq <= n; seq++) {
		struct kpi_period_def p;
		if (kpi_period_def(fy, k, seq, &p, e) < 0)
			return -1;
		char start[11], end[11];
		kpi_date_iso(p.start, start);
		kpi_date_iso(p.end, end);
		if (db_exec(db,
			    "INSERT INTO kpi_periods (indicator_id, kind, seq, start_date, end_date, due_date) "
			    "VALUES ($1, $2, $3, $4, $5, $5)",
			    DB_ARGS(DB_INT(indicator_id), DB_TEXT(kpi_kind_name(k)), DB_INT(seq), DB_TEXT(start),
				    DB_TEXT(end)),
			    e) < 0)
			return -1;
	}
	return 0;
}

/* Thai period names and the averages as text, on a period row. */
static void period_decorate(json_t *p, int fy)
{
	int k = kpi_kind_parse(json_string_value(json_object_get(p, "kind")));
	int seq = (int)json_integer_value(json_object_get(p, "seq"));
	struct kpi_period_def def;
	struct err e = ERR_INIT;
	if (k >= 0 && fy && kpi_period_def(fy, (enum kpi_kind)k, seq, &def, &e) == 0) {
		json_object_set_new(p, "label", json_string(def.label));
		json_object_set_new(p, "title", json_string(def.title));
	} else {
		json_object_set_new(p, "label", json_string(""));
		json_object_set_new(p, "title", json_string(""));
	}
	json_object_set_new(p, "opened", json_boolean(json_integer_value(json_object_get(p, "opened_at")) > 0));
	struct kpi_date d;
	struct buf b = BUF_INIT;
	if (kpi_date_parse(json_string_value(json_object_get(p, "due_date")), &d) == 0)
		kpi_date_thai(d, &b);
	json_object_set_new(p, "due_text", json_string(buf_cstr(&b)));
	buf_reset(&b);
	/* the due-date field shows it in BE, as typed (issue 10.8) */
	thai_date_field(&b, json_string_value(json_object_get(p, "due_date")));
	json_object_set_new(p, "due_date_be", json_string(buf_cstr(&b)));
	buf_reset(&b);
	if (kpi_date_parse(json_string_value(json_object_get(p, "start_date")), &d) == 0)
		kpi_date_thai(d, &b);
	json_object_set_new(p, "start_text", json_string(buf_cstr(&b)));
	buf_reset(&b);
	if (kpi_date_parse(json_string_value(json_object_get(p, "end_date")), &d) == 0)
		kpi_date_thai(d, &b);
	json_object_set_new(p, "end_text", json_string(buf_cstr(&b)));
	buf_reset(&b);
	long long a = kpi_average(json_integer_value(json_object_get(p, "self_sum")),
				  json_integer_value(json_object_get(p, "self_n")));
	if (a >= 0)
		kpi_score_text(a, &b);
	json_object_set_new(p, "avg_self", json_string(buf_cstr(&b)));
	buf_reset(&b);
	a = kpi_average(json_integer_value(json_object_get(p, "review_sum")),
			json_integer_value(json_object_get(p, "review_n")));
	if (a >= 0)
		kpi_score_text(a, &b);
	json_object_set_new(p, "avg_review", json_string(buf_cstr(&b)));
	/* the pair as the pages show it: "[80.00, 75.50]", "–" for the one
	 * not there yet, and nothing at all when neither is (never "[, ]") */
	const char *as = json_string_value(json_object_get(p, "avg_self"));
	const char *ar = json_string_value(json_object_get(p, "avg_review"));
	bool has_avg = *as || *ar;
	buf_reset(&b);
	if (has_avg)
		buf_addf(&b, "[%s, %s]", *as ? as : "–", *ar ? ar : "–");
	json_object_set_new(p, "avg_pair", json_string(buf_cstr(&b)));
	json_object_set_new(p, "has_avg", json_boolean(has_avg));
	buf_release(&b);
}

json_t *kpi_periods(struct db *db, long long indicator_id, struct err *e)
{
	long long fy = 0;
	if (db_int_value(db, "SELECT fiscal_year FROM kpi_indicators WHERE id = $1", DB_ARGS(DB_INT(indicator_id)), &fy,
			 e) < 0)
		return NULL;
	json_t *rows = db_rows_json(db,
				    "SELECT p.id, p.indicator_id, p.kind, p.seq, p.start_date, p.end_date, "
				    "COALESCE(p.opened_at, 0) AS opened_at, p.due_date, p.n_assigned, p.n_saved, "
				    "p.n_submitted, p.n_reviewed, p.self_sum, p.self_n, p.review_sum, p.review_n "
				    "FROM kpi_periods p WHERE p.indicator_id = $1 ORDER BY p.seq",
				    DB_ARGS(DB_INT(indicator_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p) period_decorate(p, (int)fy);
	return rows;
}

void kpi_period_decorate(json_t *p, int fy)
{
	period_decorate(p, fy);
}

json_t *kpi_period_get(struct db *db, long long period_id, struct err *e)
{
	json_t *p = db_row_json(
	    db,
	    "SELECT p.id, p.indicator_id, p.kind, p.seq, p.start_date, p.end_date, COALESCE(p.opened_at, 0) AS "
	    "opened_at, p.due_date, p.n_assigned, p.n_saved, p.n_submitted, p.n_reviewed, p.self_sum, p.self_n, "
	    "p.review_sum, p.review_n, i.area_id, i.fiscal_year, i.work_group_id, i.status AS indicator_status, "
	    "i.type, i.number, i.name, i.period_kind, i.criteria, i.description, w.name AS work_group_name "
	    "FROM kpi_periods p JOIN kpi_indicators i ON i.id = p.indicator_id "
	    "JOIN work_groups w ON w.id = i.work_group_id WHERE p.id = $1",
	    DB_ARGS(DB_INT(period_id)), e);
	if (!p) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบรอบรายงานที่ระบุ");
		return NULL;
	}
	period_decorate(p, (int)json_integer_value(json_object_get(p, "fiscal_year")));
	return p;
}

int kpi_period_open(struct db *db, long long period_id, const char *due, long long user_id, struct err *e)
{
	json_t *p = kpi_period_get(db, period_id, e);
	if (!p)
		return -1;
	int rc = -1;
	int fy = (int)json_integer_value(json_object_get(p, "fiscal_year"));
	int k = kpi_kind_parse(json_string_value(json_object_get(p, "kind")));
	struct kpi_period_def def;
	struct kpi_date d;
	if (k < 0 ||
	    kpi_period_def(fy, (enum kpi_kind)k, (int)json_integer_value(json_object_get(p, "seq")), &def, e) < 0)
		goto out;
	if (kpi_due_check(fy, &def, due, &d, e) < 0)
		goto out;
	char iso[11];
	kpi_date_iso(d, iso);
	/* opening an open period only moves its due date */
	if (db_exec(db,
		    "UPDATE kpi_periods SET opened_at = COALESCE(opened_at, CAST($2 AS BIGINT)), closed_at = NULL, "
		    "opened_by = COALESCE(opened_by, CAST($3 AS BIGINT)), "
		    "due_date = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(period_id), DB_INT((long long)time(NULL)), user_id > 0 ? DB_INT(user_id) : DB_NULL,
			    DB_TEXT(iso)),
		    e) < 0 ||
	    kpi_period_recount(db, period_id, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(p);
	return rc;
}

int kpi_period_lock(struct db *db, long long period_id, struct err *e)
{
	if (db_kind(db) != DB_POSTGRES)
		return 0; /* SQLite: the IMMEDIATE transaction holds the write lock */
	long long one;
	return db_int_value(db, "SELECT 1 FROM kpi_periods WHERE id = $1 FOR UPDATE", DB_ARGS(DB_INT(period_id)), &one,
			    e) < 0
		   ? -1
		   : 0;
}

int kpi_period_close(struct db *db, long long period_id, struct err *e)
{
	/* the period row stays locked until the transaction ends, and every
	 * save takes the same lock first, so no report is saved between the
	 * count below and the deletes */
	if (kpi_period_lock(db, period_id, e) < 0)
		return -1;
	json_t *p = kpi_period_get(db, period_id, e);
	if (!p)
		return -1;
	bool opened = json_is_true(json_object_get(p, "opened"));
	long long indicator_id = json_integer_value(json_object_get(p, "indicator_id"));
	json_decref(p);
	/* count the saved reports now, not from the counters: this is the
	 * rule that protects them */
	long long saved = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM kpi_reports WHERE period_id = $1 AND status <> 'assigned'",
			 DB_ARGS(DB_INT(period_id)), &saved, e) < 0)
		return -1;
	long long assigned = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM kpi_reports WHERE period_id = $1", DB_ARGS(DB_INT(period_id)),
			 &assigned, e) < 0)
		return -1;
	/* an opened period with assignments is not closed (KPI-3): closing
	 * would silently take the assignments with it */
	if (kpi_period_close_check(opened, saved, assigned, e) < 0)
		return -1;
	/* nothing is assigned: nothing below finds a row; kept so that the
	 * counters and reminders stay right whatever the rule above becomes */
	if (db_exec(db,
		    "DELETE FROM kpi_reminders WHERE report_id IN (SELECT id FROM kpi_reports WHERE period_id = $1 "
		    "AND status = 'assigned')",
		    DB_ARGS(DB_INT(period_id)), e) < 0 ||
	    db_exec(db, "DELETE FROM kpi_reports WHERE period_id = $1 AND status = 'assigned'",
		    DB_ARGS(DB_INT(period_id)), e) < 0 ||
	    db_exec(db, "UPDATE kpi_periods SET opened_at = NULL, opened_by = NULL, closed_at = $2 WHERE id = $1",
		    DB_ARGS(DB_INT(period_id), DB_INT((long long)time(NULL))), e) < 0 ||
	    kpi_units_refresh(db, indicator_id, e) < 0 || kpi_period_recount(db, period_id, e) < 0)
		return -1;
	return 0;
}

/* The indicator's year totals (kpi_indicators.y_*, n_reporting; see
 * migration 0021): the SUM of its periods' counters, periods opened or
 * closed again after reports were saved. */
static const char indicator_rollup_sql[] =
    "UPDATE kpi_indicators SET n_reporting = (SELECT COUNT(DISTINCT r.unit_key) FROM kpi_reports r "
    "WHERE r.indicator_id = kpi_indicators.id AND r.status IN ('confirmed', 'reviewed')), "
    "y_periods = (SELECT COUNT(*) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_assigned = (SELECT COALESCE(SUM(p.n_assigned), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_submitted = (SELECT COALESCE(SUM(p.n_submitted), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_reviewed = (SELECT COALESCE(SUM(p.n_reviewed), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_self_sum = (SELECT COALESCE(SUM(p.self_sum), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_self_n = (SELECT COALESCE(SUM(p.self_n), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_review_sum = (SELECT COALESCE(SUM(p.review_sum), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)), "
    "y_review_n = (SELECT COALESCE(SUM(p.review_n), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id "
    "AND (p.opened_at IS NOT NULL OR p.n_saved > 0)) "
    "WHERE id = (SELECT indicator_id FROM kpi_periods WHERE id = $1)";

int kpi_period_recount(struct db *db, long long period_id, struct err *e)
{
	kpi_stats_touch();
	return db_exec(
		   db,
		   "UPDATE kpi_periods SET "
		   "n_assigned = (SELECT COUNT(*) FROM kpi_reports r WHERE r.period_id = $1), "
		   "n_saved = (SELECT COUNT(*) FROM kpi_reports r WHERE r.period_id = $1 AND r.status <> 'assigned'), "
		   "n_submitted = (SELECT COUNT(*) FROM kpi_reports r WHERE r.period_id = $1 "
		   "AND r.status IN ('confirmed', 'reviewed')), "
		   "n_reviewed = (SELECT COUNT(*) FROM kpi_reports r WHERE r.period_id = $1 AND r.status = "
		   "'reviewed'), "
		   "self_sum = (SELECT COALESCE(SUM(r.self_x100), 0) FROM kpi_reports r WHERE r.period_id = $1 "
		   "AND r.status IN ('confirmed', 'reviewed') AND r.self_x100 IS NOT NULL), "
		   "self_n = (SELECT COUNT(r.self_x100) FROM kpi_reports r WHERE r.period_id = $1 "
		   "AND r.status IN ('confirmed', 'reviewed')), "
		   "review_sum = (SELECT COALESCE(SUM(r.review_x100), 0) FROM kpi_reports r WHERE r.period_id = $1 "
		   "AND r.status = 'reviewed' AND r.review_x100 IS NOT NULL), "
		   "review_n = (SELECT COUNT(r.review_x100) FROM kpi_reports r WHERE r.period_id = $1 "
		   "AND r.status = 'reviewed') "
		   "WHERE id = $1",
		   DB_ARGS(DB_INT(period_id)), e) < 0 ||
		       db_exec(db, indicator_rollup_sql, DB_ARGS(DB_INT(period_id)), e) < 0
		   ? -1
		   : 0;
}
