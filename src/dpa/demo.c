/* demo: what `khet demo` shows of the personnel registry, so a new user
 * sees it at work — realistic Thai teachers and staff (names, titles, valid
 * citizen IDs, types, positions, standings, salaries and dates that fit
 * together) in the first 30 schools of every demo area, 15 to 60 per
 * school; about one in six records lacks something (a phone, a subject,
 * the date of arrival), so "incomplete" means something; some are due to
 * retire this fiscal year; and one transfer request waits: the first
 * school of the first area asks for a teacher of its second school; the
 * demo's teacher, school admin and director get their records from their
 * accounts (DPA-5). The
 * records go in through dpa_staff_add, the same path as the page. The
 * generator is deterministic and a school that has staff already is left
 * alone, so running the demo again adds nothing. `--staff N` (the bench's
 * national figure) spreads N records over every school instead, loaded
 * set-based (demo_bulk). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/thai.h"
#include "dpa/dpa_internal.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}
#define PICK(a) (a[next_rand() % (sizeof a / sizeof *a)])

static const char *const men[] = {"สมชาย",  "ประเสริฐ", "วิชัย",	"สุรชัย",	  "ธนพล",  "อนันต์",
				  "กิตติศักดิ์", "ณรงค์",    "บุญเลิศ", "ไพโรจน์", "สมศักดิ์", "เอกชัย"};
static const char *const women[] = {"สุภาพร", "วันเพ็ญ",	 "กาญจนา",  "ศิริวรรณ", "อรทัย", "นงลักษณ์",
				    "พรทิพย์", "เยาวลักษณ์", "จันทร์เพ็ญ", "รัชนี",    "ปราณี", "อัมพร"};
static const char *const lasts[] = {"ศรีสุข",  "บุญมา",   "แก้วมณี", "ทองดี",	  "พรหมวงศ์", "สายบุญ", "จันทร์เพ็ง",
				    "ภูมิพันธ์", "วงศ์ใหญ่", "คำภา",	"ไชยสิทธิ์", "อินทร์แก้ว", "โพธิ์ศรี", "เหล่าสุวรรณ"};
static const char *const subjects[] = {"ภาษาไทย",	  "คณิตศาสตร์", "วิทยาศาสตร์",  "สังคมศึกษา", "ภาษาอังกฤษ",
				       "สุขศึกษาและพลศึกษา", "ศิลปะ",     "การงานอาชีพ", "ปฐมวัย",	"คอมพิวเตอร์"};
static const char *const degrees[] = {"ค.บ.", "กศ.บ.", "ศษ.บ.", "วท.บ.", "ศศ.บ.", "ค.ม.", "กศ.ม."};

static void citizen_id(unsigned long long seq, char out[14])
{
	char d12[13];
	snprintf(d12, sizeof d12, "3%04d%07llu", 3500, seq % 10000000ULL);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (d12[i] - '0') * (13 - i);
	snprintf(out, 14, "%s%d", d12, (11 - s % 11) % 10);
}

/* --staff: the national figure's records, numbered from 1 (prefix 5, apart
 * from the usual demo's 3 3500 … and the accounts' IDs) */
static void bulk_citizen_id(unsigned long long seq, char out[14])
{
	char d12[13];
	snprintf(d12, sizeof d12, "5%04llu%07llu", 1001 + seq / 10000000ULL % 8000, seq % 10000000ULL);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (d12[i] - '0') * (13 - i);
	snprintf(out, 14, "%s%d", d12, (11 - s % 11) % 10);
}

/* One generated person: the values and the record's input pointing at them. */
struct demo_person {
	char cid[14], birth[32], appointed[32], arrived[32], posno[16], phone[16];
	struct buf edu;
	struct dpa_staff_in in;
};

/* The i-th of a school's staff (nth: the school's place; bulk > 0 numbers
 * the citizen IDs from bulk, --staff); fy: the CE year this fiscal year
 * ends in, ty: this CE year. p->edu is the caller's to release. */
