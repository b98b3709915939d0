/* test_oss: the One Stop Service's rules as plain functions — every allowed
 * and every refused step of the workflow for both actors (OSS-5), reference
 * codes (OSS-4), ปพ. prices and shipping (OSS-2.6), business days and the
 * overdue cut-off (OSS-7), booking intervals and appointment times
 * (OSS-2.4/2.5) — and then the storage on a fresh SQLite file (and on
 * PostgreSQL when KHET_TEST_PG names a server): unique codes for requests
 * of the same second, status moves with history and counters, a stale
 * status refused, booking overlaps refused naming the clash, list paging
 * and totals, area prices over the defaults, holidays, and the free-room
 * search over an area's rooms with booking rows that follow their
 * request's status (issue 10.14b). */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"
#include "core/thai.h"
#include "org/org.h"
#include "oss/oss.h"
#include "oss/oss_internal.h"
#include "oss/oss_pages.h"

/* Bangkok local time → UTC seconds. */
static long long bkk(int y, int mo, int d, int h, int mi, int s)
{
	return thai_from_local(y, mo, d, h, mi, s);
}

/* ---- workflow ----------------------------------------------------------------- */

/* What each actor's action does from each status: the status it leads to,
 * or R403 (the actor may never do it) / R409 (not from this status).
 * Written out by hand from OSS-5/OSS-6, not derived from workflow.c. */
#define R403 (-403)
#define R409 (-409)
enum {
	SU = OSS_SUBMITTED,
	IP = OSS_IN_PROGRESS,
	RE = OSS_RETURNED,
	RS = OSS_RESUBMITTED,
	CO = OSS_COMPLETED,
	CA = OSS_CANCELLED
};

static const int expect_table[OSS_ACTOR_COUNT][OSS_ACTION_COUNT][OSS_STATUS_COUNT] =
    {
	[OSS_APPLICANT] =
	    {
		/*                 submitted in_progress returned resubmitted completed cancelled */
		[OSS_EDIT] = {SU, R409, RS, R409, R409, R409},
		[OSS_CANCEL] = {CA, CA, CA, CA, R409, R409},
		[OSS_START] = {R403, R403, R403, R403, R403, R403},
		[OSS_RETURN] = {R403, R403, R403, R403, R403, R403},
		[OSS_COMPLETE] = {R403, R403, R403, R403, R403, R403},
	    },
	[OSS_OFFICER] =
	    {
		[OSS_EDIT] = {R403, R403, R403, R403, R403, R403},
		[OSS_CANCEL] = {CA, CA, CA, CA, R409, R409},
		[OSS_START] = {IP, R409, R409, IP, R409, R409},
		[OSS_RETURN] = {RE, RE, R409, RE, R409, R409},
		[OSS_COMPLETE] = {CO, CO, R409, CO, R409, R409},
	    },
};

static void test_workflow_every_pair(void **state)
{
	int allowed = 0, refused = 0;
	for (int who = 0; who < OSS_ACTOR_COUNT; who++)
		for (int act = 0; act < OSS_ACTION_COUNT; act++)
			for (int from = 0; from < OSS_STATUS_COUNT; from++) {
				int want = expect_table[who][act][from];
				struct err e = ERR_INIT;
				enum oss_status to = (enum oss_status)99;
				/* a message always given, so only the state rule decides */
				int rc = oss_transition((enum oss_status)from, (enum oss_actor)who,
							(enum oss_action)act, "ข้อมูลไม่ชัดเจน", &to, &e);
				bool can = oss_can((enum oss_status)from, (enum oss_actor)who, (enum oss_action)act);
				if (want >= 0) {
					if (rc != 0 || (int)to != want || !can)
						fail_msg("%s %s from %s: want %s, got rc %d to %d (%s)",
							 who ? "officer" : "applicant", oss_action_name(act),
							 oss_status_name(from), oss_status_name(want), rc, (int)to,
							 e.msg);
					allowed++;
				} else {
					if (rc != -1 || e.status != -want || can || (int)to != 99)
						fail_msg("%s %s from %s: want refusal %d, got rc %d status %d",
							 who ? "officer" : "applicant", oss_action_name(act),
							 oss_status_name(from), -want, rc, e.status);
					assert_true(e.msg[0] != 0);
					refused++;
				}
			}
	assert_int_equal(allowed + refused, OSS_ACTOR_COUNT * OSS_ACTION_COUNT * OSS_STATUS_COUNT);
	assert_int_equal(allowed, 18);
}

static void expect_refusal(enum oss_status from, enum oss_actor who, enum oss_action act, int status, const char *msg)
{
	struct err e = ERR_INIT;
	enum oss_status to;
	assert_int_equal(oss_transition(from, who, act, "x", &to, &e), -1);
	assert_int_equal(e.status, status);
	assert_string_equal(e.msg, msg);
}

static void test_workflow_messages(void **state)
{
	/* the Thai reasons a user reads */
	expect_refusal(OSS_IN_PROGRESS, OSS_APPLICANT, OSS_EDIT, 409, "แก้ไขคำร้องไม่ได้ เพราะเจ้าหน้าที่กำลังดำเนินการคำร้องนี้อยู่");
	expect_refusal(OSS_COMPLETED, OSS_APPLICANT, OSS_EDIT, 409, "แก้ไขคำร้องไม่ได้ เพราะคำร้องนี้ดำเนินการเรียบร้อยแล้ว");
	expect_refusal(OSS_CANCELLED, OSS_APPLICANT, OSS_CANCEL, 409, "ยกเลิกคำร้องไม่ได้ เพราะคำร้องนี้ถูกยกเลิกแล้ว");
	expect_refusal(OSS_RETURNED, OSS_OFFICER, OSS_COMPLETE, 409,
		       "บันทึกว่าดำเนินการเรียบร้อยไม่ได้ เพราะคำร้องนี้รอผู้ยื่นคำร้องแก้ไขข้อมูล");
	expect_refusal(OSS_SUBMITTED, OSS_APPLICANT, OSS_COMPLETE, 403, "การดำเนินการนี้ทำได้เฉพาะเจ้าหน้าที่ผู้รับผิดชอบบริการ");
	expect_refusal(OSS_SUBMITTED, OSS_OFFICER, OSS_EDIT, 403, "การแก้ไขข้อมูลคำร้องทำได้เฉพาะผู้ยื่นคำร้อง");

	/* a return needs a note, an officer's cancel a reason; others not */
	struct err e = ERR_INIT;
	enum oss_status to;
	assert_int_equal(oss_transition(OSS_IN_PROGRESS, OSS_OFFICER, OSS_RETURN, "", &to, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "message");
	assert_string_equal(e.msg, "กรุณาระบุสิ่งที่ผู้ยื่นคำร้องต้องแก้ไข เช่น ข้อมูลไม่ชัดเจน");
	err_clear(&e);
	assert_int_equal(oss_transition(OSS_IN_PROGRESS, OSS_OFFICER, OSS_RETURN, NULL, &to, &e), -1);
	assert_string_equal(e.field, "message");
	err_clear(&e);
	assert_int_equal(oss_transition(OSS_SUBMITTED, OSS_OFFICER, OSS_CANCEL, "", &to, &e), -1);
	assert_string_equal(e.msg, "กรุณาระบุเหตุผลที่ยกเลิกคำร้อง");
	err_clear(&e);
	assert_int_equal(oss_transition(OSS_SUBMITTED, OSS_APPLICANT, OSS_CANCEL, "", &to, &e), 0);
	assert_int_equal(to, OSS_CANCELLED);
	assert_int_equal(oss_transition(OSS_SUBMITTED, OSS_OFFICER, OSS_START, NULL, &to, &e), 0);
	assert_int_equal(to, OSS_IN_PROGRESS);
	assert_int_equal(oss_transition(OSS_IN_PROGRESS, OSS_OFFICER, OSS_COMPLETE, "", &to, &e), 0);
	assert_int_equal(to, OSS_COMPLETED);
	/* the message limit */
	struct buf long_msg = BUF_INIT;
	for (int i = 0; i < OSS_MESSAGE_MAX; i++)
		buf_adds(&long_msg, "ก");
	assert_int_equal(oss_transition(OSS_IN_PROGRESS, OSS_OFFICER, OSS_RETURN, buf_cstr(&long_msg), &to, &e), 0);
	buf_adds(&long_msg, "ก");
	assert_int_equal(oss_transition(OSS_IN_PROGRESS, OSS_OFFICER, OSS_RETURN, buf_cstr(&long_msg), &to, &e), -1);
	assert_string_equal(e.field, "message");
	buf_release(&long_msg);
	/* needs_message agrees */
	for (int who = 0; who < OSS_ACTOR_COUNT; who++)
		for (int act = 0; act < OSS_ACTION_COUNT; act++)
			assert_int_equal(oss_action_needs_message(who, act),
					 who == OSS_OFFICER && (act == OSS_RETURN || act == OSS_CANCEL));
}

static void test_status_names(void **state)
{
	static const char *const labels[] = {
	    "ส่งคำร้องไปยังเจ้าหน้าที่",    "เจ้าหน้าที่กำลังดำเนินการ", "เจ้าหน้าที่ส่งให้แก้ไขข้อมูล",
	    "ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่", "ดำเนินการเรียบร้อย",	    "ยกเลิกคำร้อง",
	};
	for (int s = 0; s < OSS_STATUS_COUNT; s++) {
		assert_int_equal(oss_status_parse(oss_status_name(s)), s);
		assert_string_equal(oss_status_label(s), labels[s]);
		assert_int_equal(oss_status_open(s), s != OSS_COMPLETED && s != OSS_CANCELLED);
	}
	assert_int_equal(oss_status_parse("done"), -1);
	assert_int_equal(oss_status_parse(NULL), -1);
	assert_int_equal(oss_status_parse(""), -1);
	enum oss_action a;
	assert_int_equal(oss_action_for_target(OSS_RETURNED, &a), 0);
	assert_int_equal(a, OSS_RETURN);
	assert_int_equal(oss_action_for_target(OSS_COMPLETED, &a), 0);
	assert_int_equal(a, OSS_COMPLETE);
	assert_int_equal(oss_action_for_target(OSS_SUBMITTED, &a), -1);
	assert_int_equal(oss_action_for_target(OSS_RESUBMITTED, &a), -1);
}

/* An officer writes to the applicant without a status change: on every
 * status but cancelled, never empty or blank, at most OSS_MESSAGE_MAX
 * characters (Thai characters counted as one each). */
/* Each service's file fields say F_REQUIRED_NEW exactly where its slot is
 * required on a new request (the API's document reads the field, the
 * handler the slot), and no file field is F_REQUIRED (an edit keeps the
 * stored file). */
static void test_file_slots_documented(void **state)
{
	(void)state;
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		const struct oss_service_def *d = &oss_services[i];
		int slots = 0;
		for (const struct oss_file_slot *s = d->slots; s->name; s++, slots++) {
			const struct field *f = d->fields;
			while (f->name && strcmp(f->name, s->name))
				f++;
			assert_non_null(f->name);
			assert_int_equal(f->type, FT_FILE);
			assert_false(f->flags & F_REQUIRED);
			if (s->required != ((f->flags & F_REQUIRED_NEW) != 0))
				fail_msg("service %s: slot %s required %d, field F_REQUIRED_NEW %d", d->code, s->name,
					 s->required, (f->flags & F_REQUIRED_NEW) != 0);
		}
		int files = 0;
		for (const struct field *f = d->fields; f->name; f++)
			files += f->type == FT_FILE;
		assert_int_equal(files, slots);
	}
}

