/* school_admin_reg: registration of a school's admin (ACC-5, seed 004, ว22/
 * 2565). A school has one admin. The director registers himself, or a deputy
 * or a teacher registers with the director's written delegation uploaded
 * (an acting director delegates someone of the school he acts for); the
 * school's central e-mail is given. The area admin of the school's area
 * checks and approves, or rejects with a reason that is e-mailed back. On
 * approval the person's account is used if he has one (one person, one
 * account: ACC-1) or made without a password, the school_admin grant is
 * added, and a link to set the password is e-mailed
 * (acc_setpw_link_send).
 *
 * The form is public, so it says nothing about who holds a citizen ID: a
 * registration for a person who has an account already is taken exactly
 * like one for a new person, and only the area admin sees that the account
 * will be reused — and that such an account only gets the role: its
 * e-mail and password stay, and no set-password link goes out when it has
 * a password or any role outside that school. An e-mail held by an
 * account that is not the registrant's own (another citizen ID) could
 * never be approved, so it is refused at the field after the bot check,
 * in words that name no one (issue 10.11); the registrant's own account's
 * e-mail passes, as the account is reused. If such an account appears
 * between the registration and the approval, the area admin sees the
 * conflict and the approval stops. Submissions are rate-limited
 * per client address, raised for the address of a registration session an
 * area admin opened for a meeting (registration_session.c). "One admin per school" is checked at the submission (an
 * active admin, or a registration waiting — the UNIQUE open_school column)
 * and again by acc_grant_add at the approval. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/export.h"
#include "core/form.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/ratelimit.h"
#include "core/thai.h"
#include "core/view.h"
#include "org/org.h"

#define PER_PAGE 25
/* Submissions of the public form per client address. */
#define REG_ADDRESS_MAX 20
#define REG_WINDOW (15 * 60)

/* --- rules (pure) ---------------------------------------------------------- */

static const struct choice registrant_choices[] = {
    {"director", "ผู้อำนวยการสถานศึกษา (ลงทะเบียนด้วยตนเอง)"},
    {"deputy", "รองผู้อำนวยการสถานศึกษา ที่ได้รับมอบหมายเป็นลายลักษณ์อักษร"},
    {"teacher", "ข้าราชการครู ที่ได้รับมอบหมายเป็นลายลักษณ์อักษร"},
    {NULL, NULL},
};

static const char *registrant_label(const char *v)
{
	for (const struct choice *c = registrant_choices; c->value; c++)
		if (!strcmp(c->value, v))
			return c->label;
	return v;
}

int acc_schooladmin_registrant_check(const char *registrant, bool has_letter, const char *delegated_by, struct err *e)
{
	const char *r = nz(registrant);
	if (!strcmp(r, "director"))
		return 0;
	if (strcmp(r, "deputy") && strcmp(r, "teacher"))
		return err_field(e, "registrant", "กรุณาเลือกผู้ลงทะเบียนจากรายการ");
	if (!*nz(delegated_by))
		return err_field(e, "delegated_by", "ผู้ได้รับมอบหมายต้องระบุชื่อผู้อำนวยการ (หรือผู้รักษาการ) ที่มอบหมาย");
	if (!has_letter)
		return err_field(e, "letter", "ผู้ได้รับมอบหมายต้องแนบหนังสือมอบหมายที่ผู้อำนวยการลงนาม (PDF, JPEG หรือ PNG)");
	return 0;
}

/* --- helpers ------------------------------------------------------------------ */

static const char reg_denied[] = "คุณไม่มีสิทธิ์ดูหรืออนุมัติการลงทะเบียนนี้ "
				 "แอดมินเขตพิจารณาได้เฉพาะการลงทะเบียนของสถานศึกษาในเขตพื้นที่ของตนเท่านั้น";

static const char *status_label(const char *s)
{
	if (!strcmp(s, "pending"))
		return "รออนุมัติ";
	if (!strcmp(s, "approved"))
		return "อนุมัติแล้ว";
	if (!strcmp(s, "rejected"))
		return "ไม่อนุมัติ";
	return s;
}

