/* module: the One Stop Service as the platform sees it (core/module.h). It
 * defines the officer role, held per service: the permission "officer:31"
 * is the officer role qualified by service 31, granted like any other (an
 * approved access request, the area admin's officers page, the permission
 * matrix, `khet user grant`), and that one grant is what lets the officer
 * see and process the service's requests. Also the executive role (the
 * executives visitors make appointments with), the menus, `khet demo
 * --requests N`. */
#include "core/module.h"
#include "oss/oss.h"
#include "oss/oss_pages.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	return oss_demo(db, demo_arg(a, "requests"), e);
}

static const struct route_table *const routes[] = {&oss_routes, NULL};

static const struct role_def roles[] = {
    {"officer", "เจ้าหน้าที่ผู้ให้บริการ", SCOPE_AREA, ROLE_QUALIFIED},
    {"executive", "ผู้บริหาร", SCOPE_AREA, 0},
    {NULL},
};

static const struct permission_def permissions[] = {
    {"officer:11", "officer", "11", "เจ้าหน้าที่ OSS 11 ขอบัตรประจำตัว", true, NULL, "บัตรประจำตัว"},
    {"officer:12", "officer", "12", "เจ้าหน้าที่ OSS 12 หนังสือรับรอง", true, NULL, "หนังสือรับรอง"},
    {"officer:21", "officer", "21", "เจ้าหน้าที่ OSS 21 บำเหน็จดำรงชีพ", true, NULL, "บำเหน็จดำรงชีพ"},
    {"officer:31", "officer", "31", "เจ้าหน้าที่ OSS 31 จองห้องประชุม", true, NULL, "จองห้องประชุม"},
    {"officer:32", "officer", "32", "เจ้าหน้าที่ OSS 32 นัดหมาย", true, NULL, "นัดหมายผู้บริหาร"},
    {"officer:41", "officer", "41", "เจ้าหน้าที่ OSS 41 สั่งซื้อ ปพ.1-3", true, NULL, "สั่งซื้อ ปพ.1-3"},
    {"executive", "executive", "", "ผู้บริหาร", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/oss", "One Stop Service", NULL, true, 10},
    /* the room approvers' queue, with the count waiting on every page */
    {"/oss/rooms/approve", "อนุมัติห้องประชุม", "officer", false, 11, oss_rooms_badge},
    {NULL},
};

static const struct menu_def admin_menu[] = {
    {"/oss/admin", "ตั้งค่า One Stop Service", "area_admin", false, 80},
    {NULL},
};

static const struct demo_flag demo_flags[] = {
    {"requests", "(demo) One Stop Service requests to generate (default 0)", 0, 0, 10000000},
    {NULL},
};

static const struct mig_range migrations[] = {{10, 19}, {300, 399}, {0, 0}};

/* The actions this module writes to the audit trail (the area's audit
 * page shows and filters them by these labels). */
static const struct audit_action_def audit_actions[] = {
    {"oss.document.upload", "อัปโหลดเอกสารบริการ"},
    {"oss.document.remove", "ลบเอกสารบริการ"},
    {"oss.holiday.add", "เพิ่มวันหยุด"},
    {"oss.holiday.remove", "ลบวันหยุด"},
    {"oss.officer.assign", "มอบหมายเจ้าหน้าที่บริการ"},
    {"oss.officer.unassign", "ยกเลิกการมอบหมายเจ้าหน้าที่บริการ"},
    {"oss.prices.update", "แก้ไขราคาแบบพิมพ์"},
    {"oss.room.add", "เพิ่มห้องประชุม"},
    {"oss.room.approve", "อนุมัติการจองห้องประชุม"},
    {"oss.room.usage_export", "ส่งออกรายงานการใช้ห้องประชุม"},
    {"oss.room.update", "แก้ไขห้องประชุม"},
    {NULL, NULL},
};

/* The folder of its uploads and the columns that name them (core/uploads.h). */
static const struct upload_column uploads[] = {
    {"files/oss", "oss_files", "path"},
    {"files/oss", "oss_documents", "path"},
    {NULL, NULL, NULL},
};

extern const struct api_def oss_api; /* api.c */

const struct module oss_module = {
    .api = &oss_api,
    .audit_actions = audit_actions,
    .name = "oss",
    .title = "One Stop Service",
    .routes = routes,
    .demo = demo,
    .demo_flags = demo_flags,
    .menu = menu,
    .admin_menu = admin_menu,
    .roles = roles,
    .permissions = permissions,
    .migrations = migrations,
    .uploads = uploads,
};
