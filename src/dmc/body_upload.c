/* body_upload: weights and heights of a school's learners from a CSV or
 * XLSX file (DMC-2, the seed's "upload weight and height"). The file is
 * read by core/table_read — its format found by content, its size, rows
 * and an XLSX's unpacked size capped there, so a zip bomb is refused
 * before it is inflated — and its header by table_header. Every row is
 * checked (the code of a learner active in this school, once in the file;
 * weight above 0 and at most 200 kg, height 40–250 cm, as the form
 * checks); a file with any bad row is refused whole, with each bad row's
 * line and every reason it has (a wrong code, a weight of 0 and a height
 * of 300 on one row are three reasons on its one line, "; " between them)
 * in the report, and nothing stored. A good file is
 * stored in a fixed number of statements whatever its size: one lookup of
 * the codes, one UPDATE and one INSERT of history lines from the rows as
 * one JSON parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/table_read.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

enum { C_IDENT, C_WEIGHT, C_HEIGHT, NCOL };

static const struct table_column columns[NCOL] = {
    {"เลขประจำตัวประชาชนหรือรหัส G (citizen_id)",
     true,
     {"เลขประจำตัวประชาชน", "เลขประจำตัวประชาชน13หลัก", "เลขประจำตัวประชาชนหรือรหัสg", "รหัสg", "รหัสนักเรียน", "citizenid",
      "gcode", "ident", "id", NULL}},
    {"น้ำหนัก (weight)", true, {"น้ำหนัก", "น้ำหนักกก", "น้ำหนักกิโลกรัม", "weight", "weightkg", NULL}},
    {"ส่วนสูง (height)", true, {"ส่วนสูง", "ส่วนสูงซม", "ส่วนสูงเซนติเมตร", "height", "heightcm", NULL}},
};

/* lines shown in the report; the count says how many more */
#define REPORT_MAX 500

struct up {
	json_t *bad_rows; /* [[line, why]] in the order found (the file's) */
	long long bad;
};

static void bad_line(struct up *u, long long line, const char *why)
{
	if (++u->bad <= REPORT_MAX)
		json_array_append_new(u->bad_rows, json_pack("[I, s]", (json_int_t)line, why));
}

static int by_line(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_array_get(*(json_t *const *)a, 0)),
		   y = json_integer_value(json_array_get(*(json_t *const *)b, 0));
	return x < y ? -1 : x > y;
}

/* The bad rows in the order of the file. */
static void report_bad(struct up *u, struct buf *report)
{
	size_t n = json_array_size(u->bad_rows);
	json_t **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(u->bad_rows, i);
	qsort(v, n, sizeof *v, by_line);
	for (size_t i = 0; i < n; i++)
		buf_addf(report, "แถวที่ %lld: %s\n", (long long)json_integer_value(json_array_get(v[i], 0)),
			 json_string_value(json_array_get(v[i], 1)));
	free(v);
}

/* The Thai half of table_read's "English / Thai" message. */
static const char *thai_half(const char *msg)
{
	const char *s = strstr(msg, " / ");
	return s ? s + 3 : msg;
}

/* A code as typed → 13 characters (dashes and spaces of a citizen ID
 * dropped, a G-code's g upper case); -1 with why. */
static int ident_of(const char *typed, char out[14], struct buf *why)
{
	struct err e = ERR_INIT;
	if (!*typed) {
		buf_adds(why, "ไม่มีเลขประจำตัวประชาชนหรือรหัส G");
		return -1;
	}
	if (typed[0] == 'G' || typed[0] == 'g') {
		if (dmc_gcode_check(typed, &e) < 0) {
			buf_adds(why, e.msg);
			return -1;
		}
		snprintf(out, 14, "G%s", typed + 1);
		return 0;
	}
	if (thai_citizen_id_normalize(typed, out) < 0) {
		buf_addf(why, "เลขประจำตัวประชาชน \"%s\" ต้องมี 13 หลัก", typed);
		return -1;
	}
	if (thai_citizen_id_check(out, &e) < 0) {
		buf_addf(why, "เลขประจำตัวประชาชน %s: %s", out, e.msg);
		return -1;
	}
	return 0;
}

static int measure(const char *typed, const char *what, const char *unit, long long *out, struct buf *why)
{
	if (!*typed) {
		buf_addf(why, "ไม่มี%s", what);
		return -1;
	}
	if (dmc_parse_tenths(typed, out) < 0) {
		buf_addf(why, "%s \"%s\" ต้องเป็นตัวเลข%s ทศนิยมได้ 1 ตำแหน่ง เช่น 35.5", what, typed, unit);
		return -1;
	}
	return 0;
}

#define SQLITE_ROWS                                                                                                    \
	"(SELECT CAST(json_extract(value, '$.id') AS INTEGER) AS id, CAST(json_extract(value, '$.w') AS INTEGER) AS "  \
	"w, "                                                                                                          \
	"CAST(json_extract(value, '$.h') AS INTEGER) AS h FROM json_each($2))"
