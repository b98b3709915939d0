/* remind: e-mail reminders of the data calendar: one week and one
 * day before each deadline, to the schools that still owe it.
 *
 * The hourly job asks every area's deadlines due within the week (through
 * the modules' hooks, as the pages do) and, for each deadline that names
 * who to remind ("remind", a role spec) and each school that owes it,
 * claims the reminder by inserting its row in cal_reminders (deadline key,
 * school, kind, due time) and queues the mails in the same transaction
 * (core/mail.h's outbox): the row exists if and only if the mails do, a
 * second instance running the job at the same moment inserts nothing and
 * sends nothing, and a server that was down on the day sends it at its
 * next turn. Moving a deadline (an extended window) makes new reminders
 * due. Which reminder is due is cal_reminder_kind, by Bangkok calendar
 * days: kind 7 from a week before the due day, kind 1 on the day before
 * and the day itself until the deadline passes; a school first seen a day
 * before gets only the last one.
 *
 * Recipients: the school's users (active grants of that school) whose
 * role the deadline's spec names, read once per area in one query. A
 * deadline without "remind" gets nothing from here: its module reminds by
 * itself (KPI, src/kpi/remind.c), and two mails for one report would be
 * one too many. */
#include <stdio.h>
#include <string.h>

#include "cal/cal_internal.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/jobs.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/mail.h"

static long long bangkok_day(long long t)
{
	long long x = t + 7 * 3600LL;
	return x >= 0 ? x / 86400 : (x - 86399) / 86400;
}

int cal_reminder_kind(long long now, long long due)
{
	if (due < now)
		return 0;
	long long days = bangkok_day(due) - bangkok_day(now);
	if (days <= 1)
		return 1;
	if (days <= 7)
		return 7;
	return 0;
}

/* Whether role is one of the codes of spec (space separated). */
static bool spec_has(const char *spec, const char *role)
{
	size_t n = strlen(role);
	for (const char *p = spec; *p;) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - w) == n && n && !strncmp(w, role, n))
			return true;
	}
	return false;
}

static void compose(json_t *dl, json_t *school, int kind, long long now, struct buf *subject, struct buf *body)
{
	long long days = bangkok_day(jint(dl, "due_at")) - bangkok_day(now);
	const char *when = days <= 0 ? "วันนี้" : days == 1 ? "พรุ่งนี้" : NULL;
	buf_addf(subject, "[Khet] %s: %s ครบกำหนด%s %s", kind == 1 ? "แจ้งเตือนครั้งสุดท้าย" : "แจ้งเตือน", jstr(dl, "title"),
		 when ? when : "", jstr(dl, "due_text"));
	buf_addf(body, "เรียน ผู้รับผิดชอบข้อมูลของ %s\n\n", jstr(school, "name"));
	buf_addf(body, "โรงเรียนของท่านยังค้างงานข้อมูลต่อไปนี้ตามปฏิทินการจัดทำข้อมูลของเขตพื้นที่\n\n%s\n", jstr(dl, "title"));
	if (*jstr(school, "detail"))
		buf_addf(body, "สิ่งที่ยังค้าง: %s\n", jstr(school, "detail"));
	if (*jstr(dl, "note"))
		buf_addf(body, "%s\n", jstr(dl, "note"));
	buf_addf(body, "ครบกำหนด: %s", jstr(dl, "due_text"));
	if (when)
		buf_addf(body, " (%s)", when);
	else
		buf_addf(body, " (อีก %lld วัน)", days);
	const char *href = *jstr(school, "href") ? jstr(school, "href") : jstr(dl, "href");
	buf_addf(body,
		 "\n\nดำเนินการได้ที่\n%s%s\n\nดูทุกกำหนดการของโรงเรียนได้ที่\n%s/cal/schools/%lld\n\n"
		 "อีเมลนี้ส่งโดยอัตโนมัติจากระบบ Khet (ปฏิทินการจัดทำข้อมูล) กรุณาอย่าตอบกลับ\n",
		 mail_base_url(), href, mail_base_url(), jint(school, "school_id"));
}

/* Claims one reminder and queues its mails in one transaction; returns the
 * mails queued (0 when another run claimed it first), or -1. */
