/* report_pages: one unit's report for one period (KPI-5) and its review
 * (KPI-6) — the reporter saves files, descriptions and a self score and
 * confirms; the reviewer scores a confirmed report; each step can be
 * taken back while the next has not happened. A school opens only its own
 * reports (another's is "not found"); the person who reported never
 * reviews. The state machine and the file rules are report.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/db.h"
#include "core/export.h"
#include "core/view.h"
#include "kpi/kpi_pages.h"

/* A report the user may see, or NULL after answering 404. */
static json_t *report_for(struct req *r, long long rid)
{
	struct err e = ERR_INIT;
	json_t *rep = rid > 0 ? kpi_report_get(req_db(r), rid, &e) : NULL;
	if (!rep) {
		if (rid <= 0 || e.status == 404)
			view_error(r, 404, "ไม่พบรายงานที่ระบุ");
		else
			view_err(r, &e);
		return NULL;
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(rep, "area_id"));
	long long wg = json_integer_value(json_object_get(rep, "work_group_id"));
	long long school = json_integer_value(json_object_get(rep, "school_id"));
	bool hidden = !strcmp(json_string_value(json_object_get(rep, "indicator_status")), "hidden");
	/* a school opens only its own reports (another school's is "not
	 * found", as its existence is none of its business) */
	if (!kpi_may_open_report(g, area, school, wg) ||
	    (hidden && !kpi_may_manage(g, area, wg))) {
		json_decref(rep);
		view_error(r, 404, "ไม่พบรายงานที่ระบุ");
		return NULL;
	}
	return rep;
}

