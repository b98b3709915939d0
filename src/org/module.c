/* module: the organisation module as the platform sees it (core/module.h):
 * the home page and school lists in the menu, `khet demo --schools N
 * [--areas N]`, and
 * `khet import org FILE` (import.c). It defines no role: who may see an
 * area's schools is the accounts module's scope rule. */
#include "core/module.h"
#include "org/org.h"

static int demo(struct db *db, const struct demo_args *a, struct err *e)
{
	return org_demo_areas(db, (int)demo_arg(a, "schools"), (int)demo_arg(a, "areas"), e);
}

static const struct route_table *const routes[] = {&org_routes, NULL};

static const struct menu_def menu[] = {
    {"/", "หน้าแรก", NULL, true, 0},
    {"/areas/{area}/schools", "โรงเรียนในสังกัด", "@area @school", false, 40},
    {"/areas", "โรงเรียนในสังกัด", "@national", false, 40},
    {NULL},
};

static const struct demo_flag demo_flags[] = {
    {"schools", "(demo) schools per area (default 30)", 30, 1, 99999},
    {"areas",
     "(demo) area offices (default 2: the two named ones; up to 245, the national count: 183 primary and 62 "
     "secondary areas of the Thai provinces, e.g. --areas 245 --schools 118 for about 29,000 schools)",
     2, 2, ORG_DEMO_MAX_AREAS},
    {NULL},
};

static const struct import_def imports[] = {
    {"org", "areas, work groups and schools from CSV or XLSX (OBEC code, SMIS code, name, area, district, province)",
     org_import},
    {NULL},
};

static const struct mig_range migrations[] = {{2, 2}, {200, 299}, {0, 0}};

/* The actions this module writes to the audit trail (the area's audit
 * page shows and filters them by these labels). */
static const struct audit_action_def audit_actions[] = {
    {"org.import", "นำเข้าข้อมูลหน่วยงานและสถานศึกษา"},
    {"school.add", "เพิ่มสถานศึกษา"},
    {"school.update", "แก้ไขข้อมูลสถานศึกษา"},
    {NULL, NULL},
};

extern const struct api_def org_api; /* api.c */

const struct module org_module = {
    .api = &org_api,
    .audit_actions = audit_actions,
    .name = "org",
    .title = "หน่วยงานและโรงเรียน",
    .routes = routes,
    .demo = demo,
    .demo_flags = demo_flags,
    .menu = menu,
    .imports = imports,
    .migrations = migrations,
};
