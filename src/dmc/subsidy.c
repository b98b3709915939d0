/* subsidy: the per-head subsidy (DMC-4, เงินอุดหนุนรายหัว) of a school and an
 * area from what schools certified in a round — headcount of each level
 * (อนุบาล, ประถม, ม.ต้น, ม.ปลาย; the level of a grade is data in
 * dmc_grades) times the rate of that level for the round's academic year
 * (dmc_subsidy_rates: the year's own rates, else the standing ones of
 * year 0). The arithmetic is dmc_subsidy_amount, a plain function; the
 * headcounts come from dmc_snapshot_counts, which certification wrote
 * once, so the figures never move with later edits, and a school that
 * has not certified the round has none. */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "dmc/dmc_internal.h"

const char *const dmc_levels[DMC_NLEVELS] = {"kinder", "primary", "lower", "upper"};
const char *const dmc_level_labels[DMC_NLEVELS] = {"อนุบาล", "ประถมศึกษา", "มัธยมศึกษาตอนต้น", "มัธยมศึกษาตอนปลาย"};

int dmc_level_index(const char *level)
{
	for (int i = 0; i < DMC_NLEVELS; i++)
		if (level && !strcmp(level, dmc_levels[i]))
			return i;
	return -1;
}

long long dmc_subsidy_amount(const long long heads[DMC_NLEVELS], const long long rates[DMC_NLEVELS],
			     long long amounts[DMC_NLEVELS])
{
	long long total = 0;
	for (int i = 0; i < DMC_NLEVELS; i++) {
		long long h = heads[i] > 0 ? heads[i] : 0, r = rates[i] > 0 ? rates[i] : 0;
		long long a = h * r;
		if (amounts)
			amounts[i] = a;
		total += a;
	}
	return total;
}

int dmc_subsidy_rates(struct db *db, long long year, long long rates[DMC_NLEVELS], bool *own, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT academic_year, level, rate_satang FROM dmc_subsidy_rates "
				    "WHERE academic_year IN (0, $1) ORDER BY academic_year",
				    DB_ARGS(DB_INT(year)), e);
	if (!rows)
		return -1;
	for (int i = 0; i < DMC_NLEVELS; i++)
		rates[i] = 0;
	if (own)
		*own = false;
	size_t i;
	json_t *r;
	/* year 0 first, the year's own rows after: they win */
	json_array_foreach(rows, i, r)
	{
		int k = dmc_level_index(jstr(r, "level"));
		if (k >= 0)
			rates[k] = jint(r, "rate_satang");
		if (own && jint(r, "academic_year") == year && year != 0)
			*own = true;
	}
	json_decref(rows);
	return 0;
}

int dmc_subsidy_rates_set(struct db *db, long long year, const long long rates[DMC_NLEVELS], long long by,
			  long long now, struct err *e)
{
	if (year < 2500 || year > 2700)
		return err_field(e, "year", "ปีการศึกษาต้องเป็นปี พ.ศ. เช่น 2569");
	for (int i = 0; i < DMC_NLEVELS; i++)
		if (rates[i] < 0 || rates[i] > 100000000LL)
			return err_field(e, dmc_levels[i], "อัตรา%sต้องเป็นจำนวนเงิน 0–1,000,000 บาท", dmc_level_labels[i]);
	for (int i = 0; i < DMC_NLEVELS; i++)
		if (db_exec(db,
			    "INSERT INTO dmc_subsidy_rates (academic_year, level, rate_satang, updated_at, updated_by) "
			    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (academic_year, level) DO UPDATE SET "
			    "rate_satang = excluded.rate_satang, version = dmc_subsidy_rates.version + 1, "
			    "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
			    DB_ARGS(DB_INT(year), DB_TEXT(dmc_levels[i]), DB_INT(rates[i]), DB_INT(now),
				    by > 0 ? DB_INT(by) : DB_NULL),
			    e) < 0)
			return -1;
	return 0;
}

