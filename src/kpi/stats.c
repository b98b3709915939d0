/* stats: what KPI-Online shows about many reports at once — the indicator
 * list of a year with [submitted/checked/total] and average scores per
 * period (KPI-7), the all-periods matrix of one indicator (KPI-7), and the
 * yearly statistics (KPI-8).
 *
 * Each of them costs a fixed number of queries whatever the number of
 * units and reports:
 * - the list reads the year's indicators and their periods (two queries):
 *   the figures are the period counters kpi_period_recount keeps;
 * - the matrix reads the indicator, its open periods, one page of its
 *   units along the kpi_indicator_units index, and the cells of exactly
 *   those units (four queries), and fills the grid in C; a cell that has
 *   no report row is a period the unit was not assigned to;
 * - the statistics read the year's indicators with their year totals
 *   (kept on the indicator row by kpi_period_recount), and for signed-in
 *   users one grouped query over the year's reports per unit; the public
 *   page's rendered table is kept for a moment (kpi_public_table). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/db.h"
#include "core/thai.h"
#include "core/view.h"
#include "kpi/kpi_internal.h"

/* The year's indicators, in number order, decorated. */
static json_t *year_indicators(struct db *db, long long area_id, int fy, bool with_hidden, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT i.id, i.area_id, i.fiscal_year, i.d1, i.d2, i.d3, i.d4, i.number, i.name, "
				    "i.description, i.type, i.weight_x100, i.criteria, i.work_group_id, "
				    "w.name AS work_group_name, i.period_kind, i.status, i.n_units, i.created_at, "
				    "i.updated_at FROM kpi_indicators i JOIN work_groups w ON w.id = i.work_group_id "
				    "WHERE i.area_id = $1 AND i.fiscal_year = $2 AND (i.status <> 'hidden' OR $3 = 1) "
				    "ORDER BY i.sort_key, i.id",
				    DB_ARGS(DB_INT(area_id), DB_INT(fy), DB_INT(with_hidden ? 1 : 0)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *ind;
	json_array_foreach(rows, i, ind) kpi_indicator_decorate(ind);
	return rows;
}

/* The year's periods, keyed by indicator id (as text) → array in seq order. */
static json_t *year_periods(struct db *db, long long area_id, int fy, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT p.id, p.indicator_id, p.kind, p.seq, p.start_date, p.end_date, COALESCE(p.opened_at, 0) AS "
	    "opened_at, "
	    "p.due_date, p.n_assigned, p.n_saved, p.n_submitted, p.n_reviewed, p.self_sum, p.self_n, p.review_sum, "
	    "p.review_n FROM kpi_periods p JOIN kpi_indicators i ON i.id = p.indicator_id "
	    "WHERE i.area_id = $1 AND i.fiscal_year = $2 ORDER BY p.indicator_id, p.seq",
	    DB_ARGS(DB_INT(area_id), DB_INT(fy)), e);
	if (!rows)
		return NULL;
	json_t *by = json_object();
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p)
	{
		kpi_period_decorate(p, fy);
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(p, "indicator_id")));
		json_t *arr = json_object_get(by, key);
		if (!arr) {
			arr = json_array();
			json_object_set_new(by, key, arr);
		}
		json_array_append(arr, p);
	}
	json_decref(rows);
	return by;
}

/* The year's indicator attachments (the seed's document column), keyed by
 * indicator id (as text) → [{id, slot, label, description, filename, url}]
 * in slot order: one query for the whole list. */
static json_t *year_files(struct db *db, long long area_id, int fy, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT f.id, f.indicator_id, f.slot, f.description, f.filename "
				    "FROM kpi_indicator_files f JOIN kpi_indicators i ON i.id = f.indicator_id "
				    "WHERE i.area_id = $1 AND i.fiscal_year = $2 ORDER BY f.indicator_id, f.slot",
				    DB_ARGS(DB_INT(area_id), DB_INT(fy)), e);
	if (!rows)
		return NULL;
	json_t *by = json_object();
	size_t i;
	json_t *f;
	struct buf b = BUF_INIT;
	json_array_foreach(rows, i, f)
	{
		long long ind = json_integer_value(json_object_get(f, "indicator_id"));
		buf_reset(&b);
		json_object_set_new(
		    f, "label", json_string(kpi_ind_file_label((int)json_integer_value(json_object_get(f, "slot")), &b)));
		char url[80];
		snprintf(url, sizeof url, "/kpi/indicators/%lld/files/%lld", ind,
			 (long long)json_integer_value(json_object_get(f, "id")));
		json_object_set_new(f, "url", json_string(url));
		char key[32];
		snprintf(key, sizeof key, "%lld", ind);
		json_t *arr = json_object_get(by, key);
		if (!arr) {
			arr = json_array();
			json_object_set_new(by, key, arr);
		}
		json_array_append(arr, f);
	}
	buf_release(&b);
	json_decref(rows);
	return by;
}

