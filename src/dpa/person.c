/* person: data entered once (DPA-5). A Khet account and a personnel record
 * with the same citizen ID are the same person, so the registry offers
 * what it knows to the modules that never name it, through the registry's
 * person hooks (core/module.h): the values forms ask for — work unit,
 * position, rank and academic standing, salary, birth date — which the
 * accounts module adds to the profile One Stop Service fills its ID-card
 * and certificate forms from (still editable by the applicant), and the
 * line the account page shows. Only an active record speaks for the
 * person: one who left has no current position or salary. Reads only. */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/jsonx.h"
#include "dpa/dpa_internal.h"

#define PERSON_SQL                                                                                                     \
	"SELECT s.id, COALESCE(sc.name, a.name) AS work_unit, COALESCE(p.label, '') AS position, "                     \
	"COALESCE(st.label, '') AS standing, s.salary, COALESCE(s.birth_date, '') AS birth_date, "                     \
	"COALESCE(t.label, '') AS type FROM dpa_staff s JOIN areas a ON a.id = s.area_id "                             \
	"LEFT JOIN schools sc ON sc.id = s.school_id LEFT JOIN dpa_positions p ON p.code = s.position "                \
	"LEFT JOIN dpa_standings st ON st.code = s.standing LEFT JOIN dpa_types t ON t.code = s.type "                 \
	"WHERE s.citizen_id = $1 AND s.status = 'active'"

static void set_absent(json_t *into, const char *key, const char *value)
{
	if (value && *value && !json_object_get(into, key))
		json_object_set_new(into, key, json_string(value));
}

int dpa_person_profile(struct db *db, const char *citizen_id, json_t *into, struct err *e)
{
	json_t *rows = db_rows_json(db, PERSON_SQL, DB_ARGS(DB_TEXT(citizen_id)), e);
	if (!rows)
		return -1;
	json_t *s = json_array_get(rows, 0);
	if (s) {
		set_absent(into, "work_unit", jstr(s, "work_unit"));
		set_absent(into, "position", jstr(s, "position"));
		const char *standing = jstr(s, "standing");
		if (strcmp(jstr(s, "standing"), "ไม่มีวิทยฐานะ")) {
			set_absent(into, "rank", standing);
			set_absent(into, "academic_standing", standing);
		}
		if (json_is_integer(json_object_get(s, "salary"))) {
			long long v = jint(s, "salary");
			char baht[32];
			snprintf(baht, sizeof baht, "%lld.%02lld", v / 100, v % 100);
			set_absent(into, "salary", baht);
		}
		set_absent(into, "birth_date", jstr(s, "birth_date"));
	}
	json_decref(rows);
	return 0;
}

json_t *dpa_person_links(struct db *db, const char *citizen_id, struct err *e)
{
	json_t *rows = db_rows_json(db, PERSON_SQL, DB_ARGS(DB_TEXT(citizen_id)), e);
	if (!rows)
		return NULL;
	json_t *out = json_array();
	json_t *s = json_array_get(rows, 0);
	if (s) {
		struct buf t = BUF_INIT;
		buf_adds(&t, *jstr(s, "position") ? jstr(s, "position") : jstr(s, "type"));
		if (*jstr(s, "standing") && strcmp(jstr(s, "standing"), "ไม่มีวิทยฐานะ"))
			buf_addf(&t, " %s", jstr(s, "standing"));
		buf_addf(&t, "%s%s", t.len ? " · " : "", jstr(s, "work_unit"));
		json_array_append_new(
		    out, json_pack("{s:s, s:s, s:n}", "label", "ทะเบียนบุคลากร (DPA)", "text", buf_cstr(&t), "href"));
		buf_release(&t);
	}
	json_decref(rows);
	return out;
}

int dpa_person_record(struct db *db, const char *citizen_id, json_t **out, struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT id, COALESCE(school_id, 0) AS school_id, area_id, title, first_name, last_name, "
				    "phone, email FROM dpa_staff WHERE citizen_id = $1 AND status = 'active'",
				    DB_ARGS(DB_TEXT(citizen_id)), e);
	if (!rows)
		return -1;
	json_t *s = json_array_get(rows, 0);
	if (!s) {
		json_decref(rows);
		return 0;
	}
	char href[48];
	snprintf(href, sizeof href, "/dpa/staff/%lld", jint(s, "id"));
	json_object_set_new(s, "href", json_string(href));
	json_object_del(s, "id");
	*out = json_incref(s);
	json_decref(rows);
	return 1;
}

void dpa_person_add_href(long long school_id, const char *citizen_id, struct buf *out)
{
	buf_addf(out, "/dpa/schools/%lld/new?citizen_id=%s", school_id, citizen_id ? citizen_id : "");
}
