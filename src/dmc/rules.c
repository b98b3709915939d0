/* rules: the census rules as plain functions over values (dmc.h), apart
 * from storage and pages so the unit tests reach every edge without a
 * database: the confirm window of a round day and the Thai sentence that
 * says when it opens, identity codes and their masking, weights and
 * heights typed with one decimal, birth dates against a grade's age limit,
 * and what the year-end round does to a learner. Times are UTC seconds;
 * every calendar question is asked in Asia/Bangkok through core/thai.h.
 * Messages are Thai and say what to fix, since they reach the form field. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/thai.h"
#include "dmc/dmc.h"

/* ---- the confirm window ---------------------------------------------------- */

enum dmc_window dmc_window_state(long long open_at, long long close_at, long long now)
{
	if (now < open_at)
		return DMC_WINDOW_BEFORE;
	/* the closing minute itself is inside: 16:30:00–16:30:59 */
	if (now < close_at + 60)
		return DMC_WINDOW_OPEN;
	return DMC_WINDOW_CLOSED;
}

static void hhmm(struct buf *out, long long t)
{
	int h, mi;
	thai_local(t, NULL, NULL, NULL, &h, &mi, NULL, NULL);
	buf_addf(out, "%02d:%02d", h, mi);
}

void dmc_window_message(enum dmc_window w, long long open_at, long long close_at, struct buf *out)
{
	struct buf day = BUF_INIT;
	thai_date_short(&day, open_at);
	if (w == DMC_WINDOW_CLOSED) {
		buf_addf(out, "หมดเวลายืนยันและรับรองข้อมูลของรอบนี้แล้ว (วันที่ %s เวลา ", buf_cstr(&day));
		hhmm(out, open_at);
		buf_adds(out, "–");
		hhmm(out, close_at);
		buf_adds(out, " น.) หากจำเป็นต้องยืนยันข้อมูล กรุณาติดต่อสำนักงานเขตพื้นที่การศึกษา");
	} else {
		buf_addf(out, "ยังไม่ถึงเวลายืนยันและรับรองข้อมูล ระบบเปิดให้ยืนยันในวันที่ %s เวลา ", buf_cstr(&day));
		hhmm(out, open_at);
		buf_adds(out, "–");
		hhmm(out, close_at);
		buf_adds(out, " น.");
	}
	buf_release(&day);
}

int dmc_parse_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

void dmc_round_times(int y, int m, int d, int open_min, int close_min, int ey, int em, int ed, long long *open_at,
		     long long *close_at, long long *entry_from)
{
	*open_at = thai_from_local(y, m, d, open_min / 60, open_min % 60, 0);
	*close_at = thai_from_local(y, m, d, close_min / 60, close_min % 60, 0);
	*entry_from = thai_from_local(ey, em, ed, 0, 0, 0);
}

/* ---- citizen-ID corrections ------------------------------------------------------ */

long long dmc_correction_reopens(long long now, long long last_close, long long next_entry)
{
	if (last_close <= 0 || now < last_close + 60)
		return 0;
	return now < next_entry ? next_entry : 0;
}

void dmc_correction_message(long long last_close, long long reopens, struct buf *out)
{
	struct buf day = BUF_INIT, again = BUF_INIT;
	thai_date_short(&day, last_close);
	thai_datetime_short(&again, reopens);
	buf_addf(out, "หมดเวลาขอแก้ไขเลขประจำตัวประชาชนของรอบนี้แล้ว (ปิดรับวันที่ %s เวลา ", buf_cstr(&day));
	hhmm(out, last_close);
	buf_addf(out, " น.) ยื่นคำขอได้อีกครั้งตั้งแต่ %s เมื่อเริ่มบันทึกข้อมูลรอบถัดไป", buf_cstr(&again));
	buf_release(&day);
	buf_release(&again);
}

