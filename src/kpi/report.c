/* report: one unit's report for one period of an indicator (KPI-5, KPI-6)
 * — its life as a state machine, its files, and its storage.
 *
 * A row of kpi_reports is made when the owner assigns the unit to the
 * period (status assigned: "รอส่ง"), so the matrix and the period counters
 * read one table and a unit's place exists before it reports. The unit
 * then saves (draft: files and a self score, "ยังไม่ยืนยันผลตัวชี้วัด"),
 * confirms ("ยืนยันข้อมูลแล้ว รอการตรวจสอบ"), and may cancel its
 * confirmation back to a draft until the report is reviewed. The reviewer
 * gives a score ("ตรวจสอบข้อมูลแล้ว ผลการประเมิน : 4 คะแนน") and may cancel
 * the review, which puts the report back to confirmed. Every change is kept
 * in kpi_report_events: who, when, what and the score.
 *
 * The unit's actions need the indicator Open (Close means "visible, no
 * reports") and the period open; the reviewer's do not, so checking may
 * finish after an indicator has stopped taking reports.
 *
 * A save is checked as a whole before anything is written or moved: the
 * number of files after removals and uploads (at most 10), a description
 * for every file, the score against the indicator's type, the transition.
 * Only then are uploads moved into the data folder and rows written; the
 * server commits the transaction only when the handler succeeds, so a
 * refused save leaves the report exactly as it was. A file moved before a
 * failed commit is left unreferenced on disk, never half-referenced. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/db.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

/* ---- statuses and actions ------------------------------------------------ */

static const char *const status_names[KPI_STATUS_COUNT] = {"assigned", "draft", "confirmed", "reviewed"};
static const char *const status_labels[KPI_STATUS_COUNT] = {
    "รอส่ง",
    "ยังไม่ยืนยันผลตัวชี้วัด",
    "ยืนยันข้อมูลแล้ว รอการตรวจสอบ",
    "ตรวจสอบข้อมูลแล้ว",
};
static const char *const action_names[KPI_ACTION_COUNT] = {"save", "confirm", "unconfirm", "review", "unreview"};

const char *kpi_status_name(enum kpi_status s)
{
	return (unsigned)s < KPI_STATUS_COUNT ? status_names[s] : "";
}

const char *kpi_status_label(enum kpi_status s)
{
	return (unsigned)s < KPI_STATUS_COUNT ? status_labels[s] : "";
}

