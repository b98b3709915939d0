/* dpa: the personnel registry (DPA-1 … DPA-3, seed 004 section 5) — one
 * record per teacher or staff member for life, kept complete and current
 * by the school where the person works; a person recorded at another
 * school is moved by a transfer request that school (or the area)
 * approves, never recorded twice; a person who left is removed with a
 * reason and a date, and the record and its history stay.
 *
 * This is the module's small public face. The registry's rules are plain
 * functions over values, declared first, so unit tests reach them without
 * HTTP or a database: the retirement rule, the removal date, the salary
 * bounds and what a record is missing. Storage and pages are in
 * dpa_internal.h, for the module's own files and its tests only.
 *
 * The tables dpa_* belong to this module (db/migrations/0600_dpa.sql).
 * Functions that can fail return -1 (or NULL) and fill e: 400 with a Thai
 * message saying what to fix (e->field names the form field), 404 when
 * the record is not the caller's to see, 409 when its state forbids it or
 * it would record a person twice, 500 for a fault. */
#ifndef KHET_DPA_H
#define KHET_DPA_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- retirement (DPA-3) --------------------------------------------------- */

/* The fiscal year (CE, named by the year it ends in) in which a person
 * born on birth ("YYYY-MM-DD", CE) retires: the one in which the person
 * turns 60. Thai law counts age from the day of birth, so the 60 years
 * are complete at the end of the day BEFORE the 60th birthday: a person
 * born on 1 October turns 60 on 30 September and retires that day, a
 * fiscal year earlier than one born on 2 October; one born on 29 February
 * turns 60 on 28 February (or 1 March in a year without it — the same
 * fiscal year either way). -1 when birth is not a date. The retirement
 * day is 30 September of that year. */
int dpa_retire_fy(const char *birth);

/* ---- checks of typed values ----------------------------------------------- */

/* Salary in satang: 0 … 200,000 baht. 0, or -1 with e at "salary". */
#define DPA_SALARY_MAX 20000000LL
int dpa_salary_check(long long satang, struct err *e);
/* A removal date (CE ISO) at now: not after 30 September of the current
 * fiscal year (a removal is planned at most to the year's end) and not
 * before 1 January 1950. 0, or -1 with e at "removed_on". */
int dpa_removal_date_check(const char *iso, long long now, struct err *e);

/* A record as typed: strings as the form checked them ("" when empty);
 * salary in satang, -1 when not given. */
struct dpa_staff_in {
	const char *citizen_id;
	const char *title, *first_name, *last_name;
	const char *birth_date;
	const char *type, *position, *position_no, *standing;
	long long salary;
	const char *appointed_on, *arrived_on;
	const char *education, *subject, *phone, *email;
};

/* What a record lacks (seed 004 5.1): the Thai labels of its empty fields
 * appended to missing (comma separated) when missing is not NULL; the
 * position number only counts for a type whose people hold one
 * (needs_position_no). Returns how many. */
int dpa_missing(const struct dpa_staff_in *in, bool needs_position_no, struct buf *missing);

#endif
