/* kpi: KPI-Online (KPI-1 … KPI-8) — the indicators an area office sets for a
 * fiscal year, the reporting periods each indicator opens, the units
 * (schools, or the area office itself) assigned to report in each period,
 * their reports with files and a self-assessment score, the reviewer's
 * score, and the statistics built from them.
 *
 * This is what other modules and main.c may use. Everything else of the
 * module is declared in kpi_internal.h. The tables kpi_* belong to this
 * module (db/migrations/0020_kpi.sql). */
#ifndef KHET_KPI_H
#define KHET_KPI_H

#include <jansson.h>

#include "core/err.h"
#include "core/http.h"

struct db;

/* The module's pages under /kpi (see routes.c for the list). */
extern const struct route_table kpi_routes;

/* The reminder job: e-mails the units that have not reported when a
 * period is due in a week, and again the day before. Register it with
 * jobs_add("kpi-remind", 3600, kpi_remind_due). Safe on several instances at
 * once: each reminder is claimed by inserting its row in kpi_reminders
 * before the mail is queued, in one transaction. Returns the number of
 * mails queued, or -1. */
int kpi_remind_due(struct db *db, struct err *e);

/* The open periods a unit still owes a report for (nothing saved, or
 * saved but not confirmed), soonest due first, at most limit of them: the
 * "ต้องส่ง" box of a school's indicator list and the area calendar:
 * [{report_id, indicator_id, number, name, fiscal_year, period_label,
 * due_date (YYYY-MM-DD), due_text (Thai), overdue (bool), status,
 * status_label}]. school_id 0 means the area office itself. */
json_t *kpi_unit_due(struct db *db, long long area_id, long long school_id, int limit, struct err *e);

/* Demo data for `khet demo` and the benchmark, after org_demo and acc_demo:
 * in the first demo area, for the current fiscal year, one indicator with
 * its twelve monthly periods open, the first `units` schools assigned to
 * every period, and reports in several states; a second, half-yearly
 * indicator; and the demo KPI users (an owner and a reviewer of the
 * area's first work group). Running it again changes nothing. */
int kpi_demo(struct db *db, int units, struct err *e);

/* More demo indicators for the statistics benchmark (`khet demo
 * --indicators N`), after kpi_demo: fills the demo year of the first demo
 * area up to n_indicators indicators (at most 2,000), most of them monthly
 * with all periods open, ten schools assigned to each (two to every tenth)
 * and reports in every state. Does nothing when the year has that many
 * already; n_indicators <= 2 adds none. */
int kpi_demo_bulk(struct db *db, int n_indicators, struct err *e);

#endif