static void test_message_without_status(void **state)
{
	for (int s = 0; s < OSS_STATUS_COUNT; s++) {
		struct err e = ERR_INIT;
		int rc = oss_message_check((enum oss_status)s, "กรุณานำเอกสารตัวจริงมาแสดง", &e);
		if (s == OSS_CANCELLED) {
			assert_int_equal(rc, -1);
			assert_int_equal(e.status, 409);
			assert_non_null(strstr(e.msg, "ยกเลิกแล้ว"));
		} else {
			assert_int_equal(rc, 0);
		}
	}
	static const char *const blank[] = {"", "   ", "\n\t ", NULL};
	for (int i = 0; i < 4; i++) {
		struct err e = ERR_INIT;
		assert_int_equal(oss_message_check(OSS_IN_PROGRESS, blank[i], &e), -1);
		assert_int_equal(e.status, 400);
		assert_string_equal(e.field, "letter");
	}
	struct buf b = BUF_INIT;
	for (int i = 0; i < OSS_MESSAGE_MAX; i++)
		buf_adds(&b, "ก");
	struct err e = ERR_INIT;
	assert_int_equal(oss_message_check(OSS_COMPLETED, buf_cstr(&b), &e), 0);
	buf_adds(&b, "ข");
	assert_int_equal(oss_message_check(OSS_COMPLETED, buf_cstr(&b), &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "1000"));
	buf_release(&b);
}

/* ---- reference codes ------------------------------------------------------------- */

static void test_code_make(void **state)
{
	char code[OSS_CODE_MAX + 1];
	long long t = bkk(2024, 6, 25, 13, 11, 52);
	assert_int_equal(oss_code_make("11", t, code), 0);
	assert_string_equal(code, "1120240625131152"); /* the seed's example */
	assert_int_equal(oss_code_time(code), t);
	assert_int_equal(oss_code_make("41", bkk(2024, 6, 25, 16, 28, 13), code), 0);
	assert_string_equal(code, "4120240625162813");
	/* Bangkok time, not UTC: 2024-06-24 17:00 UTC is the 25th 00:00 there */
	assert_int_equal(oss_code_make("31", 1719248400LL, code), 0);
	assert_string_equal(code, "3120240625000000");
	/* every service, one second later, across a year end */
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		long long t2 = bkk(2024, 12, 31, 23, 59, 59);
		assert_int_equal(oss_code_make(oss_service_codes[i], t2, code), 0);
		assert_int_equal(oss_code_time(code), t2);
		assert_int_equal(oss_code_make(oss_service_codes[i], t2 + 1, code), 0);
		assert_memory_equal(code + 2, "20250101000000", 14);
	}
	/* a second request of the second: a sequence after the 16 digits */
	char seq[OSS_CODE_MAX + 1];
	assert_int_equal(oss_code_make_seq("11", t, 0, seq), 0);
	assert_string_equal(seq, "1120240625131152");
	assert_int_equal(oss_code_make_seq("11", t, 1, seq), 0);
	assert_string_equal(seq, "11202406251311521");
	assert_int_equal(oss_code_time(seq), t);
	assert_int_equal(oss_code_seq(seq), 1);
	assert_int_equal(oss_code_make_seq("11", t, 9, seq), 0);
	assert_string_equal(seq, "11202406251311529");
	assert_int_equal(oss_code_make_seq("11", t, 10, seq), 0);
	assert_string_equal(seq, "112024062513115210");
	assert_int_equal(oss_code_time(seq), t);
	assert_int_equal(oss_code_seq(seq), 10);
	assert_int_equal(oss_code_make_seq("11", t, 99, seq), 0);
	assert_string_equal(seq, "112024062513115299");
	assert_int_equal(oss_code_seq(seq), 99);
	assert_int_equal(oss_code_make_seq("11", t, 100, seq), -1);
	assert_int_equal(oss_code_make_seq("11", t, -1, seq), -1);
	/* no leading zero in a sequence, nothing longer than 18 */
	assert_int_equal(oss_code_time("11202406251311520"), -1);
	assert_int_equal(oss_code_time("112024062513115205"), -1);
	assert_int_equal(oss_code_time("1120240625131152100"), -1);
	assert_int_equal(oss_code_make("99", t, code), -1);
	assert_int_equal(oss_code_make("1", t, code), -1);
	assert_int_equal(oss_code_make(NULL, t, code), -1);
}

static void expect_code_err(const char *code, int status, const char *msg)
{
	struct err e = ERR_INIT;
	assert_int_equal(oss_code_check(code, &e), -1);
	assert_int_equal(e.status, status);
	assert_string_equal(e.field, "code");
	assert_string_equal(e.msg, msg);
}

