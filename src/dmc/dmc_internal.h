/* dmc_internal: what the census module's own files (and its unit tests)
 * share — the storage of learners and their history (learner.c), rounds,
 * confirmations and snapshots (round.c), the choice lists that are data in
 * the database, and the request clock (clock.c). Other modules use dmc.h
 * only. Every function that writes runs several statements: call it inside
 * a transaction (an unsafe-method handler already is), so that a refusal
 * answered with an error leaves nothing stored. */
#ifndef KHET_DMC_INTERNAL_H
#define KHET_DMC_INTERNAL_H

#include <jansson.h>

#include "dmc/dmc.h"

struct req;

/* SQL over a set of learner ids given as one JSON array parameter $2
 * ("[3,5,8]"): pre, the set as a subquery, post — in each engine's words
 * (SQLite json_each, PostgreSQL json_array_elements_text), so a change of
 * many learners is one statement, not one per learner. Both texts are
 * constants. */
#define DMC_IDS_SQLITE "(SELECT value FROM json_each($2))"
#define DMC_IDS_PG "(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST($2 AS JSON)))"
#define DMC_BY_ENGINE(db, pre, post) (db_kind(db) == DB_SQLITE ? pre DMC_IDS_SQLITE post : pre DMC_IDS_PG post)

/* Learners on a page of a school's list. */
#define DMC_PAGE_SIZE 40

/* The current time of a request: the real clock, or — only when the
 * server runs with KHET_TEST_ROUTES=1 — the UTC seconds of the request's
 * X-Khet-Test-Now header, else of the KHET_TEST_NOW environment variable,
 * so tests walk a round day without touching the machine's clock. */
long long dmc_now(struct req *r);

/* `khet import students FILE` (import.c): all or nothing, a line per bad
 * row in report (struct import_def, core/module.h). */
int dmc_import_students(struct db *db, const char *path, struct buf *report, struct err *e);

/* ---- choice lists (data: dmc_titles, dmc_grades, …) ------------------ */

enum dmc_list { DMC_TITLES, DMC_GRADES, DMC_DISADVANTAGED, DMC_DISABILITIES, DMC_NATIONALITIES };
/* [{value, label}] in their set order. */
json_t *dmc_choices(struct db *db, enum dmc_list which, struct err *e);

/* ---- learners (learner.c) --------------------------------------------------- */

/* A learner as typed: strings as the form checked them ("" when empty);
 * weight and height as typed ("35.5"), "" for not measured. */
struct dmc_learner_in {
	const char *citizen_id, *gcode;
	const char *title, *first_name, *last_name, *sex, *birth_date, *nationality;
	const char *grade;
	long long room;
	const char *weight, *height;
	const char *disadvantaged, *disability;
	const char *guardian_name, *guardian_phone, *address;
};

/* Checks every field of a learner but its code, as adding does (title
 * fitting the sex, names, grade and the birth date's age for it, room,
 * weight and height, the choice lists): 0 with *w and *h (tenths, -1 not
 * given), or -1 with e at the field. */
int dmc_learner_check_fields(struct db *db, const struct dmc_learner_in *in, long long now, long long *w,
			     long long *h, struct err *e);
/* The same checks, each one whatever the others found: every refusal goes
 * to report (with no report, the first ends the checks as above); the
 * number of refusals, or -1 on a fault (in e). A form shows all of them at
 * once instead of one a try. */
int dmc_learner_check_all(struct db *db, const struct dmc_learner_in *in, long long now, long long *w, long long *h,
			  void (*report)(void *ctx, const struct err *refusal), void *ctx, struct err *e);
/* dmc_learner_check_all and the code (a citizen ID's check digit, a G-code's
 * shape, one of the two given), as dmc_learner_add checks them before it
 * looks the code up. */
int dmc_learner_add_errors(struct db *db, const struct dmc_learner_in *in, long long now,
			   void (*report)(void *ctx, const struct err *refusal), void *ctx, struct err *e);
/* Appends " " and ident as the search words hold it: lower case, as the
 * words of a query are (a G-code's "G" is "g"), so the code is found on
 * PostgreSQL, whose LIKE minds case, as on SQLite. */
