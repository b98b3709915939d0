/* grant_pages: the area admin edits a user's permissions (seed 003 part 4:
 * "กดที่ปุ่มแก้ไข … เพื่อปรับสิทธิ์การใช้งาน") — from the user's permission
 * matrix he adds a permission in a unit of his area or revokes one the user
 * holds there. A grant is the one truth of a permission: what this page
 * adds is what the matrix shows Enabled and what the module then lets the
 * user do; what it revokes ends that role in the user's open sessions on
 * their next request (session.c reads the grant with every request).
 *
 * Who may change what: an area admin of the area (or the super admin)
 * changes grants held IN that area only, and only permissions whose
 * granted_by spec names his role — so an area admin never grants or
 * revokes an area admin (the super admin's) or touches another area.
 * Every change is audited with the permission, the unit, and the matrix
 * cell's value before and after ("Disabled" → "Enabled").
 *
 * Two admins acting on the same user at once: adding a grant the user got
 * meanwhile is 409 with a message saying so; revoking a grant revoked
 * meanwhile is 409 too (the UPDATE only ends an active grant), and the
 * page shows the grants as they are now. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/view.h"
#include "org/org.h"

static const char area_denied[] = "คุณไม่มีสิทธิ์แก้ไขสิทธิ์ของผู้ใช้ในเขตพื้นที่นี้ แอดมินเขตแก้ไขได้เฉพาะในเขตพื้นที่ของตนเท่านั้น";

/* Every permission, for the add form (which ones the actor may grant is
 * checked per request). */
static struct choice *all_choices;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void all_build(void)
{
	int n = 0;
	while (module_permission_at(n))
		n++;
	all_choices = xcalloc((size_t)n + 1, sizeof *all_choices);
	for (int i = 0; i < n; i++) {
		all_choices[i].value = module_permission_at(i)->key;
		all_choices[i].label = module_permission_at(i)->label;
	}
}

static const struct choice *permission_choices(void)
{
	pthread_once(&all_once, all_build);
	return all_choices;
}

static const struct field add_form[] = {
    {.name = "permission", .label = "สิทธิ์ที่ให้", .type = FT_CHOICE, .flags = F_REQUIRED, .choices_fn = permission_choices},
    {.name = "school_id", .label = "โรงเรียน (สิทธิ์ระดับโรงเรียน)", .type = FT_INT, .min = 0, .max = 1000000000},
    {.name = "work_group_id", .label = "กลุ่มงาน (สิทธิ์ที่ต้องระบุกลุ่มงาน)", .type = FT_INT, .min = 0, .max = 1000000000},
    {.name = "note", .label = "เหตุผล (บันทึกไว้ในประวัติการใช้งาน)", .type = FT_TEXT, .max = 500},
    {0},
};

static const struct field revoke_form[] = {
    {.name = "note", .label = "เหตุผลที่ยกเลิกสิทธิ์", .type = FT_TEXT, .max = 500},
    {0},
};

/* Whether the active grant may grant or revoke permission p. */
static bool may_grant(struct req *r, const struct permission_def *p)
{
	const struct acc_grant *g = acc_active_grant(r);
	return g && (g->bit & module_roles(p->granted_by ? p->granted_by : "area_admin super_admin"));
}

int acc_area_user_check(struct req *r, struct db *db, long long aid, long long uid, const char *denied)
{
	struct err e = ERR_INIT;
	if (!acc_in_area(r, aid)) {
		long long ua = acc_user_area(db, uid, &e);
		return acc_deny_in(r, ua > 0 ? ua : aid, "user", uid, denied);
	}
	/* a user of the area: holds or held a grant there, or asked for one */
	long long one = 0;
	int rc = db_int_value(db,
			      "SELECT 1 FROM grants WHERE user_id = $1 AND area_id = $2 UNION ALL "
			      "SELECT 1 FROM access_requests WHERE user_id = $1 AND area_id = $2 LIMIT 1",
			      DB_ARGS(DB_INT(uid), DB_INT(aid)), &one, &e);
	if (rc < 0)
		return view_err(r, &e);
	if (rc == 0) {
		long long ua = acc_user_area(db, uid, &e);
		return acc_deny_in(r, ua > 0 ? ua : aid, "user", uid,
				   "คุณไม่มีสิทธิ์ดูสิทธิ์ของผู้ใช้รายนี้ เพราะไม่ใช่ผู้ใช้ในเขตพื้นที่ของคุณ");
	}
	return -1; /* not answered: go on */
}

