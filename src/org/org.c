/* org: area offices, their work groups and their schools (ORG-1) — the
 * rules and the storage. An area has 100–300 schools, a national
 * deployment ~29,000 across 245 areas, and the school list of an area is
 * the page every office opens most, so it is built for that page:
 *
 * - areas.school_count is kept here, in the same transaction as every
 *   insert or delete of a school, so an unfiltered page knows its total
 *   without COUNT(*) over the schools: a page costs two indexed queries (the
 *   area, then LIMIT/OFFSET along schools(area_id, name COLLATE thai, id,
 *   search)). search is in that index so a search reads the index alone;
 *   names and districts are limited in length to keep its entries small.
 * - Search goes through schools.search, filled when a school is stored: the
 *   words of its name, district and codes as thai_search_terms breaks them,
 *   followed by the name itself. A query is broken the same way and each of
 *   its words must occur in that text (LIKE '%word%'). The name is kept whole
 *   as well because the dictionary may break a query ("หนองบัว") differently
 *   from the longer name it is part of ("บ้านหนองบัว"); any piece of a query
 *   that is part of the name is then still found. The SQL stays one constant
 *   text: it has a fixed number of word slots, unused ones match anything.
 *   Terms never contain % or _ (thai_search_terms drops ASCII punctuation),
 *   so no LIKE escaping is needed. A query that is a whole 10-digit OBEC or
 *   8-digit SMIS code is first looked up in that code's unique index.
 * - Thai order is `ORDER BY name COLLATE thai` on both engines (libthai on
 *   SQLite, ICU th-TH on PostgreSQL, see migration 0001), with id last so
 *   that schools of the same name keep a stable place across pages. */
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/search.h"
#include "core/thai.h"

/* ---- codes --------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool digits_valid(const char *s, size_t want)
{
	return s && strlen(s) == want && all_digits(s, want);
}

bool org_school_code_valid(const char *s)
{
	return digits_valid(s, 10);
}

bool org_smis_code_valid(const char *s)
{
	return digits_valid(s, 8);
}

/* Characters, not bytes, so "กรอกมา N หลัก" counts what the user typed. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int digits_check(const char *s, size_t want, const char *field, const char *what, struct err *e)
{
	if (!s || !*s)
		return err_field(e, field, "กรุณากรอก%s (%zu หลัก)", what, want);
	/* Thai runs on without spaces, but a Latin word ("SMIS") needs one
	 * before the Thai that follows it. */
	char last = what[strlen(what) - 1];
	const char *sp = (last & 0x80) ? "" : " ";
	size_t len = strlen(s);
	if (!all_digits(s, len))
		return err_field(e, field, "%s%sต้องเป็นตัวเลขเท่านั้น", what, sp);
	if (len != want)
		return err_field(e, field, "%s%sต้องมี %zu หลัก (กรอกมา %zu หลัก)", what, sp, want, utf8_chars(s));
	return 0;
}

int org_school_code_check(const char *s, struct err *e)
{
	return digits_check(s, 10, "obec_code", "รหัสโรงเรียน", e);
}

int org_smis_code_check(const char *s, struct err *e)
{
	return digits_check(s, 8, "smis_code", "รหัส SMIS", e);
}

/* A required or optional line of text: valid UTF-8, at most max characters. */
static int text_check(const char *s, bool required, size_t max, const char *field, const char *what, struct err *e)
{
	if (!s || !*s) {
		if (required)
			return err_field(e, field, "กรุณากรอก%s", what);
		return 0;
	}
	size_t len = strlen(s);
	if (!thai_utf8_valid(s, len) || strpbrk(s, "\r\n\t") || thai_text_invisible(s))
		return err_field(e, field, "%sมีอักขระที่ใช้ไม่ได้", what);
	if (utf8_chars(s) > max)
		return err_field(e, field, "%sยาวเกินไป (ไม่เกิน %zu ตัวอักษร)", what, max);
	return 0;
}

int org_text_check(const char *s, bool required, size_t max, const char *field, const char *what, struct err *e)
{
	return text_check(s, required, max, field, what, e);
}