void dmc_search_ident(const char *ident, struct buf *out);
/* Adds a learner found nowhere (DMC-2 เพิ่มนักเรียน / เพิ่มนักเรียนติด G) to
 * school_id and returns the new id. Every field is checked (field errors
 * 400). A code with a record already: 409 — in this school active, a
 * duplicate; anywhere else (or a past record here), *elsewhere gets the
 * school that holds it and the message offers to move the learner in,
 * since one learner has one record for life. */
long long dmc_learner_add(struct db *db, long long school_id, const struct dmc_learner_in *in, long long by,
			  long long now, long long *elsewhere, struct err *e);
/* Moves the record of ident (citizen ID or G-code) into school_id (DMC-2
 * ย้ายเข้า) with its history, into grade and room (grade "" keeps it):
 * the school it was active in loses it from its counts, and both schools
 * see the move in the history. 404 (field citizen_id) when no record
 * has that code; 409 when it is active here already. Returns its id. */
long long dmc_learner_move_in(struct db *db, long long school_id, const char *ident, const char *grade,
			      long long room, long long by, long long now, struct err *e);
/* Moves an active learner of school_id out to destination (required). */
int dmc_learner_move_out(struct db *db, long long school_id, long long id, const char *destination, long long by,
			 long long now, struct err *e);
/* Changes grade and room of an active learner of school_id (room 1–99). */
int dmc_learner_set_grade(struct db *db, long long school_id, long long id, const char *grade, long long room,
			  long long by, long long now, struct err *e);
/* Changes grade and room of several active learners of school_id at once
 * (DMC-2: one or many), all or none, in a fixed number of statements:
 * every id must be an active learner of the school (404 at "ids"
 * otherwise) and fit the grade's age rule (400 at "grade", naming the
 * learner). At most DMC_MANY_MAX ids. Returns the number changed. */
#define DMC_MANY_MAX 2000
long long dmc_learners_set_grade_many(struct db *db, long long school_id, const long long *ids, size_t n,
				      const char *grade, long long room, long long by, long long now, struct err *e);
/* Marks (repeating) or unmarks active learners of school_id as repeating
 * their grade (ซ้ำชั้น) at the next year-end promotion; all or none, 404
 * at "ids" when one is not an active learner here. Returns the number
 * whose mark changed (each gets a history line). */
long long dmc_learners_set_repeating(struct db *db, long long school_id, const long long *ids, size_t n,
				     bool repeating, long long by, long long now, struct err *e);
/* Counts the school's active learners by grade × sex again into
 * dmc_counts (after a change of the whole school, such as promotion). */
int dmc_counts_rebuild(struct db *db, long long school_id, struct err *e);
/* The record that holds ident (citizen ID or G-code): the active one if
 * any, else the newest; 1 with *id, *school and status filled, 0 when
 * none, -1 on error. */
int dmc_ident_find(struct db *db, const char *ident, long long *id, long long *school, char status[16], struct err *e);
/* Applies an approved drop-out: the active learner of school_id leaves
 * with status 'removed' (ออกกลางคัน), out of the counts, with reason (the
 * reason's label) and the request in its history. */
int dmc_learner_remove(struct db *db, long long school_id, long long id, const char *reason, long long request_id,
		       long long by, long long now, struct err *e);
/* Applies an approved citizen-ID correction (cid already checked): the
 * record's code becomes cid (a G-code is replaced, GC-1), the old code
 * stays in the history. 409 at "new_citizen_id" when the database finds
 * cid active on another record. */
int dmc_learner_set_citizen_id(struct db *db, long long id, const char *cid, long long request_id, long long by,
			       long long now, struct err *e);
/* Changes title and names (no approval: seed 2.7.8); the title must fit
 * the learner's sex. */
int dmc_learner_rename(struct db *db, long long school_id, long long id, const char *title, const char *first,
		       const char *last, long long by, long long now, struct err *e);
/* Sets weight and height as typed ("35.5"; both required). */
int dmc_learner_set_body(struct db *db, long long school_id, long long id, const char *weight, const char *height,
			 long long by, long long now, struct err *e);
