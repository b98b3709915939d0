/* rules: the registry's rules as plain functions over values (dpa.h) —
 * when a person retires, which removal dates and salaries are possible,
 * and what a record still lacks. No database, no request: the unit tests
 * (tests/unit/test_dpa.c) call them directly, and the pages, the importer
 * and the storage all call the same ones. */
#include <stdio.h>
#include <string.h>

#include "core/thai.h"
#include "dpa/dpa.h"

int dpa_retire_fy(const char *birth)
{
	int y, m, d;
	if (!birth || thai_parse_date(birth, &y, &m, &d) < 0)
		return -1;
	/* the day the 60 years are complete: the day before the 60th
	 * birthday; only its month and year matter for the fiscal year */
	int ty = y + 60, tm = m;
	if (d == 1) {
		tm = m - 1;
		if (tm == 0) {
			tm = 12;
			ty--;
		}
	}
	return tm >= 10 ? ty + 1 : ty;
}

int dpa_salary_check(long long satang, struct err *e)
{
	if (satang < 0)
		return err_field(e, "salary", "เงินเดือนต้องไม่ติดลบ");
	if (satang > DPA_SALARY_MAX)
		return err_field(e, "salary", "เงินเดือนต้องไม่เกิน 200,000 บาท ตรวจสอบว่าพิมพ์ตัวเลขเกินหรือไม่");
	return 0;
}

int dpa_removal_date_check(const char *iso, long long now, struct err *e)
{
	int y, m, d;
	if (!iso || thai_parse_date(iso, &y, &m, &d) < 0)
		return err_field(e, "removed_on", "กรุณากรอกวันที่จำหน่ายเป็น วัน/เดือน/ปี พ.ศ. เช่น 30/09/2569");
	int fy = thai_fiscal_year(now) - 543; /* CE year the current fiscal year ends in */
	char last[32], typed[32];
	snprintf(last, sizeof last, "%04d-09-30", fy);
	snprintf(typed, sizeof typed, "%04d-%02d-%02d", y, m, d);
	if (strcmp(typed, last) > 0)
		return err_field(e, "removed_on",
				 "วันที่จำหน่ายต้องไม่เกินวันสิ้นปีงบประมาณนี้ (30 กันยายน %d) "
				 "ให้จำหน่ายเมื่อถึงปีงบประมาณของวันนั้น",
				 fy + 543);
	if (y < 1950)
		return err_field(e, "removed_on", "วันที่จำหน่ายเก่าเกินไป ตรวจสอบปี พ.ศ.");
	return 0;
}

static int lack(struct buf *out, const char *label)
{
	if (out) {
		if (out->len)
			buf_adds(out, ", ");
		buf_adds(out, label);
	}
	return 1;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

int dpa_missing(const struct dpa_staff_in *in, bool needs_position_no, struct buf *missing)
{
	int n = 0;
	if (empty(in->birth_date))
		n += lack(missing, "วันเกิด");
	if (empty(in->type))
		n += lack(missing, "ประเภทบุคลากร");
	if (empty(in->position))
		n += lack(missing, "ตำแหน่ง");
	if (needs_position_no && empty(in->position_no))
		n += lack(missing, "เลขที่ตำแหน่ง");
	if (empty(in->standing))
		n += lack(missing, "วิทยฐานะ");
	if (in->salary < 0)
		n += lack(missing, "เงินเดือน");
	if (empty(in->appointed_on))
		n += lack(missing, "วันบรรจุแต่งตั้ง");
	if (empty(in->arrived_on))
		n += lack(missing, "วันที่มาปฏิบัติงานที่หน่วยงานนี้");
	if (empty(in->education))
		n += lack(missing, "วุฒิการศึกษา");
	if (empty(in->subject))
		n += lack(missing, "วิชาเอก/กลุ่มสาระ");
	if (empty(in->phone))
		n += lack(missing, "โทรศัพท์");
	return n;
}
