/* demo: what `khet demo` shows of the census, so a new user sees it at
 * work (issue 12 item 9). Every school of the two demo areas gets a few
 * hundred realistic Thai learners (names, titles that fit their sex and
 * age, valid citizen IDs with their check digit, birth dates that fit the
 * grade, weights and heights; a primary area's schools teach อ.2–ป.6 or
 * up to ม.3, a secondary area's ม.1–ม.6), and the census has a history:
 *
 *   the round before the last   every school confirmed, certified (its
 *                               snapshot, counts and totals, basic data
 *                               frozen) and acknowledged by the area;
 *   the last round (its window  most schools certified, a few only
 *   has closed)                 confirmed, one in twenty not at all; the
 *                               area has not acknowledged every one yet;
 *   between and since           learners joined and moved out (each with
 *                               its history line), so "change since the
 *                               last round" on the dashboards is not 0;
 *   the round in progress       the schools' basic data saved (the grades
 *                               they teach and their rooms); on its round
 *                               day, within the window, some schools have
 *                               confirmed and certified already.
 *
 * Learners of the same names and birth date at two schools are flagged
 * as duplicates, as the pages flag them. `--students N` is the total,
 * spread over the schools by a size of their own (the bench's national
 * figure); the default gives the 2 × 30 demo schools about 200 each.
 *
 * Fast whatever N: the learners are generated in C (deterministic) into a
 * temporary table through db_bulk (COPY on PostgreSQL), and each step of
 * the story — the inserts, their history, the recount of dmc_counts (the
 * areas' counts follow by trigger, migration 0509), confirm, certify,
 * snapshot, acknowledgement — is one set-based statement over every
 * school of the run; all in one transaction. A school that has learners
 * already is left alone, so running the demo again adds nothing.
 *
 * Beside the learners: the census people (the demo school admin also
 * holds the data officer role of the first school, "schooldirector"
 * certifies for it, "dmcarea" is the first area's census officer), and at
 * the first school two G-code requests (GC-1) with their documents (PDFs
 * made with core/pdf under the data folder) — one waiting for the area,
 * one the area certified, whose learner is in the school with the code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "acc/acc.h"
#include "core/alloc.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/pdf.h"
#include "core/thai.h"
#include "dmc/dmc_internal.h"

static unsigned long long rng = 0x2545F4914F6CDD1DULL;
static unsigned next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}
#define PICK(a) (a[next_rand() % (sizeof a / sizeof *a)])

static const char *const boys[] = {"ธนากร", "ณัฐวุฒิ", "กิตติพัฒน์", "ภูริภัทร", "วรเมธ", "ศุภกร", "อนุชา", "ธีรภัทร",
				   "พีรพล", "ชยพล", "ปิยะพงษ์", "สุรเชษฐ์", "เอกราช", "ไชยา", "ก้องภพ", "ณัฐพล",
				   "ธนวัฒน์", "กฤษดา", "อภิสิทธิ์", "ภานุวัฒน์", "จิรายุ", "ศักดิ์ชัย", "วีรยุทธ", "พงศกร"};
static const char *const girls[] = {"ณัฐธิดา", "พิมพ์ชนก", "กัญญารัตน์", "ศิริพร", "อรอุมา", "ธิดารัตน์", "ปวีณา", "สุภาวดี",
				    "เบญจวรรณ", "ชนิดา", "วราภรณ์", "แพรวา", "ใบเตย", "อัญชลี", "ขวัญข้าว", "นภัสสร",
				    "กมลชนก", "ปิยธิดา", "สุนิสา", "รัตนาภรณ์", "จุฑามาศ", "พรรณิภา", "อารียา", "ชลธิชา"};
static const char *const lasts[] = {"ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "พรหมวงศ์", "สายบุญ", "จันทร์เพ็ง", "ภูมิพันธ์",
				    "วงศ์ใหญ่", "คำภา", "ไชยสิทธิ์", "อินทร์แก้ว", "โพธิ์ศรี", "เหล่าสุวรรณ", "ดวงจันทร์", "มูลสาร",
				    "ศรีวงษ์", "บุญเรือง", "แสงทอง", "พันธ์ุดี", "สีหาราช", "คำมุงคุณ", "ทองสุข", "บุตรดี",
				    "ศรีจันทร์", "พลเยี่ยม", "วงศ์สวัสดิ์", "จันทร์หอม", "นาคสุข", "แก้วกาญจน์", "ปัญญาดี", "สุวรรณศรี"};
static const char *const guardians[] = {"นายสมศักดิ์", "นางบุญเรือน", "นายประยูร", "นางสมใจ", "นายทองใบ", "นางคำปุ่น"};
static const char *const villages[] = {"บ้านหนองบัว", "บ้านโนนสูง", "บ้านดอนแดง", "บ้านนาเวียง", "บ้านคำไผ่"};
static const char *const away[] = {"โรงเรียนบ้านนาเวียง อ.เมือง", "โรงเรียนอนุบาลยโสธร", "ย้ายตามผู้ปกครองไปกรุงเทพมหานคร",
				   "โรงเรียนเทศบาล 1 ชลบุรี", "ย้ายไปต่างจังหวัด (ขอนแก่น)"};

/* grades of the demo schools and the age a learner has in each */
static const struct {
	const char *code;
	int age;
	int weight, height; /* typical, tenths */
} grades[] = {
    {"k2", 4, 170, 1030}, {"k3", 5, 190, 1100}, {"p1", 6, 210, 1170}, {"p2", 7, 240, 1230},
    {"p3", 8, 270, 1290}, {"p4", 9, 300, 1340}, {"p5", 10, 340, 1400}, {"p6", 11, 380, 1460},
    {"m1", 12, 420, 1520}, {"m2", 13, 460, 1570}, {"m3", 14, 500, 1620}, {"m4", 15, 530, 1640},
    {"m5", 16, 550, 1660}, {"m6", 17, 560, 1670},
};
enum { G_K2 = 0, G_P6 = 7, G_M1 = 8, G_M3 = 10, G_M6 = 13 };

