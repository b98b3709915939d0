/* testroutes: a form with one field of each kind at /_test/form. GET shows
 * it; POST validates it and answers 422 with the form shown again (input
 * kept, a Thai message at each bad field), or 200 with what was received,
 * including the detected type and size of the upload — which the tests
 * compare with what they sent. Nothing is stored. /_test/routes lists every
 * registered route (method, pattern, module, role spec and the role codes
 * it admits), so a test can walk the real table instead of a copy of it
 * that drifts.
 *
 * /_test/state answers what is stored: the row count of every table and
 * every file in the data folder (but the database's own and the uploads
 * being received), so a fault-injection test (core/fault.h)
 * can tell that a failed write left nothing behind.
 *
 * /_test/forms lists every POST route of the route table with its declared
 * fields (kind, limit in characters, whether required or a person's name,
 * choices, pattern), so the maximum-length test (tests/http/maxlen) fills
 * every text field of every form without a list of its own to keep up. */
#include "core/testroutes.h"

#include <ftw.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/module.h"
#include "core/router.h"
#include "core/view.h"

static const struct choice kinds[] = {{"a", "แบบ ก"}, {"b", "แบบ ข"}, {NULL, NULL}};

static const struct field test_fields[] = {
	{.name = "name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED, .max = 20},
	{.name = "email", .label = "อีเมล", .type = FT_EMAIL},
	{.name = "citizen_id", .label = "เลขประจำตัวประชาชน", .type = FT_CITIZEN_ID},
	{.name = "count", .label = "จำนวน", .type = FT_INT, .min = 1, .max = 500},
	{.name = "price", .label = "ราคา", .type = FT_MONEY},
	{.name = "day", .label = "วันที่", .type = FT_DATE},
	{.name = "kind", .label = "ประเภท", .type = FT_CHOICE, .choices = kinds},
	{.name = "code", .label = "รหัส", .type = FT_TEXT, .pattern = "[0-9]{4}", .pattern_msg = "ต้องเป็นตัวเลข 4 หลัก"},
	{.name = "doc", .label = "เอกสารแนบ", .type = FT_FILE, .max = 1024 * 1024},
	{NULL},
};

static int form_get(struct req *r)
{
	json_t *m = json_pack("{s:s}", "page_title", "ทดสอบแบบฟอร์ม");
	json_object_set_new(m, "form", form_model(r, test_fields, NULL));
	return view_page(r, 200, "test_form", m);
}

static int form_post(struct req *r)
{
	if (!form_ok(r)) {
		json_t *m = json_pack("{s:s}", "page_title", "ทดสอบแบบฟอร์ม");
		json_object_set_new(m, "form", form_model(r, test_fields, NULL));
		return view_page(r, 422, "test_form", m);
	}
	json_t *m = json_object();
	for (const struct field *f = test_fields; f->name; f++)
		if (f->type != FT_FILE)
			json_object_set_new(m, f->name, json_string(form_value(r, f->name)));
	const struct form_file *ff = form_file(r, "doc");
	if (ff)
		json_object_set_new(m, "doc", json_pack("{s:s,s:s,s:I}", "mime", ff->mime, "filename", ff->filename, "size",
							(json_int_t)ff->size));
	return view_page(r, 200, "test_form", m);
}

static int routes_get(struct req *r)
{
	json_t *list = json_array();
	for (int i = 0; i < router_count(); i++) {
		const struct route *rt = router_route(i);
		/* the roles its spec admits (null: any signed-in user, or anyone when public) */
		json_t *admits = json_null();
		uint64_t mask = router_roles(i);
		if (mask && rt->access != ACCESS_PUBLIC) {
			admits = json_array();
			const struct role_def *d;
			for (int k = 0; (d = module_role_at(k)); k++)
				if (mask & module_role_bit(d->code))
					json_array_append_new(admits, json_string(d->code));
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:b}", "method", rt->method,
						      "pattern", rt->pattern, "module", router_module(i), "roles",
						      rt->roles ? rt->roles : "", "public", rt->access == ACCESS_PUBLIC,
						      "admits", admits, "api", (rt->flags & ROUTE_API) != 0));
	}
	return view_page(r, 200, "test_form", json_pack("{s:o}", "routes", list));
}

static _Thread_local json_t *state_files;
static _Thread_local size_t state_prefix;

static int state_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + state_prefix;
	/* the database's own files, and uploads still being received */
	if (type == FTW_F && strncmp(rel, "khet.db", 7) && strncmp(rel, "tmp/", 4))
		json_array_append_new(state_files, json_string(rel));
	return 0;
}