static int report_page(struct req *r, int status, long long rid)
{
	json_t *rep = report_for(r, rid);
	if (!rep)
		return 0;
	struct db *db = req_db(r);
	struct err e = ERR_INIT;
	json_t *files = kpi_report_files(db, rid, &e);
	json_t *events = files ? kpi_report_events(db, rid, &e) : NULL;
	if (!events) {
		json_decref(files);
		json_decref(rep);
		return view_err(r, &e);
	}
	const struct acc_grant *g = acc_active_grant(r);
	long long area = json_integer_value(json_object_get(rep, "area_id"));
	long long wg = json_integer_value(json_object_get(rep, "work_group_id"));
	bool reporter = kpi_may_report(g, area, json_integer_value(json_object_get(rep, "school_id")), wg);
	/* the reviewer's form is not offered to the person who reported */
	bool reviewer =
	    kpi_may_review(g, area, wg) && json_integer_value(json_object_get(rep, "reporter_id")) != acc_user_id(r);
	struct kpi_report_facts f;
	kpi_report_facts_of(rep, &f);
	bool unit_open = f.indicator == KPI_IND_OPEN && f.period_open;
	bool editable = reporter && unit_open && (f.status == KPI_ASSIGNED || f.status == KPI_DRAFT);

	json_t *form = form_model(r, kpi_report_form, NULL);
	json_t *errors = json_object_get(form, "errors");
	json_t *values = json_object_get(form, "values");
	size_t i;
	json_t *x;
	int kept = 0;
	json_array_foreach(files, i, x)
	{
		long long slot = json_integer_value(json_object_get(x, "slot"));
		char name[24];
		json_object_set_new(
		    x, "url",
		    kpi_url_json("/kpi/reports/%lld/files/%lld", rid, json_integer_value(json_object_get(x, "id"))));
		snprintf(name, sizeof name, "desc_%lld", slot);
		json_object_set_new(x, "desc_name", json_string(name));
		/* what was sent, even emptied (its error says why), else the
		 * stored description */
		const char *typed = json_string_value(json_object_get(values, name));
		json_object_set_new(x, "desc_value",
				    json_string(typed && (*typed || form_sent(r, name))
						    ? typed
						    : json_string_value(json_object_get(x, "description"))));
		json_object_set(x, "desc_error",
				json_object_get(errors, name) ? json_object_get(errors, name) : json_null());
		snprintf(name, sizeof name, "remove_%lld", slot);
		json_object_set_new(x, "remove_name", json_string(name));
		json_object_set_new(x, "no", json_integer((json_int_t)i + 1));
		kept++;
	}
	json_t *new_rows = json_array();
	int room = KPI_REPORT_FILES_MAX - kept;
	if (room > KPI_FILES_PER_SAVE)
		room = KPI_FILES_PER_SAVE;
	for (int k = 1; k <= room; k++) {
		char fname[24], dname[24];
		snprintf(fname, sizeof fname, "new_file_%d", k);
		snprintf(dname, sizeof dname, "new_desc_%d", k);
		json_t *fe = json_object_get(errors, fname), *de = json_object_get(errors, dname);
		const char *dv = json_string_value(json_object_get(values, dname));
		json_array_append_new(new_rows,
				      json_pack("{s:i, s:s, s:s, s:s, s:O, s:O}", "no", kept + k, "file_name", fname,
						"desc_name", dname, "desc_value", dv ? dv : "", "file_error",
						fe ? fe : json_null(), "desc_error", de ? de : json_null()));
	}
	const char *sv = json_string_value(json_object_get(values, "self_score"));
	json_t *self_value = json_string(sv && (*sv || form_sent(r, "self_score"))
					     ? sv
					     : json_string_value(json_object_get(rep, "self")));
	const char *cv = json_string_value(json_object_get(values, "confirm"));
	bool confirm_chosen = cv && !strcmp(cv, "1");
	json_t *m =
	    json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o}",
		      "page_title", "รายงานตัวชี้วัด", "report", rep, "files", files, "events", events, "form", form,
		      "new_rows", new_rows, "self_value", self_value, "editable", editable, "can_unconfirm",
		      reporter && unit_open && f.status == KPI_CONFIRMED, "can_review",
		      reviewer && f.status == KPI_CONFIRMED, "can_unreview", reviewer && f.status == KPI_REVIEWED,
		      "is_confirmed", f.status == KPI_CONFIRMED, "is_reviewed", f.status == KPI_REVIEWED, "is_draft",
		      f.status == KPI_DRAFT, "has_files", json_array_size(files) > 0, "confirm_chosen", confirm_chosen,
		      "action", kpi_url_json("/kpi/reports/%lld", rid));
	/* every form of the page carries the version it was made from
	 * (issue 10.6): a save or a review on an older copy is refused */
	json_object_set_new(m, "record_version", json_integer(json_integer_value(json_object_get(rep, "version"))));
	json_object_set_new(m, "per_save", json_integer(KPI_FILES_PER_SAVE));
	json_object_set_new(m, "files_room", json_integer(KPI_REPORT_FILES_MAX - kept));
	json_object_set_new(m, "more_later", json_boolean(KPI_REPORT_FILES_MAX - kept > KPI_FILES_PER_SAVE));
	json_object_set_new(m, "unconfirm_url", kpi_url_json("/kpi/reports/%lld/unconfirm", rid));
	json_object_set_new(m, "review_url", kpi_url_json("/kpi/reports/%lld/review", rid));
	json_object_set_new(m, "unreview_url", kpi_url_json("/kpi/reports/%lld/unreview", rid));
	json_object_set_new(
	    m, "matrix_url",
	    kpi_url_json("/kpi/indicators/%lld/matrix", json_integer_value(json_object_get(rep, "indicator_id"))));
	json_object_set_new(m, "list_url",
			    kpi_url_json("/kpi/%lld", json_integer_value(json_object_get(rep, "fiscal_year"))));
	const char *closed_note = "";
	if (reporter && !unit_open) {
		if (f.indicator != KPI_IND_OPEN)
			closed_note = "ตัวชี้วัดนี้ปิดรับรายงานแล้ว (สถานะ Close) ดูข้อมูลได้แต่แก้ไขไม่ได้";
		else if (f.period_closed)
			closed_note = "รอบรายงานนี้ปิดรับรายงานแล้ว";
		else
			closed_note = "รอบรายงานนี้ยังไม่เปิดรับรายงาน";
	}
	json_object_set_new(m, "closed_note", json_string(closed_note));
	json_t *rv = json_object_get(values, "review_score");
	json_object_set_new(m, "review_value", json_string(json_is_string(rv) ? json_string_value(rv) : ""));
	return view_page(r, status, "kpi/report", m);
}

