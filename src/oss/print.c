/* print: a request as a PDF in an official layout (OSS-8) —
 * GET /oss/requests/:id/pdf. The office's name and the system's on top (no
 * Garuda: the document is a print of an electronic request, not a letter),
 * the form's title, the reference code, Buddhist-Era dates, the
 * applicant's data, every field of the service, the ปพ. order with its total
 * in words, the attachments, the status, the whole history and lines for
 * signatures, in the Laksaman font (core/pdf.h).
 *
 * The applicant gets his own request; an officer assigned to its service
 * in its area gets it too (and the read is audited, X-5). An officer of the
 * area whose service is not his is told so (403); anyone else is answered
 * 404 as if the request did not exist. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/export.h"
#include "core/pdf.h"
#include "core/view.h"
#include "org/org.h"
#include "oss/oss_pages.h"

/* The request the caller may print, or an answer (403 for staff of its
 * area not assigned to its service, 404 for anyone else: oss_access). */
static json_t *load_printable(struct req *r, bool *officer, int *answered)
{
	struct err e = ERR_INIT;
	json_t *req = oss_load_visible(r, req_db(r), req_param_id(r, "id"), officer, &e);
	if (!req)
		*answered = view_err(r, &e);
	return req;
}

static void row_if(struct pdf *p, const char *label, json_t *v)
{
	const char *s = json_string_value(v);
	if (s && *s)
		pdf_row(p, label, s);
}

/* The document of a request model (oss_request_model) in area. */
static void build(struct pdf *p, json_t *m, json_t *area)
{
	const char *area_name = jstr(area, "name");
	if (*area_name)
		pdf_subtitle(p, area_name);
	pdf_subtitle(p, "ระบบบริการแบบจุดเดียวเบ็ดเสร็จ (One Stop Service)");
	pdf_space(p, 3);
	pdf_row(p, "รหัสอ้างอิง", jstr(m, "code"));
	pdf_row(p, "บริการ", jstr(m, "service_name"));
	pdf_row(p, "ยื่นเมื่อ", jstr(m, "created_at_text"));

	pdf_heading(p, "ข้อมูลผู้ยื่นคำขอ");
	pdf_row(p, "ชื่อ-นามสกุล", jstr(m, "applicant_name"));
	row_if(p, "เลขประจำตัวประชาชน", json_object_get(m, "citizen_id"));
	row_if(p, "เบอร์โทรศัพท์", json_object_get(m, "phone"));
	row_if(p, "อีเมล", json_object_get(json_object_get(m, "data"), "email"));

	pdf_heading(p, "รายละเอียดคำขอ");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(m, "details"), i, d)
	{
		if (json_is_true(json_object_get(d, "is_amount"))) {
			struct buf w = BUF_INIT;
			buf_addf(&w, "(%s)", jstr(d, "words"));
			pdf_row_amount(p, jstr(d, "label"), jstr(d, "value"), buf_cstr(&w));
			buf_release(&w);
		} else {
			pdf_row(p, jstr(d, "label"), jstr(d, "value"));
		}
	}

	json_t *order = json_object_get(m, "order");
	if (json_is_object(order)) {
		pdf_heading(p, "รายการสั่งซื้อแบบพิมพ์ทางการศึกษา");
		static const char *const h[] = {"แบบพิมพ์", "จำนวน", "ราคาต่อหน่วย (บาท)", "เป็นเงิน (บาท)"};
		static const double w[] = {3, 1.2, 1.5, 1.5};
		pdf_table(p, 4, h, w);
		pdf_table_kinds(p, "tnnn"); /* figures right-aligned, lined up */
		json_array_foreach(json_object_get(order, "lines"), i, d)
		{
			char item[256], qty[64];
			snprintf(item, sizeof item, "%s (%s)", jstr(d, "label"), jstr(d, "level"));
			snprintf(qty, sizeof qty, "%lld %s", jint(d, "qty"), jstr(d, "unit"));
			pdf_table_row(
			    p, (const char *[]){item, qty, jstr(d, "price_text"), jstr(d, "amount_text")});
		}
		pdf_table_row(p, (const char *[]){"ราคารวม", "", "", jstr(order, "subtotal_text")});
		pdf_table_row(
		    p, (const char *[]){"ค่าขนส่ง (ร้อยละ 3.5 ขั้นต่ำ 25 บาท)", "", "", jstr(order, "shipping_text")});
		pdf_table_row(p, (const char *[]){"รวมทั้งสิ้น", "", "", jstr(order, "total_text")});
		pdf_space(p, 2);
		pdf_row(p, "จำนวนเงิน (ตัวอักษร)", jstr(order, "total_words"));
	}

	pdf_heading(p, "เอกสารประกอบ");
	json_t *files = json_object_get(m, "files");
	if (json_array_size(files) == 0)
		pdf_text(p, "ไม่มีเอกสารแนบ");
	json_array_foreach(files, i, d)
	{
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s (%s)", jstr(d, "name"), jstr(d, "size_text"));
		pdf_row(p, jstr(d, "label"), buf_cstr(&b));
		buf_release(&b);
	}
	json_t *result = json_object_get(m, "result_file");
	if (json_is_object(result))
		pdf_row(p, "ไฟล์จากเจ้าหน้าที่", jstr(result, "name"));

	pdf_heading(p, "สถานะ");
	pdf_row(p, "สถานะปัจจุบัน", jstr(m, "status_label"));
	pdf_row(p, "เมื่อ", jstr(m, "status_at_text"));
	row_if(p, "ข้อความล่าสุด", json_object_get(m, "note"));

	pdf_heading(p, "ประวัติการดำเนินการ");
	static const char *const hh[] = {"วันที่", "ผู้ดำเนินการ", "สถานะ", "ข้อความ"};
	static const double hw[] = {1.5, 2.1, 1.5, 2.4}; /* an officer's full name on one line */
	pdf_table(p, 4, hh, hw);
	pdf_table_kinds(p, "twtt"); /* the officer's name whole */
	json_array_foreach(json_object_get(m, "history"), i, d)
	{
		const char *msg = jstr(d, "message");
		struct buf b = BUF_INIT;
		if (json_is_true(json_object_get(d, "is_edit")))
			buf_adds(&b, "แก้ไขข้อมูล");
		if (json_is_true(json_object_get(d, "is_message")))
			buf_adds(&b, "ข้อความถึงผู้ยื่น (สถานะคงเดิม)");
		if (*msg)
			buf_addf(&b, "%s%s", b.len ? " — " : "", msg);
		if (jint(d, "file_id") > 0)
			buf_addf(&b, "%s(แนบไฟล์)", b.len ? " " : "");
		pdf_table_row(p, (const char *[]){jstr(d, "at_text"), jstr(d, "actor_name"),
						  jstr(d, "status_label"), buf_cstr(&b)});
		buf_release(&b);
	}

	pdf_space(p, 12);
	struct buf sig = BUF_INIT;
	buf_addf(&sig, "ลงชื่อ ...................................................... ผู้ยื่นคำขอ\n(%s)",
		 jstr(m, "applicant_name"));
	pdf_text(p, buf_cstr(&sig));
	buf_release(&sig);
	pdf_space(p, 8);
	pdf_text(p, "ลงชื่อ ...................................................... เจ้าหน้าที่ผู้รับคำขอ\n"
		    "(......................................................)");
}