/* One learner with the labels of its codes, unmasked (for the full
 * record page, which audits the read); NULL with 404 when none. */
json_t *dmc_learner_get(struct db *db, long long id, struct err *e);
/* The history of a learner, oldest first, with the schools' names. */
json_t *dmc_learner_events(struct db *db, long long id, struct err *e);
/* One page of a school's active learners in Thai name order (40 a page),
 * filtered by grade ("" any) and by the words of q (names or code):
 * {rows:[{id, ident_masked, title, first_name, last_name, sex, grade,
 * grade_label, room}], total, page, pages}. Codes are masked. Page 0:
 * every row on one page (the export). */
json_t *dmc_learner_list(struct db *db, long long school_id, const char *q, const char *grade, long long page,
			 struct err *e);
/* Learners who left the school (moved out, or moved in elsewhere), newest
 * first, at most 50: [{learner_id, name, at, kind, to_school_name,
 * destination}]. */
json_t *dmc_departures(struct db *db, long long school_id, struct err *e);
/* Counts by grade × sex of a school from dmc_counts:
 * {rows:[{grade, label, male, female, total}], male, female, total};
 * grades without learners are left out. */
json_t *dmc_counts_table(struct db *db, long long school_id, struct err *e);

/* ---- rounds (round.c) --------------------------------------------------------- */

/* Makes the three rounds of an academic year (BE) from dmc_round_defaults
 * unless they exist. */
int dmc_rounds_ensure(struct db *db, int academic_year, struct err *e);
/* The times of round round_no of academic year `year`: from its row, or,
 * before the job laid it out, from dmc_round_defaults (reads only). */
int dmc_round_times_of(struct db *db, long long year, int round_no, long long *entry_from, long long *open_at,
		       long long *close_at, struct err *e);
/* The job "dmc-rounds" (hourly, and at start): makes sure the rounds of
 * this academic year and the next exist, in its own transaction. */
int dmc_rounds_job(struct db *db, struct err *e);
/* The rounds as data deadlines (X-7, core/module.h's deadlines hook;
 * deadlines.c). */
struct deadline_query;
int dmc_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);
/* The round whose confirm window has not closed yet at now, the earliest
 * (the current one on its day), {id, academic_year, round_no, label,
 * round_day, entry_from, open_at, close_at}; NULL with 404 when none.
 * Reads only (rounds are made by dmc_rounds_job / dmc_rounds_ensure). */
json_t *dmc_round_current(struct db *db, long long now, struct err *e);
json_t *dmc_round_get(struct db *db, long long id, struct err *e);
/* A round as a school's area sees it: close_at is the area's extension
 * when it has one (national_close_at the round's own, extended 1/0). */
json_t *dmc_round_for_school(struct db *db, long long round_id, long long school_id, struct err *e);
/* dmc_round_current as an area sees it: the earliest round whose window,
 * with the area's extension, has not closed at now. */
json_t *dmc_round_current_area(struct db *db, long long area_id, long long now, struct err *e);
/* A school's progress in a round: {confirmed_at, confirmed_by_name,
 * certified_at, …, acknowledged_at} (nulls when not yet). */
json_t *dmc_round_school(struct db *db, long long round_id, long long school_id, struct err *e);
/* Confirm (school data officer), certify (director; copies the snapshot)
 * and acknowledge (area): each inside its rules — confirm and certify
 * only inside the window (409 with dmc_window_message), certify only after
 * confirm, acknowledge only after certify, each once (409). */
int dmc_round_confirm(struct db *db, long long round_id, long long school_id, long long by, long long now,
		      struct err *e);
int dmc_round_certify(struct db *db, long long round_id, long long school_id, long long by, long long now,
		      struct err *e);
int dmc_round_acknowledge(struct db *db, long long round_id, long long school_id, long long by, long long now,
			  struct err *e);
/* ---- what the area approves (request.c) ---------------------------------------- */

/* The school proposes that an active learner dropped out (ออกกลางคัน):
 * reason a code of dmc_dropout_reasons (field "reason"), note required
 * for 'other'. 409 when one is pending already. The learner is unchanged
 * (and counted) until the area approves. Returns the request id. */