static void test_code_check(void **state)
{
	struct err e = ERR_INIT;
	assert_int_equal(oss_code_check("1120240625131152", &e), 0);
	assert_int_equal(oss_code_check("4120240229235959", &e), 0); /* leap day */
	assert_int_equal(oss_code_check("11202406251311521", &e), 0);  /* the second of its second */
	assert_int_equal(oss_code_check("112024062513115237", &e), 0); /* the 38th */
	expect_code_err("", 400, "กรุณากรอกรหัสอ้างอิงของคำร้อง (ตัวเลข 16–18 หลัก)");
	expect_code_err(NULL, 400, "กรุณากรอกรหัสอ้างอิงของคำร้อง (ตัวเลข 16–18 หลัก)");
	expect_code_err("112024062513115", 400, "รหัสอ้างอิงต้องมี 16–18 หลัก (กรอกมา 15 หลัก)");
	expect_code_err("1120240625131152123", 400, "รหัสอ้างอิงต้องมี 16–18 หลัก (กรอกมา 19 หลัก)");
	expect_code_err("11-2024062513115", 400, "รหัสอ้างอิงต้องเป็นตัวเลขเท่านั้น (16–18 หลัก เช่น 1120240625131152)");
	/* a sequence never starts with 0: no such request */
	expect_code_err("11202406251311520", 404, "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
	expect_code_err("112024062513115201", 404, "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
	const char *made_up[] = {
	    "9920240625131152", /* no such service */
	    "1120241325131152", /* month 13 */
	    "1120230229131152", /* 29 Feb of a common year */
	    "1120240625241152", /* hour 24 */
	    "1120240625136052", /* minute 60 */
	    "1120240625131160", /* second 60 */
	    "1100000000000000",
	};
	for (size_t i = 0; i < sizeof made_up / sizeof *made_up; i++) {
		expect_code_err(made_up[i], 404, "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
		assert_int_equal(oss_code_time(made_up[i]), -1);
	}
}

/* ---- prices ----------------------------------------------------------------------------- */

static const long long default_prices[OSS_PP_ITEMS] = {16000, 500, 16000, 200, 500};

static void test_price_defaults(void **state)
{
	/* the seed's prices: ปพ.1-ป 160/เล่ม, ปพ.3-ป 5/แผ่น, ปพ.1-บ 160/เล่ม, ปพ.2-บ 2/แผ่น, ปพ.3-บ 5/แผ่น */
	static const char *const labels[] = {"ปพ.1-ป", "ปพ.3-ป", "ปพ.1-บ", "ปพ.2-บ", "ปพ.3-บ"};
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		assert_int_equal(oss_pp_items[i].default_satang, default_prices[i]);
		assert_string_equal(oss_pp_items[i].label, labels[i]);
	}
}

static void test_shipping(void **state)
{
	assert_int_equal(oss_shipping(0), 0);
	assert_int_equal(oss_shipping(500), 2500);	    /* 5 baht of forms: the 25 baht minimum */
	assert_int_equal(oss_shipping(16000), 2500);	    /* 5.60 → 25 */
	assert_int_equal(oss_shipping(71428), 2500);	    /* 24.99998 → 25.00 */
	assert_int_equal(oss_shipping(71429), 2500);	    /* 25.000015 → 25.00 */
	assert_int_equal(oss_shipping(71443), 2501);	    /* 25.00505 → 25.01 (half up) */
	assert_int_equal(oss_shipping(100000), 3500);	    /* 1,000 baht → 35.00 */
	assert_int_equal(oss_shipping(100100), 3504);	    /* 35.035 → 35.04: half up */
	assert_int_equal(oss_shipping(100099), 3503);	    /* 35.03465 → 35.03 */
	assert_int_equal(oss_shipping(17575 * 100), 61513); /* 615.125 → 615.13 */
}

static void test_order_compute(void **state)
{
	struct oss_order o;
	struct err e = ERR_INIT;
	long long q1[OSS_PP_ITEMS] = {2, 10, 0, 0, 0};
	assert_int_equal(oss_order_compute(q1, default_prices, &o, &e), 0);
	assert_int_equal(o.line[0], 32000);
	assert_int_equal(o.line[1], 5000);
	assert_int_equal(o.subtotal, 37000);
	assert_int_equal(o.shipping, 2500); /* 12.95 < 25 */
	assert_int_equal(o.total, 39500);
	struct buf w = BUF_INIT;
	thai_baht_words(o.total, &w);
	assert_string_equal(buf_cstr(&w), "สามร้อยเก้าสิบห้าบาทถ้วน");
	buf_release(&w);

	long long q2[OSS_PP_ITEMS] = {10, 100, 5, 50, 100};
	assert_int_equal(oss_order_compute(q2, default_prices, &o, &e), 0);
	assert_int_equal(o.subtotal, 160000 + 50000 + 80000 + 10000 + 50000); /* 3,500 baht */
	assert_int_equal(o.shipping, 12250);				      /* 122.50 */
	assert_int_equal(o.total, 362250);

	/* prices are settings: other prices, other totals */
	long long p2[OSS_PP_ITEMS] = {17550, 525, 0, 0, 0};
	long long q3[OSS_PP_ITEMS] = {1, 1, 0, 0, 0};
	assert_int_equal(oss_order_compute(q3, p2, &o, &e), 0);
	assert_int_equal(o.subtotal, 18075);
	assert_int_equal(o.total, 18075 + 2500);

	/* bad quantities */
	long long none[OSS_PP_ITEMS] = {0, 0, 0, 0, 0};
	assert_int_equal(oss_order_compute(none, default_prices, &o, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "pp1_p");
	assert_string_equal(e.msg, "กรุณาระบุจำนวนที่สั่งซื้ออย่างน้อย 1 รายการ");
	err_clear(&e);
	long long neg[OSS_PP_ITEMS] = {1, 0, -1, 0, 0};
	assert_int_equal(oss_order_compute(neg, default_prices, &o, &e), -1);
	assert_string_equal(e.field, "pp1_b");
	assert_string_equal(e.msg, "จำนวน ปพ.1-บ ต้องไม่ติดลบ");
	err_clear(&e);
	long long big[OSS_PP_ITEMS] = {0, 0, 0, 0, OSS_PP_QTY_MAX + 1};
	assert_int_equal(oss_order_compute(big, default_prices, &o, &e), -1);
	assert_string_equal(e.field, "pp3_b");
	assert_string_equal(e.msg, "จำนวน ปพ.3-บ ต้องไม่เกิน 10000 แผ่น");
	long long most[OSS_PP_ITEMS] = {OSS_PP_QTY_MAX, OSS_PP_QTY_MAX, OSS_PP_QTY_MAX, OSS_PP_QTY_MAX, OSS_PP_QTY_MAX};
	long long dear[OSS_PP_ITEMS] = {OSS_PRICE_MAX_SATANG, OSS_PRICE_MAX_SATANG, OSS_PRICE_MAX_SATANG,
					OSS_PRICE_MAX_SATANG, OSS_PRICE_MAX_SATANG};
	assert_int_equal(oss_order_compute(most, dear, &o, &e), 0); /* no overflow */
	assert_int_equal(o.subtotal, 5LL * OSS_PP_QTY_MAX * OSS_PRICE_MAX_SATANG);
}

/* ---- business days ------------------------------------------------------------------------- */

static long long day(int y, int m, int d)
{
	return oss_day_of(bkk(y, m, d, 12, 0, 0));
}

/* The same count walked day by day, to hold the arithmetic to. */
static long long naive_waited(long long since_t, long long now_t, const long long *h, size_t n)
{
	if (now_t < since_t)
		return 0;
	long long d = oss_day_of(since_t);
	while (!oss_business_day(d, h, n))
		d++;
	long long count = 0;
	for (long long x = d + 1; x <= oss_day_of(now_t); x++)
		count += oss_business_day(x, h, n);
	return count;
}

static void test_business_days(void **state)
{
	/* 2024: Mon 1 Jul … ; Mon 22 Jul (วันอาสาฬหบูชา substitute) and
	 * Mon 29 Jul (King's birthday substitute) as holidays */
	long long hol[] = {day(2024, 7, 22), day(2024, 7, 29), day(2024, 8, 12)};
	size_t nh = 3;
	assert_int_equal(oss_day_parse("2024-07-22"), hol[0]);
	assert_int_equal(oss_day_parse("2024-02-30"), -1);
	assert_true(oss_business_day(day(2024, 7, 1), hol, nh));   /* Monday */
	assert_true(oss_business_day(day(2024, 7, 5), hol, nh));   /* Friday */
	assert_false(oss_business_day(day(2024, 7, 6), hol, nh));  /* Saturday */
	assert_false(oss_business_day(day(2024, 7, 7), hol, nh));  /* Sunday */
	assert_false(oss_business_day(day(2024, 7, 22), hol, nh)); /* holiday */

	/* Monday 10:00 → same day 0, Tuesday 1, next Monday 5, Tuesday 6 */
	long long mon = bkk(2024, 7, 1, 10, 0, 0);
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 1, 16, 0, 0), hol, nh), 0);
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 2, 8, 0, 0), hol, nh), 1);
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 5, 8, 0, 0), hol, nh), 4);
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 7, 8, 0, 0), hol, nh), 4); /* weekend */
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 8, 8, 0, 0), hol, nh), 5);
	assert_int_equal(oss_business_days_waited(mon, bkk(2024, 7, 9, 8, 0, 0), hol, nh), 6);
	/* arriving on Saturday: received Monday */
	long long sat = bkk(2024, 7, 6, 9, 0, 0);
	assert_int_equal(oss_business_days_waited(sat, bkk(2024, 7, 8, 9, 0, 0), hol, nh), 0);
	assert_int_equal(oss_business_days_waited(sat, bkk(2024, 7, 9, 9, 0, 0), hol, nh), 1);
	/* holidays are skipped: Fri 19 → Tue 23 is 1 day (Mon 22 is a holiday) */
	long long fri = bkk(2024, 7, 19, 15, 0, 0);
	assert_int_equal(oss_business_days_waited(fri, bkk(2024, 7, 23, 9, 0, 0), hol, nh), 1);
	assert_int_equal(oss_business_days_waited(fri, bkk(2024, 7, 23, 9, 0, 0), NULL, 0), 2);
	/* arriving on a holiday: received the next business day */
	long long onhol = bkk(2024, 7, 22, 9, 0, 0);
	assert_int_equal(oss_business_days_waited(onhol, bkk(2024, 7, 23, 9, 0, 0), hol, nh), 0);
	/* Bangkok days: 23:30 local on Monday is 16:30 UTC the same day */
	long long late = bkk(2024, 7, 1, 23, 30, 0);
	assert_int_equal(oss_business_days_waited(late, bkk(2024, 7, 2, 0, 30, 0), hol, nh), 1);
	/* the clock cannot run backwards */
	assert_int_equal(oss_business_days_waited(mon, mon - 86400, hol, nh), 0);

	/* the arithmetic agrees with walking the days, over four months of
	 * arrivals and waits up to 60 days, with and without holidays */
	for (long long s = bkk(2024, 6, 1, 9, 0, 0); s < bkk(2024, 10, 1, 0, 0, 0); s += 86400 + 3600)
		for (long long w = 0; w < 60; w += 3) {
			long long now = s + w * 86400 + 7200;
			assert_int_equal(oss_business_days_waited(s, now, hol, nh), naive_waited(s, now, hol, nh));
			assert_int_equal(oss_business_days_waited(s, now, NULL, 0), naive_waited(s, now, NULL, 0));
		}
}

/* An area's holidays as oss_holiday_days keeps them: one text, read into
 * ascending day numbers; what is no date is skipped. */
static void test_days_unpack(void **state)
{
	(void)state;
	size_t n;
	long long *d = oss_days_unpack("2024-07-22,2024-07-29,2024-08-12", &n);
	assert_int_equal(n, 3);
	assert_int_equal(d[0], day(2024, 7, 22));
	assert_int_equal(d[1], day(2024, 7, 29));
	assert_int_equal(d[2], day(2024, 8, 12));
	free(d);
	/* out of order (written by hand): sorted; bad parts skipped */
	d = oss_days_unpack("2024-08-12,2024-02-30,,x,2024-07-22,2024-07-2,2024-07-29", &n);
	assert_int_equal(n, 3);
	assert_int_equal(d[0], day(2024, 7, 22));
	assert_int_equal(d[1], day(2024, 7, 29));
	assert_int_equal(d[2], day(2024, 8, 12));
	free(d);
	d = oss_days_unpack("", &n);
	assert_int_equal(n, 0);
	free(d);
	d = oss_days_unpack(NULL, &n);
	assert_int_equal(n, 0);
	free(d);
	d = oss_days_unpack("2024-12-31", &n);
	assert_int_equal(n, 1);
	assert_int_equal(d[0], day(2024, 12, 31));
	free(d);
}

static void test_overdue_cutoff(void **state)
{
	long long hol[] = {day(2024, 7, 22), day(2024, 7, 29)};
	size_t nh = 2;
	/* today Tue 9 Jul: a request queued Mon 1 Jul has waited 6 > 5 days;
	 * one queued Tue 2 Jul has waited 5 */
	long long now = bkk(2024, 7, 9, 10, 0, 0);
	long long cut = oss_overdue_before(now, OSS_PROMISE_DAYS, hol, nh);
	assert_int_equal(cut, bkk(2024, 7, 2, 0, 0, 0));
	assert_true(oss_business_days_waited(cut - 1, now, hol, nh) > OSS_PROMISE_DAYS);
	assert_false(oss_business_days_waited(cut, now, hol, nh) > OSS_PROMISE_DAYS);
	/* for every "today" over four months and every arrival time in the 30
	 * days before it: queued before the cut-off ⇔ waited more than 5 */
	for (long long n = bkk(2024, 6, 15, 9, 0, 0); n < bkk(2024, 10, 15, 0, 0, 0); n += 86400)
		for (int lim = 0; lim <= 6; lim += 3) {
			long long c = oss_overdue_before(n, lim, hol, nh);
			for (long long s = n - 30 * 86400; s <= n; s += 4 * 3600)
				if ((s < c) != (oss_business_days_waited(s, n, hol, nh) > lim))
					fail_msg("now %lld limit %d since %lld: cut-off %lld, waited %lld", n, lim, s,
						 c, oss_business_days_waited(s, n, hol, nh));
		}
}