/* One school's row: heads, amounts per level and the total. */
static json_t *school_row(long long school_id, const char *name, const long long heads[DMC_NLEVELS],
			  const long long rates[DMC_NLEVELS])
{
	long long amounts[DMC_NLEVELS];
	long long total = dmc_subsidy_amount(heads, rates, amounts), n = 0;
	json_t *lv = json_array();
	for (int i = 0; i < DMC_NLEVELS; i++) {
		json_array_append_new(lv, json_pack("{s:s, s:s, s:I, s:I, s:I}", "level", dmc_levels[i], "label",
						    dmc_level_labels[i], "heads", (json_int_t)heads[i], "rate_satang",
						    (json_int_t)rates[i], "amount_satang", (json_int_t)amounts[i]));
		n += heads[i];
	}
	return json_pack("{s:I, s:s, s:o, s:I, s:I}", "school_id", (json_int_t)school_id, "name", name, "levels", lv,
			 "heads", (json_int_t)n, "amount_satang", (json_int_t)total);
}

json_t *dmc_subsidy_area(struct db *db, long long round_id, long long area_id, long long school_id, struct err *e)
{
	json_t *round = dmc_round_get(db, round_id, e);
	if (!round)
		return NULL;
	long long rates[DMC_NLEVELS];
	bool own = false;
	if (dmc_subsidy_rates(db, jint(round, "academic_year"), rates, &own, e) < 0) {
		json_decref(round);
		return NULL;
	}
	/* certified schools only: their frozen counts by level, one query */
	json_t *rows =
	    school_id > 0
		? db_rows_json(db,
			       "SELECT s.id AS school_id, s.name, g.level, SUM(c.n) AS n FROM dmc_snapshot_counts c "
			       "JOIN schools s ON s.id = c.school_id JOIN dmc_grades g ON g.code = c.grade "
			       "WHERE c.round_id = $1 AND c.school_id = $2 GROUP BY s.id, s.name, g.level",
			       DB_ARGS(DB_INT(round_id), DB_INT(school_id)), e)
		: db_rows_json(db,
			       "SELECT s.id AS school_id, s.name, g.level, SUM(c.n) AS n FROM schools s "
			       "JOIN dmc_snapshot_counts c ON c.school_id = s.id AND c.round_id = $1 "
			       "JOIN dmc_grades g ON g.code = c.grade WHERE s.area_id = $2 "
			       "GROUP BY s.id, s.name, g.level ORDER BY s.name COLLATE thai, s.id",
			       DB_ARGS(DB_INT(round_id), DB_INT(area_id)), e);
	if (!rows) {
		json_decref(round);
		return NULL;
	}
	json_t *schools = json_array();
	long long heads[DMC_NLEVELS] = {0}, all[DMC_NLEVELS] = {0}, cur = 0;
	const char *cur_name = "";
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		if (jint(r, "school_id") != cur) {
			if (cur)
				json_array_append_new(schools, school_row(cur, cur_name, heads, rates));
			cur = jint(r, "school_id");
			cur_name = jstr(r, "name");
			for (int k = 0; k < DMC_NLEVELS; k++)
				heads[k] = 0;
		}
		int k = dmc_level_index(jstr(r, "level"));
		if (k >= 0) {
			heads[k] += jint(r, "n");
			all[k] += jint(r, "n");
		}
	}
	if (cur)
		json_array_append_new(schools, school_row(cur, cur_name, heads, rates));
	json_t *totals = school_row(0, "", all, rates);
	json_decref(rows);
	json_t *rate_list = json_array();
	for (int k = 0; k < DMC_NLEVELS; k++)
		json_array_append_new(rate_list, json_pack("{s:s, s:s, s:I}", "level", dmc_levels[k], "label",
							   dmc_level_labels[k], "rate_satang", (json_int_t)rates[k]));
	return json_pack("{s:o, s:o, s:o, s:o, s:b}", "round", round, "schools", schools, "totals", totals, "rates",
			 rate_list, "own_rates", own);
}
