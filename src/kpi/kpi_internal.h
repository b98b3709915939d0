/* kpi_internal: what the files of KPI-Online share among themselves and no
 * other module may call. The domain rules come first — plain functions over
 * values, so the unit tests reach them without HTTP or a database: period
 * calendars (period.c), indicator types, scores and averages (score.c), the
 * report's state machine and file limits (report.c), indicator checks
 * (indicator.c) and who may do what (access.c). The storage follows, then
 * the statistics and exports.
 *
 * Scores are stored and computed as whole hundredths ("x100": 3.5 → 350),
 * as money is kept in satang, so averages and comparisons never meet
 * binary fractions.
 *
 * Functions that can fail return -1 (or NULL) and fill e: 400 with a Thai
 * message saying what to fix (e->field names the form field), 403 when the
 * user may not do it, 404 when the record does not exist or is not in the
 * user's area, 409 when its state forbids it, 500 for a database fault. */
#ifndef KHET_KPI_INTERNAL_H
#define KHET_KPI_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/form.h"
#include "kpi/kpi.h"

struct acc_grant;

/* ---- fiscal years and dates (period.c) ------------------------------------ */

/* Fiscal years (BE) the module accepts. */
#define KPI_YEAR_MIN 2560
#define KPI_YEAR_MAX 2700
bool kpi_year_valid(long long fy);

/* A calendar day (CE, as stored: "YYYY-MM-DD"). */
struct kpi_date {
	int y, m, d;
};
/* Parses "YYYY-MM-DD"; -1 when it is not a real date. */
int kpi_date_parse(const char *s, struct kpi_date *out);
void kpi_date_iso(struct kpi_date d, char out[11]);
/* "31 มี.ค. 2567" */
void kpi_date_thai(struct kpi_date d, struct buf *out);
/* Days from a to b (negative when b is earlier). */
long long kpi_date_diff(struct kpi_date a, struct kpi_date b);
int kpi_date_cmp(struct kpi_date a, struct kpi_date b);
struct kpi_date kpi_date_add(struct kpi_date d, long long days);
/* Today in Asia/Bangkok for UTC seconds t. */
struct kpi_date kpi_date_of(long long t);

/* ---- period calendars (KPI-3, period.c) ----------------------------------- */

/* How an indicator's fiscal year is cut into reporting periods. */
enum kpi_kind {
	KPI_MONTHLY,   /* รายเดือน: ตุลาคม … กันยายน, 12 periods */
	KPI_QUARTERLY, /* รายไตรมาส: ไตรมาสที่ 1–4 */
	KPI_HALF,      /* รายครึ่งปี: รอบ 6 เดือน, รอบ 12 เดือน */
	KPI_ONCE,      /* 1 ครั้ง: the whole year */
};
#define KPI_KIND_COUNT 4
#define KPI_PERIODS_MAX 12

/* Stored names ("monthly", "quarterly", "half", "once") and Thai labels;
 * parse returns -1 for an unknown name. */
const char *kpi_kind_name(enum kpi_kind k);
const char *kpi_kind_label(enum kpi_kind k);
int kpi_kind_parse(const char *s);
/* Number of periods in a year of that kind (12, 4, 2, 1). */
int kpi_kind_periods(enum kpi_kind k);

/* One period of a fiscal year: its place (seq, 1-based), names and dates.
 * A month is its own dates; a quarter three months (ไตรมาสที่ 1 = ต.ค.–ธ.ค.);
 * รอบ 6 เดือน is 1 Oct – 31 Mar and รอบ 12 เดือน the whole year 1 Oct –
 * 30 Sep, as Thai government half-year reports are cumulative; once is
 * the whole year. The due date a period gets when it is opened, unless the
 * owner picks another, is its last day. */
struct kpi_period_def {
	int seq;
	const char *label; /* "ตุลาคม", "ไตรมาสที่ 1", "รอบ 6 เดือน", "1 ครั้ง" */
	char title[64]; /* with the year where it helps: "ตุลาคม 2566" */
	struct kpi_date start, end;
};
int kpi_period_def(int fiscal_year, enum kpi_kind k, int seq, struct kpi_period_def *out, struct err *e);

