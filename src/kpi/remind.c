/* remind: e-mail reminders for reports still owed, and the list of
 * what a unit still owes for the area calendar.
 *
 * A unit that has not confirmed its report for an open period of an Open
 * indicator gets one reminder when the due date is a week away or nearer
 * (kind 7) and one when it is a day away or due today (kind 1); see
 * kpi_reminder_kind. The job runs hourly, so a server that was down on the
 * day still sends the reminder later, and a period opened three days
 * before its due date still gets one.
 *
 * Each reminder is claimed by inserting its row in kpi_reminders (report,
 * kind, due date) and the mails are queued in the same transaction
 * (mail.h's outbox): the row exists if and only if the mails do, and a
 * second instance running the job at the same moment inserts nothing and
 * sends nothing. Moving the due date makes a new reminder due.
 *
 * Recipients: for a school, its school admin and anyone holding a
 * KPI-module grant in that school; for the area office itself, the
 * indicator's owners (kpi_owner grants of its work group). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

#define BATCH 200

static const char due_sql[] =
    "SELECT r.id, r.unit_key, p.due_date, p.kind, p.seq, i.fiscal_year, i.number, i.name, i.work_group_id, "
    "COALESCE(s.name, a.name) AS unit_name "
    "FROM kpi_periods p JOIN kpi_indicators i ON i.id = p.indicator_id JOIN kpi_reports r ON r.period_id = p.id "
    "JOIN areas a ON a.id = i.area_id LEFT JOIN schools s ON s.id = r.school_id "
    "WHERE p.due_date >= $1 AND p.due_date <= $2 AND p.opened_at IS NOT NULL AND i.status = 'open' "
    "AND r.status IN ('assigned', 'draft') AND NOT EXISTS (SELECT 1 FROM kpi_reminders m WHERE m.report_id = r.id "
    "AND m.due_date = p.due_date AND m.kind = CASE WHEN p.due_date <= $3 THEN 1 ELSE 7 END) "
    "ORDER BY p.due_date, r.id LIMIT 200";

static json_t *recipients(struct db *db, json_t *row, struct err *e)
{
	long long unit = json_integer_value(json_object_get(row, "unit_key"));
	if (unit > 0)
		return db_rows_json(db,
				    "SELECT DISTINCT u.email FROM grants g JOIN users u ON u.id = g.user_id "
				    "WHERE g.school_id = $1 AND g.revoked_at IS NULL AND u.status = 'active' "
				    "AND (g.role = 'school_admin' OR g.module = 'kpi') ORDER BY u.email",
				    DB_ARGS(DB_INT(unit)), e);
	return db_rows_json(db,
			    "SELECT DISTINCT u.email FROM grants g JOIN users u ON u.id = g.user_id "
			    "WHERE g.role = 'kpi_owner' AND g.work_group_id = $1 AND g.revoked_at IS NULL "
			    "AND u.status = 'active' ORDER BY u.email",
			    DB_ARGS(DB_INT(json_integer_value(json_object_get(row, "work_group_id")))), e);
}

/* The subject and body of one reminder. */
static void compose(json_t *row, int kind, long long days_left, struct buf *subject, struct buf *body)
{
	struct kpi_period_def def;
	struct err e = ERR_INIT;
	int k = kpi_kind_parse(json_string_value(json_object_get(row, "kind")));
	const char *title = "";
	if (k >= 0 && kpi_period_def((int)json_integer_value(json_object_get(row, "fiscal_year")), (enum kpi_kind)k,
				     (int)json_integer_value(json_object_get(row, "seq")), &def, &e) == 0)
		title = def.title;
	struct kpi_date due;
	struct buf due_text = BUF_INIT;
	if (kpi_date_parse(json_string_value(json_object_get(row, "due_date")), &due) == 0)
		kpi_date_thai(due, &due_text);
	const char *when = days_left <= 0 ? "วันนี้" : days_left == 1 ? "พรุ่งนี้" : NULL;
	buf_addf(subject, "[KPI-Online] %s: ตัวชี้วัดที่ %s %s ครบกำหนดส่ง%s %s", kind == 1 ? "แจ้งเตือนครั้งสุดท้าย" : "แจ้งเตือน",
		 json_string_value(json_object_get(row, "number")), title, when ? when : "", buf_cstr(&due_text));
	buf_addf(body,
		 "เรียน ผู้รับผิดชอบการรายงานตัวชี้วัดของ %s\n\n"
		 "หน่วยงานของท่านยังไม่ได้ยืนยันผลการรายงานตัวชี้วัดต่อไปนี้\n\n"
		 "ตัวชี้วัดที่ %s %s\n"
		 "รอบรายงาน: %s\n"
		 "ครบกำหนดส่ง: %s",
		 json_string_value(json_object_get(row, "unit_name")),
		 json_string_value(json_object_get(row, "number")), json_string_value(json_object_get(row, "name")),
		 title, buf_cstr(&due_text));
	if (when)
		buf_addf(body, " (%s)", when);
	else
		buf_addf(body, " (อีก %lld วัน)", days_left);
	buf_addf(body,
		 "\n\nกรุณาแนบเอกสาร พิมพ์คำอธิบายประกอบไฟล์ ประเมินตนเอง และกด “ยืนยันผลตัวชี้วัด” ได้ที่\n%s/kpi/reports/%lld\n\n"
		 "อีเมลนี้ส่งโดยอัตโนมัติจากระบบ Khet (KPI-Online) กรุณาอย่าตอบกลับ\n",
		 mail_base_url(), (long long)json_integer_value(json_object_get(row, "id")));
	buf_release(&due_text);
}