int kpi_status_parse(const char *s)
{
	for (int i = 0; s && i < KPI_STATUS_COUNT; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

bool kpi_status_submitted(enum kpi_status s)
{
	return s == KPI_CONFIRMED || s == KPI_REVIEWED;
}

const char *kpi_action_name(enum kpi_action a)
{
	return (unsigned)a < KPI_ACTION_COUNT ? action_names[a] : "";
}

/* ---- the state machine --------------------------------------------------- */

static int unit_may_change(const struct kpi_report_facts *f, struct err *e)
{
	if (f->indicator == KPI_IND_HIDDEN)
		return err_set(e, 409, "ตัวชี้วัดนี้ถูกซ่อนไว้ จึงยังรับรายงานไม่ได้");
	if (f->indicator != KPI_IND_OPEN)
		return err_set(e, 409, "ตัวชี้วัดนี้ปิดรับรายงานแล้ว (สถานะ Close) ดูข้อมูลได้แต่แก้ไขหรือส่งรายงานไม่ได้");
	if (!f->period_open && f->period_closed)
		return err_set(e, 409, "รอบรายงานนี้ปิดรับรายงานแล้ว จึงส่งหรือแก้ไขรายงานไม่ได้");
	if (!f->period_open)
		return err_set(e, 409, "รอบรายงานนี้ยังไม่เปิดรับรายงาน กรุณารอเจ้าของตัวชี้วัดเปิดรอบรายงานก่อน");
	return 0;
}

int kpi_report_transition(const struct kpi_report_facts *f, enum kpi_action a, enum kpi_status *to, struct err *e)
{
	switch (a) {
	case KPI_SAVE:
	case KPI_CONFIRM:
		if (f->status == KPI_CONFIRMED)
			return err_set(e, 409,
				       "รายงานนี้ยืนยันข้อมูลแล้ว รอการตรวจสอบ หากต้องการแก้ไข ให้กด “ยกเลิกผลการยืนยัน” ก่อน");
		if (f->status == KPI_REVIEWED)
			return err_set(e, 409,
				       "รายงานนี้ตรวจสอบข้อมูลแล้ว จึงแก้ไขไม่ได้ หากจำเป็นต้องแก้ไข ให้ผู้ตรวจยกเลิกผลการตรวจก่อน");
		if (unit_may_change(f, e) < 0)
			return -1;
		if (a == KPI_SAVE) {
			*to = KPI_DRAFT;
			return 0;
		}
		if (f->files_without_description > 0)
			return err_set(e, 400, "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ให้ครบทุกไฟล์ก่อนยืนยันผล (ยังขาด %d ไฟล์)",
				       f->files_without_description);
		if (!f->has_self_score)
			return err_field(e, "self_score", "กรุณากรอกคะแนนประเมินตนเองก่อนยืนยันผลตัวชี้วัด");
		*to = KPI_CONFIRMED;
		return 0;
	case KPI_UNCONFIRM:
		if (f->status == KPI_REVIEWED)
			return err_set(e, 409, "รายงานนี้ตรวจสอบข้อมูลแล้ว จึงยกเลิกผลการยืนยันไม่ได้");
		if (f->status != KPI_CONFIRMED)
			return err_set(e, 409, "รายงานนี้ยังไม่ได้ยืนยันผล จึงไม่มีผลการยืนยันให้ยกเลิก");
		if (unit_may_change(f, e) < 0)
			return -1;
		*to = KPI_DRAFT;
		return 0;
	case KPI_REVIEW:
		if (f->status == KPI_REVIEWED)
			return err_set(e, 409, "รายงานนี้ตรวจสอบแล้ว หากต้องการให้คะแนนใหม่ ให้กด “ยกเลิกผลการตรวจ” ก่อน");
		if (f->status != KPI_CONFIRMED)
			return err_set(
			    e, 409,
			    "หน่วยงานยังไม่ได้ยืนยันผลรายงานนี้ จึงยังตรวจไม่ได้ (ตรวจได้เมื่อสถานะเป็น “ยืนยันข้อมูลแล้ว รอการตรวจสอบ”)");
		if (!f->has_review_score)
			return err_field(e, "review_score", "กรุณากรอกคะแนนผลการประเมิน");
		*to = KPI_REVIEWED;
		return 0;
	case KPI_UNREVIEW:
		if (f->status != KPI_REVIEWED)
			return err_set(e, 409, "รายงานนี้ยังไม่ได้ตรวจ จึงไม่มีผลการตรวจให้ยกเลิก");
		*to = KPI_CONFIRMED;
		return 0;
	}
	return err_set(e, 500, "unknown KPI action %d", (int)a);
}

/* ---- files and units ----------------------------------------------------- */

int kpi_report_files_check(int kept, int added, struct err *e)
{
	if (kept + added > KPI_REPORT_FILES_MAX) {
		int room = KPI_REPORT_FILES_MAX - kept;
		if (room <= 0)
			return err_field(
			    e, "new_file_1",
			    "แนบไฟล์ได้ไม่เกิน %d ไฟล์ต่อรายงาน ขณะนี้มีครบ %d ไฟล์แล้ว หากต้องการแนบไฟล์ใหม่ ให้ลบไฟล์เดิมก่อน",
			    KPI_REPORT_FILES_MAX, kept);
		return err_field(e, "new_file_1",
				 "แนบไฟล์ได้ไม่เกิน %d ไฟล์ต่อรายงาน ขณะนี้มี %d ไฟล์ แนบเพิ่มได้อีก %d ไฟล์ (ส่งมา %d ไฟล์)",
				 KPI_REPORT_FILES_MAX, kept, room, added);
	}
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int kpi_file_desc_check(const char *desc, const char *field, int no, struct err *e)
{
	const char *p = desc ? desc : "";
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (!*p)
		return err_field(e, field, "กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ %d (บังคับกรอก)", no);
	if (utf8_chars(desc) > KPI_FILE_DESC_MAX)
		return err_field(e, field, "คำอธิบายไฟล์ลำดับที่ %d ยาวได้ไม่เกิน %d ตัวอักษร", no, KPI_FILE_DESC_MAX);
	return 0;
}

int kpi_file_orphan_desc_check(const char *desc, bool has_file, const char *field, int no, struct err *e)
{
	const char *p = desc ? desc : "";
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p && !has_file)
		return err_field(e, field, "มีคำอธิบายไฟล์ลำดับที่ %d แต่ยังไม่ได้เลือกไฟล์ กรุณาเลือกไฟล์ที่จะแนบ หรือลบคำอธิบายนี้ออก",
				 no);
	return 0;
}

int kpi_unit_remove_check(enum kpi_status s, const char *unit_name, struct err *e)
{
	if (s != KPI_ASSIGNED)
		return err_set(e, 409, "ลบหน่วยงาน %s ออกไม่ได้ เพราะมีการรายงานแล้ว", unit_name ? unit_name : "");
	return 0;
}

/* ---- storage ------------------------------------------------------------- */

/* Report columns and what the rules need from its period and indicator. */
static const char report_sql[] =
    "SELECT r.id, r.indicator_id, r.period_id, COALESCE(r.school_id, 0) AS school_id, r.status, r.self_x100, "
    "COALESCE(r.reporter_id, 0) AS reporter_id, COALESCE(p.closed_at, 0) AS closed_at, "
    "r.review_x100, COALESCE(r.saved_at, 0) AS saved_at, COALESCE(r.confirmed_at, 0) AS confirmed_at, "
    "COALESCE(r.reviewed_at, 0) AS reviewed_at, r.version, r.updated_at, "
    "COALESCE(ur.title || ur.first_name || ' ' || ur.last_name, '') AS reporter_name, "
    "COALESCE(uv.title || uv.first_name || ' ' || uv.last_name, '') AS reviewer_name, "
    "COALESCE(s.name, a.name) AS unit_name, i.area_id, i.fiscal_year, i.work_group_id, "
    "i.status AS indicator_status, i.type, i.number, i.name AS indicator_name, i.description, i.criteria, "
    "i.period_kind, p.seq, p.kind, COALESCE(p.opened_at, 0) AS opened_at, p.due_date, w.name AS work_group_name "
    "FROM kpi_reports r JOIN kpi_indicators i ON i.id = r.indicator_id JOIN kpi_periods p ON p.id = r.period_id "
    "JOIN areas a ON a.id = i.area_id JOIN work_groups w ON w.id = i.work_group_id "
    "LEFT JOIN schools s ON s.id = r.school_id "
    "LEFT JOIN users ur ON ur.id = r.reporter_id LEFT JOIN users uv ON uv.id = r.reviewer_id "
    "WHERE r.id = $1";

static void score_field(json_t *o, const char *x100_key, const char *text_key)
{
	json_t *v = json_object_get(o, x100_key);
	struct buf b = BUF_INIT;
	if (json_is_integer(v))
		kpi_score_text(json_integer_value(v), &b);
	json_object_set_new(o, text_key, json_string(buf_cstr(&b)));
	buf_release(&b);
}

json_t *kpi_report_get(struct db *db, long long report_id, struct err *e)
{
	json_t *r = db_row_json(db, report_sql, DB_ARGS(DB_INT(report_id)), e);
	if (!r) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบรายงานที่ระบุ");
		return NULL;
	}
	int st = kpi_status_parse(json_string_value(json_object_get(r, "status")));
	json_object_set_new(r, "status_label", json_string(kpi_status_label(st < 0 ? 0 : (enum kpi_status)st)));
	score_field(r, "self_x100", "self");
	score_field(r, "review_x100", "review");
	const struct kpi_type *t = kpi_type_get(json_string_value(json_object_get(r, "type")));
	json_object_set_new(r, "type_label", json_string(t ? t->label : ""));
	json_t *crit = json_loads(json_string_value(json_object_get(r, "criteria")), 0, NULL);
	struct buf b = BUF_INIT;
	if (crit)
		kpi_criteria_text(crit, &b);
	json_decref(crit);
	json_object_set_new(r, "criteria_text", json_string(buf_cstr(&b)));
	buf_release(&b);
	kpi_period_decorate(r, (int)json_integer_value(json_object_get(r, "fiscal_year")));
	json_object_set_new(r, "period_opened", json_boolean(json_integer_value(json_object_get(r, "opened_at")) > 0));
	return r;
}

json_t *kpi_review_queue(struct db *db, long long area_id, int fiscal_year, long long work_group,
			 long long exclude_reporter, int limit, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT r.id AS report_id, i.id AS indicator_id, i.number, i.name, i.work_group_id, "
	    "w.name AS work_group_name, i.status AS indicator_status, COALESCE(s.name, a.name) AS unit_name, "
	    "p.kind, p.seq, COALESCE(r.confirmed_at, 0) AS confirmed_at, COALESCE(r.reporter_id, 0) AS reporter_id, "
	    "COALESCE(ur.title || ur.first_name || ' ' || ur.last_name, '') AS reporter_name, r.self_x100 "
	    "FROM kpi_indicators i JOIN kpi_reports r ON r.indicator_id = i.id "
	    "JOIN kpi_periods p ON p.id = r.period_id JOIN areas a ON a.id = i.area_id "
	    "JOIN work_groups w ON w.id = i.work_group_id LEFT JOIN schools s ON s.id = r.school_id "
	    "LEFT JOIN users ur ON ur.id = r.reporter_id "
	    "WHERE i.area_id = $1 AND i.fiscal_year = $2 AND r.status = 'confirmed' "
	    "AND ($3 = 0 OR i.work_group_id = $3) AND ($4 = 0 OR COALESCE(r.reporter_id, 0) <> $4) "
	    "ORDER BY COALESCE(r.confirmed_at, 0), r.id LIMIT $5",
	    DB_ARGS(DB_INT(area_id), DB_INT(fiscal_year), DB_INT(work_group > 0 ? work_group : 0),
		    DB_INT(exclude_reporter > 0 ? exclude_reporter : 0), DB_INT(limit > 0 ? limit : 1)),
	    e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		struct kpi_period_def def;
		struct err pe = ERR_INIT;
		int k = kpi_kind_parse(json_string_value(json_object_get(r, "kind")));
		json_object_set_new(r, "period_label",
				    json_string(k >= 0 && kpi_period_def(fiscal_year, (enum kpi_kind)k,
									 (int)json_integer_value(json_object_get(r, "seq")),
									 &def, &pe) == 0
						    ? def.title
						    : ""));
		struct buf b = BUF_INIT;
		thai_datetime_short(&b, json_integer_value(json_object_get(r, "confirmed_at")));
		json_object_set_new(r, "confirmed_text", json_string(buf_cstr(&b)));
		buf_release(&b);
		score_field(r, "self_x100", "self");
	}
	return rows;
}