static void demo_person(struct demo_person *p, int nth, int i, unsigned long long bulk, int ty, int fy)
{
	bool man = next_rand() % 3 == 0;
	if (bulk)
		bulk_citizen_id(bulk + (unsigned long long)i, p->cid);
	else
		citizen_id((unsigned long long)nth * 1000ULL + (unsigned long long)i + 1, p->cid);
	/* the first of a school is its director; one in twenty-four retires this year */
	const char *type, *position, *standing;
	long long salary;
	int age;
	if (i == 0) {
		type = "executive", position = "director", standing = "senior", salary = 5843000, age = 52;
	} else if (i % 9 == 0) {
		type = "contract", position = "hired_teacher", standing = "none", salary = 1500000, age = 26;
	} else if (i % 11 == 0) {
		type = "permanent", position = "janitor", standing = "none", salary = 1874000, age = 50;
	} else if (i % 7 == 0) {
		type = "support", position = "officer", standing = "professional", salary = 2841000, age = 41;
	} else {
		static const char *const st[] = {"none", "professional", "professional", "senior", "expert"};
		type = "teacher";
		standing = st[next_rand() % 5];
		position = !strcmp(standing, "none") ? "assistant" : "teacher";
		age = !strcmp(standing, "none") ? 25 + (int)(next_rand() % 5) : 32 + (int)(next_rand() % 27);
		salary = 1800000 + (long long)(age - 24) * 95000 + (long long)(next_rand() % 100) * 100;
	}
	if (i % 24 == 5)
		age = 59; /* turns 60 in this fiscal year */
	int bm = 1 + (int)(next_rand() % 12), bd = 1 + (int)(next_rand() % 28);
	int by = age == 59 ? (bm >= 10 ? fy - 61 : fy - 60) : fy - age - 1;
	if (age == 59 && bm >= 10)
		bd = bd < 2 ? 2 : bd;
	snprintf(p->birth, sizeof p->birth, "%04d-%02d-%02d", by, bm, bd);
	int ay = by + 23 + (int)(next_rand() % 3);
	if (ay > ty - 1)
		ay = ty - 1;
	snprintf(p->appointed, sizeof p->appointed, "%04d-%02d-01", ay, 5 + (int)(next_rand() % 2));
	int ry = ay + (int)(next_rand() % 8);
	if (ry > ty - 1)
		ry = ty - 1;
	snprintf(p->arrived, sizeof p->arrived, "%04d-%02d-16", ry, 7 + (int)(next_rand() % 4));
	snprintf(p->posno, sizeof p->posno, "%u", 1000 + next_rand() % 90000);
	snprintf(p->phone, sizeof p->phone, "08%08u", next_rand() % 100000000u);
	/* one in six lacks something (counted over the whole run with --staff) */
	bool lacking = (bulk ? bulk + (unsigned long long)i : (unsigned long long)i) % 6 == 3;
	int lack = (int)(next_rand() % 3);
	p->edu = (struct buf)BUF_INIT;
	buf_addf(&p->edu, "%s (%s)", PICK(degrees), PICK(subjects));
	p->in = (struct dpa_staff_in){
	    .citizen_id = p->cid,
	    .title = man ? "นาย" : (next_rand() % 2 ? "นาง" : "นางสาว"),
	    .first_name = man ? PICK(men) : PICK(women),
	    .last_name = PICK(lasts),
	    .birth_date = p->birth,
	    .type = type,
	    .position = position,
	    .position_no = strcmp(type, "contract") ? p->posno : "",
	    .standing = standing,
	    .salary = salary,
	    .appointed_on = p->appointed,
	    .arrived_on = lacking && lack == 0 ? "" : p->arrived,
	    .education = buf_cstr(&p->edu),
	    .subject = lacking && lack == 1 ? "" : PICK(subjects),
	    .phone = lacking && lack == 2 ? "" : p->phone,
	    .email = "",
	};
}

static void demo_years(long long now, int *ty, int *fy)
{
	int tm;
	thai_local(now, ty, &tm, NULL, NULL, NULL, NULL, NULL);
	*fy = tm >= 10 ? *ty + 1 : *ty; /* CE year this fiscal year ends in */
}

/* The staff of one school: 15 to 60 by nth, through dpa_staff_add as the
 * page adds them. */
