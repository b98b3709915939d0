/* docs: per service, the manual (คู่มือ) and the blank form (แบบฟอร์ม) the
 * area admin uploads and anyone downloads (OSS-2).
 *
 *   GET  /oss/admin/documents                   the admin's page: six services × two kinds
 *   POST /oss/admin/documents                   upload (service, kind, a PDF)
 *   POST /oss/admin/documents/:service/:kind/remove
 *   GET  /oss/docs/:area/:service/:kind         the file, for anyone
 *
 * A document is a PDF checked by its bytes (form.c's libmagic check, then
 * the type must be application/pdf), at most 10 MB, stored under
 * DATA/files/oss/docs/<area>/ and listed in oss_documents (0011). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/form.h"
#include "core/view.h"
#include "oss/oss_pages.h"

#define DOC_MAX_BYTES (10LL * 1024 * 1024)

static const struct choice kind_choices[] = {
    {"manual", "คู่มือการใช้บริการ"},
    {"form", "แบบฟอร์มเปล่า"},
    {NULL, NULL},
};

static const struct choice doc_service_choices[] = {
    {"11", "บัตรประจำตัวเจ้าหน้าที่ของรัฐ"}, {"12", "หนังสือรับรอง"},  {"21", "บำเหน็จดำรงชีพ"}, {"31", "จองห้องประชุม"},
    {"32", "นัดหมายผู้บริหาร"},	      {"41", "สั่งซื้อ ปพ.1-3"}, {NULL, NULL},
};

const struct field oss_document_form[] = {
    {.name = "service", .label = "บริการ", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = doc_service_choices},
    {.name = "kind", .label = "ประเภทเอกสาร", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = kind_choices},
    {.name = "file",
     .label = "ไฟล์ PDF",
     .type = FT_FILE,
     .flags = F_REQUIRED,
     .max = DOC_MAX_BYTES,
     .hint = "ไฟล์ PDF ขนาดไม่เกิน 10 MB แทนที่ไฟล์เดิมของบริการและประเภทนี้"},
    {NULL},
};

static const char *kind_label(const char *kind)
{
	return !strcmp(kind, "manual") ? "คู่มือ" : "แบบฟอร์ม";
}

json_t *oss_documents_list(struct db *db, long long area_id, struct err *e)
{
	json_t *rows =
	    db_rows_json(db,
			 "SELECT service, kind, name, size, uploaded_at FROM oss_documents WHERE area_id = $1 "
			 "ORDER BY service, kind",
			 DB_ARGS(DB_INT(area_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *d;
	json_array_foreach(rows, i, d)
	{
		char url[96];
		snprintf(url, sizeof url, "/oss/docs/%lld/%s/%s", area_id, jstr(d, "service"), jstr(d, "kind"));
		json_object_set_new(d, "url", json_string(url));
		json_object_set_new(d, "label", json_string(kind_label(jstr(d, "kind"))));
	}
	return rows;
}

json_t *oss_documents_of(json_t *docs, const char *service)
{
	json_t *out = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(docs, i, d) if (!strcmp(jstr(d, "service"), service)) json_array_append(out, d);
	return out;
}

/* ---- download ------------------------------------------------------------------ */

int oss_document_get(struct req *r)
{
	long long area_id = req_param_id(r, "area");
	const char *service = req_param(r, "service"), *kind = req_param(r, "kind");
	if (area_id <= 0 || !oss_service_valid(service) || (strcmp(kind, "manual") && strcmp(kind, "form")))
		return view_error(r, 404, "ไม่พบเอกสารที่ต้องการ");
	struct err e = ERR_INIT;
	json_t *d = db_row_json(
	    req_db(r), "SELECT path, name FROM oss_documents WHERE area_id = $1 AND service = $2 AND kind = $3",
	    DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(kind)), &e);
	if (!d)
		return e.status == 404 ? view_error(r, 404, "ไม่พบเอกสารที่ต้องการ สำนักงานเขตพื้นที่นี้ยังไม่ได้อัปโหลดเอกสารนี้")
				       : view_err(r, &e);
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s", http_settings()->data_dir, jstr(d, "path"));
	int rc = view_file(r, buf_cstr(&path), "application/pdf", jstr(d, "name"));
	buf_release(&path);
	json_decref(d);
	return rc;
}

/* ---- the admin's page --------------------------------------------------------------- */