json_t *kpi_year_list(struct db *db, long long area_id, int fy, bool with_hidden, struct err *e)
{
	json_t *inds = year_indicators(db, area_id, fy, with_hidden, e);
	if (!inds)
		return NULL;
	json_t *by = year_periods(db, area_id, fy, e);
	json_t *docs = by ? year_files(db, area_id, fy, e) : NULL;
	if (!docs) {
		json_decref(by);
		json_decref(inds);
		return NULL;
	}
	size_t i;
	json_t *ind;
	json_array_foreach(inds, i, ind)
	{
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(ind, "id")));
		json_t *all = json_object_get(by, key);
		json_t *open = json_array();
		size_t k;
		json_t *p;
		json_array_foreach(all, k, p) if (json_is_true(json_object_get(p, "opened")))
		    json_array_append(open, p);
		json_object_set_new(ind, "periods", open);
		json_object_set_new(ind, "all_periods", all ? json_incref(all) : json_array());
		json_object_set_new(ind, "no", json_integer((json_int_t)i + 1));
		json_t *fs = json_object_get(docs, key);
		json_object_set_new(ind, "files", fs ? json_incref(fs) : json_array());
		json_object_set_new(ind, "has_files", json_boolean(fs != NULL));
	}
	json_decref(docs);
	json_decref(by);
	return json_pack("{s:o, s:I}", "indicators", inds, "count", (json_int_t)json_array_size(inds));
}

json_t *kpi_unit_reports(struct db *db, long long area_id, int fy, long long school_id, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT r.id, r.period_id, r.status FROM kpi_reports r "
				    "JOIN kpi_indicators i ON i.id = r.indicator_id "
				    "WHERE r.unit_key = $3 AND i.area_id = $1 AND i.fiscal_year = $2",
				    DB_ARGS(DB_INT(area_id), DB_INT(fy), DB_INT(school_id > 0 ? school_id : 0)), e);
	if (!rows)
		return NULL;
	json_t *by = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(r, "period_id")));
		int st = kpi_status_parse(json_string_value(json_object_get(r, "status")));
		json_object_set_new(by, key,
				    json_pack("{s:O, s:O, s:s}", "report_id", json_object_get(r, "id"), "status",
					      json_object_get(r, "status"), "status_label",
					      kpi_status_label(st < 0 ? KPI_ASSIGNED : (enum kpi_status)st)));
	}
	json_decref(rows);
	return by;
}

/* ---- the matrix ---------------------------------------------------------- */

/* The benchmark page (300 units × 12 months, ≥ 2,000 pages/s on two
 * cores), so its cells are read with db_query row by row into a grid and
 * each cell object carries only the keys its state needs: a jansson value
 * costs allocations, and hundreds of cells a page add up. A section key a
 * cell leaves out (sent, reviewed …) is looked up by mustache in the
 * enclosing contexts, so no ancestor of a cell (unit, page model, layout)
 * has any of these keys. Cells of periods a unit was not assigned to share
 * one object. */

static void set_score(json_t *o, const char *k, long long x100, struct buf *b)
{
	buf_reset(b);
	kpi_score_fixed(x100, b);
	json_object_set_new_nocheck(o, k, json_stringn_nocheck(b->data, b->len));
}

/* A person's name as a JSON string shared by every cell of the page that
 * names him (the refs own one reference each; a cell takes its own with
 * json_object_set_nocheck). Past NAME_REFS people the last slot is
 * replaced, which only costs a copy. */
#define NAME_REFS 32
struct name_ref {
	long long user_id;
	json_t *name;
};

static json_t *name_of(struct name_ref *refs, size_t *n, long long user_id, const char *text)
{
	for (size_t i = 0; i < *n; i++)
		if (refs[i].user_id == user_id)
			return refs[i].name;
	json_t *s = json_string(text);
	if (*n == NAME_REFS)
		json_decref(refs[--(*n)].name);
	refs[(*n)++] = (struct name_ref){user_id, s};
	return s;
}

