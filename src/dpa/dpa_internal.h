/* dpa_internal: storage and pages of the personnel registry, for the
 * module's own files and its tests (the public face is dpa.h). */
#ifndef KHET_DPA_INTERNAL_H
#define KHET_DPA_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/http.h"
#include "dpa/dpa.h"

struct db;
struct db_val;

#define DPA_PAGE_SIZE 40
/* schools a page of the area's completeness page */
#define DPA_AREA_PAGE_SIZE 50
/* A transfer request unanswered this long is flagged in the area's queue. */
#define DPA_TRANSFER_FLAG_SECONDS (7LL * 86400)

extern const struct route_table dpa_routes;

/* ---- choice lists (data: dpa_types, dpa_positions, …) ------------------ */

enum dpa_list { DPA_TYPES, DPA_POSITIONS, DPA_STANDINGS, DPA_REASONS };
/* [{value, label}] in their set order. */
json_t *dpa_choices(struct db *db, enum dpa_list which, struct err *e);

/* ---- records (staff.c) -------------------------------------------------- */

/* Checks the typed values of in without the database: citizen ID, names
 * and texts, dates (none in the future; arrival not before appointment,
 * appointment after birth, 18 years old at least) and salary. 0, or -1
 * with e at the first bad field. */
int dpa_staff_check_values(const struct dpa_staff_in *in, long long now, struct err *e);
/* Checks every typed field of in (citizen ID, names, codes against their
 * lists, dates, salary): 0, or -1 with e at the first bad field. Sets
 * *needs_posno from the type. now: dates may not be in the future. */
int dpa_staff_check(struct db *db, const struct dpa_staff_in *in, long long now, bool *needs_posno, struct err *e);
/* The record of a citizen ID: 1 with *id, *school (0: the area office),
 * *area and status filled, 0 when none, -1 on error. */
int dpa_staff_find(struct db *db, const char *cid, long long *id, long long *school, long long *area, char status[16],
		   struct err *e);
/* Adds a person to school_id of area_id (DPA-1, DPA-2 not found). A
 * record of the same citizen ID: active here 409 ("already here"); active
 * elsewhere 409 with *elsewhere = that school (or -area for an area
 * office) and the message offering the transfer; removed: the same record
 * comes back here with the new data (kind readd), as one person keeps one
 * record. Returns the id. */
long long dpa_staff_add(struct db *db, long long area_id, long long school_id, const struct dpa_staff_in *in,
			long long by, long long now, long long *elsewhere, const char *kind, struct err *e);
/* Saves the typed fields of an active record (the citizen ID stays);
 * version as form_version (-1: not checked); 409 when another save came
 * first or the record is no longer active. */
int dpa_staff_update(struct db *db, long long id, long long version, const struct dpa_staff_in *in, long long by,
		     long long now, struct err *e);
/* Removes (จำหน่าย) an active record with a reason code and date
 * (dpa_removal_date_check). 409 when not active any more. */
int dpa_staff_remove(struct db *db, long long id, long long version, const char *reason, const char *date, long long by,
		     long long now, struct err *e);
/* One record, unmarked, with labels, its school's name and what it lacks
 * ({…, missing_list}); NULL with 404 when none. */
json_t *dpa_staff_get(struct db *db, long long id, struct err *e);
/* Its history oldest first, with the schools' names. */
json_t *dpa_staff_events(struct db *db, long long id, struct err *e);
/* The lists below are of a place: the school school_id, or, with
 * school_id 0, the area office of area_id (records with no school). */
/* One page (40) of a place's active staff in Thai name order, filtered
 * by the words of q and, incomplete, to those who lack something:
 * {rows:[{id, cid_masked, title, first_name, last_name, type_label,
 * position_label, salary_masked, missing}], total, page, pages,
 * recorded, incomplete}. Citizen IDs and salaries are masked. The
 * place's counts come in the same statement as the page; so does, for a
 * school with school not NULL, its row as org_school_get gives it ({id,
 * area_id, obec_code, smis_code, name, district, province, created_at}),
 * into *school — no such school: NULL with e 404. */
json_t *dpa_staff_list(struct db *db, long long school_id, long long area_id, const char *q, bool incomplete,
		       long long page, json_t **school, struct err *e);
/* "recorded N / incomplete M" of a place's / a school's active staff. */
int dpa_place_counts(struct db *db, long long school_id, long long area_id, long long *recorded, long long *incomplete,
		     struct err *e);
int dpa_school_counts(struct db *db, long long school_id, long long *recorded, long long *incomplete, struct err *e);
/* A place's active staff retiring in fiscal year fy (CE), by name:
 * [{id, title, first_name, last_name, birth_date, position_label}]. */
json_t *dpa_retiring(struct db *db, long long school_id, long long area_id, int fy, struct err *e);
/* An area's schools with their staff: [{school_id, name, obec_code, recorded,
 * incomplete}] in Thai order of name, schools without staff included. */
json_t *dpa_area_schools(struct db *db, long long area_id, struct err *e);

/* One page (DPA_AREA_PAGE_SIZE) of the same in Thai order of name, filtered
 * by the words of q (name, district, codes) and, incomplete, to schools
 * with someone lacking something: {rows: [as above], total, page, pages}.
 * The list's count and, area not NULL, the area's row as org_area_get gives
 * it ({id, code, name, short_name, kind, province, school_count}, into
 * *area) come in the same statement; no such area: NULL with e 404. */
json_t *dpa_area_schools_page(struct db *db, long long area_id, const char *q, bool incomplete, long long page,
			      json_t **area, struct err *e);
