/* modules: the one list of Khet's modules, in order. Adding a module is its
 * folder src/<name>/ (defining <name>_module, see core/module.h), its
 * migrations, templates and tests, and one line here. The order is the
 * order of their routes, menus (among equal menu orders), role bits,
 * matrix columns and demo data: a module comes after the modules it uses. */
#include "core/module.h"

#define KHET_MODULES(M)                                                                                                \
	M(org) /* areas, work groups, schools (ORG) */                                                                \
	M(acc) /* accounts, roles, access (ACC) */                                                                    \
	M(oss) /* One Stop Service (OSS) */                                                                           \
	M(kpi) /* KPI-Online (KPI) */                                                                                 \
	M(dmc) /* student census (DMC) */                                                                             \
	M(dpa) /* personnel registry (DPA) */                                                                         \
	M(bld) /* school buildings (B-OBEC) */                                                                      \
	M(cal) /* the area's data calendar (X-7) */

#define DECLARE(name) extern const struct module name##_module;
KHET_MODULES(DECLARE)
#undef DECLARE

#define ENTRY(name) &name##_module,
const struct module *const khet_modules[] = {KHET_MODULES(ENTRY) NULL};
#undef ENTRY