int oss_request_pdf(struct req *r)
{
	bool officer = false;
	int rc = 0;
	json_t *req = load_printable(r, &officer, &rc);
	if (!req)
		return rc;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *m = oss_request_model(r, db, req, officer, &e);
	if (!m) {
		json_decref(req);
		return view_err(r, &e);
	}
	json_t *area = org_area_get(db, jint(req, "area_id"), &e);
	if (!area && e.status >= 500) {
		json_decref(m);
		json_decref(req);
		return view_err(r, &e);
	}
	if (officer)
		oss_audit(r, db, "personal.read", "oss_request", jint(req, "id"), jint(req, "area_id"),
			  json_pack("{s:s, s:s}", "code", jstr(req, "code"), "page", "pdf"));

	struct buf title = BUF_INIT;
	buf_addf(&title, "แบบ%s", jstr(m, "request_title"));
	struct pdf *p = pdf_new(buf_cstr(&title));
	buf_release(&title);
	struct buf foot = BUF_INIT;
	buf_adds(&foot, "รหัสอ้างอิง ");
	buf_adds(&foot, jstr(m, "code"));
	buf_adds(&foot, " · พิมพ์เมื่อ ");
	json_t *printed = oss_text_datetime(oss_now());
	buf_adds(&foot, json_string_value(printed));
	json_decref(printed);
	pdf_footer(p, buf_cstr(&foot));
	buf_release(&foot);
	build(p, m, area);

	struct buf out = BUF_INIT;
	/* named like every export: oss-request-<code>-<BE date>.pdf, the Thai
	 * name "คำร้อง <code>" with the same date */
	char base[64], code[48];
	snprintf(code, sizeof code, "%s", jstr(req, "code"));
	snprintf(base, sizeof base, "oss-request-%s", code);
	json_decref(area);
	json_decref(m);
	json_decref(req);
	if (pdf_finish(p, &out, &e) < 0) {
		buf_release(&out);
		return view_err(r, &e);
	}
	return export_pdf(r, &out, base, "คำร้อง %s", code);
}
