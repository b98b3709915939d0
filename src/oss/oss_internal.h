/* oss_internal: what the files of the One Stop Service share among
 * themselves (services.c, request.c, settings.c, routes*.c) and no other
 * module may call: the declared form of each service, and the storage of
 * requests, files, history, officers and settings. */
#ifndef KHET_OSS_INTERNAL_H
#define KHET_OSS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/form.h"
#include "oss/oss.h"

/* ---- services (services.c) ------------------------------------------------ */

/* One attachment slot of a service's form (OSS-2, OSS-3). */
struct oss_file_slot {
	const char *name;  /* form field, and oss_files.slot */
	const char *label; /* Thai */
	bool required;	   /* on a new request (an edit keeps the stored file) */
};

struct oss_service_def {
	const char *code;		   /* "11" */
	const char *name;		   /* list and tab: "ขอบัตรประจำตัว" */
	const char *menu;		   /* home card: "บัตรข้าราชการ" */
	const char *title;		   /* form heading */
	const char *about;		   /* one sentence on the home page */
	const struct field *fields;	   /* the route's declared form */
	const struct oss_file_slot *slots; /* ends with {NULL} */
};

/* The declared forms of the six services (the routes' body fields). */
extern const struct field oss_fields_11[], oss_fields_12[], oss_fields_21[], oss_fields_31[], oss_fields_32[],
    oss_fields_41[];

/* The definition of a service code, or NULL. */
const struct oss_service_def *oss_service_def(const char *code);
extern const struct oss_service_def oss_services[OSS_SERVICE_COUNT];
/* Label of a stored slot name in any service ("result": the officer's
 * file of a step, "message": one sent with a message), "" when unknown. */
const char *oss_slot_label(const char *service, const char *slot);

/* Reads the checked form of a service into a new data object, applies the
 * service's own rules (dates, rooms, quantities …, with now the current
 * time) and returns it, or NULL with e (e->field set for the form). For a
 * booking, room_id and the day slots are written to *booking. An edit
 * passes the request's id as except_id so its own booking is not a clash;
 * 0 for a new request. area_id is the area the request is for. */
struct oss_booking_plan {
	long long room_id, attendees;
	int nslots;
	struct oss_slot slots[OSS_BOOKING_MAX_DAYS];
};
json_t *oss_service_read(struct req *r, struct db *db, const struct oss_service_def *svc, long long area_id,
			 long long now, struct oss_booking_plan *booking, struct err *e);
/* The text a list searches for a request (thai_search_terms of the code,
 * the names and the service's main text fields). */
void oss_search_text(const char *code, json_t *data, struct buf *out);
/* The request's fields as [{name, label, value}] for the view and print
 * pages: choices by their label, money in baht, dates in BE. */
json_t *oss_service_details(const struct oss_service_def *svc, json_t *data);

/* ---- requests (request.c) ------------------------------------------------- */

/* A request row as JSON: {id, code, area_id, service, applicant_id, status,
 * data (object), note, result_file_id, created_at, updated_at, status_at,
 * queued_at}; NULL with 404 "ไม่พบคำร้องที่ระบุ". */
json_t *oss_request_get(struct db *db, long long id, struct err *e);
json_t *oss_request_by_code(struct db *db, const char *code, struct err *e);
/* Moves request req (as read by oss_request_get) by act; writes the
 * history row, the counters and the note, and updates data/search when
 * data is given (an applicant's edit). Refuses (409) when another writer
 * changed the status since req was read, or the request is no longer at
 * req's version (issue 10.6: every write adds one to it, in the same
 * statement). file_id > 0 is the officer's file
 * attached to this step. Returns the new status. */
/* Sets req's version to the one the posted form was made from (_version),
 * when it carried one, so that oss_request_move refuses a stale copy. */
void oss_request_expect(struct req *r, json_t *req);
int oss_request_move(struct db *db, json_t *req, enum oss_actor who, enum oss_action act, long long actor_id,
		     const char *actor_name, const char *message, json_t *data, const char *search, long long file_id,
		     long long now, struct err *e);
/* An officer's message to the applicant that leaves the status as it is
 * (oss_message_check first): a history row (action "message", from and to
 * the current status) with the optional file, and updated_at. 409 when the
 * status changed since req was read. */
int oss_request_message(struct db *db, json_t *req, long long actor_id, const char *actor_name, const char *message,
			long long file_id, long long now, struct err *e);
/* Stores an attachment row and returns its id; path is relative to the
 * data folder. */
long long oss_file_add(struct db *db, long long request_id, const char *slot, const char *path, const char *name,
		       const char *mime, long long size, long long by, long long now, struct err *e);
/* The current file of each slot [{id, slot, name, mime, size, created_at}]
 * (the latest of a slot; older ones stay stored and in the history). */
json_t *oss_request_files(struct db *db, long long request_id, struct err *e);
json_t *oss_file_get(struct db *db, long long request_id, long long file_id, struct err *e);
/* The history, oldest first: [{at, actor_name, from_status, to_status,
 * message, file_id}]. */
json_t *oss_request_history(struct db *db, long long request_id, struct err *e);

/* One page of the applicant's requests, newest first. service "" = all.
 * {rows, total, page, pages, per_page, from, to, q}; a row is {id, code,
 * service, status, applicant_name, note, result_file_id, created_at, status_at,
 * queued_at} (no data: lists never decode it). */
json_t *oss_my_page(struct db *db, long long applicant_id, const char *service, const char *q, long long page,
		    long long per_page, struct err *e);