/* The user's active grants in the area with their labels and revoke links. */
static json_t *area_grants(struct req *r, struct db *db, long long aid, long long uid, struct err *e)
{
	json_t *all = acc_user_grants(db, uid, e);
	if (!all)
		return NULL;
	json_t *rows = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(all, i, g)
	{
		if (jint(g, "area_id") != aid)
			continue;
		const struct permission_def *p = module_permission_of(jstr(g, "role"), jstr(g, "service"));
		char url[96];
		snprintf(url, sizeof url, "/areas/%lld/users/%lld/grants/%lld/revoke", aid, uid, jint(g, "id"));
		json_t *x = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)jint(g, "id"), "permission_label",
				      jstr(g, "permission_label"), "unit",
				      *jstr(g, "school_name")	   ? jstr(g, "school_name")
				      : *jstr(g, "work_group_name") ? jstr(g, "work_group_name")
								    : jstr(g, "area_name"),
				      "revoke_url", url, "can_revoke", p && may_grant(r, p));
		json_array_append_new(rows, x);
	}
	json_decref(all);
	return rows;
}

/* The edit page (status 200, or 422/409 with the add form's errors). */
static int edit_page(struct req *r, long long aid, long long uid, int status)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *area = org_area_get(db, aid, &e);
	json_t *person = area ? db_row_json(db,
					    "SELECT id, username, title, first_name, last_name, status FROM users "
					    "WHERE id = $1",
					    DB_ARGS(DB_INT(uid)), &e)
			      : NULL;
	json_t *grants = person ? area_grants(r, db, aid, uid, &e) : NULL;
	json_t *schools = grants ? db_rows_json(db,
						"SELECT id, name || ' (' || obec_code || ')' AS name FROM schools "
						"WHERE area_id = $1 ORDER BY name COLLATE thai, id",
						DB_ARGS(DB_INT(aid)), &e)
				 : NULL;
	json_t *groups = schools ? org_work_groups(db, aid, &e) : NULL;
	if (!groups) {
		json_decref(area);
		json_decref(person);
		json_decref(grants);
		json_decref(schools);
		return view_err(r, &e);
	}
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s %s", jstr(person, "title"), jstr(person, "first_name"), jstr(person, "last_name"));
	json_object_set_new(person, "display_name", json_string(buf_cstr(&b)));
	buf_release(&b);
	json_t *form = form_model(r, add_form, NULL);
	/* only what the actor may grant is offered */
	size_t i, k;
	json_t *f, *c;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (strcmp(jstr(f, "name"), "permission"))
			continue;
		json_t *keep = json_array();
		json_array_foreach(json_object_get(f, "choices"), k, c)
		{
			const struct permission_def *p = module_permission(jstr(c, "value"));
			if (!*jstr(c, "value") || (p && may_grant(r, p)))
				json_array_append(keep, c);
		}
		json_object_set_new(f, "choices", keep);
	}
	acc_form_select(form, "school_id", schools, "— ไม่ระบุ (สิทธิ์ระดับเขต) —");
	acc_form_select(form, "work_group_id", groups, "— ไม่ระบุ —");
	char action[80], back[80];
	snprintf(action, sizeof action, "/areas/%lld/users/%lld/grants", aid, uid);
	snprintf(back, sizeof back, "/areas/%lld/users/%lld/permissions", aid, uid);
	json_t *m = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:s, s:s}", "page_title", "แก้ไขสิทธิ์การใช้งาน", "area",
			      area, "person", person, "grants", grants, "has_grants", json_array_size(grants) > 0,
			      "form", form, "action", action, "back_url", back);
	return view_page(r, status, "acc/permission_edit", m);
}