static void decorate(json_t *x)
{
	long long id = jint(x, "id");
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s %s", jstr(x, "title"), jstr(x, "first_name"), jstr(x, "last_name"));
	json_object_set_new(x, "display_name", json_string(buf_cstr(&b)));
	buf_release(&b);
	json_object_set_new(x, "registrant_label", json_string(registrant_label(jstr(x, "registrant"))));
	json_object_set_new(x, "status_label", json_string(status_label(jstr(x, "status"))));
	json_object_set_new(x, "pending", json_boolean(!strcmp(jstr(x, "status"), "pending")));
	json_object_set_new(x, "has_file", json_boolean(jint(x, "file_size") > 0));
	acc_add_time_text(x, "created_at", "created_at_text");
	acc_add_time_text(x, "decided_at", "decided_at_text");
	struct buf m = BUF_INIT;
	thai_citizen_id_mask(jstr(x, "citizen_id"), &m);
	json_object_set_new(x, "citizen_id_masked", json_string(buf_cstr(&m)));
	buf_release(&m);
	char u[80];
	snprintf(u, sizeof u, "/school-admin/regs/%lld", id);
	json_object_set_new(x, "url", json_string(u));
	snprintf(u, sizeof u, "/school-admin/regs/%lld/file", id);
	json_object_set_new(x, "file_url", json_string(u));
}

#define REG_COLUMNS                                                                                                    \
	"SELECT g.id, g.school_id, g.area_id, g.registrant, g.delegated_by, g.citizen_id, g.title, g.first_name, "     \
	"g.last_name, g.position, g.phone, g.email, g.file_name, g.file_mime, g.file_size, g.status, "                 \
	"COALESCE(g.user_id, 0) AS user_id, g.created_at, g.decided_at, g.decision_note, s.name AS school_name, "      \
	"s.obec_code, a.short_name AS area_name "                                                                      \
	"FROM school_admin_regs g JOIN schools s ON s.id = g.school_id JOIN areas a ON a.id = g.area_id "

/* --- the public registration form ------------------------------------------------- */

static const struct field reg_form[] = {
    {.name = "school_code",
     .label = "รหัสสถานศึกษา",
     .type = FT_TEXT,
     .flags = F_REQUIRED,
     .max = 10,
     .pattern = "^([0-9]{8}|[0-9]{10})$",
     .pattern_msg = "รหัสสถานศึกษาต้องเป็นตัวเลข 10 หลัก (รหัส สพฐ.) หรือ 8 หลัก (รหัส SMIS)",
     .hint = "รหัส สพฐ. 10 หลัก หรือรหัส SMIS 8 หลัก"},
    {.name = "registrant", .label = "ผู้ลงทะเบียน", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = registrant_choices},
    {.name = "delegated_by",
     .label = "ชื่อผู้อำนวยการ (หรือผู้รักษาการ) ที่มอบหมาย",
     .type = FT_TEXT,
     .max = 200,
     .hint = "กรอกเฉพาะกรณีได้รับมอบหมาย"},
    {.name = "letter",
     .label = "หนังสือมอบหมาย",
     .type = FT_FILE,
     .hint = "จำเป็นเมื่อได้รับมอบหมาย: ไฟล์ PDF, JPEG หรือ PNG ไม่เกิน 5 MB"},
    {.name = "citizen_id", .label = "เลขประจำตัวประชาชน", .type = FT_CITIZEN_ID, .flags = F_REQUIRED},
    {.name = "title", .label = "คำนำหน้า", .type = FT_TEXT, .flags = F_REQUIRED, .max = 40},
    {.name = "first_name", .label = "ชื่อ", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "last_name", .label = "นามสกุล", .type = FT_TEXT, .flags = F_REQUIRED | F_NAME, .max = 100},
    {.name = "position", .label = "ตำแหน่ง", .type = FT_TEXT, .flags = F_REQUIRED, .max = 100},
    {.name = "phone", .label = "เบอร์โทรศัพท์", .type = FT_PHONE, .flags = F_REQUIRED},
    {.name = "email",
     .label = "อีเมลกลางของสถานศึกษา",
     .type = FT_EMAIL,
     .flags = F_REQUIRED,
     .max = 254,
     .hint = "ระบบจะส่งผลการอนุมัติและลิงก์ตั้งรหัสผ่านไปที่อีเมลนี้"},
    {.name = "altcha", .label = "การยืนยันว่าไม่ใช่บอท", .type = FT_TEXT, .max = 4000},
    {0},
};

static void title_select(json_t *form)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(form, "fields"), i, f)
	{
		if (strcmp(jstr(f, "name"), "title"))
			continue;
		const char *cur = jstr(f, "value");
		json_t *cs = json_array();
		json_array_append_new(
		    cs, json_pack("{s:s, s:s, s:b}", "value", "", "label", "— เลือก —", "selected", !*cur));
		for (size_t k = 0; acc_titles[k]; k++)
			json_array_append_new(cs, json_pack("{s:s, s:s, s:b}", "value", acc_titles[k], "label",
							    acc_titles[k], "selected", !strcmp(cur, acc_titles[k])));
		json_object_set_new(f, "choices", cs);
		json_object_set_new(f, "is_select", json_true());
		json_object_set_new(f, "maxlength", json_null());
	}
}

