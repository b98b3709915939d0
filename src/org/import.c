/* import: `khet import org FILE` — a real area starts from the official
 * list of its schools rather than from `khet demo` or SQL. The file is
 * CSV or XLSX (core/table_read.h); its first non-empty row names the
 * columns, in Thai or English (the aliases below, compared without case,
 * spaces, dots, dashes or underscores), in any order:
 *
 *   รหัสโรงเรียน (10 หลัก) | obec_code      the OBEC school code, required
 *   รหัส SMIS (8 หลัก)     | smis_code      required
 *   ชื่อโรงเรียน           | school_name    required
 *   รหัสเขตพื้นที่          | area_code      "3502"; this and/or the next
 *   สำนักงานเขตพื้นที่      | area_name      the area's name (or short name)
 *   อำเภอ                 | district       optional
 *   จังหวัด                | province       optional (a new area needs it)
 *   กลุ่มงาน               | work_group     optional
 *
 * Every row names its area by code and/or name. A code not in the system
 * creates the area, which then needs the area's name (its kind and short
 * name follow from the name: "…ประถมศึกษา…" / "สพป." is primary, "…มัธยม
 * ศึกษา…" / "สพม." secondary) and a province; a name alone must match an
 * area already there. Work groups are not in the official school list, so
 * they are an optional extra column: a row with a work group name makes
 * sure the area has that work group, and a row with only an area and a
 * work group (no school columns) adds just the work group.
 *
 * All or nothing, and idempotent: one transaction; every row is checked
 * (codes' digit counts, a code twice in the file, an empty name, an
 * unknown area, text that is not UTF-8, a SMIS code held by another
 * school) and every bad row gets its line in the report; one bad row rolls
 * the whole file back. Schools are matched by their OBEC code: a second
 * run of the same file updates what changed (name, SMIS code, district,
 * province, area) and adds nothing twice. areas.school_count stays right
 * through org_school_add / org_school_update. The import is audited as
 * 'org.import' by the command line (actor 0, role "cli"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/table_read.h"
#include "core/thai.h"
#include "org/org.h"

enum col { C_OBEC, C_SMIS, C_NAME, C_AREA_CODE, C_AREA_NAME, C_DISTRICT, C_PROVINCE, C_WORK_GROUP, NCOL };

/* Header names, normalised (see table_header). */
static const struct table_column columns[NCOL] = {
    [C_OBEC] = {"รหัสโรงเรียน (obec_code)", true,
		{"รหัสโรงเรียน", "รหัสโรงเรียน10หลัก", "รหัสสถานศึกษา", "รหัสสถานศึกษา10หลัก", "obeccode",
		 "obecschoolcode", "schoolcode", "obec", NULL}},
    [C_SMIS] = {"รหัส SMIS (smis_code)", true, {"รหัสsmis", "รหัสsmis8หลัก", "smis", "smiscode", "smis8", NULL}},
    [C_NAME] = {"ชื่อโรงเรียน (school_name)", true,
		{"ชื่อโรงเรียน", "ชื่อสถานศึกษา", "โรงเรียน", "schoolname", "name", NULL}},
    [C_AREA_CODE] = {"รหัสเขตพื้นที่ (area_code)", false,
		     {"รหัสเขต", "รหัสเขตพื้นที่", "รหัสสพท", "รหัสสำนักงานเขตพื้นที่", "areacode", NULL}, 1},
    [C_AREA_NAME] = {"สำนักงานเขตพื้นที่ (area_name)", false,
		     {"เขตพื้นที่", "สำนักงานเขตพื้นที่", "สำนักงานเขตพื้นที่การศึกษา", "ชื่อเขตพื้นที่", "สังกัด",
		      "สพท", "area", "areaname", NULL},
		     1},
    [C_DISTRICT] = {"อำเภอ (district)", false, {"อำเภอ", "district", "amphoe", "amphur", NULL}},
    [C_PROVINCE] = {"จังหวัด (province)", false, {"จังหวัด", "province", "changwat", NULL}},
    [C_WORK_GROUP] = {"กลุ่มงาน (work_group)", false, {"กลุ่มงาน", "workgroup", NULL}},
};

/* The kind and short name of a new area from its name. */
static void area_kind(const char *name, const char **kind, struct buf *short_name)
{
	static const char long_p[] = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา";
	static const char long_m[] = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา";
	*kind = (strstr(name, "มัธยม") || !strncmp(name, "สพม", strlen("สพม"))) ? "secondary" : "primary";
	if (!strncmp(name, long_p, strlen(long_p)))
		buf_addf(short_name, "สพป.%s", name + strlen(long_p));
	else if (!strncmp(name, long_m, strlen(long_m)))
		buf_addf(short_name, "สพม.%s", name + strlen(long_m));
	else
		buf_adds(short_name, name);
}

