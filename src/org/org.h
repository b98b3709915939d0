/* org: the organisation every other module hangs off (ORG-1): OBEC (สพฐ.)
 * → area offices (สำนักงานเขตพื้นที่การศึกษา) → their work groups (กลุ่มงาน)
 * and schools. Other modules call only what is declared here; the tables
 * areas, work_groups and schools belong to this module.
 *
 * JSON results use the column names of db/migrations/0002_org.sql. Functions
 * that can fail return NULL or -1 and fill e: 400 with a Thai message (and
 * e->field) for bad input, 404 when the area or school does not exist, 409
 * for a duplicate code, 500 for a database fault. */
#ifndef KHET_ORG_H
#define KHET_ORG_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"
#include "core/module.h"

struct db;

/* Codes of a school: the OBEC school code has 10 digits, the SMIS code 8.
 * The _valid forms only answer yes or no; the _check forms fill e (field
 * "obec_code" / "smis_code") with a Thai message saying what is wrong. */
bool org_school_code_valid(const char *s);
bool org_smis_code_valid(const char *s);
int org_school_code_check(const char *s, struct err *e);
int org_smis_code_check(const char *s, struct err *e);

/* Paging of a list of total rows (pure, for handlers and tests): per_page is
 * forced to 10/25/50/100 or ORG_ALL_ROWS (an export: every row on one
 * page; never from a query string) (else 10), page to [1, pages]; pages is at least 1;
 * from/to are 1-based row numbers of the page (0/0 for an empty list). */
struct org_paging {
	long long total, page, pages, per_page, from, to, offset;
};
#define ORG_ALL_ROWS 10000000LL
void org_paging(long long total, long long page, long long per_page, struct org_paging *out);

/* One area {id, code, name, short_name, kind, province, school_count};
 * NULL with 404 when there is none. */
json_t *org_area_get(struct db *db, long long id, struct err *e);
/* All areas in Thai order of name, each with its school_count. */
json_t *org_areas_list(struct db *db, struct err *e);
/* Creates an area office and returns its id; 409 if the code exists. */
long long org_area_add(struct db *db, const char *code, const char *name, const char *short_name, const char *kind,
		       const char *province, struct err *e);
/* The area's work groups [{id, name, sort}] in their set order. */
json_t *org_work_groups(struct db *db, long long area_id, struct err *e);
/* Adds a work group at the end of the area's order; returns its id. */
long long org_work_group_add(struct db *db, long long area_id, const char *name, struct err *e);

/* One page of an area's schools in Thai order of name:
 * {area, rows:[{id, obec_code, smis_code, name, district, province}], q,
 *  total, page, pages, per_page, from, to}. With an empty q the total is the
 * area's school_count (two queries: the area and the page); a q that is a
 * whole OBEC or SMIS code finds that school by its code; any other q
 * matches when every word of it (thai_search_terms) occurs in the school's
 * name, district or codes, and one count query is added. 404 for an unknown
 * area; 400 for a q that is not valid UTF-8 or longer than 100 characters. */
json_t *org_schools_page(struct db *db, long long area_id, const char *q, long long page, long long per_page,
			 struct err *e);
/* One school {id, area_id, obec_code, smis_code, name, district, province,
 * created_at}; NULL with 404 when there is none. */
json_t *org_school_get(struct db *db, long long id, struct err *e);
/* Adds a school to an area after checking its codes and name, keeping the
 * area's school_count; returns the new id. A code already in use is 409
 * "รหัสโรงเรียน … มีอยู่แล้ว". Runs several statements: call it inside a
 * transaction (unsafe-method handlers already are). */
long long org_school_add(struct db *db, long long area_id, const char *obec, const char *smis, const char *name,
			 const char *district, const char *province, struct err *e);
/* Changes a school's codes, name, district and province with the checks of
 * org_school_add (a code another school holds is 409); area_id > 0 moves
 * it to that area (both areas' school_count kept), 0 keeps its area. 404
 * when there is no such school. Same transaction rule as org_school_add. */
int org_school_update(struct db *db, long long id, long long area_id, const char *obec, const char *smis,
		      const char *name, const char *district, const char *province, struct err *e);
/* Removes a school and lowers its area's school_count (same transaction
 * rule as org_school_add). */
int org_school_remove(struct db *db, long long id, struct err *e);

/* Demo data for `khet demo` and the benchmark: two area offices with their
 * work groups and schools_per_area schools each, the same every run;
 * running it again changes nothing. */
int org_demo(struct db *db, int schools_per_area, struct err *e);
/* The same with nareas area offices (`khet demo --areas N`, 2 to
 * ORG_DEMO_MAX_AREAS): the two above, then generated ones of the Thai
 * provinces up to the national count (demo.c says how they are named and
 * numbered); an area there already is left alone. */
#define ORG_DEMO_MAX_AREAS 245
int org_demo_areas(struct db *db, int schools_per_area, int nareas, struct err *e);

/* Within the module only (demo.c's bulk insert), not for other modules:
 * appends the text stored in schools.search for a school to out. */
void org_school_search_text(const char *name, const char *district, const char *obec, const char *smis,
			    struct buf *out);

/* Within the module (import.c): a required or optional line of text —
 * valid UTF-8, no tab or line break, at most max characters — else -1
 * with e (field, Thai message naming what). */
int org_text_check(const char *s, bool required, size_t max, const char *field, const char *what, struct err *e);

/* `khet import org FILE` (import.c): areas, work groups and schools from a
 * CSV or XLSX file in the official shape, all rows or none; a second run
 * of the same file updates and adds nothing twice. */
int org_import(struct db *db, const char *path, struct buf *report, struct err *e);

/* The module's pages: /, /areas, /areas/:id, /areas/:id/schools. */
extern const struct route_table org_routes;

#endif