void kpi_report_facts_of(json_t *r, struct kpi_report_facts *f)
{
	memset(f, 0, sizeof *f);
	int st = kpi_status_parse(json_string_value(json_object_get(r, "status")));
	f->status = st < 0 ? KPI_ASSIGNED : (enum kpi_status)st;
	int is = kpi_ind_status_parse(json_string_value(json_object_get(r, "indicator_status")));
	f->indicator = is < 0 ? KPI_IND_HIDDEN : (enum kpi_ind_status)is;
	f->period_open = json_integer_value(json_object_get(r, "opened_at")) > 0;
	f->period_closed = !f->period_open && json_integer_value(json_object_get(r, "closed_at")) > 0;
	f->has_self_score = json_is_integer(json_object_get(r, "self_x100"));
	f->has_review_score = json_is_integer(json_object_get(r, "review_x100"));
}

json_t *kpi_report_files(struct db *db, long long report_id, struct err *e)
{
	return db_rows_json(db,
			    "SELECT f.id, f.slot, f.description, f.filename, f.mime, f.size, f.uploaded_at, "
			    "COALESCE(u.title || u.first_name || ' ' || u.last_name, '') AS uploaded_by_name "
			    "FROM kpi_report_files f LEFT JOIN users u ON u.id = f.uploaded_by "
			    "WHERE f.report_id = $1 ORDER BY f.slot",
			    DB_ARGS(DB_INT(report_id)), e);
}

