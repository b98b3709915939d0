/* export: the one path every list's download takes. A list declares
 * its columns once (struct sheet_col: Thai header, width, kind, model key)
 * and its page handler, seeing ?format=csv|xlsx, hands the rows of the
 * model it built for the page to export_rows — so the file has the page's
 * filters, masking and route flags (ROUTE_MAY_LAG) by construction, from
 * the page's one query.
 *
 *   static const struct sheet_col cols[] = {
 *       {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"},
 *       {"ชื่อโรงเรียน", 40, SHEET_TEXT, 0, "name"},
 *       {"จำนวนนักเรียน", 10, SHEET_NUMBER, 0, "learners"}};
 *   static const struct export_list list = {"โรงเรียนในสังกัด", "schools", 3, cols};
 *   enum sheet_format f;
 *   if (export_asked(r, &f))          // ?format= present
 *       return export_rows(r, f, &list, json_object_get(model, "schools"), model);
 *   export_links(r, model);           // model.export.{csv,xlsx}: the buttons (partials/export.html)
 *
 * The file is "<base>-YYYY-MM-DD.csv|xlsx" (ASCII, the date in Bangkok) with
 * the Thai title as its RFC 6266 UTF-8 name. A column whose key is personal
 * (core/personal.h: citizen_id, phone, email …) that carries values is
 * reported to the personal-data hook like a page that shows it (the audit's
 * personal.read, naming the export and the fields); a list exports the
 * *_masked keys its page shows instead, so masking follows the page. */
#ifndef KHET_EXPORT_H
#define KHET_EXPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "core/http.h"
#include "core/sheet.h"

struct export_list {
	const char *title; /* Thai: the worksheet's name (cut to 31 characters on a word) and the file's UTF-8 name */
	const char *base;  /* ASCII base of the file name: "schools" */
	int ncols;
	const struct sheet_col *cols;
};

/* True when the request asks for a file: ?format= is present. *f is set
 * when it names csv or xlsx; export_rows refuses any other value (404). */
bool export_asked(struct req *r, enum sheet_format *f);
/* The page's rows (an array of objects; borrowed) as the file; model (may
 * be NULL) is freed. Answers and returns 0, like view_page. */
int export_rows(struct req *r, enum sheet_format f, const struct export_list *l, json_t *rows, json_t *model);
/* For a handler that writes cells itself (sections, totals): begin, write
 * with sheet_*, end (answers the file, or the fault page). */
struct sheet *export_begin(struct req *r, enum sheet_format f, const struct export_list *l, struct err *e);
int export_end(struct req *r, struct sheet *s, enum sheet_format f, const struct export_list *l);
/* A document (a PDF pdf_finish made, taken) as a download named like
 * every export: the ASCII name "<base>-2569-12-08.pdf" and the Thai name
 * (title_fmt, printf-like) with the same BE date, Bangkok's day. Answers
 * and returns 0. */
int export_pdf(struct req *r, struct buf *pdf, const char *base, const char *title_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* model.export = {csv, xlsx}: this page's address with its filters (not
 * page=) and format=csv / format=xlsx, for partials/export.html. */
void export_links(struct req *r, json_t *model);

#endif
