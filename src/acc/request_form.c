/* request_form: the blank access-request form (แบบคำขอรับสิทธิ์การใช้งาน
 * ระบบสารสนเทศ, seed 003 part 1 step 4.1 and its appendix) as a PDF to
 * print, fill in by hand, have the school director sign and upload with
 * the request (ACC-4). It follows the seed's appendix: the user's data with
 * blanks, new staff or replacing someone, the permissions to tick — the
 * requestable ones the modules declare, so a new module's appear without
 * editing this file — the user's pledge, the signature lines of the
 * requester and of the director who certifies, and the area officer's box.
 * The blocks are built as data first (acc_request_form_blocks), so the
 * wording is testable without reading a PDF. */
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/form.h"
#include "core/jsonx.h"
#include "core/export.h"
#include "core/pdf.h"
#include "core/view.h"
#include "org/org.h"

#define DOTS "........................................"
#define SHORT ".................."

static void add(json_t *a, const char *kind, const char *text)
{
	json_array_append_new(a, json_pack("{s:s, s:s}", "kind", kind, "text", text));
}

json_t *acc_request_form_blocks(const char *area_name)
{
	json_t *a = json_array();
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s", area_name && *area_name ? area_name : "สำนักงานเขตพื้นที่การศึกษา" DOTS);
	add(a, "subtitle", buf_cstr(&b));
	add(a, "subtitle", "โรงเรียน" DOTS DOTS);
	add(a, "heading", "ข้อมูลผู้ใช้งาน");
	add(a, "text", "หมายเลขบัตรประจำตัวประชาชน  _ - _ _ _ _ - _ _ _ _ _ - _ _ - _");
	add(a, "text", "คำนำหน้า" SHORT " ชื่อ" SHORT SHORT " นามสกุล" SHORT SHORT);
	add(a, "text", "Title" SHORT " Name" SHORT SHORT " Surname" SHORT SHORT);
	add(a, "text", "ประเภท  ( ) ข้าราชการ   ( ) พนักงานราชการ/ลูกจ้างประจำ   ( ) ลูกจ้างชั่วคราว/จ้างเหมาบริการ");
	/* each line fits the page: a dotted blank does not break, so a line too
	 * long broke its label instead ("เบอร์/โทรศัพท์มือถือ", "ลงทะเบียนใน/ระบบ") */
	add(a, "text", "ตำแหน่ง" SHORT SHORT " เบอร์โทรศัพท์ (ที่ทำงาน)" SHORT);
	add(a, "text", "เบอร์โทรศัพท์มือถือ" SHORT SHORT);
	add(a, "text", "อีเมล (ที่ลงทะเบียนในระบบ)" DOTS);
	add(a, "text", "โรงเรียน / กลุ่มงาน" DOTS " จังหวัด" SHORT SHORT);
	add(a, "text",
	    "สิทธิ  ( ) เจ้าหน้าที่ที่เพิ่มใหม่   ( ) เพื่อทดแทน ชื่อ" SHORT SHORT " เนื่องจาก ( ) ลาออก ( ) ย้ายไปสังกัด" SHORT);
	add(a, "heading", "สิทธิ์การใช้งานที่ขอ (ทำเครื่องหมายในช่อง ( ) ที่ขอ)");
	for (const struct choice *c = acc_permission_choices(); c && c->value; c++) {
		buf_reset(&b);
		buf_addf(&b, "( )  %s", c->label);
		add(a, "choice", buf_cstr(&b));
	}
	add(a, "heading", "ข้าพเจ้าขอรับรองว่าข้อมูลทั้งหมดเป็นความจริง และจะปฏิบัติดังนี้");
	add(a, "text", "1. ข้าพเจ้าจะระมัดระวัง ไม่ให้ผู้อื่นล่วงรู้รหัสผ่านของตนเอง");
	add(a, "text",
	    "2. ข้าพเจ้าจะใช้งานบัญชีของตนเอง และจะไม่อนุญาตให้ผู้อื่นใช้งานผ่านบัญชีของตน "
	    "หากมีเหตุจำเป็นที่ต้องมอบหมายบุคคลอื่นล่วงรู้รหัสผ่าน เมื่อเกิดปัญหาข้าพเจ้ายินยอมรับผิดชอบ");
	add(a, "text", "3. ข้าพเจ้าจะรับผิดชอบต่องานที่ปฏิบัติ รวมถึงที่เกิดจากการบันทึกข้อมูลอันเป็นเท็จ");
	add(a, "text",
	    "4. ข้าพเจ้าจะปฏิบัติตามบทบัญญัติแห่ง พ.ร.บ. ว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์ พ.ศ. 2550 "
	    "และที่แก้ไขเพิ่มเติม และกฎหมาย กฎกระทรวง ระเบียบ ข้อบังคับที่เกี่ยวข้อง");
	add(a, "space", "");
	add(a, "signature", "ลงชื่อ" DOTS " ผู้ขอรับสิทธิ์การใช้งาน\n(" DOTS ")\nตำแหน่ง" DOTS "\nวันที่ ......../......../........");
	add(a, "space", "");
	add(a, "signature",
	    "ลงชื่อ" DOTS " ผู้รับรอง\n(" DOTS ")\nตำแหน่ง" DOTS " (ผอ./รองผอ./รักษาการ)\nวันที่ ......../......../........");
	add(a, "heading", "สำหรับเจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษา");
	add(a, "officer", "");
	add(a, "text",
	    "เมื่อกรอกและลงนามครบแล้ว ให้สแกนหรือถ่ายภาพแบบนี้ แล้วแนบในหน้า \"ขอรับสิทธิ์การใช้งานระบบ\" "
	    "(/access/requests/new) แอดมินเขตจะตรวจสอบก่อนอนุมัติ");
	buf_release(&b);
	return a;
}