json_t *kpi_report_file_get(struct db *db, long long report_id, long long file_id, struct err *e)
{
	json_t *f = db_row_json(db,
				"SELECT id, slot, description, filename, mime, size, path FROM kpi_report_files "
				"WHERE id = $1 AND report_id = $2",
				DB_ARGS(DB_INT(file_id), DB_INT(report_id)), e);
	if (!f && e->status == 404)
		err_set(e, 404, "ไม่พบไฟล์ที่ต้องการ");
	return f;
}

json_t *kpi_report_events(struct db *db, long long report_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT ev.action, ev.score_x100, ev.at, "
				    "COALESCE(u.title || u.first_name || ' ' || u.last_name, '') AS user_name "
				    "FROM kpi_report_events ev LEFT JOIN users u ON u.id = ev.user_id "
				    "WHERE ev.report_id = $1 ORDER BY ev.id DESC",
				    DB_ARGS(DB_INT(report_id)), e);
	if (!rows)
		return NULL;
	static const char *const labels[KPI_ACTION_COUNT] = {"บันทึกข้อมูล (ยังไม่ยืนยัน)", "ยืนยันผลตัวชี้วัด", "ยกเลิกผลการยืนยัน",
							     "ตรวจสอบและให้คะแนน", "ยกเลิกผลการตรวจ"};
	size_t i;
	json_t *ev;
	json_array_foreach(rows, i, ev)
	{
		const char *a = json_string_value(json_object_get(ev, "action"));
		const char *label = a;
		for (int k = 0; k < KPI_ACTION_COUNT; k++)
			if (a && !strcmp(a, action_names[k]))
				label = labels[k];
		json_object_set_new(ev, "label", json_string(label ? label : ""));
		score_field(ev, "score_x100", "score");
		struct buf b = BUF_INIT;
		thai_datetime_short(&b, json_integer_value(json_object_get(ev, "at")));
		json_object_set_new(ev, "at_text", json_string(buf_cstr(&b)));
		buf_release(&b);
	}
	return rows;
}