static int reg_page(struct req *r, int status, bool sent)
{
	json_t *form = form_model(r, reg_form, NULL);
	json_t *fields = json_object_get(form, "fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		if (!strcmp(jstr(f, "name"), "altcha")) {
			json_array_remove(fields, i);
			break;
		}
	}
	json_object_del(json_object_get(form, "values"), "altcha");
	title_select(form);
	json_t *altcha_err = json_object_get(json_object_get(form, "errors"), "altcha");
	json_object_set(form, "altcha_error", altcha_err ? altcha_err : json_null());
	json_t *m = json_pack("{s:s, s:o, s:s, s:b}", "page_title", "ลงทะเบียนแอดมินสถานศึกษา", "form", form,
			      "altcha_challenge_url", "/altcha/challenge", "sent", sent);
	return view_page(r, status, "acc/schooladmin_register", m);
}

/* GET the form, and the same page saying it was sent: the route's data
 * says which. */
static const bool reg_sent = true;

static int reg_get(struct req *r)
{
	const bool *sent = req_route_data(r);
	return reg_page(r, 200, sent && *sent);
}

static const char dup_admin[] = "สถานศึกษานี้มีแอดมินสถานศึกษาแล้ว (สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) "
				"หากต้องการเปลี่ยนแอดมิน ให้แจ้งแอดมินเขตยกเลิกแอดมินเดิมก่อน";
static const char email_taken_msg[] = "อีเมลนี้ใช้กับบัญชีอื่นอยู่แล้ว กรุณาใช้อีเมลกลางของโรงเรียนที่ยังไม่เคยลงทะเบียน "
				      "หรือติดต่อแอดมินเขต";
static const char dup_pending[] = "สถานศึกษานี้มีการลงทะเบียนแอดมินที่รอแอดมินเขตอนุมัติอยู่แล้ว "
				  "(สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) กรุณารอผลหรือติดต่อแอดมินเขต";

/* Checks a submission's school against the database; returns the school's
 * id and area, or -1 with e. Nothing about a person is looked up: an
 * e-mail held by another account is the area admin's to see at approval,
 * never told to an anonymous visitor. */
static long long reg_check(struct db *db, const char *code, long long *area, struct err *e)
{
	json_t *s = db_row_json(db, "SELECT id, area_id FROM schools WHERE obec_code = $1 OR smis_code = $1",
				DB_ARGS(DB_TEXT(code)), e);
	if (!s)
		return e->status == 404 ? err_field(e, "school_code", "ไม่พบสถานศึกษารหัส %s กรุณาตรวจสอบรหัสอีกครั้ง", code)
					: -1;
	long long school = jint(s, "id");
	*area = jint(s, "area_id");
	json_decref(s);
	long long one = 0;
	int rc = db_int_value(
	    db, "SELECT 1 FROM grants WHERE school_id = $1 AND role = 'school_admin' AND revoked_at IS NULL",
	    DB_ARGS(DB_INT(school)), &one, e);
	if (rc)
		return rc < 0 ? -1 : (err_field(e, "school_code", "%s", dup_admin), e->status = 409, -1);
	rc = db_int_value(db, "SELECT 1 FROM school_admin_regs WHERE open_school = $1", DB_ARGS(DB_INT(school)), &one,
			  e);
	if (rc)
		return rc < 0 ? -1 : (err_field(e, "school_code", "%s", dup_pending), e->status = 409, -1);
	return school;
}

