/* demo: what `khet demo` shows of the census, so a new user sees it at
 * work — realistic Thai learners (names, titles that fit their sex and
 * age, valid citizen IDs with their check digit, birth dates that fit the
 * grade, weights and heights) in the first schools of the first demo area
 * (สพป.ยโสธร เขต 2), the rounds of this academic year, and the people: the
 * demo school admin (schooladmin) also holds the school data officer role
 * of the first school, "schooldirector" certifies for it, and "dmcarea" is
 * the area's census officer. Learners go in through dmc_learner_add, the
 * same path as the page, so counts and history are right by construction.
 * The generator is deterministic and a school that has learners already
 * is left alone, so running the demo again adds nothing.
 *
 * Beside the learners: each demo school's basic data of the round in
 * progress (the grades it teaches and two rooms each), and at the first
 * school two G-code requests (GC-1) with their documents (PDFs made with
 * core/pdf under the data folder) — one waiting for the area, one the
 * area certified, whose learner is in the school with the code. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "acc/acc.h"
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
				   "พีรพล", "ชยพล", "ปิยะพงษ์", "สุรเชษฐ์", "เอกราช", "ไชยา", "ก้องภพ", "ณัฐพล"};
static const char *const girls[] = {"ณัฐธิดา", "พิมพ์ชนก", "กัญญารัตน์", "ศิริพร", "อรอุมา", "ธิดารัตน์", "ปวีณา", "สุภาวดี",
				    "เบญจวรรณ", "ชนิดา", "วราภรณ์", "แพรวา", "ใบเตย", "อัญชลี", "ขวัญข้าว", "นภัสสร"};
static const char *const lasts[] = {"ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "พรหมวงศ์", "สายบุญ", "จันทร์เพ็ง", "ภูมิพันธ์",
				    "วงศ์ใหญ่", "คำภา", "ไชยสิทธิ์", "อินทร์แก้ว", "โพธิ์ศรี", "เหล่าสุวรรณ", "ดวงจันทร์", "มูลสาร"};
static const char *const guardians[] = {"นายสมศักดิ์", "นางบุญเรือน", "นายประยูร", "นางสมใจ", "นายทองใบ", "นางคำปุ่น"};
static const char *const villages[] = {"บ้านหนองบัว", "บ้านโนนสูง", "บ้านดอนแดง", "บ้านนาเวียง", "บ้านคำไผ่"};

/* grades of a primary-area school and the age a learner has in each */
static const struct {
	const char *code;
	int age;
	int weight, height; /* typical, tenths */
} grades[] = {
    {"k2", 4, 170, 1030}, {"k3", 5, 190, 1100}, {"p1", 6, 210, 1170}, {"p2", 7, 240, 1230},
    {"p3", 8, 270, 1290}, {"p4", 9, 300, 1340}, {"p5", 10, 340, 1400}, {"p6", 11, 380, 1460},
    {"m1", 12, 420, 1520}, {"m2", 13, 460, 1570}, {"m3", 14, 500, 1620},
};

static void citizen_id(unsigned long long seq, char out[14])
{
	char d12[13];
	snprintf(d12, sizeof d12, "1%04d%07llu", 3502, seq % 10000000ULL);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (d12[i] - '0') * (13 - i);
	snprintf(out, 14, "%s%d", d12, (11 - s % 11) % 10);
}

static int demo_school(struct db *db, long long school, int nth, long long n, long long now, struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_learners WHERE school_id = $1", DB_ARGS(DB_INT(school)), &have,
			 e) < 0)
		return -1;
	if (have)
		return 0;
	int ty, tm, td;
	thai_local(now, &ty, &tm, &td, NULL, NULL, NULL, NULL);
	int start_year = (tm > 5 || (tm == 5 && td >= 16)) ? ty : ty - 1; /* CE year the academic year began */
	for (long long i = 0; i < n; i++) {
		int g = (int)(i % (sizeof grades / sizeof *grades));
		bool boy = next_rand() % 2;
		char cid[14], birth[32], weight[16], height[16], phone[16];
		citizen_id((unsigned long long)nth * 1000000ULL + (unsigned long long)i + 1, cid);
		int by = start_year - grades[g].age - 1;
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", by, 6 + (int)(next_rand() % 7), 1 + (int)(next_rand() % 28));
		int w = grades[g].weight + (int)(next_rand() % 80) - 30, h = grades[g].height + (int)(next_rand() % 100) - 50;
		snprintf(weight, sizeof weight, "%d.%d", w / 10, w % 10);
		snprintf(height, sizeof height, "%d.%d", h / 10, h % 10);
		snprintf(phone, sizeof phone, "08%08u", next_rand() % 100000000u);
		struct buf guardian = BUF_INIT, address = BUF_INIT;
		const char *last = PICK(lasts);
		buf_addf(&guardian, "%s %s", PICK(guardians), last);
		buf_addf(&address, "%u หมู่ %u %s", 1 + next_rand() % 200, 1 + next_rand() % 12, PICK(villages));
		bool teen = grades[g].age >= 15;
		struct dmc_learner_in in = {
		    .citizen_id = cid,
		    .gcode = "",
		    .title = boy ? (teen ? "mr" : "boy") : (teen ? "miss" : "girl"),
		    .first_name = boy ? PICK(boys) : PICK(girls),
		    .last_name = last,
		    .sex = boy ? "M" : "F",
		    .birth_date = birth,
		    .nationality = next_rand() % 40 ? "TH" : "LA",
		    .grade = grades[g].code,
		    .room = 1 + (long long)(next_rand() % 2),
		    .weight = weight,
		    .height = height,
		    .disadvantaged = next_rand() % 5 ? "none" : "poor",
		    .disability = next_rand() % 50 ? "none" : "learning",
		    .guardian_name = buf_cstr(&guardian),
		    .guardian_phone = phone,
		    .address = buf_cstr(&address),
		};
		long long elsewhere = 0;
		long long id = dmc_learner_add(db, school, &in, 0, now, &elsewhere, e);
		buf_release(&guardian);
		buf_release(&address);
		if (id < 0)
			return -1;
	}
	return 0;
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