/* Opening and closing (KPI-3): a period may be opened once it exists; a
 * due date must be a real date, not before the period starts and at most
 * a year after the fiscal year ends. Closing is refused (409) once any
 * unit has saved a report in it, or while any unit is assigned to it:
 * "A period once opened should not be closed again", and neither what was
 * reported nor the assignments may vanish with a close (remove the units
 * first when they were assigned by mistake). */
int kpi_due_check(int fiscal_year, const struct kpi_period_def *p, const char *due, struct kpi_date *out,
		  struct err *e);
int kpi_period_close_check(bool opened, long long reports_saved, long long assigned, struct err *e);

/* Reminders: which reminder a unit that has not reported is owed
 * days_left days before the due date: 7 (the week reminder) when 1 <
 * days_left <= 7, 1 (the day reminder) when 0 <= days_left <= 1, else 0. A
 * period opened with three days left thus gets the week reminder at once
 * and the day reminder later; one overdue gets none. */
int kpi_reminder_kind(long long days_left);

/* ---- indicator types and scores (KPI-2, score.c) -------------------------- */

struct kpi_type {
	const char *name;   /* stored: "level5", "percent", "yesno" */
	const char *label;  /* "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)" */
	long long min, max; /* x100 */
	bool whole;	    /* only whole numbers (yes/no) */
};
#define KPI_TYPE_COUNT 3
extern const struct kpi_type kpi_types[KPI_TYPE_COUNT];
/* The type of a stored name, or NULL. */
const struct kpi_type *kpi_type_get(const char *name);

/* Reads a score typed by a person for an indicator of type t: digits (Thai
 * digits too) with at most two decimals, within the type's range. what is
 * the Thai name used in the message ("คะแนนประเมินตนเอง"), field the form
 * field. An empty text fails with "กรุณากรอก…". */
int kpi_score_parse(const struct kpi_type *t, const char *text, const char *what, const char *field, long long *x100,
		    struct err *e);
/* 350 → "3.5", 400 → "4", 325 → "3.25" (lists, "4 คะแนน"). */
void kpi_score_text(long long x100, struct buf *out);
/* 400 → "4.00" (the matrix: "★ - 4.00"). */
void kpi_score_fixed(long long x100, struct buf *out);

/* Averages (KPI-7). The mean of n scores whose sum is sum_x100, in
 * hundredths rounded half up (3.125 → 3.13; scores are never negative);
 * -1 when n is 0: units without a score are left out by the caller, never
 * counted as 0. */
long long kpi_average(long long sum_x100, long long n);
/* The mean of n scores given one by one, skipping those < 0 (no score). */
long long kpi_average_of(const long long *x100, size_t n);
/* The weighted mean of values (x100) with weights (x100), skipping values
 * < 0 and weights <= 0, rounded half up; -1 when nothing is left. */
long long kpi_weighted_average(const long long *x100, const long long *weight_x100, size_t n);

/* part of whole as a whole percentage 0–100, rounded half up (the bars
 * of the statistics charts); 0 when whole is 0. */
long long kpi_percent_whole(long long part, long long whole);

/* Criteria levels (KPI-2 "[2] --> [3] --> [4] --> [5]"): one to ten
 * scores, each within the type's range and each above the one before,
 * typed as "2, 3, 4, 5" or "[2] --> [3]"; stored as a JSON array of
 * numbers. NULL with e (field "criteria") when wrong; an empty text gives
 * an empty array. */
json_t *kpi_criteria_parse(const struct kpi_type *t, const char *text, struct err *e);
/* "[2] --> [3] --> [4] --> [5]" of a stored array (or "" when empty). */
void kpi_criteria_text(json_t *levels, struct buf *out);

/* ---- indicators (KPI-2, indicator.c) -------------------------------------- */

enum kpi_ind_status { KPI_IND_OPEN, KPI_IND_CLOSE, KPI_IND_HIDDEN };
/* "open", "close", "hidden"; labels "Open (เปิดรับรายงาน)" …; -1 unknown. */
const char *kpi_ind_status_name(enum kpi_ind_status s);
const char *kpi_ind_status_label(enum kpi_ind_status s);
int kpi_ind_status_parse(const char *s);

