/* audit: the append-only trail of admin actions and personal-data reads
 * (ACC-10, X-5). Writing is one INSERT in the caller's transaction; the
 * guarantee that rows are never changed lives in the database (triggers of
 * migration 0004), not here, so it holds for every code path and for a
 * second program sharing the database.
 *
 * The list and the CSV share one WHERE clause made of constant fragments,
 * one per filter that is set, each with its own bound $N. That keeps every
 * value a parameter, as everywhere else, while letting each engine plan the
 * query it is actually given: "area_id = $1 ORDER BY at DESC" walks the
 * (area_id, at DESC, id DESC) index, which "($1 = 0 OR area_id = $1)" would
 * not on PostgreSQL. There are at most 2^7 such texts, so the per-connection
 * statement cache stays small. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/db.h"
#include "core/thai.h"

#define PER_PAGE_DEFAULT 50
#define PER_PAGE_MAX 500

static struct db_val int_or_null(long long v)
{
	return v ? DB_INT(v) : DB_NULL;
}

int audit_add(struct db *db, const struct audit_entry *a, struct err *e)
{
	if (!a->action || !*a->action)
		return err_set(e, 500, "audit_add: no action");
	char *detail = NULL;
	if (a->detail) {
		detail = json_dumps(a->detail, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!detail)
			return err_set(e, 500, "audit_add %s: the detail cannot be written as JSON", a->action);
	}
	long long at = a->at ? a->at : (long long)time(NULL);
	long long rc =
	    db_exec(db,
		    "INSERT INTO audit (at, actor_user_id, actor_role, area_id, ip, action, target_type, "
		    "target_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		    DB_ARGS(DB_INT(at), int_or_null(a->actor_user_id), DB_TEXT(a->actor_role ? a->actor_role : ""),
			    int_or_null(a->area_id), DB_TEXT(a->ip ? a->ip : ""), DB_TEXT(a->action),
			    DB_TEXT(a->target_type ? a->target_type : ""), int_or_null(a->target_id), DB_TEXT(detail)),
		    e);
	free(detail);
	return rc < 0 ? -1 : 0;
}

/* The WHERE clause of a filter and its values. */
struct where {
	struct buf sql;
	struct db_val v[8];
	int n;
};

/* fragment names its parameter as %1$d (possibly twice), given v's
 * number ($1 the first) */
static void where_add(struct where *w, struct db_val v, const char *fragment, ...)
    __attribute__((format(printf, 3, 4)));
static void where_add(struct where *w, struct db_val v, const char *fragment, ...)
{
	w->v[w->n++] = v;
	buf_adds(&w->sql, w->n == 1 ? " WHERE " : " AND ");
	va_list ap;
	va_start(ap, fragment);
	buf_vaddf(&w->sql, fragment, ap);
	va_end(ap);
}

static int where_build(const struct audit_filter *f, struct where *w, struct err *e)
{
	memset(w, 0, sizeof *w);
	if (f->from && f->to && f->from >= f->to)
		return err_set(e, 400, "ช่วงวันที่ไม่ถูกต้อง วันที่เริ่มต้นต้องมาก่อนวันที่สิ้นสุด");
	if (f->area_id)
		where_add(w, DB_INT(f->area_id), "area_id = $%d", w->n + 1);
	if (f->actor_user_id)
		where_add(w, DB_INT(f->actor_user_id), "actor_user_id = $%d", w->n + 1);
	if (f->action_prefix && *f->action_prefix)
		where_add(w, DB_TEXT(f->action_prefix),
			  "substr(action, 1, length(CAST($%1$d AS TEXT))) = CAST($%1$d AS TEXT)", w->n + 1);
	if (f->target_type && *f->target_type)
		where_add(w, DB_TEXT(f->target_type), "target_type = $%d", w->n + 1);
	if (f->target_id)
		where_add(w, DB_INT(f->target_id), "target_id = $%d", w->n + 1);
	if (f->from)
		where_add(w, DB_INT(f->from), "at >= $%d", w->n + 1);
	if (f->to)
		where_add(w, DB_INT(f->to), "at < $%d", w->n + 1);
	return 0;
}

static const char columns[] =
    "SELECT id, at, actor_user_id, actor_role, area_id, ip, action, target_type, target_id, detail FROM audit";

static int count_rows(struct db *db, struct where *w, long long *total, struct err *e)
{
	struct buf sql = BUF_INIT;
	buf_addf(&sql, "SELECT COUNT(*) FROM audit%s", buf_cstr(&w->sql));
	int rc = db_int_value(db, buf_cstr(&sql), w->n ? w->v : NULL, w->n, total, e);
	buf_release(&sql);
	return rc < 0 ? -1 : 0;
}

