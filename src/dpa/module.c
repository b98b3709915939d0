/* module: the personnel registry as the platform sees it (core/module.h).
 * It declares the registry's own roles, so an area admin grants them like
 * any other (access requests, the permission matrix, `khet user grant`):
 * a school's personnel officer who keeps its records, and the area's
 * personnel officer who sees every school of the area and decides
 * transfers. As the census does, the registry lets the platform's
 * school_admin act as its school's officer and the area_admin as the
 * area's (seed 004: the school admin keeps the records), so no school
 * waits for a new grant before its first entry. Migrations 0600–0699 are
 * the module's; `khet demo` fills the first 30 schools of every area
 * (`--staff N`: N records over every school). */
#include "core/module.h"
#include "dpa/dpa_internal.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	return dpa_demo(db, demo_arg(a, "staff"), e);
}

static const struct demo_flag demo_flags[] = {
    {"staff",
     "(demo) personnel records spread evenly over every school of every area (default 0: 15-60 in each of the "
     "first 30 schools of an area; the bench's national figure is 450000 with 14500 schools per area)",
     0, 0, 10000000},
    {NULL},
};

static const struct route_table *const routes[] = {&dpa_routes, NULL};

static const struct role_def roles[] = {
    {"dpa_officer", "เจ้าหน้าที่ทะเบียนบุคลากร สถานศึกษา", SCOPE_SCHOOL, 0},
    {"dpa_area", "เจ้าหน้าที่ทะเบียนบุคลากร สพท.", SCOPE_AREA, 0},
    {NULL},
};

static const struct permission_def permissions[] = {
    {"dpa_officer", "dpa_officer", "", "DPA เจ้าหน้าที่ทะเบียนบุคลากร (สถานศึกษา)", true, NULL},
    {"dpa_area", "dpa_area", "", "DPA เจ้าหน้าที่ทะเบียนบุคลากร (เขต)", true, NULL},
    {NULL},
};

static const struct menu_def menu[] = {
    {"/dpa", "ทะเบียนบุคลากร (DPA)", "dpa_officer dpa_area school_admin director area_admin super_admin", false, 35},
    {NULL},
};

static const struct import_def imports[] = {
    {"personnel",
     "teachers and staff of a school or an area from CSV or XLSX (school code, citizen ID, title, "
     "names, type, position, standing, salary, dates …)",
     dpa_import_personnel},
    {NULL},
};

static const struct mig_range migrations[] = {{600, 699}, {0, 0}};

static const struct audit_action_def audit_actions[] = {
    {"dpa.staff.add", "เพิ่มบุคลากร"},
    {"dpa.staff.edit", "แก้ไขข้อมูลบุคลากร"},
    {"dpa.staff.remove", "จำหน่ายบุคลากร"},
    {"dpa.transfer.request", "ขอย้ายข้อมูลบุคลากร"},
    {"dpa.transfer.approve", "อนุมัติการย้ายข้อมูลบุคลากร"},
    {"dpa.transfer.refuse", "ไม่อนุมัติการย้ายข้อมูลบุคลากร"},
    {"dpa.transfer.withdraw", "ยกเลิกคำขอย้ายข้อมูลบุคลากร"},
    {"dpa.transfer.office", "ย้ายบุคลากรของโรงเรียนเข้าสำนักงานเขตพื้นที่"},
    {"dpa.import", "นำเข้าข้อมูลบุคลากรจากไฟล์"},
    {NULL, NULL},
};

extern const struct api_def dpa_api; /* api.c */

const struct module dpa_module = {
    .api = &dpa_api,
    .name = "dpa",
    .title = "ทะเบียนบุคลากร (DPA)",
    .routes = routes,
    .demo = demo,
    .demo_flags = demo_flags,
    .menu = menu,
    .roles = roles,
    .permissions = permissions,
    .migrations = migrations,
    .audit_actions = audit_actions,
    .imports = imports,
    .person_profile = dpa_person_profile,
    .person_links = dpa_person_links,
    .person_record = dpa_person_record,
    .person_add_href = dpa_person_add_href,
};
