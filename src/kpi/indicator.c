/* indicator: what an area office measures in a fiscal year (KPI-2) — its
 * number, name, description, dimension codes D1–D4, type (which scores are
 * possible), weight, criteria levels ([2] --> [3] --> [4] --> [5]), owning
 * work group, reporting calendar, status, and up to 11 attached documents.
 *
 * Status: Open takes reports; Close keeps the indicator visible with its
 * reports but takes no more; hidden takes it off the lists of everyone but
 * those who manage it (a draft being prepared, or one withdrawn).
 *
 * Numbers are unique within an area's fiscal year (the database says so,
 * so two owners typing the same number at once cannot both succeed) and
 * sort as people read them: each indicator stores a key in which every run
 * of digits is zero-padded, so "2" comes before "10" and "1.2" before
 * "1.10" with a plain index.
 *
 * Changing what reports depend on is refused once a unit has saved one:
 * the type (the scores were checked against it) and the reporting
 * calendar (the periods hold the reports). A new fiscal year usually
 * starts from last year's indicators: kpi_indicator_copy_year copies the
 * definitions and attachment rows (the stored files are shared, never
 * deleted), with fresh unopened periods and no units. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

static const char *const ind_status_names[3] = {"open", "close", "hidden"};
static const char *const ind_status_labels[3] = {"Open (เปิดรับรายงาน)", "Close (แสดงผล ปิดรับรายงาน)",
						 "ปิดการมองเห็น (ซ่อน)"};

const char *kpi_ind_status_name(enum kpi_ind_status s)
{
	return (unsigned)s < 3 ? ind_status_names[s] : "";
}

const char *kpi_ind_status_label(enum kpi_ind_status s)
{
	return (unsigned)s < 3 ? ind_status_labels[s] : "";
}

int kpi_ind_status_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, ind_status_names[i]))
			return i;
	return -1;
}

/* ---- checks -------------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

static int text_check(const char *s, const char *field, const char *label, size_t max, bool required, struct err *e)
{
	if (required && blank(s))
		return err_field(e, field, "กรุณากรอก%s", label);
	if (s && utf8_chars(s) > max)
		return err_field(e, field, "%sยาวได้ไม่เกิน %zu ตัวอักษร", label, max);
	return 0;
}

void kpi_number_sort_key(const char *number, char out[KPI_SORT_KEY_SIZE])
{
	struct buf b = BUF_INIT;
	const char *p = number ? number : "";
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			const char *q = p;
			while (*q == '0' && q[1] >= '0' && q[1] <= '9')
				q++; /* leading zeros do not count */
			const char *end = q;
			while (*end >= '0' && *end <= '9')
				end++;
			size_t n = (size_t)(end - q);
			for (size_t k = n; k < 6; k++)
				buf_addc(&b, '0');
			buf_add(&b, q, n);
			p = end;
		} else {
			buf_addc(&b, *p++);
		}
	}
	size_t n = b.len < KPI_SORT_KEY_SIZE - 1 ? b.len : KPI_SORT_KEY_SIZE - 1;
	while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xC0) == 0x80)
		n--; /* the cut falls inside a letter: drop the whole letter */
	memcpy(out, buf_cstr(&b), n);
	out[n] = 0;
	buf_release(&b);
}

/* The weight (ค่าน้ำหนัก) is a score from 0 to 100 with two decimals. */
static const struct kpi_type weight_type = {"weight", "ค่าน้ำหนัก (0 - 100)", 0, 10000, false};

