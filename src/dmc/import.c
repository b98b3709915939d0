/* import: `khet import students FILE` — a school's or a whole area's
 * learners from a CSV or XLSX file (DMC-2 bulk entry, issue 12 item 8), with
 * the checks of the pages. Its first non-empty row names the columns, in
 * Thai or English (table_header: without case, spaces, dots, dashes,
 * underscores or brackets), in any order:
 *
 *   รหัสโรงเรียน | obec_code           the school (OBEC code, 10 digits), required
 *   เลขประจำตัวประชาชน | citizen_id    13 digits with its check digit, or
 *   รหัส G | gcode                     G + 12 digits (one of the two per row)
 *   คำนำหน้า | title                   ด.ช. ด.ญ. นาย นางสาว (or boy, girl, mr, miss)
 *   ชื่อ | first_name, นามสกุล | last_name                              required
 *   เพศ | sex                          ชาย/หญิง, ช/ญ, M/F; optional (the title says it)
 *   วันเกิด | birth_date               25/06/2560 (พ.ศ.) or 2017-06-25 (ค.ศ.), required
 *   ชั้น | grade                        ป.1 … ม.6, อ.1 … อ.3 (or p1, m6 …), required
 *   ห้อง | room                         1–99, default 1
 *   น้ำหนัก | weight, ส่วนสูง | height  kg and cm, one decimal, optional
 *   สัญชาติ | nationality               label or code, default ไทย
 *   ความด้อยโอกาส | disadvantaged, ความพิการ | disability   label or code, default none
 *   ผู้ปกครอง | guardian_name, โทรศัพท์ผู้ปกครอง | guardian_phone, ที่อยู่ | address
 *
 * All or nothing: one transaction; every row is checked and every bad row
 * gets its line and reasons in the report (the first 1,000; then a count);
 * one bad row stores nothing. One learner, one record (DMC-1): a code twice
 * in the file, or a code whose record is in another school (active there:
 * that school must see the learner leave, so it is a move in, not an add)
 * or has left, is refused with the school's name. A learner already active
 * in the row's own school is updated, so a second run of the same file adds
 * nothing twice.
 *
 * Fast at national scale: rows are checked in C against the choice lists
 * read once. On PostgreSQL they are then loaded into a temporary table
 * through COPY (db_bulk), and the checks against stored records, the
 * inserts, the history rows (kind "import") and the per-school counts are
 * each one set-based statement (store). On SQLite, where a statement costs
 * no round trip, each checked row is looked up by its code and inserted
 * straight into dmc_learners (direct_row: no staging table to fill and
 * read again); a file larger than the census so far loads with the
 * table's indexes dropped and built again after, and the history, counts,
 * duplicates and audit are set-based after the rows (store_direct).
 * Audited as dmc.import per area (actor the command line). A name's search
 * words are broken once per file (name_terms). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/num.h"
#include "core/staged.h"
#include "core/table_read.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

enum col {
	C_SCHOOL,
	C_CID,
	C_GCODE,
	C_TITLE,
	C_FIRST,
	C_LAST,
	C_SEX,
	C_BIRTH,
	C_GRADE,
	C_ROOM,
	C_WEIGHT,
	C_HEIGHT,
	C_NAT,
	C_DISADV,
	C_DISAB,
	C_GUARDIAN,
	C_GPHONE,
	C_ADDRESS,
	NCOL
};

static const struct table_column columns[NCOL] = {
    [C_SCHOOL] = {"รหัสโรงเรียน (obec_code)",
		  true,
		  {"รหัสโรงเรียน", "รหัสโรงเรียน10หลัก", "รหัสสถานศึกษา", "obeccode", "schoolcode", "obec", NULL}},
    [C_CID] = {"เลขประจำตัวประชาชน (citizen_id)",
	       false,
	       {"เลขประจำตัวประชาชน", "เลขประจำตัวประชาชน13หลัก", "เลขบัตรประชาชน", "citizenid", "cid", "pid", NULL},
	       1},
    [C_GCODE] = {"รหัส G (gcode)", false, {"รหัสg", "gcode", "จีโค้ด", NULL}, 1},
    [C_TITLE] = {"คำนำหน้า (title)", true, {"คำนำหน้า", "คำนำหน้าชื่อ", "title", "prefix", NULL}},
    [C_FIRST] = {"ชื่อ (first_name)", true, {"ชื่อ", "firstname", "name", NULL}},
    [C_LAST] = {"นามสกุล (last_name)", true, {"นามสกุล", "lastname", "surname", NULL}},
    [C_SEX] = {"เพศ (sex)", false, {"เพศ", "sex", "gender", NULL}},
    [C_BIRTH] = {"วันเกิด (birth_date)", true, {"วันเกิด", "วันเดือนปีเกิด", "birthdate", "dob", NULL}},
    [C_GRADE] = {"ชั้น (grade)", true, {"ชั้น", "ระดับชั้น", "ชั้นเรียน", "grade", "class", NULL}},
    [C_ROOM] = {"ห้อง (room)", false, {"ห้อง", "ห้องเรียน", "room", NULL}},
    [C_WEIGHT] = {"น้ำหนัก (weight)", false, {"น้ำหนัก", "น้ำหนักกก", "weight", "weightkg", NULL}},
    [C_HEIGHT] = {"ส่วนสูง (height)", false, {"ส่วนสูง", "ส่วนสูงซม", "height", "heightcm", NULL}},
    [C_NAT] = {"สัญชาติ (nationality)", false, {"สัญชาติ", "nationality", NULL}},
    [C_DISADV] = {"ความด้อยโอกาส (disadvantaged)",
		  false,
		  {"ความด้อยโอกาส", "ด้อยโอกาส", "สถานะความด้อยโอกาส", "disadvantaged", NULL}},
    [C_DISAB] = {"ความพิการ (disability)", false, {"ความพิการ", "ประเภทความพิการ", "disability", NULL}},
    [C_GUARDIAN] = {"ผู้ปกครอง (guardian_name)", false, {"ผู้ปกครอง", "ชื่อผู้ปกครอง", "guardianname", "guardian", NULL}},
    [C_GPHONE] = {"โทรศัพท์ผู้ปกครอง (guardian_phone)",
		  false,
		  {"โทรศัพท์ผู้ปกครอง", "เบอร์โทรผู้ปกครอง", "guardianphone", "phone", NULL}},
    [C_ADDRESS] = {"ที่อยู่ (address)", false, {"ที่อยู่", "address", NULL}},
};

/* The staging table's columns, in the order rows are loaded. */
enum stage {
	S_LINE,
	S_SCHOOL,
	S_CID,
	S_GCODE,
	S_IDENT,
	S_TITLE,
	S_FIRST,
	S_LAST,
	S_SEX,
	S_BIRTH,
	S_NAT,
	S_GRADE,
	S_ROOM,
	S_WEIGHT,
	S_HEIGHT,
	S_DISADV,
	S_DISAB,
	S_GUARDIAN,
	S_GPHONE,
	S_ADDRESS,
	S_SEARCH,
	NSTAGE
};
static const char *const stage_cols[NSTAGE] = {
    "line",	  "school_id",	   "citizen_id", "gcode",	  "ident",	    "title",   "first_name",
    "last_name",  "sex",	   "birth_date", "nationality",	  "grade",	    "room",    "weight_x10",
    "height_x10", "disadvantaged", "disability", "guardian_name", "guardian_phone", "address", "search"};

