/* access: who may do what in KPI-Online, as plain functions of the active
 * grant (acc.h) and the record's area, work group and unit, so the unit
 * tests hold every rule and the handlers ask one question each.
 *
 * - Viewing an area's indicators, periods and the matrix: any staff grant
 *   of that area (a school role's area is its school's), or super admin.
 * - Managing an indicator (create, edit, hide, attachments, periods,
 *   units): its owning work group — a kpi_owner grant naming that work
 *   group (acc.h's work_group_id) — the area admin, or super admin. A
 *   kpi_owner grant without a work group owns nothing.
 * - Reviewing: whoever may manage the indicator, and kpi_reviewer grants of
 *   the area; a reviewer grant that names a work group reviews only that
 *   group's indicators.
 * - Reporting: for a school, its school admin, director or a
 *   kpi_reporter (granted per school by the area admin, requestable) of
 *   exactly that school — never another school's, not any teacher, and
 *   not the area acting for a school; for the area office
 *   itself, the area admin and the indicator's owners (a kpi_owner of its
 *   work group) only — not every area role, so a reviewer never reports
 *   what he then checks.
 * - Reviewing one's own report is refused (kpi_self_review_check): the
 *   person who saved or confirmed a report never scores it.
 * - Opening a report and its files: school roles only their own school's
 *   (read only unless they may report); a hidden indicator's reports only
 *   whoever may manage it (the units no longer see it, as the indicator);
 *   whoever may review the indicator, and the area's other staff, any. */
#include "acc/acc.h"
#include "kpi/kpi_internal.h"

bool kpi_may_view(const struct acc_grant *g, long long area_id)
{
	if (!g)
		return false;
	if (g->scope == SCOPE_NATIONAL)
		return true;
	return g->scope && area_id > 0 && g->area_id == area_id;
}

bool kpi_may_manage(const struct acc_grant *g, long long area_id, long long wg)
{
	if (!g)
		return false;
	if (acc_grant_is(g, "super_admin"))
		return true;
	if (area_id <= 0 || g->area_id != area_id)
		return false;
	if (acc_grant_is(g, "area_admin"))
		return true;
	return acc_grant_is(g, "kpi_owner") && g->work_group_id > 0 && g->work_group_id == wg;
}

bool kpi_may_review(const struct acc_grant *g, long long area_id, long long wg)
{
	if (kpi_may_manage(g, area_id, wg))
		return true;
	return acc_grant_is(g, "kpi_reviewer") && area_id > 0 && g->area_id == area_id &&
	       (g->work_group_id <= 0 || g->work_group_id == wg);
}

bool kpi_may_report(const struct acc_grant *g, long long area_id, long long school_id, long long wg)
{
	if (!g || area_id <= 0)
		return false;
	if (school_id > 0)
		/* seed 003: the school's report is sent by staff the admin
		 * assigned (kpi_reporter), the school admin and the director —
		 * not by every teacher of the school */
		return g->scope == SCOPE_SCHOOL && g->school_id == school_id && g->area_id == area_id &&
		       (acc_grant_is(g, "school_admin") || acc_grant_is(g, "director") ||
			acc_grant_is(g, "kpi_reporter"));
	if (g->area_id != area_id)
		return false;
	if (acc_grant_is(g, "area_admin"))
		return true;
	return acc_grant_is(g, "kpi_owner") && g->work_group_id > 0 && (wg < 0 || g->work_group_id == wg);
}

bool kpi_may_open_report(const struct acc_grant *g, long long area_id, long long school_id, long long wg)
{
	if (!kpi_may_view(g, area_id))
		return false;
	if (kpi_may_review(g, area_id, wg))
		return true; /* managers, owners and reviewers see every unit's */
	if (g->scope == SCOPE_SCHOOL)
		return school_id > 0 && g->school_id == school_id;
	return true; /* the area's other staff */
}

int kpi_self_review_check(long long reviewer_id, long long reporter_id, bool reviewer_saved_it, struct err *e)
{
	if (reviewer_id > 0 && (reviewer_id == reporter_id || reviewer_saved_it))
		return err_set(e, 409,
			       "ท่านเป็นผู้รายงานผลของรายงานนี้เอง จึงตรวจรายงานนี้ไม่ได้ กรุณาให้ผู้ตรวจคนอื่นเป็นผู้ตรวจและให้คะแนน");
	return 0;
}
