/* module: school buildings (B-OBEC, BLD-1) as the platform sees it
 * (core/module.h). It declares its own roles, granted like any other
 * (access requests, the permission matrix, `khet user grant`): a school's
 * buildings data officer who keeps the school's buildings and submits
 * them, and the area's buildings officer who reopens a submission, extends
 * the window for the area and reads the budget request list. As the
 * census and the personnel registry do, it lets the platform's
 * school_admin act as its school's officer and the area_admin as the
 * area's, so no school waits for a grant before October. Migrations
 * 0700–0719 are the module's; `khet demo` gives the first schools of each
 * area a few buildings and submits some of them for this year. */
#include "bld/bld_internal.h"
#include "core/module.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	return bld_demo(db, demo_data_dir(a), e);
}

static const struct route_table *const routes[] = {&bld_routes, NULL};

static const struct role_def roles[] = {
    {"bld_officer", "เจ้าหน้าที่ข้อมูลอาคารสถานที่ สถานศึกษา", SCOPE_SCHOOL, 0},
    {"bld_area", "เจ้าหน้าที่ข้อมูลอาคารสถานที่ สพท.", SCOPE_AREA, 0},
    {NULL},
};

static const struct permission_def permissions[] = {
    {"bld_officer", "bld_officer", "", "B-OBEC เจ้าหน้าที่ข้อมูลอาคารสถานที่ (สถานศึกษา)", true, NULL},
    {"bld_area", "bld_area", "", "B-OBEC เจ้าหน้าที่ข้อมูลอาคารสถานที่ (เขต)", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/bld", "อาคารเรียน (B-OBEC)", "bld_officer bld_area school_admin director area_admin super_admin", false, 37},
    {NULL},
};

static const struct mig_range migrations[] = {{700, 719}, {0, 0}};

static const struct audit_action_def audit_actions[] = {
    {"bld.building.add", "เพิ่มข้อมูลอาคาร"},
    {"bld.building.edit", "แก้ไขข้อมูลอาคาร"},
    {"bld.photo.add", "เพิ่มรูปถ่ายอาคาร"},
    {"bld.photo.remove", "ลบรูปถ่ายอาคาร"},
    {"bld.submit", "ส่งข้อมูลอาคารเรียน"},
    {"bld.reopen", "เปิดให้โรงเรียนแก้ไขข้อมูลอาคารเรียน"},
    {"bld.window.extend", "ขยายเวลาส่งข้อมูลอาคารเรียนของเขต"},
    {"bld.window.set", "กำหนดช่วงเวลาส่งข้อมูลอาคารเรียน"},
    {NULL, NULL},
};

/* The folder of its photos and the column that names them (core/uploads.h):
 * a photo deleted from its building, or left by a crash before its row was
 * committed, is removed at the next start. */
static const struct upload_column uploads[] = {
    {"files/bld", "bld_photos", "path"},
    {NULL, NULL, NULL},
};

const struct module bld_module = {
    .name = "bld",
    .title = "ข้อมูลอาคารเรียน (B-OBEC)",
    .routes = routes,
    .demo = demo,
    .menu = menu,
    .roles = roles,
    .permissions = permissions,
    .migrations = migrations,
    .deadlines = bld_deadlines,
    .uploads = uploads,
    .audit_actions = audit_actions,
    .api = &bld_api,
};
