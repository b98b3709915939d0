/* services: the six e-services of OSS-2 as data. Each service is a declared
 * form (struct field, form.h) — the fields the seed's screens show, with
 * their Thai labels, limits and choices — plus its attachment slots; the
 * same table drives parsing, the Thai messages, the form shown again, the
 * API's JSON schema, and the view and print pages' list of fields.
 *
 * Every form starts with the applicant's own data, filled in from the
 * account (OSS-3) and kept in the request as it was at submission, so the
 * printed document says who applied under which name even after the
 * account changes. The service's own rules that a field table cannot say
 * (a date in the past, a room's capacity, at least one ปพ. item) are in
 * oss_service_read, which calls the pure functions of booking.c and
 * price.c.
 *
 * Attachments are FT_FILE fields (png, jpg or pdf by content, at most 5 MB,
 * form.c checks both while streaming) but never F_REQUIRED in the table:
 * a required slot must have a file on a new request, while an edit keeps
 * the stored one, so routes.c checks required slots itself; the table
 * marks them F_REQUIRED_NEW so the API's document says they are needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/num.h"
#include "core/thai.h"
#include "oss/oss_internal.h"

#define MB5 (5LL * 1024 * 1024)

/* ---- fields ------------------------------------------------------------- */

#define COMMON_FIELDS                                                                                                  \
	{.name = "area_id",                                                                                            \
	 .label = "สำนักงานเขตพื้นที่การศึกษาที่ขอรับบริการ",                                                                    \
	 .type = FT_TEXT,                                                                                              \
	 .flags = F_REQUIRED,                                                                                          \
	 .max = 18,                                                                                                    \
	 .pattern = "[0-9]+",                                                                                          \
	 .pattern_msg = "กรุณาเลือกสำนักงานเขตพื้นที่จากรายการ"},                                                             \
	    {.name = "title", .label = "คำนำหน้าชื่อ", .type = FT_TEXT, .flags = F_REQUIRED, .max = 40},                  \
	    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},                   \
	    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},                \
	{                                                                                                              \
		.name = "phone", .label = "เบอร์โทรศัพท์", .type = FT_PHONE, .flags = F_REQUIRED                          \
	}

#define FILE_FIELD(n, l)                                                                                                                                    \
	{                                                                                                                                                   \
		.name = n, .label = l, .type = FT_FILE, .max = MB5, .hint = "ไฟล์ png, jpg หรือ pdf ขนาดไม่เกิน 5 MB" \
	}
/* a slot a new request must fill (its oss_file_slot says required): so
 * the API's document says so too (test_oss checks the two agree) */
#define FILE_FIELD_NEW(n, l)                                                                                           \
	{                                                                                                              \
		.name = n, .label = l, .type = FT_FILE, .flags = F_REQUIRED_NEW, .max = MB5,                           \
		.hint = "ไฟล์ png, jpg หรือ pdf ขนาดไม่เกิน 5 MB"                                                 \
	}

static const struct choice official_types5[] = {
    {"teacher", "ข้าราชการครูและบุคลากรทางการศึกษา"},
    {"permanent", "ลูกจ้างประจำ"},
    {"government", "พนักงานราชการ"},
    {"pensioner", "ผู้รับบำเหน็จบำนาญ"},
    {"other", "อื่นๆ"},
    {NULL, NULL},
};
/* The certificate's form offers the same types without "other". */
static const struct choice official_types4[] = {
    {"teacher", "ข้าราชการครูและบุคลากรทางการศึกษา"},
    {"permanent", "ลูกจ้างประจำ"},
    {"government", "พนักงานราชการ"},
    {"pensioner", "ผู้รับบำเหน็จบำนาญ"},
    {NULL, NULL},
};
static const struct choice blood_groups[] = {
    {"A", "A"}, {"B", "B"}, {"AB", "AB"}, {"O", "O"}, {NULL, NULL},
};
static const struct choice yes_no_pledge[] = {
    {"no", "ไม่มีหนี้บำเหน็จค้ำประกันเงินกู้"},
    {"yes", "มีหนี้บำเหน็จค้ำประกันเงินกู้"},
    {NULL, NULL},
};