/* ---- bookings and appointments ------------------------------------------------------------- */

static void expect_slots_err(const char *d0, const char *d1, const char *t0, const char *t1, long long now,
			     const char *field, const char *msg)
{
	struct oss_slot s[OSS_BOOKING_MAX_DAYS];
	struct err e = ERR_INIT;
	assert_int_equal(oss_booking_slots(d0, d1, t0, t1, now, s, OSS_BOOKING_MAX_DAYS, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, field);
	assert_string_equal(e.msg, msg);
}

static void test_booking_slots(void **state)
{
	long long now = bkk(2024, 6, 24, 15, 0, 0);
	struct oss_slot s[OSS_BOOKING_MAX_DAYS];
	struct err e = ERR_INIT;
	/* a BE year typed as CE (issue 10): 2567-06-25 is refused, naming พ.ศ./ค.ศ. */
	assert_int_equal(oss_booking_slots("2567-06-25", "2567-06-25", "09:00", "12:00", now, s, 14, &e), -1);
	assert_string_equal(e.field, "start_date");
	assert_non_null(strstr(e.msg, "พ.ศ."));
	assert_non_null(strstr(e.msg, "ค.ศ."));
	long long at;
	err_clear(&e);
	assert_int_equal(oss_appointment_check("2567-06-25", "10:00", now, &at, &e), -1);
	assert_non_null(strstr(e.msg, "พ.ศ."));
	/* the far-ahead message's example is this year, not a fixed one */
	assert_non_null(strstr(e.msg, "พ.ศ. 2567 (ค.ศ. 2024)"));
	err_clear(&e);
	long long later = bkk(2026, 12, 7, 10, 0, 0);
	assert_int_equal(oss_booking_slots("2569-06-25", "2569-06-25", "09:00", "12:00", later, s, 14, &e), -1);
	assert_string_equal(e.msg, "วันที่เริ่มต้นใช้ห้องอยู่ไกลเกินไป (จองล่วงหน้าได้ไม่เกิน 2 ปี) "
				   "กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ.ศ. 2569 (ค.ศ. 2026)");
	/* a day of an earlier year ("25/06/2025" is read as CE: 25 มิ.ย. 2568):
	 * not just "past", the message says how it was read, in พ.ศ. and ค.ศ. */
	err_clear(&e);
	assert_int_equal(oss_booking_slots("2025-06-25", "2025-06-25", "09:00", "12:00", later, s, 14, &e), -1);
	assert_string_equal(e.field, "start_date");
	assert_string_equal(e.msg, "วันที่เริ่มต้นใช้ห้อง 25 มิ.ย. 2568 (ค.ศ. 2025) เป็นวันที่ผ่านมาแล้ว "
				   "กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ.ศ. 2569 (ค.ศ. 2026)");
	err_clear(&e);
	assert_int_equal(oss_appointment_check("2025-06-25", "10:00", later, &at, &e), -1);
	assert_string_equal(e.field, "date");
	assert_string_equal(e.msg, "วันขอนัดหมาย 25 มิ.ย. 2568 (ค.ศ. 2025) เป็นวันที่ผ่านมาแล้ว "
				   "กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ.ศ. 2569 (ค.ศ. 2026)");
	/* last month is plainly past */
	err_clear(&e);
	assert_int_equal(oss_booking_slots("2026-11-07", "2026-11-07", "09:00", "12:00", later, s, 14, &e), -1);
	assert_string_equal(e.msg, "วันที่เริ่มต้นใช้ห้องเป็นวันที่ผ่านมาแล้ว กรุณาเลือกวันนี้หรือวันถัดไป");
	/* two years ahead is still a booking */
	err_clear(&e);
	assert_int_equal(oss_booking_slots("2026-06-24", "2026-06-24", "09:00", "12:00", now, s, 14, &e), 1);
	assert_int_equal(oss_booking_slots("2024-06-25", "2024-06-25", "09:00", "12:00", now, s, 14, &e), 1);
	assert_int_equal(s[0].start, bkk(2024, 6, 25, 9, 0, 0));
	assert_int_equal(s[0].end, bkk(2024, 6, 25, 12, 0, 0));
	assert_int_equal(oss_booking_slots("2024-06-25", "2024-06-27", "13:00", "16:30", now, s, 14, &e), 3);
	assert_int_equal(s[2].start, bkk(2024, 6, 27, 13, 0, 0));
	assert_int_equal(s[2].end, bkk(2024, 6, 27, 16, 30, 0));
	/* later today is fine */
	assert_int_equal(oss_booking_slots("2024-06-24", "2024-06-24", "15:00", "16:00", now, s, 14, &e), 1);

	expect_slots_err("2024-06-26", "2024-06-25", "09:00", "12:00", now, "end_date",
			 "วันที่สิ้นสุดการใช้ห้องต้องไม่ก่อนวันที่เริ่มต้นใช้ห้อง");
	expect_slots_err("2024-06-25", "2024-06-25", "12:00", "09:00", now, "end_time",
			 "เวลาสิ้นสุดต้องหลังเวลาเริ่มต้น (เช่น ตั้งแต่ 09:00 ถึง 12:00 น.)");
	expect_slots_err("2024-06-25", "2024-06-25", "09:00", "09:00", now, "end_time",
			 "เวลาสิ้นสุดต้องหลังเวลาเริ่มต้น (เช่น ตั้งแต่ 09:00 ถึง 12:00 น.)");
	expect_slots_err("2024-06-23", "2024-06-25", "09:00", "12:00", now, "start_date",
			 "วันที่เริ่มต้นใช้ห้องเป็นวันที่ผ่านมาแล้ว กรุณาเลือกวันนี้หรือวันถัดไป");
	expect_slots_err("2024-06-24", "2024-06-24", "14:59", "16:00", now, "start_time",
			 "เวลาเริ่มต้นผ่านมาแล้ว กรุณาเลือกเวลาที่ยังไม่ถึง");
	expect_slots_err("2024-06-25", "2024-07-09", "09:00", "12:00", now, "end_date",
			 "จองห้องประชุมได้ครั้งละไม่เกิน 14 วัน (เลือกมา 15 วัน)");
	expect_slots_err("2024-02-30", "2024-06-25", "09:00", "12:00", now, "start_date",
			 "วันที่เริ่มต้นใช้ห้องไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	expect_slots_err("2024-06-25", "2024-06-25", "9:00", "12:00", now, "start_time",
			 "เวลาเริ่มต้นไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 09:00");
	expect_slots_err("2024-06-25", "2024-06-25", "09:00", "24:00", now, "end_time",
			 "เวลาสิ้นสุดไม่ถูกต้อง กรุณากรอกในรูปแบบ ชั่วโมง:นาที เช่น 12:00");
	expect_slots_err("", "2024-06-25", "09:00", "12:00", now, "start_date", "กรุณาเลือกวันที่เริ่มต้นใช้ห้อง");
	assert_int_equal(oss_booking_slots("2024-06-25", "2024-07-08", "09:00", "12:00", now, s, 14, &e), 14);
}

static void test_attendees_and_overlap(void **state)
{
	struct err e = ERR_INIT;
	assert_int_equal(oss_attendees_check(1, 30, &e), 0);
	assert_int_equal(oss_attendees_check(30, 30, &e), 0);
	assert_int_equal(oss_attendees_check(0, 30, &e), -1);
	assert_string_equal(e.field, "attendees");
	assert_string_equal(e.msg, "จำนวนผู้เข้าร่วมประชุมต้องมีอย่างน้อย 1 คน");
	err_clear(&e);
	assert_int_equal(oss_attendees_check(31, 30, &e), -1);
	assert_string_equal(e.msg, "จำนวนผู้เข้าร่วมประชุมเกินความจุของห้อง (ห้องนี้รองรับได้ไม่เกิน 30 คน กรอกมา 31 คน)");
	err_clear(&e);
	assert_int_equal(oss_attendees_check(-5, 30, &e), -1);

	/* [start, end): touching intervals do not overlap */
	struct oss_slot a = {100, 200};
	assert_true(oss_slots_overlap(a, (struct oss_slot){150, 250}));
	assert_true(oss_slots_overlap(a, (struct oss_slot){50, 150}));
	assert_true(oss_slots_overlap(a, (struct oss_slot){120, 130}));
	assert_true(oss_slots_overlap(a, (struct oss_slot){0, 300}));
	assert_true(oss_slots_overlap(a, a));
	assert_false(oss_slots_overlap(a, (struct oss_slot){200, 300}));
	assert_false(oss_slots_overlap(a, (struct oss_slot){0, 100}));
	assert_false(oss_slots_overlap(a, (struct oss_slot){300, 400}));

	struct buf b = BUF_INIT;
	oss_slot_text((struct oss_slot){bkk(2024, 6, 25, 9, 0, 0), bkk(2024, 6, 25, 12, 0, 0)}, &b);
	assert_string_equal(buf_cstr(&b), "25 มิ.ย. 2567 09:00–12:00 น.");
	buf_reset(&b);
	oss_slot_text((struct oss_slot){bkk(2024, 6, 25, 9, 0, 0), bkk(2024, 6, 26, 12, 0, 0)}, &b);
	assert_string_equal(buf_cstr(&b), "25 มิ.ย. 2567 09:00 น. – 26 มิ.ย. 2567 12:00 น.");
	buf_release(&b);
}

static void test_appointment(void **state)
{
	long long now = bkk(2024, 6, 24, 15, 0, 0), at = 0;
	struct err e = ERR_INIT;
	assert_int_equal(oss_appointment_check("2024-06-25", "10:30", now, &at, &e), 0);
	assert_int_equal(at, bkk(2024, 6, 25, 10, 30, 0));
	assert_int_equal(oss_appointment_check("2024-06-23", "10:30", now, &at, &e), -1);
	assert_string_equal(e.field, "date");
	assert_string_equal(e.msg, "วันขอนัดหมายเป็นวันที่ผ่านมาแล้ว กรุณาเลือกวันนี้หรือวันถัดไป");
	err_clear(&e);
	assert_int_equal(oss_appointment_check("2024-06-24", "14:00", now, &at, &e), -1);
	assert_string_equal(e.field, "time");
	err_clear(&e);
	assert_int_equal(oss_appointment_check("2024-13-01", "14:00", now, &at, &e), -1);
	assert_string_equal(e.field, "date");
}

/* ---- database fixture ------------------------------------------------------------------------ */

#define SCHEMA "khet_unit_oss"
#include "engine.h"

/* What a test works on: the engine's database and the rows seed added. */
struct fx {
	struct db *db;
	long long area, area2, user, user2, officer;
};
static struct fx sqlite_fx, pg_fx;

static struct fx *fx_of(void **state)
{
	return ((struct engine *)*state)->data;
}

static long long add_user(struct db *db, const char *cid, const char *email, const char *first)
{
	struct err e = ERR_INIT;
	long long id = 0;
	if (db_int_value(db,
			 "INSERT INTO users (citizen_id, email, username, title, first_name, last_name, created_at, "
			 "updated_at) VALUES ($1, $2, $2, 'นาย', $3, 'ลาวรรณ', 0, 0) RETURNING id",
			 DB_ARGS(DB_TEXT(cid), DB_TEXT(email), DB_TEXT(first)), &id, &e) != 1) {
		fprintf(stderr, "add user: %s\n", e.msg);
		return -1;
	}
	return id;
}

/* engine_after_migrate: two areas and three users. */
static int seed(struct engine *en, struct err *e)
{
	struct fx *f = en->kind == DB_SQLITE ? &sqlite_fx : &pg_fx;
	en->data = f;
	f->db = en->db;
	f->area = org_area_add(f->db, "3502", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2", "สพป.ยโสธร เขต 2", "primary",
			       "ยโสธร", e);
	f->area2 = org_area_add(f->db, "6201", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษากำแพงเพชร", "สพม.กำแพงเพชร", "secondary",
				"กำแพงเพชร", e);
	f->user = add_user(f->db, "1350500044576", "a@example.com", "ผดุงสิทธิ์");
	f->user2 = add_user(f->db, "1101700203451", "b@example.com", "สมชาย");
	f->officer = add_user(f->db, "3100600123452", "o@example.com", "สมหญิง");
	if (f->area < 0 || f->area2 < 0 || f->user < 0 || f->user2 < 0 || f->officer < 0)
		return -1;
	return 0;
}

static long long int_value(struct db *db, const char *sql, const struct db_val *p, int n)
{
	struct err e = ERR_INIT;
	long long v = -1;
	if (db_int_value(db, sql, p, n, &v, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

static void begin(struct db *db)
{
	struct err e = ERR_INIT;
	if (db_begin(db, &e) < 0)
		fail_msg("begin: %s", e.msg);
}

static void commit(struct db *db)
{
	struct err e = ERR_INIT;
	if (db_commit(db, &e) < 0)
		fail_msg("commit: %s", e.msg);
}

/* A request of service svc by user at t, in its own transaction. */
static long long submit(struct fx *f, long long area, const char *svc, long long user, long long t,
			char code_out[OSS_CODE_MAX + 1])
{
	struct err e = ERR_INIT;
	char code[OSS_CODE_MAX + 1];
	json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "title", "นาย", "first_name", "ผดุงสิทธิ์", "last_name", "ลาวรรณ",
				 "purpose", "กู้เงินธนาคารออมสิน");
	struct buf search = BUF_INIT;
	oss_search_text("", data, &search);
	begin(f->db);
	long long id =
	    oss_request_insert(f->db, area, svc, user, "นายผดุงสิทธิ์ ลาวรรณ", data, buf_cstr(&search), t, code, &e);
	if (id < 0)
		fail_msg("insert: %s", e.msg);
	commit(f->db);
	json_decref(data);
	buf_release(&search);
	if (code_out)
		memcpy(code_out, code, sizeof code);
	return id;
}

/* The counter of (area, service, status), summed over the months; the
 * all-months row the lists read (oss_status_counts, kept by triggers on
 * oss_counts, migration 0308) must hold the same. */
static long long count_of(struct fx *f, long long area, const char *svc, const char *status)
{
	long long n = int_value(
	    f->db, "SELECT COALESCE(SUM(n), 0) FROM oss_counts WHERE area_id = $1 AND service = $2 AND status = $3",
	    DB_ARGS(DB_INT(area), DB_TEXT(svc), DB_TEXT(status)));
	assert_int_equal(int_value(f->db,
				   "SELECT COALESCE(SUM(n), 0) FROM oss_status_counts WHERE area_id = $1 AND service = $2 "
				   "AND status = $3",
				   DB_ARGS(DB_INT(area), DB_TEXT(svc), DB_TEXT(status))),
			 n);
	return n;
}

static long long real_count(struct fx *f, long long area, const char *svc, const char *status)
{
	return int_value(f->db, "SELECT COUNT(*) FROM oss_requests WHERE area_id = $1 AND service = $2 AND status = $3",
			 DB_ARGS(DB_INT(area), DB_TEXT(svc), DB_TEXT(status)));
}

/* ---- storage tests ------------------------------------------------------------------------------ */

static void test_db_codes_same_second(void **state)
{
	struct fx *f = fx_of(state);
	long long t = bkk(2024, 6, 25, 13, 11, 52);
	char c1[19], c2[19], c3[19], c4[19];
	submit(f, f->area, "11", f->user, t, c1);
	submit(f, f->area, "11", f->user2, t, c2);
	assert_string_equal(c1, "1120240625131152");
	assert_string_equal(c2, "11202406251311521"); /* the same second, sequence 1 */
	/* a third in the same second takes the next sequence */
	submit(f, f->area, "11", f->user, t, c3);
	assert_string_equal(c3, "11202406251311522");
	/* another service's code of the same second is its own */
	submit(f, f->area, "12", f->user, t, c4);
	assert_string_equal(c4, "1220240625131152");
	/* a burst inside one transaction still gets distinct codes */
	struct err e = ERR_INIT;
	begin(f->db);
	char seen[20][19];
	for (int i = 0; i < 20; i++) {
		json_t *d = json_object();
		if (oss_request_insert(f->db, f->area2, "32", f->user, "x", d, "", t, seen[i], &e) < 0)
			fail_msg("burst %d: %s", i, e.msg);
		json_decref(d);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	commit(f->db);
	assert_string_equal(seen[0], "3220240625131152");
	assert_string_equal(seen[9], "32202406251311529");
	assert_string_equal(seen[19], "322024062513115219"); /* the time stays 13:11:52 */
	for (int i = 0; i < 20; i++)
		assert_int_equal(oss_code_time(seen[i]), t);
	assert_int_equal(int_value(f->db, "SELECT COUNT(DISTINCT code) FROM oss_requests", NULL, 0),
			 int_value(f->db, "SELECT COUNT(*) FROM oss_requests", NULL, 0));
	/* the request is found by its code, created_at keeps the real time */
	json_t *r = oss_request_by_code(f->db, c2, &e);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "created_at")), t);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "submitted");
	assert_true(json_is_object(json_object_get(r, "data")));
	json_decref(r);
	err_clear(&e);
	assert_null(oss_request_by_code(f->db, "1120240625131159", &e));
	assert_int_equal(e.status, 404);
	assert_string_equal(e.msg, "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
}

static void test_db_moves(void **state)
{
	struct fx *f = fx_of(state);
	long long t = bkk(2024, 7, 1, 9, 0, 0);
	long long id = submit(f, f->area, "21", f->user, t, NULL);
	assert_int_equal(count_of(f, f->area, "21", "submitted"), 1);
	struct err e = ERR_INIT;

	/* an edit while still submitted keeps the status, when it was set and
	 * the note; the list's name column follows the data */
	{
		long long id0 = submit(f, f->area, "32", f->user, t, NULL);
		json_t *r0 = oss_request_get(f->db, id0, &e);
		assert_non_null(r0);
		assert_int_equal(
		    db_exec(f->db, "UPDATE oss_requests SET note = 'บันทึกเดิม' WHERE id = $1", DB_ARGS(DB_INT(id0)), &e),
		    1);
		json_object_set_new(r0, "note", json_string("บันทึกเดิม"));
		json_t *d0 = json_pack("{s:s, s:s, s:s}", "title", "นาง", "first_name", "มาลี", "last_name", "ใจดี");
		begin(f->db);
		assert_int_equal(
		    oss_request_move(f->db, r0, OSS_APPLICANT, OSS_EDIT, f->user, "x", "", d0, "มาลี", 0, t + 60, &e),
		    OSS_SUBMITTED);
		commit(f->db);
		json_decref(d0);
		json_decref(r0);
		r0 = oss_request_get(f->db, id0, &e);
		assert_int_equal(json_integer_value(json_object_get(r0, "status_at")), t);
		assert_int_equal(json_integer_value(json_object_get(r0, "updated_at")), t + 60);
		assert_string_equal(json_string_value(json_object_get(r0, "note")), "บันทึกเดิม");
		json_decref(r0);
		json_t *p0 = oss_my_page(f->db, f->user, "32", "", 1, 10, &e);
		json_t *row0 = json_array_get(json_object_get(p0, "rows"), 0);
		assert_string_equal(json_string_value(json_object_get(row0, "applicant_name")), "นางมาลี ใจดี");
		assert_null(json_object_get(row0, "data")); /* lists do not read the data */
		json_decref(p0);
	}

	/* officer takes it, returns it with a note */
	json_t *r = oss_request_get(f->db, id, &e);
	assert_non_null(r);
	begin(f->db);
	assert_int_equal(
	    oss_request_move(f->db, r, OSS_OFFICER, OSS_START, f->officer, "นางสมหญิง", "", NULL, NULL, 0, t + 3600, &e),
	    OSS_IN_PROGRESS);
	assert_int_equal(oss_request_move(f->db, r, OSS_OFFICER, OSS_RETURN, f->officer, "นางสมหญิง", "ข้อมูลไม่ชัดเจน",
					  NULL, NULL, 0, t + 7200, &e),
			 OSS_RETURNED);
	commit(f->db);
	json_decref(r);
	r = oss_request_get(f->db, id, &e);
	assert_string_equal(json_string_value(json_object_get(r, "status")), "returned");
	assert_string_equal(json_string_value(json_object_get(r, "note")), "ข้อมูลไม่ชัดเจน");
	assert_int_equal(json_integer_value(json_object_get(r, "status_at")), t + 7200);
	assert_int_equal(count_of(f, f->area, "21", "submitted"), 0);
	assert_int_equal(count_of(f, f->area, "21", "returned"), 1);

	/* an edit while in progress was refused; now returned, the edit
	 * resubmits with the new data and restarts the wait */
	json_t *nd =
	    json_pack("{s:s, s:s, s:s}", "first_name", "ผดุงสิทธิ์", "last_name", "ลาวรรณ", "email", "new@example.com");
	begin(f->db);
	assert_int_equal(oss_request_move(f->db, r, OSS_APPLICANT, OSS_EDIT, f->user, "นายผดุงสิทธิ์", "", nd,
					  "ผดุงสิทธิ์ ลาวรรณ", 0, t + 86400, &e),
			 OSS_RESUBMITTED);
	commit(f->db);
	json_decref(nd);
	json_decref(r);
	r = oss_request_get(f->db, id, &e);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "data"), "email")), "new@example.com");
	assert_int_equal(json_integer_value(json_object_get(r, "queued_at")), t + 86400);
	assert_string_equal(json_string_value(json_object_get(r, "note")), "");

	/* a stale read: another officer completes it first */
	json_t *stale = json_deep_copy(r);
	begin(f->db);
	assert_int_equal(oss_request_move(f->db, r, OSS_OFFICER, OSS_COMPLETE, f->officer, "นางสมหญิง", "", NULL, NULL,
					  0, t + 90000, &e),
			 OSS_COMPLETED);
	commit(f->db);
	begin(f->db);
	assert_int_equal(oss_request_move(f->db, stale, OSS_OFFICER, OSS_RETURN, f->officer, "นางสมหญิง", "อีกครั้ง", NULL,
					  NULL, 0, t + 90001, &e),
			 -1);
	assert_int_equal(e.status, 409);
	db_rollback(f->db);
	json_decref(stale);
	/* and from completed nothing moves */
	err_clear(&e);
	begin(f->db);
	assert_int_equal(
	    oss_request_move(f->db, r, OSS_APPLICANT, OSS_CANCEL, f->user, "x", "", NULL, NULL, 0, t + 90002, &e), -1);
	assert_int_equal(e.status, 409);
	db_rollback(f->db);
	json_decref(r);

	/* every step is in the history: who, when, from, to, message */
	json_t *h = oss_request_history(f->db, id, &e);
	assert_int_equal(json_array_size(h), 5);
	static const char *const tos[] = {"submitted", "in_progress", "returned", "resubmitted", "completed"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(h, i), "to_status")), tos[i]);
	assert_true(json_is_null(json_object_get(json_array_get(h, 0), "from_status")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "message")), "ข้อมูลไม่ชัดเจน");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 2), "actor_role")), "officer");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 3), "action")), "edit");
	json_decref(h);
	/* the counters agree with the rows, status by status */
	for (int s = 0; s < OSS_STATUS_COUNT; s++)
		assert_int_equal(count_of(f, f->area, "21", oss_status_name(s)),
				 real_count(f, f->area, "21", oss_status_name(s)));
}