/* 13 digits with the check digit, unique over the demo: 1, a registry
 * office (digits 2–5, never 0000) and 7 digits, from the school and the
 * learner's number in it (schools up to 89,999, 99,999 learners each) */
static void citizen_id(long long school, long long i, char out[14])
{
	unsigned long long n = (unsigned long long)(school * 100000 + i) % 9000000000ULL;
	char d12[32];
	snprintf(d12, sizeof d12, "1%04llu%07llu", 1000 + n / 10000000ULL, n % 10000000ULL);
	int s = 0;
	for (int k = 0; k < 12; k++)
		s += (d12[k] - '0') * (13 - k);
	snprintf(out, 14, "%.12s%d", d12, (11 - s % 11) % 10);
}

/* A census round's times. */
struct demo_round {
	long long id, open_at, close_at;
};

/* The staging table of the generated learners (named as the import's,
 * so the duplicates check of the import reads it too): batch 0 were
 * there before the earlier round, 1 joined between the two past rounds,
 * 2 since the last; leave 1 moved out between the rounds, 2 since. */
static const char *const stage_cols[] = {
    "line",	   "school_id",	 "citizen_id", "gcode",	      "ident",	       "title",	 "first_name", "last_name",
    "sex",	   "birth_date", "nationality", "grade",	      "room",	       "weight_x10", "height_x10",
    "disadvantaged", "disability", "guardian_name", "guardian_phone", "address", "search",	 "batch",
    "created_at",	   "leave",	 "left_at",	"destination"};
#define NSTAGE ((int)(sizeof stage_cols / sizeof *stage_cols))

struct gen {
	struct db_bulk *bulk;
	long long line;
	long long t[3][2]; /* batch → [from, to) of its created_at; also of leaving (1, 2) */
	int start_year;    /* CE year the academic year began */
	bool one_past;	   /* only one round has closed: whoever leaves, leaves after it */
};

static long long between(const long long span[2])
{
	long long w = span[1] - span[0];
	return span[0] + (w > 0 ? (long long)(next_rand() % (unsigned)(w > 2000000000 ? 2000000000 : w)) : 0);
}

