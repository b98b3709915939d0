/* module: the student census as the platform sees it (core/module.h). It
 * declares the census's own roles, so an area admin grants them like any
 * other (access requests, the permission matrix, `khet user grant`): the
 * school data officer who enters and confirms, the certifier (the school
 * director who certifies), the area data officer who acknowledges rounds,
 * and a national viewer. The platform's school_admin and director already
 * exist in every school; rather than make each school ask for new grants
 * before its first round, the census lets a school_admin act as its data
 * officer and a director as its certifier (routes.c: may_enter,
 * may_certify) — the seed's split of staff entering and the director
 * certifying holds either way, since no one role does both. Migrations
 * 0500–0599 are the module's; `khet demo --students N` fills the demo
 * areas' schools (demo.c). */
#include "core/form.h"
#include "core/module.h"
#include "dmc/dmc.h"
#include "dmc/dmc_internal.h"

/* G-codes are usable wherever a form takes a citizen ID or such a code
 * (GC-1: F_ALT_ID fields, e.g. One Stop Service's), without that module
 * naming this one */
static void init(void)
{
	form_alt_id_register(dmc_gcode_known);
}

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	return dmc_demo(db, demo_arg(a, "students"), demo_data_dir(a), e);
}

/* the rounds of this academic year and the next, before anyone asks */
static const struct job_def jobs[] = {
    {"dmc-rounds", 3600, dmc_rounds_job},
    {NULL},
};

static const struct route_table *const routes[] = {&dmc_routes, NULL};

static const struct role_def roles[] = {
    {"dmc_officer", "เจ้าหน้าที่ข้อมูลนักเรียน (DMC) สถานศึกษา", SCOPE_SCHOOL, 0},
    {"dmc_certifier", "ผู้รับรองข้อมูลนักเรียน (ผู้อำนวยการสถานศึกษา)", SCOPE_SCHOOL, 0},
    {"dmc_area", "เจ้าหน้าที่ข้อมูลนักเรียน สพท.", SCOPE_AREA, 0},
    {"dmc_viewer", "ผู้ดูข้อมูลนักเรียนระดับประเทศ", SCOPE_NATIONAL, 0},
    {NULL},
};

static const struct permission_def permissions[] = {
    {"dmc_officer", "dmc_officer", "", "DMC เจ้าหน้าที่ข้อมูลนักเรียน (สถานศึกษา)", true, NULL},
    {"dmc_certifier", "dmc_certifier", "", "DMC ผู้รับรองข้อมูล (ผอ.สถานศึกษา)", true, NULL},
    {"dmc_area", "dmc_area", "", "DMC เจ้าหน้าที่ข้อมูลนักเรียน (เขต)", true, NULL},
    {"dmc_viewer", "dmc_viewer", "", "DMC ผู้ดูข้อมูลระดับประเทศ", false, "super_admin"},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/dmc", "ข้อมูลนักเรียน (DMC)",
     "dmc_officer dmc_certifier dmc_area dmc_viewer school_admin director area_admin super_admin", false, 30},
    {NULL},
};

static const struct demo_flag demo_flags[] = {
    {"students",
     "(demo) census learners in total, spread over every school of the demo areas, with their last two rounds "
     "(default 12000: about 200 in each of 2 x 30 schools)",
     12000, 0, 10000000},
    {NULL},
};

static const struct import_def imports[] = {
    {"students", "learners of a school or an area from CSV or XLSX (school code, citizen ID or G-code, title, names, "
		 "birth date, grade …)",
     dmc_import_students},
    {NULL},
};

static const struct mig_range migrations[] = {{500, 599}, {0, 0}};

/* The actions this module writes to the audit trail (the area's audit
 * page shows and filters them by these labels). */
