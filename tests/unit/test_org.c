/* test_org: the organisation module (ORG-1) — school code rules and their
 * Thai messages, paging arithmetic, the demo data (two areas, their work
 * groups, N schools each, the same on a second run), the school list's
 * paging and search through the database, Thai dictionary order, and
 * adding and removing schools with areas.school_count kept right.
 *
 * The database tests run on a fresh SQLite file; when KHET_TEST_PG holds a
 * PostgreSQL URL they run again in a schema of their own on that server
 * (dropped afterwards), so both engines are held to the same results. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"
#include "core/thai.h"
#include "org/org.h"

/* ---- pure rules ---------------------------------------------------------- */

static void expect_code_msg(int (*check)(const char *, struct err *), const char *s, const char *field, const char *msg)
{
	struct err e = ERR_INIT;
	assert_int_equal(check(s, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, field);
	assert_string_equal(e.msg, msg);
}

static void test_school_code(void **state)
{
	assert_true(org_school_code_valid("1035200001"));
	assert_true(org_school_code_valid("0000000000"));
	assert_false(org_school_code_valid(NULL));
	assert_false(org_school_code_valid(""));
	assert_false(org_school_code_valid("103520000"));
	assert_false(org_school_code_valid("10352000011"));
	assert_false(org_school_code_valid("10352000a1"));
	assert_false(org_school_code_valid("1035 20000"));
	assert_false(org_school_code_valid("๑๐๓๕๒๐๐๐๐๑")); /* Thai digits */
	struct err e = ERR_INIT;
	assert_int_equal(org_school_code_check("1035200001", &e), 0);
	assert_int_equal(e.status, 0);
	expect_code_msg(org_school_code_check, "", "obec_code", "กรุณากรอกรหัสโรงเรียน (10 หลัก)");
	expect_code_msg(org_school_code_check, NULL, "obec_code", "กรุณากรอกรหัสโรงเรียน (10 หลัก)");
	expect_code_msg(org_school_code_check, "12345", "obec_code", "รหัสโรงเรียนต้องมี 10 หลัก (กรอกมา 5 หลัก)");
	expect_code_msg(org_school_code_check, "10352000011", "obec_code", "รหัสโรงเรียนต้องมี 10 หลัก (กรอกมา 11 หลัก)");
	expect_code_msg(org_school_code_check, "1035-20000", "obec_code", "รหัสโรงเรียนต้องเป็นตัวเลขเท่านั้น");
	expect_code_msg(org_school_code_check, "๑๐๓๕๒๐๐๐๐๑", "obec_code", "รหัสโรงเรียนต้องเป็นตัวเลขเท่านั้น");
}

static void test_smis_code(void **state)
{
	assert_true(org_smis_code_valid("35200001"));
	assert_false(org_smis_code_valid(NULL));
	assert_false(org_smis_code_valid(""));
	assert_false(org_smis_code_valid("3520000"));
	assert_false(org_smis_code_valid("352000011"));
	assert_false(org_smis_code_valid("3520000x"));
	/* An OBEC code is not an SMIS code. */
	assert_false(org_smis_code_valid("1035200001"));
	struct err e = ERR_INIT;
	assert_int_equal(org_smis_code_check("35200001", &e), 0);
	expect_code_msg(org_smis_code_check, "", "smis_code", "กรุณากรอกรหัส SMIS (8 หลัก)");
	expect_code_msg(org_smis_code_check, "1035200001", "smis_code", "รหัส SMIS ต้องมี 8 หลัก (กรอกมา 10 หลัก)");
	expect_code_msg(org_smis_code_check, "3520 001", "smis_code", "รหัส SMIS ต้องเป็นตัวเลขเท่านั้น");
}

static void expect_paging(long long total, long long page, long long per_page, long long want_page,
			  long long want_pages, long long want_per_page, long long want_from, long long want_to)
{
	struct org_paging p;
	org_paging(total, page, per_page, &p);
	assert_int_equal(p.total, total);
	assert_int_equal(p.page, want_page);
	assert_int_equal(p.pages, want_pages);
	assert_int_equal(p.per_page, want_per_page);
	assert_int_equal(p.from, want_from);
	assert_int_equal(p.to, want_to);
	assert_int_equal(p.offset, (want_page - 1) * want_per_page);
}

static void test_paging(void **state)
{
	/* total, page, per_page → page, pages, per_page, from, to */
	expect_paging(30, 1, 10, 1, 3, 10, 1, 10);
	expect_paging(30, 3, 10, 3, 3, 10, 21, 30);
	expect_paging(25, 3, 10, 3, 3, 10, 21, 25); /* last page partly full */
	expect_paging(25, 4, 10, 3, 3, 10, 21, 25); /* beyond the end: the last page */
	expect_paging(25, 1000000, 10, 3, 3, 10, 21, 25);
	expect_paging(25, 0, 10, 1, 3, 10, 1, 10); /* before the start: the first */
	expect_paging(25, -5, 10, 1, 3, 10, 1, 10);
	expect_paging(10, 1, 10, 1, 1, 10, 1, 10);  /* exactly one page */
	expect_paging(11, 2, 10, 2, 2, 10, 11, 11); /* one row on the last page */
	expect_paging(0, 1, 10, 1, 1, 10, 0, 0);    /* nothing: one empty page */
	expect_paging(0, 7, 10, 1, 1, 10, 0, 0);
	expect_paging(100, 2, 25, 2, 4, 25, 26, 50);
	expect_paging(120, 2, 50, 2, 3, 50, 51, 100);
	expect_paging(30000, 300, 100, 300, 300, 100, 29901, 30000);
	expect_paging(30000, 2, 7, 2, 3000, 10, 11, 20); /* not an offered size: 10 */
	expect_paging(30000, 1, 1000, 1, 3000, 10, 1, 10);
}

/* ---- database fixture ---------------------------------------------------- */

#define SCHEMA "khet_unit_org"
#include "engine.h"

static struct db *fx_db(void **state)
{
	return ((struct engine *)*state)->db;
}

static long long int_value(struct db *db, const char *sql, const struct db_val *p, int n)
{
	struct err e = ERR_INIT;
	long long v = -1;
	int rc = db_int_value(db, sql, p, n, &v, &e);
	if (rc < 0)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

static long long area_id(struct db *db, const char *code)
{
	return int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(code)));
}