json_t *kpi_matrix(struct db *db, long long indicator_id, long long page, long long per_page, struct err *e)
{
	json_t *ind = kpi_indicator_get(db, indicator_id, e);
	if (!ind)
		return NULL;
	int fy = (int)json_integer_value(json_object_get(ind, "fiscal_year"));
	json_t *periods =
	    db_rows_json(db,
			 "SELECT id, kind, seq, COALESCE(opened_at, 0) AS opened_at, due_date, n_assigned, "
			 "n_saved, n_submitted, n_reviewed, self_sum, self_n, review_sum, review_n "
			 "FROM kpi_periods WHERE indicator_id = $1 AND opened_at IS NOT NULL ORDER BY seq",
			 DB_ARGS(DB_INT(indicator_id)), e);
	if (!periods) {
		json_decref(ind);
		return NULL;
	}
	size_t np = json_array_size(periods);
	size_t i;
	json_t *p;
	long long pids[KPI_PERIODS_MAX];
	json_array_foreach(periods, i, p)
	{
		kpi_period_decorate(p, fy);
		if (i < KPI_PERIODS_MAX)
			pids[i] = json_integer_value(json_object_get(p, "id"));
	}
	if (np > KPI_PERIODS_MAX)
		np = KPI_PERIODS_MAX;

	if (per_page < 1 || per_page > 100)
		per_page = 25;
	long long total = json_integer_value(json_object_get(ind, "n_units"));
	long long pages = total > 0 ? (total + per_page - 1) / per_page : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	long long offset = (page - 1) * per_page;
	json_t *units =
	    db_rows_json(db,
			 "SELECT unit_key AS school_id, name AS unit_name FROM kpi_indicator_units "
			 "WHERE indicator_id = $1 ORDER BY rank, name COLLATE thai, unit_key LIMIT $2 OFFSET $3",
			 DB_ARGS(DB_INT(indicator_id), DB_INT(per_page), DB_INT(offset)), e);
	if (!units) {
		json_decref(periods);
		json_decref(ind);
		return NULL;
	}
	size_t nu = json_array_size(units);
	long long *keys = xcalloc(nu, sizeof *keys);
	json_t **grid = xcalloc(nu * np, sizeof *grid);
	json_t *u;
	json_array_foreach(units, i, u) keys[i] = json_integer_value(json_object_get(u, "school_id"));

	struct db_res *res = NULL;
	int rc = db_query(db,
			  "SELECT r.id, r.unit_key, r.period_id, r.status, r.self_x100, r.review_x100, "
			  "COALESCE(ur.first_name || ' ' || ur.last_name, ''), "
			  "COALESCE(uv.first_name || ' ' || uv.last_name, ''), COALESCE(r.reporter_id, 0), "
			  "COALESCE(r.reviewer_id, 0) "
			  "FROM kpi_reports r LEFT JOIN users ur ON ur.id = r.reporter_id "
			  "LEFT JOIN users uv ON uv.id = r.reviewer_id "
			  "WHERE r.indicator_id = $1 AND r.unit_key IN (SELECT unit_key FROM kpi_indicator_units "
			  "WHERE indicator_id = $1 ORDER BY rank, name COLLATE thai, unit_key LIMIT $2 OFFSET $3)",
			  DB_ARGS(DB_INT(indicator_id), DB_INT(per_page), DB_INT(offset)), &res, e);
	struct buf b = BUF_INIT;
	size_t hint = 0;
	/* the few strings every cell repeats are shared, not copied per cell:
	 * the states, and the names of the people who reported and reviewed
	 * (a handful per page) */
	static const char *const states[KPI_STATUS_COUNT] = {"pending", "draft", "waiting", "reviewed"};
	json_t *state_str[KPI_STATUS_COUNT];
	for (int k = 0; k < KPI_STATUS_COUNT; k++)
		state_str[k] = json_string_nocheck(states[k]);
	struct name_ref names[NAME_REFS];
	size_t nnames = 0;
	while (rc == 0 && (rc = db_next(res, e)) == 1) {
		rc = 0;
		long long uk = db_int(res, 1), pid = db_int(res, 2);
		size_t ui = nu, pi = np;
		/* rows of one unit come together: try the last unit first */
		for (size_t k = 0; k < nu; k++) {
			size_t j = (hint + k) % nu;
			if (keys[j] == uk) {
				ui = j;
				break;
			}
		}
		for (size_t k = 0; k < np; k++)
			if (pids[k] == pid)
				pi = k;
		if (ui == nu || pi == np)
			continue; /* a period not open (closed again): not shown */
		hint = ui;
		int st = kpi_status_parse(db_text(res, 3));
		if (st < 0)
			st = KPI_ASSIGNED;
		json_t *c = json_object();
		json_object_set_nocheck(c, "state", state_str[st]);
		json_object_set_new_nocheck(c, "report_id", json_integer(db_int(res, 0)));
		if (st == KPI_ASSIGNED || st == KPI_DRAFT) {
			json_object_set_new_nocheck(c, "pending", json_true());
		} else {
			json_object_set_new_nocheck(c, "sent", json_true());
			if (!db_isnull(res, 4))
				set_score(c, "self", db_int(res, 4), &b);
			json_object_set_nocheck(c, "reporter",
						name_of(names, &nnames, db_int(res, 8), db_text(res, 6)));
			if (st == KPI_CONFIRMED) {
				json_object_set_new_nocheck(c, "waiting", json_true());
			} else {
				json_object_set_new_nocheck(c, "reviewed", json_true());
				if (!db_isnull(res, 5))
					set_score(c, "review", db_int(res, 5), &b);
				json_object_set_nocheck(c, "reviewer",
							name_of(names, &nnames, db_int(res, 9), db_text(res, 7)));
			}
		}
		json_decref(grid[ui * np + pi]);
		grid[ui * np + pi] = c;
	}
	buf_release(&b);
	db_res_free(res);
	for (int k = 0; k < KPI_STATUS_COUNT; k++)
		json_decref(state_str[k]);
	for (size_t k = 0; k < nnames; k++)
		json_decref(names[k].name);
	if (rc < 0) {
		for (size_t k = 0; k < nu * np; k++)
			json_decref(grid[k]);
		free(grid);
		free(keys);
		json_decref(units);
		json_decref(periods);
		json_decref(ind);
		return NULL;
	}
	/* each cell carries its period's label (plabel: the column a phone's
	 * card names it by); a period's empty cell is shared by every unit */
	json_t *none[KPI_PERIODS_MAX];
	for (size_t k = 0; k < np; k++)
		none[k] = json_pack("{s:s, s:i, s:b, s:O}", "state", "none", "report_id", 0, "none", 1, "plabel",
				    json_object_get(json_array_get(periods, k), "label"));
	json_array_foreach(units, i, u)
	{
		json_object_set_new_nocheck(u, "no", json_integer((json_int_t)(offset + (long long)i + 1)));
		json_object_set_new_nocheck(u, "is_area", json_boolean(keys[i] == 0));
		json_t *row = json_array();
		for (size_t k = 0; k < np; k++) {
			json_t *c = grid[i * np + k];
			if (c)
				json_object_set_nocheck(c, "plabel", json_object_get(json_array_get(periods, k), "label"));
			json_array_append_new(row, c ? c : json_incref(none[k]));
		}
		json_object_set_new_nocheck(u, "cells", row);
	}
	for (size_t k = 0; k < np; k++)
		json_decref(none[k]);
	free(grid);
	free(keys);
	return json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:b}", "indicator", ind, "periods", periods, "units",
			 units, "total_units", (json_int_t)total, "page", (json_int_t)page, "pages", (json_int_t)pages,
			 "per_page", (json_int_t)per_page, "has_units", total > 0);
}