int kpi_indicator_check(const struct kpi_indicator_in *in, struct kpi_indicator_ok *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	static const char *const dnames[4] = {"d1", "d2", "d3", "d4"};
	static const char *const dlabels[4] = {"รหัสมิติ D1", "รหัสมิติ D2", "รหัสมิติ D3", "รหัสมิติ D4"};
	const char *dvals[4] = {in->d1, in->d2, in->d3, in->d4};
	for (int i = 0; i < 4; i++)
		if (text_check(dvals[i], dnames[i], dlabels[i], 20, false, e) < 0)
			return -1;
	if (text_check(in->number, "number", "เลขตัวชี้วัด", 20, true, e) < 0 ||
	    text_check(in->name, "name", "ชื่อตัวชี้วัด", 500, true, e) < 0 ||
	    text_check(in->description, "description", "รายละเอียดตัวชี้วัด", 5000, false, e) < 0)
		return -1;
	out->type = kpi_type_get(in->type);
	if (!out->type)
		return err_field(e, "type", "กรุณาเลือกประเภทตัวชี้วัด");
	out->weight_x100 = 100;
	if (!blank(in->weight) &&
	    kpi_score_parse(&weight_type, in->weight, "ค่าน้ำหนัก", "weight", &out->weight_x100, e) < 0)
		return -1;
	int k = kpi_kind_parse(in->kind);
	if (k < 0)
		return err_field(e, "period_kind", "กรุณาเลือกลักษณะการเปิดใช้งาน (รายเดือน รายไตรมาส รายครึ่งปี หรือ 1 ครั้ง)");
	out->kind = (enum kpi_kind)k;
	int st = kpi_ind_status_parse(in->status && *in->status ? in->status : "open");
	if (st < 0)
		return err_field(e, "status", "กรุณาเลือกสถานะตัวชี้วัด (Open, Close หรือปิดการมองเห็น)");
	out->status = (enum kpi_ind_status)st;
	if (in->work_group_id <= 0)
		return err_field(e, "work_group_id", "กรุณาเลือกกลุ่มงานเจ้าของตัวชี้วัด");
	out->criteria = kpi_criteria_parse(out->type, in->criteria, e);
	if (!out->criteria)
		return -1;
	kpi_number_sort_key(in->number, out->sort_key);
	return 0;
}

const char *kpi_ind_file_label(int slot, struct buf *out)
{
	if (slot == 1)
		buf_adds(out, "คำอธิบายตัวชี้วัด");
	else if (slot == 2)
		buf_adds(out, "เครื่องมือประเมินระดับคุณภาพ");
	else
		buf_addf(out, "ไฟล์แนบอื่น ๆ %d", slot);
	return buf_cstr(out);
}

int kpi_ind_file_slot_check(long long slot, struct err *e)
{
	if (slot < 1 || slot > KPI_IND_FILES_MAX)
		return err_field(e, "slot", "ตัวชี้วัดมีเอกสารแนบได้ไม่เกิน %d ไฟล์ (ช่องที่ 1–%d)", KPI_IND_FILES_MAX,
				 KPI_IND_FILES_MAX);
	return 0;
}

/* ---- storage ------------------------------------------------------------- */

/* The Thai labels and parsed criteria of an indicator row. */
void kpi_indicator_decorate(json_t *ind)
{
	const struct kpi_type *t = kpi_type_get(json_string_value(json_object_get(ind, "type")));
	json_object_set_new(ind, "type_label", json_string(t ? t->label : ""));
	int k = kpi_kind_parse(json_string_value(json_object_get(ind, "period_kind")));
	json_object_set_new(ind, "kind_label", json_string(k >= 0 ? kpi_kind_label((enum kpi_kind)k) : ""));
	int st = kpi_ind_status_parse(json_string_value(json_object_get(ind, "status")));
	json_object_set_new(ind, "status_label",
			    json_string(st >= 0 ? kpi_ind_status_label((enum kpi_ind_status)st) : ""));
	json_object_set_new(ind, "is_open", json_boolean(st == KPI_IND_OPEN));
	json_object_set_new(ind, "is_close", json_boolean(st == KPI_IND_CLOSE));
	json_object_set_new(ind, "is_hidden", json_boolean(st == KPI_IND_HIDDEN));
	json_t *crit_s = json_object_get(ind, "criteria");
	json_t *crit = json_is_string(crit_s) ? json_loads(json_string_value(crit_s), 0, NULL) : NULL;
	if (!json_is_array(crit)) {
		json_decref(crit);
		crit = json_array();
	}
	struct buf b = BUF_INIT;
	kpi_criteria_text(crit, &b);
	json_object_set_new(ind, "criteria_text", json_string(buf_cstr(&b)));
	json_object_set_new(ind, "criteria", crit);
	buf_reset(&b);
	kpi_score_text(json_integer_value(json_object_get(ind, "weight_x100")), &b);
	json_object_set_new(ind, "weight", json_string(buf_cstr(&b)));
	buf_release(&b);
}