/* A school of the database: its area, and the file's rows stored for it. */
struct school_ref {
	long long id, area_id, n;
	bool held; /* had learners counted before the file (store_direct) */
};

struct imp {
	struct db *db;
	struct staged *st; /* the run: bad rows, loading (core/staged.h) */
	struct err *e;	   /* a fault (500) that stops the import */
	long long now;
	json_t *titles;	  /* code and label → {code, sex} */
	json_t *grades;	  /* code and label → {code, label, min_age, max_age} */
	json_t *lists[3]; /* nationalities, disadvantaged, disabilities: code and label → code */
	json_t *schools;  /* OBEC code → its index in sch + 1 (0: none) */
	struct school_ref *sch;
	size_t nsch;
	json_t *ident_at; /* ident → line, in this file */
	json_t *terms;	  /* a name → its search words (name_terms) */
	long long added, updated;
	struct buf why;
	struct buf cell[NCOL]; /* a row's cells, trimmed (kept from row to row) */
	/* SQLite's direct path (direct_row): no staging table */
	bool direct;
	long long before;     /* dmc_learners' largest id before the file: the new rows are above it */
	json_t *rebuild;      /* the indexes dropped for the load (name, sql), NULL while they stand */
	json_t *stored;	      /* with the indexes dropped: ident → [[id, active, school_id] …] of ids <= before */
	struct db_val *bv;    /* the batch's values: $1 the time, then DIRECT_COLS a row (batch_add) */
	int nb;		      /* rows in the batch */
	struct buf arena;     /* their texts */
	struct buf batch_sql[2]; /* the INSERT of a shorter batch, of a full one */
	long long *tally;     /* the rows added a school × grade × sex (nsch × ngrade × 2) */
	int ngrade;
	const char *gcode[32]; /* the grades' codes, by their "gi" */
	long long *upd;	      /* the learners the file updated */
	size_t nupd, capupd;
};

/* n in decimal into out (24 bytes): snprintf's format parsing is a
 * noticeable part of a row at a million rows. */
static const char *decimal(long long n, char *out)
{
	char tmp[24];
	int k = 0;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	int j = 0;
	if (n < 0)
		out[j++] = '-';
	while (k)
		out[j++] = tmp[--k];
	out[j] = 0;
	return out;
}

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

/* code → code and label → code of a choice list, plus what lookup needs. */
static json_t *list_map(struct db *db, const char *sql, struct err *e)
{
	json_t *rows = db_rows_json(db, sql, NULL, 0, e);
	if (!rows)
		return NULL;
	json_t *m = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_object_set(m, jstr(r, "code"), r);
		json_object_set(m, jstr(r, "label"), r);
	}
	json_decref(rows);
	return m;
}

static json_t *lookup(json_t *map, const char *v)
{
	return *v ? json_object_get(map, v) : NULL;
}

/* The school of an OBEC code, NULL when there is none. */
static struct school_ref *school_of(struct imp *im, const char *obec)
{
	json_int_t k = json_integer_value(json_object_get(im->schools, obec));
	return k > 0 && (size_t)k <= im->nsch ? &im->sch[k - 1] : NULL;
}

/* s is valid UTF-8 already (import_row checks every cell first). */
static bool text_ok(const char *s, size_t max)
{
	return !strchr(s, '\n') && !strchr(s, '\t') && thai_utf8_chars(s) <= max;
}

/* The search words of a first or last name, broken once per distinct name
 * of the file (a census repeats its names over and over; the dictionary
 * walk is a sizeable part of a row's checking). thai_search_terms of
 * "first last" is the words of the first name, a space, the words of the
 * last name: a space separates words and nothing reaches across it. */
static void name_terms(struct imp *im, const char *name, struct buf *out)
{
	json_t *hit = json_object_get(im->terms, name);
	if (!hit) {
		struct buf t = BUF_INIT;
		thai_search_terms(name, &t);
		hit = json_string(buf_cstr(&t));
		json_object_set_new(im->terms, name, hit);
		buf_release(&t);
	}
	const char *w = json_string_value(hit);
	if (*w && out->len && out->data[out->len - 1] != ' ')
		buf_addc(out, ' ');
	buf_adds(out, w);
}

/* "ชาย", "ช", "M" … → "M" / "F"; NULL when it is none of them. */
static const char *sex_of(const char *s)
{
	static const char *const m[] = {"M", "m", "ชาย", "ช", "male", "Male", NULL};
	static const char *const f[] = {"F", "f", "หญิง", "ญ", "female", "Female", NULL};
	for (int i = 0; m[i]; i++)
		if (!strcmp(s, m[i]))
			return "M";
	for (int i = 0; f[i]; i++)
		if (!strcmp(s, f[i]))
			return "F";
	return NULL;
}

/* ---- SQLite: each checked row straight into dmc_learners ------------------------------- */

/* A row's values for dmc_learners (batch_add). */
enum direct {
	D_CID,
	D_GCODE,
	D_IDENT,
	D_SCHOOL,
	D_TITLE,
	D_FIRST,
	D_LAST,
	D_SEX,
	D_BIRTH,
	D_NAT,
	D_GRADE,
	D_ROOM,
	D_WEIGHT,
	D_HEIGHT,
	D_DISADV,
	D_DISAB,
	D_GUARDIAN,
	D_GPHONE,
	D_ADDRESS,
	D_SEARCH,
	D_NOW,
	D_N
};

/* Rows are inserted DIRECT_BATCH at a time, in one INSERT … VALUES of that
 * many rows: each execution of a statement on dmc_learners builds the
 * lists of its CHECK … IN (…) constraints into temporary b-trees again
 * (about a third of a one-row INSERT's cost, measured), and a statement's
 * start and end are paid once for all its rows. */
#define DIRECT_BATCH 64
#define DIRECT_COLS D_NOW /* the values of a row in the batch: D_CID … D_SEARCH */

/* The row values of the batch are copied (a row's cells live until the
 * next row): texts into im->arena, kept as offsets until the flush. */