static long long school_count(struct db *db, long long area)
{
	return int_value(db, "SELECT school_count FROM areas WHERE id = $1", DB_ARGS(DB_INT(area)));
}

static json_t *page_ok(struct db *db, long long area, const char *q, long long page, long long per_page)
{
	struct err e = ERR_INIT;
	json_t *p = org_schools_page(db, area, q, page, per_page, &e);
	if (!p)
		fail_msg("org_schools_page(%lld, \"%s\"): %d %s", area, q, e.status, e.msg);
	return p;
}

static long long jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* Adds a school inside its own transaction; returns the id or -1 (e set). */
static long long add_school(struct db *db, long long area, const char *obec, const char *smis, const char *name,
			    const char *district, struct err *e)
{
	struct err be = ERR_INIT;
	assert_int_equal(db_begin(db, &be), 0);
	long long id = org_school_add(db, area, obec, smis, name, district, "ยโสธร", e);
	if (id < 0) {
		db_rollback(db);
		return -1;
	}
	assert_int_equal(db_commit(db, &be), 0);
	return id;
}

static long long new_area(struct db *db, const char *code, const char *short_name)
{
	struct err e = ERR_INIT;
	long long id = org_area_add(db, code, "สำนักงานเขตพื้นที่การศึกษาทดสอบ", short_name, "primary", "ยโสธร", &e);
	if (id < 0)
		fail_msg("org_area_add %s: %s", code, e.msg);
	return id;
}

/* ---- demo data ----------------------------------------------------------- */

#define DEMO_N 30

static const char *const want_groups[] = {
    "กลุ่มอำนวยการ",
    "กลุ่มนโยบายและแผน",
    "กลุ่มส่งเสริมการจัดการศึกษา",
    "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
    "กลุ่มบริหารงานบุคคล",
    "กลุ่มบริหารงานการเงินและสินทรัพย์",
    "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
    "หน่วยตรวจสอบภายใน",
    "กลุ่มกฎหมายและคดี",
};

