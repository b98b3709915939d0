/* fuzz_form: field validation and money parsing — an urlencoded body
 * against a form that has a field of every type (text with a pattern and
 * a name check, e-mail, phone, whole number, money, date, time, citizen
 * ID, choices single and multiple, checkbox), then the values as a handler
 * reads them, money as baht in figures and in Thai words, and the model
 * that shows the form again. */
#include "fuzz.h"

#include <stdio.h>

#include "core/http_internal.h"
#include "core/thai.h"

static const struct choice kinds[] = {{"a", "ก"}, {"b", "ข"}, {"long", "ยาว"}, {NULL, NULL}};
static const struct field fields[] = {
    {"name", "ชื่อ", FT_TEXT, F_REQUIRED | F_NAME, 20},
    {"code", "รหัส", FT_TEXT, 0, 10, 0, "^[0-9]{2,4}-[A-Z]$", "รหัสไม่ถูกต้อง"},
    {"note", "หมายเหตุ", FT_TEXTAREA, 0, 200},
    {"email", "อีเมล", FT_EMAIL, 0},
    {"phone", "โทรศัพท์", FT_PHONE, 0},
    {"n", "จำนวน", FT_INT, 0, 1000, -5},
    {"price", "ราคา", FT_MONEY, 0, 0, 0},
    {"fee", "ค่าธรรมเนียม", FT_MONEY, 0, 500000, 100},
    {"day", "วันที่", FT_DATE, 0},
    {"at", "เวลา", FT_TIME, 0},
    {"cid", "เลขประจำตัวประชาชน", FT_CITIZEN_ID, 0},
    {"kind", "ประเภท", FT_CHOICE, 0, 0, 0, NULL, NULL, kinds},
    {"kinds", "ประเภท (หลายข้อ)", FT_CHOICE, F_MULTI, 0, 0, NULL, NULL, kinds},
    {"ok", "ยืนยัน", FT_CHECKBOX, 0},
    {"h", NULL, FT_HIDDEN, 0},
    {"pw", "รหัสผ่าน", FT_PASSWORD, 0, 64},
    {NULL},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	memset(&r, 0, sizeof r);
	if (form_parse_body(&r, fields, "application/x-www-form-urlencoded", (const char *)data, size,
			    "/nonexistent") == 0) {
		for (const struct field *f = fields; f->name; f++)
			(void)form_value(&r, f->name);
		(void)form_int(&r, "n");
		long long satang[2] = {form_satang(&r, "price"), form_satang(&r, "fee")};
		for (int i = 0; i < 2; i++) {
			struct buf b = BUF_INIT;
			if (form_ok(&r) && satang[i] < 0)
				abort(); /* a checked amount is never negative */
			thai_baht_format(satang[i], &b);
			thai_baht_words(satang[i], &b);
			buf_release(&b);
		}
		json_t *m = form_model(&r, fields, NULL);
		char *s = json_dumps(m, 0);
		if (!s)
			abort(); /* what is shown again is valid UTF-8 JSON */
		free(s);
		json_decref(m);
	}
	form_cleanup(&r);
	return 0;
}