struct imp {
	struct db *db;
	struct buf *report;
	struct err *e;	  /* a fault (500) that stops the import */
	json_t *areas;	  /* code → id, of areas looked up or made */
	json_t *obec_at;  /* OBEC code → line, in this file */
	json_t *smis_at;  /* SMIS code → line */
	long long bad, rows;
	long long areas_added, areas_renamed, groups_added, added, updated, unchanged;
	struct buf why; /* the current row's reasons */
};

/* Adds a reason to the current row's: English, then Thai (a format). */
static void reason(struct imp *im, const char *en, const char *th, ...) __attribute__((format(printf, 3, 4)));
static void reason(struct imp *im, const char *en, const char *th, ...)
{
	if (im->why.len)
		buf_adds(&im->why, "; ");
	buf_addf(&im->why, "%s / ", en);
	va_list ap;
	va_start(ap, th);
	buf_vaddf(&im->why, th, ap);
	va_end(ap);
}

/* The id of the area with this code: >0, 0 when none, -1 on a fault. */
static long long area_by_code(struct imp *im, const char *code)
{
	json_t *v = json_object_get(im->areas, code);
	if (v)
		return json_integer_value(v);
	long long id = 0;
	int rc = db_int_value(im->db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(code)), &id, im->e);
	if (rc < 0)
		return -1;
	if (rc == 1)
		json_object_set_new(im->areas, code, json_integer(id));
	return rc == 1 ? id : 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One data row: checks it and, when it is good, stores it. 0, or -1 on a
 * fault (im->e). */