/* n learners of one school into the staging table. */
static int gen_school(struct gen *g, long long school, int from, int to, long long n, struct err *e)
{
	for (long long i = 0; i < n; i++) {
		int gi = from + (int)(next_rand() % (unsigned)(to - from + 1));
		bool boy = next_rand() % 2;
		char cid[14], birth[16], weight[16], height[16], phone[16], line[24], sid[24], room[8], batch[4],
		    created[24], leave[4], left[24];
		citizen_id(school, i + 1, cid);
		/* born between mid-May of one year and mid-May of the next:
		 * the age of the grade on the academic year's first day */
		int by = g->start_year - grades[gi].age - 1;
		int bm = 5 + (int)(next_rand() % 12), bd = 1 + (int)(next_rand() % 28);
		if (bm > 12)
			bm -= 12, by++;
		if (bm == 5 && bd < 17)
			bd += 11;
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", by, bm, bd);
		int w = grades[gi].weight + (int)(next_rand() % 80) - 30, h = grades[gi].height + (int)(next_rand() % 100) - 50;
		snprintf(weight, sizeof weight, "%d", w);
		snprintf(height, sizeof height, "%d", h);
		snprintf(phone, sizeof phone, "08%08u", next_rand() % 100000000u);
		snprintf(line, sizeof line, "%lld", ++g->line);
		snprintf(sid, sizeof sid, "%lld", school);
		snprintf(room, sizeof room, "%u", 1 + next_rand() % 2);
		unsigned r = next_rand() % 100, q = next_rand() % 100;
		int b = r < 93 ? 0 : r < 96 ? 1 : 2;
		int lv = (q < 3 && b == 0) ? 1 : (q >= 3 && q < 5 && b <= 1) ? 2 : 0;
		if (lv == 1 && g->one_past)
			lv = 2;
		snprintf(batch, sizeof batch, "%d", b);
		snprintf(created, sizeof created, "%lld", between(g->t[b]));
		snprintf(leave, sizeof leave, "%d", lv);
		snprintf(left, sizeof left, "%lld", lv ? between(g->t[lv]) : 0);
		struct buf guardian = BUF_INIT, address = BUF_INIT, names = BUF_INIT, search = BUF_INIT;
		const char *first = boy ? PICK(boys) : PICK(girls), *last = PICK(lasts);
		buf_addf(&guardian, "%s %s", PICK(guardians), last);
		buf_addf(&address, "%u หมู่ %u %s", 1 + next_rand() % 200, 1 + next_rand() % 12, PICK(villages));
		buf_addf(&names, "%s %s", first, last);
		thai_search_terms(buf_cstr(&names), &search);
		dmc_search_ident(cid, &search);
		bool teen = grades[gi].age >= 15;
		const char *v[] = {line,
				   sid,
				   cid,
				   NULL,
				   cid,
				   boy ? (teen ? "mr" : "boy") : (teen ? "miss" : "girl"),
				   first,
				   last,
				   boy ? "M" : "F",
				   birth,
				   next_rand() % 40 ? "TH" : "LA",
				   grades[gi].code,
				   room,
				   weight,
				   height,
				   next_rand() % 5 ? "none" : "poor",
				   next_rand() % 50 ? "none" : "learning",
				   buf_cstr(&guardian),
				   phone,
				   buf_cstr(&address),
				   buf_cstr(&search),
				   batch,
				   created,
				   leave,
				   left,
				   lv ? PICK(away) : ""};
		int rc = db_bulk_row(g->bulk, v, e);
		buf_release(&guardian);
		buf_release(&address);
		buf_release(&names);
		buf_release(&search);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The schools of the demo areas without learners, into dmc_demo_schools
 * (k: the school's place in its area, by OBEC code), and their learners
 * into dmc_import: total over them by a size of each. *n: schools. */
static int generate(struct db *db, const long long areas[2], long long total, struct gen *g, long long *nschools,
		    struct err *e)
{
	json_t *list = db_rows_json(db,
				    "SELECT s.id, s.area_id, a.kind, (SELECT COUNT(*) FROM dmc_learners l "
				    "WHERE l.school_id = s.id) AS have FROM schools s JOIN areas a ON a.id = s.area_id "
				    "WHERE s.area_id IN ($1, $2) ORDER BY s.area_id, s.obec_code",
				    DB_ARGS(DB_INT(areas[0]), DB_INT(areas[1])), e);
	if (!list)
		return -1;
	size_t n = json_array_size(list), i;
	long long *size = xcalloc(n ? n : 1, sizeof *size), sum = 0;
	json_t *s;
	json_array_foreach(list, i, s)
	{
		size[i] = 60 + (long long)(next_rand() % 80); /* 60–139: a school's size */
		sum += size[i];
	}
	long long *want = xcalloc(n ? n : 1, sizeof *want), given = 0;
	for (i = 0; i < n && sum; i++)
		given += want[i] = total * size[i] / sum;
	for (i = 0; i < n && given < total; i++, given++)
		want[i]++;
	int rc = db_exec(db, "CREATE TEMP TABLE dmc_demo_schools (school_id BIGINT PRIMARY KEY, area_id BIGINT NOT NULL, "
			     "k BIGINT NOT NULL)",
			 NULL, 0, e) < 0
		     ? -1
		     : 0;
	long long prev_area = 0, k = 0;
	*nschools = 0;
	json_array_foreach(list, i, s)
	{
		if (rc < 0)
			break;
		if (jint(s, "area_id") != prev_area)
			prev_area = jint(s, "area_id"), k = 0;
		else
			k++;
		if (jint(s, "have") || want[i] <= 0)
			continue;
		rc = db_exec(db, "INSERT INTO dmc_demo_schools (school_id, area_id, k) VALUES ($1, $2, $3)",
			     DB_ARGS(DB_INT(jint(s, "id")), DB_INT(prev_area), DB_INT(k)), e) < 0
			 ? -1
			 : 0;
		(*nschools)++;
	}
	if (rc == 0 &&
	    db_exec(db,
		    "CREATE TEMP TABLE dmc_import (line BIGINT NOT NULL, school_id BIGINT NOT NULL, citizen_id TEXT, "
		    "gcode TEXT, ident TEXT NOT NULL, title TEXT NOT NULL, first_name TEXT NOT NULL, "
		    "last_name TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL, nationality TEXT NOT NULL, "
		    "grade TEXT NOT NULL, room BIGINT NOT NULL, weight_x10 BIGINT, height_x10 BIGINT, "
		    "disadvantaged TEXT NOT NULL, disability TEXT NOT NULL, guardian_name TEXT NOT NULL, "
		    "guardian_phone TEXT NOT NULL, address TEXT NOT NULL, search TEXT NOT NULL, batch BIGINT NOT NULL, "
		    "created_at BIGINT NOT NULL, leave BIGINT NOT NULL, left_at BIGINT NOT NULL, "
		    "destination TEXT NOT NULL)",
		    NULL, 0, e) < 0)
		rc = -1;
	if (rc == 0 && !(g->bulk = db_bulk_begin(db, "dmc_import", stage_cols, NSTAGE, e)))
		rc = -1;
	k = 0;
	prev_area = 0;
	json_array_foreach(list, i, s)
	{
		if (rc < 0)
			break;
		if (jint(s, "area_id") != prev_area)
			prev_area = jint(s, "area_id"), k = 0;
		else
			k++;
		if (jint(s, "have") || want[i] <= 0)
			continue;
		/* a secondary area's schools teach ม.1–ม.6; a primary area's
		 * อ.2–ป.6, every third one up to ม.3 (ขยายโอกาส) */
		bool secondary = !strcmp(jstr(s, "kind"), "secondary");
		int from = secondary ? G_M1 : G_K2, to = secondary ? G_M6 : (k % 3 == 2 ? G_M3 : G_P6);
		rc = gen_school(g, jint(s, "id"), from, to, want[i] > 99999 ? 99999 : want[i], e);
	}
	if (g->bulk && db_bulk_end(g->bulk, rc == 0, e) < 0)
		rc = -1;
	g->bulk = NULL;
	free(size);
	free(want);
	json_decref(list);
	return rc;
}

/* The learners of a batch into dmc_learners with their history lines. */
static int add_batch(struct db *db, int batch_from, int batch_to, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO dmc_learners (citizen_id, gcode, ident, school_id, status, title, first_name, "
		       "last_name, sex, birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, "
		       "disability, guardian_name, guardian_phone, address, search, created_at, updated_at) "
		       "SELECT citizen_id, gcode, ident, school_id, 'active', title, first_name, last_name, sex, "
		       "birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability, "
		       "guardian_name, guardian_phone, address, search, created_at, created_at FROM dmc_import "
		       "WHERE batch BETWEEN $1 AND $2 ORDER BY line",
		       DB_ARGS(DB_INT(batch_from), DB_INT(batch_to)), e) < 0 ||
		       db_exec(db,
			       "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
			       "to_school_id, destination, detail) "
			       "SELECT l.id, i.created_at, NULL, 'add', NULL, i.school_id, '', "
			       "'{\"grade\":\"' || i.grade || '\"}' FROM dmc_import i JOIN dmc_learners l ON l.ident = i.ident "
			       "WHERE i.batch BETWEEN $1 AND $2",
			       DB_ARGS(DB_INT(batch_from), DB_INT(batch_to)), e) < 0
		   ? -1
		   : 0;
}

/* The learners who leave at step leave_from … leave_to move out. */
static int leave_batch(struct db *db, int leave_from, int leave_to, struct err *e)
{
	return db_exec(db,
		       "UPDATE dmc_learners SET version = version + 1, status = 'moved_out', moved_to = i.destination, "
		       "updated_at = i.left_at "
		       "FROM dmc_import i WHERE dmc_learners.ident = i.ident AND dmc_learners.status = 'active' "
		       "AND i.leave BETWEEN $1 AND $2",
		       DB_ARGS(DB_INT(leave_from), DB_INT(leave_to)), e) < 0 ||
		       db_exec(db,
			       "INSERT INTO dmc_learner_events (learner_id, at, by_user, kind, from_school_id, "
			       "to_school_id, destination, detail) "
			       "SELECT l.id, i.left_at, NULL, 'move_out', i.school_id, NULL, i.destination, '{}' "
			       "FROM dmc_import i JOIN dmc_learners l ON l.ident = i.ident WHERE i.leave BETWEEN $1 AND $2",
			       DB_ARGS(DB_INT(leave_from), DB_INT(leave_to)), e) < 0
		   ? -1
		   : 0;
}

/* dmc_counts of the run's schools from their learners (the areas'
 * dmc_area_counts follow by trigger). */
static int recount(struct db *db, struct err *e)
{
	return db_exec(db, "DELETE FROM dmc_counts WHERE school_id IN (SELECT school_id FROM dmc_demo_schools)", NULL,
		       0, e) < 0 ||
		       db_exec(db,
			       "INSERT INTO dmc_counts (school_id, grade, sex, n) SELECT l.school_id, l.grade, l.sex, "
			       "COUNT(*) FROM dmc_learners l JOIN dmc_demo_schools d ON d.school_id = l.school_id "
			       "WHERE l.status = 'active' GROUP BY l.school_id, l.grade, l.sex",
			       NULL, 0, e) < 0
		   ? -1
		   : 0;
}

/* One round of the run's schools, as it went: those of confirm_sql (a
 * condition on d.k) confirmed, those of certify_sql certified, those of
 * ack_sql acknowledged (named as by ack_by at his area ack_area's schools;
 * the people of the demo are those of the first school and area) — confirmations spread over the window
 * from its opening, each certification half an hour later, the
 * acknowledgement the next day (never later than now); or, for the round
 * in progress on its round day, all at now. What certifying keeps is
 * written as dmc_round_certify writes it: the snapshot, its counts, the
 * totals on the round's row, and the basic data frozen. */
static int round_story(struct db *db, const struct demo_round *r, const char *confirm_sql, const char *certify_sql,
		       const char *ack_sql, long long first, long long officer, long long director, long long ack_by,
		       long long ack_area, long long now, bool at_now, struct err *e)
{
	struct buf sql = BUF_INIT;
	/* confirm: open + 10 min + up to 6 h; certify 30 min later */
	const char *conf_at = at_now ? "p.now_" : "(p.op + 600 + ((d.k * 7) % 360) * 60)";
	/* the parameters once, typed (PostgreSQL cannot type them inside CASE) */
	buf_addf(&sql,
		 "INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, confirmed_by, certified_at, "
		 "certified_by, acknowledged_at, acknowledged_by) "
		 "SELECT p.rid, d.school_id, CASE WHEN %s > p.cl THEN p.cl ELSE %s END, "
		 "CASE WHEN d.school_id = p.first THEN p.officer ELSE NULL END, "
		 "CASE WHEN %s THEN (CASE WHEN %s + %d > p.cl THEN p.cl ELSE %s + %d END) ELSE NULL END, "
		 "CASE WHEN %s AND d.school_id = p.first THEN p.director ELSE NULL END, "
		 "CASE WHEN %s AND %s THEN (CASE WHEN p.cl + 86400 > p.now_ THEN p.now_ ELSE p.cl + 86400 END) ELSE NULL END, "
		 "CASE WHEN %s AND %s AND d.area_id = p.ack_area THEN p.ack_by ELSE NULL END "
		 "FROM dmc_demo_schools d, (SELECT CAST($1 AS BIGINT) AS rid, CAST($2 AS BIGINT) AS op, "
		 "CAST($3 AS BIGINT) AS cl, CAST($4 AS BIGINT) AS first, CAST($5 AS BIGINT) AS now_, "
		 "CAST($6 AS BIGINT) AS officer, CAST($7 AS BIGINT) AS director, CAST($8 AS BIGINT) AS ack_by, "
		 "CAST($9 AS BIGINT) AS ack_area) p "
		 "WHERE %s AND NOT EXISTS (SELECT 1 FROM dmc_round_schools x WHERE x.round_id = p.rid "
		 "AND x.school_id = d.school_id)",
		 conf_at, conf_at, certify_sql, conf_at, at_now ? 0 : 1800, conf_at, at_now ? 0 : 1800, certify_sql,
		 certify_sql, ack_sql, certify_sql, ack_sql, confirm_sql);
	int rc = db_exec(db, buf_cstr(&sql),
			 DB_ARGS(DB_INT(r->id), DB_INT(r->open_at), DB_INT(r->close_at), DB_INT(first), DB_INT(now),
				 officer > 0 ? DB_INT(officer) : DB_NULL, director > 0 ? DB_INT(director) : DB_NULL,
				 ack_by > 0 ? DB_INT(ack_by) : DB_NULL, DB_INT(ack_area)),
			 e) < 0
		     ? -1
		     : 0;
	buf_release(&sql);
	/* the run's schools that certified this round */
#define CERTIFIED                                                                                                      	"SELECT rs.school_id FROM dmc_round_schools rs JOIN dmc_demo_schools d ON d.school_id = rs.school_id "          	"WHERE rs.round_id = $1 AND rs.certified_at IS NOT NULL"
	if (rc == 0 &&
	    (db_exec(db,
		     "INSERT INTO dmc_snapshot (round_id, school_id, learner_id, ident, title, first_name, last_name, "
		     "sex, birth_date, nationality, grade, room, weight_x10, height_x10, disadvantaged, disability) "
		     "SELECT $1, school_id, id, ident, title, first_name, last_name, sex, birth_date, nationality, grade, "
		     "room, weight_x10, height_x10, disadvantaged, disability FROM dmc_learners "
		     "WHERE status = 'active' AND school_id IN (" CERTIFIED ")",
		     DB_ARGS(DB_INT(r->id)), e) < 0 ||
	     db_exec(db,
		     "INSERT INTO dmc_snapshot_counts (round_id, school_id, grade, sex, n) "
		     "SELECT $1, school_id, grade, sex, n FROM dmc_counts WHERE n > 0 AND school_id IN (" CERTIFIED ")",
		     DB_ARGS(DB_INT(r->id)), e) < 0 ||
	     db_exec(db,
		     "UPDATE dmc_round_schools SET "
		     "certified_male = (SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts c WHERE c.round_id = $1 "
		     "AND c.school_id = dmc_round_schools.school_id AND c.sex = 'M'), "
		     "certified_female = (SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts c WHERE c.round_id = $1 "
		     "AND c.school_id = dmc_round_schools.school_id AND c.sex = 'F') "
		     "WHERE round_id = $1 AND school_id IN (" CERTIFIED ")",
		     DB_ARGS(DB_INT(r->id)), e) < 0 ||
	     /* the grades and rooms the learners are in, frozen */
	     db_exec(db,
		     "INSERT INTO dmc_school_basic (round_id, school_id, version, updated_at, updated_by) "
		     "SELECT rs.round_id, rs.school_id, 1, rs.certified_at, NULL FROM dmc_round_schools rs "
		     "JOIN dmc_demo_schools d ON d.school_id = rs.school_id "
		     "WHERE rs.round_id = $1 AND rs.certified_at IS NOT NULL ON CONFLICT DO NOTHING",
		     DB_ARGS(DB_INT(r->id)), e) < 0 ||
	     db_exec(db,
		     "INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) "
		     "SELECT $1, school_id, grade, MAX(room) FROM dmc_learners WHERE status = 'active' "
		     "AND school_id IN (" CERTIFIED ") GROUP BY school_id, grade ON CONFLICT DO NOTHING",
		     DB_ARGS(DB_INT(r->id)), e) < 0))
		rc = -1;
#undef CERTIFIED
	return rc;
}

/* The round in progress: every school of the run has saved its basic
 * data (the grades its learners are in, the highest room of each). */
static int current_basic(struct db *db, long long round_id, long long now, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO dmc_school_basic (round_id, school_id, version, updated_at, updated_by) "
		       "SELECT $1, school_id, 1, $2, NULL FROM dmc_demo_schools WHERE 1 = 1 ON CONFLICT DO NOTHING",
		       DB_ARGS(DB_INT(round_id), DB_INT(now)), e) < 0 ||
		       db_exec(db,
			       "INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) "
			       "SELECT $1, l.school_id, l.grade, MAX(l.room) FROM dmc_learners l "
			       "JOIN dmc_demo_schools d ON d.school_id = l.school_id WHERE l.status = 'active' "
			       "GROUP BY l.school_id, l.grade ON CONFLICT DO NOTHING",
			       DB_ARGS(DB_INT(round_id)), e) < 0
		   ? -1
		   : 0;
}

/* The last two rounds whose window has closed: out[0] the last, out[1]
 * the one before (id 0 when there is none). */
static int past_rounds(struct db *db, long long now, struct demo_round out[2], struct err *e)
{
	memset(out, 0, 2 * sizeof *out);
	json_t *rows = db_rows_json(db,
				    "SELECT id, open_at, close_at FROM dmc_rounds WHERE close_at + 60 <= $1 "
				    "ORDER BY close_at DESC LIMIT 2",
				    DB_ARGS(DB_INT(now)), e);
	if (!rows)
		return -1;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) out[i] = (struct demo_round){jint(r, "id"), jint(r, "open_at"), jint(r, "close_at")};
	json_decref(rows);
	return 0;
}

/* The learners and the census's story of the demo areas' schools. */
static int demo_census(struct db *db, const long long areas[2], long long total, long long first, long long officer,
		       long long director, long long area_officer, long long now, struct err *e)
{
	struct demo_round past[2], cur = {0};
	if (past_rounds(db, now, past, e) < 0)
		return -1;
	if (!past[0].id) {
		/* the first round of the year is still ahead: last year's */
		if (dmc_rounds_ensure(db, thai_academic_year(now) - 1, e) < 0 || past_rounds(db, now, past, e) < 0)
			return -1;
	}
	json_t *c = dmc_round_current(db, now, e);
	if (c) {
		cur = (struct demo_round){jint(c, "id"), jint(c, "open_at"), jint(c, "close_at")};
		json_decref(c);
	} else if (e->status == 404) {
		err_clear(e);
	} else {
		return -1;
	}
	int ty, tm, td;
	thai_local(now, &ty, &tm, &td, NULL, NULL, NULL, NULL);
	struct gen g = {.start_year = (tm > 5 || (tm == 5 && td >= 16)) ? ty : ty - 1, .one_past = !past[1].id};
	/* when each batch joined and each leaver left */
	long long before = (past[1].id ? past[1].open_at : past[0].open_at) - 60LL * 86400;
	long long mid_from = past[1].id ? past[1].close_at + 3600 : before, mid_to = past[0].open_at - 3600;
	g.t[0][0] = before - 200LL * 86400, g.t[0][1] = before;
	g.t[1][0] = mid_from, g.t[1][1] = mid_to > mid_from ? mid_to : mid_from + 1;
	g.t[2][0] = past[0].close_at + 3600, g.t[2][1] = now > g.t[2][0] ? now : g.t[2][0] + 1;
	long long nschools = 0;
	if (generate(db, areas, total, &g, &nschools, e) < 0)
		return -1;
	int rc = 0;
	if (nschools > 0 && past[0].id) {
		if (past[1].id) {
			/* the round before the last: everyone, acknowledged */
			rc = add_batch(db, 0, 0, e) < 0 || recount(db, e) < 0 ||
				     round_story(db, &past[1], "1 = 1", "1 = 1", "1 = 1", first, officer, director,
						 area_officer, areas[0], now, false, e) < 0 ||
				     add_batch(db, 1, 1, e) < 0 || leave_batch(db, 1, 1, e) < 0
				 ? -1
				 : 0;
		} else {
			rc = add_batch(db, 0, 1, e);
		}
		/* the last round: most certified, some only confirmed, one in
		 * twenty missed it; the area has acknowledged three in four */
		if (rc == 0 && (recount(db, e) < 0 ||
				round_story(db, &past[0], "d.k % 20 <> 19", "d.k % 20 < 17", "d.k % 4 <> 3", first, officer,
					    director, area_officer, areas[0], now, false, e) < 0 ||
				add_batch(db, 2, 2, e) < 0 || leave_batch(db, 2, 2, e) < 0 ||
				recount(db, e) < 0))
			rc = -1;
	} else if (nschools > 0) {
		rc = add_batch(db, 0, 2, e) < 0 || recount(db, e) < 0 ? -1 : 0;
	}
	if (rc == 0 && nschools > 0 && cur.id) {
		rc = current_basic(db, cur.id, now, e);
		/* its round day, inside the window: some have confirmed and
		 * certified already (not the first schools, which the
		 * people of the demo work in) */
		if (rc == 0 && dmc_window_state(cur.open_at, cur.close_at, now) == DMC_WINDOW_OPEN)
			rc = round_story(db, &cur, "d.k >= 3 AND d.k % 3 = 0", "d.k >= 3 AND d.k % 6 = 0", "1 = 0", first,
					 officer, director, area_officer, areas[0], now, true, e);
	}
	/* the same names and birth date at two schools (DMC-5) */
	if (rc == 0 && nschools > 0 && dmc_dup_check_schools_import(db, now, e) < 0)
		rc = -1;
	if (rc == 0 && (db_exec(db, "DROP TABLE dmc_import", NULL, 0, e) < 0 ||
			db_exec(db, "DROP TABLE dmc_demo_schools", NULL, 0, e) < 0))
		rc = -1;
	return rc;
}

static long long school_at(struct db *db, long long area, int n, struct err *e)
{
	long long id = 0;
	int rc = db_int_value(db, "SELECT id FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT 1 OFFSET $2",
			      DB_ARGS(DB_INT(area), DB_INT(n)), &id, e);
	return rc == 1 ? id : rc == 0 ? 0 : -1;
}

static int grant(struct db *db, long long user, const char *role, long long area, long long school, struct err *e)
{
	struct acc_grant g = {0};
	g.user_id = user;
	snprintf(g.role, sizeof g.role, "%s", role);
	snprintf(g.module, sizeof g.module, "dmc");
	g.area_id = area;
	g.school_id = school;
	return acc_demo_grant(db, &g, e);
}

static int mkdirs(const char *data_dir, long long id, struct err *e)
{
	struct buf dir = BUF_INIT;
	static const char *const parts[] = {"files", "files/dmc", "files/dmc/gcode"};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i <= sizeof parts / sizeof *parts; i++) {
		buf_reset(&dir);
		if (i < sizeof parts / sizeof *parts)
			buf_addf(&dir, "%s/%s", data_dir, parts[i]);
		else
			buf_addf(&dir, "%s/files/dmc/gcode/%lld", data_dir, id);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	buf_release(&dir);
	return rc;
}

/* A document of a demo request: a one-page PDF saying what it stands for. */
static int demo_doc(struct db *db, const char *data_dir, long long id, const char *kind, const char *title,
		    const char *who, struct err *e)
{
	struct pdf *p = pdf_new(title);
	pdf_subtitle(p, "เอกสารตัวอย่างสำหรับการสาธิตระบบ");
	pdf_row(p, "นักเรียน", who);
	pdf_text(p, "เอกสารนี้สร้างโดยคำสั่ง khet demo แทนเอกสารจริงที่โรงเรียนแนบเมื่อขอรหัส G");
	struct buf out = BUF_INIT, rel = BUF_INIT, path = BUF_INIT;
	int rc = pdf_finish(p, &out, e);
	buf_addf(&rel, "files/dmc/gcode/%lld/%s.pdf", id, kind);
	buf_addf(&path, "%s/%s", data_dir, buf_cstr(&rel));
	if (rc == 0)
		rc = mkdirs(data_dir, id, e);
	if (rc == 0) {
		FILE *f = fopen(buf_cstr(&path), "wb");
		if (!f || fwrite(out.data, 1, out.len, f) != out.len)
			rc = err_set(e, 500, "write %s: %s", buf_cstr(&path), strerror(errno));
		if (f && fclose(f) != 0 && rc == 0)
			rc = err_set(e, 500, "write %s: %s", buf_cstr(&path), strerror(errno));
	}
	if (rc == 0) {
		char name[64];
		snprintf(name, sizeof name, "%s.pdf", kind);
		struct dmc_gcode_doc d = {kind, buf_cstr(&rel), name, "application/pdf", (long long)out.len};
		rc = dmc_gcode_doc_add(db, id, &d, e);
	}
	buf_release(&out);
	buf_release(&rel);
	buf_release(&path);
	return rc;
}

/* Two G-code requests of the first school, with their documents: one
 * waiting for the area, one certified by the area's officer. */
static int demo_gcodes(struct db *db, long long school, long long area, long long officer, long long by,
		       const char *data_dir, long long now, struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_gcode_requests WHERE school_id = $1", DB_ARGS(DB_INT(school)),
			 &have, e) < 0)
		return -1;
	if (have || !data_dir)
		return 0;
	int ty, tm, td;
	thai_local(now, &ty, &tm, &td, NULL, NULL, NULL, NULL);
	int start_year = (tm > 5 || (tm == 5 && td >= 16)) ? ty : ty - 1;
	char birth1[32], birth2[32];
	snprintf(birth1, sizeof birth1, "%04d-03-14", start_year - 7);
	snprintf(birth2, sizeof birth2, "%04d-11-02", start_year - 9);
	struct dmc_learner_in kids[2] = {
	    {.citizen_id = "", .gcode = "", .title = "boy", .first_name = "จ่อ", .last_name = "หม่อง", .sex = "M",
	     .birth_date = birth1, .nationality = "MM", .grade = "p1", .room = 1, .weight = "21.5", .height = "118",
	     .disadvantaged = "minority", .disability = "none", .guardian_name = "นายอ่อง หม่อง",
	     .guardian_phone = "0891234567", .address = "12 หมู่ 4 บ้านหนองบัว"},
	    {.citizen_id = "", .gcode = "", .title = "girl", .first_name = "ซาซา", .last_name = "ไหน่", .sex = "F",
	     .birth_date = birth2, .nationality = "XX", .grade = "p3", .room = 1, .weight = "26", .height = "128",
	     .disadvantaged = "minority", .disability = "none", .guardian_name = "นางมิ ไหน่",
	     .guardian_phone = "0897654321", .address = "5 หมู่ 2 บ้านโนนสูง"},
	};
	for (int i = 0; i < 2; i++) {
		long long id = dmc_gcode_request(db, school, &kids[i], i ? "ผู้ปกครองมีหนังสือเดินทาง" : "", by, now, e);
		if (id < 0)
			return -1;
		struct buf who = BUF_INIT;
		buf_addf(&who, "%s %s", kids[i].first_name, kids[i].last_name);
		int rc = demo_doc(db, data_dir, id, "student_form", "แบบบันทึกข้อมูลนักเรียนพร้อมรูปถ่าย", buf_cstr(&who), e);
		if (rc == 0)
			rc = demo_doc(db, data_dir, id, "guardian_doc", "สำเนาเอกสารของผู้ปกครอง", buf_cstr(&who), e);
		buf_release(&who);
		if (rc < 0)
			return -1;
		if (i == 1) {
			char code[14];
			long long learner = 0;
			if (dmc_gcode_decide(db, area, id, true, "ตรวจเอกสารครบถ้วน", officer, now, code, &learner, e) < 0)
				return -1;
		}
	}
	return 0;
}