long long dmc_dropout_request(struct db *db, long long school_id, long long learner_id, const char *reason,
			      const char *note, long long by, long long now, struct err *e);
/* The school asks to correct an active learner's citizen ID (or replace
 * its G-code) to typed (dashes and spaces allowed; field
 * "new_citizen_id"), with a reason (note, required). Refused with 409
 * and dmc_correction_message after a round day's cut-off until the next
 * round's entry opens; 400 for a wrong length or check digit or the same
 * ID; 409 when another record holds the ID (the message names that
 * school only) or a request for it is pending. Returns the request id. */
long long dmc_id_fix_request(struct db *db, long long school_id, long long learner_id, const char *typed,
			     const char *note, long long by, long long now, struct err *e);
/* Where corrections stand at now for school_id: *last_close the close_at
 * of the latest round whose window has closed (0 none) — the close of
 * the school's area when the area extended it (dmc_round_areas), else
 * OBEC's — *reopens as dmc_correction_reopens (0: open). Reads only. */
int dmc_correction_window(struct db *db, long long school_id, long long now, long long *last_close, long long *reopens,
			  struct err *e);
/* The school withdraws a pending request of its learner (409 when no
 * longer pending, or not that learner's). */
int dmc_request_withdraw(struct db *db, long long school_id, long long learner_id, long long request_id, long long by,
			 long long now, struct err *e);
/* The area's census officer approves or rejects a pending request of the
 * area (404 when not the area's, 409 when decided already — of two at
 * once, one wins); a rejection needs a note (field "decision_note").
 * Approving applies it: the drop-out removes the learner from the school
 * and its counts (409 when it is no longer there), the correction sets
 * the new ID (409 when another record holds it by now). */
int dmc_request_decide(struct db *db, long long area_id, long long request_id, bool approve, const char *note,
		       long long by, long long now, struct err *e);
/* An area's requests: {pending: [...] oldest first, decided: [...] the
 * latest 50}, each {id, kind, learner_id, school_id, school_name, title,
 * first_name, last_name, ident_masked (the learner's code now),
 * reason_label, note, old_ident_masked,
 * new_ident_masked, status, requested_at, decided_at, decision_note}. */
json_t *dmc_requests_area(struct db *db, long long area_id, struct err *e);
/* A learner's requests, newest first (codes unmasked: the full record's
 * page, which audits the read). */
json_t *dmc_requests_learner(struct db *db, long long learner_id, struct err *e);

/* Weights and heights of school_id's active learners from the CSV or
 * XLSX file at path (body_upload.c): columns เลขประจำตัวประชาชนหรือรหัส G,
 * น้ำหนัก, ส่วนสูง (Thai or English names, any order, other columns
 * ignored), at most DMC_UPLOAD_MAX rows. All or nothing: a file with any
 * bad row (a code not active here or twice in the file, a weight or
 * height missing or out of bounds) is refused (400 at field "file") with
 * "แถวที่ N: reason" lines in report and nothing stored; a file that is
 * not a table, too large, an XLSX bomb or with a wrong header is refused
 * at "file" with table_read's Thai message. Returns the number of
 * learners updated, each with a history line. */
#define DMC_UPLOAD_MAX 5000
long long dmc_body_upload(struct db *db, long long school_id, const char *path, long long by, long long now,
			  struct buf *report, struct err *e);

/* ---- the per-head subsidy (subsidy.c, DMC-4) ------------------------------------------------ */

/* The rates (satang a learner a year) of an academic year: its own rows,
 * else year 0's standing ones; *own (may be NULL) says which. */
int dmc_subsidy_rates(struct db *db, long long year, long long rates[DMC_NLEVELS], bool *own, struct err *e);
/* Sets an academic year's own rates (0 – 1,000,000 baht each; 400 at the
 * level's field otherwise). */
int dmc_subsidy_rates_set(struct db *db, long long year, const long long rates[DMC_NLEVELS], long long by,
			  long long now, struct err *e);
/* The subsidy from what schools certified in a round: of one school
 * (school_id > 0) or of every certified school of area_id: {round,
 * schools: [{school_id, name, levels: [{level, label, heads, rate_satang,
 * amount_satang}], heads, amount_satang}] in Thai name order, totals (the
 * same shape, summed), rates [{level, label, rate_satang}], own_rates}.
 * A school that has not certified the round has no row. 404 for no such
 * round. */