static int state_get(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *names = db_rows_json(db,
				     db_kind(db) == DB_SQLITE
					     ? "SELECT name FROM sqlite_master WHERE type = 'table' "
					       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
					     : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() "
					       "ORDER BY tablename",
				     NULL, 0, &e);
	if (!names)
		return view_err(r, &e);
	json_t *tables = json_object();
	size_t i;
	json_t *x;
	json_array_foreach(names, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		struct buf sql = BUF_INIT;
		buf_adds(&sql, "SELECT count(*) FROM \"");
		for (const char *c = name; *c; c++)
			buf_add(&sql, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
		buf_addc(&sql, '"');
		long long n = 0;
		int rc = db_int_value(db, buf_cstr(&sql), NULL, 0, &n, &e);
		buf_release(&sql);
		if (rc < 0) {
			json_decref(names);
			json_decref(tables);
			return view_err(r, &e);
		}
		json_object_set_new(tables, name, json_integer(n));
	}
	json_decref(names);
	struct buf dir = BUF_INIT;
	buf_adds(&dir, http_settings()->data_dir);
	state_files = json_array();
	state_prefix = dir.len + 1;
	nftw(buf_cstr(&dir), state_file, 16, FTW_PHYS);
	buf_release(&dir);
	json_t *m = json_pack("{s:o,s:o}", "tables", tables, "files", state_files);
	state_files = NULL;
	return view_page(r, 200, "test_form", m);
}

static const char *const type_names[] = {
    [FT_TEXT] = "text",	    [FT_TEXTAREA] = "textarea",
    [FT_EMAIL] = "email",   [FT_PASSWORD] = "password",
    [FT_PHONE] = "phone",   [FT_INT] = "int",
    [FT_MONEY] = "money",   [FT_DATE] = "date",
    [FT_TIME] = "time",	    [FT_CITIZEN_ID] = "citizen_id",
    [FT_CHOICE] = "choice", [FT_CHECKBOX] = "checkbox",
    [FT_FILE] = "file",	    [FT_HIDDEN] = "hidden",
};

static int forms_get(struct req *r)
{
	json_t *list = json_array();
	for (int i = 0; i < router_count(); i++) {
		const struct route *rt = router_route(i);
		if (strcmp(rt->method, "POST") || !rt->form)
			continue;
		json_t *schema = form_schema(rt->form);
		json_t *props = json_object_get(schema, "properties");
		json_t *fields = json_array();
		for (const struct field *f = rt->form; f->name; f++) {
			json_t *p = json_object_get(props, f->name);
			json_t *fj =
			    json_pack("{s:s, s:s, s:O?, s:b, s:b, s:b, s:I, s:s?}", "name", f->name, "type",
				      type_names[f->type], "max", json_object_get(p, "maxLength"), "required",
				      (f->flags & F_REQUIRED) != 0, "name_field", (f->flags & F_NAME) != 0, "multi",
				      (f->flags & F_MULTI) != 0, "min", (json_int_t)f->min, "pattern", f->pattern);
			if (f->type == FT_INT || f->type == FT_MONEY)
				json_object_set_new(fj, "max_value", json_integer(f->max));
			const struct choice *c = field_choices(f);
			if (c) {
				json_t *cs = json_array();
				for (; c->value; c++)
					json_array_append_new(cs, json_string(c->value));
				json_object_set_new(fj, "choices", cs);
			}
			json_array_append_new(fields, fj);
		}
		json_decref(schema);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:o}", "pattern", rt->pattern, "module",
						      router_module(i), "roles", rt->roles, "fields", fields));
	}
	return view_page(r, 200, "test_form", json_pack("{s:o}", "forms", list));
}

/* A path parameter as the handler gets it (decoded once: issue 11). */
static int param_get(struct req *r)
{
	return view_page(r, 200, "test_form", json_pack("{s:s}", "p", req_param(r, "p")));
}

static const struct route routes[] = {
	{"GET", "/_test/param/:p", param_get, NULL, NULL, ACCESS_PUBLIC, 0},
	{"GET", "/_test/forms", forms_get, NULL, NULL, ACCESS_PUBLIC, 0},
	{"GET", "/_test/state", state_get, NULL, NULL, ACCESS_PUBLIC, 0},
	{"GET", "/_test/form", form_get, NULL, NULL, ACCESS_PUBLIC, 0},
	{"GET", "/_test/routes", routes_get, NULL, NULL, ACCESS_PUBLIC, 0},
	{"POST", "/_test/form", form_post, test_fields, NULL, ACCESS_PUBLIC, 0},
	{NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table test_routes = {"test", routes};