static void test_db_bookings(void **state)
{
	struct fx *f = fx_of(state);
	struct err e = ERR_INIT;
	begin(f->db);
	long long room = oss_room_add(f->db, f->area, "ห้องประชุมพุทธรักษา", 30, &e);
	long long room2 = oss_room_add(f->db, f->area, "ห้องประชุมราชพฤกษ์", 120, &e);
	assert_true(room > 0 && room2 > 0);
	assert_int_equal(oss_room_add(f->db, f->area, "ห้องประชุมพุทธรักษา", 10, &e), -1);
	assert_int_equal(e.status, 409);
	commit(f->db);
	err_clear(&e);

	long long now = bkk(2024, 6, 24, 8, 0, 0);
	struct oss_slot s[OSS_BOOKING_MAX_DAYS];
	int n = oss_booking_slots("2024-06-25", "2024-06-26", "09:00", "12:00", now, s, 14, &e);
	assert_int_equal(n, 2);
	long long id = submit(f, f->area, "31", f->user, now, NULL);
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, room, s, n, id, &e), 0);
	assert_int_equal(oss_booking_store(f->db, id, room, s, n, 20, "", "", &e), 0);
	commit(f->db);

	/* a clash on the second day names that booking */
	struct oss_slot c[OSS_BOOKING_MAX_DAYS];
	int m = oss_booking_slots("2024-06-26", "2024-06-26", "11:00", "13:00", now, c, 14, &e);
	long long id2 = submit(f, f->area, "31", f->user2, now, NULL);
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, room, c, m, id2, &e), -1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.field, "start_date");
	assert_string_equal(e.msg, "ห้องนี้ถูกจองแล้วในช่วง 26 มิ.ย. 2567 09:00–12:00 น. กรุณาเลือกวัน เวลา หรือห้องอื่น");
	db_rollback(f->db);
	err_clear(&e);
	/* touching is fine, another room is fine */
	m = oss_booking_slots("2024-06-26", "2024-06-26", "12:00", "13:00", now, c, 14, &e);
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, room, c, m, id2, &e), 0);
	assert_int_equal(oss_booking_free(f->db, room2, s, n, id2, &e), 0);
	db_rollback(f->db);
	/* its own booking is no clash when the request is edited */
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, room, s, n, id, &e), 0);
	db_rollback(f->db);
	/* cancelling frees the room */
	json_t *r = oss_request_get(f->db, id, &e);
	begin(f->db);
	assert_int_equal(
	    oss_request_move(f->db, r, OSS_APPLICANT, OSS_CANCEL, f->user, "x", "", NULL, NULL, 0, now + 60, &e),
	    OSS_CANCELLED);
	commit(f->db);
	json_decref(r);
	m = oss_booking_slots("2024-06-26", "2024-06-26", "11:00", "13:00", now, c, 14, &e);
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, room, c, m, id2, &e), 0);
	db_rollback(f->db);
	assert_int_equal(
	    int_value(f->db, "SELECT COUNT(*) FROM oss_bookings WHERE request_id = $1", DB_ARGS(DB_INT(id))), 0);
	/* rooms are listed per area */
	json_t *rooms = oss_rooms_list(f->db, f->area, true, &e);
	assert_int_equal(json_array_size(rooms), 2);
	json_decref(rooms);
	rooms = oss_rooms_list(f->db, f->area2, true, &e);
	assert_int_equal(json_array_size(rooms), 0);
	json_decref(rooms);
	begin(f->db);
	assert_int_equal(oss_room_update(f->db, f->area2, room, "x", 5, true, &e), -1); /* another area's room */
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(oss_room_update(f->db, f->area, room, "ห้องประชุมพุทธรักษา", 40, false, &e), 0);
	commit(f->db);
	rooms = oss_rooms_list(f->db, f->area, true, &e);
	assert_int_equal(json_array_size(rooms), 1);
	json_decref(rooms);
}