/* What an owner types for an indicator. */
struct kpi_indicator_in {
	const char *d1, *d2, *d3, *d4; /* dimension codes, optional */
	const char *number;	       /* "1", "2.1" */
	const char *name;
	const char *description;
	const char *type;   /* a kpi_types name */
	const char *weight; /* 0–100, two decimals at most; "" = 1 */
	const char *criteria;
	const char *kind;   /* a kpi_kind name */
	const char *status; /* a kpi_ind_status name */
	long long work_group_id;
};
/* The size of an indicator number's sort key (kpi_number_sort_key). */
#define KPI_SORT_KEY_SIZE 128
/* The checked values, ready to store. criteria is a new reference. */
struct kpi_indicator_ok {
	const struct kpi_type *type;
	enum kpi_kind kind;
	enum kpi_ind_status status;
	long long weight_x100;
	json_t *criteria;
	char sort_key[KPI_SORT_KEY_SIZE];
};
/* Checks every field (with e->field the first wrong one). */
int kpi_indicator_check(const struct kpi_indicator_in *in, struct kpi_indicator_ok *out, struct err *e);
/* A key that sorts indicator numbers as people read them: "2" before
 * "10", "1.2" before "1.10" (each run of digits zero-padded). A number is
 * at most 20 characters and a character grows to at most 6 bytes (a lone
 * digit padded; UTF-8 is at most 4), so 20 × 6 + 1 bytes always hold the
 * key; a longer one (a number not checked) is cut on a UTF-8 boundary,
 * never inside a Thai letter (PostgreSQL refuses a cut one). */
void kpi_number_sort_key(const char *number, char out[KPI_SORT_KEY_SIZE]);

/* Attachments of an indicator (KPI-2): slots 1–11, 1 "คำอธิบายตัวชี้วัด",
 * 2 "เครื่องมือประเมินระดับคุณภาพ", 3–11 other files. */
#define KPI_IND_FILES_MAX 11
const char *kpi_ind_file_label(int slot, struct buf *out);
int kpi_ind_file_slot_check(long long slot, struct err *e);

/* ---- reports (KPI-5, KPI-6, report.c) ------------------------------------- */

enum kpi_status {
	KPI_ASSIGNED, /* the unit must report; nothing saved yet (รอส่ง) */
	KPI_DRAFT,    /* saved, not confirmed (ยังไม่ยืนยันผลตัวชี้วัด) */
	KPI_CONFIRMED, /* ยืนยันข้อมูลแล้ว รอการตรวจสอบ (รอตรวจ) */
	KPI_REVIEWED, /* ตรวจสอบข้อมูลแล้ว ผลการประเมิน : N คะแนน */
};
#define KPI_STATUS_COUNT 4
const char *kpi_status_name(enum kpi_status s);
const char *kpi_status_label(enum kpi_status s);
int kpi_status_parse(const char *s);
/* Confirmed and reviewed reports count as submitted (ยื่น). */
bool kpi_status_submitted(enum kpi_status s);

enum kpi_action {
	KPI_SAVE,      /* the unit saves files and score, not confirmed */
	KPI_CONFIRM,   /* the unit confirms (ยืนยันผลตัวชี้วัด) */
	KPI_UNCONFIRM, /* the unit cancels its confirmation (ยกเลิกผลการยืนยัน) */
	KPI_REVIEW,    /* the reviewer scores (ตรวจสอบ) */
	KPI_UNREVIEW,  /* the reviewer cancels the review (ยกเลิกผลการตรวจ) */
};
#define KPI_ACTION_COUNT 5
const char *kpi_action_name(enum kpi_action a);

/* What a transition depends on besides the status. */
struct kpi_report_facts {
	enum kpi_status status;
	enum kpi_ind_status indicator; /* the indicator's status */
	bool period_open;
	bool period_closed;  /* not open, and closed once (closed_at) */
	bool has_self_score; /* after this request's changes */
	int files;	     /* after this request's changes */
	int files_without_description;
	bool has_review_score; /* KPI_REVIEW: a score was given */
};
/* The state machine:
 *   save       assigned, draft           → draft
 *   confirm    assigned, draft           → confirmed (needs a self score and
 *                                          a description on every file)
 *   unconfirm  confirmed                 → draft (not once reviewed)
 *   review     confirmed                 → reviewed (needs a score)
 *   unreview   reviewed                  → confirmed
 * The unit's actions need the indicator Open and the period open; the
 * reviewer's do not (a closed indicator may still be checked). Fills *to,
 * or returns -1 with e: 409 and a Thai reason when the state forbids it,
 * 400 when something is missing. */
int kpi_report_transition(const struct kpi_report_facts *f, enum kpi_action a, enum kpi_status *to, struct err *e);