int kpi_report_view_get(struct req *r)
{
	return report_page(r, 200, req_param_id(r, "id"));
}

static int keep_upload(void *ctx, const struct kpi_new_file *f, const char *dest, struct err *e)
{
	return form_file_keep(ctx, f->field, dest, e);
}

/* The report version the form was made from, 0 when it carried none. */
static long long posted_version(struct req *r)
{
	long long v = form_version(r);
	return v > 0 ? v : 0;
}

/* Answers a refused report action: the page again, with the message at its
 * field, or at the top. */
static int report_failed(struct req *r, long long rid, const struct err *e)
{
	if (e->status >= 500 || !e->status)
		return view_err(r, e);
	if (e->status == 403 || e->status == 404)
		return view_error(r, e->status, e->msg);
	if (e->status == 409 && !strcmp(e->field, KPI_STALE)) {
		/* changed since the page was opened (issue 10.6): nothing was
		 * kept, and the page shows the report as it is now */
		struct err ge = ERR_INIT;
		json_t *now = kpi_report_get(req_db(r), rid, &ge);
		json_t *files = now ? kpi_report_files(req_db(r), rid, &ge) : NULL;
		if (!files) {
			json_decref(now);
			return view_err(r, &ge);
		}
		/* the report as it is now, by the form's fields: the score,
		 * whether it is confirmed, the reviewer's score, the files'
		 * descriptions */
		const char *st = json_string_value(json_object_get(now, "status"));
		bool confirmed = st && (!strcmp(st, "confirmed") || !strcmp(st, "reviewed"));
		json_t *cur = json_pack("{s:O, s:s, s:O}", "self_score", json_object_get(now, "self"), "confirm",
					confirmed ? "1" : "0", "review_score", json_object_get(now, "review"));
		size_t i;
		json_t *x;
		json_array_foreach(files, i, x)
		{
			char name[24];
			snprintf(name, sizeof name, "desc_%lld", (long long)json_integer_value(json_object_get(x, "slot")));
			json_object_set(cur, name, json_object_get(x, "description"));
		}
		long long at = json_integer_value(json_object_get(now, "updated_at"));
		form_stale(r, kpi_report_form, cur, at > 0 ? at : (long long)time(NULL), "รายงาน");
		json_decref(cur);
		json_decref(files);
		json_decref(now);
		return report_page(r, 409, rid);
	}
	form_error_err(r, e);
	return report_page(r, e->status == 409 ? 409 : 422, rid);
}

/* The :id report's area, school and work group (report_for); false after answering. */
static bool report_scope(struct req *r, long long rid, long long *area, long long *school, long long *wg)
{
	json_t *rep = report_for(r, rid);
	if (!rep)
		return false;
	*area = json_integer_value(json_object_get(rep, "area_id"));
	*school = json_integer_value(json_object_get(rep, "school_id"));
	*wg = json_integer_value(json_object_get(rep, "work_group_id"));
	json_decref(rep);
	return true;
}

/* A save's field error, at its field unless the form's own check put one
 * there first. */
static void field_error(void *ctx, const char *field, const char *msg)
{
	struct req *r = ctx;
	if (!form_has_error(r, field))
		form_error(r, field, msg);
}