static void batch_add(struct imp *im, const struct db_val *dv)
{
	if (!im->bv)
		im->bv = xcalloc(1 + DIRECT_BATCH * DIRECT_COLS, sizeof *im->bv);
	struct db_val *out = im->bv + 1 + (size_t)im->nb * DIRECT_COLS;
	for (int i = 0; i < DIRECT_COLS; i++) {
		out[i] = dv[i];
		if (dv[i].t == DBT_TEXT) {
			out[i].i = (long long)im->arena.len;
			out[i].s = NULL;
			buf_add(&im->arena, dv[i].s, strlen(dv[i].s) + 1);
		}
	}
	im->nb++;
}

/* The rows of the batch into dmc_learners: one statement, $1 the time and
 * each row's values after it in order (so SQLite numbers them as named). */
static int batch_flush(struct imp *im)
{
	if (!im->nb)
		return 0;
	int nv = 1 + im->nb * DIRECT_COLS;
	im->bv[0] = DB_INT(im->now);
	for (int k = 1; k < nv; k++)
		if (im->bv[k].t == DBT_TEXT)
			im->bv[k].s = im->arena.data + im->bv[k].i;
	/* the statement's text: made once for a full batch (and once for the
	 * last, shorter one) */
	struct buf *sql = &im->batch_sql[im->nb == DIRECT_BATCH];
	if (!sql->len || im->nb != DIRECT_BATCH) {
		buf_reset(sql);
		buf_adds(sql, "INSERT INTO dmc_learners (created_at, updated_at, citizen_id, gcode, ident, school_id, "
			      "status, title, first_name, last_name, sex, birth_date, nationality, grade, room, weight_x10, "
			      "height_x10, disadvantaged, disability, guardian_name, guardian_phone, address, search) VALUES ");
		for (int r = 0, p = 2; r < im->nb; r++) {
			buf_adds(sql, r ? ", ($1, $1" : "($1, $1");
			for (int c = 0; c < DIRECT_COLS; c++, p++) {
				buf_addf(sql, ", $%d", p);
				if (c == D_SCHOOL)
					buf_adds(sql, ", 'active'");
			}
			buf_addc(sql, ')');
		}
	}
	long long rc = db_exec(im->db, buf_cstr(sql), im->bv, nv, im->e);
	im->nb = 0;
	buf_reset(&im->arena);
	return rc < 0 ? -1 : 0;
}

/* The indexes of dmc_learners (name, sql) as sqlite_master keeps them. */
static json_t *learner_indexes(struct db *db, struct err *e)
{
	return db_rows_json(db,
			    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dmc_learners' "
			    "AND sql IS NOT NULL ORDER BY name",
			    NULL, 0, e);
}

static int drop_each(struct db *db, const char *what, json_t *list, struct err *e)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		struct buf drop = BUF_INIT;
		buf_addf(&drop, "DROP %s \"%s\"", what, jstr(x, "name"));
		int rc = db_exec(db, buf_cstr(&drop), NULL, 0, e);
		buf_release(&drop);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int create_each(struct db *db, json_t *list, struct err *e)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		if (db_exec(db, jstr(x, "sql"), NULL, 0, e) < 0)
			return -1;
	}
	return 0;
}

/* A file larger than the census so far (the first import of an area or
 * the nation): the census table's indexes dropped for the load and built
 * again after it (store_direct), in this transaction. CREATE INDEX
 * sorts the rows once, where row-by-row inserts descend seven trees for
 * each of them (two in Thai collation order). The records that were there
 * are read into im->stored first: without the ident index, the rows that
 * follow look their codes up there. Asked when the rows added reach a
 * power of two (1, 2, 4 …): a census of n records costs one count of at
 * most n rows each time, so a school's file into a national census never
 * counts it. 0, or -1 on a fault. */
static int maybe_drop_indexes(struct imp *im)
{
	long long k = im->added + 1; /* the rows added with this one */
	if (im->rebuild || (k & (k - 1)) != 0)
		return 0;
	long long have = 0;
	if (db_int_value(im->db, "SELECT COUNT(*) FROM (SELECT 1 FROM dmc_learners WHERE id <= $1 LIMIT $2) x",
			 DB_ARGS(DB_INT(im->before), DB_INT(k)), &have, im->e) < 0)
		return -1;
	if (have >= k)
		return 0;
	struct db_res *r = NULL;
	if (db_query(im->db, "SELECT ident, id, status = 'active', school_id FROM dmc_learners WHERE id <= $1",
		     DB_ARGS(DB_INT(im->before)), &r, im->e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(r, im->e)) == 1) {
		json_t *list = json_object_get(im->stored, db_text(r, 0));
		if (!list) {
			list = json_array();
			json_object_set_new(im->stored, db_text(r, 0), list);
		}
		json_array_append_new(list, json_pack("[I,I,I]", (json_int_t)db_int(r, 1), (json_int_t)db_int(r, 2),
						      (json_int_t)db_int(r, 3)));
	}
	db_res_free(r);
	if (rc < 0 || !(im->rebuild = learner_indexes(im->db, im->e)))
		return -1;
	return drop_each(im->db, "INDEX", im->rebuild, im->e);
}

/* What one row's code holds already: a record of another school, or one
 * that is not active, makes the row bad (a move in, not an add; the reason
 * names the school); this school's active record is updated (*id). 1 when
 * the row is bad, 0, or -1 on a fault. */
static int stored_record(struct imp *im, long long line, const char *ident, long long school, long long *id)
{
	*id = 0;
	long long other = 0, active = 0; /* the first record in the way: its school, active or not */
	if (im->rebuild) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(im->stored, ident), i, x)
		{
			long long rid = json_integer_value(json_array_get(x, 0)),
				  act = json_integer_value(json_array_get(x, 1)),
				  sid = json_integer_value(json_array_get(x, 2));
			if (sid != school || !act) {
				if (!other)
					other = sid, active = act;
			} else
				*id = rid;
		}
	} else {
		struct db_res *r = NULL;
		if (db_query(im->db,
			     "SELECT id, status = 'active', school_id FROM dmc_learners WHERE ident = $1 ORDER BY id",
			     DB_ARGS(DB_TEXT(ident)), &r, im->e) < 0)
			return -1;
		int rc;
		while ((rc = db_next(r, im->e)) == 1) {
			if (db_int(r, 2) != school || !db_int(r, 1)) {
				if (!other)
					other = db_int(r, 2), active = db_int(r, 1);
			} else
				*id = db_int(r, 0);
		}
		db_res_free(r);
		if (rc < 0)
			return -1;
	}
	if (!other)
		return 0;
	json_t *name = db_rows_json(im->db, "SELECT name FROM schools WHERE id = $1", DB_ARGS(DB_INT(other)), im->e);
	if (!name)
		return -1;
	const char *sname = jstr(json_array_get(name, 0), "name");
	struct buf why = BUF_INIT;
	if (active)
		buf_addf(&why,
			 "the learner is active at another school: move him in instead / นักเรียนคนนี้ยังเรียนอยู่ที่%s "
			 "ให้ใช้เมนูย้ายเข้าแทนการนำเข้า",
			 sname);
	else
		buf_addf(&why,
			 "the learner has a record already: move him in instead / นักเรียนคนนี้มีระเบียนอยู่แล้ว (ล่าสุดที่%s) "
			 "นักเรียนหนึ่งคนมีได้ระเบียนเดียว ให้ใช้เมนูย้ายเข้า",
			 sname);
	staged_bad(im->st, line, buf_cstr(&why));
	buf_release(&why);
	json_decref(name);
	return 1;
}