/* ---- paging -------------------------------------------------------------- */

void org_paging(long long total, long long page, long long per_page, struct org_paging *p)
{
	if (per_page != 10 && per_page != 25 && per_page != 50 && per_page != 100 && per_page != ORG_ALL_ROWS)
		per_page = 10;
	if (total < 0)
		total = 0;
	long long pages = total ? (total + per_page - 1) / per_page : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	p->total = total;
	p->page = page;
	p->pages = pages;
	p->per_page = per_page;
	p->offset = (page - 1) * per_page;
	p->from = total ? p->offset + 1 : 0;
	p->to = total ? (p->offset + per_page < total ? p->offset + per_page : total) : 0;
}

/* ---- areas --------------------------------------------------------------- */

#define AREA_COLS "id, code, name, short_name, kind, province, school_count"

json_t *org_area_get(struct db *db, long long id, struct err *e)
{
	if (id <= 0) {
		err_set(e, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return NULL;
	}
	json_t *a = db_row_json(db, "SELECT " AREA_COLS " FROM areas WHERE id = $1", DB_ARGS(DB_INT(id)), e);
	if (!a && e->status == 404)
		err_set(e, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
	return a;
}

json_t *org_areas_list(struct db *db, struct err *e)
{
	return db_rows_json(db, "SELECT " AREA_COLS " FROM areas ORDER BY name COLLATE thai, id", NULL, 0, e);
}

long long org_area_add(struct db *db, const char *code, const char *name, const char *short_name, const char *kind,
		       const char *province, struct err *e)
{
	if (!code || !*code || strlen(code) > 16 || !all_digits(code, strlen(code)))
		return err_field(e, "code", "รหัสเขตพื้นที่ต้องเป็นตัวเลข ไม่เกิน 16 หลัก");
	if (text_check(name, true, 200, "name", "ชื่อสำนักงานเขตพื้นที่", e) ||
	    text_check(short_name, true, 100, "short_name", "ชื่อย่อ", e) ||
	    text_check(province, true, 100, "province", "จังหวัด", e))
		return -1;
	if (!kind || (strcmp(kind, "primary") && strcmp(kind, "secondary")))
		return err_field(e, "kind", "ประเภทเขตพื้นที่ต้องเป็นประถมศึกษาหรือมัธยมศึกษา");
	long long id = 0;
	int rc = db_int_value(
	    db,
	    "INSERT INTO areas (code, name, short_name, kind, province, school_count) "
	    "VALUES ($1, $2, $3, $4, $5, 0) RETURNING id",
	    DB_ARGS(DB_TEXT(code), DB_TEXT(name), DB_TEXT(short_name), DB_TEXT(kind), DB_TEXT(province)), &id, e);
	if (rc < 0 && e->status == 409) {
		err_field(e, "code", "รหัสเขตพื้นที่ %s มีอยู่แล้ว", code);
		e->status = 409;
		return -1;
	}
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "INSERT INTO areas returned no id");
	return id;
}

/* ---- work groups --------------------------------------------------------- */

json_t *org_work_groups(struct db *db, long long area_id, struct err *e)
{
	return db_rows_json(db, "SELECT id, name, sort FROM work_groups WHERE area_id = $1 ORDER BY sort, id",
			    DB_ARGS(DB_INT(area_id)), e);
}

long long org_work_group_add(struct db *db, long long area_id, const char *name, struct err *e)
{
	if (text_check(name, true, 200, "name", "ชื่อกลุ่มงาน", e))
		return -1;
	json_t *a = org_area_get(db, area_id, e);
	if (!a)
		return -1;
	json_decref(a);
	long long sort = 0, id = 0;
	if (db_int_value(db, "SELECT MAX(sort) FROM work_groups WHERE area_id = $1", DB_ARGS(DB_INT(area_id)), &sort,
			 e) < 0)
		return -1;
	int rc = db_int_value(db, "INSERT INTO work_groups (area_id, name, sort) VALUES ($1, $2, $3) RETURNING id",
			      DB_ARGS(DB_INT(area_id), DB_TEXT(name), DB_INT(sort + 1)), &id, e);
	if (rc < 0 && e->status == 409) {
		err_field(e, "name", "กลุ่มงาน %s มีอยู่แล้วในเขตพื้นที่นี้", name);
		e->status = 409;
		return -1;
	}
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "INSERT INTO work_groups returned no id");
	return id;
}