static const struct audit_action_def audit_actions[] = {
    {"dmc.learner.add", "เพิ่มนักเรียน"},
    {"dmc.learner.move_in", "รับนักเรียนย้ายเข้า"},
    {"dmc.learner.move_out", "นักเรียนย้ายออก"},
    {"dmc.learner.name", "เปลี่ยนชื่อนักเรียน"},
    {"dmc.learner.body", "บันทึกน้ำหนักส่วนสูง"},
    {"dmc.learner.grade", "เปลี่ยนชั้น/ห้องเรียน"},
    {"dmc.grade_bulk", "เปลี่ยนชั้น/ห้องเรียนหลายคน"},
    {"dmc.learner.repeating", "ทำเครื่องหมายนักเรียนซ้ำชั้น"},
    {"dmc.promotion", "เลื่อนชั้นนักเรียนสิ้นปีการศึกษา"},
    {"dmc.promotion.undo", "ยกเลิกการเลื่อนชั้นนักเรียน"},
    {"dmc.dropout.request", "ขอจำหน่ายนักเรียนออกกลางคัน"},
    {"dmc.id_fix.request", "ขอแก้ไขเลขประจำตัวประชาชนนักเรียน"},
    {"dmc.request.withdraw", "โรงเรียนยกเลิกคำขอ"},
    {"dmc.request.approve", "เขตอนุมัติคำขอของโรงเรียน"},
    {"dmc.request.reject", "เขตไม่อนุมัติคำขอของโรงเรียน"},
    {"dmc.round.confirm", "ยืนยันข้อมูลรอบสำรวจ"},
    {"dmc.round.certify", "รับรองข้อมูลรอบสำรวจ"},
    {"dmc.round.acknowledge", "เขตรับทราบข้อมูลรอบสำรวจ"},
    {"dmc.import", "นำเข้าข้อมูลนักเรียนจากไฟล์"},
    {"dmc.body_upload", "อัปโหลดน้ำหนักส่วนสูงจากไฟล์"},
    {"dmc.subsidy.export", "ส่งออกเงินอุดหนุนรายหัว"},
    {"dmc.subsidy.rates", "ตั้งอัตราเงินอุดหนุนรายหัว"},
    {"dmc.round.extend", "เขตขยายเวลาปิดของรอบ"},
    {"dmc.round.settings", "ตั้งวันและเวลาของรอบการจัดเก็บข้อมูล"},
    {"dmc.basic.save", "บันทึกข้อมูลพื้นฐานของโรงเรียน (ชั้นและห้อง)"},
    {"dmc.gcode.request", "โรงเรียนขอรหัส G"},
    {"dmc.gcode.withdraw", "โรงเรียนยกเลิกคำขอรหัส G"},
    {"dmc.gcode.approve", "เขตรับรองและออกรหัส G"},
    {"dmc.gcode.reject", "เขตไม่รับรองคำขอรหัส G"},
    {"dmc.dashboard.export", "ส่งออกข้อมูลนักเรียนรายโรงเรียน/รายเขต"},
    {"dmc.duplicate.resolve", "เขตตรวจสอบนักเรียนที่มีข้อมูลซ้ำซ้อน"},
    {NULL, NULL},
};

/* The folder of its uploads and the columns that name them (core/uploads.h). */
static const struct upload_column uploads[] = {
    {"files/dmc", "dmc_gcode_docs", "path"},
    {NULL, NULL, NULL},
};

extern const struct api_def dmc_api; /* api.c */

const struct module dmc_module = {
    .api = &dmc_api,
    .audit_actions = audit_actions,
    .imports = imports,
    .name = "dmc",
    .title = "ข้อมูลนักเรียนรายบุคคล (DMC)",
    .routes = routes,
    .jobs = jobs,
    .init = init,
    .demo = demo,
    .demo_flags = demo_flags,
    .menu = menu,
    .roles = roles,
    .permissions = permissions,
    .migrations = migrations,
    .uploads = uploads,
    .deadlines = dmc_deadlines,
    .school_rooms = dmc_school_rooms,
};
