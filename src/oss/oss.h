/* oss: the One Stop Service e-service (OSS-1 … OSS-8) — six services an area
 * office gives its staff and the public online: ID card for state officials
 * (11), certificate letter (12), living pension (21), meeting-room booking
 * (31), appointment with executives (32) and ordering the official school
 * record forms ปพ.1–3 (41). A request goes from the applicant to the officers
 * the area admin assigned to its service, who process it until it is
 * completed or cancelled (OSS-5).
 *
 * The domain rules are plain functions over values, declared first, so unit
 * tests reach them without HTTP or a database: the workflow (workflow.c),
 * reference codes (refcode.c), ปพ. prices (price.c), business days
 * (bizdays.c) and booking intervals (booking.c). Storage and pages follow.
 *
 * The tables oss_* belong to this module (db/migrations/0010_oss.sql).
 * Functions that can fail return -1 (or NULL) and fill e: 400 with a Thai
 * message saying what to fix (e->field names the form field), 403 when the
 * actor may not do it, 404 when the request does not exist or is not the
 * caller's to see, 409 when its state forbids it, 500 for a fault. */
#ifndef KHET_OSS_H
#define KHET_OSS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"

struct db;

/* ---- services (OSS-2) ---------------------------------------------------- */

#define OSS_SERVICE_COUNT 6
/* The two-digit codes, in the order pages list them. */
extern const char *const oss_service_codes[OSS_SERVICE_COUNT];
/* 1 when s is one of the codes above. */
bool oss_service_valid(const char *s);
/* Thai names: the short one of lists and tabs ("หนังสือรับรอง") and the
 * title of the form ("ขอหนังสือรับรอง"); NULL for an unknown code. */
const char *oss_service_name(const char *code);
const char *oss_service_title(const char *code);
/* "คำขอ" + the service's title without doubling "ขอ" (ขอหนังสือรับรอง →
 * คำขอหนังสือรับรอง, จองห้องประชุม → คำขอจองห้องประชุม): the one way a
 * request's title is built (page headings, the print page, the PDF). */
void oss_request_title(const char *code, struct buf *out);

/* ---- workflow (OSS-5) ---------------------------------------------------- */

enum oss_status {
	OSS_SUBMITTED,	 /* ส่งคำร้องไปยังเจ้าหน้าที่ */
	OSS_IN_PROGRESS, /* เจ้าหน้าที่กำลังดำเนินการ */
	OSS_RETURNED, /* เจ้าหน้าที่ส่งให้แก้ไขข้อมูล (with a note) */
	OSS_RESUBMITTED, /* ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่ */
	OSS_COMPLETED,	 /* ดำเนินการเรียบร้อย (optionally with a file) */
	OSS_CANCELLED,	 /* ยกเลิกคำร้อง */
};
#define OSS_STATUS_COUNT 6

enum oss_actor { OSS_APPLICANT, OSS_OFFICER };
#define OSS_ACTOR_COUNT 2

enum oss_action {
	OSS_EDIT,     /* applicant changes the data: submitted stays, returned → resubmitted */
	OSS_CANCEL,   /* → cancelled (an officer must say why) */
	OSS_START,    /* officer takes it: → in_progress */
	OSS_RETURN,   /* officer sends it back for fixing: → returned, note required */
	OSS_COMPLETE, /* officer finishes it: → completed, file optional */
};
#define OSS_ACTION_COUNT 5

/* Stored names ("submitted") and Thai labels; parse returns -1 when unknown. */
const char *oss_status_name(enum oss_status s);
const char *oss_status_label(enum oss_status s);
int oss_status_parse(const char *name);
const char *oss_action_name(enum oss_action a);
/* Open statuses are every one but completed and cancelled. */
bool oss_status_open(enum oss_status s);
/* Whether who may do act on a request in status from (no message checked). */
bool oss_can(enum oss_status from, enum oss_actor who, enum oss_action act);
/* Whether act needs a message: an officer's return and cancel. */
bool oss_action_needs_message(enum oss_actor who, enum oss_action act);
/* The whole rule: fills *to and returns 0, or -1 with e: 403 when who may
 * never do act, 409 with a Thai reason when the status forbids it, 400
 * (field "message") when a required message is empty or one is longer
 * than OSS_MESSAGE_MAX characters. message may be NULL. */
#define OSS_MESSAGE_MAX 1000
int oss_transition(enum oss_status from, enum oss_actor who, enum oss_action act, const char *message,
		   enum oss_status *to, struct err *e);
