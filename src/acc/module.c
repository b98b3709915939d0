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
    &acc_grant_routes, &acc_signin_link_routes, &acc_teacher_routes, &acc_api_token_routes, NULL,
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
    /* a school admin gives it at his own school (/teachers, from the
     * school's personnel record); the area admins as before */
    {"teacher", "teacher", "", "ครู", true, "school_admin area_admin super_admin"},
    {"homeroom", "homeroom", "", "ครูประจำชั้น", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/areas/{area}/users", "งานแอดมินเขต", "area_admin", false, 80},
    {"/password/requests", "คำขอเปลี่ยนรหัสผ่าน", "super_admin", false, 85},
    {"/teachers", "ครูในสถานศึกษา", "school_admin", false, 75},
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
    {"/areas/{area}/tokens", "โทเคน API", "area_admin", false, 80},
    {NULL},
};

static const struct command_def commands[] = {
    {"user", "add, list, grant and revoke accounts and roles (the first super admin and area admins start here)",
     acc_cli_user},
    {"token", "add, list and revoke API tokens (a script's Authorization: Bearer; make bench makes one)", acc_cli_token},
    {NULL},
};

static const struct mig_range migrations[] = {{5, 9}, {100, 199}, {0, 0}};

/* The actions this module writes to the audit trail (the area's audit
 * page shows and filters them by these labels). */
static const struct audit_action_def audit_actions[] = {
    {"auth.signin", "เข้าสู่ระบบ"},
    {"auth.signout", "ออกจากระบบ"},
    {"auth.signin_failed", "เข้าสู่ระบบไม่สำเร็จ"},
    {"auth.signin_link_sent", "ขอลิงก์เข้าสู่ระบบทางอีเมล"},
    {"auth.signin_link", "เข้าสู่ระบบด้วยลิงก์ทางอีเมล"},
    {"auth.role_switch", "เปลี่ยนบทบาท"},
    {"auth.denied", "ถูกปฏิเสธการเข้าถึง"},
    {"personal.read", "เปิดดูข้อมูลส่วนบุคคล"},
    {"personal.export", "ส่งออกข้อมูลส่วนบุคคล"},
    {"audit.export", "ส่งออกบันทึกการใช้งาน"},
    {"user.register", "ลงทะเบียนด้วยตนเอง"},
    {"user.register_existing", "ลงทะเบียนด้วยข้อมูลของบัญชีที่มีอยู่แล้ว (แจ้งเจ้าของทางอีเมล)"},
    {"user.create", "สร้างบัญชีผู้ใช้"},
    {"user.add", "เพิ่มผู้ใช้"},
    {"user.update", "แก้ไขข้อมูลผู้ใช้"},
    {"user.cancel", "ยกเลิก User"},
    {"user.reinstate", "คืนสิทธิ์ผู้ใช้"},
    {"user.reset_password", "Reset Password"},
    {"user.password_forgot", "ขอลิงก์ตั้งรหัสผ่าน (ลืมรหัสผ่าน)"},
    {"user.password_link_used", "เปิดลิงก์ตั้งรหัสผ่าน"},
    {"user.password_otp_resend", "ขอรหัส OTP ใหม่"},
    {"user.password_set", "ตั้งรหัสผ่าน (ยืนยัน OTP แล้ว)"},
    {"user.password_change", "เปลี่ยนรหัสผ่าน"},
    {"grant.add", "ให้สิทธิ์"},
    {"grant.revoke", "ยกเลิกสิทธิ์"},
    {"access_request.submit", "ยื่นคำขอรับสิทธิ์"},
    {"access_request.approve", "อนุมัติคำขอรับสิทธิ์"},
    {"access_request.reject", "ไม่อนุมัติคำขอรับสิทธิ์"},
    {"schooladmin_reg.submit", "ลงทะเบียนแอดมินสถานศึกษา"},
    {"schooladmin_reg.approve", "อนุมัติแอดมินสถานศึกษา"},
    {"schooladmin_reg.reject", "ไม่อนุมัติแอดมินสถานศึกษา"},
    {"password_request.create", "ยื่นคำขอเปลี่ยนรหัสผ่าน"},
    {"password_request.approve", "อนุมัติคำขอเปลี่ยนรหัสผ่าน"},
    {"password_request.reject", "ไม่อนุมัติคำขอเปลี่ยนรหัสผ่าน"},
    {"roster.draft", "บันทึกร่างทำเนียบแอดมิน"},
    {"roster.draft_add", "เพิ่มแอดมินใหม่ในร่างทำเนียบ"},
    {"roster.draft_remove", "ลบแอดมินใหม่ออกจากร่างทำเนียบ"},
    {"roster.submit", "ส่งทำเนียบแอดมินประจำปี"},
    {"roster.submit_refused", "ส่งทำเนียบแอดมินไม่สำเร็จ"},
    {"roster.confirm", "ยืนยันแอดมินในทำเนียบ"},
    {"roster.cancel", "ยกเลิกแอดมินในทำเนียบ"},
    {"roster.add", "เพิ่มแอดมินจากทำเนียบ"},
    {"registration_session.start", "เปิดช่วงลงทะเบียนพร้อมกัน"},
    {"registration_session.stop", "ปิดช่วงลงทะเบียนพร้อมกัน"},
    {"api.token.create", "สร้างโทเคน API"},
    {"api.token.revoke", "เพิกถอนโทเคน API"},
    {"api.token.use", "เรียกใช้ API ด้วยโทเคน"},
    {NULL, NULL},
};

/* The folder of its uploads and the columns that name them (core/uploads.h). */
static const struct upload_column uploads[] = {
    {"files/acc", "access_requests", "file_path"},
    {"files/acc", "school_admin_regs", "file_path"},
    {NULL, NULL, NULL},
};

extern const struct api_def acc_api; /* api.c */

const struct module acc_module = {
    .api = &acc_api,
    .audit_actions = audit_actions,
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
    .uploads = uploads,
    .deadlines = acc_deadlines,
};