static void check_demo(struct db *db, int n)
{
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM areas WHERE code IN ('3502', '6201')", NULL, 0), 2);
	const char *codes[] = {"3502", "6201"};
	for (int k = 0; k < 2; k++) {
		long long id = area_id(db, codes[k]);
		assert_true(id > 0);
		assert_int_equal(school_count(db, id), n);
		assert_int_equal(int_value(db, "SELECT COUNT(*) FROM schools WHERE area_id = $1", DB_ARGS(DB_INT(id))),
				 n);
		/* Every name differs within an area. */
		assert_int_equal(
		    int_value(db, "SELECT COUNT(DISTINCT name) FROM schools WHERE area_id = $1", DB_ARGS(DB_INT(id))),
		    n);
		struct err e = ERR_INIT;
		json_t *groups = org_work_groups(db, id, &e);
		assert_non_null(groups);
		assert_int_equal(json_array_size(groups), sizeof want_groups / sizeof *want_groups);
		for (size_t i = 0; i < json_array_size(groups); i++)
			assert_string_equal(jstr(json_array_get(groups, i), "name"), want_groups[i]);
		json_decref(groups);
	}
	/* Codes are valid, and unique across the whole table. */
	struct err e = ERR_INIT;
	json_t *rows = db_rows_json(db, "SELECT obec_code, smis_code FROM schools", NULL, 0, &e);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2 * n);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		assert_true(org_school_code_valid(jstr(r, "obec_code")));
		assert_true(org_smis_code_valid(jstr(r, "smis_code")));
	}
	json_decref(rows);
	assert_int_equal(int_value(db, "SELECT COUNT(DISTINCT obec_code) FROM schools", NULL, 0), 2 * n);
	assert_int_equal(int_value(db, "SELECT COUNT(DISTINCT smis_code) FROM schools", NULL, 0), 2 * n);
}

/* Runs first in each database group: the later tests use this data. */
static void test_demo(void **state)
{
	struct db *db = fx_db(state);
	struct err e = ERR_INIT;
	assert_int_equal(org_demo(db, DEMO_N, &e), 0);
	check_demo(db, DEMO_N);

	json_t *a = org_area_get(db, area_id(db, "3502"), &e);
	assert_non_null(a);
	assert_string_equal(jstr(a, "short_name"), "สพป.ยโสธร เขต 2");
	assert_string_equal(jstr(a, "name"), "สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2");
	assert_string_equal(jstr(a, "kind"), "primary");
	assert_string_equal(jstr(a, "province"), "ยโสธร");
	json_decref(a);
	a = org_area_get(db, area_id(db, "6201"), &e);
	assert_non_null(a);
	assert_string_equal(jstr(a, "short_name"), "สพม.กำแพงเพชร");
	assert_string_equal(jstr(a, "kind"), "secondary");
	json_decref(a);

	/* The same data again: first schools of each area, by code. */
	json_t *s = db_row_json(db, "SELECT name, district FROM schools WHERE obec_code = '1035200006'", NULL, 0, &e);
	assert_non_null(s);
	assert_string_equal(jstr(s, "name"), "โรงเรียนบ้านหนองบัว");
	assert_string_equal(jstr(s, "district"), "กุดชุม");
	json_decref(s);
	s = db_row_json(db, "SELECT name FROM schools WHERE smis_code = '62000001'", NULL, 0, &e);
	assert_non_null(s);
	assert_string_equal(jstr(s, "name"), "โรงเรียนกำแพงเพชรพิทยาคม");
	json_decref(s);
}

static void test_demo_idempotent(void **state)
{
	struct db *db = fx_db(state);
	struct err e = ERR_INIT;
	long long groups = int_value(db, "SELECT COUNT(*) FROM work_groups", NULL, 0);
	/* Asking for more schools does not add any to an existing area. */
	assert_int_equal(org_demo(db, DEMO_N + 5, &e), 0);
	assert_int_equal(org_demo(db, DEMO_N, &e), 0);
	check_demo(db, DEMO_N);
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM work_groups", NULL, 0), groups);
	/* Out of range: refused in Thai, nothing done. */
	assert_int_equal(org_demo(db, 100000, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "จำนวนโรงเรียนต่อเขต"));
	assert_int_equal(org_demo(db, -1, &e), -1);
	check_demo(db, DEMO_N);
}

/* ---- areas --------------------------------------------------------------- */

