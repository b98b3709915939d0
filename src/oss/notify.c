/* notify: the e-mails a request's steps send — to the applicant when the
 * request arrives and whenever an officer changes its status (a note to
 * fix something, a completed request with a file to download), and to the
 * officers of the service when a request arrives, is resubmitted after
 * fixing, or is withdrawn (the applicant then gets a short confirmation of
 * his own step too). Mail is queued in the outbox inside the step's
 * own transaction (mail.h), so it goes out if and only if the step is
 * stored. A mail that cannot be queued (an account without a usable
 * address) is logged and does not undo the step: the applicant still sees
 * the status on the site. Bodies are plain text rendered from
 * templates/oss/mail_*.html with triple mustaches, never HTML. */
#include <stdio.h>
#include <string.h>

#include "acc/acc.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/view.h"
#include "oss/oss_pages.h"

static void send_to(struct req *r, struct db *db, const char *to, long long user_id, const char *subject,
		    const char *tmpl, json_t *model)
{
	struct err e = ERR_INIT;
	struct buf body = BUF_INIT;
	if (view_render_text(tmpl, model, &body, &e) < 0 || mail_queue(db, to, subject, buf_cstr(&body), &e) < 0)
		log_error("req %s: oss mail %s to user %lld: %s", req_id(r), tmpl, user_id, e.msg);
	buf_release(&body);
}

static void send(struct req *r, struct db *db, long long user_id, const char *subject, const char *tmpl, json_t *model)
{
	struct err e = ERR_INIT;
	json_t *p = acc_user_profile(db, user_id, &e);
	const char *to = p ? json_string_value(json_object_get(p, "email")) : NULL;
	if (!to || !*to)
		log_info("req %s: oss mail %s: user %lld has no address (%s)", req_id(r), tmpl, user_id, e.msg);
	else
		send_to(r, db, to, user_id, subject, tmpl, model);
	json_decref(p);
}

static json_t *mail_model(json_t *req, const char *message)
{
	int st = oss_status_parse(jstr(req, "status"));
	const char *base = mail_base_url();
	struct buf url = BUF_INIT, process = BUF_INIT, name = BUF_INIT;
	buf_addf(&url, "%s/oss/requests/%lld", base, jint(req, "id"));
	buf_addf(&process, "%s/oss/manage/requests/%lld", base, jint(req, "id"));
	json_t *data = json_object_get(req, "data");
	/* up to 240 Thai letters: title, first and last name */
	buf_addf(&name, "%s%s %s", jstr(data, "title"), jstr(data, "first_name"), jstr(data, "last_name"));
	json_t *m =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "code", jstr(req, "code"), "service_name",
		      oss_service_name(jstr(req, "service")), "status_label", oss_status_label(st), "message",
		      message ? message : "", "url", buf_cstr(&url), "process_url", buf_cstr(&process),
		      "applicant_name", buf_cstr(&name), "returned", st == OSS_RETURNED, "completed",
		      st == OSS_COMPLETED, "has_file", jint(req, "result_file_id") > 0);
	buf_release(&url);
	buf_release(&process);
	buf_release(&name);
	return m;
}

static void to_officers(struct req *r, struct db *db, json_t *req, const char *subject, json_t *m)
{
	struct err e = ERR_INIT;
	json_t *ids = oss_officer_ids(db, jint(req, "area_id"), jstr(req, "service"), &e);
	if (!ids) {
		log_error("req %s: oss officers of %s: %s", req_id(r), jstr(req, "code"), e.msg);
		return;
	}
	size_t i;
	json_t *o;
	/* the addresses come with the ids (one query, active officers only) */
	json_array_foreach(ids, i, o)
	{
		const char *to = jstr(o, "email");
		if (*to)
			send_to(r, db, to, jint(o, "user_id"), subject, "oss/mail_officer", m);
	}
	json_decref(ids);
}

void oss_notify_submitted(struct req *r, struct db *db, json_t *req)
{
	json_t *m = mail_model(req, "");
	char subject[200];
	snprintf(subject, sizeof subject, "ได้รับคำร้อง %s แล้ว (%s)", jstr(req, "code"),
		 oss_service_name(jstr(req, "service")));
	send(r, db, jint(req, "applicant_id"), subject, "oss/mail_applicant", m);
	snprintf(subject, sizeof subject, "คำร้องใหม่ %s (%s)", jstr(req, "code"),
		 oss_service_name(jstr(req, "service")));
	json_object_set_new(m, "event", json_string("ยื่นคำร้องใหม่"));
	to_officers(r, db, req, subject, m);
	json_decref(m);
}

void oss_notify_status(struct req *r, struct db *db, json_t *req, const char *message)
{
	bool by_applicant = acc_user_id(r) == jint(req, "applicant_id");
	json_t *m = mail_model(req, message);
	char subject[300];
	if (by_applicant) {
		int st = oss_status_parse(jstr(req, "status"));
		snprintf(subject, sizeof subject, "คำร้อง %s: %s", jstr(req, "code"), oss_status_label(st));
		json_object_set_new(m, "event",
				    json_string(st == OSS_CANCELLED ? "ผู้ยื่นยกเลิกคำร้อง" : "ผู้ยื่นส่งข้อมูลแก้ไขแล้ว"));
		to_officers(r, db, req, subject, m);
		/* and a short confirmation to the applicant himself */
		json_object_set_new(m, "confirm",
				    json_string(st == OSS_CANCELLED ? "ท่านได้ยกเลิกคำร้องนี้แล้ว เจ้าหน้าที่จะไม่ดำเนินการต่อ"
								    : "ท่านได้ส่งข้อมูลที่แก้ไขแล้วไปยังเจ้าหน้าที่ "
								      "เจ้าหน้าที่จะตรวจสอบและแจ้งผลทางอีเมล"));
		json_object_set_new(m, "returned", json_false());
		json_object_set_new(m, "has_file", json_false());
		send(r, db, jint(req, "applicant_id"), subject, "oss/mail_applicant", m);
	} else {
		snprintf(subject, sizeof subject, "คำร้อง %s: %s", jstr(req, "code"), jstr(m, "status_label"));
		send(r, db, jint(req, "applicant_id"), subject, "oss/mail_applicant", m);
	}
	json_decref(m);
}

void oss_notify_message(struct req *r, struct db *db, json_t *req, const char *message, bool with_file)
{
	json_t *m = mail_model(req, message);
	json_object_set_new(m, "has_file", json_boolean(with_file));
	json_object_set_new(m, "returned", json_false());
	char subject[300];
	snprintf(subject, sizeof subject, "ข้อความจากเจ้าหน้าที่ เรื่องคำร้อง %s (%s)", jstr(req, "code"),
		 oss_service_name(jstr(req, "service")));
	send(r, db, jint(req, "applicant_id"), subject, "oss/mail_applicant", m);
	json_decref(m);
}