json_t *dmc_subsidy_area(struct db *db, long long round_id, long long area_id, long long school_id, struct err *e);

/* ---- round settings (settings.c, DMC-3) ---------------------------------------------------- */

/* Academic years (BE) with rounds laid out: [{academic_year}] ascending. */
json_t *dmc_round_years(struct db *db, struct err *e);
/* The rounds of an academic year: [{id, academic_year, round_no, label,
 * round_day, entry_from, open_at, close_at, entry_day ("YYYY-MM-DD"),
 * open_time, close_time ("HH:MM", Bangkok), version, updated_at,
 * certified (schools that certified it)}]. */
json_t *dmc_rounds_year(struct db *db, long long year, struct err *e);
/* Sets a round's day, first day of entry ("YYYY-MM-DD", CE) and confirm
 * window ("HH:MM" Bangkok on the day): 400 at the field for a bad value,
 * a close not after the open, entry after the day, or a window not
 * between the rounds before and after it; 409 once a school has
 * certified the round; version of the page (-1 unchecked): another save
 * since → 409 at field "_version"; 404 for no such round. */
int dmc_round_update(struct db *db, long long round_id, const char *day, const char *entry_day, const char *open_time,
		     const char *close_time, long long version, long long by, long long now, struct err *e);

/* An area's census officer closes a round day's window later for the
 * area's schools: close_time "HH:MM" (Bangkok, on the round day) after
 * the national close (400 at "close_time"); "" or the national close
 * time removes the extension. 409 once the window, extension included,
 * has closed for the area (a closed window is not reopened); version of
 * the extension on the page (-1 unchecked) → 409 at "_version". */
int dmc_round_extend(struct db *db, long long round_id, long long area_id, const char *close_time, long long version,
		     long long by, long long now, struct err *e);
/* The area's extensions of a year's rounds: {round_id → {close_at,
 * close_time, version}} (an object keyed by the round's id as text). */
json_t *dmc_round_extensions(struct db *db, long long area_id, long long year, struct err *e);

/* ---- a school's basic data per round (basic.c, DMC-2 menu 2.2) ------------------------ */

/* The grades a school teaches in a round and the rooms of each, beside
 * its learners by grade × sex: {rows: [{grade, label, rooms, male,
 * female, total, max_room}] for every grade in order (rooms 0: not
 * taught), saved (the school saved it; else rooms are the highest room
 * its learners are in), frozen (certified: counts and rooms as
 * certified), version, updated_at, updated_by_name, rooms, grades_taught,
 * male, female, total}. Counts come from dmc_counts (or
 * dmc_snapshot_counts once certified), never by counting learners. */
json_t *dmc_basic_get(struct db *db, long long round_id, long long school_id, struct err *e);
/* Saves the rooms of grades[i] (rooms[i] 0–99, 0 = not taught; every
 * grade once, from dmc_grades): a grade with learners needs at least as
 * many rooms as the highest room they are in (400 at "rooms", naming the
 * grade). version: of the page it was made from (-1 unchecked): another
 * save since → 409 at field "_version". 409 once certified, 404 for no
 * such round. */
int dmc_basic_save(struct db *db, long long round_id, long long school_id, const char *const *grades,
		   const long long *rooms, size_t n, long long version, long long by, long long now, struct err *e);
/* At certification: the basic data as saved, or — never saved — the
 * rooms the learners are in, kept as the round's (dmc_round_certify). */
int dmc_basic_freeze(struct db *db, long long round_id, long long school_id, long long now, struct err *e);
/* The platform's school_rooms hook (core/module.h): the rooms a school
 * teaches in academic year year (BE) — its saved rooms per grade of the
 * year's latest round, else the rooms its active learners are in. 1 with
 * *rooms, 0 without data, -1. */
int dmc_school_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e);

/* ---- G-codes (gcode.c, GC-1) ---------------------------------------------------------- */