/* GET /access/request-form.pdf[?area=ID]: the blank form, with the area's
 * name when one is given. */
static int form_pdf(struct req *r)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long area_id = req_query_int(r, "area", 0, 0, 1000000000);
	json_t *area = NULL;
	if (db && area_id > 0) {
		area = org_area_get(db, area_id, &e);
		if (!area && e.status >= 500)
			return view_err(r, &e);
	}
	json_t *blocks = acc_request_form_blocks(area ? jstr(area, "name") : NULL);
	json_decref(area);
	struct pdf *p = pdf_new("แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ");
	pdf_footer(p, "แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ (ระบบ Khet)");
	size_t i;
	json_t *x;
	bool in_choices = false;
	json_array_foreach(blocks, i, x)
	{
		const char *k = jstr(x, "kind"), *t = jstr(x, "text");
		if (in_choices && strcmp(k, "choice"))
			in_choices = false;
		if (!strcmp(k, "subtitle"))
			pdf_subtitle(p, t);
		else if (!strcmp(k, "heading"))
			pdf_heading(p, t);
		else if (!strcmp(k, "space"))
			pdf_space(p, 6);
		else if (!strcmp(k, "choice")) {
			if (!in_choices) {
				static const char *const h[] = {"ขอ", "สิทธิ์การใช้งาน", "หน่วยงาน (โรงเรียน/กลุ่มงาน)"};
				static const double w[] = {0.5, 3, 2};
				pdf_table(p, 3, h, w);
				in_choices = true;
			}
			pdf_table_row(p, (const char *[]){"( )", t + strlen("( )  "), ""});
		} else if (!strcmp(k, "officer")) {
			static const char *const h[] = {"สิทธิ์ที่อนุมัติ", "วันที่อนุมัติสิทธิ์ในระบบ", "ลงนามผู้อนุมัติ"};
			pdf_table(p, 3, h, NULL);
			for (int n = 0; n < 3; n++)
				pdf_table_row(p, (const char *[]){" \n ", "____/____/____", ""});
		} else
			pdf_text(p, t);
	}
	json_decref(blocks);
	struct buf out = BUF_INIT;
	if (pdf_finish(p, &out, &e) < 0) {
		buf_release(&out);
		return view_err(r, &e);
	}
	/* named like every export: access-request-form-<BE date>.pdf, the Thai name with the same date */
	return export_pdf(r, &out, "access-request-form", "แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ");
}

static const struct route routes[] = {
    {"GET", "/access/request-form.pdf", form_pdf, NULL, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_request_form_routes = {"acc", routes};