const struct field oss_fields_11[] = {
    COMMON_FIELDS,
    {.name = "birth_date", .label = "วันเดือนปีเกิด", .type = FT_DATE, .flags = F_REQUIRED},
    {.name = "nationality", .label = "สัญชาติ", .type = FT_TEXT, .flags = F_REQUIRED, .max = 50},
    {.name = "blood_group", .label = "หมู่โลหิต", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = blood_groups},
    {.name = "address_registered", .label = "ที่อยู่ตามทะเบียนบ้าน", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 500},
    {.name = "address_contact", .label = "ที่อยู่ที่สามารถติดต่อได้", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 500},
    {.name = "work_unit", .label = "กลุ่มงาน/โรงเรียน", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "position", .label = "ตำแหน่ง", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "rank", .label = "อันดับ/ระดับ", .type = FT_TEXT, .max = 100},
    {.name = "official_type",
     .label = "เจ้าหน้าที่ของรัฐประเภท",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = official_types5},
    {.name = "official_type_other",
     .label = "ประเภทอื่นๆ (โปรดระบุ)",
     .type = FT_TEXT,
     .max = 100,
     .hint = "กรอกเมื่อเลือกประเภท อื่นๆ"},
    FILE_FIELD_NEW("id_card", "สำเนาบัตรประชาชน"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    FILE_FIELD("other2", "เอกสารอื่นๆ 2"),
    {NULL},
};

const struct field oss_fields_12[] = {
    COMMON_FIELDS,
    {.name = "official_type",
     .label = "เจ้าหน้าที่ของรัฐประเภท",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = official_types4},
    {.name = "work_unit", .label = "กลุ่มงาน/โรงเรียน", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "position", .label = "ตำแหน่ง", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "academic_standing", .label = "วิทยฐานะ/อันดับ/ระดับ", .type = FT_TEXT, .max = 100},
    {.name = "salary", .label = "อัตราเงินเดือน (บาท)", .type = FT_MONEY, .flags = F_REQUIRED, .max = 100000000},
    {.name = "standing_pay", .label = "เงินวิทยฐานะ (บาท)", .type = FT_MONEY, .max = 100000000},
    {.name = "compensation", .label = "เงินค่าตอบแทน (บาท)", .type = FT_MONEY, .max = 100000000},
    {.name = "cert_kind",
     .label = "มีความประสงค์ขอหนังสือรับรอง",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 200,
     .hint = "เช่น รับรองเงินเดือน"},
    {.name = "purpose",
     .label = "เพื่อนำไปใช้",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 200,
     .hint = "เช่น กู้เงินธนาคาร"},
    /* a letter about one's child at school (e.g. for the education
     * allowance): the child's citizen ID, or the G-code of a child
     * without one (GC-1: F_ALT_ID, checked by the module that issues it) */
    {.name = "child_citizen_id",
     .label = "เลขประจำตัวประชาชนหรือรหัส G ของบุตร",
     .type = FT_CITIZEN_ID,
     .flags = F_ALT_ID,
     .hint = "กรอกเมื่อขอหนังสือรับรองเกี่ยวกับบุตรที่เป็นนักเรียน เช่น เพื่อเบิกค่าการศึกษาบุตร"},
    FILE_FIELD_NEW("id_card", "สำเนาบัตรประชาชน"),
    FILE_FIELD_NEW("pay_slip", "สำเนาสลิปเงินเดือน เดือนสุดท้าย"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    {NULL},
};

const struct field oss_fields_21[] = {
    COMMON_FIELDS,
    {.name = "email", .label = "อีเมล", .type = FT_EMAIL, .flags = F_REQUIRED, .max = 254},
    {.name = "pledged",
     .label = "หนี้บำเหน็จค้ำประกันเงินกู้",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = yes_no_pledge},
    FILE_FIELD_NEW("id_card", "สำเนาบัตรประชาชน"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    FILE_FIELD("other2", "เอกสารอื่นๆ 2"),
    {NULL},
};

const struct field oss_fields_31[] = {
    COMMON_FIELDS,
    {.name = "agency", .label = "หน่วยงาน", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "attendees",
     .label = "จำนวนผู้เข้าร่วมประชุม (คน)",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = 0,
     .max = 100000},
    {.name = "room_id",
     .label = "ห้องประชุม",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 18,
     .pattern = "[0-9]+",
     .pattern_msg = "กรุณาเลือกห้องประชุมจากรายการ"},
    {.name = "purpose", .label = "วัตถุประสงค์", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 1000},
    /* issue 10.14b: who chairs the meeting and who to contact about it
     * (AMSS++ keeps both on each booking); shown on the request, the room
     * calendar and the exports */
    {.name = "chairman",
     .label = "ประธานการประชุม",
     .type = FT_TEXT,
     .flags = F_NAME,
     .max = 200,
     .hint = "ชื่อและตำแหน่ง เช่น นายสมชาย ใจดี รองผู้อำนวยการสำนักงานเขตพื้นที่"},
    {.name = "coordinator",
     .label = "ผู้ประสานงาน",
     .type = FT_TEXT,
     .flags = F_NAME,
     .max = 200,
     .hint = "ชื่อและเบอร์โทรศัพท์ของผู้ที่ติดต่อเรื่องการประชุมนี้ได้"},
    {.name = "start_date", .label = "วันที่เริ่มต้นใช้ห้อง", .type = FT_DATE, .flags = F_REQUIRED},
    {.name = "end_date",
     .label = "วันที่สิ้นสุดการใช้ห้อง",
     .type = FT_DATE,
     .flags = F_REQUIRED,
     .hint = "ใช้ห้องเวลาเดียวกันทุกวันตั้งแต่วันเริ่มต้นถึงวันสิ้นสุด"},
    {.name = "start_time", .label = "ตั้งแต่เวลา", .type = FT_TIME, .flags = F_REQUIRED},
    {.name = "end_time", .label = "ถึงเวลา", .type = FT_TIME, .flags = F_REQUIRED},
    FILE_FIELD_NEW("letter", "หนังสือขอใช้ห้องประชุม"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    FILE_FIELD("other2", "เอกสารอื่นๆ 2"),
    {NULL},
};

const struct field oss_fields_32[] = {
    COMMON_FIELDS,
    {.name = "visitor", .label = "ชื่อผู้ขอเข้าพบ/กลุ่ม/หน่วยงาน", .type = FT_TEXT, .flags = F_REQUIRED, .max = 200},
    {.name = "subject", .label = "เรื่อง", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 1000},
    {.name = "date", .label = "วันขอนัดหมาย", .type = FT_DATE, .flags = F_REQUIRED},
    {.name = "time", .label = "เวลา", .type = FT_TIME, .flags = F_REQUIRED},
    FILE_FIELD("letter", "หนังสือราชการที่เกี่ยวข้อง"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    FILE_FIELD("other2", "เอกสารอื่นๆ 2"),
    {NULL},
};

#define PP_FIELD(k, l)                                                                                                 \
	{                                                                                                              \
		.name = k, .label = l, .type = FT_INT, .min = 0, .max = OSS_PP_QTY_MAX                                 \
	}

const struct field oss_fields_41[] = {
    COMMON_FIELDS,
    {.name = "school", .label = "โรงเรียน", .type = FT_TEXT, .max = 200},
    {.name = "affiliation",
     .label = "สังกัดอื่น (โปรดระบุ)",
     .type = FT_TEXT,
     .max = 200,
     .hint = "กรอกเมื่อไม่ได้สั่งซื้อในนามโรงเรียน"},
    PP_FIELD("pp1_p", "สั่งซื้อ ปพ.1-ป (จำนวนเล่ม)"),
    PP_FIELD("pp3_p", "สั่งซื้อ ปพ.3-ป (จำนวนแผ่น)"),
    PP_FIELD("pp1_b", "สั่งซื้อ ปพ.1-บ (จำนวนเล่ม)"),
    PP_FIELD("pp2_b", "สั่งซื้อ ปพ.2-บ (จำนวนแผ่น)"),
    PP_FIELD("pp3_b", "สั่งซื้อ ปพ.3-บ (จำนวนแผ่น)"),
    FILE_FIELD_NEW("purchase_letter", "หนังสือขอซื้อ"),
    FILE_FIELD("other1", "เอกสารอื่นๆ 1"),
    FILE_FIELD("other2", "เอกสารอื่นๆ 2"),
    {NULL},
};

static const struct oss_file_slot slots_11[] = {
    {"id_card", "สำเนาบัตรประชาชน", true}, {"other1", "เอกสารอื่นๆ 1", false}, {"other2", "เอกสารอื่นๆ 2", false}, {NULL}};
static const struct oss_file_slot slots_12[] = {{"id_card", "สำเนาบัตรประชาชน", true},
						{"pay_slip", "สำเนาสลิปเงินเดือน เดือนสุดท้าย", true},
						{"other1", "เอกสารอื่นๆ 1", false},
						{NULL}};
static const struct oss_file_slot slots_21[] = {
    {"id_card", "สำเนาบัตรประชาชน", true}, {"other1", "เอกสารอื่นๆ 1", false}, {"other2", "เอกสารอื่นๆ 2", false}, {NULL}};
static const struct oss_file_slot slots_31[] = {
    {"letter", "หนังสือขอใช้ห้องประชุม", true}, {"other1", "เอกสารอื่นๆ 1", false}, {"other2", "เอกสารอื่นๆ 2", false}, {NULL}};
static const struct oss_file_slot slots_32[] = {{"letter", "หนังสือราชการที่เกี่ยวข้อง", false},
						{"other1", "เอกสารอื่นๆ 1", false},
						{"other2", "เอกสารอื่นๆ 2", false},
						{NULL}};
static const struct oss_file_slot slots_41[] = {
    {"purchase_letter", "หนังสือขอซื้อ", true}, {"other1", "เอกสารอื่นๆ 1", false}, {"other2", "เอกสารอื่นๆ 2", false}, {NULL}};

const struct oss_service_def oss_services[OSS_SERVICE_COUNT] = {
    {"11", "ขอบัตรประจำตัว", "บัตรข้าราชการ", "ขอมีบัตรหรือขอบัตรประจำตัวเจ้าหน้าที่ของรัฐ",
     "ขอมีบัตรประจำตัวเจ้าหน้าที่ของรัฐครั้งแรก หรือขอบัตรใหม่", oss_fields_11, slots_11},
    {"12", "หนังสือรับรอง", "หนังสือรับรอง", "ขอหนังสือรับรอง", "หนังสือรับรองเงินเดือนหรือรับรองตัวบุคคล เช่น เพื่อกู้เงินธนาคาร",
     oss_fields_12, slots_12},
    {"21", "บำเหน็จดำรงชีพ", "บำเหน็จดำรงชีพ", "ยื่นขอบำเหน็จดำรงชีพ", "ยื่นขอรับบำเหน็จดำรงชีพ", oss_fields_21, slots_21},
    {"31", "จองห้องประชุม", "จองห้องประชุม", "จองห้องประชุม", "จองห้องประชุมของสำนักงานเขตพื้นที่", oss_fields_31, slots_31},
    {"32", "นัดหมาย", "นัดหมาย", "ขอนัดหมายเพื่อเข้าพบผู้บริหาร", "ขอนัดเข้าพบผู้บริหารของสำนักงานเขตพื้นที่", oss_fields_32, slots_32},
    {"41", "สั่งซื้อ ปพ.1-3", "ซื้อ ปพ.1-3", "สั่งซื้อแบบพิมพ์ทางการศึกษา (ปพ.)",
     "สั่งซื้อแบบพิมพ์ ปพ.1 ปพ.2 และ ปพ.3 ระดับประถมศึกษาและมัธยมศึกษาตอนต้น", oss_fields_41, slots_41},
};

const char *const oss_service_codes[OSS_SERVICE_COUNT] = {"11", "12", "21", "31", "32", "41"};

const struct oss_service_def *oss_service_def(const char *code)
{
	for (int i = 0; code && i < OSS_SERVICE_COUNT; i++)
		if (!strcmp(code, oss_services[i].code))
			return &oss_services[i];
	return NULL;
}

bool oss_service_valid(const char *s)
{
	return oss_service_def(s) != NULL;
}

const char *oss_service_name(const char *code)
{
	const struct oss_service_def *d = oss_service_def(code);
	return d ? d->name : NULL;
}

const char *oss_service_title(const char *code)
{
	const struct oss_service_def *d = oss_service_def(code);
	return d ? d->title : NULL;
}

void oss_request_title(const char *code, struct buf *out)
{
	const char *t = oss_service_title(code);
	if (!t)
		t = "";
	static const char kho[] = "ขอ";
	if (!strncmp(t, kho, sizeof kho - 1))
		t += sizeof kho - 1;
	buf_addf(out, "คำขอ%s", t);
}

unsigned oss_service_bit(const char *code)
{
	for (int i = 0; code && i < OSS_SERVICE_COUNT; i++)
		if (!strcmp(code, oss_service_codes[i]))
			return 1u << i;
	return 0;
}

const char *oss_slot_label(const char *service, const char *slot)
{
	if (slot && !strcmp(slot, "result"))
		return "ไฟล์จากเจ้าหน้าที่";
	if (slot && !strcmp(slot, "message"))
		return "ไฟล์แนบกับข้อความจากเจ้าหน้าที่";
	const struct oss_service_def *d = oss_service_def(service);
	for (const struct oss_file_slot *s = d ? d->slots : NULL; s && s->name; s++)
		if (!strcmp(s->name, slot))
			return s->label;
	return "";
}

/* ---- reading a submitted form ------------------------------------------- */

static bool is_common(const char *name)
{
	return !strcmp(name, "area_id");
}

/* Age in whole years on day today of someone born on birth (both day
 * numbers' calendar dates). */
static int age_years(int by, int bm, int bd, int ty, int tm, int td)
{
	int age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}

static int read_11(json_t *data, long long now, struct err *e)
{
	const char *type = json_string_value(json_object_get(data, "official_type"));
	const char *other = json_string_value(json_object_get(data, "official_type_other"));
	if (type && !strcmp(type, "other") && (!other || !*other))
		return err_field(e, "official_type_other", "กรุณาระบุประเภทเจ้าหน้าที่ของรัฐ เมื่อเลือก อื่นๆ");
	if (type && strcmp(type, "other"))
		json_object_set_new(data, "official_type_other", json_string(""));
	int by, bm, bd, ty, tm, td;
	if (thai_parse_date(json_string_value(json_object_get(data, "birth_date")), &by, &bm, &bd) < 0)
		return err_field(e, "birth_date", "วันเดือนปีเกิดไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	thai_local(now, &ty, &tm, &td, NULL, NULL, NULL, NULL);
	if (oss_day_of(thai_from_local(by, bm, bd, 0, 0, 0)) >= oss_day_of(now))
		return err_field(e, "birth_date", "วันเดือนปีเกิดต้องเป็นวันที่ผ่านมาแล้ว");
	int age = age_years(by, bm, bd, ty, tm, td);
	if (age < 15 || age > 120)
		return err_field(e, "birth_date", "วันเดือนปีเกิดไม่ถูกต้อง (อายุ %d ปี) กรุณาตรวจสอบปี พ.ศ. ที่กรอก", age);
	json_object_set_new(data, "age", json_integer(age)); /* at submission, as the form asks */
	return 0;
}

static int read_31(struct db *db, json_t *data, long long area_id, long long now, struct oss_booking_plan *bp,
		   struct err *e)
{
	long long room_id = num_ll_or(json_string_value(json_object_get(data, "room_id")), 0);
	json_t *room = room_id > 0 ? oss_room_get(db, room_id, e) : NULL;
	if (!room) {
		if (room_id > 0 && e->status != 404)
			return -1;
		return err_field(e, "room_id", "ไม่พบห้องประชุมที่เลือก กรุณาเลือกจากรายการ");
	}
	long long room_area = json_integer_value(json_object_get(room, "area_id"));
	long long capacity = json_integer_value(json_object_get(room, "capacity"));
	bool active = json_integer_value(json_object_get(room, "active")) != 0;
	json_object_set(data, "room_name", json_object_get(room, "name"));
	json_decref(room);
	if (room_area != area_id)
		return err_field(e, "room_id", "ห้องประชุมนี้ไม่ได้อยู่ในสำนักงานเขตพื้นที่ที่เลือก กรุณาเลือกห้องใหม่");
	if (!active)
		return err_field(e, "room_id", "ห้องประชุมนี้งดให้จองแล้ว กรุณาเลือกห้องอื่น");
	json_object_set_new(data, "room_id", json_integer(room_id));
	long long attendees = json_integer_value(json_object_get(data, "attendees"));
	if (oss_attendees_check(attendees, capacity, e) < 0)
		return -1;
	int n = oss_booking_slots(json_string_value(json_object_get(data, "start_date")),
				  json_string_value(json_object_get(data, "end_date")),
				  json_string_value(json_object_get(data, "start_time")),
				  json_string_value(json_object_get(data, "end_time")), now, bp->slots,
				  OSS_BOOKING_MAX_DAYS, e);
	if (n < 0)
		return -1;
	bp->room_id = room_id;
	bp->attendees = attendees;
	bp->nslots = n;
	return 0;
}

static int read_32(json_t *data, long long now, struct err *e)
{
	long long at;
	if (oss_appointment_check(json_string_value(json_object_get(data, "date")),
				  json_string_value(json_object_get(data, "time")), now, &at, e) < 0)
		return -1;
	json_object_set_new(data, "at", json_integer(at));
	return 0;
}

static int read_41(struct db *db, json_t *data, long long area_id, struct err *e)
{
	const char *school = json_string_value(json_object_get(data, "school"));
	const char *aff = json_string_value(json_object_get(data, "affiliation"));
	if ((!school || !*school) && (!aff || !*aff))
		return err_field(e, "school", "กรุณากรอกชื่อโรงเรียน หรือระบุสังกัดอื่น");
	long long qty[OSS_PP_ITEMS], price[OSS_PP_ITEMS];
	for (int i = 0; i < OSS_PP_ITEMS; i++)
		qty[i] = json_integer_value(json_object_get(data, oss_pp_items[i].key));
	if (oss_prices_load(db, area_id, price, e) < 0)
		return -1;
	struct oss_order o;
	if (oss_order_compute(qty, price, &o, e) < 0)
		return -1;
	json_t *items = json_array();
	for (int i = 0; i < OSS_PP_ITEMS; i++)
		json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:I}", "item", oss_pp_items[i].key, "qty",
						       (json_int_t)o.qty[i], "price", (json_int_t)o.price[i], "amount",
						       (json_int_t)o.line[i]));
	json_object_set_new(data, "order", items);
	json_object_set_new(data, "subtotal", json_integer(o.subtotal));
	json_object_set_new(data, "shipping", json_integer(o.shipping));
	json_object_set_new(data, "total", json_integer(o.total));
	return 0;
}

json_t *oss_service_read(struct req *r, struct db *db, const struct oss_service_def *svc, long long area_id,
			 long long now, struct oss_booking_plan *booking, struct err *e)
{
	json_t *data = json_object();
	for (const struct field *f = svc->fields; f->name; f++) {
		if (f->type == FT_FILE || is_common(f->name))
			continue;
		const char *v = form_value(r, f->name);
		if (f->type == FT_INT)
			json_object_set_new(data, f->name, json_integer(*v ? form_int(r, f->name) : 0));
		else if (f->type == FT_MONEY)
			json_object_set_new(data, f->name, json_integer(*v ? form_satang(r, f->name) : 0));
		else
			json_object_set_new(data, f->name, json_string(v));
	}
	int rc = 0;
	if (!strcmp(svc->code, "11"))
		rc = read_11(data, now, e);
	else if (!strcmp(svc->code, "31"))
		rc = read_31(db, data, area_id, now, booking, e);
	else if (!strcmp(svc->code, "32"))
		rc = read_32(data, now, e);
	else if (!strcmp(svc->code, "41"))
		rc = read_41(db, data, area_id, e);
	if (rc < 0) {
		json_decref(data);
		return NULL;
	}
	return data;
}

/* ---- search text ----------------------------------------------------------- */

void oss_search_text(const char *code, json_t *data, struct buf *out)
{
	static const char *const keys[] = {"first_name",  "last_name", "agency",   "visitor",	 "school",
					   "affiliation", "work_unit", "position", "purpose",	 "subject",
					   "cert_kind",	  "room_name", "chairman", "coordinator"};
	buf_adds(out, code);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = json_string_value(json_object_get(data, keys[i]));
		if (v && *v) {
			buf_addc(out, ' ');
			thai_search_terms(v, out);
		}
	}
	/* the whole name too, as org.c keeps a school's name: the dictionary
	 * may break a query differently from the longer text it is part of */
	static const char *const names[] = {"first_name", "last_name"};
	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_object_get(data, names[i]));
		buf_addc(out, ' ');
		for (; v && *v; v++)
			buf_addc(out, *v >= 'A' && *v <= 'Z' ? (char)(*v - 'A' + 'a') : *v);
	}
}