json_t *kpi_indicator_get(struct db *db, long long id, struct err *e)
{
	json_t *ind =
	    db_row_json(db,
			"SELECT i.id, i.area_id, i.fiscal_year, i.d1, i.d2, i.d3, i.d4, i.number, i.name, "
			"i.description, i.type, i.weight_x100, i.criteria, i.work_group_id, "
			"w.name AS work_group_name, i.period_kind, i.status, i.n_units, i.created_at, i.updated_at, "
			"a.short_name AS area_short_name, a.name AS area_name "
			"FROM kpi_indicators i JOIN work_groups w ON w.id = i.work_group_id "
			"JOIN areas a ON a.id = i.area_id WHERE i.id = $1",
			DB_ARGS(DB_INT(id)), e);
	if (!ind) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบตัวชี้วัดที่ระบุ");
		return NULL;
	}
	kpi_indicator_decorate(ind);
	return ind;
}

static int work_group_in_area(struct db *db, long long wg, long long area_id, struct err *e)
{
	long long one = 0;
	int rc = db_int_value(db, "SELECT 1 FROM work_groups WHERE id = $1 AND area_id = $2",
			      DB_ARGS(DB_INT(wg), DB_INT(area_id)), &one, e);
	if (rc < 0)
		return -1;
	return rc ? 0 : err_field(e, "work_group_id", "ไม่พบกลุ่มงานนี้ในสำนักงานเขตพื้นที่");
}

static int duplicate_number(struct err *e, const char *number, long long fy)
{
	return err_field(e, "number", "เลขตัวชี้วัด %s มีอยู่แล้วในปีงบประมาณ %lld กรุณาใช้เลขอื่น", number, fy);
}

long long kpi_indicator_create(struct db *db, long long area_id, int fy, const struct kpi_indicator_in *in,
			       long long user_id, struct err *e)
{
	kpi_stats_touch();
	if (!kpi_year_valid(fy))
		return err_field(e, "fiscal_year", "ปีงบประมาณต้องอยู่ระหว่าง พ.ศ. %d ถึง %d", KPI_YEAR_MIN, KPI_YEAR_MAX);
	struct kpi_indicator_ok ok;
	if (kpi_indicator_check(in, &ok, e) < 0)
		return -1;
	long long id = -1;
	char *crit = json_dumps(ok.criteria, JSON_COMPACT);
	json_decref(ok.criteria);
	if (work_group_in_area(db, in->work_group_id, area_id, e) < 0)
		goto out;
	long long one = 0;
	int rc =
	    db_int_value(db, "SELECT 1 FROM kpi_indicators WHERE area_id = $1 AND fiscal_year = $2 AND number = $3",
			 DB_ARGS(DB_INT(area_id), DB_INT(fy), DB_TEXT(in->number)), &one, e);
	if (rc) {
		if (rc > 0)
			duplicate_number(e, in->number, fy);
		goto out;
	}
	long long now = (long long)time(NULL);
	if (db_int_value(
		db,
		"INSERT INTO kpi_indicators (area_id, fiscal_year, d1, d2, d3, d4, number, sort_key, name, "
		"description, type, weight_x100, criteria, work_group_id, period_kind, status, created_by, "
		"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
		"$15, $16, $17, $18, $18) RETURNING id",
		DB_ARGS(DB_INT(area_id), DB_INT(fy), DB_TEXT(in->d1 ? in->d1 : ""), DB_TEXT(in->d2 ? in->d2 : ""),
			DB_TEXT(in->d3 ? in->d3 : ""), DB_TEXT(in->d4 ? in->d4 : ""), DB_TEXT(in->number),
			DB_TEXT(ok.sort_key), DB_TEXT(in->name), DB_TEXT(in->description ? in->description : ""),
			DB_TEXT(ok.type->name), DB_INT(ok.weight_x100), DB_TEXT(crit), DB_INT(in->work_group_id),
			DB_TEXT(kpi_kind_name(ok.kind)), DB_TEXT(kpi_ind_status_name(ok.status)),
			user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)),
		&id, e) <= 0) {
		if (e->status == 409)
			duplicate_number(e, in->number, fy);
		id = -1;
		goto out;
	}
	if (kpi_periods_make(db, id, fy, ok.kind, e) < 0)
		id = -1;
out:
	free(crit);
	return id;
}