/* The :id area and :uid user of the path, checked; -1 when answered. */
static int path_ids(struct req *r, long long *aid, long long *uid, int *answered)
{
	*aid = req_param_id(r, "id");
	*uid = req_param_id(r, "uid");
	if (*aid < 0 || *uid < 0) {
		*answered = view_error(r, 404, "ไม่พบผู้ใช้ที่ระบุ");
		return -1;
	}
	struct db *db = req_db(r);
	if (!db) {
		*answered = acc_db_unavailable(r);
		return -1;
	}
	int rc = acc_area_user_check(r, db, *aid, *uid, area_denied);
	if (rc >= 0) {
		*answered = rc;
		return -1;
	}
	return 0;
}

static int edit_get(struct req *r)
{
	long long aid, uid;
	int answered = 0;
	if (path_ids(r, &aid, &uid, &answered) < 0)
		return answered;
	return edit_page(r, aid, uid, 200);
}

/* The matrix cell of permission p for the user in the area, as the matrix
 * shows it ("Enabled"/"Disabled"). */
static const char *cell(struct db *db, long long uid, long long aid, const struct permission_def *p, struct err *e)
{
	long long one = 0;
	int rc = db_int_value(db,
			      "SELECT 1 FROM grants WHERE user_id = $1 AND area_id = $2 AND role = $3 "
			      "AND COALESCE(service, '') = $4 AND revoked_at IS NULL LIMIT 1",
			      DB_ARGS(DB_INT(uid), DB_INT(aid), DB_TEXT(p->role), DB_TEXT(p->qualifier)), &one, e);
	return rc > 0 ? "Enabled" : rc == 0 ? "Disabled" : NULL;
}