/* A checked row: against the records stored, then inserted (or its
 * school's active record updated, with its history line). Once a row was
 * bad nothing more is written (the transaction is rolled back), but every
 * row is still checked for the report. 0, or -1 on a fault. */
static int direct_row(struct imp *im, long long line, struct school_ref *sref, int gi, const struct db_val *dv)
{
	long long id = 0;
	int bad = stored_record(im, line, dv[D_IDENT].s, sref->id, &id);
	if (bad != 0 || staged_bad_count(im->st))
		return bad < 0 ? -1 : 0;
	sref->n++;
	if (id) {
		struct db_val u[18];
		memcpy(u, dv + D_TITLE, (D_N - D_TITLE) * sizeof *u); /* $1 … $17: title … now */
		u[17] = DB_INT(id);
		if (db_exec(im->db,
			    "UPDATE dmc_learners SET version = version + 1, title = $1, first_name = $2, last_name = $3, "
			    "sex = $4, birth_date = $5, nationality = $6, grade = $7, room = $8, weight_x10 = $9, "
			    "height_x10 = $10, disadvantaged = $11, disability = $12, guardian_name = $13, "
			    "guardian_phone = $14, address = $15, search = $16, updated_at = $17 WHERE id = $18",
			    u, 18, im->e) < 0 ||
		    db_exec(im->db,
			    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, to_school_id, detail) "
			    "VALUES ($1, $2, NULL, 'import', $3, '{}')",
			    DB_ARGS(DB_INT(id), DB_INT(im->now), DB_INT(sref->id)), im->e) < 0)
			return -1;
		if (im->nupd == im->capupd) {
			im->capupd = im->capupd ? 2 * im->capupd : 64;
			im->upd = xrealloc(im->upd, im->capupd * sizeof *im->upd);
		}
		im->upd[im->nupd++] = id;
		im->updated++;
		return 0;
	}
	if (maybe_drop_indexes(im) < 0)
		return -1;
	batch_add(im, dv);
	if (im->nb == DIRECT_BATCH && batch_flush(im) < 0)
		return -1;
	if (im->tally)
		im->tally[((size_t)(sref - im->sch) * (size_t)im->ngrade + (size_t)gi) * 2 + (dv[D_SEX].s[0] == 'F')]++;
	im->added++;
	return 0;
}

/* One data row: checked and, when good, loaded into the staging table
 * (SQLite: stored, direct_row). 0, or -1 on a fault (im->e). */