static int add_event(struct db *db, long long report_id, enum kpi_action a, struct db_val score, long long user_id,
		     long long now, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO kpi_report_events (report_id, action, score_x100, user_id, at) VALUES ($1, $2, $3, "
		       "$4, $5)",
		       DB_ARGS(DB_INT(report_id), DB_TEXT(kpi_action_name(a)), score,
			       user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)),
		       e) < 0
		   ? -1
		   : 0;
}

/* The refusal of a write whose version check matched no row. */
static int stale_err(struct err *e)
{
	err_field(e, KPI_STALE, "รายงานนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ กรุณาตรวจสอบข้อมูลล่าสุดแล้วดำเนินการอีกครั้ง");
	e->status = 409;
	return -1;
}

/* Locks the report's period row, then the report's, for the rest of the
 * transaction (PostgreSQL; a SQLite write transaction holds the whole
 * database already), so two saves of one report never interleave their
 * checks and writes, and a close of the period (which takes the period's
 * lock too) never counts the saved reports in the middle of a save.
 * Always the period first: every writer locks in the same order. */
static int lock_report(struct db *db, long long report_id, struct err *e)
{
	if (db_kind(db) != DB_POSTGRES)
		return 0;
	long long pid = 0, one;
	int rc =
	    db_int_value(db, "SELECT period_id FROM kpi_reports WHERE id = $1", DB_ARGS(DB_INT(report_id)), &pid, e);
	if (rc <= 0)
		return rc < 0 ? -1 : 0; /* no such report: kpi_report_get says so */
	if (kpi_period_lock(db, pid, e) < 0)
		return -1;
	return db_int_value(db, "SELECT 1 FROM kpi_reports WHERE id = $1 FOR UPDATE", DB_ARGS(DB_INT(report_id)), &one,
			    e) < 0
		   ? -1
		   : 0;
}

/* Refuses an action taken on an older copy of the report (issue 10.6):
 * want is the version the page was opened at, 0 = not checked. */
static int stale_check(json_t *r, long long want, struct err *e)
{
	if (want <= 0 || want == json_integer_value(json_object_get(r, "version")))
		return 0;
	return stale_err(e);
}

static const char *ext_of(const char *mime)
{
	if (!strcmp(mime, "application/pdf"))
		return ".pdf";
	if (!strcmp(mime, "image/png"))
		return ".png";
	if (!strcmp(mime, "image/jpeg"))
		return ".jpg";
	return "";
}

/* mkdir -p of dir (a few levels under the data folder). */
static int make_dirs(const char *dir, struct err *e)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, dir);
	char *p = b.data;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0750) < 0 && errno != EEXIST) {
			err_set(e, 500, "mkdir %s: %s", p, strerror(errno));
			buf_release(&b);
			return -1;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p, 0750) < 0 && errno != EEXIST)
		rc = err_set(e, 500, "mkdir %s: %s", p, strerror(errno));
	buf_release(&b);
	return rc;
}

/* A field error fe of a save: handed to the caller's field_error (counted
 * in *n, 0 returned) or, without one, the save's error (-1). A field-less
 * error always ends the save. */
static int gather(struct kpi_report_save_in *in, struct err *fe, int *n, struct err *e)
{
	if (in->field_error && fe->field[0]) {
		in->field_error(in->error_ctx, fe->field, fe->msg);
		(*n)++;
		err_clear(fe);
		return 0;
	}
	*e = *fe;
	return -1;
}