/* The round in progress: the grades the school's learners are in, two
 * rooms each (the demo's learners are in rooms 1 and 2), saved as its
 * basic data unless it has some. */
static int demo_basic(struct db *db, long long school, long long now, struct err *e)
{
	json_t *round = dmc_round_current(db, now, e);
	if (!round)
		return e->status == 404 ? (err_clear(e), 0) : -1;
	long long rid = jint(round, "id"), have = 0;
	json_decref(round);
	if (db_int_value(db, "SELECT COUNT(*) FROM dmc_school_basic WHERE round_id = $1 AND school_id = $2",
			 DB_ARGS(DB_INT(rid), DB_INT(school)), &have, e) < 0)
		return -1;
	if (have)
		return 0;
	json_t *glist = dmc_choices(db, DMC_GRADES, e);
	json_t *counts = glist ? db_rows_json(db, "SELECT grade, SUM(n) AS n FROM dmc_counts WHERE school_id = $1 "
						   "GROUP BY grade",
					       DB_ARGS(DB_INT(school)), e)
				: NULL;
	if (!counts) {
		json_decref(glist);
		return -1;
	}
	size_t n = json_array_size(glist), i, k;
	const char *codes[32];
	long long rooms[32];
	json_t *g, *c;
	json_array_foreach(glist, i, g)
	{
		if (i >= 32)
			break;
		codes[i] = jstr(g, "value");
		rooms[i] = 0;
		json_array_foreach(counts, k, c) if (!strcmp(jstr(c, "grade"), codes[i]) && jint(c, "n") > 0) rooms[i] = 2;
	}
	int rc = dmc_basic_save(db, rid, school, codes, rooms, n < 32 ? n : 32, -1, 0, now, e);
	json_decref(counts);
	json_decref(glist);
	return rc;
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

int dmc_demo(struct db *db, long long per_school, int schools, const char *data_dir, struct err *e)
{
	static const struct acc_demo_person director = {
	    "schooldirector", "310010000031", "นาย", "วิชัย", "รับรองดี", "schooldirector@example.org", "0810000031",
	    "civil_servant"};
	static const struct acc_demo_person area_officer = {
	    "dmcarea", "310010000032", "นางสาว", "ข้อมูล", "ครบถ้วน", "dmcarea@example.org", "0810000032", "civil_servant"};
	long long now = (long long)time(NULL);
	if (db_begin(db, e) < 0)
		return -1;
	long long area = acc_demo_area(db, "3502", e);
	if (area < 0)
		goto fail;
	long long first = school_at(db, area, 0, e);
	if (first < 0)
		goto fail;
	/* this year's rounds and the next's, as the dmc-rounds job lays them */
	if (dmc_rounds_ensure(db, thai_academic_year(now), e) < 0 || dmc_rounds_ensure(db, thai_academic_year(now) + 1, e) < 0)
		goto fail;
	long long admin = 0, ao = 0;
	if (first > 0) {
		if (db_int_value(db, "SELECT id FROM users WHERE username = 'schooladmin'", NULL, 0, &admin, e) < 0)
			goto fail;
		long long dir = acc_demo_person(db, &director, e);
		ao = acc_demo_person(db, &area_officer, e);
		if (dir < 0 || ao < 0 || (admin > 0 && grant(db, admin, "dmc_officer", 0, first, e) < 0) ||
		    grant(db, dir, "dmc_certifier", 0, first, e) < 0 || grant(db, ao, "dmc_area", area, 0, e) < 0)
			goto fail;
	}
	for (int i = 0; i < schools; i++) {
		long long s = school_at(db, area, i, e);
		if (s < 0)
			goto fail;
		if (s == 0)
			break;
		if (demo_school(db, s, i, per_school, now, e) < 0 || demo_basic(db, s, now, e) < 0)
			goto fail;
	}
	if (first > 0 && demo_gcodes(db, first, area, ao, admin, data_dir, now, e) < 0)
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