/* Files of a report (KPI-5): at most 10, each with a description. */
#define KPI_REPORT_FILES_MAX 10
#define KPI_FILE_DESC_MAX 500
/* New-file rows the report page offers per save: all ten. A request may
 * carry at most KHET_MAX_BODY_MB (64 MB by default) and the server refuses
 * a larger one before reading it, so ten files of 5 MB (the upload limit
 * of a file) fit in one save with room for the form. */
#define KPI_FILES_PER_SAVE 10
/* kept files (after removals) + added ones must not exceed the limit. */
int kpi_report_files_check(int kept, int added, struct err *e);
/* A file's description (required, at most KPI_FILE_DESC_MAX characters);
 * field names the form field, no is the row number shown. */
int kpi_file_desc_check(const char *desc, const char *field, int no, struct err *e);
/* A description typed in a new-file row without a file: refused, at that
 * row's field (no: the row number shown), so it is not silently lost. */
int kpi_file_orphan_desc_check(const char *desc, bool has_file, const char *field, int no, struct err *e);

/* Units (KPI-4): a unit may be removed from a period only while it has
 * saved nothing (status assigned). */
int kpi_unit_remove_check(enum kpi_status s, const char *unit_name, struct err *e);

/* ---- who may do what (access.c) ------------------------------------------ */

/* Sees the area's KPI pages: a staff grant of that area, or super admin. */
bool kpi_may_view(const struct acc_grant *g, long long area_id);
/* Creates and edits indicators of work group wg, opens periods, assigns
 * units: the area admin, a kpi_owner grant of that work group, super
 * admin. */
bool kpi_may_manage(const struct acc_grant *g, long long area_id, long long wg);
/* Reviews reports of an indicator of work group wg: whoever may manage it,
 * or a kpi_reviewer of the area (of that work group when the grant names
 * one). */
bool kpi_may_review(const struct acc_grant *g, long long area_id, long long wg);
/* Reports for a unit of an indicator of work group wg: school_id > 0 — a
 * school role of exactly that school; school_id 0 (the area office
 * itself) — the area admin, or a kpi_owner of work group wg (wg < 0: of
 * any work group, for "may this user report for the area at all").
 * Super admin reports for nobody. */
bool kpi_may_report(const struct acc_grant *g, long long area_id, long long school_id, long long wg);
/* Opens a report (and downloads its files) of unit school_id (0: the area
 * office) of an indicator of work group wg: whoever may review it (the
 * managers, owners and reviewers), a school role only for its own school,
 * the area's other staff any. */
bool kpi_may_open_report(const struct acc_grant *g, long long area_id, long long school_id, long long wg);
/* Nobody reviews his own report: refused (409) when the reviewer is the
 * report's reporter or saved it at some point (reviewer_saved_it). */
int kpi_self_review_check(long long reviewer_id, long long reporter_id, bool reviewer_saved_it, struct err *e);

/* ---- storage (indicator.c, period.c, assign.c, report.c) ----------------- */

/* The acting user as storage sees it. */
struct kpi_actor {
	long long user_id;
	const struct acc_grant *grant;
};

/* The user's fiscal year (KPI-1): the one chosen last, else the current
 * fiscal year. */
int kpi_user_year(struct db *db, long long user_id, long long now);
int kpi_user_year_set(struct db *db, long long user_id, int fy, struct err *e);

/* Indicator rows: {id, area_id, fiscal_year, d1..d4, number, name,
 * description, type, type_label, weight_x100, weight, criteria (array),
 * criteria_text, work_group_id, work_group_name, period_kind, kind_label,
 * status, status_label, created_at, updated_at}. */
json_t *kpi_indicator_get(struct db *db, long long id, struct err *e);
/* Adds the Thai labels, the parsed criteria and the weight as text to a
 * row with the columns of kpi_indicators. */
void kpi_indicator_decorate(json_t *ind);
long long kpi_indicator_create(struct db *db, long long area_id, int fy, const struct kpi_indicator_in *in,
			       long long user_id, struct err *e);
int kpi_indicator_update(struct db *db, long long id, const struct kpi_indicator_in *in, long long user_id,
			 struct err *e);