int kpi_report_save(struct db *db, long long report_id, struct kpi_report_save_in *in, long long user_id, struct err *e)
{
	if (lock_report(db, report_id, e) < 0)
		return -1;
	json_t *r = kpi_report_get(db, report_id, e);
	if (!r)
		return -1;
	json_t *files = NULL;
	int rc = -1;
	/* a copy older than the report: refused before anything else, as
	 * what was decided on it was decided on other data */
	if (stale_check(r, in->version, e) < 0)
		goto out;
	long long version = json_integer_value(json_object_get(r, "version"));
	struct kpi_report_facts f;
	kpi_report_facts_of(r, &f);
	/* the state first: a confirmed or closed report is refused as such,
	 * whatever else the form holds */
	enum kpi_status to;
	struct kpi_report_facts pre = f;
	pre.has_self_score = true;
	if (kpi_report_transition(&pre, KPI_SAVE, &to, e) < 0)
		goto out;
	files = kpi_report_files(db, report_id, e);
	if (!files)
		goto out;

	/* which slots stay, and their descriptions after this save; every
	 * problem is gathered (gather) so the form shows them all at once */
	bool used[KPI_REPORT_FILES_MAX + 1] = {0};
	int kept = 0, nerr = 0;
	struct err fe = ERR_INIT;
	size_t i;
	json_t *fl;
	json_array_foreach(files, i, fl)
	{
		int slot = (int)json_integer_value(json_object_get(fl, "slot"));
		if (slot < 1 || slot > KPI_REPORT_FILES_MAX || in->remove[slot])
			continue;
		used[slot] = true;
		kept++;
		/* a description is required on every save, not only when
		 * confirming: the seed marks it บังคับกรอก, and a draft left
		 * without one would only fail later. Not sent: the stored one
		 * stays; sent empty: the user wiped it, an error */
		const char *d = in->desc[slot] ? in->desc[slot] : json_string_value(json_object_get(fl, "description"));
		char field[24];
		snprintf(field, sizeof field, "desc_%d", slot);
		if (kpi_file_desc_check(d, field, slot, &fe) < 0 && gather(in, &fe, &nerr, e) < 0)
			goto out;
	}
	if (kpi_report_files_check(kept, in->nadded, &fe) < 0 && gather(in, &fe, &nerr, e) < 0)
		goto out;
	for (int k = 0; k < in->nadded; k++) {
		/* the error names the row the file came in, numbered as the
		 * page shows it (after the report's files), not its place among
		 * the uploads: rows left empty before it do not count */
		char field[24];
		int row = in->added[k].row > 0 ? in->added[k].row : k + 1;
		snprintf(field, sizeof field, "new_desc_%d", row);
		const char *fname = in->added[k].desc_field ? in->added[k].desc_field : field;
		if (kpi_file_desc_check(in->added[k].desc, fname, (int)json_array_size(files) + row, &fe) < 0 &&
		    gather(in, &fe, &nerr, e) < 0)
			goto out;
	}
	/* no score sent: the stored one stays (a save of files only must not
	 * wipe it); a stored score sent back empty is an error, not a wipe */
	long long self =
	    json_is_integer(json_object_get(r, "self_x100")) ? json_integer_value(json_object_get(r, "self_x100")) : -1;
	bool score_ok = true;
	if (in->self_score && !*in->self_score && self >= 0) {
		err_field(&fe, "self_score",
			  "กรุณากรอกคะแนนประเมินตนเอง (ลบคะแนนที่บันทึกไว้ให้ว่างไม่ได้ หากต้องการเปลี่ยนให้กรอกคะแนนใหม่)");
		score_ok = false;
		if (gather(in, &fe, &nerr, e) < 0)
			goto out;
	} else if (in->self_score && *in->self_score) {
		const struct kpi_type *t = kpi_type_get(json_string_value(json_object_get(r, "type")));
		if (!t) {
			err_set(e, 500, "indicator of report %lld has an unknown type", report_id);
			goto out;
		}
		long long typed = -1;
		if (kpi_score_parse(t, in->self_score, "คะแนนประเมินตนเอง", "self_score", &typed, &fe) < 0) {
			score_ok = false;
			if (gather(in, &fe, &nerr, e) < 0)
				goto out;
		} else {
			self = typed;
		}
	}
	f.has_self_score = self >= 0 || !score_ok; /* a refused score is said once */
	f.files = kept + in->nadded;
	f.files_without_description = 0; /* each was checked above */
	if (kpi_report_transition(&f, in->confirm ? KPI_CONFIRM : KPI_SAVE, &to, &fe) < 0 &&
	    gather(in, &fe, &nerr, e) < 0)
		goto out;
	if (nerr > 0 || in->pre_errors > 0) {
		err_set(e, KPI_SAVE_FIELD_ERRORS, "กรุณาแก้ไขข้อมูลตามที่ระบุ");
		goto out;
	}

	/* everything checked: write, the report first — its version decides
	 * whether this save was made on the report as it is */
	long long now = (long long)time(NULL);
	long long n = db_exec(db,
			      "UPDATE kpi_reports SET status = $2, self_x100 = $3, reporter_id = $4, saved_at = $5, "
			      "confirmed_at = $6, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $7",
			      DB_ARGS(DB_INT(report_id), DB_TEXT(kpi_status_name(to)), self >= 0 ? DB_INT(self) : DB_NULL,
				      user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now),
				      to == KPI_CONFIRMED ? DB_INT(now) : DB_NULL, DB_INT(version)),
			      e);
	if (n < 0)
		goto out;
	if (n == 0) {
		stale_err(e);
		goto out;
	}
	json_array_foreach(files, i, fl)
	{
		int slot = (int)json_integer_value(json_object_get(fl, "slot"));
		long long fid = json_integer_value(json_object_get(fl, "id"));
		if (slot >= 1 && slot <= KPI_REPORT_FILES_MAX && in->remove[slot]) {
			/* the stored file stays on disk: a removed file of a
			 * report is history, and a failed commit must not lose it */
			if (db_exec(db, "DELETE FROM kpi_report_files WHERE id = $1", DB_ARGS(DB_INT(fid)), e) < 0)
				goto out;
		} else if (slot >= 1 && slot <= KPI_REPORT_FILES_MAX && in->desc[slot] && *in->desc[slot]) {
			if (db_exec(db, "UPDATE kpi_report_files SET description = $2 WHERE id = $1",
				    DB_ARGS(DB_INT(fid), DB_TEXT(in->desc[slot])), e) < 0)
				goto out;
		}
	}
	if (in->nadded) {
		struct buf dir = BUF_INIT;
		buf_addf(&dir, "%s/kpi/reports/%lld", in->data_dir, report_id);
		if (make_dirs(buf_cstr(&dir), e) < 0) {
			buf_release(&dir);
			goto out;
		}
		int slot = 1;
		for (int k = 0; k < in->nadded; k++) {
			while (slot <= KPI_REPORT_FILES_MAX && used[slot])
				slot++;
			assert(slot <= KPI_REPORT_FILES_MAX); /* kpi_report_files_check */
			used[slot] = true;
			unsigned char rnd[12];
			char hex[25];
			randombytes_buf(rnd, sizeof rnd);
			sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
			struct buf dest = BUF_INIT;
			buf_addf(&dest, "%s/%s%s", buf_cstr(&dir), hex, ext_of(in->added[k].mime));
			int moved = in->keep ? in->keep(in->keep_ctx, &in->added[k], buf_cstr(&dest), e)
					     : rename(in->added[k].path, buf_cstr(&dest));
			if (moved < 0) {
				if (!in->keep)
					err_set(e, 500, "rename %s: %s", in->added[k].path, strerror(errno));
				buf_release(&dest);
				buf_release(&dir);
				goto out;
			}
			in->added[k].stored = buf_detach(&dest, NULL);
			if (db_exec(db,
				    "INSERT INTO kpi_report_files (report_id, slot, description, filename, mime, size, "
				    "path, "
				    "uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				    DB_ARGS(DB_INT(report_id), DB_INT(slot), DB_TEXT(in->added[k].desc),
					    DB_TEXT(in->added[k].filename), DB_TEXT(in->added[k].mime),
					    DB_INT(in->added[k].size), DB_TEXT(in->added[k].stored),
					    user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)),
				    e) < 0) {
				buf_release(&dir);
				goto out;
			}
		}
		buf_release(&dir);
	}
	if (add_event(db, report_id, to == KPI_CONFIRMED ? KPI_CONFIRM : KPI_SAVE, self >= 0 ? DB_INT(self) : DB_NULL,
		      user_id, now, e) < 0)
		goto out;
	if (kpi_period_recount(db, json_integer_value(json_object_get(r, "period_id")), e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(files);
	json_decref(r);
	return rc;
}

/* One of the three status-only actions. */
static int simple_action(struct db *db, long long report_id, enum kpi_action a, const char *score, long long user_id,
			 long long want, struct err *e)
{
	if (lock_report(db, report_id, e) < 0)
		return -1;
	json_t *r = kpi_report_get(db, report_id, e);
	if (!r)
		return -1;
	int rc = -1;
	if (stale_check(r, want, e) < 0)
		goto out;
	long long version = json_integer_value(json_object_get(r, "version"));
	struct kpi_report_facts f;
	kpi_report_facts_of(r, &f);
	long long x = -1;
	if (a == KPI_REVIEW) {
		/* the state before the score: an unconfirmed report is refused
		 * as such even when the score is wrong too */
		f.has_review_score = true;
		enum kpi_status ignore;
		if (kpi_report_transition(&f, a, &ignore, e) < 0)
			goto out;
		const struct kpi_type *t = kpi_type_get(json_string_value(json_object_get(r, "type")));
		if (!t) {
			err_set(e, 500, "indicator of report %lld has an unknown type", report_id);
			goto out;
		}
		if (kpi_score_parse(t, score, "คะแนนผลการประเมิน", "review_score", &x, e) < 0)
			goto out;
		/* nobody checks his own report: not the last to save it, nor
		 * anyone who saved or confirmed it before */
		long long saved_it = 0;
		if (db_int_value(db,
				 "SELECT 1 FROM kpi_report_events WHERE report_id = $1 AND user_id = $2 "
				 "AND action IN ('save', 'confirm', 'unconfirm') LIMIT 1",
				 DB_ARGS(DB_INT(report_id), DB_INT(user_id)), &saved_it, e) < 0)
			goto out;
		if (kpi_self_review_check(user_id, json_integer_value(json_object_get(r, "reporter_id")), saved_it > 0,
					  e) < 0)
			goto out;
	}
	enum kpi_status to;
	if (kpi_report_transition(&f, a, &to, e) < 0)
		goto out;
	long long now = (long long)time(NULL);
	long long n;
	switch (a) {
	case KPI_UNCONFIRM:
		n = db_exec(db,
			    "UPDATE kpi_reports SET status = $2, confirmed_at = NULL, updated_at = $3, version = version + 1 "
			    "WHERE id = $1 AND version = $4",
			    DB_ARGS(DB_INT(report_id), DB_TEXT(kpi_status_name(to)), DB_INT(now), DB_INT(version)), e);
		break;
	case KPI_REVIEW:
		n = db_exec(db,
			    "UPDATE kpi_reports SET status = $2, review_x100 = $3, reviewer_id = $4, reviewed_at = $5, "
			    "updated_at = $5, version = version + 1 WHERE id = $1 AND version = $6",
			    DB_ARGS(DB_INT(report_id), DB_TEXT(kpi_status_name(to)), DB_INT(x),
				    user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now), DB_INT(version)),
			    e);
		break;
	default: /* KPI_UNREVIEW */
		n = db_exec(db,
			    "UPDATE kpi_reports SET status = $2, review_x100 = NULL, reviewer_id = NULL, "
			    "reviewed_at = NULL, updated_at = $3, version = version + 1 WHERE id = $1 AND version = $4",
			    DB_ARGS(DB_INT(report_id), DB_TEXT(kpi_status_name(to)), DB_INT(now), DB_INT(version)), e);
		break;
	}
	if (n == 0) {
		stale_err(e);
		goto out;
	}
	if (n < 0 || add_event(db, report_id, a, x >= 0 ? DB_INT(x) : DB_NULL, user_id, now, e) < 0 ||
	    kpi_period_recount(db, json_integer_value(json_object_get(r, "period_id")), e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(r);
	return rc;
}

int kpi_report_unconfirm(struct db *db, long long report_id, long long user_id, long long version, struct err *e)
{
	return simple_action(db, report_id, KPI_UNCONFIRM, NULL, user_id, version, e);
}

int kpi_report_review(struct db *db, long long report_id, const char *score, long long user_id, long long version,
		      struct err *e)
{
	return simple_action(db, report_id, KPI_REVIEW, score, user_id, version, e);
}

int kpi_report_unreview(struct db *db, long long report_id, long long user_id, long long version, struct err *e)
{
	return simple_action(db, report_id, KPI_UNREVIEW, NULL, user_id, version, e);
}