/* ---- yearly statistics (KPI-8) ------------------------------------------- */

static json_t *avg_text(long long sum, long long n)
{
	long long a = kpi_average(sum, n);
	struct buf b = BUF_INIT;
	if (a >= 0)
		kpi_score_text(a, &b);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

static json_t *percent_text(long long part, long long whole)
{
	struct buf b = BUF_INIT;
	if (whole > 0)
		kpi_score_text((part * 10000 * 2 + whole) / (2 * whole), &b);
	json_t *s = json_string(buf_cstr(&b));
	buf_release(&b);
	return s;
}

/* Fewer reporting units than this and the public page shows no average
 * of the indicator: with one or two schools the average is their score. */
#define KPI_PUBLIC_MIN_UNITS 3

json_t *kpi_year_stats(struct db *db, long long area_id, int fy, bool with_units, struct err *e)
{
	json_t *area =
	    db_row_json(db, "SELECT id, name, short_name FROM areas WHERE id = $1", DB_ARGS(DB_INT(area_id)), e);
	if (!area) {
		if (e->status == 404)
			err_set(e, 404, "ไม่พบสำนักงานเขตพื้นที่การศึกษาที่ระบุ");
		return NULL;
	}
	/* One query along the year's index: each indicator with the totals
	 * of its periods' counters, which kpi_period_recount keeps on the
	 * indicator row (SUM over its periods in SQL at every change), so no
	 * period row is read here. Totalling the ~2,400 period rows of a
	 * 200-indicator year on every view measured ~1.5 ms of SQLite per
	 * page; the year's index is ~0.1 ms. */
	struct db_res *res = NULL;
	if (db_query(db,
		     "SELECT i.id, i.number, i.name, i.type, i.period_kind, i.weight_x100, i.n_reporting, "
		     "w.name, i.y_periods, i.y_assigned, i.y_submitted, i.y_reviewed, i.y_self_sum, i.y_self_n, "
		     "i.y_review_sum, i.y_review_n "
		     "FROM kpi_indicators i JOIN work_groups w ON w.id = i.work_group_id "
		     "WHERE i.area_id = $1 AND i.fiscal_year = $2 AND i.status <> 'hidden' ORDER BY i.sort_key, i.id",
		     DB_ARGS(DB_INT(area_id), DB_INT(fy)), &res, e) < 0) {
		json_decref(area);
		return NULL;
	}
	json_t *rows = json_array();
	long long t_assigned = 0, t_submitted = 0, t_reviewed = 0;
	/* per indicator: its type, average of reviewed and self scores and
	 * weight, for the weighted figure of each type */
	size_t cap = 64, n = 0;
	long long *rev = xreallocarray(NULL, cap, sizeof *rev), *self = xreallocarray(NULL, cap, sizeof *self),
		  *weights = xreallocarray(NULL, cap, sizeof *weights);
	int *types = xreallocarray(NULL, cap, sizeof *types);
	bool any_hidden = false;
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		if (n == cap) {
			cap *= 2;
			rev = xreallocarray(rev, cap, sizeof *rev);
			self = xreallocarray(self, cap, sizeof *self);
			weights = xreallocarray(weights, cap, sizeof *weights);
			types = xreallocarray(types, cap, sizeof *types);
		}
		const struct kpi_type *t = kpi_type_get(db_text(res, 3));
		int kind = kpi_kind_parse(db_text(res, 4));
		long long as = db_int(res, 9), su = db_int(res, 10), re = db_int(res, 11);
		long long ss = db_int(res, 12), sn = db_int(res, 13), rs = db_int(res, 14), rn = db_int(res, 15);
		/* signed in, the per-unit table shows every school anyway */
		bool hide = !with_units && db_int(res, 6) < KPI_PUBLIC_MIN_UNITS && (sn > 0 || rn > 0);
		any_hidden |= hide;
		rev[n] = hide ? -1 : kpi_average(rs, rn);
		self[n] = hide ? -1 : kpi_average(ss, sn);
		weights[n] = db_int(res, 5);
		types[n] = t ? (int)(t - kpi_types) : -1;
		n++;
		t_assigned += as;
		t_submitted += su;
		t_reviewed += re;
		struct buf w = BUF_INIT;
		kpi_score_text(db_int(res, 5), &w);
		json_t *row = json_object();
		json_object_set_new_nocheck(row, "id", json_integer(db_int(res, 0)));
		json_object_set_new_nocheck(row, "number", json_string(db_text(res, 1)));
		json_object_set_new_nocheck(row, "name", json_string(db_text(res, 2)));
		json_object_set_new_nocheck(row, "work_group_name", json_string(db_text(res, 7)));
		json_object_set_new_nocheck(row, "type_label", json_string(t ? t->label : ""));
		json_object_set_new_nocheck(row, "kind_label",
					    json_string(kind >= 0 ? kpi_kind_label((enum kpi_kind)kind) : ""));
		json_object_set_new_nocheck(row, "weight", json_string(buf_cstr(&w)));
		json_object_set_new_nocheck(row, "periods_opened", json_integer(db_int(res, 8)));
		json_object_set_new_nocheck(row, "assigned", json_integer(as));
		json_object_set_new_nocheck(row, "submitted", json_integer(su));
		json_object_set_new_nocheck(row, "reviewed", json_integer(re));
		json_object_set_new_nocheck(row, "avg_self", hide ? json_string("") : avg_text(ss, sn));
		json_object_set_new_nocheck(row, "avg_review", hide ? json_string("") : avg_text(rs, rn));
		json_object_set_new_nocheck(row, "avg_hidden", json_boolean(hide));
		json_object_set_new_nocheck(row, "percent_submitted", percent_text(su, as));
		json_object_set_new_nocheck(row, "percent_reviewed", percent_text(re, as));
		buf_release(&w);
		json_array_append_new(rows, row);
	}
	db_res_free(res);
	if (rc < 0) {
		free(rev);
		free(self);
		free(weights);
		free(types);
		json_decref(rows);
		json_decref(area);
		return NULL;
	}
	/* Scores of different types (levels 1–5, percentages, pass/fail) do
	 * not add up, so the weighted yearly figure is given per type: the
	 * indicators' averages weighted by their weights (ค่าน้ำหนัก). */
	json_t *by_type = json_array();
	long long *tv = xcalloc(n, sizeof *tv), *ts = xcalloc(n, sizeof *ts), *tw = xcalloc(n, sizeof *tw);
	for (int t = 0; t < KPI_TYPE_COUNT; t++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (types[i] != t)
				continue;
			tv[m] = rev[i];
			ts[m] = self[i];
			tw[m] = weights[i];
			m++;
		}
		if (!m)
			continue;
		struct buf wr = BUF_INIT, ws = BUF_INIT;
		long long w = kpi_weighted_average(tv, tw, m);
		if (w >= 0)
			kpi_score_text(w, &wr);
		w = kpi_weighted_average(ts, tw, m);
		if (w >= 0)
			kpi_score_text(w, &ws);
		json_array_append_new(by_type,
				      json_pack("{s:s, s:s, s:I, s:s, s:s}", "type", kpi_types[t].name, "type_label",
						kpi_types[t].label, "count", (json_int_t)m, "weighted_review",
						buf_cstr(&wr), "weighted_self", buf_cstr(&ws)));
		buf_release(&wr);
		buf_release(&ws);
	}
	free(tv);
	free(ts);
	free(tw);
	free(rev);
	free(self);
	free(weights);
	free(types);
	/* completion by work group (KPI-8): counts only, as scores of
	 * different types do not add up; groups in the order their first
	 * indicator comes */
	json_t *by_group = json_array();
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		const char *gname = json_string_value(json_object_get(row, "work_group_name"));
		json_t *grp = NULL, *x;
		size_t k;
		json_array_foreach(by_group, k, x) if (!strcmp(json_string_value(json_object_get(x, "work_group_name")),
							       gname)) grp = x;
		if (!grp) {
			grp = json_pack("{s:s, s:i, s:i, s:i, s:i}", "work_group_name", gname, "indicators", 0,
					"assigned", 0, "submitted", 0, "reviewed", 0);
			json_array_append_new(by_group, grp);
		}
		static const char *const keys[] = {"assigned", "submitted", "reviewed"};
		for (size_t c = 0; c < 3; c++)
			json_object_set_new(grp, keys[c],
					    json_integer(json_integer_value(json_object_get(grp, keys[c])) +
							 json_integer_value(json_object_get(row, keys[c]))));
		json_object_set_new(grp, "indicators",
				    json_integer(json_integer_value(json_object_get(grp, "indicators")) + 1));
		json_object_set_new(
		    row, "bar",
		    json_integer(kpi_percent_whole(json_integer_value(json_object_get(row, "submitted")),
						   json_integer_value(json_object_get(row, "assigned")))));
	}
	json_array_foreach(by_group, i, row)
	{
		long long as = json_integer_value(json_object_get(row, "assigned"));
		long long su = json_integer_value(json_object_get(row, "submitted"));
		long long re = json_integer_value(json_object_get(row, "reviewed"));
		json_object_set_new(row, "percent_submitted", percent_text(su, as));
		json_object_set_new(row, "percent_reviewed", percent_text(re, as));
		json_object_set_new(row, "bar", json_integer(kpi_percent_whole(su, as)));
	}
	json_t *totals =
	    json_pack("{s:I, s:I, s:I, s:o, s:o}", "assigned", (json_int_t)t_assigned, "submitted",
		      (json_int_t)t_submitted, "reviewed", (json_int_t)t_reviewed, "percent_submitted",
		      percent_text(t_submitted, t_assigned), "percent_reviewed", percent_text(t_reviewed, t_assigned));
	json_t *m =
	    json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:b, s:b, s:i}", "fiscal_year", (json_int_t)fy, "area", area,
		      "indicators", rows, "totals", totals, "by_type", by_type, "by_group", by_group, "count",
		      (json_int_t)json_array_size(rows), "has_indicators", json_array_size(rows) > 0, "avg_hidden_any",
		      any_hidden, "min_units", KPI_PUBLIC_MIN_UNITS);
	if (!with_units)
		return m;
	json_t *units = db_rows_json(
	    db,
	    "SELECT r.unit_key, COALESCE(s.name, a.name) AS unit_name, COUNT(*) AS assigned, "
	    "SUM(CASE WHEN r.status IN ('confirmed', 'reviewed') THEN 1 ELSE 0 END) AS submitted, "
	    "SUM(CASE WHEN r.status = 'reviewed' THEN 1 ELSE 0 END) AS reviewed "
	    "FROM kpi_reports r JOIN kpi_indicators i ON i.id = r.indicator_id JOIN areas a ON a.id = i.area_id "
	    "LEFT JOIN schools s ON s.id = r.school_id "
	    "WHERE i.area_id = $1 AND i.fiscal_year = $2 AND i.status <> 'hidden' "
	    "GROUP BY r.unit_key, COALESCE(s.name, a.name) "
	    "ORDER BY CASE WHEN r.unit_key = 0 THEN 0 ELSE 1 END, COALESCE(s.name, a.name) COLLATE thai, r.unit_key",
	    DB_ARGS(DB_INT(area_id), DB_INT(fy)), e);
	if (!units) {
		json_decref(m);
		return NULL;
	}
	json_t *u;
	json_array_foreach(units, i, u)
	{
		json_object_set_new(u, "no", json_integer((json_int_t)i + 1));
		json_object_set_new(u, "percent_submitted",
				    percent_text(json_integer_value(json_object_get(u, "submitted")),
						 json_integer_value(json_object_get(u, "assigned"))));
		json_object_set_new(
		    u, "bar",
		    json_integer(kpi_percent_whole(json_integer_value(json_object_get(u, "submitted")),
						   json_integer_value(json_object_get(u, "assigned")))));
	}
	json_object_set_new(m, "units", units);
	json_object_set_new(m, "has_units", json_boolean(json_array_size(units) > 0));
	return m;
}

