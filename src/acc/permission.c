/* permission: the permission matrix (seed 003 part 4: Enabled/Disabled per
 * permission) of a user, built from his active grants in one query, and
 * what an access request must name for each permission (ACC-4). The
 * permissions themselves — a role, or a part of a qualified role such as an
 * OSS officer's service — are declared by the modules (core/module.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/form.h"
#include "core/buf.h"
#include "core/db.h"

/* The requestable permissions as form choices, labelled with their level
 * ("ครู (ระดับโรงเรียน)"), built once from the registry. */
static struct choice *requestable;
static pthread_once_t requestable_once = PTHREAD_ONCE_INIT;

static void requestable_build(void)
{
	int n = 0;
	while (module_permission_at(n))
		n++;
	requestable = xcalloc((size_t)n + 1, sizeof *requestable);
	int k = 0;
	for (int i = 0; i < n; i++) {
		const struct permission_def *p = module_permission_at(i);
		if (!p->requestable)
			continue;
		const struct role_def *d = module_role(p->role);
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s (%s)", p->label,
			 d->scope == SCOPE_SCHOOL ? "ระดับโรงเรียน" : d->scope == SCOPE_AREA ? "ระดับเขต" : "ระดับประเทศ");
		requestable[k].value = p->key;
		requestable[k].label = buf_detach(&b, NULL);
		k++;
	}
}

const struct choice *acc_permission_choices(void)
{
	pthread_once(&requestable_once, requestable_build);
	return requestable;
}

void acc_permission_grant(struct acc_grant *g, long long user_id, const struct permission_def *p, long long area_id,
			  long long school_id, long long work_group_id)
{
	memset(g, 0, sizeof *g);
	g->user_id = user_id;
	snprintf(g->role, sizeof g->role, "%s", p->role);
	snprintf(g->service, sizeof g->service, "%s", p->qualifier ? p->qualifier : "");
	acc_grant_resolve(g);
	const struct role_def *d = module_role(p->role);
	g->area_id = d->scope == SCOPE_NATIONAL ? 0 : area_id;
	g->school_id = d->scope == SCOPE_SCHOOL ? school_id : 0;
	g->work_group_id =
	    d->scope == SCOPE_AREA && (d->flags & (ROLE_WORK_GROUP | ROLE_WORK_GROUP_OPTIONAL)) ? work_group_id : 0;
}

int acc_request_target_check(const char *permission, long long school_id, long long work_group_id, struct err *e)
{
	const struct permission_def *p = module_permission(permission);
	if (!p || !p->requestable)
		return err_field(e, "permission", "กรุณาเลือกสิทธิ์ที่ขอจากรายการ");
	const struct role_def *d = module_role(p->role);
	if (d->scope == SCOPE_SCHOOL) {
		if (school_id <= 0)
			return err_field(e, "school_id", "สิทธิ์%sต้องเลือกโรงเรียนที่ท่านปฏิบัติงาน", p->label);
		if (work_group_id > 0)
			return err_field(e, "work_group_id", "สิทธิ์%sเป็นสิทธิ์ระดับโรงเรียน ไม่ต้องเลือกกลุ่มงาน", p->label);
	} else {
		if (school_id > 0)
			return err_field(e, "school_id", "สิทธิ์%sเป็นสิทธิ์ระดับสำนักงานเขตพื้นที่ ไม่ต้องเลือกโรงเรียน", p->label);
		if ((d->flags & ROLE_WORK_GROUP) && work_group_id <= 0)
			return err_field(e, "work_group_id", "สิทธิ์%sต้องเลือกกลุ่มงานที่รับผิดชอบ", p->label);
		if (!(d->flags & (ROLE_WORK_GROUP | ROLE_WORK_GROUP_OPTIONAL)) && work_group_id > 0)
			return err_field(e, "work_group_id", "สิทธิ์%sไม่ต้องเลือกกลุ่มงาน", p->label);
	}
	return 0;
}

/* --- the permission matrix ----------------------------------------------------- */

#define GRANT_COLUMNS                                                                                                  \
	"SELECT g.user_id, g.role, COALESCE(g.service, '') AS service, COALESCE(s.name, '') AS school_name, "          \
	"COALESCE(a.short_name, '') AS area_name, COALESCE(w.name, '') AS work_group_name "                            \
	"FROM grants g LEFT JOIN schools s ON s.id = g.school_id LEFT JOIN areas a ON a.id = g.area_id "               \
	"LEFT JOIN work_groups w ON w.id = g.work_group_id "

/* One column per permission over the grants of one user (those of grants
 * whose user_id is user_id). */
