/* pages: the helpers KPI-Online's page files share (kpi_pages.h): which
 * area and fiscal year a page is about, the audit row of an action, the
 * links the pages carry, the indicator a user may see, and a stored file
 * as the answer. The area is the active grant's; a super admin, who has
 * none, names it with ?area=. Records of another area answer 404, as if
 * they did not exist. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"

static const char no_area[] = "บัญชีนี้ยังไม่มีบทบาทในสำนักงานเขตพื้นที่หรือสถานศึกษา จึงยังใช้ KPI-Online ไม่ได้ "
			      "กรุณาขอสิทธิ์การใช้งานจากแอดมินเขต";
const char kpi_not_yours[] = "ท่านไม่มีสิทธิ์ดำเนินการกับตัวชี้วัดนี้ (จัดการได้เฉพาะกลุ่มงานเจ้าของตัวชี้วัดและแอดมินเขต)";
const char kpi_bad_year[] = "ไม่พบปีงบประมาณที่ระบุ (ต้องเป็นปี พ.ศ. เช่น 2567)";

/* The area the page is about: the grant's, or ?area= for a super admin
 * (the first area when none is named); 0 when the user has no area. */
long long kpi_area_of(struct req *r)
{
	const struct acc_grant *g = acc_active_grant(r);
	if (!g)
		return 0;
	if (g->scope != SCOPE_NATIONAL)
		return g->area_id;
	long long a = req_query_int(r, "area", 0, 0, 1LL << 60);
	if (a > 0)
		return a;
	long long first = 0;
	struct err e = ERR_INIT;
	db_int_value(req_db(r), "SELECT id FROM areas ORDER BY id LIMIT 1", NULL, 0, &first, &e);
	return first;
}

int kpi_year_param(struct req *r)
{
	const char *s = req_param(r, "year");
	char *end;
	long long y = strtoll(s, &end, 10);
	if (!*s || *end || !kpi_year_valid(y))
		return -1;
	return (int)y;
}

/* The fiscal year of the path and the page's area (kpi_area_of); false after
 * answering 404 or 403, with the answer in *answered. */
bool kpi_year_area(struct req *r, int *fy, long long *area, int *answered)
{
	*fy = kpi_year_param(r);
	if (*fy < 0) {
		*answered = view_error(r, 404, kpi_bad_year);
		return false;
	}
	*area = kpi_area_of(r);
	if (!*area) {
		*answered = view_error(r, 403, no_area);
		return false;
	}
	return true;
}

void kpi_audit(struct req *r, const char *action, const char *target_type, long long target_id, long long area_id,
	       json_t *detail)
{
	acc_audit_in(r, req_db(r), area_id, acc_user_id(r), action, target_type, target_id, detail);
}

json_t *kpi_url_json(const char *fmt, ...)
{
	char u[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u, sizeof u, fmt, ap);
	va_end(ap);
	return json_string(u);
}

bool kpi_may_create(const struct acc_grant *g, long long area_id)
{
	if (acc_grant_is(g, "kpi_owner"))
		return g->work_group_id > 0 && kpi_may_manage(g, area_id, g->work_group_id);
	/* the area admin and super admin manage any work group's */
	return kpi_may_manage(g, area_id, -1);
}

/* An indicator the user may see, or NULL after answering 404. */
json_t *kpi_indicator_for(struct req *r, long long id, bool *can_manage)
{
	struct err e = ERR_INIT;
	json_t *ind = id > 0 ? kpi_indicator_get(req_db(r), id, &e) : NULL;
	if (!ind) {
		if (id <= 0 || e.status == 404)
			view_error(r, 404, "ไม่พบตัวชี้วัดที่ระบุ");
		else
			view_err(r, &e);
		return NULL;
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(ind, "area_id"));
	long long wg = json_integer_value(json_object_get(ind, "work_group_id"));
	bool manage = kpi_may_manage(g, area, wg);
	if (!kpi_may_view(g, area) || (json_is_true(json_object_get(ind, "is_hidden")) && !manage)) {
		json_decref(ind);
		view_error(r, 404, "ไม่พบตัวชี้วัดที่ระบุ");
		return NULL;
	}
	if (can_manage)
		*can_manage = manage;
	return ind;
}

/* Answers a stored file row {path, mime, filename} (stolen). */
int kpi_send_file(struct req *r, json_t *f)
{
	int rc =
	    view_file(r, json_string_value(json_object_get(f, "path")), json_string_value(json_object_get(f, "mime")),
		      json_string_value(json_object_get(f, "filename")));
	json_decref(f);
	return rc;
}