int kpi_indicator_update(struct db *db, long long id, const struct kpi_indicator_in *in, long long user_id,
			 struct err *e)
{
	kpi_stats_touch();
	json_t *cur = kpi_indicator_get(db, id, e);
	if (!cur)
		return -1;
	struct kpi_indicator_ok ok;
	int rc = -1;
	char *crit = NULL;
	if (kpi_indicator_check(in, &ok, e) < 0)
		goto out;
	crit = json_dumps(ok.criteria, JSON_COMPACT);
	json_decref(ok.criteria);
	long long area_id = json_integer_value(json_object_get(cur, "area_id"));
	long long fy = json_integer_value(json_object_get(cur, "fiscal_year"));
	if (work_group_in_area(db, in->work_group_id, area_id, e) < 0)
		goto out;
	long long other = 0;
	int found = db_int_value(
	    db, "SELECT id FROM kpi_indicators WHERE area_id = $1 AND fiscal_year = $2 AND number = $3 AND id <> $4",
	    DB_ARGS(DB_INT(area_id), DB_INT(fy), DB_TEXT(in->number), DB_INT(id)), &other, e);
	if (found) {
		if (found > 0)
			duplicate_number(e, in->number, fy);
		goto out;
	}
	long long saved = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM kpi_reports WHERE indicator_id = $1 AND status <> 'assigned'",
			 DB_ARGS(DB_INT(id)), &saved, e) < 0)
		goto out;
	bool type_changed = strcmp(ok.type->name, json_string_value(json_object_get(cur, "type")));
	bool kind_changed = strcmp(kpi_kind_name(ok.kind), json_string_value(json_object_get(cur, "period_kind")));
	if (type_changed && saved) {
		err_field(e, "type",
			  "เปลี่ยนประเภทตัวชี้วัดไม่ได้ เพราะมีหน่วยงานรายงานแล้ว %lld รายงาน (คะแนนที่รายงานตรวจตามประเภทเดิม)",
			  saved);
		goto out;
	}
	if (kind_changed) {
		long long opened = 0;
		if (db_int_value(db,
				 "SELECT COUNT(*) FROM kpi_periods WHERE indicator_id = $1 AND opened_at IS NOT NULL",
				 DB_ARGS(DB_INT(id)), &opened, e) < 0)
			goto out;
		if (opened || saved) {
			err_field(e, "period_kind",
				  "เปลี่ยนลักษณะการเปิดใช้งานไม่ได้ เพราะเปิดรอบรายงานไปแล้ว %lld รอบ "
				  "(เปลี่ยนได้เฉพาะเมื่อยังไม่ได้เปิดรอบใดเลย)",
				  opened ? opened : saved);
			goto out;
		}
		/* nothing opened: the old periods hold at most units assigned
		 * while a period was open and closed again, no reports */
		if (db_exec(db,
			    "DELETE FROM kpi_reminders WHERE report_id IN (SELECT id FROM kpi_reports WHERE "
			    "indicator_id = $1)",
			    DB_ARGS(DB_INT(id)), e) < 0 ||
		    db_exec(db, "DELETE FROM kpi_reports WHERE indicator_id = $1", DB_ARGS(DB_INT(id)), e) < 0 ||
		    db_exec(db, "DELETE FROM kpi_periods WHERE indicator_id = $1", DB_ARGS(DB_INT(id)), e) < 0 ||
		    kpi_units_refresh(db, id, e) < 0 || kpi_periods_make(db, id, (int)fy, ok.kind, e) < 0)
			goto out;
	}
	if (db_exec(
		db,
		"UPDATE kpi_indicators SET d1 = $2, d2 = $3, d3 = $4, d4 = $5, number = $6, sort_key = $7, name = $8, "
		"description = $9, type = $10, weight_x100 = $11, criteria = $12, work_group_id = $13, "
		"period_kind = $14, status = $15, updated_at = $16, updated_by = $17 WHERE id = $1",
		DB_ARGS(DB_INT(id), DB_TEXT(in->d1 ? in->d1 : ""), DB_TEXT(in->d2 ? in->d2 : ""),
			DB_TEXT(in->d3 ? in->d3 : ""), DB_TEXT(in->d4 ? in->d4 : ""), DB_TEXT(in->number),
			DB_TEXT(ok.sort_key), DB_TEXT(in->name), DB_TEXT(in->description ? in->description : ""),
			DB_TEXT(ok.type->name), DB_INT(ok.weight_x100), DB_TEXT(crit), DB_INT(in->work_group_id),
			DB_TEXT(kpi_kind_name(ok.kind)), DB_TEXT(kpi_ind_status_name(ok.status)),
			DB_INT((long long)time(NULL)), user_id > 0 ? DB_INT(user_id) : DB_NULL),
		e) < 0) {
		if (e->status == 409)
			duplicate_number(e, in->number, fy);
		goto out;
	}
	rc = 0;