static int demo_school(struct db *db, long long area, long long school, int nth, long long now, struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dpa_staff WHERE school_id = $1", DB_ARGS(DB_INT(school)), &have, e) <
	    0)
		return -1;
	if (have)
		return 0;
	int ty, fy;
	demo_years(now, &ty, &fy);
	int n = 15 + (int)((unsigned)(nth * 17 + 7) % 46);
	for (int i = 0; i < n; i++) {
		struct demo_person p;
		demo_person(&p, nth, i, 0, ty, fy);
		long long elsewhere = 0;
		long long id = dpa_staff_add(db, area, school, &p.in, 0, now, &elsewhere, "add", e);
		buf_release(&p.edu);
		if (id < 0)
			return -1;
	}
	return 0;
}

/* The demo's own school people get their records too, from their accounts,
 * so DPA-5 shows at once: their account page names the record and the One
 * Stop Service forms come filled with position, standing and salary. */
static int demo_accounts(struct db *db, long long now, struct err *e)
{
	static const struct {
		const char *username, *type, *position, *standing;
		long long salary;
		const char *birth, *subject;
	} people[] = {
	    {"teacher", "teacher", "teacher", "professional", 3253000, "1984-08-12", "วิทยาศาสตร์"},
	    {"schooladmin", "teacher", "teacher", "senior", 4190000, "1979-02-03", "คอมพิวเตอร์"},
	    {"schooldirector", "executive", "director", "senior", 5384000, "1971-11-20", "การบริหารการศึกษา"},
	};
	for (size_t i = 0; i < sizeof people / sizeof *people; i++) {
		long long uid = 0;
		char st[16] = "", hash[128];
		int k = acc_user_find_login(db, people[i].username, &uid, st, hash, e);
		explicit_bzero(hash, sizeof hash);
		if (k < 0)
			return -1;
		if (k == 0)
			continue;
		json_t *p = acc_user_profile(db, uid, e);
		json_t *g =
		    p ? db_row_json(db,
				    "SELECT g.school_id, s.area_id FROM grants g JOIN schools s ON s.id = g.school_id "
				    "WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.id LIMIT 1",
				    DB_ARGS(DB_INT(uid)), e)
		      : NULL;
		if (!g) {
			json_decref(p);
			if (e->status == 404) { /* no school grant: nothing to record */
				err_clear(e);
				continue;
			}
			return -1;
		}
		long long have = 0;
		if (db_int_value(db, "SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = $1",
				 DB_ARGS(DB_TEXT(jstr(p, "citizen_id"))), &have, e) < 0) {
			json_decref(p);
			json_decref(g);
			return -1;
		}
		if (!have) {
			struct dpa_staff_in in = {
			    .citizen_id = jstr(p, "citizen_id"),
			    .title = jstr(p, "title"),
			    .first_name = jstr(p, "first_name"),
			    .last_name = jstr(p, "last_name"),
			    .birth_date = people[i].birth,
			    .type = people[i].type,
			    .position = people[i].position,
			    .position_no = "1001",
			    .standing = people[i].standing,
			    .salary = people[i].salary,
			    .appointed_on = "2008-05-16",
			    .arrived_on = "2018-05-16",
			    .education = "ค.บ.",
			    .subject = people[i].subject,
			    .phone = jstr(p, "phone"),
			    .email = jstr(p, "email"),
			};
			long long elsewhere = 0;
			if (dpa_staff_add(db, jint(g, "area_id"), jint(g, "school_id"), &in, 0, now, &elsewhere, "add",
					  e) < 0) {
				json_decref(p);
				json_decref(g);
				return -1;
			}
		}
		json_decref(p);
		json_decref(g);
	}
	return 0;
}

/* --staff N: N records over every school of every area, as evenly as
 * whole numbers allow (the bench's national figure: 450,000 in 29,000
 * schools, 15 or 16 a school), in the areas' and schools' code order.
 * Set-based, as an import is: the rows are made here with what
 * dpa_staff_add would store (what each lacks, the retirement year, the
 * search words; the generator's values are valid by construction) and go
 * in through db_bulk (COPY on PostgreSQL), then one statement writes their
 * 'add' events and the counts of every school are recounted at once
 * (dpa_counts_touch / dpa_counts_refresh_touched). 450,000 records through
 * dpa_staff_add took minutes of round trips on PostgreSQL. */