static int remind_one(struct db *db, json_t *dl, json_t *school, int kind, json_t *people, long long now, struct err *e)
{
	long long sid = jint(school, "school_id");
	if (db_begin(db, e) < 0)
		return -1;
	long long claimed = db_exec(
	    db,
	    "INSERT INTO cal_reminders (deadline_key, school_id, kind, due, sent_at) VALUES ($1, $2, $3, $4, $5) "
	    "ON CONFLICT DO NOTHING",
	    DB_ARGS(DB_TEXT(jstr(dl, "key")), DB_INT(sid), DB_INT(kind), DB_TEXT(jstr(dl, "due")), DB_INT(now)), e);
	if (claimed < 0)
		goto fail;
	int sent = 0;
	if (claimed == 1) {
		struct buf subject = BUF_INIT, body = BUF_INIT;
		compose(dl, school, kind, now, &subject, &body);
		const char *spec = jstr(dl, "remind");
		const char *last = "";
		size_t i;
		json_t *p;
		/* people: the area's grants by school, then e-mail: one mail per address */
		json_array_foreach(people, i, p)
		{
			if (jint(p, "school_id") != sid || !spec_has(spec, jstr(p, "role")))
				continue;
			const char *addr = jstr(p, "email");
			if (!strcmp(addr, last))
				continue;
			last = addr;
			struct err me = ERR_INIT;
			if (mail_queue(db, addr, buf_cstr(&subject), buf_cstr(&body), &me) < 0) {
				if (me.status >= 500 || !me.status) {
					*e = me;
					buf_release(&subject);
					buf_release(&body);
					goto fail;
				}
				/* one bad stored address must not stop the others */
				log_error("cal-remind: %s school %lld: %s: %s", jstr(dl, "key"), sid, addr, me.msg);
				continue;
			}
			sent++;
		}
		buf_release(&subject);
		buf_release(&body);
	}
	if (db_commit(db, e) < 0)
		goto fail;
	return sent;
fail:
	db_rollback(db);
	return -1;
}

static int remind_area(struct db *db, long long area_id, long long now, json_t *memo, struct err *e)
{
	/* due from now to the end of the 8th day: every kind-7 and kind-1 one */
	json_t *dls = cal_deadlines_memo(db, area_id, 0, now, 0, 8, memo, e);
	if (!dls)
		return -1;
	json_t *people = NULL;
	int total = 0;
	size_t i, j;
	json_t *dl, *school;
	json_array_foreach(dls, i, dl)
	{
		int kind = cal_reminder_kind(now, jint(dl, "due_at"));
		if (!kind || !*jstr(dl, "remind") || !json_array_size(json_object_get(dl, "owing")))
			continue;
		if (!people) {
			people = db_rows_json(
			    db,
			    "SELECT g.school_id, g.role, u.email FROM schools s JOIN grants g ON g.school_id = s.id "
			    "JOIN users u ON u.id = g.user_id WHERE s.area_id = $1 AND g.revoked_at IS NULL "
			    "AND u.status = 'active' ORDER BY g.school_id, u.email",
			    DB_ARGS(DB_INT(area_id)), e);
			if (!people) {
				json_decref(dls);
				return -1;
			}
		}
		json_array_foreach(json_object_get(dl, "owing"), j, school)
		{
			int k = remind_one(db, dl, school, kind, people, now, e);
			if (k < 0) {
				json_decref(people);
				json_decref(dls);
				return -1;
			}
			total += k;
		}
		if (jobs_stopping())
			break;
	}
	json_decref(people);
	json_decref(dls);
	return total;
}

int cal_remind_run(struct db *db, long long now, struct err *e)
{
	json_t *areas = db_rows_json(db, "SELECT id FROM areas ORDER BY id", NULL, 0, e);
	if (!areas)
		return -1;
	int total = 0;
	size_t i;
	json_t *a;
	/* what every area shares (the buildings' windows): read once a pass */
	json_t *memo = json_object();
	json_array_foreach(areas, i, a)
	{
		int k = remind_area(db, jint(a, "id"), now, memo, e);
		if (k < 0) {
			json_decref(memo);
			json_decref(areas);
			return -1;
		}
		total += k;
		if (jobs_stopping())
			break;
	}
	json_decref(memo);
	json_decref(areas);
	return total;
}

int cal_remind_job(struct db *db, struct err *e)
{
	return cal_remind_run(db, clock_now(NULL), e) < 0 ? -1 : 0;
}
