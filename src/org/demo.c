/* demo: the data `khet demo` loads so that a fresh installation (and the
 * benchmark) has something real-looking to show: two area offices named as
 * in the seed manuals — สพป.ยโสธร เขต 2 (primary) and สพม.กำแพงเพชร
 * (secondary) — each with the ten work groups an area office has and
 * schools_per_area schools in the districts of its province.
 *
 * The data is the same on every run: names come from fixed lists (village
 * × suffix, then a round number once those run out, so no two names of an
 * area are equal), codes from the school's place in the list, and
 * created_at is a fixed date. An area whose code exists already is skipped
 * whole, so running it twice changes nothing.
 *
 * The benchmark asks for 30,000 schools per area, so everything happens in
 * one transaction through one constant INSERT (prepared once, executed per
 * school) without the per-school checks of org_school_add — the codes are
 * valid and unique by construction — and school_count is set once per area
 * at the end. */
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
	{"3502", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2", "สพป.ยโสธร เขต 2", "primary", "ยโสธร", "10352",
	 "352", "โรงเรียนบ้าน", yst_first, N(yst_first), yst_villages, N(yst_villages), yst_suffixes,
	 N(yst_suffixes), yst_districts, N(yst_districts)},
	{"6201", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษากำแพงเพชร", "สพม.กำแพงเพชร", "secondary", "กำแพงเพชร",
	 "10620", "620", "โรงเรียน", kpp_first, N(kpp_first), kpp_villages, N(kpp_villages), kpp_suffixes,
	 N(kpp_suffixes), kpp_districts, N(kpp_districts)},
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
	struct buf name = BUF_INIT, search = BUF_INIT;
	char obec[16], smis[16];
	int ret = 0;
	for (int i = 0; i < n; i++) {
		const char *district;
		school_name(a, i, &name, &district);
		snprintf(obec, sizeof obec, "%s%05d", a->obec_prefix, i + 1);
		snprintf(smis, sizeof smis, "%s%05d", a->smis_prefix, i + 1);
		buf_reset(&search);
		org_school_search_text(buf_cstr(&name), district, obec, smis, &search);
		if (db_exec(db, org_school_insert_sql,
			    DB_ARGS(DB_INT(id), DB_TEXT(obec), DB_TEXT(smis), DB_TEXT(buf_cstr(&name)), DB_TEXT(district),
				    DB_TEXT(a->province), DB_TEXT(buf_cstr(&search)), DB_INT(DEMO_CREATED_AT)),
			    e) < 0) {
			ret = -1;
			break;
		}
	}
	buf_release(&name);
	buf_release(&search);
	if (ret == 0 && db_exec(db,
				"UPDATE areas SET school_count = (SELECT COUNT(*) FROM schools WHERE area_id = $1) "
				"WHERE id = $1",
				DB_ARGS(DB_INT(id)), e) < 0)
		ret = -1;
	return ret;
}

int org_demo(struct db *db, int schools_per_area, struct err *e)
{
	if (schools_per_area < 0 || schools_per_area > DEMO_MAX_SCHOOLS)
		return err_set(e, 400, "จำนวนโรงเรียนต่อเขตต้องอยู่ระหว่าง 0 ถึง %d (ได้ %d)", DEMO_MAX_SCHOOLS,
			       schools_per_area);
	if (db_begin(db, e))
		return -1;
	for (int i = 0; i < N(areas); i++) {
		if (demo_area(db, &areas[i], schools_per_area, e)) {
			db_rollback(db);
			return -1;
		}
	}
	return db_commit(db, e);
}