/* ---- schools ------------------------------------------------------------- */

void org_school_search_text(const char *name, const char *district, const char *obec, const char *smis, struct buf *out)
{
	thai_search_terms(name, out);
	thai_search_terms(district, out);
	thai_search_terms(obec, out);
	thai_search_terms(smis, out);
	/* The whole name too (see the top of the file), ASCII lower-cased as
	 * query terms are. */
	if (name && *name) {
		buf_addc(out, ' ');
		for (const char *s = name; *s; s++)
			buf_addc(out, *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s);
	}
}

#define SCHOOL_COLS "id, obec_code, smis_code, name, district, province"

/* One LIKE per word slot (core/search.h). */
#define SEARCH_WHERE                                                                                                   \
	"WHERE area_id = $1 AND search LIKE $2 AND search LIKE $3 AND search LIKE $4 AND search LIKE $5 AND "          \
	"search LIKE $6 AND search LIKE $7"

static const char sql_page[] = "SELECT " SCHOOL_COLS " FROM schools WHERE area_id = $1 "
			       "ORDER BY name COLLATE thai, id LIMIT $2 OFFSET $3";
static const char sql_search_count[] = "SELECT COUNT(*) FROM schools " SEARCH_WHERE;
static const char sql_search_page[] =
    "SELECT " SCHOOL_COLS " FROM schools " SEARCH_WHERE " ORDER BY name COLLATE thai, id LIMIT $8 OFFSET $9";

static const char sql_by_obec[] = "SELECT " SCHOOL_COLS " FROM schools WHERE area_id = $1 AND obec_code = $2";
static const char sql_by_smis[] = "SELECT " SCHOOL_COLS " FROM schools WHERE area_id = $1 AND smis_code = $2";

json_t *org_schools_page(struct db *db, long long area_id, const char *q, long long page, long long per_page,
			 struct err *e)
{
	if (!q)
		q = "";
	if (search_query_check(q, e) < 0)
		return NULL;
	json_t *area = org_area_get(db, area_id, e);
	if (!area)
		return NULL;

	struct buf pat[SEARCH_SLOTS];
	int nterms = search_patterns(q, pat);

	struct org_paging pg;
	json_t *rows = NULL;
	bool done = false;
	if (org_school_code_valid(q) || org_smis_code_valid(q)) {
		/* A whole code, as people paste it: one school at most, found
		 * through its unique index instead of a scan of the area. When
		 * no school has it, it is searched as text below (eight digits
		 * may also be part of an OBEC code). */
		rows = db_rows_json(db, q[8] ? sql_by_obec : sql_by_smis, DB_ARGS(DB_INT(area_id), DB_TEXT(q)), e);
		done = !rows || json_array_size(rows) > 0;
		if (rows && done)
			org_paging((long long)json_array_size(rows), page, per_page, &pg);
		if (!done) {
			json_decref(rows);
			rows = NULL;
		}
	}
	if (done) {
		/* found by its code, or failed (rows is NULL) */
	} else if (nterms == 0) {
		json_t *count = json_object_get(area, "school_count");
		org_paging(json_integer_value(count), page, per_page, &pg);
		rows = db_rows_json(db, sql_page, DB_ARGS(DB_INT(area_id), DB_INT(pg.per_page), DB_INT(pg.offset)), e);
	} else {
		long long total = 0;
		const char *p[SEARCH_SLOTS];
		for (int i = 0; i < SEARCH_SLOTS; i++)
			p[i] = buf_cstr(&pat[i]);
		if (db_int_value(db, sql_search_count,
				 DB_ARGS(DB_INT(area_id), DB_TEXT(p[0]), DB_TEXT(p[1]), DB_TEXT(p[2]), DB_TEXT(p[3]),
					 DB_TEXT(p[4]), DB_TEXT(p[5])),
				 &total, e) >= 0) {
			org_paging(total, page, per_page, &pg);
			if (total > 0)
				rows = db_rows_json(db, sql_search_page,
						    DB_ARGS(DB_INT(area_id), DB_TEXT(p[0]), DB_TEXT(p[1]),
							    DB_TEXT(p[2]), DB_TEXT(p[3]), DB_TEXT(p[4]), DB_TEXT(p[5]),
							    DB_INT(pg.per_page), DB_INT(pg.offset)),
						    e);
			else
				rows = json_array();
		}
	}
	for (int i = 0; i < SEARCH_SLOTS; i++)
		buf_release(&pat[i]);
	if (!rows) {
		json_decref(area);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "area", area, "rows", rows, "q", q, "total",
			 (json_int_t)pg.total, "page", (json_int_t)pg.page, "pages", (json_int_t)pg.pages, "per_page",
			 (json_int_t)pg.per_page, "from", (json_int_t)pg.from, "to", (json_int_t)pg.to);
}