static int reg_post(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return acc_db_unavailable(r);
	struct err e = ERR_INIT;
	/* a size set by law: the e-mail field refuses more than 254 bytes
	 * (RFC 5321), and this copy is used only once the form is valid */
	char email[256];
	snprintf(email, sizeof email, "%s", form_value(r, "email"));
	for (char *p = email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	struct acc_user_new u = {
	    .citizen_id = form_value(r, "citizen_id"),
	    .email = email,
	    .title = form_value(r, "title"),
	    .first_name = form_value(r, "first_name"),
	    .last_name = form_value(r, "last_name"),
	    .phone = form_value(r, "phone"),
	};
	if (form_ok(r) && acc_user_validate(&u, &e) < 0) {
		form_error_err(r, &e);
		err_clear(&e);
	}
	if (form_ok(r) && acc_schooladmin_registrant_check(form_value(r, "registrant"), form_file(r, "letter") != NULL,
							   form_value(r, "delegated_by"), &e) < 0) {
		form_error_err(r, &e);
		err_clear(&e);
	}
	if (!form_ok(r))
		return reg_page(r, 422, false);
	/* attempts per client address, kept although the answer is an error */
	long long now = (long long)time(NULL), wait = 0;
	int blocked = acc_reg_attempt(r, db, "saregister", REG_ADDRESS_MAX, REG_WINDOW, now, &wait, &e);
	if (blocked < 0)
		return view_err(r, &e);
	if (blocked) {
		char msg[300];
		snprintf(msg, sizeof msg, "มีการลงทะเบียนจากเครือข่ายนี้บ่อยเกินไป กรุณารออีก %lld นาทีแล้วลองใหม่", wait);
		form_error(r, "_form", msg);
		return reg_page(r, 429, false);
	}
	/* the bot check before anything is looked up; from here on the
	 * address's count and the used solution stay, whatever the answer */
	if (acc_altcha_verify(db, form_value(r, "altcha"), now, &e) < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		req_commit_on_error(r);
		form_error_err(r, &e);
		return reg_page(r, 422, false);
	}
	long long area = 0;
	long long school = reg_check(db, form_value(r, "school_code"), &area, &e);
	if (school < 0) {
		if (e.status >= 500)
			return view_err(r, &e);
		req_commit_on_error(r);
		form_error_err(r, &e);
		return reg_page(r, e.status == 409 ? 409 : 422, false);
	}
	/* an e-mail of someone else's account: the approval could only fail */
	long long taken = 0;
	int trc = db_int_value(db, "SELECT 1 FROM users WHERE email = $1 AND citizen_id <> $2",
			       DB_ARGS(DB_TEXT(email), DB_TEXT(u.citizen_id)), &taken, &e);
	if (trc < 0)
		return view_err(r, &e);
	if (trc > 0) {
		req_commit_on_error(r);
		form_error(r, "email", email_taken_msg);
		return reg_page(r, 422, false);
	}
	const struct form_file *ff = form_file(r, "letter");
	long long id = 0;
	int rc = db_int_value(
	    db,
	    "INSERT INTO school_admin_regs (school_id, area_id, registrant, delegated_by, citizen_id, title, "
	    "first_name, "
	    "last_name, position, phone, email, file_name, file_mime, file_size, status, open_school, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pending', $1, $15) RETURNING id",
	    DB_ARGS(DB_INT(school), DB_INT(area), DB_TEXT(form_value(r, "registrant")),
		    DB_TEXT(form_value(r, "delegated_by")), DB_TEXT(u.citizen_id), DB_TEXT(u.title),
		    DB_TEXT(u.first_name), DB_TEXT(u.last_name), DB_TEXT(form_value(r, "position")), DB_TEXT(u.phone),
		    DB_TEXT(email), DB_TEXT(ff ? (*ff->filename ? ff->filename : "letter") : ""),
		    DB_TEXT(ff ? ff->mime : ""), DB_INT(ff ? ff->size : 0), DB_INT(now)),
	    &id, &e);
	if (rc < 0) {
		if (e.status == 409) {
			form_error(r, "school_code", dup_pending);
			return reg_page(r, 409, false);
		}
		return view_err(r, &e);
	}
	if (ff) {
		struct buf rel = BUF_INIT;
		if (acc_upload_keep(r, "letter", "schooladmin", area, &rel, &e) < 0 ||
		    db_exec(db, "UPDATE school_admin_regs SET file_path = $2 WHERE id = $1",
			    DB_ARGS(DB_INT(id), DB_TEXT(buf_cstr(&rel))), &e) < 0) {
			buf_release(&rel);
			return view_err(r, &e);
		}
		buf_release(&rel);
	}
	acc_audit_in(
	    r, db, area, 0, "schooladmin_reg.submit", "school_admin_reg", id,
	    json_pack("{s:I, s:s}", "school_id", (json_int_t)school, "registrant", form_value(r, "registrant")));
	return view_redirect(r, "/school-admin/register/sent",
			     "ส่งการลงทะเบียนแล้ว เมื่อแอดมินเขตอนุมัติ ระบบจะส่งลิงก์ตั้งรหัสผ่านไปที่อีเมลที่ให้ไว้");
}

/* --- the area admin's side ------------------------------------------------------------ */

static json_t *load_reg(struct req *r)
{
	struct db *db = req_db(r);
	if (!db) {
		acc_db_unavailable(r);
		return NULL;
	}
	long long id = req_param_id(r, "rid");
	struct err e = ERR_INIT;
	json_t *x = id > 0 ? db_row_json(db, REG_COLUMNS "WHERE g.id = $1", DB_ARGS(DB_INT(id)), &e) : NULL;
	if (!x) {
		if (id > 0 && e.status != 404)
			view_err(r, &e);
		else
			view_error(r, 404, "ไม่พบการลงทะเบียนที่ระบุ");
		return NULL;
	}
	if (!acc_in_area(r, jint(x, "area_id"))) {
		long long area = jint(x, "area_id");
		json_decref(x);
		acc_deny_in(r, area, "school_admin_reg", id, reg_denied);
		return NULL;
	}
	decorate(x);
	return x;
}

static const struct field approve_form[] = {
    {.name = "note", .label = "หมายเหตุถึงผู้ลงทะเบียน", .type = FT_TEXTAREA, .max = 500},
    {0},
};

static const struct field reject_form[] = {
    {.name = "reason",
     .label = "เหตุผลที่ไม่อนุมัติ",
     .type = FT_TEXTAREA,
     .flags = F_REQUIRED,
     .max = 500,
     .hint = "ผู้ลงทะเบียนจะได้รับเหตุผลนี้ทางอีเมล"},
    {0},
};

static int reg_view(struct req *r, json_t *x, int status)
{
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	/* What the approval will do with the account: only the area admin
	 * sees it. */
	json_t *acct = db_row_json(db, "SELECT id, username, email, status FROM users WHERE citizen_id = $1",
				   DB_ARGS(DB_TEXT(jstr(x, "citizen_id"))), &e);
	if (!acct && e.status != 404) {
		json_decref(x);
		return view_err(r, &e);
	}
	json_t *roles = NULL;
	if (acct) {
		/* the roles the account holds now: the area admin sees whose
		 * account will receive the school-admin role */
		roles = acc_user_grants(db, jint(acct, "id"), &e);
		if (!roles) {
			json_decref(acct);
			json_decref(x);
			return view_err(r, &e);
		}
		json_t *has_pw = db_row_json(db, "SELECT password_hash FROM users WHERE id = $1",
					     DB_ARGS(DB_INT(jint(acct, "id"))), &e);
		if (!has_pw) {
			json_decref(roles);
			json_decref(acct);
			json_decref(x);
			return view_err(r, &e);
		}
		bool keeps = *jstr(has_pw, "password_hash") != 0 || json_array_size(roles) > 0;
		json_decref(has_pw);
		json_object_set_new(acct, "roles", roles);
		json_object_set_new(acct, "has_roles", json_boolean(json_array_size(roles) > 0));
		json_object_set_new(acct, "keeps_password", json_boolean(keeps));
	}
	/* the registration's e-mail held by another person's account: the
	 * approval cannot create an account with it */
	long long other = 0;
	int orc = acct ? 0
		       : db_int_value(db, "SELECT 1 FROM users WHERE email = $1 AND citizen_id <> $2",
				      DB_ARGS(DB_TEXT(jstr(x, "email")), DB_TEXT(jstr(x, "citizen_id"))), &other, &e);
	if (orc < 0) {
		json_decref(x);
		return view_err(r, &e);
	}
	bool email_taken = orc == 1 && json_is_true(json_object_get(x, "pending"));
	json_t *m = json_pack("{s:s, s:o, s:o, s:b}", "page_title", "การลงทะเบียนแอดมินสถานศึกษา", "reg", x, "account",
			      acct ? acct : json_null(), "email_taken", email_taken);
	if (acct)
		json_object_set_new(m, "account_cancelled", json_boolean(strcmp(jstr(acct, "status"), "active") != 0));
	if (json_is_true(json_object_get(x, "pending"))) {
		json_object_set_new(m, "approve_form", form_model(r, approve_form, NULL));
		json_object_set_new(m, "reject_form", form_model(r, reject_form, NULL));
		char u[80];
		snprintf(u, sizeof u, "/school-admin/regs/%lld/approve", jint(x, "id"));
		json_object_set_new(m, "approve_url", json_string(u));
		snprintf(u, sizeof u, "/school-admin/regs/%lld/reject", jint(x, "id"));
		json_object_set_new(m, "reject_url", json_string(u));
	}
	char q[80];
	snprintf(q, sizeof q, "/areas/%lld/school-admin-regs", jint(x, "area_id"));
	json_object_set_new(m, "queue_url", json_string(q));
	return view_page(r, status, "acc/schooladmin_view", m);
}

static int view_get(struct req *r)
{
	json_t *x = load_reg(r);
	if (!x)
		return 0;
	acc_audit_in(r, req_db(r), jint(x, "area_id"), acc_user_id(r), "personal.read", "school_admin_reg",
		     jint(x, "id"), NULL);
	return reg_view(r, x, 200);
}

static int file_get(struct req *r)
{
	json_t *x = load_reg(r);
	if (!x)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *f = db_row_json(db, "SELECT file_path FROM school_admin_regs WHERE id = $1",
				DB_ARGS(DB_INT(jint(x, "id"))), &e);
	if (!f || !*jstr(f, "file_path")) {
		json_decref(f);
		json_decref(x);
		return f || e.status == 404 ? view_error(r, 404, "การลงทะเบียนนี้ไม่มีไฟล์แนบ") : view_err(r, &e);
	}
	acc_audit_in(r, db, jint(x, "area_id"), acc_user_id(r), "personal.read", "school_admin_reg", jint(x, "id"),
		     json_pack("{s:s}", "file", jstr(x, "file_name")));
	int rc = acc_upload_send(r, jstr(f, "file_path"), jstr(x, "file_mime"), jstr(x, "file_name"));
	json_decref(f);
	json_decref(x);
	return rc;
}

static json_t *load_pending(struct req *r)
{
	json_t *x = load_reg(r);
	if (x && !json_is_true(json_object_get(x, "pending"))) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "การลงทะเบียนนี้ได้รับการพิจารณาแล้ว (%s) เปลี่ยนผลไม่ได้", jstr(x, "status_label"));
		view_error(r, 409, buf_cstr(&b));
		buf_release(&b);
		json_decref(x);
		return NULL;
	}
	return x;
}