static void test_areas(void **state)
{
	struct db *db = fx_db(state);
	struct err e = ERR_INIT;
	json_t *list = org_areas_list(db, &e);
	assert_non_null(list);
	assert_true(json_array_size(list) >= 2);
	size_t i;
	json_t *a;
	int seen = 0;
	json_array_foreach(list, i, a)
	{
		assert_true(jint(a, "id") > 0);
		jstr(a, "name");
		jstr(a, "short_name");
		if (!strcmp(jstr(a, "code"), "3502") || !strcmp(jstr(a, "code"), "6201")) {
			assert_int_equal(jint(a, "school_count"), DEMO_N);
			seen++;
		}
		if (i > 0) {
			const char *prev = jstr(json_array_get(list, i - 1), "name"), *cur = jstr(a, "name");
			assert_true(thai_collate(prev, strlen(prev), cur, strlen(cur)) <= 0);
		}
	}
	assert_int_equal(seen, 2);
	json_decref(list);

	assert_null(org_area_get(db, 99999999, &e));
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
	err_clear(&e);
	assert_null(org_area_get(db, -1, &e));
	assert_int_equal(e.status, 404);

	/* A duplicate area code is a conflict with a Thai message. */
	err_clear(&e);
	assert_int_equal(org_area_add(db, "3502", "ซ้ำ", "ซ้ำ", "primary", "ยโสธร", &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.msg, "รหัสเขตพื้นที่ 3502 มีอยู่แล้ว");
	err_clear(&e);
	assert_int_equal(org_area_add(db, "3599", "เขตทดสอบ", "ทดสอบ", "tertiary", "ยโสธร", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "kind");
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM areas WHERE code = '3599'", NULL, 0), 0);
}

/* ---- the school list ----------------------------------------------------- */

static void expect_page(json_t *p, long long total, long long page, long long pages, long long from, long long to,
			size_t rows)
{
	assert_int_equal(jint(p, "total"), total);
	assert_int_equal(jint(p, "page"), page);
	assert_int_equal(jint(p, "pages"), pages);
	assert_int_equal(jint(p, "from"), from);
	assert_int_equal(jint(p, "to"), to);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), rows);
}

static void test_schools_paging(void **state)
{
	struct db *db = fx_db(state);
	long long id = area_id(db, "3502");
	json_t *p = page_ok(db, id, "", 1, 10);
	expect_page(p, 30, 1, 3, 1, 10, 10);
	assert_int_equal(jint(json_object_get(p, "area"), "id"), id);
	assert_int_equal(jint(p, "per_page"), 10);
	assert_string_equal(jstr(p, "q"), "");
	json_t *row = json_array_get(json_object_get(p, "rows"), 0);
	assert_true(jint(row, "id") > 0);
	assert_true(org_school_code_valid(jstr(row, "obec_code")));
	assert_true(org_smis_code_valid(jstr(row, "smis_code")));
	jstr(row, "name");
	jstr(row, "district");
	json_decref(p);

	p = page_ok(db, id, "", 3, 10);
	expect_page(p, 30, 3, 3, 21, 30, 10);
	json_decref(p);
	p = page_ok(db, id, "", 4, 10); /* beyond the end: the last page */
	expect_page(p, 30, 3, 3, 21, 30, 10);
	json_decref(p);
	p = page_ok(db, id, "", 2, 25); /* a partly full last page */
	expect_page(p, 30, 2, 2, 26, 30, 5);
	json_decref(p);
	p = page_ok(db, id, "", 1, 100);
	expect_page(p, 30, 1, 1, 1, 30, 30);
	json_decref(p);
	p = page_ok(db, id, "", 1, 33); /* not an offered size */
	expect_page(p, 30, 1, 3, 1, 10, 10);
	json_decref(p);

	/* The pages together are every school once, in Thai order. */
	struct err e = ERR_INIT;
	json_t *all = json_array();
	for (int pg = 1; pg <= 3; pg++) {
		p = page_ok(db, id, "", pg, 10);
		json_array_extend(all, json_object_get(p, "rows"));
		json_decref(p);
	}
	assert_int_equal(json_array_size(all), 30);
	for (size_t i = 1; i < json_array_size(all); i++) {
		const char *a = jstr(json_array_get(all, i - 1), "name"), *b = jstr(json_array_get(all, i), "name");
		assert_true(thai_collate(a, strlen(a), b, strlen(b)) < 0);
	}
	json_decref(all);

	/* Without a search the total is the area's school_count (no COUNT over
	 * the schools): a wrong count shows through, which is how this test
	 * knows the fast path is taken. */
	assert_int_equal(db_exec(db, "UPDATE areas SET school_count = 31 WHERE id = $1", DB_ARGS(DB_INT(id)), &e), 1);
	p = page_ok(db, id, "", 4, 10);
	expect_page(p, 31, 4, 4, 31, 31, 0);
	json_decref(p);
	assert_int_equal(db_exec(db, "UPDATE areas SET school_count = 30 WHERE id = $1", DB_ARGS(DB_INT(id)), &e), 1);

	/* An unknown area is 404 in Thai. */
	assert_null(org_schools_page(db, 99999999, "", 1, 10, &e));
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
}

