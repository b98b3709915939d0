/* test_personal: which model keys are personal data (core/personal.h) and
 * what a JSON answer keeps of them: exactly the values its template prints,
 * whichever key printed them, with a section that only tests a value, a
 * template that hides it behind a condition, a form field {name, value} and
 * a record shared by two places of one model. */
#include "unit.h"

#include "core/jsonx.h"
#include "core/personal.h"
#include "core/tmpl.h"

static void test_key_convention(void **state)
{
	(void)state;
	static const char *const yes[] = {"citizen_id",	     "email",		"phone",
					  "gcode",	     "ident",		"address",
					  "birth_date",	     "line_id",		"guardian_phone",
					  "account_email",   "new_email",	"address_registered",
					  "address_contact", "birth_date_text", "applicant_citizen_id",
					  "salary",	     "salary_baht",	"salary_text",
					  "new_salary",	     "citizen_id_new",	"gcode_old",
					  "ident_text",	     "email_work",	"phone_home",
					  "line_id_old",     "old_gcode",	"old_ident",
					  "old_line_id",     "old_address",	"old_birth_date",
					  "x_citizen_id"};
	static const char *const no[] = {"citizen_id_masked",
					 "email_masked",
					 "ident_masked",
					 "emails",
					 "phones",
					 "identity",
					 "telephone_note",
					 "name",
					 "value",
					 "id",
					 "xemail",
					 "emailx",
					 "",
					 "address_masked",
					 "has_phone_x",
					 "salary_masked",
					 "salaryx",
					 "salaries",
					 "gcodes",
					 "emailing",
					 "phoned",
					 "line_idx",
					 "birth_dates",
					 "citizen_idx",
					 "x_gcode_masked",
					 "xident",
					 "addressee"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!personal_key(yes[i]))
			fail_msg("%s should be personal", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (personal_key(no[i]))
			fail_msg("%s should not be personal", no[i]);
}

/* Renders src with model, keeps what it printed, prunes the rest (what
 * view_page does for a JSON client) and returns the number of values shown. */
static size_t json_of(const char *src, json_t *model)
{
	struct tmpl_set *set = tmpl_set_new();
	struct err e = ERR_INIT;
	assert_int_equal(tmpl_set_add(set, "page", src, strlen(src), &e), 0);
	struct personal *p = personal_collect(model);
	size_t shown = 0;
	if (p) {
		struct tmpl_watch w = {personal_seen, p};
		struct buf out = BUF_INIT;
		assert_int_equal(tmpl_render_watch(set, "page", model, &out, &w, &e), 0);
		buf_release(&out);
		shown = personal_shown_count(p);
		personal_prune(p);
		personal_free(p);
	}
	tmpl_set_free(set);
	return shown;
}

static void test_json_keeps_what_the_page_prints(void **state)
{
	(void)state;
	json_t *m = json_loads("{\"account\": {\"id\": 3, \"display_name\": \"สมทรง\", \"email\": \"a@example.org\", "
			       "\"phone\": \"0810000003\", \"citizen_id\": \"3100100000031\", "
			       "\"citizen_id_masked\": \"3-1001-xxxxx-xx-1\"}}",
			       0, NULL);
	assert_int_equal(
	    json_of("{{account.display_name}} {{account.citizen_id_masked}} <a href=\"mailto:{{account.email}}\">", m),
	    1);
	json_t *a = json_object_get(m, "account");
	assert_string_equal(jstr(a, "email"), "a@example.org");
	assert_null(json_object_get(a, "phone"));
	assert_null(json_object_get(a, "citizen_id"));
	/* what is not personal stays whether printed or not */
	assert_int_equal(json_integer_value(json_object_get(a, "id")), 3);
	assert_string_equal(jstr(a, "citizen_id_masked"), "3-1001-xxxxx-xx-1");
	json_decref(m);

	/* a page that prints none of them keeps none: nothing to collect after */
	m = json_loads("{\"rows\": [{\"email\": \"a@x.org\", \"phone\": \"081\"}, {\"email\": \"b@x.org\"}]}", 0, NULL);
	assert_int_equal(json_of("{{#rows}}<li>{{#email}}has mail{{/email}}</li>{{/rows}}", m), 0);
	assert_null(personal_collect(m));
	assert_int_equal(json_array_size(json_object_get(m, "rows")), 2);
	json_decref(m);
}

/* A salary is personal (issue 13: "salary and citizen ID masked in lists;
 * each read audited"): a list row's salary not printed leaves the JSON, its
 * masked form stays; a record page that prints it keeps it and reports it
 * shown (so the view layer audits the read). */
static void test_salary(void **state)
{
	(void)state;
	json_t *m = json_loads("{\"rows\": [{\"name\": \"ครูหนึ่ง\", \"salary_baht\": \"45,120.50\", "
			       "\"salary_masked\": \"xx,xxx.xx\", \"salary\": \"45120.50\"}]}",
			       0, NULL);
	assert_int_equal(json_of("{{#rows}}<td>{{name}}</td><td>{{salary_masked}}</td>{{/rows}}", m), 0);
	json_t *row = json_array_get(json_object_get(m, "rows"), 0);
	assert_null(json_object_get(row, "salary_baht"));
	assert_null(json_object_get(row, "salary"));
	assert_string_equal(jstr(row, "salary_masked"), "xx,xxx.xx");
	json_decref(m);
	m = json_loads("{\"staff\": {\"salary_text\": \"45,120.50\", \"phone\": \"0812345678\"}}", 0, NULL);
	assert_int_equal(json_of("<dd>{{staff.salary_text}} บาท</dd>", m), 1);
	assert_string_equal(jstr(json_object_get(m, "staff"), "salary_text"), "45,120.50");
	assert_null(json_object_get(json_object_get(m, "staff"), "phone"));
	json_decref(m);
}

/* A number under a personal key is personal too (the staff record's
 * salary in satang, 4512000): collected, shown when a template prints the
 * number itself, pruned when it prints only another form of it, reported
 * by an API answer with its text; a boolean is no one's data. */
static void test_numbers(void **state)
{
	(void)state;
	json_t *m = json_loads("{\"staff\": {\"salary\": 4512000, \"salary_text\": \"45,120.00\", "
			       "\"phone_verified\": true, \"email_taken\": false, \"birth_date_year\": 2512.5}}",
			       0, NULL);
	struct personal *p = personal_collect(m);
	assert_non_null(p);
	assert_int_equal(personal_count(p), 3); /* salary, salary_text, birth_date_year; not the booleans */
	personal_free(p);
	assert_int_equal(json_of("<dd>{{staff.salary_text}} บาท</dd>", m), 1);
	json_t *st = json_object_get(m, "staff");
	assert_null(json_object_get(st, "salary"));
	assert_null(json_object_get(st, "birth_date_year"));
	assert_string_equal(jstr(st, "salary_text"), "45,120.00");
	assert_true(json_is_true(json_object_get(st, "phone_verified")));
	json_decref(m);
	/* a template that prints the number keeps it */
	m = json_loads("{\"salary\": 4512000, \"rate\": {\"salary_ratio\": 0.25}}", 0, NULL);
	assert_int_equal(json_of("{{salary}} {{rate.salary_ratio}}", m), 2);
	assert_int_equal(json_integer_value(json_object_get(m, "salary")), 4512000);
	assert_non_null(json_object_get(json_object_get(m, "rate"), "salary_ratio"));
	json_decref(m);
	/* an API item: reported, with its text */
	json_t *item = json_pack("{s:I, s:s}", "salary", (json_int_t)3000000, "name", "x");
	p = personal_collect(item);
	assert_int_equal(personal_count(p), 1);
	personal_show_all(p);
	json_t *shown = personal_shown(p);
	assert_string_equal(jstr(json_array_get(shown, 0), "path"), "salary");
	assert_string_equal(jstr(json_array_get(shown, 0), "value"), "3000000");
	json_decref(shown);
	personal_prune(p);
	personal_free(p);
	assert_int_equal(json_integer_value(json_object_get(item, "salary")), 3000000);
	json_decref(item);
}

static void test_shown_by_text_and_conditions(void **state)
{
	(void)state;
	/* printed through another key (a form's field value is a copy of the
	 * record's): the record's copy is on the page too */
	json_t *m =
	    json_loads("{\"user\": {\"email\": \"a@x.org\", \"phone\": \"0811111111\"}, "
		       "\"errors\": {\"phone\": \"กรุณากรอกเบอร์โทรศัพท์\"}, "
		       "\"form\": {\"fields\": [{\"name\": \"email\", \"value\": \"a@x.org\"}, "
		       "{\"name\": \"phone\", \"value\": \"0811111111\"}, {\"name\": \"note\", \"value\": \"hi\"}], "
		       "\"values\": {\"email\": \"a@x.org\", \"phone\": \"0811111111\"}}, \"show_phone\": false}",
		       0, NULL);
	/* the phone is printed only under a condition that is false here */
	assert_int_equal(json_of("{{#form.fields}}{{name}}{{/form.fields}} {{#form.values}}{{email}}{{/form.values}}"
				 "{{#show_phone}}{{user.phone}}{{/show_phone}}",
				 m),
			 3);
	json_t *u = json_object_get(m, "user");
	assert_string_equal(jstr(u, "email"), "a@x.org");
	assert_null(json_object_get(u, "phone"));
	json_t *f = json_object_get(m, "form");
	assert_null(json_object_get(json_object_get(f, "values"), "phone"));
	json_t *fields = json_object_get(f, "fields");
	assert_string_equal(jstr(json_array_get(fields, 0), "value"), "a@x.org");
	assert_null(json_object_get(json_array_get(fields, 1), "value"));
	assert_string_equal(jstr(json_array_get(fields, 1), "name"), "phone");
	/* a form's message about a personal field is no one's data: kept */
	assert_string_equal(jstr(json_object_get(m, "errors"), "phone"), "กรุณากรอกเบอร์โทรศัพท์");
	/* a field that is not personal keeps its value */
	assert_string_equal(jstr(json_array_get(fields, 2), "value"), "hi");
	json_decref(m);
}

static void test_shared_record_and_paths(void **state)
{
	(void)state;
	/* one record set in two places of the model (json_object_set): pruned once, no harm done */
	json_t *rec = json_pack("{s:s, s:s}", "email", "c@x.org", "guardian_phone", "0822222222");
	json_t *m = json_pack("{s:O, s:[O]}", "learner", rec, "rows", rec);
	struct tmpl_set *set = tmpl_set_new();
	struct err e = ERR_INIT;
	const char *src = "{{#rows}}{{guardian_phone}}{{/rows}}";
	assert_int_equal(tmpl_set_add(set, "page", src, strlen(src), &e), 0);
	struct personal *p = personal_collect(m);
	assert_non_null(p);
	assert_int_equal(personal_count(p), 4);
	struct tmpl_watch w = {personal_seen, p};
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render_watch(set, "page", m, &out, &w, &e), 0);
	assert_string_equal(buf_cstr(&out), "0822222222");
	json_t *shown = personal_shown(p);
	/* both places of the phone, by path, with the value */
	assert_int_equal(json_array_size(shown), 2);
	assert_string_equal(jstr(json_array_get(shown, 0), "path"), "learner.guardian_phone");
	assert_string_equal(jstr(json_array_get(shown, 1), "path"), "rows[].guardian_phone");
	assert_string_equal(jstr(json_array_get(shown, 1), "value"), "0822222222");
	json_decref(shown);
	personal_prune(p);
	personal_free(p);
	assert_null(json_object_get(rec, "email"));
	assert_string_equal(jstr(rec, "guardian_phone"), "0822222222");
	buf_release(&out);
	tmpl_set_free(set);
	json_decref(rec);
	json_decref(m);
}