static int mail_to(struct db *db, const char *to, const char *subject, const char *tmpl, json_t *m, struct err *e)
{
	struct buf body = BUF_INIT;
	int rc = view_render_text(tmpl, m, &body, e);
	json_decref(m);
	if (rc == 0)
		rc = mail_queue(db, to, subject, buf_cstr(&body), e);
	buf_release(&body);
	return rc;
}

/* Approves: the account (reused or new), the grant, the mail. Returns the
 * user's id, -1 with e; 400/409 are the area admin's to read. */
static long long approve(struct req *r, struct db *db, json_t *x, struct err *e)
{
	long long uid = 0;
	char status[16] = "";
	bool has_password = false;
	json_t *acct = db_row_json(db, "SELECT id, status, password_hash FROM users WHERE citizen_id = $1",
				   DB_ARGS(DB_TEXT(jstr(x, "citizen_id"))), e);
	if (!acct && e->status != 404)
		return -1;
	if (acct) {
		uid = jint(acct, "id");
		snprintf(status, sizeof status, "%s", jstr(acct, "status"));
		has_password = *jstr(acct, "password_hash") != 0;
		json_decref(acct);
		if (strcmp(status, "active"))
			return err_field(e, "_form",
					 "บัญชีของผู้ลงทะเบียนถูกยกเลิกอยู่ (หมดวาระ) ให้คืนสิทธิ์บัญชีนั้นที่หน้าจัดการผู้ใช้ก่อน "
					 "หรือกด ไม่อนุมัติ พร้อมเหตุผล");
		/* An account in use elsewhere only gets the role: its e-mail and
		 * password stay its own and no set-password link goes out (the
		 * registration came from an anonymous form). */
		long long outside = 0;
		if (db_int_value(db,
				 "SELECT COUNT(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL "
				 "AND (school_id IS NULL OR school_id <> $2)",
				 DB_ARGS(DB_INT(uid), DB_INT(jint(x, "school_id"))), &outside, e) < 0)
			return -1;
		if (outside > 0)
			has_password = true;
	} else {
		err_clear(e);
		struct acc_user_new u = {
		    .citizen_id = jstr(x, "citizen_id"),
		    .email = jstr(x, "email"),
		    .title = jstr(x, "title"),
		    .first_name = jstr(x, "first_name"),
		    .last_name = jstr(x, "last_name"),
		    .phone = jstr(x, "phone"),
		};
		uid = acc_user_create(db, &u, e);
		if (uid < 0) {
			if (e->status == 409)
				return err_field(e, "_form",
						 "อีเมล %s ถูกใช้กับบัญชีผู้ใช้อื่นแล้ว (1 อีเมลใช้ได้ 1 บัญชี) "
						 "กด ไม่อนุมัติ และแจ้งให้ลงทะเบียนใหม่ด้วยอีเมลอื่น",
						 jstr(x, "email"));
			return -1;
		}
	}
	long long gid =
	    acc_grant_add(db, uid, "school_admin", jint(x, "area_id"), jint(x, "school_id"), NULL, acc_user_id(r), e);
	if (gid < 0) {
		if (e->status == 409)
			e->field[0] = 0;
		return -1;
	}
	acc_audit_in(r, db, jint(x, "area_id"), acc_user_id(r), "grant.add", "user", uid,
		     json_pack("{s:I, s:s, s:I, s:I}", "grant_id", (json_int_t)gid, "role", "school_admin", "school_id",
			       (json_int_t)jint(x, "school_id"), "school_admin_reg_id", (json_int_t)jint(x, "id")));
	if (!has_password) {
		if (acc_setpw_link_send_note(db, uid, "new", form_value(r, "note"), NULL, e) < 0)
			return -1;
	} else {
		struct buf url = BUF_INIT;
		buf_addf(&url, "%s/signin", nz(http_settings()->base_url));
		json_t *m = json_pack("{s:s, s:s, s:s, s:s}", "name", jstr(x, "display_name"), "school",
				      jstr(x, "school_name"), "url", buf_cstr(&url), "note", form_value(r, "note"));
		buf_release(&url);
		json_t *u = db_row_json(db, "SELECT email FROM users WHERE id = $1", DB_ARGS(DB_INT(uid)), e);
		if (!u) {
			json_decref(m);
			return -1;
		}
		int rc =
		    mail_to(db, jstr(u, "email"), "อนุมัติแอดมินสถานศึกษา ระบบ Khet", "mail/schooladmin_approved", m, e);
		json_decref(u);
		if (rc < 0)
			return -1;
	}
	return uid;
}