static const char *const bulk_cols[] = {
    "citizen_id",   "area_id",	  "school_id", "status",  "title", "first_name", "last_name", "birth_date",
    "type",	    "position",	  "position_no", "standing", "salary", "appointed_on", "arrived_on", "education",
    "subject",	    "phone",	  "email",     "missing", "retire_fy", "search",    "created_at", "updated_at",
};
#define NBULK ((int)(sizeof bulk_cols / sizeof *bulk_cols))

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static int demo_bulk(struct db *db, long long staff, long long now, struct err *e)
{
	long long nschools = 0, have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM schools", NULL, 0, &nschools, e) < 0 ||
	    db_int_value(db, "SELECT COUNT(*) FROM dpa_staff WHERE citizen_id >= '5' AND citizen_id < '6'", NULL, 0,
			 &have, e) < 0)
		return -1;
	if (nschools == 0 || have > 0) /* nothing to fill, or filled by an earlier run */
		return 0;
	/* which types hold a position number (what a record lacks) */
	json_t *types = db_rows_json(db, "SELECT code, needs_position_no FROM dpa_types", NULL, 0, e);
	if (!types)
		return -1;
	json_t *needs = json_object();
	size_t ti;
	json_t *t;
	json_array_foreach(types, ti, t) json_object_set_new(needs, jstr(t, "code"), json_boolean(jint(t, "needs_position_no")));
	json_decref(types);
	struct db_res *r = NULL;
	if (db_query(db,
		     "SELECT s.area_id, s.id FROM schools s JOIN areas a ON a.id = s.area_id ORDER BY a.code, s.obec_code",
		     NULL, 0, &r, e) < 0) {
		json_decref(needs);
		return -1;
	}
	/* two numbers a school: no JSON per school for 29,000 of them */
	long long *place = NULL;
	size_t np = 0, cap = 0;
	int rc;
	while ((rc = db_next(r, e)) == 1) {
		if (np + 2 > cap) {
			cap = cap ? cap * 2 : 1024;
			place = xrealloc(place, cap * sizeof *place);
		}
		place[np++] = db_int(r, 0);
		place[np++] = db_int(r, 1);
	}
	db_res_free(r);
	int ty, fy;
	demo_years(now, &ty, &fy);
	struct db_bulk *b = rc < 0 ? NULL : db_bulk_begin(db, "dpa_staff", bulk_cols, NBULK, e);
	if (!b)
		rc = -1;
	char snow[24];
	snprintf(snow, sizeof snow, "%lld", now);
	unsigned long long seq = 1;
	struct buf search = BUF_INIT, names = BUF_INIT;
	for (size_t k = 0; b && rc >= 0 && k < np / 2; k++) {
		long long n = staff / nschools + ((long long)k < staff % nschools ? 1 : 0);
		char sarea[24], sschool[24];
		snprintf(sarea, sizeof sarea, "%lld", place[2 * k]);
		snprintf(sschool, sizeof sschool, "%lld", place[2 * k + 1]);
		for (int i = 0; i < n && rc >= 0; i++) {
			struct demo_person p;
			demo_person(&p, (int)k, i, seq, ty, fy);
			const struct dpa_staff_in *in = &p.in;
			bool needs_posno = json_is_true(json_object_get(needs, in->type));
			char miss[16], sal[24], rfy[16];
			snprintf(miss, sizeof miss, "%d", dpa_missing(in, needs_posno, NULL));
			snprintf(sal, sizeof sal, "%lld", in->salary);
			int retire = dpa_retire_fy(in->birth_date);
			snprintf(rfy, sizeof rfy, "%d", retire);
			buf_reset(&search);
			buf_reset(&names);
			buf_addf(&names, "%s %s", in->first_name, in->last_name);
			thai_search_terms(buf_cstr(&names), &search);
			buf_addf(&search, " %s", in->citizen_id);
			const char *v[] = {
			    in->citizen_id, sarea, sschool, "active", in->title, in->first_name, in->last_name,
			    or_null(in->birth_date), or_null(in->type), or_null(in->position), in->position_no,
			    or_null(in->standing), sal, or_null(in->appointed_on), or_null(in->arrived_on),
			    in->education, in->subject, in->phone, in->email, miss, retire > 0 ? rfy : NULL,
			    buf_cstr(&search), snow, snow,
			};
			if (db_bulk_row(b, v, e) < 0)
				rc = -1;
			buf_release(&p.edu);
		}
		seq += (unsigned long long)n;
	}
	buf_release(&search);
	buf_release(&names);
	free(place);
	json_decref(needs);
	if (b && db_bulk_end(b, rc >= 0, e) < 0)
		rc = -1;
	if (rc < 0)
		return -1;
	const char *mine = "FROM dpa_staff WHERE citizen_id >= '5' AND citizen_id < '6'";
	struct buf sql = BUF_INIT;
	buf_addf(&sql,
		 "INSERT INTO dpa_staff_events (staff_id, at, by_user, kind, to_school_id, detail) "
		 "SELECT id, $1, NULL, 'add', school_id, '{}' %s",
		 mine);
	if (db_exec(db, buf_cstr(&sql), DB_ARGS(DB_INT(now)), e) < 0)
		rc = -1;
	buf_reset(&sql);
	buf_addf(&sql, "SELECT DISTINCT COALESCE(school_id, 0), area_id %s", mine);
	if (rc >= 0 && (dpa_counts_touch(db, buf_cstr(&sql), NULL, 0, e) < 0 || dpa_counts_refresh_touched(db, e) < 0))
		rc = -1;
	buf_release(&sql);
	return rc < 0 ? -1 : 0;
}