/* Names of the rows of a search, and its total. */
static long long search(struct db *db, long long area, const char *q, json_t **rows)
{
	json_t *p = page_ok(db, area, q, 1, 100);
	long long total = jint(p, "total");
	assert_string_equal(jstr(p, "q"), q);
	if (rows)
		*rows = json_incref(json_object_get(p, "rows"));
	json_decref(p);
	return total;
}

static void test_search(void **state)
{
	struct db *db = fx_db(state);
	long long id = area_id(db, "3502");
	json_t *rows;

	/* A Thai word of a name. */
	assert_int_equal(search(db, id, "หนองบัว", &rows), 1);
	assert_string_equal(jstr(json_array_get(rows, 0), "name"), "โรงเรียนบ้านหนองบัว");
	assert_string_equal(jstr(json_array_get(rows, 0), "obec_code"), "1035200006");
	json_decref(rows);
	assert_int_equal(search(db, id, "ดอนแดง", &rows), 1);
	assert_string_equal(jstr(json_array_get(rows, 0), "name"), "โรงเรียนบ้านดอนแดง");
	json_decref(rows);
	/* Part of a word, spaces around it, the full name. */
	assert_int_equal(search(db, id, "บัว", NULL), 1);
	assert_int_equal(search(db, id, "โรงเรียนบ้านหนองบัว", NULL), 1);

	/* Every word must match: name and district together. */
	assert_int_equal(search(db, id, "หนองบัว กุดชุม", NULL), 1);
	assert_int_equal(search(db, id, "หนองบัว ทรายมูล", NULL), 0);

	/* A district finds the schools in it (and any named after it). */
	long long in_district = int_value(
	    db, "SELECT COUNT(*) FROM schools WHERE area_id = $1 AND (district = 'กุดชุม' OR name LIKE '%กุดชุม%')",
	    DB_ARGS(DB_INT(id)));
	assert_true(in_district > 1);
	assert_int_equal(search(db, id, "กุดชุม", &rows), in_district);
	json_decref(rows);

	/* Codes. */
	assert_int_equal(search(db, id, "1035200006", &rows), 1);
	assert_string_equal(jstr(json_array_get(rows, 0), "name"), "โรงเรียนบ้านหนองบัว");
	json_decref(rows);
	assert_int_equal(search(db, id, "35200006", &rows), 1);
	assert_string_equal(jstr(json_array_get(rows, 0), "smis_code"), "35200006");
	json_decref(rows);
	/* Part of a code finds every school whose code holds it. */
	assert_int_equal(search(db, id, "103520000", NULL), 9);
	assert_int_equal(search(db, id, "10352000", NULL), 30);
	/* The other area's schools are not in this area's search. */
	assert_int_equal(search(db, id, "62000001", NULL), 0);
	assert_int_equal(search(db, area_id(db, "6201"), "62000001", NULL), 1);

	/* Nothing found: an empty first page, not an error. */
	json_t *p = page_ok(db, id, "ไม่มีโรงเรียนนี้แน่นอน", 3, 10);
	expect_page(p, 0, 1, 1, 0, 0, 0);
	json_decref(p);
	assert_int_equal(search(db, id, "zzz", NULL), 0);

	/* Punctuation alone is no search: the whole list. */
	assert_int_equal(search(db, id, "% _ !", NULL), 30);

	/* A search pages like the list, its total from a count. */
	p = page_ok(db, id, "โรงเรียน", 2, 10);
	expect_page(p, 30, 2, 3, 11, 20, 10);
	json_decref(p);

	/* A search with more words than the SQL has slots still works. */
	assert_int_equal(search(db, id, "โรงเรียน บ้าน หนอง บัว กุด ชุม 1035200006 35200006", NULL), 1);

	/* Bad input is refused in Thai. */
	struct err e = ERR_INIT;
	assert_null(org_schools_page(db, id, "\xff\xfe", 1, 10, &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "q");
	char big[400];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	err_clear(&e);
	assert_null(org_schools_page(db, id, big, 1, 10, &e));
	assert_int_equal(e.status, 400);
	assert_string_equal(e.msg, "คำค้นยาวเกินไป (ไม่เกิน 100 ตัวอักษร)");
}

/* ---- Thai order ---------------------------------------------------------- */

static void test_thai_order(void **state)
{
	struct db *db = fx_db(state);
	long long id = new_area(db, "3591", "สพป.ทดสอบลำดับ");
	/* Added in an order that is neither Thai nor byte order. */
	/* clang-format off */
	static const struct {
		const char *name, *obec, *smis;
	} schools[] = {
		{"โรงเรียนบ้านโนนสูง", "3591000001", "35910001"},
		{"โรงเรียนบ้านขามเปี้ย", "3591000002", "35910002"},
		{"โรงเรียนบ้านไทยเจริญ", "3591000003", "35910003"},
		{"โรงเรียนบ้านยางตลาด", "3591000004", "35910004"},
		{"โรงเรียนบ้านเกาะแก้ว", "3591000005", "35910005"},
		{"โรงเรียนบ้านกุดชุม", "3591000006", "35910006"},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof schools / sizeof *schools; i++) {
		struct err e = ERR_INIT;
		if (add_school(db, id, schools[i].obec, schools[i].smis, schools[i].name, "กุดชุม", &e) < 0)
			fail_msg("add %s: %s", schools[i].name, e.msg);
	}
	/* Dictionary order files เกาะ under ก, ไทย under ท, โนน under น: the
	 * leading vowels เ โ ไ do not push a name to the end (byte order
	 * would give กุดชุม ขามเปี้ย ยางตลาด เกาะแก้ว โนนสูง ไทยเจริญ). */
	/* clang-format off */
	static const char *const want[] = {
		"โรงเรียนบ้านกุดชุม",
		"โรงเรียนบ้านเกาะแก้ว",
		"โรงเรียนบ้านขามเปี้ย",
		"โรงเรียนบ้านไทยเจริญ",
		"โรงเรียนบ้านโนนสูง",
		"โรงเรียนบ้านยางตลาด",
	};
	/* clang-format on */
	json_t *p = page_ok(db, id, "", 1, 10);
	json_t *rows = json_object_get(p, "rows");
	assert_int_equal(json_array_size(rows), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(jstr(json_array_get(rows, i), "name"), want[i]);
	json_decref(p);
	/* The same order through a search. */
	p = page_ok(db, id, "โรงเรียน", 1, 10);
	rows = json_object_get(p, "rows");
	assert_int_equal(json_array_size(rows), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(jstr(json_array_get(rows, i), "name"), want[i]);
	json_decref(p);
}

/* ---- adding and removing schools ----------------------------------------- */

static void test_school_add_remove(void **state)
{
	struct db *db = fx_db(state);
	long long id = new_area(db, "3592", "สพป.ทดสอบเพิ่ม");
	struct err e = ERR_INIT;
	long long s1 = add_school(db, id, "3592000001", "35920001", "โรงเรียนบ้านหนองบัวแดง", "กุดชุม", &e);
	assert_true(s1 > 0);
	assert_int_equal(school_count(db, id), 1);
	json_t *s = org_school_get(db, s1, &e);
	assert_non_null(s);
	assert_int_equal(jint(s, "area_id"), id);
	assert_string_equal(jstr(s, "obec_code"), "3592000001");
	assert_string_equal(jstr(s, "smis_code"), "35920001");
	assert_string_equal(jstr(s, "name"), "โรงเรียนบ้านหนองบัวแดง");
	assert_string_equal(jstr(s, "district"), "กุดชุม");
	assert_string_equal(jstr(s, "province"), "ยโสธร");
	assert_true(jint(s, "created_at") > 1700000000);
	json_decref(s);
	/* Found by a piece of its name however the dictionary breaks it. */
	assert_int_equal(search(db, id, "บัวแดง", NULL), 1);
	assert_int_equal(search(db, id, "หนองบัวแดง", NULL), 1);

	/* A code in use anywhere is a 409 naming the code; nothing is added. */
	err_clear(&e);
	assert_int_equal(add_school(db, id, "3592000001", "35920002", "โรงเรียนซ้ำ", "", &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "obec_code");
	assert_string_equal(e.msg, "รหัสโรงเรียน 3592000001 มีอยู่แล้ว");
	err_clear(&e);
	assert_int_equal(add_school(db, id, "1035200006", "35920002", "โรงเรียนซ้ำ", "", &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.msg, "รหัสโรงเรียน 1035200006 มีอยู่แล้ว");
	err_clear(&e);
	assert_int_equal(add_school(db, id, "3592000002", "35920001", "โรงเรียนซ้ำ", "", &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "smis_code");
	assert_string_equal(e.msg, "รหัส SMIS 35920001 มีอยู่แล้ว");

	/* Bad input: 400 naming the field; unknown area: 404. */
	err_clear(&e);
	assert_int_equal(add_school(db, id, "359200003", "35920003", "โรงเรียนใหม่", "", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.msg, "รหัสโรงเรียนต้องมี 10 หลัก (กรอกมา 9 หลัก)");
	err_clear(&e);
	assert_int_equal(add_school(db, id, "3592000003", "3592000", "โรงเรียนใหม่", "", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "smis_code");
	err_clear(&e);
	assert_int_equal(add_school(db, id, "3592000003", "35920003", "", "", &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.msg, "กรุณากรอกชื่อโรงเรียน");
	err_clear(&e);
	assert_int_equal(add_school(db, id, "3592000003", "35920003", "โรงเรียน\nใหม่", "", &e), -1);
	assert_int_equal(e.status, 400);
	err_clear(&e);
	assert_int_equal(add_school(db, 99999999, "3592000003", "35920003", "โรงเรียนใหม่", "", &e), -1);
	assert_int_equal(e.status, 404);
	assert_int_equal(school_count(db, id), 1);
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM schools WHERE area_id = $1", DB_ARGS(DB_INT(id))), 1);

	long long s2 = add_school(db, id, "3592000003", "35920003", "โรงเรียนบ้านนาคำ", "ทรายมูล", &e);
	assert_true(s2 > 0);
	assert_int_equal(school_count(db, id), 2);
	json_t *p = page_ok(db, id, "", 1, 10);
	expect_page(p, 2, 1, 1, 1, 2, 2);
	json_decref(p);

	/* Removing keeps the count; a removed school is gone (404). */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(org_school_remove(db, s1, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(school_count(db, id), 1);
	err_clear(&e);
	assert_null(org_school_get(db, s1, &e));
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(org_school_remove(db, s1, &e), -1);
	assert_int_equal(e.status, 404);
	p = page_ok(db, id, "", 1, 10);
	expect_page(p, 1, 1, 1, 1, 1, 1);
	assert_string_equal(jstr(json_array_get(json_object_get(p, "rows"), 0), "name"), "โรงเรียนบ้านนาคำ");
	json_decref(p);
	/* Its codes are free again. */
	assert_true(add_school(db, id, "3592000001", "35920001", "โรงเรียนบ้านหนองบัวแดง", "กุดชุม", &e) > 0);
	assert_int_equal(school_count(db, id), 2);

	/* Work groups keep the order they were added in. */
	assert_true(org_work_group_add(db, id, "กลุ่มอำนวยการ", &e) > 0);
	assert_true(org_work_group_add(db, id, "กลุ่มนโยบายและแผน", &e) > 0);
	assert_int_equal(org_work_group_add(db, id, "กลุ่มอำนวยการ", &e), -1);
	assert_int_equal(e.status, 409);
	json_t *g = org_work_groups(db, id, &e);
	assert_int_equal(json_array_size(g), 2);
	assert_string_equal(jstr(json_array_get(g, 0), "name"), "กลุ่มอำนวยการ");
	assert_string_equal(jstr(json_array_get(g, 1), "name"), "กลุ่มนโยบายและแผน");
	json_decref(g);
}


/* `khet demo --areas 245`: the national shape — the two named areas and
 * 243 more of the provinces, 183 primary and 62 secondary in all, every
 * name, code and school code distinct; a second run adds nothing and a
 * count out of range is refused. Runs last: it adds areas. */
static void test_demo_national(void **state)
{
	struct db *db = fx_db(state);
	struct err e = ERR_INIT;
	assert_int_equal(org_demo_areas(db, 3, ORG_DEMO_MAX_AREAS + 1, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "จำนวนเขตพื้นที่"));
	err_clear(&e);
	assert_int_equal(org_demo_areas(db, 3, 1, &e), -1);
	err_clear(&e);
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM areas WHERE code LIKE '7%'", NULL, 0), 0);
	/* the named areas keep the schools they have (none yet when run alone) */
	const char *named = "SELECT COUNT(*) FROM schools s JOIN areas a ON a.id = s.area_id WHERE a.code IN ('3502', '6201')";
	long long before = int_value(db, named, NULL, 0);
	assert_int_equal(org_demo_areas(db, 3, ORG_DEMO_MAX_AREAS, &e), 0);
	if (before)
		assert_int_equal(int_value(db, named, NULL, 0), before);
	const char *mine = "FROM areas WHERE (code IN ('3502', '6201') OR code LIKE '7%')";
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) %s", mine);
	assert_int_equal(int_value(db, sql, NULL, 0), 245);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) %s AND kind = 'primary'", mine);
	assert_int_equal(int_value(db, sql, NULL, 0), 183);
	snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT short_name) %s AND kind = 'secondary'", mine);
	assert_int_equal(int_value(db, sql, NULL, 0), 62);
	snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT name) %s", mine);
	assert_int_equal(int_value(db, sql, NULL, 0), 245);
	/* each new one has 3 schools and its work groups */
	assert_int_equal(int_value(db,
				   "SELECT COUNT(*) FROM schools s JOIN areas a ON a.id = s.area_id "
				   "WHERE a.code LIKE '7%' AND a.school_count = 3",
				   NULL, 0),
			 243 * 3);
	assert_int_equal(int_value(db,
				   "SELECT COUNT(*) FROM work_groups w JOIN areas a ON a.id = w.area_id "
				   "WHERE a.code LIKE '7%'",
				   NULL, 0),
			 243 * 10);
	json_t *rows = db_rows_json(db,
				    "SELECT s.obec_code, s.smis_code FROM schools s JOIN areas a ON a.id = s.area_id "
				    "WHERE a.code LIKE '7%'",
				    NULL, 0, &e);
	assert_non_null(rows);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		assert_true(org_school_code_valid(jstr(r, "obec_code")));
		assert_true(org_smis_code_valid(jstr(r, "smis_code")));
	}
	json_decref(rows);
	long long schools = int_value(db, "SELECT COUNT(*) FROM schools", NULL, 0);
	assert_int_equal(int_value(db, "SELECT COUNT(DISTINCT obec_code) FROM schools", NULL, 0), schools);
	assert_int_equal(int_value(db, "SELECT COUNT(DISTINCT smis_code) FROM schools", NULL, 0), schools);
	/* the first generated ones, as named */
	json_t *a = db_row_json(db, "SELECT short_name, kind, province FROM areas WHERE code = '7001'", NULL, 0, &e);
	assert_non_null(a);
	assert_string_equal(jstr(a, "short_name"), "สพป.กรุงเทพมหานคร เขต 1");
	json_decref(a);
	a = db_row_json(db, "SELECT short_name FROM areas WHERE code = '7243'", NULL, 0, &e);
	assert_non_null(a);
	assert_string_equal(jstr(a, "short_name"), "สพม.เพชรบุรี"); /* the 61st province but กำแพงเพชร */
	json_decref(a);
	/* again: nothing added */
	assert_int_equal(org_demo_areas(db, 5, ORG_DEMO_MAX_AREAS, &e), 0);
	assert_int_equal(int_value(db, "SELECT COUNT(*) FROM schools", NULL, 0), schools);
}

#define DB_TESTS                                                                                                       \
	cmocka_unit_test(test_demo), cmocka_unit_test(test_demo_idempotent), cmocka_unit_test(test_areas),             \
	    cmocka_unit_test(test_schools_paging), cmocka_unit_test(test_search), cmocka_unit_test(test_thai_order),   \
	    cmocka_unit_test(test_school_add_remove), cmocka_unit_test(test_demo_national)

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_school_code),
	    cmocka_unit_test(test_smis_code),
	    cmocka_unit_test(test_paging),
	};
	const struct CMUnitTest db_tests[] = {DB_TESTS};
	int failed = cmocka_run_group_tests_name("org", pure, NULL, NULL);
	failed += run_engine_groups("org", db_tests);
	return failed ? 1 : 0;
}
