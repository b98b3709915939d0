/* demo: the data `khet demo` loads so that a fresh installation (and the
 * benchmark) has something real-looking to show: two area offices named as
 * in the seed manuals — สพป.ยโสธร เขต 2 (primary) and สพม.กำแพงเพชร
 * (secondary) — each with the ten work groups an area office has and
 * schools_per_area schools in the districts of its province; `--areas N`
 * adds area offices of the other provinces up to the national 245 (see
 * "the national shape" below).
 *
 * The data is the same on every run: names come from fixed lists (village
 * × suffix, then a round number once those run out, so no two names of an
 * area are equal), codes from the school's place in the list, and
 * created_at is a fixed date. An area whose code exists already is skipped
 * whole, so running it twice changes nothing.
 *
 * The benchmark asks for 30,000 schools per area, so everything happens in
 * one transaction through constant INSERTs prepared once and executed for
 * ten schools at a time, without the per-school checks of org_school_add —
 * the codes are valid and unique by construction — and school_count is set
 * once per area at the end. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "org/org.h"

#define N(a) ((int)(sizeof(a) / sizeof *(a)))

/* 1 May 2024 00:00 Asia/Bangkok, in UTC seconds. */
#define DEMO_CREATED_AT 1714496400LL
/* Codes give each school five digits of sequence. */
#define DEMO_MAX_SCHOOLS 99999

/* Thai text is wider in bytes than on screen, and the formatter would
 * scatter these lists. */
/* clang-format off */
static const char *const work_groups[] = {
	"กลุ่มอำนวยการ",
	"กลุ่มนโยบายและแผน",
	"กลุ่มส่งเสริมการจัดการศึกษา",
	"กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
	"กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
	"กลุ่มบริหารงานบุคคล",
	"กลุ่มบริหารงานการเงินและสินทรัพย์",
	"กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
	"หน่วยตรวจสอบภายใน",
	"กลุ่มกฎหมายและคดี",
};

/* Villages of Yasothon (บ้าน… primary schools). */
static const char *const yst_villages[] = {
	"หนองบัว", "โนนสูง", "ดอนแดง", "โคกกลาง", "หนองแวง", "นาคำ", "ห้วยแก้ว", "ดงมะไฟ", "โพนทัน",
	"สร้างมิ่ง", "กุดแข้", "หนองหมี", "คำไผ่", "นาโส่", "โนนเปือย", "ดอนหัน", "หนองคู", "โคกสำราญ",
	"ป่าตาว", "บุ่งค้า", "นาเวียง", "หนองเป็ด", "ดงแคน", "โนนยาง", "ห้วยทราย", "คำน้ำสร้าง", "ศรีฐาน",
	"กำแมด", "โพนงาม", "หัวเมือง", "ทุ่งมน", "นาสะไมย์", "ไผ่งาม", "สามแยก", "โนนค้อ", "แคนเหล่า",
	"โคกนาโก", "หนองแข้", "เหล่าไฮ", "กุดกุง", "ดงบัง", "หนองสะแบง", "นาหว้า", "โนนทราย", "ขุมเงิน",
	"โพธิ์ศรี", "ดอนกลอย", "หนองยาง", "โคกก่อง", "หนองค้อ", "นากอก", "เชียงเพ็ง", "ส้มผ่อ", "บากเรือ",
	"ไผ่ล้อม", "หนองหิน", "ห้องแซง", "นาแก", "กระจาย", "คูเมือง",
};
static const char *const yst_suffixes[] = {
	"", "ใหญ่", "น้อย", "เหนือ", "ใต้", "กลาง", "ใหม่", "พัฒนา", "สามัคคี", "ราษฎร์บำรุง", "ประชาสรรค์",
	"วิทยา", "ศรีสว่าง", "เจริญ", "ตะวันออก", "ตะวันตก",
};
/* Districts served by สพป.ยโสธร เขต 2. */
static const char *const yst_districts[] = {"กุดชุม", "ทรายมูล", "ป่าติ้ว", "เลิงนกทา", "ไทยเจริญ"};
static const char *const yst_first[] = {
	"โรงเรียนอนุบาลกุดชุม", "โรงเรียนอนุบาลทรายมูล", "โรงเรียนอนุบาลป่าติ้ว",
	"โรงเรียนอนุบาลเลิงนกทา", "โรงเรียนอนุบาลไทยเจริญ",
};

