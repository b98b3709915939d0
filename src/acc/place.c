/* A module's pages of a place: the home redirect, the super admin's list
 * of areas, and the school / area of the path with its scope check — the
 * same in every module (dmc, dpa, bld, cal), so written once here. */
#include <stdio.h>

#include "acc/acc.h"
#include "core/jsonx.h"
#include "core/view.h"
#include "org/org.h"

bool acc_home_url(struct req *r, const char *base, char *u, size_t n)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (g && g->scope == SCOPE_SCHOOL && g->school_id > 0) {
		snprintf(u, n, "%s/schools/%lld", base, g->school_id);
		return true;
	}
	if (g && g->scope == SCOPE_AREA && g->area_id > 0) {
		snprintf(u, n, "%s/areas/%lld", base, g->area_id);
		return true;
	}
	snprintf(u, n, "%s/areas", base);
	return false;
}

int acc_home_redirect(struct req *r, const char *base)
{
	char u[128];
	acc_home_url(r, base, u, sizeof u);
	return view_redirect(r, u, NULL);
}

int acc_areas_page(struct req *r, const char *tmpl, const char *title)
{
	struct err e = ERR_INIT;
	json_t *areas = org_areas_list(req_db(r), &e);
	if (!areas)
		return view_fault(r, &e);
	return view_page(r, 200, tmpl, json_pack("{s:s, s:o}", "page_title", title, "areas", areas));
}

static bool viewer(struct req *r, const struct acc_place *p)
{
	return p->viewer && acc_grant_is(acc_active_grant(r), p->viewer);
}

/* The place is missing (404, or the fault that hid it) or not the user's. */
static int refuse(struct req *r, bool found, long long id, struct err *e, const char *missing, const char *deny)
{
	if (!found)
		return id > 0 && e->status >= 500 ? view_fault(r, e) : view_error(r, 404, missing);
	return deny ? acc_deny(r, deny) : view_error(r, 404, missing);
}

bool acc_school_seen(struct req *r, const struct acc_place *p, long long sid, long long area_id)
{
	return viewer(r, p) || acc_grant_for_school(acc_active_grant(r), sid, area_id);
}

int acc_school_refuse(struct req *r, long long sid, bool found, struct err *e, const char *deny)
{
	return refuse(r, found, sid, e, "ไม่พบโรงเรียนนี้", deny);
}

json_t *acc_school_for(struct req *r, const struct acc_place *p, const char *deny, int *rc)
{
	long long sid = req_param_id(r, p->param);
	struct err e = ERR_INIT;
	json_t *s = sid > 0 ? org_school_get(req_db(r), sid, &e) : NULL;
	/* the row names the school's area: no second query for the scope */
	if (!s || !acc_school_seen(r, p, sid, jint(s, "area_id"))) {
		*rc = acc_school_refuse(r, sid, s != NULL, &e, deny);
		json_decref(s);
		return NULL;
	}
	return s;
}

bool acc_area_seen(struct req *r, const struct acc_place *p, long long aid)
{
	const struct acc_grant *g = acc_active_grant(r);
	return p->areas_only && (!g || g->scope == SCOPE_SCHOOL) ? false : viewer(r, p) || acc_in_area(r, aid);
}

int acc_area_refuse(struct req *r, long long aid, bool found, struct err *e, const char *deny)
{
	return refuse(r, found, aid, e, "ไม่พบสำนักงานเขตพื้นที่นี้", deny);
}

json_t *acc_area_for(struct req *r, const struct acc_place *p, const char *deny, int *rc)
{
	long long aid = req_param_id(r, p->param);
	struct err e = ERR_INIT;
	json_t *a = aid > 0 ? org_area_get(req_db(r), aid, &e) : NULL;
	if (!a || !acc_area_seen(r, p, aid)) {
		*rc = acc_area_refuse(r, aid, a != NULL, &e, deny);
		json_decref(a);
		return NULL;
	}
	return a;
}