static json_t *columns_of(json_t *grants, long long user_id)
{
	json_t *cols = json_array();
	const struct permission_def *p;
	for (int k = 0; (p = module_permission_at(k)); k++) {
		json_t *units = json_array();
		size_t i;
		json_t *g;
		json_array_foreach(grants, i, g)
		{
			if (json_integer_value(json_object_get(g, "user_id")) != user_id ||
			    module_permission_of(jstr(g, "role"), jstr(g, "service")) != p)
				continue;
			struct buf u = BUF_INIT;
			if (*jstr(g, "school_name"))
				buf_adds(&u, jstr(g, "school_name"));
			else
				buf_adds(&u, jstr(g, "area_name"));
			if (*jstr(g, "work_group_name"))
				buf_addf(&u, " · %s", jstr(g, "work_group_name"));
			json_array_append_new(units, json_string(buf_cstr(&u)));
			buf_release(&u);
		}
		bool on = json_array_size(units) > 0;
		json_array_append_new(cols,
				      json_pack("{s:s, s:s, s:b, s:s, s:o}", "key", p->key, "label", p->label,
						"enabled", on, "status", on ? "Enabled" : "Disabled", "units", units));
	}
	return cols;
}

json_t *acc_permission_matrix(struct db *db, long long user_id, long long area_id, struct err *e)
{
	json_t *grants = db_rows_json(db,
				      GRANT_COLUMNS "WHERE g.user_id = $1 AND g.revoked_at IS NULL "
						    "AND (CAST($2 AS BIGINT) = 0 OR g.area_id = $2) ORDER BY g.id",
				      DB_ARGS(DB_INT(user_id), DB_INT(area_id)), e);
	if (!grants)
		return NULL;
	json_t *cols = columns_of(grants, user_id);
	json_decref(grants);
	return json_pack("{s:o}", "columns", cols);
}

/* The page's users: those holding an active grant in the area, in Thai
 * name order. The same text serves the users and their grants, so both
 * read one page through one index walk each (no query per user). */
#define AREA_USERS_PAGE                                                                                                \
	"SELECT u.id FROM users u WHERE u.id IN (SELECT user_id FROM grants WHERE area_id = $1 AND revoked_at IS "     \
	"NULL) "                                                                                                       \
	"ORDER BY u.first_name COLLATE thai, u.last_name COLLATE thai, u.id LIMIT $2 OFFSET $3"

json_t *acc_permission_area_matrix(struct db *db, long long area_id, long long page, struct err *e)
{
	long long total = 0;
	if (db_int_value(db, "SELECT COUNT(DISTINCT user_id) FROM grants WHERE area_id = $1 AND revoked_at IS NULL",
			 DB_ARGS(DB_INT(area_id)), &total, e) < 0)
		return NULL;
	/* page 0: every user on one page (the export) */
	long long per = page == 0 ? (total > 0 ? total : 1) : ACC_MATRIX_PER_PAGE;
	long long pages = total ? (total + per - 1) / per : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	long long offset = (page - 1) * per;
	json_t *users =
	    db_rows_json(db,
			 "SELECT u.id, u.username, u.title, u.first_name, u.last_name, u.status FROM users u "
			 "WHERE u.id IN (" AREA_USERS_PAGE ") "
			 "ORDER BY u.first_name COLLATE thai, u.last_name COLLATE thai, u.id",
			 DB_ARGS(DB_INT(area_id), DB_INT(per), DB_INT(offset)), e);
	json_t *grants = users ? db_rows_json(db,
					      GRANT_COLUMNS "WHERE g.area_id = $1 AND g.revoked_at IS NULL "
							    "AND g.user_id IN (" AREA_USERS_PAGE ") ORDER BY g.id",
					      DB_ARGS(DB_INT(area_id), DB_INT(per), DB_INT(offset)), e)
			       : NULL;
	if (!grants) {
		json_decref(users);
		return NULL;
	}
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u)
	{
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s%s %s", jstr(u, "title"), jstr(u, "first_name"), jstr(u, "last_name"));
		json_object_set_new(u, "display_name", json_string(buf_cstr(&b)));
		buf_release(&b);
		json_object_set_new(u, "columns", columns_of(grants, json_integer_value(json_object_get(u, "id"))));
	}
	json_decref(grants);
	json_t *head = json_array();
	const struct permission_def *p;
	for (int k = 0; (p = module_permission_at(k)); k++)
		json_array_append_new(head, json_pack("{s:s, s:s}", "key", p->key, "label", p->label));
	return json_pack("{s:o, s:o, s:I, s:I, s:I}", "head", head, "rows", users, "total", (json_int_t)total, "page",
			 (json_int_t)page, "pages", (json_int_t)pages);
}
