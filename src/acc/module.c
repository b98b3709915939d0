/* module: the accounts module as the platform sees it (core/module.h) — the
 * platform's own roles (area and school admins, teachers, directors, the
 * OBEC super admin) and their permissions, its pages and menus, the
 * session clean-up job, the demo sign-ins and `khet user …` (cli.c). Other
 * modules' roles reach this module only as data from the registry. */
#include "acc/acc_internal.h"
#include "core/module.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	(void)a;
	return acc_demo(db, e);
}

static const struct route_table *const routes[] = {
    &acc_routes,	 &acc_roster_routes,	 &acc_directory_routes,	  &acc_admin_routes,
    &acc_audit_routes, &acc_request_routes, &acc_request_form_routes, &acc_reg_session_routes, &acc_schooladmin_routes, &acc_password_routes,
    &acc_grant_routes, NULL,
};

static const struct job_def jobs[] = {
    {"acc.cleanup", 3600, acc_session_cleanup},
    {NULL},
};

static const struct role_def roles[] = {
    {"area_admin", "แอดมินเขต", SCOPE_AREA, 0},
    {"school_admin", "แอดมินสถานศึกษา", SCOPE_SCHOOL, 0},
    {"teacher", "ครู", SCOPE_SCHOOL, 0},
    {"homeroom", "ครูประจำชั้น", SCOPE_SCHOOL, 0},
    {"director", "ผู้อำนวยการสถานศึกษา", SCOPE_SCHOOL, 0},
    {"super_admin", "ผู้ดูแลระบบ สพฐ.", SCOPE_NATIONAL, 0},
    {NULL},
};

/* school_admin comes through the registration of ACC-5 (one a school) and
 * area_admin from the super admin, so neither is requested. */
static const struct permission_def permissions[] = {
    {"area_admin", "area_admin", "", "แอดมินเขต", false, "super_admin"},
    {"school_admin", "school_admin", "", "แอดมินสถานศึกษา", false, NULL},
    {"director", "director", "", "ผู้อำนวยการสถานศึกษา", true, NULL},
    {"teacher", "teacher", "", "ครู", true, NULL},
    {"homeroom", "homeroom", "", "ครูประจำชั้น", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/areas/{area}/users", "งานแอดมินเขต", "area_admin", false, 80},
    {"/password/requests", "คำขอเปลี่ยนรหัสผ่าน", "super_admin", false, 85},
    {"/account", "บัญชีของฉัน", NULL, true, 90},
    {NULL},
};

static const struct menu_def admin_menu[] = {
    {"/areas/{area}/users", "แอดมินสถานศึกษา", "area_admin", false, 10},
    {"/areas/{area}/school-admin-regs", "ลงทะเบียนแอดมิน", "area_admin", false, 20},
    {"/areas/{area}/access-requests", "คำขอรับสิทธิ์", "area_admin", false, 30},
    {"/password/requests", "คำขอเปลี่ยนรหัสผ่าน", "area_admin", false, 40},
    {"/areas/{area}/permissions", "สิทธิ์การใช้งาน", "area_admin", false, 50},
    {"/areas/{area}/roster", "ทำเนียบประจำปี", "area_admin", false, 60},
    {"/areas/{area}/audit", "บันทึกการใช้งาน", "area_admin", false, 70},
    {NULL},
};

static const struct command_def commands[] = {
    {"user", "add, list, grant and revoke accounts and roles (the first super admin and area admins start here)",
     acc_cli_user},
    {NULL},
};

static const struct mig_range migrations[] = {{5, 9}, {100, 199}, {0, 0}};

const struct module acc_module = {
    .name = "acc",
    .title = "บัญชีผู้ใช้และสิทธิ์",
    .routes = routes,
    .jobs = jobs,
    .init = acc_init,
    .demo = demo,
    .menu = menu,
    .admin_menu = admin_menu,
    .roles = roles,
    .permissions = permissions,
    .commands = commands,
    .migrations = migrations,
};