/* Issue 10.14b: the free-room search over an area's rooms (one query for
 * all of them), and a booking row following its request's status. */
static json_t *room_of(json_t *rooms, long long id)
{
	size_t i;
	json_t *x;
	json_array_foreach(rooms, i, x) if (json_integer_value(json_object_get(x, "id")) == id) return x;
	return NULL;
}

static void test_db_rooms_free(void **state)
{
	struct fx *f = fx_of(state);
	struct err e = ERR_INIT;
	begin(f->db);
	long long a = oss_room_add(f->db, f->area, "ห้องว่างทดสอบ ก", 10, &e);
	long long b = oss_room_add(f->db, f->area, "ห้องว่างทดสอบ ข", 50, &e);
	long long other = oss_room_add(f->db, f->area2, "ห้องว่างทดสอบ เขตอื่น", 50, &e);
	assert_true(a > 0 && b > 0 && other > 0);
	commit(f->db);
	long long now = bkk(2024, 6, 24, 8, 0, 0);
	struct oss_slot s[OSS_BOOKING_MAX_DAYS];
	int n = oss_booking_slots("2024-07-02", "2024-07-02", "10:00", "11:00", now, s, 14, &e);
	long long id = submit(f, f->area, "31", f->user, now, NULL);
	begin(f->db);
	assert_int_equal(oss_booking_free(f->db, a, s, n, id, &e), 0);
	assert_int_equal(oss_booking_store(f->db, id, a, s, n, 5, "นายประธาน", "นางประสาน", &e), 0);
	commit(f->db);
	assert_int_equal(int_value(f->db,
				   "SELECT COUNT(*) FROM oss_bookings WHERE request_id = $1 AND status = "
				   "'submitted' AND chairman = 'นายประธาน' AND coordinator = 'นางประสาน'",
				   DB_ARGS(DB_INT(id))),
			 1);

	/* three days, the same hours: a is taken on the second, b is free */
	struct oss_slot q[OSS_BOOKING_MAX_DAYS];
	int m = oss_booking_slots("2024-07-01", "2024-07-03", "09:00", "12:00", now, q, 14, &e);
	assert_int_equal(m, 3);
	json_t *rooms = oss_rooms_free(f->db, f->area, q, m, 5, &e);
	assert_non_null(rooms);
	assert_null(room_of(rooms, other)); /* another area's room is not offered */
	json_t *ra = room_of(rooms, a), *rb = room_of(rooms, b);
	assert_false(json_is_true(json_object_get(ra, "free")));
	assert_string_equal(json_string_value(json_object_get(ra, "taken_text")), "2 ก.ค. 2567 10:00–11:00 น.");
	assert_true(json_is_true(json_object_get(rb, "free")));
	json_decref(rooms);
	/* more people than a holds: not free, though nothing is in the way */
	m = oss_booking_slots("2024-07-03", "2024-07-03", "09:00", "12:00", now, q, 14, &e);
	rooms = oss_rooms_free(f->db, f->area, q, m, 20, &e);
	ra = room_of(rooms, a);
	assert_false(json_is_true(json_object_get(ra, "free")));
	assert_false(json_is_true(json_object_get(ra, "fits")));
	assert_true(json_is_null(json_object_get(ra, "taken_text")));
	json_decref(rooms);
	/* touching hours are free */
	m = oss_booking_slots("2024-07-02", "2024-07-02", "11:00", "12:00", now, q, 14, &e);
	rooms = oss_rooms_free(f->db, f->area, q, m, 0, &e);
	assert_true(json_is_true(json_object_get(room_of(rooms, a), "free")));
	json_decref(rooms);

	/* the booking row follows the request's status (the calendar reads it
	 * from the row) */
	json_t *r = oss_request_get(f->db, id, &e);
	begin(f->db);
	assert_int_equal(
	    oss_request_move(f->db, r, OSS_OFFICER, OSS_START, f->user2, "x", "", NULL, NULL, 0, now + 60, &e),
	    OSS_IN_PROGRESS);
	commit(f->db);
	json_decref(r);
	assert_int_equal(int_value(f->db,
				   "SELECT COUNT(*) FROM oss_bookings WHERE request_id = $1 AND status = "
				   "'in_progress'",
				   DB_ARGS(DB_INT(id))),
			 1);
}