static int import_row(struct imp *im, const struct table_row *row, const int *pos)
{
	const char *v[NCOL];
	for (int i = 0; i < NCOL; i++)
		v[i] = table_cell(row, pos[i], &im->cell[i]);
	buf_reset(&im->why);
	struct err e = ERR_INIT;
	char line[24], room[24], weight[24], height[24], birth[16], gup[14] = "";
	decimal(row->line, line);
	const char *sv[NSTAGE] = {0};
	int rc = 0;
	/* what the checks find (a goto done skips the rest of them) */
	long long school = 0, rn = 1, w = -1, h = -1;
	struct school_ref *sref = NULL;
	const char *cid = v[C_CID], *gc = v[C_GCODE], *ident = "", *sex = NULL, *code[3] = {0};
	json_t *title = NULL, *grade = NULL;

	bool utf8 = true;
	for (int i = 0; i < NCOL; i++)
		if (!thai_utf8_valid(v[i], strlen(v[i])))
			utf8 = false;
	if (!utf8) {
		reason(im, "text is not valid UTF-8 (save the file as CSV UTF-8 or XLSX)",
		       "มีข้อความที่ไม่ใช่ UTF-8 ให้บันทึกไฟล์เป็น CSV UTF-8 หรือ XLSX");
		goto done;
	}
	/* school */
	if (!*v[C_SCHOOL]) {
		reason(im, "no school code", "ไม่มีรหัสโรงเรียน");
	} else {
		sref = school_of(im, v[C_SCHOOL]);
		school = sref ? sref->id : 0;
		if (!school)
			reason(im, "unknown school code", "ไม่พบโรงเรียนรหัส %s ในระบบ", v[C_SCHOOL]);
	}
	/* identity */
	if (!*cid && !*gc) {
		reason(im, "no citizen ID or G-code", "ไม่มีเลขประจำตัวประชาชนหรือรหัส G");
	} else if (*cid && *gc) {
		reason(im, "both a citizen ID and a G-code", "มีทั้งเลขประจำตัวประชาชนและรหัส G ให้ใส่อย่างใดอย่างหนึ่ง");
	} else if (*cid) {
		if (thai_citizen_id_check(cid, &e) < 0)
			reason(im, "bad citizen ID", "%s", e.msg);
	} else if (dmc_gcode_check(gc, &e) < 0) {
		reason(im, "bad G-code", "%s", e.msg);
	} else {
		snprintf(gup, sizeof gup, "G%s", gc + 1);
	}
	ident = *cid ? cid : gup;
	if (*ident && !im->why.len) {
		json_t *at = json_object_get(im->ident_at, ident);
		if (at)
			reason(im, "the same learner twice in the file", "นักเรียนคนเดียวกับบรรทัด %lld",
			       (long long)json_integer_value(at));
		else
			json_object_set_new(im->ident_at, ident, json_integer(row->line));
	}
	/* names and sex */
	title = lookup(im->titles, v[C_TITLE]);
	if (!title)
		reason(im, "unknown title", "คำนำหน้า \"%s\" ไม่มีในรายการ (ด.ช. ด.ญ. นาย นางสาว)", v[C_TITLE]);
	if (!*v[C_FIRST] || !*v[C_LAST])
		reason(im, "no first or last name", "ไม่มีชื่อหรือนามสกุล");
	else if (!text_ok(v[C_FIRST], 100) || !text_ok(v[C_LAST], 100))
		reason(im, "a name is too long or has line breaks", "ชื่อหรือนามสกุลยาวเกิน 100 ตัวอักษรหรือมีการขึ้นบรรทัด");
	sex = title ? jstr(title, "sex") : NULL;
	if (*v[C_SEX]) {
		const char *typed = sex_of(v[C_SEX]);
		if (!typed)
			reason(im, "unknown sex", "เพศ \"%s\" ไม่ถูกต้อง (ชาย หรือ หญิง)", v[C_SEX]);
		else if (sex && strcmp(sex, typed))
			reason(im, "the title does not match the sex", "คำนำหน้าไม่ตรงกับเพศ");
		else
			sex = typed;
	}
	/* grade, birth date, room */
	grade = lookup(im->grades, v[C_GRADE]);
	if (!grade)
		reason(im, "unknown grade", "ชั้น \"%s\" ไม่มีในรายการ (อ.1–อ.3, ป.1–ป.6, ม.1–ม.6)", v[C_GRADE]);
	int y, m, d;
	int dr = thai_date_input(v[C_BIRTH], &y, &m, &d);
	if (dr == THAI_DATE_BAD) {
		reason(im, "bad birth date", "วันเกิด \"%s\" ไม่ใช่วันที่ (เช่น 25/06/2560 เป็น พ.ศ.)", v[C_BIRTH]);
	} else if (dr == THAI_DATE_RANGE) {
		reason(im, "birth year out of range", "ปีเกิด %s อยู่นอกช่วงที่เป็นไปได้ ตรวจสอบว่าใช้ พ.ศ. หรือ ค.ศ.", v[C_BIRTH]);
	} else {
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", y, m, d);
		err_clear(&e);
		if (grade && dmc_birth_check(birth, im->now, (int)jint(grade, "min_age"), (int)jint(grade, "max_age"),
					     jstr(grade, "label"), &e) < 0)
			reason(im, "bad birth date", "%s", e.msg);
	}
	if (*v[C_ROOM] && num_parse_ll(v[C_ROOM], 1, 99, &rn) < 0)
		reason(im, "bad room", "ห้อง \"%s\" ต้องเป็นตัวเลข 1–99", v[C_ROOM]);
	decimal(rn, room);
	/* weight and height */
	if (*v[C_WEIGHT] && dmc_parse_tenths(v[C_WEIGHT], &w) < 0)
		reason(im, "bad weight", "น้ำหนัก \"%s\" ต้องเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง", v[C_WEIGHT]);
	else if (*v[C_HEIGHT] && dmc_parse_tenths(v[C_HEIGHT], &h) < 0)
		reason(im, "bad height", "ส่วนสูง \"%s\" ต้องเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง", v[C_HEIGHT]);
	else if (err_clear(&e), dmc_body_check(w, h, &e) < 0)
		reason(im, "weight or height out of range", "%s", e.msg);
	decimal(w, weight);
	decimal(h, height);
	/* the choice lists */
	static const char *const what[3] = {"สัญชาติ", "ความด้อยโอกาส", "ความพิการ"};
	static const char *const dflt[3] = {"TH", "none", "none"};
	const char *list_v[3] = {v[C_NAT], v[C_DISADV], v[C_DISAB]};
	for (int i = 0; i < 3; i++) {
		json_t *x = *list_v[i] ? lookup(im->lists[i], list_v[i]) : NULL;
		code[i] = *list_v[i] ? (x ? jstr(x, "code") : NULL) : dflt[i];
		if (!code[i])
			reason(im, "not in the list", "%s \"%s\" ไม่มีในรายการ", what[i], list_v[i]);
	}
	if (!text_ok(v[C_GUARDIAN], 200) || !text_ok(v[C_GPHONE], 30) || !text_ok(v[C_ADDRESS], 500))
		reason(im, "guardian or address too long", "ชื่อผู้ปกครอง โทรศัพท์ หรือที่อยู่ยาวเกินไป");

done:
	if (rc == 0 && im->why.len)
		staged_bad(im->st, row->line, buf_cstr(&im->why));
	if (rc == 0 && !im->why.len && im->direct) {
		struct buf search = BUF_INIT;
		name_terms(im, v[C_FIRST], &search);
		name_terms(im, v[C_LAST], &search);
		dmc_search_ident(ident, &search);
		const struct db_val dv[D_N] = {
		    [D_CID] = DB_TEXT(*cid ? cid : NULL),
		    [D_GCODE] = DB_TEXT(*cid ? NULL : gup),
		    [D_IDENT] = DB_TEXT(ident),
		    [D_SCHOOL] = DB_INT(school),
		    [D_TITLE] = DB_TEXT(jstr(title, "code")),
		    [D_FIRST] = DB_TEXT(v[C_FIRST]),
		    [D_LAST] = DB_TEXT(v[C_LAST]),
		    [D_SEX] = DB_TEXT(sex),
		    [D_BIRTH] = DB_TEXT(birth),
		    [D_NAT] = DB_TEXT(code[0]),
		    [D_GRADE] = DB_TEXT(jstr(grade, "code")),
		    [D_ROOM] = DB_INT(rn),
		    [D_WEIGHT] = w >= 0 ? DB_INT(w) : DB_NULL,
		    [D_HEIGHT] = h >= 0 ? DB_INT(h) : DB_NULL,
		    [D_DISADV] = DB_TEXT(code[1]),
		    [D_DISAB] = DB_TEXT(code[2]),
		    [D_GUARDIAN] = DB_TEXT(v[C_GUARDIAN]),
		    [D_GPHONE] = DB_TEXT(v[C_GPHONE]),
		    [D_ADDRESS] = DB_TEXT(v[C_ADDRESS]),
		    [D_SEARCH] = DB_TEXT(buf_cstr(&search)),
		    [D_NOW] = DB_INT(im->now),
		};
		rc = direct_row(im, row->line, sref, (int)jint(grade, "gi"), dv);
		buf_release(&search);
	} else if (rc == 0 && !im->why.len) {
		char sid[24];
		decimal(school, sid);
		struct buf search = BUF_INIT;
		name_terms(im, v[C_FIRST], &search);
		name_terms(im, v[C_LAST], &search);
		dmc_search_ident(ident, &search);
		sv[S_LINE] = line;
		sv[S_SCHOOL] = sid;
		sv[S_CID] = *cid ? cid : NULL;
		sv[S_GCODE] = *cid ? NULL : gup;
		sv[S_IDENT] = ident;
		sv[S_TITLE] = jstr(title, "code");
		sv[S_FIRST] = v[C_FIRST];
		sv[S_LAST] = v[C_LAST];
		sv[S_SEX] = sex;
		sv[S_BIRTH] = birth;
		sv[S_NAT] = code[0];
		sv[S_GRADE] = jstr(grade, "code");
		sv[S_ROOM] = room;
		sv[S_WEIGHT] = w >= 0 ? weight : NULL;
		sv[S_HEIGHT] = h >= 0 ? height : NULL;
		sv[S_DISADV] = code[1];
		sv[S_DISAB] = code[2];
		sv[S_GUARDIAN] = v[C_GUARDIAN];
		sv[S_GPHONE] = v[C_GPHONE];
		sv[S_ADDRESS] = v[C_ADDRESS];
		sv[S_SEARCH] = buf_cstr(&search);
		rc = staged_load(im->st, sv, im->e);
		buf_release(&search);
	}
	return rc;
}

