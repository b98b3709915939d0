/* refcode: the reference code a request is known by (OSS-4) — two digits
 * for the service (11 ID card, 12 certificate, 21 pension, 31 room, 32
 * appointment, 41 ปพ.) and the submission time YYYYMMDDhhmmss in Bangkok
 * time, e.g. 1120240625131152. Applicants quote it on the phone and type it
 * into the public status check.
 *
 * Two requests of one service can arrive in the same second. The code's
 * time is always the real submission time (created_at): the first request
 * of a second gets the 16 digits; a later one of the same service and
 * second gets a sequence after them, 1 … 9 as a 17th digit, then 10 … 99 as
 * 17th and 18th (1120240625131152 → 11202406251311521 → … →
 * 112024062513115210). The forms cannot be confused: a 17-digit code never
 * ends in 0 and an 18-digit one never has 0 as its 17th digit. The code is
 * UNIQUE in the database; request.c takes the next sequence when its code
 * is taken. (Until issue 10.14 the writer took the next free second
 * instead, which under a burst named a time up to 99 s after the real
 * one.) */
#include <string.h>

#include "core/thai.h"
#include "oss/oss.h"

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int oss_code_make(const char *service, long long t, char out[OSS_CODE_MAX + 1])
{
	return oss_code_make_seq(service, t, 0, out);
}

int oss_code_make_seq(const char *service, long long t, int seq, char out[OSS_CODE_MAX + 1])
{
	if (seq < 0 || seq > OSS_CODE_SEQ_MAX || !oss_service_valid(service))
		return -1;
	int y, mo, d, h, mi, s;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, NULL);
	if (y < 1000 || y > 9999)
		return -1;
	/* the widths are exact, so the output is 16 characters + the sequence */
	static const char dig[] = "0123456789";
	int v[] = {y / 100, y % 100, mo, d, h, mi, s};
	out[0] = service[0];
	out[1] = service[1];
	for (int i = 0; i < 7; i++) {
		out[2 + 2 * i] = dig[v[i] / 10];
		out[3 + 2 * i] = dig[v[i] % 10];
	}
	size_t n = OSS_CODE_LEN;
	if (seq >= 10)
		out[n++] = dig[seq / 10];
	if (seq > 0)
		out[n++] = dig[seq % 10];
	out[n] = 0;
	return 0;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int oss_code_seq(const char *code)
{
	if (!code)
		return -1;
	size_t n = strlen(code);
	if (n < OSS_CODE_LEN || n > OSS_CODE_MAX || !digits(code, n))
		return -1;
	if (n == OSS_CODE_LEN)
		return 0;
	/* no leading zero: 1 … 9 in one digit, 10 … 99 in two */
	if (code[OSS_CODE_LEN] == '0')
		return -1;
	return num(code + OSS_CODE_LEN, (int)(n - OSS_CODE_LEN));
}

long long oss_code_time(const char *code)
{
	if (oss_code_seq(code) < 0)
		return -1;
	char svc[3] = {code[0], code[1], 0};
	if (!oss_service_valid(svc))
		return -1;
	char ymd[11] = {code[2], code[3], code[4], code[5], '-', code[6], code[7], '-', code[8], code[9], 0};
	int y, mo, d;
	if (thai_parse_date(ymd, &y, &mo, &d) < 0)
		return -1;
	int h = num(code + 10, 2), mi = num(code + 12, 2), s = num(code + 14, 2);
	if (h > 23 || mi > 59 || s > 59)
		return -1;
	return thai_from_local(y, mo, d, h, mi, s);
}

int oss_code_check(const char *code, struct err *e)
{
	if (!code || !*code)
		return err_field(e, "code", "กรุณากรอกรหัสอ้างอิงของคำร้อง (ตัวเลข 16–18 หลัก)");
	size_t n = strlen(code);
	if (!digits(code, n))
		return err_field(e, "code", "รหัสอ้างอิงต้องเป็นตัวเลขเท่านั้น (16–18 หลัก เช่น 1120240625131152)");
	if (n < OSS_CODE_LEN || n > OSS_CODE_MAX)
		return err_field(e, "code", "รหัสอ้างอิงต้องมี 16–18 หลัก (กรอกมา %zu หลัก)", n);
	if (oss_code_time(code) < 0) {
		/* well-formed but no service or time of ours: no such request */
		err_field(e, "code", "ไม่พบคำร้องรหัสนี้ กรุณาตรวจสอบรหัสอ้างอิงอีกครั้ง");
		e->status = 404;
		return -1;
	}
	return 0;
}