/* Places of Kamphaeng Phet (…วิทยาคม secondary schools); none is the
 * place of a school in kpp_first, so generated names never repeat those. */
static const char *const kpp_villages[] = {
	"ไตรตรึงษ์", "ท่าขุนราม", "คลองแม่ลาย", "หนองปลิง", "นครชุม", "อ่างทอง", "ทรงธรรม", "ลานดอกไม้",
	"เทพนคร", "วังยาง", "สระแก้ว", "คณฑี", "ท่ามะเขือ", "โป่งน้ำร้อน", "หนองหลวง", "วังไทร", "บ่อถ้ำ",
	"สักงาม", "แสนตอ", "เกาะตาล", "ยางสูง", "ป่าพุทรา", "โค้งไผ่", "วังแขม", "หัวถนน", "มหาชัย",
	"เพชรชมภู", "ดอนแตง", "ห้วยยั้ง", "วังควง", "ถ้ำกระต่ายทอง", "ทุ่งทราย", "โนนพลวง", "หินดาต",
	"คลองน้ำไหล", "วังชะพลู", "ระหาน", "บึงลาด", "เขาคีริส", "หนองคล้า",
};
static const char *const kpp_suffixes[] = {
	"วิทยาคม", "พิทยาคม", "วิทยา", "พิทยา", "ศึกษา", "ราษฎร์รังสรรค์", "วิทยาสรรค์", "ประชาสรรค์",
	"ศึกษาสงเคราะห์", "พัฒนวิทย์",
};
static const char *const kpp_districts[] = {
	"เมืองกำแพงเพชร", "ไทรงาม", "คลองลาน", "ขาณุวรลักษบุรี", "คลองขลุง", "พรานกระต่าย",
	"ลานกระบือ", "ทรายทองวัฒนา", "ปางศิลาทอง", "บึงสามัคคี", "โกสัมพีนคร",
};
/* Real schools named in the seed manual (KPI-Online of สพม.กำแพงเพชร). */
static const char *const kpp_first[] = {
	"โรงเรียนกำแพงเพชรพิทยาคม", "โรงเรียนวัชรวิทยา", "โรงเรียนวชิรปราการวิทยาคม",
	"โรงเรียนเฉลิมพระเกียรติสมเด็จพระศรีนครินทร์ กำแพงเพชร", "โรงเรียนนาบ่อคำวิทยาคม",
	"โรงเรียนทุ่งโพธิ์ทะเลพิทยาคม", "โรงเรียนคลองขลุงราษฎร์รังสรรค์", "โรงเรียนลานกระบือวิทยา",
	"โรงเรียนเรืองวิทย์พิทยาคม", "โรงเรียนปางมะค่าวิทยาคม",
};
/* clang-format on */

struct demo_area {
	const char *code, *name, *short_name, *kind, *province;
	const char *obec_prefix; /* 5 digits; + 5 of sequence = 10 */
	const char *smis_prefix; /* 3 digits; + 5 of sequence = 8 */
	const char *name_prefix; /* before the village */
	const char *const *first;
	int nfirst;
	const char *const *villages;
	int nvillages;
	const char *const *suffixes;
	int nsuffixes;
	const char *const *districts;
	int ndistricts;
};

static const struct demo_area areas[] = {
    {"3502", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2", "สพป.ยโสธร เขต 2", "primary", "ยโสธร", "10352", "352",
     "โรงเรียนบ้าน", yst_first, N(yst_first), yst_villages, N(yst_villages), yst_suffixes, N(yst_suffixes), yst_districts,
     N(yst_districts)},
    {"6201", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษากำแพงเพชร", "สพม.กำแพงเพชร", "secondary", "กำแพงเพชร", "10620", "620",
     "โรงเรียน", kpp_first, N(kpp_first), kpp_villages, N(kpp_villages), kpp_suffixes, N(kpp_suffixes), kpp_districts,
     N(kpp_districts)},
};