static int approve_post(struct req *r)
{
	json_t *x = load_pending(r);
	if (!x)
		return 0;
	if (!form_ok(r))
		return reg_view(r, x, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long uid = approve(r, db, x, &e);
	if (uid < 0) {
		if (e.status == 400 || e.status == 409) {
			form_error_err(r, &e);
			return reg_view(r, x, e.status == 409 ? 409 : 422);
		}
		json_decref(x);
		return view_err(r, &e);
	}
	long long id = jint(x, "id"), area = jint(x, "area_id");
	if (db_exec(
		db,
		"UPDATE school_admin_regs SET status = 'approved', open_school = NULL, user_id = $2, decided_at = $3, "
		"decided_by = $4, decision_note = $5 WHERE id = $1",
		DB_ARGS(DB_INT(id), DB_INT(uid), DB_INT((long long)time(NULL)), DB_INT(acc_user_id(r)),
			DB_TEXT(form_value(r, "note"))),
		&e) < 0) {
		json_decref(x);
		return view_err(r, &e);
	}
	acc_audit_in(
	    r, db, area, acc_user_id(r), "schooladmin_reg.approve", "school_admin_reg", id,
	    json_pack("{s:I, s:I}", "user_id", (json_int_t)uid, "school_id", (json_int_t)jint(x, "school_id")));
	json_decref(x);
	char loc[64];
	snprintf(loc, sizeof loc, "/areas/%lld/school-admin-regs", area);
	return view_redirect(r, loc, "อนุมัติแอดมินสถานศึกษาแล้ว ระบบส่งอีเมลแจ้งผู้ลงทะเบียน");
}

static int reject_post(struct req *r)
{
	json_t *x = load_pending(r);
	if (!x)
		return 0;
	if (!form_ok(r))
		return reg_view(r, x, 422);
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	long long id = jint(x, "id"), area = jint(x, "area_id");
	const char *reason = form_value(r, "reason");
	int rc =
	    db_exec(db,
		    "UPDATE school_admin_regs SET status = 'rejected', open_school = NULL, decided_at = $2, "
		    "decided_by = $3, decision_note = $4 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_INT((long long)time(NULL)), DB_INT(acc_user_id(r)), DB_TEXT(reason)), &e) < 0
		? -1
		: mail_to(db, jstr(x, "email"), "ผลการลงทะเบียนแอดมินสถานศึกษา: ไม่อนุมัติ ระบบ Khet",
			  "mail/schooladmin_rejected",
			  json_pack("{s:s, s:s, s:s}", "name", jstr(x, "display_name"), "school",
				    jstr(x, "school_name"), "reason", reason),
			  &e);
	if (rc < 0) {
		json_decref(x);
		return view_err(r, &e);
	}
	acc_audit_in(r, db, area, acc_user_id(r), "schooladmin_reg.reject", "school_admin_reg", id,
		     json_pack("{s:s}", "reason", reason));
	json_decref(x);
	char loc[64];
	snprintf(loc, sizeof loc, "/areas/%lld/school-admin-regs", area);
	return view_redirect(r, loc, "บันทึกผลไม่อนุมัติแล้ว ระบบแจ้งเหตุผลให้ผู้ลงทะเบียนทางอีเมล");
}

static const struct choice status_filter[] = {
    {"pending", "รออนุมัติ"}, {"approved", "อนุมัติแล้ว"}, {"rejected", "ไม่อนุมัติ"}, {"all", "ทั้งหมด"}, {NULL, NULL},
};

static int queue_page(struct req *r)
{
	long long aid;
	int rc = 0;
	json_t *area = acc_queue_area(r, &aid, "คุณไม่มีสิทธิ์ดูการลงทะเบียนของเขตพื้นที่นี้ แอดมินเขตดูได้เฉพาะเขตพื้นที่ของตนเท่านั้น", &rc);
	if (!area)
		return rc;
	struct err e = ERR_INIT;
	const char *status = acc_queue_status(r, status_filter);
	struct org_paging pg;
	/* ?format=csv|xlsx: every registration of the status filter, one query */
	enum sheet_format fmt;
	bool file = export_asked(r, &fmt);
	json_t *rows = acc_queue_rows(
	    r, aid, status,
	    "SELECT COUNT(*) FROM school_admin_regs WHERE area_id = $1 AND (CAST($2 AS TEXT) = '' OR status = $2)",
	    REG_COLUMNS "WHERE g.area_id = $1 AND (CAST($2 AS TEXT) = '' OR g.status = $2) "
			"ORDER BY g.id DESC LIMIT $3 OFFSET $4",
	    file ? ORG_ALL_ROWS : PER_PAGE, &pg, &e);
	if (!rows) {
		json_decref(area);
		return view_err(r, &e);
	}
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		decorate(x);
		json_object_del(x, "citizen_id"); /* the list shows it masked */
	}
	if (file) {
		/* the page's columns: the citizen ID masked, the e-mail as shown */
		static const struct sheet_col cols[] = {
		    {"เลขที่", 8, SHEET_NUMBER, 0, "id"},
		    {"รหัสโรงเรียน", 14, SHEET_CODE, 0, "obec_code"},
		    {"สถานศึกษา", 36, SHEET_TEXT, 0, "school_name"},
		    {"ผู้ลงทะเบียน", 28, SHEET_TEXT, 0, "display_name"},
		    {"ผู้ลงทะเบียนในฐานะ", 30, SHEET_ENUM, 0, "registrant_label"},
		    {"เลขประจำตัวประชาชน", 18, SHEET_CODE, 0, "citizen_id_masked"},
		    {"อีเมล", 28, SHEET_TEXT, 0, "email"},
		    {"ลงทะเบียนเมื่อ", 20, SHEET_DATETIME, 0, "created_at"},
		    {"สถานะ", 14, SHEET_ENUM, 0, "status_label"},
		    {"พิจารณาเมื่อ", 20, SHEET_DATETIME, 0, "decided_at"},
		    {"เหตุผลการพิจารณา", 30, SHEET_TEXT, 0, "decision_note"}};
		struct buf t = BUF_INIT;
		buf_addf(&t, "การลงทะเบียนแอดมินสถานศึกษา %s", jstr(area, "short_name"));
		char base[48];
		snprintf(base, sizeof base, "school-admin-regs-%s", jstr(area, "code"));
		json_decref(area);
		const struct export_list l = {buf_cstr(&t), base, 11, cols};
		rc = export_rows(r, fmt, &l, rows, rows);
		buf_release(&t);
		return rc;
	}
	char path[64];
	snprintf(path, sizeof path, "/areas/%lld/school-admin-regs", aid);
	json_t *m = acc_queue_model("การลงทะเบียนแอดมินสถานศึกษา", path, area, rows, status_filter, status, &pg);
	export_links(r, m);
	return view_page(r, 200, "acc/schooladmin_queue", m);
}

#define AREA_ROLES "area_admin super_admin"

static const struct route routes[] = {
    {"GET", "/school-admin/register", reg_get, NULL, NULL, ACCESS_PUBLIC, 0},
    {"POST", "/school-admin/register", reg_post, reg_form, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/school-admin/register/sent", reg_get, NULL, NULL, ACCESS_PUBLIC, NULL, &reg_sent},
    {"GET", "/areas/:id/school-admin-regs", queue_page, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/school-admin/regs/:rid", view_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"GET", "/school-admin/regs/:rid/file", file_get, NULL, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/school-admin/regs/:rid/approve", approve_post, approve_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {"POST", "/school-admin/regs/:rid/reject", reject_post, reject_form, NULL, ACCESS_SIGNED_IN, AREA_ROLES},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table acc_schooladmin_routes = {"acc", routes};