static int add_post(struct req *r)
{
	long long aid, uid;
	int answered = 0;
	if (path_ids(r, &aid, &uid, &answered) < 0)
		return answered;
	if (!form_ok(r))
		return edit_page(r, aid, uid, 422);
	const struct permission_def *p = module_permission(form_value(r, "permission"));
	if (!p || !may_grant(r, p)) {
		form_error(r, "permission", "คุณให้สิทธิ์นี้ไม่ได้ กรุณาเลือกสิทธิ์จากรายการ (สิทธิ์แอดมินเขตให้ได้โดยผู้ดูแลระบบ สพฐ. เท่านั้น)");
		return edit_page(r, aid, uid, 422);
	}
	const struct role_def *d = module_role(p->role);
	long long school = form_int(r, "school_id"), wg = form_int(r, "work_group_id");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* the unit must be of this area; the role decides which parts it takes */
	if (d->scope == SCOPE_SCHOOL && school <= 0) {
		form_error(r, "school_id", "สิทธิ์ระดับโรงเรียน กรุณาเลือกโรงเรียน");
		return edit_page(r, aid, uid, 422);
	}
	if (d->scope != SCOPE_SCHOOL && school > 0) {
		form_error(r, "school_id", "สิทธิ์นี้เป็นสิทธิ์ระดับสำนักงานเขตพื้นที่ ไม่ต้องเลือกโรงเรียน");
		return edit_page(r, aid, uid, 422);
	}
	if (d->scope == SCOPE_NATIONAL) {
		form_error(r, "permission", "สิทธิ์ระดับประเทศให้จากหน้านี้ไม่ได้ ใช้คำสั่ง khet user grant");
		return edit_page(r, aid, uid, 422);
	}
	struct acc_grant g;
	acc_permission_grant(&g, uid, p, aid, school, wg);
	const char *before = cell(db, uid, aid, p, &e);
	long long gid = before ? acc_grant_add_full(db, &g, acc_user_id(r), &e) : -1;
	if (gid < 0) {
		if (e.status >= 500 || e.status == 0)
			return view_err(r, &e);
		int status = e.status == 409 ? 409 : 422;
		if (e.status == 409 && !strcmp(e.field, "role"))
			err_field(&e, "permission", "ผู้ใช้มีสิทธิ์นี้ในหน่วยงานที่เลือกอยู่แล้ว (อาจมีผู้ดูแลคนอื่นเพิ่งให้สิทธิ์นี้)");
		if (e.status == 404)
			err_field(&e, "permission", "บัญชีผู้ใช้นี้ถูกยกเลิกแล้ว จึงให้สิทธิ์ไม่ได้");
		if (!*e.field || (strcmp(e.field, "school_id") && strcmp(e.field, "work_group_id")))
			snprintf(e.field, sizeof e.field, "permission");
		form_error_err(r, &e);
		return edit_page(r, aid, uid, status);
	}
	acc_audit_in(r, db, aid, acc_user_id(r), "grant.add", "user", uid,
		     json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:s}", "grant_id", (json_int_t)gid, "permission", p->key,
			       "school_id", (json_int_t)g.school_id, "work_group_id", (json_int_t)g.work_group_id,
			       "before", before, "after", "Enabled", "note", form_value(r, "note")));
	char back[80];
	snprintf(back, sizeof back, "/areas/%lld/users/%lld/permissions/edit", aid, uid);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "ให้สิทธิ์%sแล้ว", p->label);
	int rc = view_redirect(r, back, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

static int revoke_post(struct req *r)
{
	long long aid, uid;
	int answered = 0;
	if (path_ids(r, &aid, &uid, &answered) < 0)
		return answered;
	long long gid = req_param_id(r, "gid");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *g = gid > 0 ? db_row_json(db,
					  "SELECT id, role, COALESCE(service, '') AS service, revoked_at FROM grants "
					  "WHERE id = $1 AND user_id = $2 AND area_id = $3",
					  DB_ARGS(DB_INT(gid), DB_INT(uid), DB_INT(aid)), &e)
			    : NULL;
	if (!g)
		return gid <= 0 || e.status == 404 ? view_error(r, 404, "ไม่พบสิทธิ์ที่ระบุของผู้ใช้นี้ในเขตพื้นที่") : view_err(r, &e);
	const struct permission_def *p = module_permission_of(jstr(g, "role"), jstr(g, "service"));
	if (!p || !may_grant(r, p)) {
		json_decref(g);
		return acc_deny_in(r, aid, "grant", gid, "คุณยกเลิกสิทธิ์นี้ไม่ได้ (สิทธิ์แอดมินเขตยกเลิกได้โดยผู้ดูแลระบบ สพฐ. เท่านั้น)");
	}
	if (!json_is_null(json_object_get(g, "revoked_at"))) {
		json_decref(g);
		return view_error(r, 409, "สิทธิ์นี้ถูกยกเลิกไปแล้ว (อาจมีผู้ดูแลคนอื่นยกเลิกก่อนหน้านี้) กรุณาโหลดหน้าใหม่เพื่อดูสิทธิ์ปัจจุบัน");
	}
	json_decref(g);
	/* the revoke form's own error, not the add form's: answered here */
	if (!form_ok(r))
		return view_error(r, 422, "เหตุผลที่ยกเลิกสิทธิ์ยาวได้ไม่เกิน 500 ตัวอักษร กรุณาย่อแล้วกดยกเลิกสิทธิ์อีกครั้ง");
	if (acc_grant_revoke(db, gid, acc_user_id(r), &e) < 0)
		return e.status == 404 ? view_error(r, 409, "สิทธิ์นี้ถูกยกเลิกไปแล้ว กรุณาโหลดหน้าใหม่เพื่อดูสิทธิ์ปัจจุบัน")
				       : view_err(r, &e);
	/* the cell stays Enabled when another unit of the area still gives it */
	const char *after = cell(db, uid, aid, p, &e);
	if (!after)
		return view_err(r, &e);
	acc_audit_in(r, db, aid, acc_user_id(r), "grant.revoke", "user", uid,
		     json_pack("{s:I, s:s, s:s, s:s, s:s}", "grant_id", (json_int_t)gid, "permission", p->key, "before",
			       "Enabled", "after", after, "note", form_value(r, "note")));
	char back[80];
	snprintf(back, sizeof back, "/areas/%lld/users/%lld/permissions/edit", aid, uid);
	struct buf msg = BUF_INIT;
	buf_addf(&msg, "ยกเลิกสิทธิ์%sแล้ว", p->label);
	int rc = view_redirect(r, back, buf_cstr(&msg));
	buf_release(&msg);
	return rc;
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/areas/:id/users/:uid/permissions/edit", edit_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/users/:uid/grants", add_post, add_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/areas/:id/users/:uid/grants/:gid/revoke", revoke_post, revoke_form, NULL, ACCESS_SIGNED_IN,
     AREA_ROLES},
    {NULL},
};

const struct route_table acc_grant_routes = {"acc", routes};