/* ---- rendered tables, kept for a moment ---------------------------------- */

/* The public statistics and the matrix are read far more than KPI data
 * changes (the benchmark: ≥ 2,000 pages/s of a 200-indicator year, and of
 * a 300-unit monthly matrix), and neither depends on who reads it (access
 * is checked by the handler before), so their rendered tables are kept in
 * memory and served again until any KPI data changes in this process
 * (kpi_stats_touch, called by kpi_period_recount — every change of a
 * report, unit or period — and by every write of an indicator) or
 * KEPT_TTL seconds pass: the bound on how stale a table can be after a
 * change made by another instance, or committed while the table was being
 * read. A JSON answer is always built afresh. */
#define KEPT_SLOTS 64
#define KEPT_TTL 5

enum kept_kind { KEPT_PUBLIC = 1, KEPT_MATRIX };

struct kept {
	int kind;
	long long k1, k2, k3;
	unsigned long long gen;
	long long at;
	char *html;
	size_t len;
	json_t *info; /* never changed once stored; a hit gets a copy */
};
static struct kept kept[KEPT_SLOTS];
static pthread_mutex_t kept_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long stats_gen;

void kpi_stats_touch(void)
{
	__atomic_add_fetch(&stats_gen, 1, __ATOMIC_SEQ_CST);
}

