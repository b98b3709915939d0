/* test_form: form_field and form_select, the select every module makes of
 * a text field from a list of [{value, label}] (core/form.c). */
#include "unit.h"

#include <jansson.h>
#include <string.h>

#include "core/form.h"

static json_t *a_form(const char *a_value)
{
	return json_pack("{s:[{s:s, s:s, s:i}, {s:s, s:s}]}", "fields", "name", "a", "value", a_value, "maxlength",
			 16, "name", "b", "value", "y");
}

static const char *choice_text(json_t *f, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(f, "choices"), i), key));
}

static bool choice_selected(json_t *f, size_t i)
{
	return json_is_true(json_object_get(json_array_get(json_object_get(f, "choices"), i), "selected"));
}

static void test_field_by_name(void **state)
{
	(void)state;
	json_t *form = a_form("x");
	assert_string_equal(json_string_value(json_object_get(form_field(form, "b"), "value")), "y");
	assert_null(form_field(form, "c"));
	json_t *none = json_object();
	assert_null(form_field(none, "a"));
	json_decref(none);
	json_decref(form);
}

static void test_select_marks_the_value(void **state)
{
	(void)state;
	json_t *form = a_form("x");
	json_t *opts = json_pack("[{s:s, s:s}, {s:s, s:s}]", "value", "w", "label", "ว", "value", "x", "label", "ก");
	/* one list for two fields: each gets its own copies */
	form_select(form, "a", json_incref(opts), NULL);
	form_select(form, "b", json_incref(opts), "— ไม่ระบุ —");
	json_t *a = form_field(form, "a"), *b = form_field(form, "b");
	assert_true(json_is_true(json_object_get(a, "is_select")));
	assert_true(json_is_null(json_object_get(a, "maxlength")));
	assert_int_equal(json_array_size(json_object_get(a, "choices")), 3);
	assert_string_equal(choice_text(a, 0, "label"), "— เลือก —");
	assert_string_equal(choice_text(a, 0, "value"), "");
	assert_false(choice_selected(a, 0));
	assert_false(choice_selected(a, 1));
	assert_true(choice_selected(a, 2));
	assert_string_equal(choice_text(a, 2, "label"), "ก");
	/* b's value is in no option: the empty choice is not selected either */
	assert_string_equal(choice_text(b, 0, "label"), "— ไม่ระบุ —");
	for (size_t i = 0; i < 3; i++)
		assert_false(choice_selected(b, i));
	assert_null(json_object_get(json_array_get(opts, 1), "selected"));
	json_decref(opts);
	json_decref(form);
}

static void test_select_empty_value_and_missing_field(void **state)
{
	(void)state;
	json_t *form = a_form("");
	form_select(form, "a", json_pack("[{s:s, s:s}]", "value", "w", "label", "ว"), NULL);
	json_t *a = form_field(form, "a");
	assert_true(choice_selected(a, 0));
	assert_false(choice_selected(a, 1));
	/* no such field: the form is unchanged and the options are released */
	form_select(form, "zz", json_pack("[{s:s, s:s}]", "value", "w", "label", "ว"), NULL);
	assert_null(json_object_get(form_field(form, "b"), "choices"));
	json_decref(form);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_field_by_name),
	    cmocka_unit_test(test_select_marks_the_value),
	    cmocka_unit_test(test_select_empty_value_and_missing_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