/* An officer writing to the applicant without changing the status: any
 * status but cancelled (a completed request may still need "มารับเอกสาร
 * ได้ที่…"); the message is required and at most OSS_MESSAGE_MAX
 * characters. 0, or -1 with e: 409 for a cancelled request, 400 (field
 * "letter") for the message. */
int oss_message_check(enum oss_status s, const char *message, struct err *e);
/* The officer's status choice on the processing page → the action. */
int oss_action_for_target(enum oss_status target, enum oss_action *out);

/* ---- reference codes (OSS-4) ---------------------------------------------- */

/* service + submission time YYYYMMDDhhmmss in Bangkok: 16 digits; a
 * second request of the service in the same second adds a sequence, 1 … 9
 * as a 17th digit, then 10 … 99 as 17th and 18th (OSS_CODE_MAX). */
#define OSS_CODE_LEN 16
#define OSS_CODE_MAX 18
#define OSS_CODE_SEQ_MAX 99
/* The 16-digit code (sequence 0). */
int oss_code_make(const char *service, long long t, char out[OSS_CODE_MAX + 1]);
/* The code with sequence seq (0 … OSS_CODE_SEQ_MAX), -1 when out of range. */
int oss_code_make_seq(const char *service, long long t, int seq, char out[OSS_CODE_MAX + 1]);
/* The time a code names (UTC seconds), or -1 when it is not a well-formed
 * code: 16 ASCII digits (a known service, a real date and time), or 17
 * ending in 1 … 9, or 18 ending in 10 … 99. */
long long oss_code_time(const char *code);
/* The sequence of a well-formed code (0 for 16 digits), -1 otherwise. */
int oss_code_seq(const char *code);
/* 0 when well-formed, else -1 with a Thai message (field "code"): 400 for
 * a code of the wrong shape, 404 "ไม่พบคำร้องรหัสนี้" for digits that name
 * no service or no real time (a made-up code). */
int oss_code_check(const char *code, struct err *e);

/* ---- ปพ. order prices (OSS-2.6) ------------------------------------------- */

#define OSS_PP_ITEMS 5
struct oss_pp_item {
	const char *key;   /* form field and price key: "pp1_p" … */
	const char *label; /* "ปพ.1-ป" */
	const char *unit;  /* "เล่ม" / "แผ่น" */
	const char *level; /* "ระดับประถมศึกษา" / "ระดับมัธยมศึกษาตอนต้น" */
	long long default_satang;
};
extern const struct oss_pp_item oss_pp_items[OSS_PP_ITEMS];
#define OSS_PP_QTY_MAX 10000
#define OSS_PRICE_MAX_SATANG 10000000LL /* 100,000 baht a unit */
#define OSS_SHIPPING_PERMILLE 35	/* 3.5 % */
#define OSS_SHIPPING_MIN_SATANG 2500	/* 25 baht */

struct oss_order {
	long long qty[OSS_PP_ITEMS];
	long long price[OSS_PP_ITEMS]; /* satang a unit */
	long long line[OSS_PP_ITEMS];  /* qty × price */
	long long subtotal, shipping, total;
};
/* Shipping of a subtotal: 3.5 % rounded half up to the satang, at least
 * 25 baht. */
long long oss_shipping(long long subtotal);
/* Checks quantities (whole numbers 0 … OSS_PP_QTY_MAX, at least one above
 * 0; field = the item's key, or "pp1_p" for "none ordered") and prices,
 * and fills out. */
int oss_order_compute(const long long qty[OSS_PP_ITEMS], const long long price[OSS_PP_ITEMS], struct oss_order *out,
		      struct err *e);

/* ---- business days (OSS-7) ------------------------------------------------ */

/* The area promises 3–5 business days; a request waiting longer is overdue. */
#define OSS_PROMISE_DAYS 5
/* Day number of t in Bangkok (days since 1970-01-01 local). */
long long oss_day_of(long long t);
/* Day number of "YYYY-MM-DD", or -1. */
long long oss_day_parse(const char *ymd);
/* The days of "YYYY-MM-DD,YYYY-MM-DD,…" (an area's holidays as
 * oss_holiday_days keeps them) as ascending day numbers, malloc'd, *n
 * set; a part that is no date is skipped. NULL or "" gives none. */