/* ---- identity codes ------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int dmc_gcode_check(const char *s, struct err *e)
{
	if (!s || !*s)
		return err_field(e, "gcode", "กรุณากรอกรหัส G");
	size_t n = strlen(s);
	if ((s[0] != 'G' && s[0] != 'g') || n != 13 || !digits(s + 1, 12))
		return err_field(e, "gcode", "รหัส G ต้องเป็นตัว G ตามด้วยตัวเลข 12 หลัก (ปี พ.ศ. 2 หลัก รหัสจังหวัด 2 หลัก "
					     "และลำดับ 8 หลัก) เช่น G644200000001");
	return 0;
}

int dmc_gcode_make(long long now, const char *area_code, long long seq, char out[14], struct err *e)
{
	out[0] = 0;
	if (!area_code || strlen(area_code) < 2 || !digits(area_code, 2))
		return err_set(e, 409, "ออกรหัส G ไม่ได้: รหัสเขตพื้นที่ของโรงเรียนไม่ขึ้นต้นด้วยรหัสจังหวัด 2 หลัก "
				       "กรุณาแจ้งผู้ดูแลระบบให้แก้ไขรหัสเขตพื้นที่");
	if (seq < 1 || seq > 99999999LL)
		return err_set(e, 409, "ออกรหัส G ไม่ได้: ลำดับของปีและจังหวัดนี้ครบ 99,999,999 รหัสแล้ว");
	int y, mo, d, h, mi, s, wd;
	thai_local(now, &y, &mo, &d, &h, &mi, &s, &wd);
	int be = (y + 543) % 100;
	out[0] = 'G';
	out[1] = (char)('0' + be / 10);
	out[2] = (char)('0' + be % 10);
	out[3] = area_code[0];
	out[4] = area_code[1];
	for (int i = 12; i >= 5; i--, seq /= 10)
		out[i] = (char)('0' + seq % 10);
	out[13] = 0;
	return 0;
}

void dmc_ident_mask(const char *ident, struct buf *out)
{
	size_t n = ident ? strlen(ident) : 0;
	if (n == 13 && digits(ident, 13)) {
		buf_addf(out, "%c-xxxx-xxxxx-xx-%c", ident[0], ident[12]);
		return;
	}
	if (n == 13 && (ident[0] == 'G' || ident[0] == 'g') && digits(ident + 1, 12)) {
		buf_addf(out, "G%.2sxxxxxxxx%.2s", ident + 1, ident + 11);
		return;
	}
	/* a malformed value must not leak more than a good one would */
	for (size_t i = 0; i < (n ? n : 1); i++)
		buf_addc(out, 'x');
}

/* ---- measures and dates ----------------------------------------------------------- */

int dmc_parse_tenths(const char *s, long long *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	long long whole = 0;
	const char *p = s;
	int nd = 0;
	while (isdigit((unsigned char)*p)) {
		if (++nd > 6)
			return -1;
		whole = whole * 10 + (*p++ - '0');
	}
	long long tenth = 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		tenth = *p++ - '0';
		if (*p == '0')
			p++;
	}
	if (*p)
		return -1;
	*out = whole * 10 + tenth;
	return 0;
}

int dmc_body_check(long long weight_x10, long long height_x10, struct err *e)
{
	if (weight_x10 != -1 && (weight_x10 <= 0 || weight_x10 > 2000))
		return err_field(e, "weight", "น้ำหนักต้องมากกว่า 0 และไม่เกิน 200 กิโลกรัม กรุณาตรวจสอบตัวเลข");
	if (height_x10 != -1 && (height_x10 < 400 || height_x10 > 2500))
		return err_field(e, "height", "ส่วนสูงต้องอยู่ระหว่าง 40 ถึง 250 เซนติเมตร กรุณาตรวจสอบตัวเลข");
	return 0;
}

int dmc_age_years(int by, int bm, int bd, int ty, int tm, int td)
{
	int age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}

int dmc_birth_check(const char *birth, long long now, int min_age, int max_age, const char *grade_label,
		    struct err *e)
{
	int y, m, d, ty, tm, td;
	if (!birth || !*birth)
		return err_field(e, "birth_date", "กรุณากรอกวันเกิด");
	if (thai_parse_date(birth, &y, &m, &d) < 0)
		return err_field(e, "birth_date", "วันเกิดไม่ใช่วันที่ที่มีจริง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2567");
	thai_local(now, &ty, &tm, &td, NULL, NULL, NULL, NULL);
	if (y > ty || (y == ty && (m > tm || (m == tm && d > td))))
		return err_field(e, "birth_date", "วันเกิดอยู่ในอนาคต กรุณาตรวจสอบวันเกิด (ปี ค.ศ. ในปฏิทิน)");
	int age = dmc_age_years(y, m, d, ty, tm, td);
	if (age > 120)
		return err_field(e, "birth_date", "วันเกิดเก่าเกินไป กรุณาตรวจสอบปี (ปี ค.ศ. ในปฏิทิน)");
	if ((max_age > 0 && age > max_age) || (min_age > 0 && age < min_age)) {
		char ages[64];
		if (min_age > 0 && max_age > 0)
			snprintf(ages, sizeof ages, "%d–%d ปี", min_age, max_age);
		else if (min_age > 0)
			snprintf(ages, sizeof ages, "%d ปีขึ้นไป", min_age);
		else
			snprintf(ages, sizeof ages, "ไม่เกิน %d ปี", max_age);
		bool young = min_age > 0 && age < min_age;
		return err_field(e, "birth_date",
				 "ชั้น %s รับนักเรียนอายุ %s แต่วันเกิดนี้อายุ %d ปี %s %d ปี กรุณาตรวจสอบวันเกิดหรือชั้นเรียน",
				 grade_label, ages, age, young ? "ยังไม่ถึง" : "เกิน", young ? min_age : max_age);
	}
	return 0;
}

/* ---- promotion ------------------------------------------------------------------------ */

enum dmc_promotion dmc_promotion_of(bool final_grade, bool repeating)
{
	if (repeating)
		return DMC_STAY;
	return final_grade ? DMC_GRADUATE : DMC_PROMOTE;
}