out:
	free(crit);
	json_decref(cur);
	return rc;
}

int kpi_indicator_set_status(struct db *db, long long id, const char *status, struct err *e)
{
	kpi_stats_touch();
	int st = kpi_ind_status_parse(status);
	if (st < 0)
		return err_field(e, "status", "กรุณาเลือกสถานะตัวชี้วัด (Open, Close หรือปิดการมองเห็น)");
	long long n = db_exec(db, "UPDATE kpi_indicators SET status = $2, updated_at = $3 WHERE id = $1",
			      DB_ARGS(DB_INT(id), DB_TEXT(status), DB_INT((long long)time(NULL))), e);
	if (n < 0)
		return -1;
	return n ? 0 : err_set(e, 404, "ไม่พบตัวชี้วัดที่ระบุ");
}

long long kpi_indicator_copy_year(struct db *db, long long area_id, int from, int to, long long wg, long long user_id,
				  struct err *e)
{
	kpi_stats_touch();
	if (!kpi_year_valid(from) || !kpi_year_valid(to))
		return err_field(e, "fiscal_year", "ปีงบประมาณต้องอยู่ระหว่าง พ.ศ. %d ถึง %d", KPI_YEAR_MIN, KPI_YEAR_MAX);
	if (from == to)
		return err_field(e, "from_year", "ปีที่คัดลอกมาต้องไม่ใช่ปีเดียวกัน");
	json_t *src =
	    db_rows_json(db,
			 "SELECT s.id, s.period_kind FROM kpi_indicators s WHERE s.area_id = $1 AND s.fiscal_year = $2 "
			 "AND (CAST($4 AS BIGINT) <= 0 OR s.work_group_id = $4) "
			 "AND NOT EXISTS (SELECT 1 FROM kpi_indicators t WHERE t.area_id = s.area_id "
			 "AND t.fiscal_year = $3 AND t.number = s.number) ORDER BY s.sort_key, s.id",
			 DB_ARGS(DB_INT(area_id), DB_INT(from), DB_INT(to), DB_INT(wg)), e);
	if (!src)
		return -1;
	long long now = (long long)time(NULL), copied = 0;
	size_t i;
	json_t *s;
	json_array_foreach(src, i, s)
	{
		long long sid = json_integer_value(json_object_get(s, "id"));
		long long nid = 0;
		/* hidden stays hidden; everything else starts Open in the new
		 * year, as a copied indicator is meant to take reports */
		if (db_int_value(
			db,
			"INSERT INTO kpi_indicators (area_id, fiscal_year, d1, d2, d3, d4, number, sort_key, name, "
			"description, type, weight_x100, criteria, work_group_id, period_kind, status, copied_from, "
			"created_by, created_at, updated_at) "
			"SELECT area_id, CAST($2 AS BIGINT), d1, d2, d3, d4, number, sort_key, name, description, "
			"type, "
			"weight_x100, criteria, work_group_id, period_kind, CASE WHEN status = 'hidden' THEN 'hidden' "
			"ELSE 'open' END, id, CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT) "
			"FROM kpi_indicators WHERE id = $1 RETURNING id",
			DB_ARGS(DB_INT(sid), DB_INT(to), user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_INT(now)), &nid,
			e) <= 0)
			goto fail;
		int k = kpi_kind_parse(json_string_value(json_object_get(s, "period_kind")));
		if (k < 0 || kpi_periods_make(db, nid, to, (enum kpi_kind)k, e) < 0)
			goto fail;
		if (db_exec(
			db,
			"INSERT INTO kpi_indicator_files (indicator_id, slot, description, filename, mime, size, path, "
			"uploaded_by, uploaded_at) SELECT CAST($2 AS BIGINT), slot, description, filename, mime, size, "
			"path, uploaded_by, "
			"uploaded_at FROM kpi_indicator_files WHERE indicator_id = $1",
			DB_ARGS(DB_INT(sid), DB_INT(nid)), e) < 0)
			goto fail;
		copied++;
	}
	json_decref(src);
	return copied;
fail:
	if (!e->status)
		err_set(e, 500, "copy indicator failed");
	json_decref(src);
	return -1;
}