/* Fills each row of schools (of dpa_area_schools: every school) with its
 * counts by type from the kept counts, in one query: by_type [n, …] in the
 * order of types ([{value, label}]), untyped (a type not in the list, or
 * none) and complete (someone recorded, nobody lacking). 0, or -1 with e. */
int dpa_area_fill_types(struct db *db, long long area_id, json_t *types, json_t *schools, struct err *e);
/* The completeness page's figures, in one statement: fills the rows of one
 * dpa_area_schools_page as dpa_area_fill_types does, and returns the
 * personnel types and the area's totals over its schools from the kept
 * counts: {types: [{value, label}], recorded, incomplete, by_type: [n] in
 * the types' order, untyped}; NULL with e. */
json_t *dpa_area_page_figures(struct db *db, long long area_id, json_t *schools, struct err *e);
/* A place's whole roster in Thai name order, without citizen IDs and
 * salaries (exports and the PDF for signing): [{id, title, first_name,
 * last_name, type_label, position_label, position_no, standing_label,
 * subject, missing}]. */
json_t *dpa_school_roster(struct db *db, long long school_id, long long area_id, struct err *e);

/* ---- counts (counts.c, migration 0610) ------------------------------------ */

/* Recounts one place (school_id, or the area office of area_id with
 * school_id 0) into dpa_counts and dpa_type_counts, after locking its
 * row: every write that changes a place's active or incomplete staff calls
 * it, in its transaction, for each place it touched. */
int dpa_counts_refresh(struct db *db, long long area_id, long long school_id, struct err *e);
/* Many places at once, set-based: dpa_counts_touch adds the places a
 * SELECT gives (its columns: school_id, 0 for an area office, and
 * area_id; p/n its parameters) to the temporary table dpa_touched — call
 * it before a write for the places records will leave, and after for
 * those they reach — then dpa_counts_refresh_touched recounts every place
 * named there in six statements whatever their number, as
 * dpa_counts_refresh does one, and drops the table. Both in the write's
 * transaction. */
int dpa_counts_touch(struct db *db, const char *places_sql, const struct db_val *p, int n, struct err *e);
int dpa_counts_refresh_touched(struct db *db, struct err *e);

/* ---- transfers (transfer.c) ---------------------------------------------- */

/* School to_school asks for the person of cid recorded at another school
 * (DPA-2). 404 (field citizen_id) when no record has that ID; 409 when the
 * person is here already, was removed (add the person instead), or is
 * being transferred already. Returns the request id. */
long long dpa_transfer_request(struct db *db, long long to_school, const char *cid, const char *note, long long by,
			       long long now, struct err *e);
/* One request {id, staff_id, from_school_id, from_area_id, to_school_id,
 * to_area_id, status, …}; NULL with 404 when none. */
json_t *dpa_transfer_get(struct db *db, long long id, struct err *e);
/* Approves (the record moves with its history) or refuses (a reason is
 * required, field decision_note) a pending request; 409 when decided
 * already (of two at once one wins) or the person is no longer where the
 * request found him. The requester is e-mailed the decision (and a
 * refusal's reason) in the same transaction. The caller checks who may
 * decide. */
int dpa_transfer_decide(struct db *db, long long id, bool approve, const char *note, long long by, long long now,
			struct err *e);
/* The requesting school withdraws its pending request (409 when decided). */
/* The area office takes a person of one of its area's schools into its
 * own staff (issue 13: a teacher seconded to the office): the area decides
 * its schools' transfers, so the record moves at once, with its history
 * and a 'transfer' event to the office. Refused (409, field citizen_id)
 * for a person already at the office, at another area's unit, or with a
 * transfer request pending; 404 for one recorded nowhere (added instead).
 * Back to a school: the school's transfer request, which the area decides.
 * Returns the record's id. */
long long dpa_office_take(struct db *db, long long area_id, const char *cid, long long by, long long now,
			  struct err *e);
int dpa_transfer_withdraw(struct db *db, long long id, long long to_school, long long by, long long now, struct err *e);
/* A school's queue: {incoming: requests for its staff, pending, oldest
 * first; outgoing: its own requests, the latest 50}, each {id, staff
 * names, cid_masked, from/to school names, status, note, decision_note,
 * requested_at, decided_at, flagged}. */
json_t *dpa_transfers_school(struct db *db, long long school_id, long long now, struct err *e);
/* An area's queue: the pending requests for staff of its schools, oldest
 * first, flagged when unanswered DPA_TRANSFER_FLAG_SECONDS or longer. */
json_t *dpa_transfers_area(struct db *db, long long area_id, long long now, struct err *e);

/* ---- data entered once (person.c, DPA-5) ------------------------------------ */

/* The module's person hooks (core/module.h): what an active record says of
 * the person of citizen_id (work_unit, position, rank, academic_standing,
 * salary in baht, birth_date), and the account page's line. */
int dpa_person_profile(struct db *db, const char *citizen_id, json_t *into, struct err *e);
json_t *dpa_person_links(struct db *db, const char *citizen_id, struct err *e);
/* The module's person_record and person_add_href (core/module.h): the
 * active record of a citizen ID, and the new-record form of a school with
 * the citizen ID filled in. */
int dpa_person_record(struct db *db, const char *citizen_id, json_t **out, struct err *e);
void dpa_person_add_href(long long school_id, const char *citizen_id, struct buf *out);

/* ---- demo and import -------------------------------------------------------- */

/* staff > 0 (`khet demo --staff N`): N records spread over every school of
 * every area instead of 15–60 in the first 30 schools of each. */
int dpa_demo(struct db *db, long long staff, struct err *e);
int dpa_import_personnel(struct db *db, const char *path, struct buf *report, struct err *e);

#endif