#define PG_ROWS                                                                                                        \
	"(SELECT CAST(x->>'id' AS BIGINT) AS id, CAST(x->>'w' AS BIGINT) AS w, CAST(x->>'h' AS BIGINT) AS h "          \
	"FROM json_array_elements(CAST($2 AS JSON)) AS x)"

static int store(struct db *db, long long school_id, json_t *rows, long long by, long long now, struct err *e)
{
	char *text = json_dumps(rows, JSON_COMPACT);
	bool lite = db_kind(db) == DB_SQLITE;
	long long n =
	    db_exec(db,
		    lite ? "UPDATE dmc_learners SET version = version + 1, weight_x10 = j.w, height_x10 = j.h, updated_at = $1 "
			   "FROM " SQLITE_ROWS " AS j WHERE dmc_learners.id = j.id AND dmc_learners.school_id = $3 "
			   "AND dmc_learners.status = 'active'"
			 : "UPDATE dmc_learners AS l SET version = l.version + 1, weight_x10 = j.w, height_x10 = j.h, updated_at = $1 "
			   "FROM " PG_ROWS " AS j WHERE l.id = j.id AND l.school_id = $3 AND l.status = 'active'",
		    DB_ARGS(DB_INT(now), DB_TEXT(text), DB_INT(school_id)), e);
	if (n >= 0 && n != (long long)json_array_size(rows))
		n = err_set(e, 409, "ข้อมูลนักเรียนเปลี่ยนไประหว่างบันทึก (มีนักเรียนย้ายออก) กรุณาอัปโหลดไฟล์อีกครั้ง");
	if (n >= 0)
		n = db_exec(
		    db,
		    lite ? "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
			   "to_school_id, destination, detail) SELECT j.id, $1, $4, 'body', $3, $3, '', "
			   "json_object('weight_x10', j.w, 'height_x10', j.h, 'via', 'upload') FROM " SQLITE_ROWS
			   " AS j"
			 : "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
			   "to_school_id, destination, detail) SELECT j.id, $1, $4, 'body', $3, $3, '', "
			   "CAST(json_build_object('weight_x10', j.w, 'height_x10', j.h, 'via', 'upload') AS TEXT) "
			   "FROM " PG_ROWS " AS j",
		    DB_ARGS(DB_INT(now), DB_TEXT(text), DB_INT(school_id), by > 0 ? DB_INT(by) : DB_NULL), e);
	free(text);
	return n < 0 ? -1 : 0;
}