/* A kept table: appended to html with a copy of its info, 1; 0 if none. */
static int kept_get(int kind, long long k1, long long k2, long long k3, unsigned long long gen, long long now,
		    struct buf *html, json_t **info)
{
	int hit = 0;
	pthread_mutex_lock(&kept_mu);
	for (int i = 0; i < KEPT_SLOTS && !hit; i++) {
		struct kept *c = &kept[i];
		if (c->html && c->kind == kind && c->k1 == k1 && c->k2 == k2 && c->k3 == k3 && c->gen == gen &&
		    now >= c->at && now - c->at < KEPT_TTL) {
			buf_add(html, c->html, c->len);
			*info = json_deep_copy(c->info);
			hit = 1;
		}
	}
	pthread_mutex_unlock(&kept_mu);
	return hit;
}

/* Keeps html (taken) and info (taken) under the key, replacing the key's
 * old table, else a free slot, else the oldest. */
static void kept_put(int kind, long long k1, long long k2, long long k3, unsigned long long gen, long long now,
		     struct buf *html, json_t *info)
{
	pthread_mutex_lock(&kept_mu);
	struct kept *slot = NULL;
	for (int i = 0; i < KEPT_SLOTS && !slot; i++)
		if (kept[i].html && kept[i].kind == kind && kept[i].k1 == k1 && kept[i].k2 == k2 && kept[i].k3 == k3)
			slot = &kept[i];
	for (int i = 0; i < KEPT_SLOTS && !slot; i++)
		if (!kept[i].html)
			slot = &kept[i];
	if (!slot) {
		slot = &kept[0];
		for (int i = 1; i < KEPT_SLOTS; i++)
			if (kept[i].at < slot->at)
				slot = &kept[i];
	}
	free(slot->html);
	json_decref(slot->info);
	*slot = (struct kept){.kind = kind, .k1 = k1, .k2 = k2, .k3 = k3, .gen = gen, .at = now, .info = info};
	slot->html = buf_detach(html, &slot->len);
	pthread_mutex_unlock(&kept_mu);
}