int kpi_report_save_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_report(acc_active_grant(r), area, school, wg))
		return view_error(r, 403,
				  school > 0
				      ? "ท่านรายงานได้เฉพาะตัวชี้วัดของหน่วยงานของท่านเอง (รายงานแทนโรงเรียนหรือหน่วยงานอื่นไม่ได้)"
				      : "รายงานในนามสำนักงานเขตพื้นที่ได้เฉพาะแอดมินเขตและเจ้าของตัวชี้วัดนี้");
	/* every problem of the form at once: the form's own checks, a
	 * description without its file, and the save's checks (which then
	 * write nothing) */
	int pre = form_ok(r) ? 0 : 1;
	struct kpi_report_save_in in;
	memset(&in, 0, sizeof in);
	for (int s = 1; s <= KPI_REPORT_FILES_MAX; s++) {
		char name[24];
		snprintf(name, sizeof name, "desc_%d", s);
		/* not sent: unchanged; sent empty: wiped, which the save refuses */
		in.desc[s] = form_sent(r, name) ? form_value(r, name) : NULL;
		snprintf(name, sizeof name, "remove_%d", s);
		in.remove[s] = !strcmp(form_value(r, name), "1");
	}
	struct kpi_new_file added[KPI_NEW_FILE_SLOTS];
	char fields[KPI_NEW_FILE_SLOTS][24], dfields[KPI_NEW_FILE_SLOTS][24];
	int n = 0;
	/* the page numbers its new-file rows after the report's files */
	long long on_file = 0;
	{
		struct err ce = ERR_INIT;
		if (db_int_value(req_db(r), "SELECT COUNT(*) FROM kpi_report_files WHERE report_id = $1",
				 DB_ARGS(DB_INT(rid)), &on_file, &ce) < 0)
			return view_err(r, &ce);
	}
	for (int k = 1; k <= KPI_NEW_FILE_SLOTS; k++) {
		char fname[24], dname[24];
		snprintf(fname, sizeof fname, "new_file_%d", k);
		snprintf(dname, sizeof dname, "new_desc_%d", k);
		const struct form_file *ff = form_file(r, fname);
		if (!ff) {
			/* a description typed without its file would be lost (a
			 * file refused by the form's checks has its own error) */
			struct err oe = ERR_INIT;
			if (!form_has_error(r, fname) && !form_has_error(r, dname) &&
			    kpi_file_orphan_desc_check(form_value(r, dname), false, dname, (int)on_file + k, &oe) < 0) {
				form_error_err(r, &oe);
				pre++;
			}
			continue;
		}
		snprintf(fields[n], sizeof fields[n], "%s", fname);
		snprintf(dfields[n], sizeof dfields[n], "%s", dname);
		added[n] = (struct kpi_new_file){.field = fields[n],
						 .desc_field = dfields[n],
						 .row = k,
						 .desc = form_value(r, dname),
						 .filename = ff->filename,
						 .mime = ff->mime,
						 .path = ff->path,
						 .size = ff->size};
		n++;
	}
	in.added = added;
	in.nadded = n;
	in.self_score = form_sent(r, "self_score") ? form_value(r, "self_score") : NULL;
	in.field_error = field_error;
	in.error_ctx = r;
	in.pre_errors = pre;
	in.confirm = !strcmp(form_value(r, "confirm"), "1");
	in.data_dir = http_settings()->data_dir;
	in.keep = keep_upload;
	in.keep_ctx = r;
	in.version = posted_version(r);
	struct err e = ERR_INIT;
	int rc = kpi_report_save(req_db(r), rid, &in, acc_user_id(r), &e);
	for (int k = 0; k < n; k++) {
		if (rc < 0 && added[k].stored)
			unlink(added[k].stored); /* moved, but the save failed: not referenced */
		free(added[k].stored);
	}
	if (rc < 0 && e.status == KPI_SAVE_FIELD_ERRORS)
		return report_page(r, 422, rid); /* the errors are at their fields */
	if (rc < 0)
		return report_failed(r, rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u,
			     in.confirm ? "ยืนยันข้อมูลแล้ว รอการตรวจสอบ"
					: "บันทึกข้อมูลแล้ว (ยังไม่ยืนยันผลตัวชี้วัด) เมื่อพร้อมให้เลือก “ยืนยันผลตัวชี้วัด” แล้วบันทึกอีกครั้ง");
}

