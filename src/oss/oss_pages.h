/* oss_pages: the helpers the One Stop Service's handlers share (pages.c),
 * and the handlers of officer.c and admin.c that routes.c lists in the
 * module's route table. Within the module only. */
#ifndef KHET_OSS_PAGES_H
#define KHET_OSS_PAGES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/jsonx.h"
#include "core/buf.h"
#include "core/http.h"
#include "core/sheet.h"
#include "oss/oss_internal.h"

long long oss_now(void);
/* The badge class of a status (templates: class="badge {{status_class}}"). */
const char *oss_status_class(int status);
/* "25 มิ.ย. 2567, 13:11 น.", "25 มิ.ย. 2567", "1,234.50" as JSON strings. */
json_t *oss_text_datetime(long long t);
json_t *oss_text_date(long long t);
json_t *oss_text_baht(long long satang);
/* q without surrounding blanks, in b. */
const char *oss_trim(const char *q, struct buf *b);

/* The signed-in user acts as an officer of service in area: the active
 * grant is an officer's or area admin's in that area, and the area admin
 * assigned the user to the service (oss_officers). */
bool oss_officer_of(struct req *r, struct db *db, long long area_id, const char *service, struct err *e);
/* 0 when the user may see request (its applicant, or an officer of it;
 * *officer says which), else -1 with 403 and the Thai "not assigned"
 * sentence for staff of the request's area whose service is not theirs,
 * 404 "ไม่พบคำร้องที่ระบุ" for anyone else (someone else's request is not
 * confirmed to exist), or 500. */
int oss_not_assigned_err(const char *service, struct err *e);
int oss_access(struct req *r, struct db *db, json_t *request, bool *officer, struct err *e);
/* oss_request_get + oss_access. */
/* The page's submit (POST /oss/new/:service), for the API's
 * POST /api/v1/oss/services/:service/requests (api.c): the service is the
 * API route's data. */
int oss_submit_post(struct req *r);
json_t *oss_load_visible(struct req *r, struct db *db, long long id, bool *officer, struct err *e);
/* One audit row (X-5 reads, admin actions); detail is stolen. */
void oss_audit(struct req *r, struct db *db, const char *action, const char *target_type, long long target_id,
	       long long area_id, json_t *detail);

/* The model of one request for the view, processing and print pages:
 * {id, code, service, service_name, service_title, status, status_label,
 *  status_class, is_open, note, created_at_text, status_at_text, data,
 *  applicant_name, phone, citizen_id, details [{label, value}], files
 *  [{id, slot, label, name, mime, size_text, url}], result_file, history
 *  [{at_text, actor_name, status_label, message, file_url, …}], order
 *  {lines, subtotal_text, shipping_text, total_text, total_words} or null,
 *  can_edit, can_cancel, view_url, print_url, pdf_url, edit_url, cancel_url,
 *  process_url}. */
json_t *oss_request_model(struct req *r, struct db *db, json_t *req, bool officer, struct err *e);
/* Turns a page's list rows into what list templates show: numbers (first,
 * then step by step: +1 or -1), labels, dates, the edit / cancel / result
 * links that depend on the status, the wait and overdue flag for officers.
 * html: the model is rendered, not answered as JSON: the keys its template
 * does not print are left out (officers: service_name, result_url; the
 * applicant: created_at_text, waited, overdue), the JSON answer keeps them. */
void oss_list_rows(json_t *rows, long long first, int step, bool officer, bool html, long long now,
		   const long long *hol, size_t nhol, long long overdue_before);
/* The lists' shared choices (built once, never written; the caller owns a
 * reference): the officers' status filter [{value, label, selected}] with
 * status selected ("" = all when status < 0; none selected when none: the
 * overdue list), its sort choices, the officer's tabs [{name, url,
 * current}] of the services in mask with service current, and the
 * applicant's tabs [{code, name, url, current}] ("" = all). */
json_t *oss_status_choices(int status, bool none);
json_t *oss_sort_choices(bool oldest);
json_t *oss_manage_tabs(unsigned mask, const char *service);
json_t *oss_my_tabs(const char *service);
/* path?key=value… (non-empty params, URL-encoded) [&page=N when N > 1];
 * malloc'd. */
char *oss_url(const char *path, json_t *params, long long page);
/* Adds pager, has_pager, prev_url, next_url, per_page_options, has_rows to
 * a list model that has page, pages, per_page and rows. */
void oss_pager(json_t *m, const char *path, json_t *params);

/* The officer's list as a file (export.c): the list's filters (status -1
 * = all; overdue_before > 0 = overdue only), rows in its order. */
/* overdue_before filters to overdue requests when > 0; mark_before marks
 * every waiting row queued before it as overdue, filtered or not. */
int oss_manage_export(struct req *r, enum sheet_format f, long long area_id, const char *service, int status,
		      long long overdue_before, long long mark_before, enum oss_sort sort, const char *q, long long now, const long long *hol,
		      size_t nhol);
/* Manuals and blank forms (docs.c): an area's documents [{service, kind,
 * label, name, size, url}], and those of one service (a new array). */
json_t *oss_documents_list(struct db *db, long long area_id, struct err *e);
json_t *oss_documents_of(json_t *docs, const char *service);
int oss_document_get(struct req *r);
int oss_admin_documents(struct req *r);
int oss_admin_document_add(struct req *r);
int oss_admin_document_remove(struct req *r);
extern const struct field oss_document_form[];
/* The ปพ. order's total for quantities as typed (quote.c): {ok, subtotal_text,
 * shipping_text, total_text, total_words, total_satang} or {ok: false,
 * message}; NULL with e only for a fault. GET /oss/quote answers it. */