static int row_cb(void *ctx, struct staged *st, const struct table_row *row, const int *pos)
{
	struct imp *im = ctx;
	im->st = st;
	return import_row(im, row, pos);
}

/* PostgreSQL: staged rows whose code has a record that is not this
 * school's active one: bad rows, each naming the school that holds it
 * (SQLite: stored_record, row by row). 0, or -1 on a fault. */
static int check_stored(struct imp *im)
{
	struct db_res *r = NULL;
	if (db_query(im->db,
		     "SELECT s.line, l.status, sc.name FROM dmc_import s "
		     "JOIN dmc_learners l ON l.ident = s.ident JOIN schools sc ON sc.id = l.school_id "
		     "WHERE l.school_id <> s.school_id OR l.status <> 'active' ORDER BY s.line",
		     NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	struct buf why = BUF_INIT;
	while ((rc = db_next(r, im->e)) == 1) {
		buf_reset(&why);
		if (!strcmp(db_text(r, 1), "active"))
			buf_addf(&why,
				 "the learner is active at another school: move him in instead / นักเรียนคนนี้ยังเรียนอยู่ที่%s "
				 "ให้ใช้เมนูย้ายเข้าแทนการนำเข้า",
				 db_text(r, 2));
		else
			buf_addf(
			    &why,
			    "the learner has a record already: move him in instead / นักเรียนคนนี้มีระเบียนอยู่แล้ว (ล่าสุดที่%s) "
			    "นักเรียนหนึ่งคนมีได้ระเบียนเดียว ให้ใช้เมนูย้ายเข้า",
			    db_text(r, 2));
		staged_bad(im->st, db_int(r, 0), buf_cstr(&why));
	}
	buf_release(&why);
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}

static int audit_areas(struct db *db, json_t *areas, struct err *e);

/* PostgreSQL: the staged rows into dmc_learners, their history and the
 * counts. */
static int store(struct imp *im, long long *added, long long *updated)
{
	struct db *db = im->db;
	struct err *e = im->e;
	long long now = im->now;
	*updated =
	    db_exec(db,
		    "UPDATE dmc_learners SET version = version + 1, title = s.title, first_name = s.first_name, last_name = s.last_name, "
		    "sex = s.sex, birth_date = s.birth_date, nationality = s.nationality, grade = s.grade, "
		    "room = s.room, weight_x10 = s.weight_x10, height_x10 = s.height_x10, "
		    "disadvantaged = s.disadvantaged, disability = s.disability, guardian_name = s.guardian_name, "
		    "guardian_phone = s.guardian_phone, address = s.address, search = s.search, updated_at = $1 "
		    "FROM dmc_import s WHERE dmc_learners.ident = s.ident AND dmc_learners.status = 'active' "
		    "AND dmc_learners.school_id = s.school_id",
		    DB_ARGS(DB_INT(now)), e);
	if (*updated < 0)
		return -1;
	*added = db_exec(db,
			 "INSERT INTO dmc_learners (citizen_id, gcode, ident, school_id, status, title, first_name, "
			 "last_name, sex, birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, "
			 "disability, guardian_name, guardian_phone, address, search, created_at, updated_at) "
			 "SELECT citizen_id, gcode, ident, school_id, 'active', title, first_name, last_name, sex, "
			 "birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability, "
			 "guardian_name, guardian_phone, address, search, $1, $1 FROM dmc_import s "
			 "WHERE NOT EXISTS (SELECT 1 FROM dmc_learners l WHERE l.ident = s.ident)",
			 DB_ARGS(DB_INT(now)), e);
	if (*added < 0)
		return -1;
	/* the history lines */
	if (db_exec(db,
		    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, to_school_id, detail) "
		    "SELECT l.id, $1, NULL, 'import', s.school_id, '{}' FROM dmc_import s "
		    "JOIN dmc_learners l ON l.ident = s.ident AND l.status = 'active'",
		    DB_ARGS(DB_INT(now)), e) < 0 ||
	    db_exec(db, "DELETE FROM dmc_counts WHERE school_id IN (SELECT DISTINCT school_id FROM dmc_import)", NULL,
		    0, e) < 0 ||
	    db_exec(db,
		    "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT school_id, grade, sex, COUNT(*) "
		    "FROM dmc_learners WHERE status = 'active' "
		    "AND school_id IN (SELECT DISTINCT school_id FROM dmc_import) GROUP BY school_id, grade, sex",
		    NULL, 0, e) < 0 ||
	    /* the same names and birth date active at another school (DMC-5) */
	    dmc_dup_check_schools_import(db, now, e) < 0)
		return -1;
	/* one audit row per area, with what the file did there */
	return audit_areas(db,
			   db_rows_json(db,
					"SELECT sc.area_id, COUNT(*) AS n, COUNT(DISTINCT s.school_id) AS schools "
					"FROM dmc_import s JOIN schools sc ON sc.id = s.school_id GROUP BY sc.area_id",
					NULL, 0, e),
			   e);
}

/* One audit row per area (area_id, n learners, schools), what the file did
 * there. areas is taken (NULL: a fault, -1). */
static int audit_areas(struct db *db, json_t *areas, struct err *e)
{
	if (!areas)
		return -1;
	size_t i;
	json_t *a;
	int rc = 0;
	json_array_foreach(areas, i, a)
	{
		json_t *d = json_pack("{s:I,s:I}", "learners", (json_int_t)jint(a, "n"), "schools",
				      (json_int_t)jint(a, "schools"));
		struct audit_entry en = {.actor_role = "cli",
					 .action = "dmc.import",
					 .area_id = jint(a, "area_id"),
					 .target_type = "file",
					 .detail = d};
		rc = audit_add(db, &en, e);
		json_decref(d);
		if (rc < 0)
			break;
	}
	json_decref(areas);
	return rc;
}

static int tally_flush(struct imp *im, struct buf *sql, const struct db_val *v, int k)
{
	if (!sql->len) {
		buf_adds(sql, "INSERT INTO dmc_counts (school_id, grade, sex, n) VALUES ");
		for (int r = 0; r < k; r++)
			buf_addf(sql, "%s($%d, $%d, $%d, $%d)", r ? ", " : "", 4 * r + 1, 4 * r + 2, 4 * r + 3, 4 * r + 4);
	}
	return db_exec(im->db, buf_cstr(sql), v, 4 * k, im->e) < 0 ? -1 : 0;
}

/* SQLite's direct path, after the rows: the indexes built again, the new
 * records' history lines (read in id order), the counts, the duplicates
 * check and the audit — each one statement. The counts of the schools of
 * the file are counted again (a first import's schools, that held no
 * learner and had no record updated: the tally of the rows added,
 * insert_tally, instead of grouping their learners again); with many schools (an area's or the
 * nation's file) the area sums' triggers on dmc_counts are dropped for it
 * and the areas of the file summed again once instead (in this
 * transaction: no other writer sees them missing), rather than a trigger
 * run for each school × grade × sex row. */
#define TRIGGERS_OFF_SCHOOLS 50

/* The schools of the file that had learners counted (held = 1 in
 * dmc_import_schools): their counts are grouped again, not tallied. */
static int held_schools(struct imp *im)
{
	json_t *ids = json_object();
	char key[24];
	for (size_t i = 0; i < im->nsch; i++)
		if (im->sch[i].n)
			json_object_set_new(ids, decimal(im->sch[i].id, key), json_integer((json_int_t)i));
	struct db_res *r = NULL;
	int rc = db_query(im->db, "SELECT school_id FROM dmc_import_schools WHERE held = 1", NULL, 0, &r, im->e);
	while (rc == 0 && (rc = db_next(r, im->e)) == 1) {
		json_t *k = json_object_get(ids, decimal(db_int(r, 0), key));
		if (k)
			im->sch[json_integer_value(k)].held = true;
		rc = 0;
	}
	db_res_free(r);
	json_decref(ids);
	return rc < 0 ? -1 : 0;
}

/* The tally of the rows added into dmc_counts, 64 count rows to an INSERT. */
static int insert_tally(struct imp *im)
{
	enum { PER = 64 };
	struct db_val v[PER * 4];
	struct buf full = BUF_INIT, part = BUF_INIT;
	int k = 0, rc = 0;
	static const char *const sexes[2] = {"M", "F"};
	for (size_t i = 0; i < im->nsch && rc == 0; i++) {
		if (!im->sch[i].n || im->sch[i].held)
			continue;
		for (int g = 0; g < im->ngrade && rc == 0; g++)
			for (int x = 0; x < 2 && rc == 0; x++) {
				long long n = im->tally[(i * (size_t)im->ngrade + (size_t)g) * 2 + (size_t)x];
				if (!n)
					continue;
				v[k * 4] = DB_INT(im->sch[i].id);
				v[k * 4 + 1] = DB_TEXT(im->gcode[g]);
				v[k * 4 + 2] = DB_TEXT(sexes[x]);
				v[k * 4 + 3] = DB_INT(n);
				if (++k == PER) {
					rc = tally_flush(im, &full, v, k);
					k = 0;
				}
			}
	}
	if (rc == 0 && k)
		rc = tally_flush(im, &part, v, k);
	buf_release(&full);
	buf_release(&part);
	return rc;
}


static int store_direct(struct imp *im)
{
	struct db *db = im->db;
	struct err *e = im->e;
	if (batch_flush(im) < 0 || (im->rebuild && create_each(db, im->rebuild, e) < 0))
		return -1;
	if (db_exec(db,
		    "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, to_school_id, detail) "
		    "SELECT id, $1, NULL, 'import', school_id, '{}' FROM dmc_learners WHERE id > $2 ORDER BY id",
		    DB_ARGS(DB_INT(im->now), DB_INT(im->before)), e) < 0 ||
	    db_exec(db,
		    "CREATE TEMP TABLE dmc_import_schools (school_id BIGINT PRIMARY KEY, area_id BIGINT NOT NULL, "
		    "n BIGINT NOT NULL, held BIGINT NOT NULL)",
		    NULL, 0, e) < 0)
		return -1;
	long long nschools = 0;
	for (size_t i = 0; i < im->nsch; i++) {
		const struct school_ref *s = &im->sch[i];
		if (!s->n)
			continue;
		nschools++;
		if (db_exec(db, "INSERT INTO dmc_import_schools (school_id, area_id, n, held) VALUES ($1, $2, $3, $4)",
			    DB_ARGS(DB_INT(s->id), DB_INT(s->area_id), DB_INT(s->n), DB_INT(im->tally && im->nupd == 0 ? 0 : 1)), e) < 0)
			return -1;
	}
	json_t *triggers = NULL;
	if (nschools >= TRIGGERS_OFF_SCHOOLS &&
	    (!(triggers = db_rows_json(db,
				       "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
				       "AND tbl_name = 'dmc_counts' AND sql IS NOT NULL ORDER BY name",
				       NULL, 0, e)) ||
	     drop_each(db, "TRIGGER", triggers, e) < 0)) {
		json_decref(triggers);
		return -1;
	}
	/* schools that had no learner counted and no record updated (a first
	 * import): their counts are the tally of the rows added, no need to
	 * group their learners again */
	bool tally = im->tally && im->nupd == 0;
	int rc = 0;
	if (tally && (db_exec(db,
			      "UPDATE dmc_import_schools SET held = 1 WHERE school_id IN "
			      "(SELECT school_id FROM dmc_counts WHERE n <> 0)",
			      NULL, 0, e) < 0 ||
		      held_schools(im) < 0))
		rc = -1;
	if (rc == 0 &&
	    (db_exec(db, "DELETE FROM dmc_counts WHERE school_id IN (SELECT school_id FROM dmc_import_schools)", NULL,
		     0, e) < 0 ||
	     db_exec(db,
		     "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT school_id, grade, sex, COUNT(*) "
		     "FROM dmc_learners WHERE status = 'active' "
		     "AND school_id IN (SELECT school_id FROM dmc_import_schools WHERE held = 1) "
		     "GROUP BY school_id, grade, sex",
		     NULL, 0, e) < 0 ||
	     (tally && insert_tally(im) < 0)))
		rc = -1;
	if (rc == 0 && triggers &&
	    (db_exec(db,
		     "DELETE FROM dmc_area_counts WHERE area_id IN (SELECT DISTINCT area_id FROM dmc_import_schools)",
		     NULL, 0, e) < 0 ||
	     db_exec(db,
		     "INSERT INTO dmc_area_counts (area_id, grade, sex, n) "
		     "SELECT s.area_id, c.grade, c.sex, SUM(c.n) FROM dmc_counts c JOIN schools s ON s.id = c.school_id "
		     "WHERE s.area_id IN (SELECT DISTINCT area_id FROM dmc_import_schools) "
		     "GROUP BY s.area_id, c.grade, c.sex",
		     NULL, 0, e) < 0 ||
	     create_each(db, triggers, e) < 0))
		rc = -1;
	json_decref(triggers);
	if (rc < 0 || dmc_dup_check_new(db, im->before, im->now, e) < 0)
		return -1;
	for (size_t i = 0; i < im->nupd; i++)
		if (dmc_dup_check_learner(db, im->upd[i], im->now, e) < 0)
			return -1;
	if (audit_areas(db,
			db_rows_json(db,
				     "SELECT area_id, SUM(n) AS n, COUNT(*) AS schools FROM dmc_import_schools "
				     "GROUP BY area_id ORDER BY area_id",
				     NULL, 0, e),
			e) < 0)
		return -1;
	return db_exec(db, "DROP TABLE dmc_import_schools", NULL, 0, e) < 0 ? -1 : 0;
}

static int load_lists(struct imp *im)
{
	struct db *db = im->db;
	im->titles = list_map(db, "SELECT code, label, sex FROM dmc_titles", im->e);
	im->grades = list_map(db, "SELECT code, label, COALESCE(min_age, 0) AS min_age, COALESCE(max_age, 0) AS max_age "
			       "FROM dmc_grades", im->e);
	im->lists[0] = list_map(db, "SELECT code, label FROM dmc_nationalities", im->e);
	im->lists[1] = list_map(db, "SELECT code, label FROM dmc_disadvantaged", im->e);
	im->lists[2] = list_map(db, "SELECT code, label FROM dmc_disabilities", im->e);
	if (!im->titles || !im->grades || !im->lists[0] || !im->lists[1] || !im->lists[2])
		return -1;
	/* every school's code now: PostgreSQL's COPY takes the connection
	 * until the rows are in */
	struct db_res *r = NULL;
	if (db_query(db, "SELECT obec_code, id, area_id FROM schools", NULL, 0, &r, im->e) < 0)
		return -1;
	int rc;
	size_t cap = 0;
	while ((rc = db_next(r, im->e)) == 1) {
		if (im->nsch == cap) {
			cap = cap ? 2 * cap : 1024;
			im->sch = xrealloc(im->sch, cap * sizeof *im->sch);
		}
		im->sch[im->nsch++] = (struct school_ref){.id = db_int(r, 1), .area_id = db_int(r, 2)};
		json_object_set_new(im->schools, db_text(r, 0), json_integer((json_int_t)im->nsch));
	}
	db_res_free(r);
	if (rc < 0)
		return -1;
	/* SQLite: each grade its index in the tally of the rows added */
	if (im->direct) {
		const char *key;
		json_t *g;
		json_object_foreach(im->grades, key, g)
		{
			if (json_object_get(g, "gi") || im->ngrade == 32)
				continue;
			im->gcode[im->ngrade] = jstr(g, "code");
			json_object_set_new(g, "gi", json_integer(im->ngrade++));
		}
		if (im->ngrade < 32) /* every grade has its index */
			im->tally = xcalloc(im->nsch * (size_t)im->ngrade * 2 + 1, sizeof *im->tally);
	}
	/* SQLite: the records of the file are the ids above this one */
	if (im->direct &&
	    db_int_value(db, "SELECT COALESCE(MAX(id), 0) FROM dmc_learners", NULL, 0, &im->before, im->e) < 0)
		return -1;
	return 0;
}

static int prepare_cb(void *ctx, struct err *e)
{
	return load_lists(ctx);
}

static int check_cb(void *ctx, struct staged *st)
{
	return check_stored(ctx);
}

static int store_cb(void *ctx, struct staged *st)
{
	struct imp *im = ctx;
	return store(im, &im->added, &im->updated);
}

static int store_direct_cb(void *ctx, struct staged *st)
{
	return store_direct(ctx);
}

static const struct staged_def students = {
    .table = "dmc_import",
    /* an area's or the nation's file: a million learners and more */
    .max_file = TABLE_CLI_MAX_FILE,
    .max_rows = TABLE_CLI_MAX_ROWS,
    .create_sql = "CREATE TEMP TABLE dmc_import (line BIGINT NOT NULL, school_id BIGINT NOT NULL, "
		  "citizen_id TEXT, gcode TEXT, ident TEXT NOT NULL, title TEXT NOT NULL, "
		  "first_name TEXT NOT NULL, last_name TEXT NOT NULL, sex TEXT NOT NULL, "
		  "birth_date TEXT NOT NULL, nationality TEXT NOT NULL, grade TEXT NOT NULL, "
		  "room BIGINT NOT NULL, weight_x10 BIGINT, height_x10 BIGINT, disadvantaged TEXT NOT NULL, "
		  "disability TEXT NOT NULL, guardian_name TEXT NOT NULL, guardian_phone TEXT NOT NULL, "
		  "address TEXT NOT NULL, search TEXT NOT NULL)",
    .cols = stage_cols,
    .ncols = NSTAGE,
    .columns = columns,
    .ncolumns = NCOL,
    .prepare = prepare_cb,
    .row = row_cb,
    .check = check_cb,
    .store = store_cb,
};

/* SQLite: no staging table; each checked row is stored by direct_row. */
static const struct staged_def students_direct = {
    .max_file = TABLE_CLI_MAX_FILE,
    .max_rows = TABLE_CLI_MAX_ROWS,
    .columns = columns,
    .ncolumns = NCOL,
    .prepare = prepare_cb,
    .row = row_cb,
    .store = store_direct_cb,
};

int dmc_import_students(struct db *db, const char *path, struct buf *report, struct err *e)
{
	struct imp im = {.db = db,
			 .e = e,
			 .now = (long long)time(NULL),
			 .schools = json_object(),
			 .ident_at = json_object(),
			 .terms = json_object(),
			 .direct = db_kind(db) == DB_SQLITE,
			 .stored = json_object()};
	int rc = staged_run(db, path, im.direct ? &students_direct : &students, &im, report, NULL, e);
	if (rc == 0)
		buf_addf(report,
			 "imported %s: %lld learners added, %lld updated\n"
			 "นำเข้าแล้ว: นักเรียนใหม่ %lld คน ปรับปรุงข้อมูล %lld คน\n",
			 path, im.added, im.updated, im.added, im.updated);
	json_decref(im.titles);
	json_decref(im.grades);
	for (int i = 0; i < 3; i++)
		json_decref(im.lists[i]);
	json_decref(im.schools);
	json_decref(im.ident_at);
	json_decref(im.terms);
	json_decref(im.stored);
	json_decref(im.rebuild);
	free(im.sch);
	free(im.upd);
	free(im.tally);
	free(im.bv);
	buf_release(&im.arena);
	buf_release(&im.batch_sql[0]);
	buf_release(&im.batch_sql[1]);
	buf_release(&im.why);
	for (int i = 0; i < NCOL; i++)
		buf_release(&im.cell[i]);
	return rc;
}