/* The i-th school's name and district (i from 0). */
static void school_name(const struct demo_area *a, int i, struct buf *name, const char **district)
{
	buf_reset(name);
	if (i < a->nfirst) {
		buf_adds(name, a->first[i]);
		/* The first schools are in the districts' order (อนุบาล… of each
		 * district, the provincial schools in the capital district). */
		*district = a->districts[i < a->ndistricts ? i : 0];
		return;
	}
	int k = i - a->nfirst;
	int combos = a->nvillages * a->nsuffixes;
	buf_adds(name, a->name_prefix);
	buf_adds(name, a->villages[k % a->nvillages]);
	buf_adds(name, a->suffixes[(k / a->nvillages) % a->nsuffixes]);
	if (k >= combos)
		buf_addf(name, " %d", k / combos + 1);
	*district = a->districts[(k / 3) % a->ndistricts];
}

/* Schools go in BATCH rows per statement: over PostgreSQL each statement
 * is a round trip, and 60,000 of them took most of the time of a benchmark
 * load. The text is still one constant with numbered parameters. */
#define BATCH 10
#define COLS 8
#define ROW(a, b, c, d, e, f, g, h) "($" #a ", $" #b ", $" #c ", $" #d ", $" #e ", $" #f ", $" #g ", $" #h ")"
#define INSERT_HEAD                                                                                                    \
	"INSERT INTO schools (area_id, obec_code, smis_code, name, district, province, search, created_at) VALUES "
static const char insert_one[] = INSERT_HEAD ROW(1, 2, 3, 4, 5, 6, 7, 8);
static const char insert_batch[] =
    INSERT_HEAD ROW(1, 2, 3, 4, 5, 6, 7, 8) ", " ROW(9, 10, 11, 12, 13, 14, 15, 16) ", " ROW(
	17, 18, 19, 20, 21, 22, 23,
	24) ", " ROW(25, 26, 27, 28, 29, 30, 31,
		     32) ", " ROW(33, 34, 35, 36, 37, 38, 39,
				  40) ", " ROW(41, 42, 43, 44, 45, 46, 47,
					       48) ", " ROW(49, 50, 51, 52, 53, 54, 55,
							    56) ", " ROW(57, 58, 59, 60, 61, 62, 63,
									 64) ", " ROW(65, 66, 67, 68, 69, 70, 71,
										      72) ", " ROW(73, 74, 75, 76, 77,
												   78, 79, 80);

/* One school's values, kept until its statement has run. */
struct demo_school {
	struct buf name, search;
	char obec[16], smis[16];
	const char *district;
};

static int insert_schools(struct db *db, const struct demo_area *a, long long area_id, int n, struct err *e)
{
	struct demo_school s[BATCH];
	struct db_val v[BATCH * COLS];
	for (int k = 0; k < BATCH; k++) {
		s[k].name = (struct buf)BUF_INIT;
		s[k].search = (struct buf)BUF_INIT;
	}
	int ret = 0;
	for (int i = 0; i < n && ret == 0; i += BATCH) {
		int rows = n - i < BATCH ? n - i : BATCH;
		for (int k = 0; k < rows; k++) {
			struct demo_school *p = &s[k];
			school_name(a, i + k, &p->name, &p->district);
			snprintf(p->obec, sizeof p->obec, "%s%05d", a->obec_prefix, i + k + 1);
			snprintf(p->smis, sizeof p->smis, "%s%05d", a->smis_prefix, i + k + 1);
			buf_reset(&p->search);
			org_school_search_text(buf_cstr(&p->name), p->district, p->obec, p->smis, &p->search);
			struct db_val *r = &v[k * COLS];
			r[0] = DB_INT(area_id);
			r[1] = DB_TEXT(p->obec);
			r[2] = DB_TEXT(p->smis);
			r[3] = DB_TEXT(buf_cstr(&p->name));
			r[4] = DB_TEXT(p->district);
			r[5] = DB_TEXT(a->province);
			r[6] = DB_TEXT(buf_cstr(&p->search));
			r[7] = DB_INT(DEMO_CREATED_AT);
		}
		/* Only the last statement of a run can be short; it goes a row
		 * at a time rather than through a second batch size. */
		if (rows == BATCH) {
			if (db_exec(db, insert_batch, v, BATCH * COLS, e) < 0)
				ret = -1;
		} else {
			for (int k = 0; k < rows && ret == 0; k++)
				if (db_exec(db, insert_one, &v[k * COLS], COLS, e) < 0)
					ret = -1;
		}
	}
	for (int k = 0; k < BATCH; k++) {
		buf_release(&s[k].name);
		buf_release(&s[k].search);
	}
	return ret;
}