/* A document of a G-code request, already kept under the data folder. */
struct dmc_gcode_doc {
	const char *kind; /* student_form | guardian_doc | other_doc */
	const char *path; /* relative to the data folder */
	const char *filename, *mime;
	long long size;
};
/* The school asks its area for a G-code for a learner without civil
 * registration: in (citizen_id and gcode ignored) checked as
 * dmc_learner_check_fields, a note (optional, at most 500 characters);
 * 409 at "first_name" when the school has a pending request with the same
 * names and birth date. Returns the request id; the caller then adds its
 * documents. */
long long dmc_gcode_request(struct db *db, long long school_id, const struct dmc_learner_in *in, const char *note,
			    long long by, long long now, struct err *e);
int dmc_gcode_doc_add(struct db *db, long long request_id, const struct dmc_gcode_doc *doc, struct err *e);
/* The next sequence of (BE year of now, province of area_code) and the
 * code made of it (dmc_gcode_make): the counter row is raised in the
 * caller's transaction, so concurrent callers wait for each other and
 * a rolled-back caller gives its number back. */
int dmc_gcode_next(struct db *db, const char *area_code, long long now, char out[14], struct err *e);
/* The area's census officer certifies (approve: a new code, the learner
 * added to the requesting school with it — code and learner id in *code
 * and *learner) or rejects (a note required, field "decision_note") a
 * pending request of the area. 404 when not the area's; 409 when decided
 * already (of two at once one wins) or when the learner can no longer be
 * added as typed (e.g. the grade's age at approval). */
int dmc_gcode_decide(struct db *db, long long area_id, long long request_id, bool approve, const char *note,
		     long long by, long long now, char code[14], long long *learner, struct err *e);
/* The school withdraws its pending request (409 when no longer pending). */
int dmc_gcode_withdraw(struct db *db, long long school_id, long long request_id, long long by, long long now,
		       struct err *e);
/* A request with its typed data and documents: {id, school_id,
 * school_name, area_id, title, title_label, first_name, last_name, grade,
 * grade_label, data: {...}, note, status, requested_at, decided_at,
 * decision_note, gcode, learner_id, docs: [{kind, filename, mime, size}]};
 * NULL with 404 when none. */
json_t *dmc_gcode_get(struct db *db, long long request_id, struct err *e);
/* One document's {path, filename, mime}; NULL with 404. */
json_t *dmc_gcode_doc_get(struct db *db, long long request_id, const char *kind, struct err *e);
/* A school's requests, newest first (at most 200), and an area's
 * {pending (oldest first, at most 500), decided (the latest 50)}: rows
 * {id, school_id, school_name, title_label, first_name, last_name,
 * grade_label, status, requested_at, decided_at, decision_note, gcode,
 * learner_id}. */
json_t *dmc_gcode_school(struct db *db, long long school_id, struct err *e);
/* The census's checker of F_ALT_ID fields (core/form.h, registered at
 * init): 0 when typed does not start with G; a G-code of the wrong shape
 * or held by no record → -1 (400, a Thai message); one a record holds →
 * 1 with norm ("G" + 12 digits). */
int dmc_gcode_known(struct db *db, const char *typed, char norm[16], struct err *e);
json_t *dmc_gcode_area(struct db *db, long long area_id, struct err *e);

/* ---- year-end promotion (promotion.c) ------------------------------------------ */

/* The year-end round (round 3) a school's promotion concerns at now, with
 * the dates that bound it: {round: {id, academic_year, label, close_at},
 * state "before" (its window has not closed yet) | "open" (promotion
 * allowed), opens_at (close of the round's window + 60),
 * next_entry_from and next_open_at (round 1 of the next academic year:
 * undo until its entry opens, promotion until its window opens)}; NULL
 * with 404 when no year-end round is laid out. The round's close is the
 * school's area's extension when it has one, so promotion waits for it.
 * Reads only. */
json_t *dmc_yearend(struct db *db, long long school_id, long long now, struct err *e);
/* Promotes the school after the year-end round: every active learner to
 * the next grade, the last grade of a level graduates (status
 * 'graduated'), one marked repeating stays (and is unmarked for the new
 * year) — dmc_promotion_of decides each — with a history line each and
 * the counts rebuilt. 409 before the round's window closed, once the next
 * round's window opened, or when done already. Returns the promotion id;
 * *promoted, *graduated, *stayed get the numbers. */