int kpi_report_unconfirm_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_report(acc_active_grant(r), area, school, wg))
		return view_error(r, 403, "ท่านยกเลิกผลการยืนยันได้เฉพาะรายงานของหน่วยงานของท่านเอง");
	/* a _version that is no number is refused, not taken as "no check" */
	if (!form_ok(r))
		return report_page(r, 422, rid);
	struct err e = ERR_INIT;
	if (kpi_report_unconfirm(req_db(r), rid, acc_user_id(r), posted_version(r), &e) < 0)
		return report_failed(r, rid, &e);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u, "ยกเลิกผลการยืนยันแล้ว แก้ไขข้อมูลแล้วยืนยันผลอีกครั้งได้");
}

int kpi_report_review_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_review(acc_active_grant(r), area, wg))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ตรวจรายงานของตัวชี้วัดนี้");
	if (!form_ok(r))
		return report_page(r, 422, rid);
	struct err e = ERR_INIT;
	const char *score = form_value(r, "review_score");
	if (kpi_report_review(req_db(r), rid, score, acc_user_id(r), posted_version(r), &e) < 0)
		return report_failed(r, rid, &e);
	/* the score as stored ("๔" and "4.0" are 4), not as typed */
	json_t *done = kpi_report_get(req_db(r), rid, &e);
	if (!done)
		return view_err(r, &e);
	char u[64], msg[512];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	snprintf(msg, sizeof msg, "ตรวจสอบข้อมูลแล้ว ผลการประเมิน : %s คะแนน",
		 json_string_value(json_object_get(done, "review")));
	kpi_audit(r, "kpi.report.review", "kpi_report", rid, area,
		  json_pack("{s:O}", "score", json_object_get(done, "review")));
	json_decref(done);
	return view_redirect(r, u, msg);
}

int kpi_report_unreview_post(struct req *r)
{
	long long rid = req_param_id(r, "id");
	long long area, school, wg;
	if (!report_scope(r, rid, &area, &school, &wg))
		return 0;
	if (!kpi_may_review(acc_active_grant(r), area, wg))
		return view_error(r, 403, "ท่านไม่มีสิทธิ์ตรวจรายงานของตัวชี้วัดนี้");
	if (!form_ok(r))
		return report_page(r, 422, rid);
	struct err e = ERR_INIT;
	if (kpi_report_unreview(req_db(r), rid, acc_user_id(r), posted_version(r), &e) < 0)
		return report_failed(r, rid, &e);
	kpi_audit(r, "kpi.report.unreview", "kpi_report", rid, area, NULL);
	char u[64];
	snprintf(u, sizeof u, "/kpi/reports/%lld", rid);
	return view_redirect(r, u, "ยกเลิกผลการตรวจแล้ว");
}

int kpi_report_attachment_get(struct req *r)
{
	long long rid = req_param_id(r, "id");
	json_t *rep = report_for(r, rid);
	if (!rep)
		return 0;
	json_decref(rep);
	struct err e = ERR_INIT;
	json_t *f = kpi_report_file_get(req_db(r), rid, req_param_id(r, "fid"), &e);
	if (!f)
		return view_err(r, &e);
	return kpi_send_file(r, f);
}

/* ---- the "รอตรวจ" queue (issue 10.15) ------------------------------------- */

#define KPI_QUEUE_MAX 500

/* GET /kpi/review-queue: the queue of the user's fiscal year. */
int kpi_review_queue_now_get(struct req *r)
{
	int fy = kpi_user_year(req_db(r), acc_user_id(r), (long long)time(NULL));
	char u[48];
	snprintf(u, sizeof u, "/kpi/%d/review-queue", fy);
	return view_redirect(r, u, NULL);
}

/* GET /kpi/:year/review-queue: the confirmed reports awaiting review that
 * the active grant may review (kpi_may_review), oldest confirmation
 * first, each with its indicator, period, unit and a link to the report. */