static int demo_area(struct db *db, const struct demo_area *a, int n, struct err *e)
{
	long long id = 0;
	int rc = db_int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(a->code)), &id, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0; /* there already */
	id = org_area_add(db, a->code, a->name, a->short_name, a->kind, a->province, e);
	if (id < 0)
		return -1;
	for (int i = 0; i < N(work_groups); i++)
		if (org_work_group_add(db, id, work_groups[i], e) < 0)
			return -1;
	if (insert_schools(db, a, id, n, e))
		return -1;
	long long changed = db_exec(db,
				    "UPDATE areas SET school_count = (SELECT COUNT(*) FROM schools WHERE area_id = $1) "
				    "WHERE id = $1",
				    DB_ARGS(DB_INT(id)), e);
	return changed < 0 ? -1 : 0;
}

/* ---- the national shape (--areas N) ---------------------------------------
 * The country has 245 area offices: 183 primary (สพป.) and 62 secondary
 * (สพม.). Beyond the two named ones, `--areas N` adds N - 2 more from the
 * provinces in the list below: first the primary areas (เขต 1, 2, 3 of each
 * province in turn, สพป.ยโสธร เขต 2 left out), then one secondary area per
 * province (สพม.กำแพงเพชร left out), until N. Their codes are 7001, 7002 …
 * in that order — after the two demo areas' codes, so every module's demo
 * that takes "the first area" by code still finds สพป.ยโสธร เขต 2 — their
 * OBEC codes 1 + the area code + 5 digits of sequence, their SMIS codes
 * 100 + the area's place + 5 digits (neither meets the two named areas'
 * 10352…, 10620…, 352…, 620…). A primary area's schools are บ้าน… schools
 * of the Yasothon villages, a secondary one's …วิทยาคม of the Kamphaeng
 * Phet places, each area's first school the province's อนุบาล… or
 * …พิทยาคม, all in the district เมือง<province>. */
/* clang-format off */
static const char *const provinces[] = {
	"กรุงเทพมหานคร", "สมุทรปราการ", "นนทบุรี", "ปทุมธานี", "พระนครศรีอยุธยา", "อ่างทอง", "ลพบุรี", "สิงห์บุรี",
	"ชัยนาท", "สระบุรี", "ชลบุรี", "ระยอง", "จันทบุรี", "ตราด", "ฉะเชิงเทรา", "ปราจีนบุรี", "นครนายก", "สระแก้ว",
	"นครราชสีมา", "บุรีรัมย์", "สุรินทร์", "ศรีสะเกษ", "อุบลราชธานี", "ยโสธร", "ชัยภูมิ", "อำนาจเจริญ", "บึงกาฬ",
	"หนองบัวลำภู", "ขอนแก่น", "อุดรธานี", "เลย", "หนองคาย", "มหาสารคาม", "ร้อยเอ็ด", "กาฬสินธุ์", "สกลนคร", "นครพนม",
	"มุกดาหาร", "เชียงใหม่", "ลำพูน", "ลำปาง", "อุตรดิตถ์", "แพร่", "น่าน", "พะเยา", "เชียงราย", "แม่ฮ่องสอน",
	"นครสวรรค์", "อุทัยธานี", "กำแพงเพชร", "ตาก", "สุโขทัย", "พิษณุโลก", "พิจิตร", "เพชรบูรณ์", "ราชบุรี", "กาญจนบุรี",
	"สุพรรณบุรี", "นครปฐม", "สมุทรสาคร", "สมุทรสงคราม", "เพชรบุรี", "ประจวบคีรีขันธ์", "นครศรีธรรมราช", "กระบี่",
	"พังงา", "ภูเก็ต", "สุราษฎร์ธานี", "ระนอง", "ชุมพร", "สงขลา", "สตูล", "ตรัง", "พัทลุง", "ปัตตานี", "ยะลา", "นราธิวาส",
};
/* clang-format on */
#define NATIONAL_PRIMARY 183
#define NATIONAL_SECONDARY 62