long long dmc_promote_school(struct db *db, long long school_id, long long by, long long now, long long *promoted,
			     long long *graduated, long long *stayed, struct err *e);
/* Undoes the school's standing promotion until the next round's entry
 * opens (409 after, saying until when it could): the learners still as
 * the promotion left them go back (grade, mark, graduates active again);
 * one changed since (moved, regraded, moved in elsewhere) is left and
 * counted in *skipped. Returns the number restored. */
long long dmc_promotion_undo(struct db *db, long long school_id, long long by, long long now, long long *skipped,
			     struct err *e);
/* The school's promotion for a round that stands (not undone):
 * {id, at, by_name, promoted, graduated, repeated}; NULL with 404 when none. */
json_t *dmc_promotion_get(struct db *db, long long round_id, long long school_id, struct err *e);
/* The school's active learners marked repeating, by grade then name:
 * [{id, title, first_name, last_name, grade, grade_label, room}]. */
json_t *dmc_repeaters(struct db *db, long long school_id, struct err *e);
/* Active learners of one grade of a school (at most 1000), in Thai name
 * order, with their mark: [{id, title, first_name, last_name, room,
 * repeating}] — the list the data officer marks from. */
json_t *dmc_grade_learners(struct db *db, long long school_id, const char *grade, struct err *e);

/* The certified counts of a school in a round (dmc_counts_table's shape). */
json_t *dmc_snapshot_counts(struct db *db, long long round_id, long long school_id, struct err *e);

/* ---- dashboards and duplicates (dashboard.c, DMC-5) ------------------------------------- */

/* Flags learner_id's active record against active records at other
 * schools with the same first name, last name and birth date (kind
 * 'name'); each pair once. Called by add, move in, rename. */
int dmc_dup_check_learner(struct db *db, long long learner_id, long long now, struct err *e);
/* The same for every learner of an import (its temp table dmc_import). */
int dmc_dup_check_schools_import(struct db *db, long long now, struct err *e);
/* After school_id certified round_id: its snapshot's learners already in
 * another school's snapshot of the round (kind 'round'). */
int dmc_dup_check_round(struct db *db, long long round_id, long long school_id, long long now, struct err *e);
/* A learner moved to school_id: its 'name' pairs follow it (school, area). */
int dmc_dup_moved(struct db *db, long long learner_id, long long school_id, struct err *e);
/* An area's open duplicates still standing (a 'name' pair whose records
 * are both active at different schools and still share names and birth
 * date), oldest first, at most 500: [{id, kind, is_round, round_id,
 * round_label, found_at, learner_a, learner_b, school_a, school_b,
 * school_a_name, school_b_name, area_a, area_b, a_title, a_first_name,
 * a_last_name, a_ident_masked, a_birth_date (dd/mm/BE), a_status, b_…}]. */
json_t *dmc_duplicates_area(struct db *db, long long area_id, struct err *e);
long long dmc_duplicates_count(struct db *db, long long area_id, struct err *e);
/* The area's officer marks one resolved with a note (400 at
 * "resolution_note" when empty; 404 when not the area's; 409 when
 * resolved already). */
int dmc_duplicate_resolve(struct db *db, long long area_id, long long id, const char *note, long long by,
			  long long now, struct err *e);
/* The round before (academic_year, round_no): {id, academic_year,
 * round_no, label}; NULL with 404 when none. */
json_t *dmc_round_previous(struct db *db, long long year, long long round_no, struct err *e);
/* The round whose per-head subsidy an area's dashboard links to: the
 * latest round up to (academic_year, round_no), that one included, in
 * which a school of the area certified (the subsidy is computed from the
 * certified snapshot only): {id, academic_year, round_no, label}; NULL
 * with 404 when no round up to it has a certified school of the area. */