int kpi_review_queue_get(struct req *r)
{
	int fy, answered;
	long long area;
	if (!kpi_year_area(r, &fy, &area, &answered))
		return answered;
	const struct acc_grant *g = acc_active_grant(r);
	/* which work groups the grant reviews: all of the area's (area admin,
	 * super admin, a reviewer of the whole area), or its own one */
	long long wg = 0;
	if (kpi_may_manage(g, area, -1) ||
	    (acc_grant_is(g, "kpi_reviewer") && g->area_id == area && g->work_group_id <= 0))
		wg = 0;
	else if ((acc_grant_is(g, "kpi_owner") || acc_grant_is(g, "kpi_reviewer")) && g->area_id == area &&
		 g->work_group_id > 0)
		wg = g->work_group_id;
	else
		return view_error(r, 403,
				  "รายการรอตรวจสำหรับผู้ตรวจตัวชี้วัด เจ้าของตัวชี้วัด และแอดมินเขตเท่านั้น");
	struct err e = ERR_INIT;
	json_t *rows = kpi_review_queue(req_db(r), area, fy, wg, acc_user_id(r), KPI_QUEUE_MAX + 1, &e);
	if (!rows)
		return view_err(r, &e);
	json_t *shown = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		long long iwg = json_integer_value(json_object_get(x, "work_group_id"));
		bool hidden = !strcmp(json_string_value(json_object_get(x, "indicator_status")), "hidden");
		if (!kpi_may_review(g, area, iwg) || (hidden && !kpi_may_manage(g, area, iwg)))
			continue;
		if (json_array_size(shown) >= KPI_QUEUE_MAX)
			break;
		json_object_set_new(x, "no", json_integer((json_int_t)json_array_size(shown) + 1));
		json_object_set_new(x, "url", kpi_url_json("/kpi/reports/%lld", (long long)json_integer_value(json_object_get(x, "report_id"))));
		json_object_set_new(x, "indicator_url",
				    kpi_url_json("/kpi/indicators/%lld", (long long)json_integer_value(json_object_get(x, "indicator_id"))));
		json_array_append(shown, x);
	}
	bool more = json_array_size(rows) > KPI_QUEUE_MAX;
	json_decref(rows);
	json_t *m = json_pack("{s:s, s:i, s:I, s:o, s:i, s:b, s:b}", "page_title", "รายงานรอตรวจ", "fiscal_year", fy,
			      "area_id", (json_int_t)area, "rows", shown, "count", (int)json_array_size(shown),
			      "has_rows", json_array_size(shown) > 0, "more", more);
	json_object_set_new(m, "list_url", kpi_url_json("/kpi/%d", fy));
	enum sheet_format f;
	if (export_asked(r, &f)) {
		/* the queue the page shows (at most KPI_QUEUE_MAX, oldest first) */
		static const struct sheet_col cols[] = {
		    {"ที่", 6, SHEET_NUMBER, 0, "no"},		       {"หมายเลข", 10, SHEET_CODE, 0, "number"},
		    {"ตัวชี้วัด", 40, SHEET_TEXT, 0, "name"},	       {"กลุ่มงาน", 28, SHEET_TEXT, 0, "work_group_name"},
		    {"รอบรายงาน", 16, SHEET_TEXT, 0, "period_label"},       {"หน่วยงาน", 36, SHEET_TEXT, 0, "unit_name"},
		    {"ยืนยันผลเมื่อ", 20, SHEET_DATETIME, 0, "confirmed_at"}, {"ผู้รายงาน", 24, SHEET_TEXT, 0, "reporter_name"},
		    {"คะแนนประเมินตนเอง", 12, SHEET_NUMBER, 2, "self"}};
		char title[96], base[48];
		snprintf(title, sizeof title, "รายงานรอตรวจ ปีงบประมาณ %d", fy);
		snprintf(base, sizeof base, "kpi-review-queue-%d-%lld", fy, area);
		const struct export_list l = {title, base, 9, cols};
		return export_rows(r, f, &l, json_object_get(m, "rows"), m);
	}
	export_links(r, m);
	return view_page(r, 200, "kpi/review_queue", m);
}