json_t *kpi_indicator_files(struct db *db, long long indicator_id, struct err *e)
{
	json_t *rows =
	    db_rows_json(db,
			 "SELECT id, slot, description, filename, mime, size, uploaded_at FROM kpi_indicator_files "
			 "WHERE indicator_id = $1 ORDER BY slot",
			 DB_ARGS(DB_INT(indicator_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *f;
	json_array_foreach(rows, i, f)
	{
		struct buf b = BUF_INIT;
		json_object_set_new(
		    f, "label",
		    json_string(kpi_ind_file_label((int)json_integer_value(json_object_get(f, "slot")), &b)));
		buf_release(&b);
	}
	return rows;
}

int kpi_indicator_file_put(struct db *db, long long indicator_id, int slot, const char *desc, const char *filename,
			   const char *mime, long long size, const char *path, long long user_id, struct err *e)
{
	if (kpi_ind_file_slot_check(slot, e) < 0)
		return -1;
	if (desc && utf8_chars(desc) > KPI_FILE_DESC_MAX)
		return err_field(e, "description", "คำอธิบายเอกสารยาวได้ไม่เกิน %d ตัวอักษร", KPI_FILE_DESC_MAX);
	struct buf label = BUF_INIT;
	if (blank(desc))
		desc = kpi_ind_file_label(slot, &label);
	/* a slot holds one file: the new one replaces the row (the old
	 * stored file stays on disk, a copied year may still use it) */
	int rc = 0;
	if (db_exec(db, "DELETE FROM kpi_indicator_files WHERE indicator_id = $1 AND slot = $2",
		    DB_ARGS(DB_INT(indicator_id), DB_INT(slot)), e) < 0 ||
	    db_exec(db,
		    "INSERT INTO kpi_indicator_files (indicator_id, slot, description, filename, mime, size, path, "
		    "uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		    DB_ARGS(DB_INT(indicator_id), DB_INT(slot), DB_TEXT(desc), DB_TEXT(filename), DB_TEXT(mime),
			    DB_INT(size), DB_TEXT(path), user_id > 0 ? DB_INT(user_id) : DB_NULL,
			    DB_INT((long long)time(NULL))),
		    e) < 0)
		rc = -1;
	buf_release(&label);
	return rc;
}

int kpi_indicator_file_delete(struct db *db, long long indicator_id, long long file_id, struct err *e)
{
	long long n = db_exec(db, "DELETE FROM kpi_indicator_files WHERE id = $1 AND indicator_id = $2",
			      DB_ARGS(DB_INT(file_id), DB_INT(indicator_id)), e);
	if (n < 0)
		return -1;
	return n ? 0 : err_set(e, 404, "ไม่พบไฟล์ที่ต้องการ");
}

json_t *kpi_indicator_file_get(struct db *db, long long indicator_id, long long file_id, struct err *e)
{
	json_t *f = db_row_json(db,
				"SELECT id, slot, description, filename, mime, size, path FROM kpi_indicator_files "
				"WHERE id = $1 AND indicator_id = $2",
				DB_ARGS(DB_INT(file_id), DB_INT(indicator_id)), e);
	if (!f && e->status == 404)
		err_set(e, 404, "ไม่พบไฟล์ที่ต้องการ");
	return f;
}

/* ---- the user's year (KPI-1) ---------------------------------------------- */

int kpi_user_year(struct db *db, long long user_id, long long now)
{
	long long fy = 0;
	struct err e = ERR_INIT;
	if (user_id > 0 &&
	    db_int_value(db, "SELECT fiscal_year FROM kpi_user_year WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), &fy,
			 &e) > 0 &&
	    kpi_year_valid(fy))
		return (int)fy;
	return thai_fiscal_year(now);
}

int kpi_user_year_set(struct db *db, long long user_id, int fy, struct err *e)
{
	if (!kpi_year_valid(fy))
		return err_field(e, "fiscal_year", "ปีงบประมาณต้องอยู่ระหว่าง พ.ศ. %d ถึง %d", KPI_YEAR_MIN, KPI_YEAR_MAX);
	if (user_id <= 0)
		return 0;
	long long n = db_exec(db, "UPDATE kpi_user_year SET fiscal_year = $2, updated_at = $3 WHERE user_id = $1",
			      DB_ARGS(DB_INT(user_id), DB_INT(fy), DB_INT((long long)time(NULL))), e);
	if (n < 0)
		return -1;
	if (n == 0 && db_exec(db, "INSERT INTO kpi_user_year (user_id, fiscal_year, updated_at) VALUES ($1, $2, $3)",
			      DB_ARGS(DB_INT(user_id), DB_INT(fy), DB_INT((long long)time(NULL))), e) < 0)
		return -1;
	return 0;
}