long long dmc_body_upload(struct db *db, long long school_id, const char *path, long long by, long long now,
			  struct buf *report, struct err *e)
{
	struct table *t;
	if (table_open(path, &t, e) < 0) {
		struct buf m = BUF_INIT;
		buf_adds(&m, thai_half(e->msg));
		err_field(e, "file", "%s", buf_cstr(&m));
		buf_release(&m);
		return -1;
	}
	struct up u = {.bad_rows = json_array()};
	/* every data row as checked so far: {line, ident (when it is one),
	 * w, h, why (every reason found, "" for none)} */
	json_t *rows = json_array(), *seen = json_object(), *idents = json_array();
	struct buf why = BUF_INIT, cell = BUF_INIT, ignored = BUF_INIT;
	struct table_row row;
	int pos[NCOL];
	bool header = false;
	long long nrows = 0, done = -1;
	int n;
	while ((n = table_next(t, &row, e)) != 0) {
		if (n < 0)
			goto refused;
		if (!header) {
			if (table_header(&row, columns, NCOL, pos, &ignored, e) < 0)
				goto refused;
			header = true;
			continue;
		}
		if (++nrows > DMC_UPLOAD_MAX) {
			err_field(e, "file", "ไฟล์มีเกิน %d แถว (นักเรียนของโรงเรียนเดียว) กรุณาแบ่งเป็นหลายไฟล์", DMC_UPLOAD_MAX);
			goto out;
		}
		/* every field of the row is checked, each wrong one adds its
		 * reason: the school fixes the file once, not once per field */
		buf_reset(&why);
		char ident[14] = "";
		long long w = -1, h = -1;
		bool known = ident_of(table_cell(&row, pos[C_IDENT], &cell), ident, &why) == 0;
		if (known) {
			json_t *prev = json_object_get(seen, ident);
			if (prev) {
				buf_addf(&why, "นักเรียน %s ซ้ำกับแถวที่ %lld ในไฟล์เดียวกัน", ident,
					 (long long)json_integer_value(prev));
				known = false;
			} else {
				json_object_set_new(seen, ident, json_integer(row.line));
				json_array_append_new(idents, json_string(ident));
			}
		}
		struct buf part = BUF_INIT;
		struct err be = ERR_INIT;
		/* a value out of range is named as typed, as an unreadable one is */
		const char *typed = table_cell(&row, pos[C_WEIGHT], &cell);
		if (measure(typed, "น้ำหนัก", "กิโลกรัม", &w, &part) < 0 ||
		    (dmc_body_check(w, -1, &be) < 0 && (buf_addf(&part, "น้ำหนัก \"%s\": %s", typed, be.msg), true)))
			buf_addf(&why, "%s%s", why.len ? "; " : "", buf_cstr(&part));
		buf_reset(&part);
		err_clear(&be);
		typed = table_cell(&row, pos[C_HEIGHT], &cell);
		if (measure(typed, "ส่วนสูง", "เซนติเมตร", &h, &part) < 0 ||
		    (dmc_body_check(-1, h, &be) < 0 && (buf_addf(&part, "ส่วนสูง \"%s\": %s", typed, be.msg), true)))
			buf_addf(&why, "%s%s", why.len ? "; " : "", buf_cstr(&part));
		buf_release(&part);
		json_t *x = json_pack("{s:I, s:I, s:I, s:s}", "line", (json_int_t)row.line, "w", (json_int_t)w, "h",
				      (json_int_t)h, "why", buf_cstr(&why));
		if (known)
			json_object_set_new(x, "ident", json_string(ident));
		json_array_append_new(rows, x);
	}
	if (!header || nrows == 0) {
		err_field(e, "file", "ไฟล์ไม่มีข้อมูล แถวแรกต้องเป็นชื่อคอลัมน์ แล้วตามด้วยนักเรียนหนึ่งคนต่อแถว");
		goto out;
	}
	/* the codes of the file that are active learners here: one query */
	char *set = json_dumps(idents, JSON_COMPACT);
	json_t *found = db_rows_json(
	    db,
	    db_kind(db) == DB_SQLITE ? "SELECT ident, id FROM dmc_learners WHERE school_id = $1 AND status = 'active' "
				       "AND ident IN (SELECT value FROM json_each($2))"
				     : "SELECT ident, id FROM dmc_learners WHERE school_id = $1 AND status = 'active' "
				       "AND ident IN (SELECT value FROM json_array_elements_text(CAST($2 AS JSON)))",
	    DB_ARGS(DB_INT(school_id), DB_TEXT(set)), e);
	free(set);
	if (!found)
		goto out;
	json_t *ids = json_object();
	size_t i;
	json_t *x;
	json_array_foreach(found, i, x) json_object_set_new(ids, jstr(x, "ident"), json_integer(jint(x, "id")));
	json_decref(found);
	json_t *store_rows = json_array();
	json_array_foreach(rows, i, x)
	{
		buf_reset(&why);
		buf_adds(&why, jstr(x, "why"));
		const char *code = json_string_value(json_object_get(x, "ident"));
		json_t *id = code ? json_object_get(ids, code) : NULL;
		if (code && !id)
			buf_addf(&why, "%sไม่พบนักเรียน %s ที่กำลังเรียนอยู่ในโรงเรียนนี้ (ตรวจเลข หรือรับย้ายเข้าก่อน)",
				 why.len ? "; " : "", code);
		if (why.len) {
			bad_line(&u, jint(x, "line"), buf_cstr(&why));
			continue;
		}
		json_array_append_new(store_rows, json_pack("{s:O, s:O, s:O}", "id", id, "w", json_object_get(x, "w"),
							    "h", json_object_get(x, "h")));
	}
	json_decref(ids);
	if (u.bad) {
		json_decref(store_rows);
		report_bad(&u, report);
		if (u.bad > REPORT_MAX)
			buf_addf(report, "และแถวที่ไม่ถูกต้องอีก %lld แถว\n", u.bad - REPORT_MAX);
		err_field(e, "file",
			  "มี %lld แถวที่ไม่ถูกต้องจาก %lld แถว ยังไม่ได้บันทึกข้อมูลใดจากไฟล์นี้เลย "
			  "กรุณาแก้ทุกแถวที่แจ้งแล้วอัปโหลดใหม่",
			  u.bad, nrows);
		goto out;
	}
	if (store(db, school_id, store_rows, by, now, e) == 0)
		done = (long long)json_array_size(store_rows);
	json_decref(store_rows);
	goto out;
refused:
	/* table_read's message: the Thai half, at the field */
	{
		struct buf m = BUF_INIT;
		buf_adds(&m, thai_half(e->msg));
		err_field(e, "file", "%s", buf_cstr(&m));
		buf_release(&m);
	}
out:
	if (done < 0 && !e->status)
		err_field(e, "file", "อ่านไฟล์ไม่สำเร็จ");
	json_decref(u.bad_rows);
	json_decref(rows);
	json_decref(seen);
	json_decref(idents);
	buf_release(&why);
	buf_release(&cell);
	buf_release(&ignored);
	table_close(t);
	return done;
}
