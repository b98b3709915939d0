/* permission: the permissions a user may hold, one column each of the
 * permission matrix (seed 003 part 4: Enabled/Disabled per permission) — a
 * role, and for an OSS officer one service — what an access request must
 * name for each (ACC-4), and the matrix of a user built from his active
 * grants in one query. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/buf.h"
#include "core/db.h"

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const char *jstr(json_t *o, const char *k)
{
	return nz(json_string_value(json_object_get(o, k)));
}

const struct acc_permission acc_permissions[] = {
    {"area_admin", "area_admin", "", "แอดมินเขต", false},
    {"school_admin", "school_admin", "", "แอดมินสถานศึกษา", false},
    {"director", "director", "", "ผู้อำนวยการสถานศึกษา", true},
    {"teacher", "teacher", "", "ครู", true},
    {"homeroom", "homeroom", "", "ครูประจำชั้น", true},
    {"officer:11", "officer", "11", "เจ้าหน้าที่ OSS 11 ขอบัตรประจำตัว", true},
    {"officer:12", "officer", "12", "เจ้าหน้าที่ OSS 12 หนังสือรับรอง", true},
    {"officer:21", "officer", "21", "เจ้าหน้าที่ OSS 21 บำเหน็จดำรงชีพ", true},
    {"officer:31", "officer", "31", "เจ้าหน้าที่ OSS 31 จองห้องประชุม", true},
    {"officer:32", "officer", "32", "เจ้าหน้าที่ OSS 32 นัดหมาย", true},
    {"officer:41", "officer", "41", "เจ้าหน้าที่ OSS 41 สั่งซื้อ ปพ.1-3", true},
    {"kpi_owner", "kpi_owner", "", "เจ้าของตัวชี้วัด (กลุ่มงาน)", true},
    {"kpi_reviewer", "kpi_reviewer", "", "ผู้ตรวจตัวชี้วัด", true},
    {"executive", "executive", "", "ผู้บริหาร", true},
    {NULL, NULL, NULL, NULL, false},
};

const struct acc_permission *acc_permission_find(const char *key)
{
	for (const struct acc_permission *p = acc_permissions; key && p->key; p++)
		if (!strcmp(p->key, key))
			return p;
	return NULL;
}

/* The permission a grant stands for (officer: by its service). */
static const struct acc_permission *permission_of_grant(const char *role, const char *service)
{
	for (const struct acc_permission *p = acc_permissions; p->key; p++)
		if (!strcmp(p->role, role) && (!*p->service || !strcmp(p->service, nz(service))))
			return p;
	return NULL;
}

int acc_request_target_check(const char *permission, long long school_id, long long work_group_id, struct err *e)
{
	const struct acc_permission *p = acc_permission_find(permission);
	if (!p || !p->requestable)
		return err_field(e, "permission", "กรุณาเลือกสิทธิ์ที่ขอจากรายการ");
	unsigned bit = acc_role_bit(p->role);
	if (bit & ROLE_SCHOOL_ROLES) {
		if (school_id <= 0)
			return err_field(e, "school_id", "สิทธิ์%sต้องเลือกโรงเรียนที่ท่านปฏิบัติงาน", p->label);
		if (work_group_id > 0)
			return err_field(e, "work_group_id", "สิทธิ์%sเป็นสิทธิ์ระดับโรงเรียน ไม่ต้องเลือกกลุ่มงาน", p->label);
	} else {
		if (school_id > 0)
			return err_field(e, "school_id", "สิทธิ์%sเป็นสิทธิ์ระดับสำนักงานเขตพื้นที่ ไม่ต้องเลือกโรงเรียน", p->label);
		if (bit == ROLE_KPI_OWNER && work_group_id <= 0)
			return err_field(e, "work_group_id", "สิทธิ์%sต้องเลือกกลุ่มงานที่รับผิดชอบตัวชี้วัด", p->label);
		if ((bit == ROLE_OFFICER || bit == ROLE_EXECUTIVE) && work_group_id > 0)
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
	for (const struct acc_permission *p = acc_permissions; p->key; p++) {
		json_t *units = json_array();
		size_t i;
		json_t *g;
		json_array_foreach(grants, i, g)
		{
			if (json_integer_value(json_object_get(g, "user_id")) != user_id ||
			    permission_of_grant(jstr(g, "role"), jstr(g, "service")) != p)
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
	long long pages = total ? (total + ACC_MATRIX_PER_PAGE - 1) / ACC_MATRIX_PER_PAGE : 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	long long offset = (page - 1) * ACC_MATRIX_PER_PAGE;
	json_t *users =
	    db_rows_json(db,
			 "SELECT u.id, u.username, u.title, u.first_name, u.last_name, u.status FROM users u "
			 "WHERE u.id IN (" AREA_USERS_PAGE ") "
			 "ORDER BY u.first_name COLLATE thai, u.last_name COLLATE thai, u.id",
			 DB_ARGS(DB_INT(area_id), DB_INT(ACC_MATRIX_PER_PAGE), DB_INT(offset)), e);
	json_t *grants = users ? db_rows_json(db,
					      GRANT_COLUMNS "WHERE g.area_id = $1 AND g.revoked_at IS NULL "
							    "AND g.user_id IN (" AREA_USERS_PAGE ") ORDER BY g.id",
					      DB_ARGS(DB_INT(area_id), DB_INT(ACC_MATRIX_PER_PAGE), DB_INT(offset)), e)
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
	for (const struct acc_permission *p = acc_permissions; p->key; p++)
		json_array_append_new(head, json_pack("{s:s, s:s}", "key", p->key, "label", p->label));
	return json_pack("{s:o, s:o, s:I, s:I, s:I}", "head", head, "rows", users, "total", (json_int_t)total, "page",
			 (json_int_t)page, "pages", (json_int_t)pages);
}
