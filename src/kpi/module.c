/* module: KPI-Online as the platform sees it (core/module.h): the indicator
 * owner (of one work group) and reviewer roles, the menus, the reminder job
 * and `khet demo --indicators N`. */
#include "core/module.h"
#include "kpi/kpi.h"
#include "kpi/kpi_internal.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	long long schools = demo_arg(a, "schools");
	int rc = kpi_demo(db, schools < 300 ? (int)schools : 300, e);
	long long n = demo_arg(a, "indicators");
	if (rc == 0 && n > 0)
		rc = kpi_demo_bulk(db, (int)n, e);
	return rc;
}

static const struct route_table *const routes[] = {&kpi_routes, NULL};

static const struct job_def jobs[] = {
    {"kpi-remind", 3600, kpi_remind_due},
    {NULL},
};

static const struct role_def roles[] = {
    {"kpi_owner", "เจ้าของตัวชี้วัด", SCOPE_AREA, ROLE_WORK_GROUP},
    {"kpi_reviewer", "ผู้ตรวจตัวชี้วัด", SCOPE_AREA, ROLE_WORK_GROUP_OPTIONAL},
    {"kpi_reporter", "ผู้รายงานผลตัวชี้วัด (โรงเรียน)", SCOPE_SCHOOL, 0},
    {NULL},
};

static const struct permission_def permissions[] = {
    {"kpi_owner", "kpi_owner", "", "เจ้าของตัวชี้วัด (กลุ่มงาน)", true, NULL},
    {"kpi_reviewer", "kpi_reviewer", "", "ผู้ตรวจตัวชี้วัด", true, NULL},
    {"kpi_reporter", "kpi_reporter", "", "ผู้รายงานผลตัวชี้วัด (โรงเรียน)", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/kpi", "KPI-Online", "@staff", false, 20},
    {"/kpi/stats", "สถิติตัวชี้วัด", "", true, 21},
    /* the confirmed reports awaiting review (issue 10.15) */
    {"/kpi/review-queue", "รายงานรอตรวจ", "kpi_reviewer kpi_owner area_admin", false, 22},
    {NULL},
};

static const struct menu_def admin_menu[] = {
    {"/kpi/admin/people", "ผู้รับผิดชอบตัวชี้วัด", "area_admin", false, 90},
    {NULL},
};

static const struct demo_flag demo_flags[] = {
    {"indicators", "(demo) KPI indicators in the first area's year, up to 2000 (default 2)", 0, 0, 2000},
    {NULL},
};

static const struct mig_range migrations[] = {{20, 29}, {400, 499}, {0, 0}};

/* The actions this module writes to the audit trail (the area's audit
 * page shows and filters them by these labels). */
static const struct audit_action_def audit_actions[] = {
    {"kpi.indicator.create", "สร้างตัวชี้วัด"},
    {"kpi.indicator.update", "แก้ไขตัวชี้วัด"},
    {"kpi.indicator.status", "เปลี่ยนสถานะตัวชี้วัด"},
    {"kpi.indicator.file", "แนบเอกสารตัวชี้วัด"},
    {"kpi.indicator.copy_year", "คัดลอกตัวชี้วัดจากปีก่อน"},
    {"kpi.people.grant", "ให้สิทธิ์ผู้รับผิดชอบตัวชี้วัด"},
    {"kpi.people.revoke", "ยกเลิกสิทธิ์ผู้รับผิดชอบตัวชี้วัด"},
    {"kpi.period.open", "เปิดรอบรายงาน"},
    {"kpi.period.close", "ปิดรอบรายงาน"},
    {"kpi.report.review", "ตรวจสอบผลการรายงาน"},
    {"kpi.report.unreview", "ยกเลิกการตรวจสอบผลการรายงาน"},
    {"kpi.units.add", "เพิ่มหน่วยรายงาน"},
    {"kpi.units.remove", "ลบหน่วยรายงาน"},
    {NULL, NULL},
};

/* The folder of its uploads and the columns that name them (core/uploads.h). */
static const struct upload_column uploads[] = {
    {"kpi", "kpi_indicator_files", "path"},
    {"kpi", "kpi_report_files", "path"},
    {NULL, NULL, NULL},
};

extern const struct api_def kpi_api; /* api.c */

const struct module kpi_module = {
    .api = &kpi_api,
    .audit_actions = audit_actions,
    .name = "kpi",
    .title = "KPI-Online",
    .routes = routes,
    .jobs = jobs,
    .demo = demo,
    .demo_flags = demo_flags,
    .menu = menu,
    .admin_menu = admin_menu,
    .roles = roles,
    .permissions = permissions,
    .migrations = migrations,
    .uploads = uploads,
    .deadlines = kpi_deadlines,
};