static int import_row(struct imp *im, const struct table_row *row, const int *pos)
{
	struct buf b[NCOL];
	for (int i = 0; i < NCOL; i++)
		b[i] = (struct buf)BUF_INIT;
	const char *v[NCOL];
	for (int i = 0; i < NCOL; i++)
		v[i] = table_cell(row, pos[i], &b[i]);
	buf_reset(&im->why);
	int rc = 0;
	struct err e = ERR_INIT;
	bool utf8 = true;
	for (int i = 0; i < NCOL; i++)
		if (!thai_utf8_valid(v[i], strlen(v[i])))
			utf8 = false;
	bool school = *v[C_OBEC] || *v[C_SMIS] || *v[C_NAME];
	long long area_id = 0;
	im->rows++;
	if (!utf8) {
		reason(im, "text is not valid UTF-8 (save the file as CSV UTF-8 or XLSX)",
		       "ข้อความไม่ใช่ UTF-8 ให้บันทึกไฟล์เป็น CSV UTF-8 หรือ XLSX");
		goto done;
	}
	if (school) {
		if (org_school_code_check(v[C_OBEC], &e) < 0)
			reason(im, "the OBEC school code must be 10 digits", "%s", e.msg);
		else if (json_object_get(im->obec_at, v[C_OBEC]))
			reason(im, "the OBEC school code is twice in the file", "รหัสโรงเรียน %s ซ้ำกับบรรทัด %lld",
			       v[C_OBEC], (long long)json_integer_value(json_object_get(im->obec_at, v[C_OBEC])));
		err_clear(&e);
		if (org_smis_code_check(v[C_SMIS], &e) < 0)
			reason(im, "the SMIS code must be 8 digits", "%s", e.msg);
		else if (json_object_get(im->smis_at, v[C_SMIS]))
			reason(im, "the SMIS code is twice in the file", "รหัส SMIS %s ซ้ำกับบรรทัด %lld", v[C_SMIS],
			       (long long)json_integer_value(json_object_get(im->smis_at, v[C_SMIS]))); else if (org_school_code_valid(v[C_OBEC])) {
			/* held by a school of another OBEC code? */
			long long id = 0;
			int q = db_int_value(im->db, "SELECT id FROM schools WHERE smis_code = $1 AND obec_code <> $2",
					     DB_ARGS(DB_TEXT(v[C_SMIS]), DB_TEXT(v[C_OBEC])), &id, im->e);
			if (q < 0) {
				rc = -1;
				goto done;
			}
			if (q == 1) {
				reason(im, "the SMIS code belongs to another school in the system",
				       "รหัส SMIS นี้เป็นของโรงเรียนอื่นในระบบแล้ว");
			}
		}
		err_clear(&e);
		if (org_text_check(v[C_NAME], true, 120, "name", "ชื่อโรงเรียน", &e) < 0)
			reason(im, "the school name is empty or not usable", "%s", e.msg);
		err_clear(&e);
		if (org_text_check(v[C_DISTRICT], false, 50, "district", "อำเภอ", &e) < 0)
			reason(im, "the district is not usable", "%s", e.msg);
		err_clear(&e);
		if (org_text_check(v[C_PROVINCE], false, 100, "province", "จังหวัด", &e) < 0)
			reason(im, "the province is not usable", "%s", e.msg);
		err_clear(&e);
		if (*v[C_OBEC] && !json_object_get(im->obec_at, v[C_OBEC]))
			json_object_set_new(im->obec_at, v[C_OBEC], json_integer(row->line));
		if (*v[C_SMIS] && !json_object_get(im->smis_at, v[C_SMIS]))
			json_object_set_new(im->smis_at, v[C_SMIS], json_integer(row->line));
	}
	if (*v[C_WORK_GROUP] && org_text_check(v[C_WORK_GROUP], false, 200, "name", "ชื่อกลุ่มงาน", &e) < 0)
		reason(im, "the work group name is not usable", "%s", e.msg);
	err_clear(&e);

	/* the area */
	bool new_area = false;
	if (*v[C_AREA_CODE]) {
		if (!all_digits(v[C_AREA_CODE]) || strlen(v[C_AREA_CODE]) > 16) {
			reason(im, "the area code must be digits (like 3502)",
			       "รหัสเขตพื้นที่ต้องเป็นตัวเลข ไม่เกิน 16 หลัก (เช่น 3502)");
		} else if ((area_id = area_by_code(im, v[C_AREA_CODE])) < 0) {
			rc = -1;
			goto done;
		} else if (area_id == 0) {
			if (!*v[C_AREA_NAME]) {
				reason(im, "the area code is not in the system and the row gives no area name",
				       "ไม่มีเขตพื้นที่รหัส %s ในระบบ และแถวนี้ไม่มีชื่อสำนักงานเขตพื้นที่ "
				       "ให้ใส่ชื่อเขตพื้นที่เพื่อสร้างเขตใหม่",
				       v[C_AREA_CODE]);
			} else if (org_text_check(v[C_AREA_NAME], true, 200, "name", "ชื่อสำนักงานเขตพื้นที่", &e) < 0) {
				reason(im, "the area name is not usable", "%s", e.msg);
			} else if (!*v[C_PROVINCE]) {
				reason(im, "a new area needs the province column",
				       "เขตพื้นที่ใหม่ต้องมีจังหวัด ให้กรอกคอลัมน์จังหวัด");
			} else {
				new_area = true;
			}
		}
	} else if (*v[C_AREA_NAME]) {
		int q = db_int_value(im->db, "SELECT id FROM areas WHERE name = $1 OR short_name = $1 ORDER BY id",
				     DB_ARGS(DB_TEXT(v[C_AREA_NAME])), &area_id, im->e);
		if (q < 0) {
			rc = -1;
			goto done;
		}
		if (q == 0) {
			reason(im, "unknown area name; add the area code column",
			       "ไม่พบเขตพื้นที่ \"%s\" ในระบบ ให้เพิ่มคอลัมน์รหัสเขตพื้นที่ (เช่น 3502)", v[C_AREA_NAME]);
		}
	} else if (school || *v[C_WORK_GROUP]) {
		reason(im, "the row names no area (area code or area name)",
		       "แถวนี้ไม่ได้ระบุเขตพื้นที่ ให้กรอกรหัสเขตพื้นที่หรือชื่อสำนักงานเขตพื้นที่");
	}
	err_clear(&e);
	if (im->why.len)
		goto done;

	/* the row is good: store it */
	if (new_area) {
		const char *kind;
		struct buf sn = BUF_INIT;
		area_kind(v[C_AREA_NAME], &kind, &sn);
		area_id = org_area_add(im->db, v[C_AREA_CODE], v[C_AREA_NAME], buf_cstr(&sn), kind, v[C_PROVINCE], &e);
		buf_release(&sn);
		if (area_id < 0) {
			if (e.status >= 500) {
				*im->e = e;
				rc = -1;
				goto done;
			}
			reason(im, "the area cannot be added", "%s", e.msg);
			goto done;
		}
		json_object_set_new(im->areas, v[C_AREA_CODE], json_integer(area_id));
		im->areas_added++;
	} else if (area_id > 0 && *v[C_AREA_CODE] && *v[C_AREA_NAME]) {
		/* a renamed area (by the long name; a short name given is taken as
		 * the same area) */
		long long n = db_exec(im->db,
				      "UPDATE areas SET name = $2 WHERE id = $1 AND name <> $2 AND short_name <> $2",
				      DB_ARGS(DB_INT(area_id), DB_TEXT(v[C_AREA_NAME])), im->e);
		if (n < 0) {
			rc = -1;
			goto done;
		}
		im->areas_renamed += n;
	}
	if (*v[C_WORK_GROUP]) {
		long long gid = 0;
		int q = db_int_value(im->db, "SELECT id FROM work_groups WHERE area_id = $1 AND name = $2",
				     DB_ARGS(DB_INT(area_id), DB_TEXT(v[C_WORK_GROUP])), &gid, im->e);
		if (q < 0) {
			rc = -1;
			goto done;
		}
		if (q == 0) {
			if (org_work_group_add(im->db, area_id, v[C_WORK_GROUP], &e) < 0) {
				*im->e = e;
				rc = -1;
				goto done;
			}
			im->groups_added++;
		}
	}
	if (school) {
		struct db_res *res;
		if (db_query(im->db,
			     "SELECT id, area_id, smis_code, name, district, province FROM schools WHERE obec_code = $1",
			     DB_ARGS(DB_TEXT(v[C_OBEC])), &res, im->e) < 0) {
			rc = -1;
			goto done;
		}
		int has = db_next(res, im->e);
		if (has < 0) {
			db_res_free(res);
			rc = -1;
			goto done;
		}
		long long sid = 0;
		bool same = false;
		if (has) {
			sid = db_int(res, 0);
			same = db_int(res, 1) == area_id && !strcmp(db_text(res, 2), v[C_SMIS]) &&
			       !strcmp(db_text(res, 3), v[C_NAME]) && !strcmp(db_text(res, 4), v[C_DISTRICT]) &&
			       !strcmp(db_text(res, 5), v[C_PROVINCE]);
		}
		db_res_free(res);
		if (has && same) {
			im->unchanged++;
		} else {
			int w = has ? org_school_update(im->db, sid, area_id, v[C_OBEC], v[C_SMIS], v[C_NAME],
							v[C_DISTRICT], v[C_PROVINCE], &e)
				    : (org_school_add(im->db, area_id, v[C_OBEC], v[C_SMIS], v[C_NAME], v[C_DISTRICT],
						      v[C_PROVINCE], &e) < 0
					   ? -1
					   : 0);
			if (w < 0) {
				if (e.status >= 500) {
					*im->e = e;
					rc = -1;
					goto done;
				}
				reason(im, "the school cannot be stored", "%s", e.msg);
			} else if (has) {
				im->updated++;
			} else {
				im->added++;
			}
		}
	}
done:
	if (rc == 0 && im->why.len) {
		im->bad++;
		buf_addf(im->report, "line %lld / บรรทัด %lld: %s\n", row->line, row->line, buf_cstr(&im->why));
	}
	for (int i = 0; i < NCOL; i++)
		buf_release(&b[i]);
	return rc;
}