long long *oss_days_unpack(const char *s, size_t *n);
/* Monday–Friday and not in holidays (sorted ascending day numbers). */
bool oss_business_day(long long day, const long long *holidays, size_t n);
/* Business days a request queued at since_t has waited by now_t: the
 * business days after the day it was received, up to and including
 * today. It is received on the first business day on or after the day it
 * arrived, so one that arrives on Saturday has waited 0 days on Monday
 * and 1 on Tuesday. 0 when now_t is before since_t. */
long long oss_business_days_waited(long long since_t, long long now_t, const long long *holidays, size_t n);
/* The time T such that a request queued before T has waited more than
 * limit business days by now_t (so is overdue), and one queued at or after
 * T has not: the start of the day after the (limit+2)-th business day on or
 * before today, counted back. Lists filter and count overdue requests with
 * queued_at < T in SQL. */
long long oss_overdue_before(long long now_t, int limit, const long long *holidays, size_t n);

/* ---- meeting-room bookings (OSS-2.4) ---------------------------------------- */

/* A booking covers the same hours on each day from its start date to its
 * end date: one [start, end) interval a day, at most OSS_BOOKING_MAX_DAYS. */
#define OSS_BOOKING_MAX_DAYS 14
struct oss_slot {
	long long start, end; /* UTC seconds, [start, end) */
};
/* Bookings and appointments are made at most this many days ahead: a date
 * further off is a BE year typed as CE ("2567-06-25"), refused. */
#define OSS_AHEAD_DAYS 731
/* Checks the dates and times (end date not before the start date, end
 * time after the start time, nothing in the past of now) and writes the
 * day slots to out[max]; returns how many, or -1 with e (field names:
 * start_date, end_date, start_time, end_time). */
int oss_booking_slots(const char *start_date, const char *end_date, const char *start_time, const char *end_time,
		      long long now, struct oss_slot *out, int max, struct err *e);
/* Attendees at least 1 and at most the room's capacity (field "attendees"). */
int oss_attendees_check(long long attendees, long long capacity, struct err *e);
bool oss_slots_overlap(struct oss_slot a, struct oss_slot b);
/* "25 มิ.ย. 2567 09:00–12:00 น." (or with both dates when it spans days). */
void oss_slot_text(struct oss_slot s, struct buf *out);
/* An appointment (32): a real date and time, not in the past. */
int oss_appointment_check(const char *date, const char *time, long long now, long long *at, struct err *e);

/* ---- storage --------------------------------------------------------------- */

/* Advisory lock keys (db_lock): one key space for the whole program. */
#define OSS_LOCK_ROOM_BASE 0x6f73730000000000LL /* "oss" + room id */

/* Stores a new request in the caller's transaction: picks a free reference
 * code for t (the 16-digit code while that second is free for the service,
 * else the next sequence 1 … 99 of that second; unique under the UNIQUE
 * index, also when requests of a service arrive at once), the counters and the
 * first history row. data is the service's fields as JSON (borrowed);
 * search the text searched by lists. Returns the id and writes the code. */
long long oss_request_insert(struct db *db, long long area_id, const char *service, long long applicant_id,
			     const char *actor_name, json_t *data, const char *search, long long t,
			     char code[OSS_CODE_MAX + 1], struct err *e);
/* Checks that no active booking of room overlaps slots (other than those of
 * request except_id), under the room's lock; the 409 message names the
 * clashing booking's time. Call inside the transaction that then stores
 * the booking with oss_booking_store. */
int oss_booking_free(struct db *db, long long room_id, const struct oss_slot *slots, int n, long long except_id,
		     struct err *e);
/* Replaces the request's booking rows by slots; chairman and coordinator
 * (the form's, "" when not given) are kept on each row for the calendar. */
int oss_booking_store(struct db *db, long long request_id, long long room_id, const struct oss_slot *slots, int n,
		      long long attendees, const char *chairman, const char *coordinator, struct err *e);
/* Sorted holiday day numbers of an area (malloc'd; *n set). */
long long *oss_holidays_load(struct db *db, long long area_id, size_t *n, struct err *e);
/* The unit prices in satang an area uses (its own settings over the
 * defaults). */
int oss_prices_load(struct db *db, long long area_id, long long price[OSS_PP_ITEMS], struct err *e);

/* Demo data for `khet demo` (after acc_demo): meeting rooms for each area,
 * the demo officers assigned to their services, this year's public
 * holidays, and `requests` requests spread over the last two years (0 for
 * none; the benchmark asks for 200,000). Running it again adds nothing. */
int oss_demo(struct db *db, long long requests, struct err *e);

/* The module's pages: /oss …, /privacy. */
extern const struct route_table oss_routes;

#endif