/* The walk (every page's model) looks a form field's name up only when the
 * object has a value, whichever comes first, and takes a key as jansson
 * keeps it: "email" followed by a NUL and more is another key, and pruning
 * deletes the key it found, not a shorter one. */
static void test_field_order_and_key_length(void **state)
{
	(void)state;
	json_t *m = json_loads("{\"fields\": [{\"value\": \"b@x.org\", \"name\": \"email\"}, "
			       "{\"value\": \"kept\", \"name\": \"note\"}], \"rows\": [{\"id\": 1, \"n\": null}]}",
			       0, NULL);
	json_t *rec = json_object();
	json_object_set_new(rec, "email", json_string("c@x.org"));
	json_object_setn_new(rec, "email\0x", 7, json_string("not personal"));
	json_object_set_new(m, "rec", rec);
	struct personal *p = personal_collect(m);
	assert_non_null(p);
	assert_int_equal(personal_count(p), 2); /* fields[].value of email, rec.email */
	personal_prune(p);
	personal_free(p);
	assert_null(json_object_get(json_array_get(json_object_get(m, "fields"), 0), "value"));
	assert_string_equal(jstr(json_array_get(json_object_get(m, "fields"), 1), "value"), "kept");
	assert_null(json_object_get(rec, "email"));
	assert_string_equal(json_string_value(json_object_getn(rec, "email\0x", 7)), "not personal");
	json_decref(m);
}