json_t *audit_list(struct db *db, const struct audit_filter *f, struct err *e)
{
	struct where w;
	if (where_build(f, &w, e))
		return NULL;
	long long total = 0;
	if (count_rows(db, &w, &total, e)) {
		buf_release(&w.sql);
		return NULL;
	}
	long long per = f->per_page <= 0 ? PER_PAGE_DEFAULT : f->per_page > PER_PAGE_MAX ? PER_PAGE_MAX : f->per_page;
	long long pages = total ? (total + per - 1) / per : 1;
	long long page = f->page < 1 ? 1 : f->page > pages ? pages : f->page;

	struct buf sql = BUF_INIT;
	buf_addf(&sql, "%s%s ORDER BY at DESC, id DESC LIMIT $%d OFFSET $%d", columns, buf_cstr(&w.sql), w.n + 1,
		 w.n + 2);
	w.v[w.n++] = DB_INT(per);
	w.v[w.n++] = DB_INT((page - 1) * per);
	json_t *rows = db_rows_json(db, buf_cstr(&sql), w.v, w.n, e);
	buf_release(&sql);
	buf_release(&w.sql);
	if (!rows)
		return NULL;

	size_t i;
	json_t *row;
	struct buf t = BUF_INIT;
	json_array_foreach(rows, i, row)
	{
		buf_reset(&t);
		thai_datetime_short(&t, json_integer_value(json_object_get(row, "at")));
		json_object_set_new(row, "at_text", json_string(buf_cstr(&t)));
		const char *d = json_string_value(json_object_get(row, "detail"));
		if (d) {
			/* written by audit_add, so it parses; keep the text if not */
			json_t *parsed = json_loads(d, JSON_DECODE_ANY, NULL);
			if (parsed)
				json_object_set_new(row, "detail", parsed);
		}
	}
	buf_release(&t);
	return json_pack("{s:o, s:I, s:I, s:I, s:I}", "rows", rows, "total", (json_int_t)total, "page",
			 (json_int_t)page, "pages", (json_int_t)pages, "per_page", (json_int_t)per);
}

static void csv_int(struct buf *out, struct db_res *r, int col)
{
	if (!db_isnull(r, col))
		buf_addf(out, "%lld", db_int(r, col));
}

int audit_csv(struct db *db, const struct audit_filter *f, struct buf *out, struct err *e)
{
	struct where w;
	if (where_build(f, &w, e))
		return -1;
	long long total = 0;
	if (count_rows(db, &w, &total, e)) {
		buf_release(&w.sql);
		return -1;
	}
	if (total > AUDIT_CSV_MAX_ROWS) {
		buf_release(&w.sql);
		return err_set(e, 400,
			       "มีรายการ %lld รายการ เกินกว่าที่ส่งออกได้ในครั้งเดียว (%d รายการ) "
			       "กรุณาเลือกช่วงวันที่ให้สั้นลง",
			       total, AUDIT_CSV_MAX_ROWS);
	}
	struct buf sql = BUF_INIT;
	buf_addf(&sql, "%s%s ORDER BY at DESC, id DESC", columns, buf_cstr(&w.sql));
	struct db_res *r = NULL;
	int rc = db_query(db, buf_cstr(&sql), w.n ? w.v : NULL, w.n, &r, e);
	buf_release(&sql);
	buf_release(&w.sql);
	if (rc)
		return -1;

	/* The BOM tells Excel the file is UTF-8; without it Thai is mojibake. */
	buf_adds(out, "\xEF\xBB\xBF");
	buf_adds(out, "ลำดับที่,วันเวลา,รหัสผู้ดำเนินการ,บทบาท,รหัสเขตพื้นที่,ที่อยู่ IP,การดำเนินการ,"
		      "ประเภทเป้าหมาย,รหัสเป้าหมาย,รายละเอียด\r\n");
	struct buf t = BUF_INIT;
	while ((rc = db_next(r, e)) == 1) {
		csv_int(out, r, 0);
		buf_addc(out, ',');
		buf_reset(&t);
		thai_datetime_short(&t, db_int(r, 1));
		buf_add_csv(out, buf_cstr(&t));
		buf_addc(out, ',');
		csv_int(out, r, 2);
		buf_addc(out, ',');
		buf_add_csv(out, db_text(r, 3));
		buf_addc(out, ',');
		csv_int(out, r, 4);
		buf_addc(out, ',');
		buf_add_csv(out, db_text(r, 5));
		buf_addc(out, ',');
		buf_add_csv(out, db_text(r, 6));
		buf_addc(out, ',');
		buf_add_csv(out, db_text(r, 7));
		buf_addc(out, ',');
		csv_int(out, r, 8);
		buf_addc(out, ',');
		buf_add_csv(out, db_text(r, 9));
		buf_adds(out, "\r\n");
	}
	buf_release(&t);
	db_res_free(r);
	return rc < 0 ? -1 : 0;
}
