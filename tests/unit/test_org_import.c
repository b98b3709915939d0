/* test_org_import: `khet import org FILE` (org/import.c) on both engines —
 * a good file creates its areas, work groups and schools with
 * areas.school_count right; a second run adds nothing and a changed name
 * or district is updated in place (schools matched by OBEC code); a file
 * with bad rows reports every one of them with its line and stores
 * nothing, not even its good rows; a header without the needed columns
 * and a school moved to another area. */
#define SCHEMA "khet_unit_org_import"
#include "engine.h"

#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "org/org.h"

static char *write_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/khet_org_import_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static long long count(struct db *db, const char *sql)
{
	long long n = -1;
	struct err e = ERR_INIT;
	if (db_int_value(db, sql, NULL, 0, &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static int import_text(struct db *db, const char *text, struct buf *report, struct err *e)
{
	char *path = write_file(text);
	buf_reset(report);
	err_clear(e);
	int rc = org_import(db, path, report, e);
	unlink(path);
	return rc;
}

static const char good[] =
    "\xEF\xBB\xBF"
    "รหัสโรงเรียน 10 หลัก,รหัส SMIS,ชื่อโรงเรียน,รหัสเขตพื้นที่,สำนักงานเขตพื้นที่,อำเภอ,จังหวัด,กลุ่มงาน\r\n"
    "3599000001,35990001,โรงเรียนบ้านหนึ่ง,3599,สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 9,เมือง,ทดสอบ,"
    "กลุ่มอำนวยการ\r\n"
    "3599000002,35990002,\"โรงเรียนบ้านสอง, สาขา\",3599,,เมือง,ทดสอบ,\r\n"
    ",,,3599,,,,กลุ่มนโยบายและแผน\r\n"
    "6299000001,62990001,โรงเรียนมัธยมทดสอบ,6299,สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาทดสอบ,ในเมือง,ทดสอบ,\r\n";

static void test_good_and_again(void **state)
{
	struct engine *en = *state;
	struct db *db = en->db;
	struct buf r = BUF_INIT;
	struct err e = ERR_INIT;
	if (import_text(db, good, &r, &e) < 0)
		fail_msg("import: %s\n%s", e.msg, buf_cstr(&r));
	assert_non_null(strstr(buf_cstr(&r), "areas 2 added"));
	assert_non_null(strstr(buf_cstr(&r), "work groups 2 added"));
	assert_non_null(strstr(buf_cstr(&r), "schools 3 added"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM schools"), 3);
	assert_int_equal(count(db, "SELECT school_count FROM areas WHERE code = '3599'"), 2);
	assert_int_equal(count(db, "SELECT school_count FROM areas WHERE code = '6299'"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM areas WHERE code = '3599' AND kind = 'primary' AND "
				   "short_name = 'สพป.ทดสอบ เขต 9' AND province = 'ทดสอบ'"),
			 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM areas WHERE code = '6299' AND kind = 'secondary' AND "
				   "short_name = 'สพม.ทดสอบ'"),
			 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM work_groups"), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit WHERE action = 'org.import' AND actor_role = 'cli'"),
			 1);

	/* the same file again: nothing added */
	assert_int_equal(import_text(db, good, &r, &e), 0);
	assert_non_null(strstr(buf_cstr(&r), "areas 0 added"));
	assert_non_null(strstr(buf_cstr(&r), "schools 0 added, 0 updated, 3 unchanged"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM schools"), 3);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM areas"), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM work_groups"), 2);

	/* a changed name and district, and a school moved to the other area,
	 * by English headers in another order; the area by its name only */
	static const char changed[] = "school_name,obec_code,smis_code,area_name,district\n"
				      "โรงเรียนบ้านหนึ่ง (ใหม่),3599000001,35990001,สพป.ทดสอบ เขต 9,ทรายมูล\n"
				      "โรงเรียนบ้านสอง,3599000002,35990002,สพม.ทดสอบ,\n";
	if (import_text(db, changed, &r, &e) < 0)
		fail_msg("import: %s\n%s", e.msg, buf_cstr(&r));
	assert_non_null(strstr(buf_cstr(&r), "schools 0 added, 2 updated"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM schools WHERE obec_code = '3599000001' AND name = "
				   "'โรงเรียนบ้านหนึ่ง (ใหม่)' AND district = 'ทรายมูล'"),
			 1);
	assert_int_equal(count(db, "SELECT school_count FROM areas WHERE code = '3599'"), 1);
	assert_int_equal(count(db, "SELECT school_count FROM areas WHERE code = '6299'"), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM schools"), 3);
	buf_release(&r);
}

static void test_bad_rows(void **state)
{
	struct engine *en = *state;
	struct db *db = en->db;
	long long schools = count(db, "SELECT COUNT(*) FROM schools"), areas = count(db, "SELECT COUNT(*) FROM areas");
	static const char bad[] = "obec_code,smis_code,school_name,area_code,area_name,province\n"
				  "3588000001,35880001,ดีหนึ่ง,3588,สพป.ใหม่,ใหม่\n"	  /* 2: good */
				  "358800000,35880002,สั้น,3588,,\n"		  /* 3: 9 digits */
				  "3588000003,3588003,SMIS สั้น,3588,,\n"	  /* 4: 7 digits */
				  "3588000001,35880004,ซ้ำ,3588,,\n"		  /* 5: OBEC twice */
				  "3588000005,35880005,,3588,,\n"		  /* 6: no name */
				  "3588000006,35880006,ไม่รู้เขต,7777,,\n"	  /* 7: unknown area, no name */
				  "3588000007,35880007,\xff\xfe,3588,,\n"	  /* 8: not UTF-8 */
				  "3588000008,35880001,SMIS ซ้ำ,3588,,\n"	  /* 9: SMIS twice */
				  "3588000009,35880009,ไม่มีเขต,,,\n";		  /* 10: no area */
	struct buf r = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(import_text(db, bad, &r, &e), -1);
	assert_int_equal(e.status, 400);
	assert_non_null(strstr(e.msg, "8 bad rows of 9"));
	assert_non_null(strstr(e.msg, "nothing was stored"));
	const char *rep = buf_cstr(&r);
	for (int line = 3; line <= 10; line++) {
		char l[32];
		snprintf(l, sizeof l, "line %d / ", line);
		if (!strstr(rep, l))
			fail_msg("no report line %d in:\n%s", line, rep);
	}
	assert_null(strstr(rep, "line 2 /"));
	assert_non_null(strstr(rep, "รหัสโรงเรียนต้องมี 10 หลัก (กรอกมา 9 หลัก)"));
	assert_non_null(strstr(rep, "รหัส SMIS ต้องมี 8 หลัก (กรอกมา 7 หลัก)"));
	assert_non_null(strstr(rep, "รหัสโรงเรียน 3588000001 ซ้ำกับบรรทัด 2"));
	assert_non_null(strstr(rep, "กรุณากรอกชื่อโรงเรียน"));
	assert_non_null(strstr(rep, "ไม่มีเขตพื้นที่รหัส 7777"));
	assert_non_null(strstr(rep, "not valid UTF-8"));
	assert_non_null(strstr(rep, "รหัส SMIS 35880001 ซ้ำกับบรรทัด 2"));
	assert_non_null(strstr(rep, "ไม่ได้ระบุเขตพื้นที่"));
	/* nothing stored, not even line 2's area and school */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM schools"), schools);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM areas"), areas);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM areas WHERE code = '3588'"), 0);

	/* a header that lacks the needed columns */
	assert_int_equal(import_text(db, "ชื่อโรงเรียน,อำเภอ\nก,ข\n", &r, &e), -1);
	assert_non_null(strstr(e.msg, "รหัสโรงเรียน (obec_code)"));
	assert_non_null(strstr(e.msg, "รหัส SMIS (smis_code)"));
	assert_non_null(strstr(e.msg, "area_code"));
	/* a file with only the header stores nothing and says so */
	assert_int_equal(import_text(db, "", &r, &e), -1);
	assert_non_null(strstr(e.msg, "empty"));
	buf_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_and_again),
	    cmocka_unit_test(test_bad_rows),
	};
	return run_engine_groups("org_import", tests) ? 1 : 0;
}