static void test_db_lists(void **state)
{
	struct fx *f = fx_of(state);
	struct err e = ERR_INIT;
	long long t0 = bkk(2024, 8, 1, 9, 0, 0);
	long long ids[25];
	for (int i = 0; i < 25; i++)
		ids[i] = submit(f, f->area2, i % 2 ? "41" : "12", f->user2, t0 + i * 3600, NULL);
	/* the applicant's list: newest first, by service, paged */
	json_t *p = oss_my_page(f->db, f->user2, "", "", 1, 10, &e);
	assert_non_null(p);
	long long mine =
	    int_value(f->db, "SELECT COUNT(*) FROM oss_requests WHERE applicant_id = $1", DB_ARGS(DB_INT(f->user2)));
	assert_int_equal(json_integer_value(json_object_get(p, "total")), mine);
	json_t *rows = json_object_get(p, "rows");
	assert_int_equal(json_array_size(rows), 10);
	long long prev = 1LL << 62;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		long long c = json_integer_value(json_object_get(row, "created_at"));
		assert_true(c <= prev);
		prev = c;
	}
	json_decref(p);
	p = oss_my_page(f->db, f->user2, "41", "", 2, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 12);
	assert_int_equal(json_integer_value(json_object_get(p, "pages")), 2);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 2);
	assert_int_equal(json_integer_value(json_object_get(p, "from")), 11);
	json_decref(p);
	/* a page past the end is the last page (the total and rows come in one
	 * query; without rows the count runs by itself) */
	p = oss_my_page(f->db, f->user2, "41", "", 9, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 12);
	assert_int_equal(json_integer_value(json_object_get(p, "page")), 2);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 2);
	assert_null(json_object_get(json_array_get(json_object_get(p, "rows"), 0), "total"));
	json_decref(p);
	p = oss_my_page(f->db, f->officer, "", "", 3, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "page")), 1);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 0);
	json_decref(p);
	/* search by a word of the data and by code */
	p = oss_my_page(f->db, f->user2, "", "ออมสิน", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), mine);
	json_decref(p);
	p = oss_my_page(f->db, f->user2, "", "ไม่มีคำนี้", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 0);
	json_decref(p);
	/* someone else's list does not show them */
	p = oss_my_page(f->db, f->officer, "", "", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 0);
	json_decref(p);

	/* the officers' list: totals from the counters, statuses, overdue */
	json_t *r = oss_request_get(f->db, ids[0], &e);
	begin(f->db);
	assert_int_equal(
	    oss_request_move(f->db, r, OSS_OFFICER, OSS_START, f->officer, "x", "", NULL, NULL, 0, t0 + 99999, &e),
	    OSS_IN_PROGRESS);
	commit(f->db);
	json_decref(r);
	p = oss_manage_page(f->db, f->area2, "12", -1, 0, OSS_SORT_NEWEST, "", 1, 10, &e);
	assert_non_null(p);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 13);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 10);
	json_decref(p);
	p = oss_manage_page(f->db, f->area2, "12", OSS_IN_PROGRESS, 0, OSS_SORT_NEWEST, "", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(p, "rows"), 0), "id")),
			 ids[0]);
	json_decref(p);
	p = oss_manage_page(f->db, f->area2, "12", OSS_SUBMITTED, 0, OSS_SORT_NEWEST, "", 2, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 12);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 2);
	json_decref(p);
	p = oss_manage_page(f->db, f->area2, "12", OSS_SUBMITTED, 0, OSS_SORT_NEWEST, "", 7, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "page")), 2);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 2);
	json_decref(p);
	p = oss_manage_page(f->db, f->area2, "12", -1, 0, OSS_SORT_OLDEST, "", 50, 25, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 13);
	assert_int_equal(json_integer_value(json_object_get(p, "page")), 1);
	assert_int_equal(json_array_size(json_object_get(p, "rows")), 13);
	json_decref(p);
	/* oldest first is the newest-first order reversed, on every query shape */
	static const char *const qs[] = {"", "ผดุงสิทธิ์"};
	for (int k = 0; k < 2; k++)
		for (int st = -1; st <= (int)OSS_SUBMITTED; st++) {
			json_t *nw = oss_manage_page(f->db, f->area2, "12", st, 0, OSS_SORT_NEWEST, qs[k], 1, 100, &e);
			json_t *ol = oss_manage_page(f->db, f->area2, "12", st, 0, OSS_SORT_OLDEST, qs[k], 1, 100, &e);
			assert_non_null(nw);
			assert_non_null(ol);
			json_t *a = json_object_get(nw, "rows"), *b = json_object_get(ol, "rows");
			size_t n = json_array_size(a);
			assert_int_equal(n, json_array_size(b));
			assert_true(n > 0 || k == 1);
			for (size_t j = 0; j < n; j++)
				assert_int_equal(
				    json_integer_value(json_object_get(json_array_get(a, j), "id")),
				    json_integer_value(json_object_get(json_array_get(b, n - 1 - j), "id")));
			json_decref(nw);
			json_decref(ol);
		}
	/* another area's officer list is empty */
	p = oss_manage_page(f->db, f->area, "41", -1, 0, OSS_SORT_NEWEST, "", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 0);
	json_decref(p);
	/* overdue: everything queued before t0 + 5 h */
	p = oss_manage_page(f->db, f->area2, "12", -1, t0 + 5 * 3600, OSS_SORT_NEWEST, "", 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 3); /* hours 0, 2, 4 */
	json_decref(p);
	long long od[OSS_SERVICE_COUNT];
	assert_int_equal(oss_overdue_counts(f->db, f->area2, t0 + 5 * 3600, od, &e), 0);
	assert_int_equal(od[1], 3); /* "12" is the second service */
	/* one GROUP BY gives what a count per service gives */
	for (int k = 0; k < OSS_SERVICE_COUNT; k++)
		assert_int_equal(
		    od[k], int_value(f->db,
				     "SELECT COUNT(*) FROM oss_requests WHERE area_id = $1 AND service = $2 "
				     "AND status IN ('submitted', 'in_progress', 'resubmitted') AND queued_at < $3",
				     DB_ARGS(DB_INT(f->area2), DB_TEXT(oss_service_codes[k]), DB_INT(t0 + 5 * 3600))));
	/* a code as the query */
	char code[OSS_CODE_MAX + 1];
	oss_code_make("41", t0 + 3600, code);
	p = oss_manage_page(f->db, f->area2, "41", -1, 0, OSS_SORT_NEWEST, code, 1, 10, &e);
	assert_int_equal(json_integer_value(json_object_get(p, "total")), 1);
	json_decref(p);
	/* the dashboard counts */
	json_t *c = oss_counts_get(f->db, f->area2, 202401, 202412, &e);
	assert_non_null(c);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(json_object_get(c, "by_status"), "12"), "submitted")),
	    12);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(json_object_get(c, "by_month"), "202408"), "41")), 12);
	json_decref(c);
}