/* The k-th added area (k from 0): its province, kind and เขต number (0
 * for a secondary area). */
static void national_area(int k, const char **province, bool *primary, int *zone)
{
	int n = 0;
	for (int z = 1; z <= 3; z++)
		for (int p = 0; p < N(provinces); p++) {
			if (z == 2 && !strcmp(provinces[p], "ยโสธร"))
				continue;
			if (n == NATIONAL_PRIMARY - 1)
				goto secondary;
			if (n++ == k) {
				*province = provinces[p], *primary = true, *zone = z;
				return;
			}
		}
secondary:
	for (int p = 0; p < N(provinces); p++) {
		if (!strcmp(provinces[p], "กำแพงเพชร"))
			continue;
		if (n++ == k) {
			*province = provinces[p], *primary = false, *zone = 0;
			return;
		}
	}
	*province = provinces[0], *primary = false, *zone = 0; /* not reached: k < ORG_DEMO_MAX_AREAS - 2 */
}

static int demo_national_area(struct db *db, int k, int n, struct err *e)
{
	const char *province;
	bool primary;
	int zone;
	national_area(k, &province, &primary, &zone);
	char code[16], obec[24], smis[16];
	snprintf(code, sizeof code, "%d", 7001 + k);
	snprintf(obec, sizeof obec, "1%s", code);
	snprintf(smis, sizeof smis, "%d", 100 + k);
	struct buf name = BUF_INIT, short_name = BUF_INIT, first = BUF_INIT, district = BUF_INIT;
	if (primary) {
		buf_addf(&name, "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา%s เขต %d", province, zone);
		buf_addf(&short_name, "สพป.%s เขต %d", province, zone);
		buf_addf(&first, "โรงเรียนอนุบาล%s", province);
		if (zone > 1)
			buf_addf(&first, " เขต %d", zone);
	} else {
		buf_addf(&name, "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา%s", province);
		buf_addf(&short_name, "สพม.%s", province);
		buf_addf(&first, "โรงเรียน%sพิทยาคม", province);
	}
	buf_addf(&district, "เมือง%s", province);
	const char *firsts[] = {buf_cstr(&first)}, *districts[] = {buf_cstr(&district)};
	struct demo_area a = {code,
			      buf_cstr(&name),
			      buf_cstr(&short_name),
			      primary ? "primary" : "secondary",
			      province,
			      obec,
			      smis,
			      primary ? "โรงเรียนบ้าน" : "โรงเรียน",
			      firsts,
			      1,
			      primary ? yst_villages : kpp_villages,
			      primary ? N(yst_villages) : N(kpp_villages),
			      primary ? yst_suffixes : kpp_suffixes,
			      primary ? N(yst_suffixes) : N(kpp_suffixes),
			      districts,
			      1};
	int rc = demo_area(db, &a, n, e);
	buf_release(&name);
	buf_release(&short_name);
	buf_release(&first);
	buf_release(&district);
	return rc;
}

int org_demo_areas(struct db *db, int schools_per_area, int nareas, struct err *e)
{
	if (schools_per_area < 0 || schools_per_area > DEMO_MAX_SCHOOLS)
		return err_set(e, 400, "จำนวนโรงเรียนต่อเขตต้องอยู่ระหว่าง 0 ถึง %d (ได้ %d)", DEMO_MAX_SCHOOLS,
			       schools_per_area);
	if (nareas < N(areas) || nareas > ORG_DEMO_MAX_AREAS)
		return err_set(e, 400, "จำนวนเขตพื้นที่ต้องอยู่ระหว่าง %d ถึง %d (ได้ %d)", N(areas), ORG_DEMO_MAX_AREAS,
			       nareas);
	if (db_begin(db, e))
		return -1;
	for (int i = 0; i < N(areas); i++) {
		if (demo_area(db, &areas[i], schools_per_area, e)) {
			db_rollback(db);
			return -1;
		}
	}
	for (int k = 0; k < nareas - N(areas); k++) {
		if (demo_national_area(db, k, schools_per_area, e)) {
			db_rollback(db);
			return -1;
		}
	}
	return db_commit(db, e);
}

int org_demo(struct db *db, int schools_per_area, struct err *e)
{
	return org_demo_areas(db, schools_per_area, N(areas), e);
}