/* An API answer is its own contract: every personal value it carries was
 * read (core/api.c reports them all); masked forms and other keys none. */
static void test_show_all_of_an_answer(void **state)
{
	(void)state;
	json_t *item = json_pack("{s:s, s:s, s:s, s:n, s:[{s:s, s:s}]}", "gcode", "G690000000001", "ident_masked",
				 "G69xxxxxxxx01", "first_name", "กานต์", "email", "rows", "phone", "0812345678", "name",
				 "x");
	struct personal *p = personal_collect(item);
	assert_non_null(p);
	assert_int_equal(personal_count(p), 2); /* gcode, rows[].phone; a null e-mail is none */
	assert_int_equal(personal_shown_count(p), 0);
	personal_show_all(p);
	assert_int_equal(personal_shown_count(p), 2);
	json_t *shown = personal_shown(p);
	char *s = json_dumps(shown, JSON_COMPACT);
	assert_non_null(strstr(s, "\"gcode\""));
	assert_non_null(strstr(s, "\"rows[].phone\""));
	assert_null(strstr(s, "ident_masked"));
	free(s);
	json_decref(shown);
	personal_prune(p); /* nothing pruned: all shown */
	assert_string_equal(json_string_value(json_object_get(item, "gcode")), "G690000000001");
	personal_free(p);
	personal_show_all(NULL); /* a model with none */
	json_decref(item);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_convention),
	    cmocka_unit_test(test_json_keeps_what_the_page_prints),
	    cmocka_unit_test(test_salary),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_shown_by_text_and_conditions),
	    cmocka_unit_test(test_shared_record_and_paths),
	    cmocka_unit_test(test_field_order_and_key_length), cmocka_unit_test(test_show_all_of_an_answer),
	};
	return cmocka_run_group_tests_name("personal", tests, NULL, NULL);
}