int kpi_public_table(struct db *db, long long area_id, int fy, struct buf *html, json_t **area, struct err *e)
{
	long long now = (long long)time(NULL);
	unsigned long long gen = __atomic_load_n(&stats_gen, __ATOMIC_SEQ_CST);
	if (kept_get(KEPT_PUBLIC, area_id, fy, 0, gen, now, html, area))
		return 0;
	json_t *st = kpi_year_stats(db, area_id, fy, false, e);
	if (!st)
		return -1;
	struct buf b = BUF_INIT;
	if (view_render_text("kpi/stats_table", st, &b, e) < 0) {
		json_decref(st);
		buf_release(&b);
		return -1;
	}
	json_t *a = json_deep_copy(json_object_get(st, "area"));
	json_decref(st);
	buf_add(html, b.data, b.len);
	*area = json_deep_copy(a);
	kept_put(KEPT_PUBLIC, area_id, fy, 0, gen, now, &b, a);
	return 0;
}

/* Every cell says whether it links to its report: all of them, or with
 * only_school > 0 (a school's viewer) only that school's row. */
static void matrix_links(json_t *m, long long only_school)
{
	size_t i, k;
	json_t *u, *c;
	json_array_foreach(json_object_get(m, "units"), i, u)
	{
		bool mine = only_school <= 0 || json_integer_value(json_object_get(u, "school_id")) == only_school;
		json_array_foreach(json_object_get(u, "cells"), k, c)
		    /* "none" cells are one shared object and link nowhere */
		    if (!json_object_get(c, "none")) json_object_set_new_nocheck(c, "link", json_boolean(mine));
	}
}