/* ---- details for the view and print pages ---------------------------------- */

static const char *choice_label(const struct field *f, const char *v)
{
	for (const struct choice *c = f->choices; c && c->value; c++)
		if (!strcmp(c->value, v))
			return c->label;
	return v;
}

/* name is the field's: a personal one (core/personal.h) makes value
 * personal, so a page that does not print it leaves it out of its JSON */
static void add_detail(json_t *list, const char *name, const char *label, const char *value)
{
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:n, s:b}", "name", name, "label", label, "value", value,
					      "words", "is_amount", 0));
}

json_t *oss_service_details(const struct oss_service_def *svc, json_t *data)
{
	json_t *list = json_array();
	struct buf b = BUF_INIT;
	for (const struct field *f = svc->fields; f->name; f++) {
		if (f->type == FT_FILE || is_common(f->name) || !strcmp(f->name, "title") ||
		    !strcmp(f->name, "first_name") || !strcmp(f->name, "last_name") || !strcmp(f->name, "phone"))
			continue;
		json_t *v = json_object_get(data, f->name);
		buf_reset(&b);
		if (!strcmp(f->name, "official_type_other")) {
			continue; /* shown with official_type */
		} else if (!strcmp(f->name, "room_id")) {
			const char *room = json_string_value(json_object_get(data, "room_name"));
			buf_adds(&b, room ? room : "");
		} else if (f->type == FT_CHOICE) {
			buf_adds(&b, choice_label(f, json_string_value(v) ? json_string_value(v) : ""));
			const char *other = json_string_value(json_object_get(data, "official_type_other"));
			if (!strcmp(f->name, "official_type") && other && *other)
				buf_addf(&b, " (%s)", other);
		} else if (f->type == FT_MONEY) {
			/* an amount is shown right-aligned with its words (ORG-3) */
			if (!json_is_integer(v))
				continue;
			thai_baht_format(json_integer_value(v), &b);
			buf_adds(&b, " บาท");
			struct buf w = BUF_INIT;
			thai_baht_words(json_integer_value(v), &w);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", f->name, "label",
							      f->label, "value", buf_cstr(&b), "words", buf_cstr(&w),
							      "is_amount", 1));
			buf_release(&w);
			continue;
		} else if (f->type == FT_INT) {
			buf_addf(&b, "%lld", (long long)json_integer_value(v));
		} else if (f->type == FT_DATE) {
			long long d = oss_day_parse(json_string_value(v));
			if (d >= 0)
				thai_date_long(&b, d * 86400 - 7 * 3600 + 12 * 3600);
			json_t *age = json_object_get(data, "age");
			if (!strcmp(f->name, "birth_date") && json_is_integer(age))
				buf_addf(&b, " (อายุ %lld ปี)", (long long)json_integer_value(age));
		} else if (f->type == FT_TIME) {
			buf_addf(&b, "%s น.", json_string_value(v) ? json_string_value(v) : "");
		} else {
			buf_adds(&b, json_string_value(v) ? json_string_value(v) : "");
		}
		if (!strncmp(f->name, "pp", 2) && f->type == FT_INT)
			continue; /* the order table shows quantities */
		if (!b.len)
			continue; /* an optional field left empty */
		add_detail(list, f->name, f->label, buf_cstr(&b));
	}
	buf_release(&b);
	return list;
}