static int documents_page(struct req *r, int status)
{
	json_t *area;
	int rc = 0;
	long long area_id = oss_admin_area(r, &area, &rc);
	if (area_id < 0)
		return rc;
	struct err e = ERR_INIT;
	json_t *docs = oss_documents_list(req_db(r), area_id, &e);
	if (!docs) {
		json_decref(area);
		return view_err(r, &e);
	}
	json_t *rows = json_array();
	for (int i = 0; i < OSS_SERVICE_COUNT; i++) {
		const char *code = oss_service_codes[i];
		json_t *row = json_pack("{s:s, s:s}", "code", code, "name", oss_service_name(code));
		for (const struct choice *k = kind_choices; k->value; k++) {
			json_t *have = NULL;
			size_t j;
			json_t *d;
			json_array_foreach(docs, j, d) if (!strcmp(jstr(d, "service"), code) &&
							   !strcmp(jstr(d, "kind"), k->value)) have = d;
			char remove[96];
			snprintf(remove, sizeof remove, "/oss/admin/documents/%s/%s/remove", code, k->value);
			json_object_set_new(row, k->value,
					    have ? json_pack("{s:O, s:O, s:s}", "name", json_object_get(have, "name"),
							     "url", json_object_get(have, "url"), "remove_url", remove)
						 : json_null());
		}
		json_array_append_new(rows, row);
	}
	json_decref(docs);
	json_t *m = json_pack("{s:s, s:o, s:o, s:o}", "page_title", "คู่มือและแบบฟอร์มของบริการ", "area", area, "rows", rows,
			      "form", form_model(r, oss_document_form, NULL));
	return view_page(r, status, "oss/admin_documents", m);
}

int oss_admin_documents(struct req *r)
{
	return documents_page(r, 200);
}

int oss_admin_document_add(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_posted_area(r, documents_page, &rc);
	if (area_id < 0)
		return rc;
	const struct form_file *ff = form_file(r, "file");
	if (!ff || strcmp(ff->mime, "application/pdf")) {
		form_error(r, "file", "ไฟล์นี้ไม่ใช่ PDF กรุณาเลือกไฟล์ PDF (ตรวจจากเนื้อไฟล์ ไม่ใช่นามสกุล)");
		return documents_page(r, 422);
	}
	const char *service = form_value(r, "service"), *kind = form_value(r, "kind");
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	unsigned char rnd[8];
	char hex[17];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	struct buf rel = BUF_INIT, dir = BUF_INIT, full = BUF_INIT;
	buf_addf(&rel, "files/oss/docs/%lld/%s-%s-%s.pdf", area_id, service, kind, hex);
	const char *name = *ff->filename ? ff->filename : "document.pdf";
	long long n =
	    db_exec(db,
		    "INSERT INTO oss_documents (area_id, service, kind, path, name, size, uploaded_by, uploaded_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (area_id, service, kind) DO UPDATE SET "
		    "path = excluded.path, name = excluded.name, size = excluded.size, "
		    "uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
		    DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(kind), DB_TEXT(buf_cstr(&rel)), DB_TEXT(name),
			    DB_INT(ff->size), DB_INT(acc_user_id(r)), DB_INT(oss_now())),
		    &e);
	rc = n < 0 ? -1 : 0;
	/* the row first, the move last: a failed insert leaves no file */
	const char *data_dir = http_settings()->data_dir;
	static const char *const parts[] = {"files", "files/oss", "files/oss/docs"};
	for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof *parts; i++) {
		buf_reset(&dir);
		buf_addf(&dir, "%s/%s", data_dir, parts[i]);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(&e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	if (rc == 0) {
		buf_reset(&dir);
		buf_addf(&dir, "%s/files/oss/docs/%lld", data_dir, area_id);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(&e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	if (rc == 0) {
		buf_addf(&full, "%s/%s", data_dir, buf_cstr(&rel));
		rc = form_file_keep(r, "file", buf_cstr(&full), &e);
	}
	buf_release(&rel);
	buf_release(&dir);
	buf_release(&full);
	if (rc < 0)
		return view_err(r, &e);
	oss_audit(r, db, "oss.document.upload", "oss_document", 0, area_id,
		  json_pack("{s:s, s:s, s:s, s:I}", "service", service, "kind", kind, "name", name, "size",
			    (json_int_t)ff->size));
	struct buf flash = BUF_INIT;
	buf_addf(&flash, "อัปโหลด%sของบริการ %s แล้ว", kind_label(kind), oss_service_name(service));
	rc = view_redirect(r, "/oss/admin/documents", buf_cstr(&flash));
	buf_release(&flash);
	return rc;
}

int oss_admin_document_remove(struct req *r)
{
	int rc = 0;
	long long area_id = oss_admin_area_id(r, &rc);
	if (area_id < 0)
		return rc;
	const char *service = req_param(r, "service"), *kind = req_param(r, "kind");
	struct err e = ERR_INIT;
	long long n =
	    oss_service_valid(service)
		? db_exec(req_db(r), "DELETE FROM oss_documents WHERE area_id = $1 AND service = $2 AND kind = $3",
			  DB_ARGS(DB_INT(area_id), DB_TEXT(service), DB_TEXT(kind)), &e)
		: 0;
	if (n < 0)
		return view_err(r, &e);
	if (n == 0)
		return view_error(r, 404, "ไม่พบเอกสารที่ต้องการ");
	oss_audit(r, req_db(r), "oss.document.remove", "oss_document", 0, area_id,
		  json_pack("{s:s, s:s}", "service", service, "kind", kind));
	return view_redirect(r, "/oss/admin/documents", "ลบเอกสารแล้ว");
}