int dmc_demo(struct db *db, long long total, const char *data_dir, struct err *e)
{
	static const struct acc_demo_person director = {
	    "schooldirector", "310010000031", "นาย", "วิชัย", "รับรองดี", "schooldirector@example.org", "0810000031",
	    "civil_servant"};
	static const struct acc_demo_person area_officer = {
	    "dmcarea", "310010000032", "นางสาว", "ข้อมูล", "ครบถ้วน", "dmcarea@example.org", "0810000032", "civil_servant"};
	long long now = (long long)time(NULL);
	if (db_begin(db, e) < 0)
		return -1;
	long long areas[2] = {acc_demo_area(db, "3502", e), 0};
	if (areas[0] < 0)
		goto fail;
	/* the second demo area (secondary) when there is one */
	if (db_int_value(db, "SELECT id FROM areas WHERE code = '6201'", NULL, 0, &areas[1], e) < 0)
		goto fail;
	long long first = school_at(db, areas[0], 0, e);
	if (first < 0)
		goto fail;
	/* this year's rounds and the next's, as the dmc-rounds job lays them */
	if (dmc_rounds_ensure(db, thai_academic_year(now), e) < 0 || dmc_rounds_ensure(db, thai_academic_year(now) + 1, e) < 0)
		goto fail;
	long long admin = 0, ao = 0, dir = 0;
	if (first > 0) {
		if (db_int_value(db, "SELECT id FROM users WHERE username = 'schooladmin'", NULL, 0, &admin, e) < 0)
			goto fail;
		dir = acc_demo_person(db, &director, e);
		ao = acc_demo_person(db, &area_officer, e);
		if (dir < 0 || ao < 0 || (admin > 0 && grant(db, admin, "dmc_officer", 0, first, e) < 0) ||
		    grant(db, dir, "dmc_certifier", 0, first, e) < 0 || grant(db, ao, "dmc_area", areas[0], 0, e) < 0)
			goto fail;
	}
	if (demo_census(db, areas, total, first, admin, dir, ao, now, e) < 0)
		goto fail;
	if (first > 0 && demo_gcodes(db, first, areas[0], ao, admin, data_dir, now, e) < 0)
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