static void test_db_settings(void **state)
{
	struct fx *f = fx_of(state);
	struct err e = ERR_INIT;
	long long price[OSS_PP_ITEMS];
	assert_int_equal(oss_prices_load(f->db, f->area, price, &e), 0);
	assert_memory_equal(price, default_prices, sizeof price);
	long long mine[OSS_PP_ITEMS] = {17000, 600, 17000, 300, 600};
	begin(f->db);
	assert_int_equal(oss_prices_save(f->db, f->area, mine, f->officer, &e), 0);
	commit(f->db);
	assert_int_equal(oss_prices_load(f->db, f->area, price, &e), 0);
	assert_memory_equal(price, mine, sizeof price);
	/* the other area keeps the defaults */
	assert_int_equal(oss_prices_load(f->db, f->area2, price, &e), 0);
	assert_memory_equal(price, default_prices, sizeof price);

	begin(f->db);
	assert_true(oss_holiday_add(f->db, f->area, "2024-07-29", "วันเฉลิมพระชนมพรรษา", &e) > 0);
	assert_true(oss_holiday_add(f->db, f->area, "2024-07-22", "ชดเชยวันอาสาฬหบูชา", &e) > 0);
	assert_int_equal(oss_holiday_add(f->db, f->area, "2024-07-22", "ซ้ำ", &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(oss_holiday_add(f->db, f->area, "2024-02-30", "ไม่มีวันนี้", &e), -1);
	assert_int_equal(e.status, 400);
	commit(f->db);
	size_t n;
	long long *h = oss_holidays_load(f->db, f->area, &n, &e);
	assert_int_equal(n, 2);
	assert_int_equal(h[0], oss_day_parse("2024-07-22")); /* sorted */
	assert_int_equal(h[1], oss_day_parse("2024-07-29"));
	free(h);

	/* officers per service: each service is an officer grant ("officer:31"),
	 * the same one the permission matrix shows */
	begin(f->db);
	long long g11 = oss_officer_add(f->db, f->area, f->officer, "11", f->user, &e);
	assert_true(g11 > 0);
	assert_true(oss_officer_add(f->db, f->area, f->officer, "31", f->user, &e) > 0);
	assert_int_equal(oss_officer_add(f->db, f->area, f->officer, "31", f->user, &e), -1);
	assert_int_equal(e.status, 409);
	err_clear(&e);
	assert_int_equal(oss_officer_add(f->db, f->area, f->officer, "77", f->user, &e), -1);
	commit(f->db);
	assert_int_equal(int_value(f->db,
				   "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND role = 'officer' AND module = 'oss' "
				   "AND revoked_at IS NULL",
				   DB_ARGS(DB_INT(f->officer))),
			 2);
	unsigned mask;
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area, &mask, &e), 0);
	assert_int_equal(mask, oss_service_bit("11") | oss_service_bit("31"));
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area2, &mask, &e), 0);
	assert_int_equal(mask, 0);
	/* the scope: the same services, the area's holidays, sorted, and the
	 * room requests waiting for a decision (the approvers' menu count, from
	 * the counters: submitted, in progress, resubmitted of service 31), in
	 * one query */
	long long pend0 = int_value(f->db,
				    "SELECT COALESCE(SUM(n), 0) FROM oss_counts WHERE area_id = $1 AND service = '31' "
				    "AND status IN ('submitted', 'in_progress', 'resubmitted')",
				    DB_ARGS(DB_INT(f->area)));
	begin(f->db);
	assert_true(db_exec(f->db,
			    "INSERT INTO oss_counts (area_id, service, ym, status, n) VALUES ($1, '31', 199001, "
			    "'submitted', 3), ($1, '31', 199002, 'in_progress', 2), ($1, '31', 199001, 'completed', 9), "
			    "($1, '11', 199001, 'submitted', 4), ($2, '31', 199001, 'submitted', 7)",
			    DB_ARGS(DB_INT(f->area), DB_INT(f->area2)), &e) == 5);
	commit(f->db);
	long long *hs, pend;
	size_t nhs;
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area, &mask, &hs, &nhs, &pend, &e), 0);
	assert_int_equal(mask, oss_service_bit("11") | oss_service_bit("31"));
	assert_int_equal(pend, pend0 + 5);
	free(hs);
	/* the counters per status over all months follow oss_counts (triggers,
	 * migration 0308), whoever writes it */
	assert_int_equal(int_value(f->db,
				   "SELECT n FROM oss_status_counts WHERE area_id = $1 AND service = '31' AND "
				   "status = 'submitted'",
				   DB_ARGS(DB_INT(f->area))),
			 int_value(f->db,
				   "SELECT SUM(n) FROM oss_counts WHERE area_id = $1 AND service = '31' AND "
				   "status = 'submitted'",
				   DB_ARGS(DB_INT(f->area))));
	begin(f->db);
	assert_true(db_exec(f->db, "DELETE FROM oss_counts WHERE area_id = $1 AND ym = 199002", DB_ARGS(DB_INT(f->area)),
			    &e) == 1);
	assert_true(db_exec(f->db, "UPDATE oss_counts SET n = n + 10 WHERE area_id = $1 AND ym = 199001 AND service = '11'",
			    DB_ARGS(DB_INT(f->area)), &e) == 1);
	commit(f->db);
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area, &mask, &hs, &nhs, &pend, &e), 0);
	free(hs);
	assert_int_equal(pend, pend0 + 3);
	assert_int_equal(int_value(f->db, "SELECT n FROM oss_status_counts WHERE area_id = $1 AND service = '11' AND "
				   "status = 'submitted'", DB_ARGS(DB_INT(f->area))),
			 int_value(f->db, "SELECT SUM(n) FROM oss_counts WHERE area_id = $1 AND service = '11' AND "
				   "status = 'submitted'", DB_ARGS(DB_INT(f->area))));
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area, &mask, &hs, &nhs, &pend, &e), 0);
	assert_int_equal(nhs, 2);
	assert_int_equal(hs[0], oss_day_parse("2024-07-22"));
	assert_int_equal(hs[1], oss_day_parse("2024-07-29"));
	free(hs);
	/* the area's holidays are one row kept by triggers (migration 0307),
	 * whoever writes oss_holidays: a row written by hand, one moved to
	 * another day, one removed; the other area's stay its own */
	begin(f->db);
	assert_true(db_exec(f->db, "INSERT INTO oss_holidays (area_id, day, name) VALUES ($1, '2024-01-01', 'ปีใหม่')",
			    DB_ARGS(DB_INT(f->area)), &e) == 1);
	assert_true(db_exec(f->db, "INSERT INTO oss_holidays (area_id, day, name) VALUES ($1, '2024-04-13', 'สงกรานต์')",
			    DB_ARGS(DB_INT(f->area2)), &e) == 1);
	assert_true(db_exec(f->db, "UPDATE oss_holidays SET day = '2024-08-12' WHERE area_id = $1 AND day = '2024-07-29'",
			    DB_ARGS(DB_INT(f->area)), &e) == 1);
	commit(f->db);
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area, &mask, &hs, &nhs, &pend, &e), 0);
	assert_int_equal(nhs, 3);
	assert_int_equal(hs[0], oss_day_parse("2024-01-01"));
	assert_int_equal(hs[1], oss_day_parse("2024-07-22"));
	assert_int_equal(hs[2], oss_day_parse("2024-08-12"));
	free(hs);
	h = oss_holidays_load(f->db, f->area2, &n, &e);
	assert_int_equal(n, 1);
	assert_int_equal(h[0], oss_day_parse("2024-04-13"));
	free(h);
	json_t *hl = oss_holidays_list(f->db, f->area2, &e);
	begin(f->db);
	assert_int_equal(oss_holiday_remove(f->db, f->area2, json_integer_value(json_object_get(json_array_get(hl, 0), "id")), &e), 0);
	commit(f->db);
	json_decref(hl);
	h = oss_holidays_load(f->db, f->area2, &n, &e);
	assert_non_null(h);
	assert_int_equal(n, 0);
	free(h);
	/* an area that never had one */
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area2, &mask, &hs, &nhs, &pend, &e), 0);
	assert_non_null(hs);
	assert_int_equal(nhs, 0);
	free(hs);
	begin(f->db);
	assert_true(db_exec(f->db, "DELETE FROM oss_holidays WHERE area_id = $1 AND day = '2024-01-01'",
			    DB_ARGS(DB_INT(f->area)), &e) == 1);
	commit(f->db);
	json_t *ids = oss_officer_ids(f->db, f->area, "31", &e);
	assert_int_equal(json_array_size(ids), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ids, 0), "email")), "o@example.com");
	json_decref(ids);
	json_t *list = oss_officers_list(f->db, f->area, &e);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "นายสมหญิง ลาวรรณ");
	json_decref(list);
	/* removing one is revoking its grant: for pages and for mail at once;
	 * another area's admin cannot remove it */
	begin(f->db);
	assert_int_equal(oss_officer_remove(f->db, f->area2, g11, f->user, &e), -1);
	assert_int_equal(e.status, 404);
	err_clear(&e);
	assert_int_equal(oss_officer_remove(f->db, f->area, g11, f->user, &e), 0);
	commit(f->db);
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area, &mask, &e), 0);
	assert_int_equal(mask, oss_service_bit("31"));
	/* a revoked grant ends the service */
	begin(f->db);
	assert_true(db_exec(f->db, "UPDATE grants SET revoked_at = 1 WHERE user_id = $1 AND revoked_at IS NULL",
			    DB_ARGS(DB_INT(f->officer)), &e) == 1);
	commit(f->db);
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area, &mask, &e), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(oss_officer_scope(f->db, f->officer, f->area, &mask, &hs, &nhs, &pend, &e), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(nhs, 2);
	free(hs);
	ids = oss_officer_ids(f->db, f->area, "31", &e);
	assert_int_equal(json_array_size(ids), 0);
	json_decref(ids);
	/* so does a cancelled account with an active grant */
	begin(f->db);
	assert_true(oss_officer_add(f->db, f->area, f->officer, "31", f->user, &e) > 0);
	commit(f->db);
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area, &mask, &e), 0);
	assert_int_equal(mask, oss_service_bit("31"));
	begin(f->db);
	assert_true(db_exec(f->db, "UPDATE users SET status = 'cancelled' WHERE id = $1", DB_ARGS(DB_INT(f->officer)),
			    &e) == 1);
	commit(f->db);
	assert_int_equal(oss_officer_services(f->db, f->officer, f->area, &mask, &e), 0);
	assert_int_equal(mask, 0);
	list = oss_officers_list(f->db, f->area, &e);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

#define DB_TESTS                                                                                                       \
	cmocka_unit_test(test_db_codes_same_second), cmocka_unit_test(test_db_moves),                                  \
	    cmocka_unit_test(test_db_bookings), cmocka_unit_test(test_db_lists), cmocka_unit_test(test_db_settings),   \
	    cmocka_unit_test(test_db_rooms_free)

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_workflow_every_pair),
	    cmocka_unit_test(test_workflow_messages),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test(test_file_slots_documented),
	    cmocka_unit_test(test_message_without_status),
	    cmocka_unit_test(test_code_make),
	    cmocka_unit_test(test_code_check),
	    cmocka_unit_test(test_price_defaults),
	    cmocka_unit_test(test_shipping),
	    cmocka_unit_test(test_order_compute),
	    cmocka_unit_test(test_business_days),
	    cmocka_unit_test(test_overdue_cutoff),
	    cmocka_unit_test(test_days_unpack),
	    cmocka_unit_test(test_booking_slots),
	    cmocka_unit_test(test_attendees_and_overlap),
	    cmocka_unit_test(test_appointment),
	};
	const struct CMUnitTest db_tests[] = {DB_TESTS};
	int failed = cmocka_run_group_tests_name("oss", pure, NULL, NULL);
	engine_after_migrate = seed;
	failed += run_engine_groups("oss", db_tests);
	return failed ? 1 : 0;
}