int kpi_indicator_set_status(struct db *db, long long id, const char *status, struct err *e);
/* Copies the indicators of fiscal year from into to (definitions and
 * attachments; periods unopened; no units or reports), only those of work
 * group wg when wg > 0 (an owner copies his own group's); an indicator
 * whose number is in year to already (the same indicator copied before,
 * or another with its number: numbers are unique in a year) is skipped, so
 * copying again fills in only what is missing. Returns how many were
 * copied. */
long long kpi_indicator_copy_year(struct db *db, long long area_id, int from, int to, long long wg, long long user_id,
				  struct err *e);
/* How many indicators the "ต้องส่ง" box of a school's list shows. */
#define KPI_DUE_SHOWN 10
/* Attachments: [{id, slot, label, description, filename, mime, size}]. */
json_t *kpi_indicator_files(struct db *db, long long indicator_id, struct err *e);
/* Stores the upload of a slot (replacing the slot's file); path is where
 * the file now lives under the data folder. */
int kpi_indicator_file_put(struct db *db, long long indicator_id, int slot, const char *desc, const char *filename,
			   const char *mime, long long size, const char *path, long long user_id, struct err *e);
int kpi_indicator_file_delete(struct db *db, long long indicator_id, long long file_id, struct err *e);
json_t *kpi_indicator_file_get(struct db *db, long long indicator_id, long long file_id, struct err *e);

/* Periods of an indicator [{id, seq, kind, label, title, start, end,
 * opened (bool), opened_at, due_date, due_text, n_assigned, n_submitted,
 * n_reviewed, avg_self, avg_review (text, "" when none)}] in seq order. */
json_t *kpi_periods(struct db *db, long long indicator_id, struct err *e);
/* One period joined with its indicator: {id, indicator_id, seq, kind,
 * opened, due_date, area_id, fiscal_year, work_group_id, indicator_status,
 * type, number, name, label, title}. */
json_t *kpi_period_get(struct db *db, long long period_id, struct err *e);
/* Makes the rows of the indicator's periods for its kind (after create,
 * or a kind changed while nothing was opened). */
int kpi_periods_make(struct db *db, long long indicator_id, int fy, enum kpi_kind k, struct err *e);
int kpi_period_open(struct db *db, long long period_id, const char *due, long long user_id, struct err *e);
/* Closing (refused once anything is saved) deletes the period's
 * assignments and their reminders, records closed_at and refreshes the
 * counters. */
int kpi_period_close(struct db *db, long long period_id, struct err *e);
/* Locks a period's row until the transaction ends (SELECT … FOR UPDATE on
 * PostgreSQL; SQLite's write transaction serialises writers already).
 * Close and every report change take it first, so a close never counts
 * the saved reports while a save is between its check and its write. */
int kpi_period_lock(struct db *db, long long period_id, struct err *e);
/* Recomputes a period's counters (n_assigned, n_submitted, n_reviewed,
 * sums and counts of scores) from its reports, then its indicator's year
 * totals (y_* and n_reporting, migration 0021) from its periods; every
 * change of a report, unit or period calls it in the same transaction. */
int kpi_period_recount(struct db *db, long long period_id, struct err *e);
/* Adds label, title, opened, due_text, start_text, end_text (Thai BE
 * dates), avg_self and avg_review, avg_pair ("[80.00, –]", "" when
 * neither average is there) and has_avg to a row
 * with the columns of kpi_periods (kind, seq, opened_at, due_date, the
 * counters). */
void kpi_period_decorate(json_t *p, int fy);

/* Units of a period (KPI-4): [{report_id, school_id (0: the area),
 * unit_name, status, status_label, removable}] in Thai order of name, the
 * area office first. */
json_t *kpi_units(struct db *db, long long period_id, struct err *e);
/* Assigns units: the schools named (each must be a school of the area),
 * every school of the area when all_schools, the area office when
 * area_unit. Units assigned already stay as they are. Returns how many
 * were added. The period must be open. */
long long kpi_units_add(struct db *db, long long period_id, json_t *school_ids, bool all_schools, bool area_unit,
			long long user_id, struct err *e);
int kpi_unit_remove(struct db *db, long long period_id, long long report_id, struct err *e);
/* Brings kpi_indicator_units and the indicator's n_units in step with its
 * report rows (after assigning or removing units). */
int kpi_units_refresh(struct db *db, long long indicator_id, struct err *e);