int kpi_matrix_table(struct db *db, long long indicator_id, long long page, long long per_page, struct buf *html,
		     json_t **info, struct err *e)
{
	return kpi_matrix_table_for(db, indicator_id, page, per_page, 0, html, info, e);
}

int kpi_matrix_table_for(struct db *db, long long indicator_id, long long page, long long per_page,
			 long long only_school, struct buf *html, json_t **info, struct err *e)
{
	long long now = (long long)time(NULL);
	unsigned long long gen = __atomic_load_n(&stats_gen, __ATOMIC_SEQ_CST);
	/* the table a school sees links only its own cells, so it is not the
	 * one kept for everybody */
	if (only_school <= 0 && kept_get(KEPT_MATRIX, indicator_id, page, per_page, gen, now, html, info))
		return 0;
	json_t *m = kpi_matrix(db, indicator_id, page, per_page, e);
	if (!m)
		return -1;
	matrix_links(m, only_school);
	struct buf b = BUF_INIT;
	if (view_render_text("kpi/matrix_table", m, &b, e) < 0) {
		json_decref(m);
		buf_release(&b);
		return -1;
	}
	static const char *const keys[] = {"page", "pages", "per_page", "total_units", "has_units"};
	json_t *in = json_object();
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		json_object_set(in, keys[k], json_object_get(m, keys[k]));
	json_object_set_new(in, "has_periods", json_boolean(json_array_size(json_object_get(m, "periods")) > 0));
	json_decref(m);
	buf_add(html, b.data, b.len);
	*info = json_deep_copy(in);
	if (only_school <= 0)
		kept_put(KEPT_MATRIX, indicator_id, page, per_page, gen, now, &b, in);
	else {
		json_decref(in);
		buf_release(&b);
	}
	return 0;
}