json_t *oss_quote_model(struct db *db, long long area_id, const char *const qty_text[OSS_PP_ITEMS], struct err *e);
int oss_quote(struct req *r);
/* GET /oss/rooms/:id/calendar?month=YYYY-MM (calendar.c). */
int oss_room_calendar(struct req *r);
/* The meeting-room desk (rooms.c, issue 10.14b): GET /oss/rooms/free,
 * GET and POST /oss/rooms/approve (bulk approval), GET /oss/rooms/usage
 * (?year=BE&format=csv|xlsx). */
int oss_rooms_free_page(struct req *r);
int oss_rooms_approve_get(struct req *r);
int oss_rooms_approve_post(struct req *r);
extern const struct field oss_rooms_approve_form[];
int oss_rooms_usage(struct req *r);
/* The area's active rooms [{id, area_id, name, capacity, active, free,
 * fits, taken_text}] for the day slots slots[0..n) (n ≥ 1, in time order):
 * free when no booking overlaps any slot and the room holds attendees
 * (0: any size); taken_text the first overlapping booking's time. One
 * query for all rooms. */
json_t *oss_rooms_free(struct db *db, long long area_id, const struct oss_slot *slots, int n, long long attendees,
		       struct err *e);
/* The approvers' menu count (core/module.h menu_def.badge): the area's
 * room requests waiting for a decision, for an officer who serves room
 * bookings there; -1 (entry hidden) for anyone else. One query. */
int oss_rooms_badge(struct req *r, long long *count);
/* Tells oss_rooms_badge what the request already read (oss_officer_scope):
 * whether user_id serves room bookings in area_id and the count waiting
 * there, so the menu of this request's page asks nothing more. */
void oss_rooms_badge_known(struct req *r, long long user_id, long long area_id, bool approver, long long pending);
/* GET /oss/requests/:id/pdf (print.c). */
int oss_request_pdf(struct req *r);

/* The area of the area admin's active grant (admin.c): its id with the
 * area's row in *area (the caller's), or -1 with the answer (403 when the
 * role has no area) in *answered. oss_admin_area_id: the id alone. */
long long oss_admin_area(struct req *r, json_t **area, int *answered);
long long oss_admin_area_id(struct req *r, int *answered);
/* For a form the admin posts: the area's id, or -1 with the answer in
 * *answered (page again with 422 when the form has errors). */
long long oss_admin_posted_area(struct req *r, int (*page)(struct req *r, int status), int *answered);

/* Handlers of officer.c and admin.c. */
int oss_manage_dashboard(struct req *r);
int oss_manage_list(struct req *r);
int oss_process_get(struct req *r);
int oss_process_post(struct req *r);
extern const struct field oss_process_form[];
/* POST /oss/manage/requests/:id/message: a message (and file) to the
 * applicant without a status change. */
int oss_process_message(struct req *r);
extern const struct field oss_message_form[];
int oss_admin_index(struct req *r);
int oss_admin_officers(struct req *r);
int oss_admin_officer_add(struct req *r);
int oss_admin_officer_remove(struct req *r);
extern const struct field oss_officer_form[];
extern const struct field oss_remove_form[];
int oss_admin_rooms(struct req *r);
int oss_admin_room_add(struct req *r);
int oss_admin_room_update(struct req *r);
extern const struct field oss_room_form[];
int oss_admin_holidays(struct req *r);
int oss_admin_holiday_add(struct req *r);
int oss_admin_holiday_remove(struct req *r);
extern const struct field oss_holiday_form[];
int oss_admin_prices(struct req *r);
int oss_admin_prices_post(struct req *r);
extern const struct field oss_prices_form[];

/* Mail (notify.c), queued in the caller's transaction; a mail that cannot
 * be queued is logged and does not undo the step it reports. */
void oss_notify_submitted(struct req *r, struct db *db, json_t *req);
void oss_notify_status(struct req *r, struct db *db, json_t *req, const char *message);
/* An officer's message without a status change (with a file or not). */
void oss_notify_message(struct req *r, struct db *db, json_t *req, const char *message, bool with_file);

/* Stores the uploads of the given form fields for a request (rows now,
 * files moved into DATA/files/oss/<id>/ after), each under its field's
 * name as the slot, or under slot_as when not NULL; *last_id is the id of
 * the last one stored (0 when none). Call it as the last step that can
 * fail, or use the two halves below. */
int oss_keep_files(struct req *r, struct db *db, long long request_id, const char *const *slots, int nslots,
		   const char *slot_as, long long *last_id, struct err *e);
/* The two halves, for a step that needs the file rows' ids before the
 * step that may still fail: oss_files_stage inserts the rows (no file
 * moves yet), oss_files_move moves the uploads once everything else
 * succeeded, oss_files_drop forgets them (the uploads stay in the temp
 * folder and are removed with the request). */
#define OSS_STAGED_MAX 8
struct oss_staged {
	long long request_id;
	int n;
	char *paths[OSS_STAGED_MAX]; /* relative to the data folder */
	const char *fields[OSS_STAGED_MAX];
};
int oss_files_stage(struct req *r, struct db *db, long long request_id, const char *const *slots, int nslots,
		    const char *slot_as, long long *last_id, struct oss_staged *st, struct err *e);
int oss_files_move(struct req *r, struct oss_staged *st, struct err *e);
void oss_files_drop(struct oss_staged *st);

#endif