int dpa_demo(struct db *db, long long staff, struct err *e)
{
	long long now = (long long)time(NULL);
	if (db_begin(db, e) < 0)
		return -1;
	if (staff > 0 && demo_bulk(db, staff, now, e) < 0)
		goto fail;
	json_t *areas = db_rows_json(db, "SELECT id FROM areas ORDER BY code", NULL, 0, e);
	if (!areas)
		goto fail;
	size_t ai;
	json_t *a;
	int nth = 0;
	json_array_foreach(areas, ai, a)
	{
		long long area = json_integer_value(json_object_get(a, "id"));
		json_t *schools =
		    db_rows_json(db, "SELECT id FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT 30",
				 DB_ARGS(DB_INT(area)), e);
		if (!schools) {
			json_decref(areas);
			goto fail;
		}
		size_t i;
		json_t *s;
		json_array_foreach(schools, i, s)
		{
			if (staff <= 0 &&
			    demo_school(db, area, json_integer_value(json_object_get(s, "id")), nth++, now, e) < 0) {
				json_decref(schools);
				json_decref(areas);
				goto fail;
			}
		}
		/* the pending transfer: the first school asks for a teacher of the second */
		long long any = 0;
		if (ai == 0 && json_array_size(schools) >= 2 &&
		    db_int_value(db, "SELECT COUNT(*) FROM dpa_transfers", NULL, 0, &any, e) >= 0 && !any) {
			long long first = json_integer_value(json_object_get(json_array_get(schools, 0), "id"));
			long long second = json_integer_value(json_object_get(json_array_get(schools, 1), "id"));
			json_t *p =
			    db_row_json(db,
					"SELECT citizen_id FROM dpa_staff WHERE school_id = $1 AND status = 'active' "
					"AND type = 'teacher' ORDER BY id LIMIT 1",
					DB_ARGS(DB_INT(second)), e);
			long long tid =
			    p ? dpa_transfer_request(db, first, json_string_value(json_object_get(p, "citizen_id")),
						     "ขอย้ายตามคำสั่งย้ายประจำปี", 0, now - 2 * 86400, e)
			      : -1;
			json_decref(p);
			if (tid < 0) {
				json_decref(schools);
				json_decref(areas);
				goto fail;
			}
		}
		json_decref(schools);
		if (e->status) {
			json_decref(areas);
			goto fail;
		}
	}
	json_decref(areas);
	if (demo_accounts(db, now, e) < 0)
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