json_t *org_school_get(struct db *db, long long id, struct err *e)
{
	json_t *s = db_row_json(db,
				"SELECT id, area_id, obec_code, smis_code, name, district, province, created_at "
				"FROM schools WHERE id = $1",
				DB_ARGS(DB_INT(id)), e);
	if (!s && e->status == 404)
		err_set(e, 404, "ไม่พบโรงเรียนที่ระบุ");
	return s;
}

/* Which of the two codes is taken, as a Thai message; 0 when neither. */
static int code_taken(struct db *db, const char *obec, const char *smis, struct err *e)
{
	long long id;
	int rc = db_int_value(db, "SELECT id FROM schools WHERE obec_code = $1", DB_ARGS(DB_TEXT(obec)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_field(e, "obec_code", "รหัสโรงเรียน %s มีอยู่แล้ว", obec);
		e->status = 409;
		return -1;
	}
	rc = db_int_value(db, "SELECT id FROM schools WHERE smis_code = $1", DB_ARGS(DB_TEXT(smis)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_field(e, "smis_code", "รหัส SMIS %s มีอยู่แล้ว", smis);
		e->status = 409;
		return -1;
	}
	return 0;
}

long long org_school_add(struct db *db, long long area_id, const char *obec, const char *smis, const char *name,
			 const char *district, const char *province, struct err *e)
{
	if (org_school_code_check(obec, e) || org_smis_code_check(smis, e) ||
	    text_check(name, true, 120, "name", "ชื่อโรงเรียน", e) ||
	    text_check(district, false, 50, "district", "อำเภอ", e) ||
	    text_check(province, false, 100, "province", "จังหวัด", e))
		return -1;
	json_t *a = org_area_get(db, area_id, e);
	if (!a)
		return -1;
	json_decref(a);
	if (code_taken(db, obec, smis, e))
		return -1;
	struct buf search = BUF_INIT;
	org_school_search_text(name, district, obec, smis, &search);
	long long id = 0;
	int rc = db_int_value(db,
			      "INSERT INTO schools (area_id, obec_code, smis_code, name, district, province, search, "
			      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			      DB_ARGS(DB_INT(area_id), DB_TEXT(obec), DB_TEXT(smis), DB_TEXT(name),
				      DB_TEXT(district ? district : ""), DB_TEXT(province ? province : ""),
				      DB_TEXT(buf_cstr(&search)), DB_INT(time(NULL))),
			      &id, e);
	buf_release(&search);
	if (rc < 0 && e->status == 409) {
		/* Another writer took a code between the check and the insert. */
		err_field(e, "obec_code", "รหัสโรงเรียน %s หรือรหัส SMIS %s มีอยู่แล้ว", obec, smis);
		e->status = 409;
		return -1;
	}
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 500, "INSERT INTO schools returned no id");
	if (db_exec(db, "UPDATE areas SET school_count = school_count + 1 WHERE id = $1", DB_ARGS(DB_INT(area_id)), e) <
	    0)
		return -1;
	return id;
}

/* Which of the two codes another school than self holds, as a Thai
 * message; 0 when neither. */
static int code_taken_by_other(struct db *db, long long self, const char *obec, const char *smis, struct err *e)
{
	long long id;
	int rc = db_int_value(db, "SELECT id FROM schools WHERE obec_code = $1 AND id <> $2",
			      DB_ARGS(DB_TEXT(obec), DB_INT(self)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_field(e, "obec_code", "รหัสโรงเรียน %s เป็นของโรงเรียนอื่นแล้ว", obec);
		e->status = 409;
		return -1;
	}
	rc = db_int_value(db, "SELECT id FROM schools WHERE smis_code = $1 AND id <> $2",
			  DB_ARGS(DB_TEXT(smis), DB_INT(self)), &id, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_field(e, "smis_code", "รหัส SMIS %s เป็นของโรงเรียนอื่นแล้ว", smis);
		e->status = 409;
		return -1;
	}
	return 0;
}

int org_school_update(struct db *db, long long id, long long area_id, const char *obec, const char *smis,
		      const char *name, const char *district, const char *province, struct err *e)
{
	if (org_school_code_check(obec, e) || org_smis_code_check(smis, e) ||
	    text_check(name, true, 120, "name", "ชื่อโรงเรียน", e) ||
	    text_check(district, false, 50, "district", "อำเภอ", e) ||
	    text_check(province, false, 100, "province", "จังหวัด", e))
		return -1;
	long long old_area = 0;
	int rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(id)), &old_area, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, 404, "ไม่พบโรงเรียนที่ระบุ");
	if (area_id <= 0)
		area_id = old_area;
	if (area_id != old_area) {
		json_t *a = org_area_get(db, area_id, e);
		if (!a)
			return -1;
		json_decref(a);
	}
	if (code_taken_by_other(db, id, obec, smis, e))
		return -1;
	struct buf search = BUF_INIT;
	org_school_search_text(name, district, obec, smis, &search);
	long long n = db_exec(db,
			      "UPDATE schools SET area_id = $2, obec_code = $3, smis_code = $4, name = $5, district = $6, "
			      "province = $7, search = $8 WHERE id = $1",
			      DB_ARGS(DB_INT(id), DB_INT(area_id), DB_TEXT(obec), DB_TEXT(smis), DB_TEXT(name),
				      DB_TEXT(district ? district : ""), DB_TEXT(province ? province : ""),
				      DB_TEXT(buf_cstr(&search))),
			      e);
	buf_release(&search);
	if (n < 0) {
		if (e->status == 409) {
			err_field(e, "obec_code", "รหัสโรงเรียน %s หรือรหัส SMIS %s มีอยู่แล้ว", obec, smis);
			e->status = 409;
		}
		return -1;
	}
	if (area_id != old_area &&
	    (db_exec(db, "UPDATE areas SET school_count = school_count - 1 WHERE id = $1", DB_ARGS(DB_INT(old_area)),
		     e) < 0 ||
	     db_exec(db, "UPDATE areas SET school_count = school_count + 1 WHERE id = $1", DB_ARGS(DB_INT(area_id)),
		     e) < 0))
		return -1;
	return 0;
}

int org_school_remove(struct db *db, long long id, struct err *e)
{
	long long area_id = 0;
	int rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(id)), &area_id, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, 404, "ไม่พบโรงเรียนที่ระบุ");
	long long n = db_exec(db, "DELETE FROM schools WHERE id = $1", DB_ARGS(DB_INT(id)), e);
	if (n < 0) {
		if (e->status == 409)
			err_set(e, 409, "ลบโรงเรียนนี้ไม่ได้ เพราะยังมีข้อมูลอื่นอ้างถึงอยู่");
		return -1;
	}
	if (n > 0 && db_exec(db, "UPDATE areas SET school_count = school_count - $2 WHERE id = $1",
			     DB_ARGS(DB_INT(area_id), DB_INT(n)), e) < 0)
		return -1;
	return 0;
}