/* Claims and sends one reminder in its own transaction; returns the mails
 * queued, or -1. */
static int remind_one(struct db *db, json_t *row, struct kpi_date today, struct err *e)
{
	struct kpi_date due;
	if (kpi_date_parse(json_string_value(json_object_get(row, "due_date")), &due) < 0)
		return 0;
	long long left = kpi_date_diff(today, due);
	int kind = kpi_reminder_kind(left);
	if (!kind)
		return 0;
	long long rid = json_integer_value(json_object_get(row, "id"));
	if (db_begin(db, e) < 0)
		return -1;
	long long claimed =
	    db_exec(db,
		    "INSERT INTO kpi_reminders (report_id, kind, due_date, sent_at) VALUES ($1, $2, $3, $4) "
		    "ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_INT(rid), DB_INT(kind), DB_TEXT(json_string_value(json_object_get(row, "due_date"))),
			    DB_INT((long long)time(NULL))),
		    e);
	if (claimed < 0)
		goto fail;
	int sent = 0;
	if (claimed == 1) {
		json_t *to = recipients(db, row, e);
		if (!to)
			goto fail;
		struct buf subject = BUF_INIT, body = BUF_INIT;
		compose(row, kind, left, &subject, &body);
		size_t i;
		json_t *r;
		json_array_foreach(to, i, r)
		{
			struct err me = ERR_INIT;
			const char *addr = json_string_value(json_object_get(r, "email"));
			/* one bad stored address must not stop the others */
			if (mail_queue(db, addr, buf_cstr(&subject), buf_cstr(&body), &me) < 0) {
				if (me.status >= 500 || !me.status) {
					*e = me;
					buf_release(&subject);
					buf_release(&body);
					json_decref(to);
					goto fail;
				}
				log_error("kpi-remind: report %lld: %s: %s", rid, addr ? addr : "", me.msg);
				continue;
			}
			sent++;
		}
		buf_release(&subject);
		buf_release(&body);
		json_decref(to);
	}
	if (db_commit(db, e) < 0)
		goto fail;
	return sent;
fail:
	db_rollback(db);
	return -1;
}

int kpi_remind_due(struct db *db, struct err *e)
{
	struct kpi_date today = kpi_date_of((long long)time(NULL));
	char from[11], to[11], tomorrow[11];
	kpi_date_iso(today, from);
	kpi_date_iso(kpi_date_add(today, 7), to);
	kpi_date_iso(kpi_date_add(today, 1), tomorrow);
	int total = 0;
	for (;;) {
		json_t *rows = db_rows_json(db, due_sql, DB_ARGS(DB_TEXT(from), DB_TEXT(to), DB_TEXT(tomorrow)), e);
		if (!rows)
			return -1;
		size_t n = json_array_size(rows), i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			int k = remind_one(db, row, today, e);
			if (k < 0) {
				json_decref(rows);
				return -1;
			}
			total += k;
		}
		json_decref(rows);
		/* every row of a full batch was claimed, so the next query moves
		 * on; a short batch was the last */
		if (n < BATCH || jobs_stopping())
			break;
	}
	return total;
}

json_t *kpi_unit_due(struct db *db, long long area_id, long long school_id, int limit, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT r.id AS report_id, r.status, i.id AS indicator_id, i.number, i.name, i.fiscal_year, p.kind, p.seq, "
	    "p.due_date FROM kpi_reports r JOIN kpi_periods p ON p.id = r.period_id "
	    "JOIN kpi_indicators i ON i.id = r.indicator_id "
	    "WHERE r.unit_key = $2 AND i.area_id = $1 AND i.status = 'open' AND p.opened_at IS NOT NULL "
	    "AND r.status IN ('assigned', 'draft') ORDER BY p.due_date, i.sort_key, p.seq LIMIT $3",
	    DB_ARGS(DB_INT(area_id), DB_INT(school_id > 0 ? school_id : 0), DB_INT(limit > 0 ? limit : 1)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		struct kpi_period_def def;
		struct err pe = ERR_INIT;
		int k = kpi_kind_parse(json_string_value(json_object_get(r, "kind")));
		json_object_set_new(
		    r, "period_label",
		    json_string(k >= 0 && kpi_period_def((int)json_integer_value(json_object_get(r, "fiscal_year")),
							 (enum kpi_kind)k,
							 (int)json_integer_value(json_object_get(r, "seq")), &def,
							 &pe) == 0
				    ? def.title
				    : ""));
		struct kpi_date d;
		struct buf b = BUF_INIT;
		if (kpi_date_parse(json_string_value(json_object_get(r, "due_date")), &d) == 0)
			kpi_date_thai(d, &b);
		json_object_set_new(r, "due_text", json_string(buf_cstr(&b)));
		buf_release(&b);
		struct kpi_date today = kpi_date_of((long long)time(NULL));
		json_object_set_new(
		    r, "overdue",
		    json_boolean(kpi_date_parse(json_string_value(json_object_get(r, "due_date")), &d) == 0 &&
				 kpi_date_cmp(d, today) < 0));
		int st = kpi_status_parse(json_string_value(json_object_get(r, "status")));
		json_object_set_new(r, "status_label",
				    json_string(kpi_status_label(st < 0 ? KPI_ASSIGNED : (enum kpi_status)st)));
	}
	return rows;
}