/* One page of an area's requests of one service for officers, newest
 * (or with OSS_SORT_OLDEST oldest) first; status -1 = every status; overdue_before > 0 lists only open
 * requests queued before it (oldest first). Totals without a search come
 * from oss_counts, not COUNT(*). */
enum oss_sort { OSS_SORT_NEWEST, OSS_SORT_OLDEST };
json_t *oss_manage_page(struct db *db, long long area_id, const char *service, int status, long long overdue_before,
			enum oss_sort sort, const char *q, long long page, long long per_page, struct err *e);
/* The officer's list as an export (OSS-7, issue item 11): every row the
 * list's filters select (as oss_manage_page), in its order, at most
 * OSS_EXPORT_MAX, read in one query and handed to fn one by one (row n
 * from 1; the row's strings live until fn returns); *cut is set when more
 * rows matched than that. fn returning < 0
 * stops the reading (its error is the caller's to keep). */
#define OSS_EXPORT_MAX 100000
struct oss_export_row {
	const char *code;
	int status;
	json_t *data; /* the service's fields (borrowed) */
	const char *note;
	bool has_result;
	long long created_at, status_at, queued_at;
};
typedef int (*oss_row_fn)(const struct oss_export_row *row, long long n, void *ctx);
int oss_manage_each(struct db *db, long long area_id, const char *service, int status, long long overdue_before,
		    enum oss_sort sort, const char *q, oss_row_fn fn, void *ctx, bool *cut, struct err *e);
/* Counts for the dashboard: {by_status: {service: {status: n}}, by_month:
 * {ym: {service: n}}} for the area from month ym_from to ym_to (YYYYMM). */
json_t *oss_counts_get(struct db *db, long long area_id, long long ym_from, long long ym_to, struct err *e);
/* Open requests queued before t, per service (in oss_services order), in
 * one GROUP BY query. */
int oss_overdue_counts(struct db *db, long long area_id, long long before, long long out[OSS_SERVICE_COUNT],
		       struct err *e);
/* YYYYMM of t in Bangkok. */
long long oss_ym(long long t);

/* ---- officers and settings (settings.c) ----------------------------------- */

/* The services user is assigned in area as a bit per oss_services index. */
int oss_officer_services(struct db *db, long long user_id, long long area_id, unsigned *mask, struct err *e);
/* The room requests waiting for a decision (the approvers' menu count,
 * rooms.c): the sum of these statuses' rows of oss_status_counts, read
 * "FROM oss_status_counts WHERE area_id = … AND service = '31'" (the
 * service's few rows; a status IN (…) of three values would make SQLite
 * build a temporary table for it on every run: 46k instructions against
 * 19k). */
#define OSS_ROOMS_PENDING_SUM                                                                                          \
	"CAST(COALESCE(SUM(CASE WHEN status = 'submitted' OR status = 'in_progress' OR status = 'resubmitted' "        \
	"THEN n ELSE 0 END), 0) AS BIGINT)"
/* The same mask, the area's holidays (sorted day numbers, malloc'd, as
 * oss_holidays_load) and the area's room requests waiting for a decision
 * (the approvers' menu count: oss_rooms_badge_known) in one query, for the
 * officers' pages. A service is the user's while he holds an active
 * officer grant qualified by it in the area (the permission "officer:31")
 * and his account is active (so for oss_officer_ids). */
int oss_officer_scope(struct db *db, long long user_id, long long area_id, unsigned *mask, long long **holidays,
		      size_t *nhol, long long *rooms_pending, struct err *e);
/* The bit of a service code in such a mask, 0 for unknown. */
unsigned oss_service_bit(const char *code);
/* [{id (the grant's), user_id, service, service_name, assigned_at, name,
 * email}] of an area's officer grants, in one query. */
json_t *oss_officers_list(struct db *db, long long area_id, struct err *e);
/* Grants the user the officer role for service in the area (409 when he
 * holds it); returns the grant's id. */
long long oss_officer_add(struct db *db, long long area_id, long long user_id, const char *service, long long by,
			  struct err *e);
/* Revokes the officer grant id of the area (404 when there is none). */
int oss_officer_remove(struct db *db, long long area_id, long long id, long long by, struct err *e);
/* Officers assigned to a service in an area, still active (for mail):
 * [{user_id, email}]. */
json_t *oss_officer_ids(struct db *db, long long area_id, const char *service, struct err *e);

/* Rooms: [{id, area_id, name, capacity, active}] of an area (active only
 * when active_only) in name order; one room; add; update. */
json_t *oss_rooms_list(struct db *db, long long area_id, bool active_only, struct err *e);
json_t *oss_room_get(struct db *db, long long id, struct err *e);
long long oss_room_add(struct db *db, long long area_id, const char *name, long long capacity, struct err *e);
int oss_room_update(struct db *db, long long area_id, long long id, const char *name, long long capacity, bool active,
		    struct err *e);

/* Holidays [{id, day, name}] of an area in date order; add; remove. */
json_t *oss_holidays_list(struct db *db, long long area_id, struct err *e);
long long oss_holiday_add(struct db *db, long long area_id, const char *day, const char *name, struct err *e);
int oss_holiday_remove(struct db *db, long long area_id, long long id, struct err *e);

/* Prices: the area's unit prices (satang) with a flag saying whether each
 * is the area's own; saving stores all five for the area. */
int oss_prices_save(struct db *db, long long area_id, const long long price[OSS_PP_ITEMS], long long by, struct err *e);

#endif