static int row_cb(void *ctx, const struct table_row *row, const int *pos)
{
	return import_row(ctx, row, pos);
}

int org_import(struct db *db, const char *path, struct buf *report, struct err *e)
{
	struct table *t;
	if (table_open(path, &t, e) < 0)
		return -1;
	struct imp im = {.db = db, .report = report, .e = e, .areas = json_object(), .obec_at = json_object(),
			 .smis_at = json_object()};
	int rc = db_begin(db, e);
	bool in_tx = rc == 0;
	int pos[NCOL];
	if (rc == 0)
		rc = table_each_row(t, columns, NCOL, pos, report, row_cb, &im, e);
	if (rc == 0 && im.bad)
		rc = table_bad_rows(e, im.bad, im.rows);
	if (rc == 0) {
		json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", path, "areas_added",
				      (json_int_t)im.areas_added, "areas_renamed", (json_int_t)im.areas_renamed,
				      "work_groups_added", (json_int_t)im.groups_added, "schools_added",
				      (json_int_t)im.added, "schools_updated", (json_int_t)im.updated, "schools_unchanged",
				      (json_int_t)im.unchanged);
		struct audit_entry a = {.actor_role = "cli", .action = "org.import", .target_type = "file", .detail = d};
		rc = audit_add(db, &a, e);
		json_decref(d);
	}
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc < 0 && in_tx)
		db_rollback(db);
	if (rc == 0)
		buf_addf(report,
			 "imported %s: areas %lld added, %lld renamed; work groups %lld added; schools %lld added, "
			 "%lld updated, %lld unchanged\n"
			 "นำเข้าแล้ว: เขตพื้นที่ใหม่ %lld เปลี่ยนชื่อ %lld; กลุ่มงานใหม่ %lld; โรงเรียนใหม่ %lld "
			 "แก้ไข %lld ไม่เปลี่ยน %lld\n",
			 path, im.areas_added, im.areas_renamed, im.groups_added, im.added, im.updated, im.unchanged,
			 im.areas_added, im.areas_renamed, im.groups_added, im.added, im.updated, im.unchanged);
	json_decref(im.areas);
	json_decref(im.obec_at);
	json_decref(im.smis_at);
	buf_release(&im.why);
	table_close(t);
	return rc < 0 ? -1 : 0;
}