/* Reports. One row of kpi_reports is one unit's place in one period: it
 * exists from the assignment on (status assigned), so the matrix and the
 * counters read one table. {id, indicator_id, period_id, school_id,
 * unit_name, status, status_label, self_x100, self (text), review_x100,
 * review (text), reporter_name, reviewer_name, saved_at, confirmed_at,
 * reviewed_at, area_id, fiscal_year, work_group_id, indicator_status,
 * period_opened, type, …}. */
json_t *kpi_report_get(struct db *db, long long report_id, struct err *e);
/* The "รอตรวจ" queue (issue 10.15): the confirmed reports of an area's
 * fiscal year awaiting review, oldest confirmation first, at most limit:
 * [{report_id, indicator_id, number, name, work_group_id, work_group_name,
 * indicator_status, unit_name, period_label, confirmed_at, confirmed_text,
 * reporter_id, reporter_name, self}]. work_group > 0 keeps that work
 * group's indicators only; exclude_reporter > 0 leaves out that user's own
 * reports (nobody reviews his own). */
json_t *kpi_review_queue(struct db *db, long long area_id, int fiscal_year, long long work_group,
			 long long exclude_reporter, int limit, struct err *e);
/* [{id, slot, description, filename, mime, size, uploaded_by_name,
 *   uploaded_at}] by slot. */
json_t *kpi_report_files(struct db *db, long long report_id, struct err *e);
json_t *kpi_report_file_get(struct db *db, long long report_id, long long file_id, struct err *e);
/* History [{action, score, user_name, at_text}] newest first. */
json_t *kpi_report_events(struct db *db, long long report_id, struct err *e);

/* One save of the report form: descriptions of kept files (by slot, NULL
 * to leave), files to remove (by slot), new uploads, the self score text
 * and whether to confirm. Checked as a whole before anything is written. */
struct kpi_new_file {
	const char *field;	/* the form field it came in (for keep) */
	const char *desc_field; /* its row's description field ("new_desc_3"), where errors go */
	int row;		/* its row's number among the page's new-file rows (1-based) */
	const char *desc;
	const char *filename, *mime, *path; /* path: the upload's temp file */
	long long size;
	char *stored; /* set by kpi_report_save: where the file was moved */
};
struct kpi_report_save_in {
	/* [slot], slots 1..10; NULL = not sent, unchanged; "" = emptied, an
	 * error (a kept file needs its description) */
	const char *desc[KPI_REPORT_FILES_MAX + 1];
	bool remove[KPI_REPORT_FILES_MAX + 1];
	struct kpi_new_file *added;
	int nadded;
	/* NULL = not sent, the stored score stays; "" = emptied: an error
	 * when a score is stored (it cannot be wiped), else no score */
	const char *self_score;
	bool confirm;
	const char *data_dir; /* uploads are kept in DATA/kpi/reports/<id>/ */
	/* Moves an upload to dest once everything is checked: the handler
	 * passes form_file_keep (so the request no longer owns the temp
	 * file); NULL renames path. */
	int (*keep)(void *ctx, const struct kpi_new_file *f, const char *dest, struct err *e);
	void *keep_ctx;
	/* Issue 10.6: the version of the report the form was made from (the
	 * page's _version), 0 = not checked. An older one is refused with
	 * 409 and the field KPI_STALE before anything is checked or written. */
	long long version;
	/* When set, every field error (descriptions, the score, too many
	 * files, confirming without a score) is handed to it, all of them,
	 * and the save then fails with status KPI_SAVE_FIELD_ERRORS and
	 * nothing written; when NULL the first one is the error. pre_errors:
	 * errors the caller found already (the save then only checks). */
	void (*field_error)(void *ctx, const char *field, const char *msg);
	void *error_ctx;
	int pre_errors;
};
/* The err field of a refusal for a stale copy (the report changed since
 * the page was opened), so the page answers it with form_stale. */
#define KPI_STALE "_version"
#define KPI_SAVE_FIELD_ERRORS 422
int kpi_report_save(struct db *db, long long report_id, struct kpi_report_save_in *in, long long user_id,
		    struct err *e);
/* version: the report's version the action was taken on (the page's
 * _version), 0 = not checked; an older one → 409 at KPI_STALE. */
int kpi_report_unconfirm(struct db *db, long long report_id, long long user_id, long long version, struct err *e);
int kpi_report_review(struct db *db, long long report_id, const char *score, long long user_id, long long version,
		      struct err *e);