json_t *dmc_subsidy_round(struct db *db, long long area_id, long long year, long long round_no, struct err *e);
/* An area's schools in a round: {schools: [{school_id, name, obec_code,
 * confirmed_at, certified_at, acknowledged_at, certified_total,
 * prev_total, now_total, change, male, female, total, grades: [{grade,
 * male, female, total}] (the grades shown), all_grades (every grade)}] in
 * Thai name order, grade_heads [{grade, label}] (grades with learners in
 * the area), area_grades [{grade, label, male, female, total, shown}],
 * n_schools, n_confirmed, n_certified, n_acknowledged, male, female,
 * total, certified_total, prev_total, n_prev}. Counts are dmc_counts
 * (kept), or with certified_counts the round's snapshot counts; now_total
 * is what a school certified in the round, else its learners today, and
 * change = now_total − what it certified in prev_round_id (null when it
 * did not). rows says what each school's row holds:
 *   DMC_DASH_ALL (the page's JSON and the exports): all the above, grades
 *     and all_grades;
 *   DMC_DASH_TOTALS (the API): all the above but grades and all_grades.
 * The HTML page reads one page of it instead (dmc_area_page). */
enum dmc_dash_rows { DMC_DASH_TOTALS, DMC_DASH_ALL };
json_t *dmc_area_dashboard(struct db *db, long long area_id, long long round_id, long long prev_round_id,
			   bool certified_counts, enum dmc_dash_rows rows, struct err *e);
/* The area dashboard's HTML page (DMC-5): a summary from kept counts and
 * one page of the schools. The schools' filter by status in the round:
 * DMC_AREA_PENDING not confirmed (nor certified), DMC_AREA_CONFIRMED
 * confirmed and not yet certified, DMC_AREA_CERTIFIED certified. */
enum { DMC_AREA_ALL, DMC_AREA_PENDING, DMC_AREA_CONFIRMED, DMC_AREA_CERTIFIED };
#define DMC_AREA_PAGE_SIZE 25
/* ?status= as one of the above ("" or NULL: all); -1 for anything else */
int dmc_area_status_parse(const char *s);
/* the ?status= word of one ("" for all) */
const char *dmc_area_status_code(int status);
/* How many of an area's schools have a status, from its school count and
 * its kept progress in the round (confirmed counts the certified too: a
 * school confirms before its director certifies). */
long long dmc_area_status_total(int status, long long schools, long long confirmed, long long certified);
struct dmc_area_q {
	long long area_id, school_count; /* the area's kept areas.school_count */
	long long round_id, prev_round_id;
	bool certified_counts; /* a closed round: what its schools certified */
	int status;	       /* DMC_AREA_* */
	const char *q;	       /* the search box (core/search.h), "" none */
	long long page;	       /* from 1; past the last: the last */
};
/* {schools: [{school_id, name, confirmed_at, certified_at, acknowledged_at
 * (null when not done), status (pending, confirmed, certified), cells
 * ["boys/girls" of each grade shown], male, female, total, prev_total,
 * change (null when the school did not certify the last round)}] — the
 * page's DMC_AREA_PAGE_SIZE schools in Thai name order —, grade_heads
 * [{label}], area_grades [{grade, label, male, female, total, shown}],
 * n_schools, n_confirmed, n_certified, n_acknowledged, n_pending,
 * n_waiting (confirmed, not certified), male, female, total (the area's
 * learners: kept dmc_area_counts, or for a closed round what was
 * certified), certified_total (in the round), prev_total and change (the
 * last round's certified learners and total − that; null when no school
 * certified it), n_prev, duplicates (open), matched (schools listed under
 * the filter and search), page, pages}. Two statements: the page of
 * schools (with their round rows) and the figures (grades, the area's
 * counts, progress rows, duplicates, the page's schools' counts); a page
 * past the last costs a count and a second read. */
json_t *dmc_area_page(struct db *db, const struct dmc_area_q *a, struct err *e);
/* Every area: {areas: [{area_id, code, name, short_name, school_count,
 * male, female, total (kept counts), confirmed, certified, certified_total
 * (in round_id), prev_total (certified in prev_round_id, null none),
 * change}], grades [{grade, label, male, female, total}] national, male,
 * female, total, confirmed, certified, schools, certified_total,
 * prev_total}. */
json_t *dmc_national_dashboard(struct db *db, long long round_id, long long prev_round_id, struct err *e);

#endif