int kpi_report_unreview(struct db *db, long long report_id, long long user_id, long long version, struct err *e);
/* Reads a report's facts (for kpi_report_transition) from its row. */
void kpi_report_facts_of(json_t *report, struct kpi_report_facts *f);

/* ---- lists and statistics (stats.c) --------------------------------------- */

/* The indicator list of a year (KPI-7): {indicators: [{…indicator,
 * periods: [{id, label, n_submitted, n_reviewed, n_assigned, avg_self,
 * avg_review, opened}]}], count}. Hidden indicators are left out unless
 * with_hidden. Costs two queries whatever the number of reports: periods
 * keep their counters (kpi_period_recount). */
json_t *kpi_year_list(struct db *db, long long area_id, int fy, bool with_hidden, struct err *e);
/* The reports of one unit in a year: {period_id → {report_id, status}}. */
json_t *kpi_unit_reports(struct db *db, long long area_id, int fy, long long school_id, struct err *e);

/* The all-periods matrix (KPI-7) of one indicator, one page of units:
 * {periods: [{id, label}], units: [{school_id, unit_name, cells: [{report_id,
 * state ("none", "pending" รอส่ง, "draft", "waiting" รอตรวจ, "reviewed"),
 * self, reporter, review, reviewer}]}], total_units, page, pages,
 * per_page}. A fixed number of queries per page (periods, unit count, one
 * query for the page's cells), never one per cell. */
json_t *kpi_matrix(struct db *db, long long indicator_id, long long page, long long per_page, struct err *e);

/* Yearly statistics (KPI-8): {fiscal_year, area, indicators: [{id, number,
 * name, work_group_name, type_label, kind_label, weight, periods_opened,
 * assigned, submitted, reviewed, avg_self, avg_review, percent_submitted,
 * percent_reviewed, bar}], totals: {assigned, submitted, reviewed,
 * percent_submitted, percent_reviewed}, by_type: [{type, type_label, count,
 * weighted_self, weighted_review}], by_group: [{work_group_name,
 * indicators, assigned, submitted, reviewed, percent_submitted,
 * percent_reviewed, bar}]} (bar: whole percent submitted, for charts). Averages of an indicator cover every
 * submitted (self) or reviewed report of the year; scores of different
 * types never mix, so the weighted figures are per type. with_units adds
 * units: [{unit_name, assigned, submitted, reviewed, percent_submitted, bar}]
 * (signed-in users only: the public page shows aggregates). Hidden
 * indicators are left out. */
json_t *kpi_year_stats(struct db *db, long long area_id, int fy, bool with_units, struct err *e);
/* The public page's table (kpi/stats_table rendered from
 * kpi_year_stats without units) appended to html, and the area {id, name,
 * short_name} in *area (a new reference). Kept in memory per area and year
 * until kpi_stats_touch or a few seconds pass. */
int kpi_public_table(struct db *db, long long area_id, int fy, struct buf *html, json_t **area, struct err *e);
/* The matrix table of one page (kpi/matrix_table rendered from
 * kpi_matrix) appended to html, and *info {page, pages, per_page,
 * total_units, has_units, has_periods} (a new reference); kept like the
 * public table. The caller checks access first. */
int kpi_matrix_table(struct db *db, long long indicator_id, long long page, long long per_page, struct buf *html,
		     json_t **info, struct err *e);
/* The same for a school's viewer: only only_school's cells link to their
 * reports (the others are text: a school opens no other school's report);
 * rendered for the request, never kept. */
int kpi_matrix_table_for(struct db *db, long long indicator_id, long long page, long long per_page,
			 long long only_school, struct buf *html, json_t **info, struct err *e);
/* Says KPI data changed: the kept tables are rendered again. Every write
 * of indicators, periods, units and reports calls it. */
void kpi_stats_touch(void);
/* Exports of the statistics. */
int kpi_stats_xlsx(json_t *stats, struct buf *out, struct err *e);
int kpi_stats_pdf(json_t *stats, struct buf *out, struct err *e);

/* Unit display name of a report row's school (NULL: the area office). */
json_t *kpi_area_units(struct db *db, long long area_id, struct err *e);

/* Report due dates as data deadlines (X-7, core/module.h's deadlines
 * hook; deadlines.c). */
struct deadline_query;
int kpi_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);

#endif
