/* thai: the Thai rules every module shares — citizen IDs (ORG-2), Buddhist-Era
 * dates, fiscal and academic years and baht in words (ORG-3), Thai dictionary
 * order and word breaking for search. Everything here is a pure function
 * of its arguments: Bangkok time is UTC+7 all year (Thailand has had no
 * daylight saving since 1920), so local time is plain arithmetic on the UTC
 * seconds and never reads the TZ environment or the C library's time zone
 * state, which would make a server's output depend on how it was started.
 * Collation and word breaking are delegated to libthai, which works on
 * TIS-620 bytes; Thai in UTF-8 (U+0E01..U+0E5B) maps one-to-one onto TIS-620
 * 0xA1..0xFB, so the conversion is done here rather than through iconv or a
 * locale. The one piece of shared state, libthai's word-break dictionary, is
 * loaded once and then only read, which libthai documents as safe to use from
 * many threads at once. */
#include "core/thai.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <thai/thbrk.h>
#include <thai/thcoll.h>

/* ---- citizen ID (ORG-2) ------------------------------------------------ */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The mod-11 check digit of the Department of Provincial Administration:
 * weights 13 down to 2 on the first twelve digits. */
static int citizen_id_check_digit(const char *s)
{
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (s[i] - '0') * (13 - i);
	return (11 - sum % 11) % 10;
}

bool thai_citizen_id_valid(const char *s)
{
	if (!s || strlen(s) != 13 || !all_digits(s, 13) || !memcmp(s + 1, "0000", 4))
		return false;
	return s[12] - '0' == citizen_id_check_digit(s);
}

int thai_citizen_id_check(const char *s, struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return err_field(e, "citizen_id", "กรุณากรอกเลขประจำตัวประชาชน");
	/* Characters first: someone who typed "1-2345-67890-12-3" needs to hear
	 * about the dashes, not that seventeen is not thirteen. */
	if (!all_digits(s, n))
		return err_field(e, "citizen_id", "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น");
	if (n != 13)
		return err_field(e, "citizen_id",
				 "เลขประจำตัวประชาชนต้องมี 13 หลัก (กรอกมา %zu หลัก)", n);
	if (s[12] - '0' != citizen_id_check_digit(s))
		return err_field(e, "citizen_id",
				 "เลขประจำตัวประชาชนไม่ถูกต้อง: หลักสุดท้าย (เลขตรวจสอบ) ไม่ตรง "
				 "กรุณาตรวจสอบอีกครั้ง");
	/* digits 2–5 name the registering office; no office is 0000 (an ID
	 * may well start with 0: persons without registration status) */
	if (!memcmp(s + 1, "0000", 4))
		return err_field(e, "citizen_id",
				 "เลขประจำตัวประชาชนไม่ถูกต้อง: หลักที่ 2–5 (รหัสสำนักทะเบียน) เป็น 0 ทั้งหมดไม่ได้ "
				 "กรุณาตรวจสอบกับบัตรประจำตัวประชาชน");
	return 0;
}

int thai_citizen_id_normalize(const char *s, char out[14])
{
	size_t n = 0;
	out[0] = 0;
	if (!s)
		return -1;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '\t')
			continue;
		char c = *s;
		/* a Thai digit ๐…๙ (U+0E50…U+0E59: E0 B9 90…99) is the same digit */
		const unsigned char *u = (const unsigned char *)s;
		if (u[0] == 0xE0 && u[1] == 0xB9 && u[2] >= 0x90 && u[2] <= 0x99) {
			c = (char)('0' + (u[2] - 0x90));
			s += 2;
		}
		/* Keep counting past 13 so an over-long input is refused rather
		 * than silently cut to a different, possibly valid, ID. */
		if (n < 13)
			out[n] = c;
		n++;
	}
	out[n < 13 ? n : 13] = 0;
	return n == 13 ? 0 : -1;
}

void thai_citizen_id_mask(const char *id13, struct buf *out)
{
	/* Anything that is not 13 digits is masked whole: a malformed value in
	 * the database must not leak more than a good one would. */
	if (!id13 || strlen(id13) != 13 || !all_digits(id13, 13)) {
		buf_adds(out, "x-xxxx-xxxxx-xx-x");
		return;
	}
	buf_addf(out, "%c-%.4s-xxxxx-xx-%c", id13[0], id13 + 1, id13[12]);
}

/* ---- calendar (ORG-3) -------------------------------------------------- */

#define BANGKOK_OFFSET 25200 /* UTC+7, no daylight saving */
#define BE_OFFSET 543

/* Clamped to years 1..9999 CE so the arithmetic below cannot overflow; a
 * time outside that is a bug upstream, and showing year 1 or 9999 makes it
 * visible without crashing the page. */
#define T_MIN (-62135596800LL)  /* 0001-01-01 00:00:00 UTC */
#define T_MAX (253402300799LL)  /* 9999-12-31 23:59:59 UTC */

static const char *const month_names[12] = {
	"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
	"กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
};

static const char *const month_abbrs[12] = {
	"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
	"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
};

const char *thai_month_name(int m)
{
	return m >= 1 && m <= 12 ? month_names[m - 1] : "";
}

const char *thai_month_abbr(int m)
{
	return m >= 1 && m <= 12 ? month_abbrs[m - 1] : "";
}

static long long floor_div(long long a, long long b)
{
	long long q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long long y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): exact for every year, unlike timegm which may refuse
 * what time_t cannot hold. */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = floor_div(y, 400);
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	z += 719468;
	long long era = floor_div(z, 146097);
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Any output pointer may be NULL when the caller does not need the field. */
void thai_local(long long t, int *y, int *mo, int *d, int *h, int *mi, int *s, int *wday)
{
	if (t < T_MIN)
		t = T_MIN;
	if (t > T_MAX)
		t = T_MAX;
	long long lt = t + BANGKOK_OFFSET;
	long long days = floor_div(lt, 86400);
	long long secs = lt - days * 86400;
	long long yy;
	int mm, dd;
	civil_from_days(days, &yy, &mm, &dd);
	if (y)
		*y = (int)yy;
	if (mo)
		*mo = mm;
	if (d)
		*d = dd;
	if (h)
		*h = (int)(secs / 3600);
	if (mi)
		*mi = (int)(secs / 60 % 60);
	if (s)
		*s = (int)(secs % 60);
	if (wday) /* 1970-01-01 was a Thursday; 0 = Sunday as in struct tm */
		*wday = (int)(days - floor_div(days + 4, 7) * 7 + 4);
}

/* Like timegm, fields out of range carry over (month 13 is January of the
 * next year, day 0 the last of the previous month), so callers can step
 * dates by adding to a field. */
long long thai_from_local(int y, int mo, int d, int h, int mi, int s)
{
	long long yy = (long long)y + floor_div((long long)mo - 1, 12);
	int m = (int)((long long)mo - 1 - floor_div((long long)mo - 1, 12) * 12) + 1;
	long long days = days_from_civil(yy, m, 1) + (long long)d - 1;
	return days * 86400 + (long long)h * 3600 + (long long)mi * 60 + s - BANGKOK_OFFSET;
}

int thai_parse_date(const char *s, int *y, int *m, int *d)
{
	/* Exactly what <input type=date> sends: zero-padded, nothing after. */
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !all_digits(s, 4) || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return -1;
	int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int mm = (s[5] - '0') * 10 + (s[6] - '0');
	int dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

/* digits at *p: value, advancing *p; count in *n (0: none). */
static long read_num(const char **p, int *n)
{
	long v = 0;
	*n = 0;
	while (**p >= '0' && **p <= '9' && *n < 9) {
		v = v * 10 + (**p - '0');
		(*p)++;
		(*n)++;
	}
	return v;
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A Thai month name or abbreviation at p (the abbreviation's final dot may
 * be left out): its number, advancing *pp; 0 if none. The longest match
 * wins (มีนาคม before มี.ค.). */
static int read_month_name(const char **pp)
{
	int best = 0;
	size_t best_len = 0;
	for (int m = 1; m <= 12; m++) {
		const char *names[2] = {thai_month_name(m), thai_month_abbr(m)};
		for (int k = 0; k < 2; k++) {
			size_t n = strlen(names[k]);
			size_t use = n;
			if (strncmp(*pp, names[k], n)) {
				/* "มิ.ย" without its last dot */
				if (k == 1 && n > 1 && names[k][n - 1] == '.' && !strncmp(*pp, names[k], n - 1))
					use = n - 1;
				else
					continue;
			}
			if (use > best_len) {
				best = m;
				best_len = use;
			}
		}
	}
	*pp += best_len;
	return best;
}

int thai_date_input(const char *s, int *y, int *m, int *d)
{
	if (!s)
		return THAI_DATE_BAD;
	const char *p = skip_blank(s);
	int n1, n2, n3;
	long a = read_num(&p, &n1), b, c;
	long yy, mm, dd;
	if (n1 == 4 && *p == '-') { /* ISO: year-month-day */
		p++;
		b = read_num(&p, &n2);
		if (*p != '-' || n2 < 1 || n2 > 2)
			return THAI_DATE_BAD;
		p++;
		c = read_num(&p, &n3);
		if (n3 < 1 || n3 > 2)
			return THAI_DATE_BAD;
		yy = a, mm = b, dd = c;
	} else {
		if (n1 < 1 || n1 > 2)
			return THAI_DATE_BAD;
		dd = a;
		p = skip_blank(p);
		if (*p == '/' || *p == '-' || *p == '.') {
			char sep = *p++;
			p = skip_blank(p);
			mm = read_num(&p, &n2);
			if (n2 < 1 || n2 > 2)
				return THAI_DATE_BAD;
			p = skip_blank(p);
			if (*p != sep)
				return THAI_DATE_BAD;
			p = skip_blank(p + 1);
		} else {
			mm = read_month_name(&p);
			if (!mm)
				return THAI_DATE_BAD;
			p = skip_blank(p);
			if (!strncmp(p, "พ.ศ.", strlen("พ.ศ.")))
				p = skip_blank(p + strlen("พ.ศ."));
		}
		yy = read_num(&p, &n3);
		if (n3 != 4)
			return THAI_DATE_BAD;
	}
	p = skip_blank(p);
	if (*p)
		return THAI_DATE_BAD;
	if (yy >= 2400)
		yy -= BE_OFFSET;
	if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
		return THAI_DATE_BAD;
	if (yy < 1900 || yy > 2200)
		return THAI_DATE_RANGE;
	if (dd > days_in_month(yy, (int)mm))
		return THAI_DATE_BAD;
	*y = (int)yy;
	*m = (int)mm;
	*d = (int)dd;
	return 0;
}

void thai_date_field(struct buf *out, const char *iso)
{
	int y, m, d;
	if (thai_parse_date(iso, &y, &m, &d) < 0) {
		buf_adds(out, iso ? iso : "");
		return;
	}
	buf_addf(out, "%02d/%02d/%d", d, m, y + BE_OFFSET);
}

void thai_date_short(struct buf *out, long long t)
{
	int y, mo, d;
	thai_local(t, &y, &mo, &d, NULL, NULL, NULL, NULL);
	buf_add_int(out, d);
	buf_addc(out, ' ');
	buf_adds(out, thai_month_abbr(mo));
	buf_addc(out, ' ');
	buf_add_int(out, y + BE_OFFSET);
}

void thai_date_long(struct buf *out, long long t)
{
	int y, mo, d;
	thai_local(t, &y, &mo, &d, NULL, NULL, NULL, NULL);
	buf_add_int(out, d);
	buf_addc(out, ' ');
	buf_adds(out, thai_month_name(mo));
	buf_addc(out, ' ');
	buf_add_int(out, y + BE_OFFSET);
}

void thai_datetime_short(struct buf *out, long long t)
{
	int y, mo, d, h, mi;
	thai_local(t, &y, &mo, &d, &h, &mi, NULL, NULL);
	/* per row of the lists: no printf */
	buf_add_int(out, d);
	buf_addc(out, ' ');
	buf_adds(out, thai_month_abbr(mo));
	buf_addc(out, ' ');
	buf_add_int(out, y + BE_OFFSET);
	buf_adds(out, ", ");
	buf_add_2d(out, h);
	buf_addc(out, ':');
	buf_add_2d(out, mi);
	buf_adds(out, " น.");
}

int thai_fiscal_year(long long t)
{
	int y, mo;
	thai_local(t, &y, &mo, NULL, NULL, NULL, NULL, NULL);
	return (mo >= 10 ? y + 1 : y) + BE_OFFSET;
}

int thai_academic_year(long long t)
{
	int y, mo, d;
	thai_local(t, &y, &mo, &d, NULL, NULL, NULL, NULL);
	bool started = mo > 5 || (mo == 5 && d >= 16);
	return (started ? y : y - 1) + BE_OFFSET;
}

/* ---- money (ORG-3) ----------------------------------------------------- */

static const char *const digit_words[10] = {
	"ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า",
};

/* Reads n < 1,000,000 (n > 0). higher says whether a nonzero digit stands
 * before this group in the whole number, which decides เอ็ด for a final 1. */
static void words_group(unsigned long long n, bool higher, struct buf *out)
{
	static const char *const units[6] = {"", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"};
	unsigned long long div = 100000;
	for (int pos = 5; pos >= 0; pos--, div /= 10) {
		int dgt = (int)(n / div % 10);
		if (dgt == 0)
			continue;
		if (pos == 1) {
			/* สิบ, not หนึ่งสิบ; ยี่สิบ, not สองสิบ */
			if (dgt == 2)
				buf_adds(out, "ยี่");
			else if (dgt != 1)
				buf_adds(out, digit_words[dgt]);
		} else if (pos == 0 && dgt == 1 && higher) {
			buf_adds(out, "เอ็ด");
			continue;
		} else {
			buf_adds(out, digit_words[dgt]);
		}
		buf_adds(out, units[pos]);
		higher = true;
	}
}

/* Numbers of a million or more repeat ล้าน: the part above the last six
 * digits is read as a number of its own followed by ล้าน, so 10^9 is
 * หนึ่งพันล้าน and 10^12 หนึ่งล้านล้าน.
 *
 * A final 1 after any higher digit is read เอ็ด, also across the ล้าน
 * boundary: 1,000,001 → หนึ่งล้านเอ็ด. That follows the ordinary reading
 * rule (a units 1 after any higher digit is เอ็ด) without an exception at
 * ล้าน, and is what Excel's BAHTTEXT prints, which is what offices compare
 * against; หนึ่งล้านหนึ่ง is also seen, so if the Comptroller General's
 * Department is shown to require it, only the `higher = true` below changes.
 * A 1 leading a ล้าน multiplier stays หนึ่ง (หนึ่งล้าน), and a 1 alone is
 * หนึ่ง. */
static void words_number(unsigned long long n, bool higher, struct buf *out)
{
	if (n >= 1000000) {
		words_number(n / 1000000, higher, out);
		buf_adds(out, "ล้าน");
		n %= 1000000;
		higher = true;
	}
	if (n)
		words_group(n, higher, out);
}

/* Magnitude without the signed overflow of -LLONG_MIN. */
static unsigned long long magnitude(long long v)
{
	return v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
}

void thai_baht_words(long long satang, struct buf *out)
{
	unsigned long long m = magnitude(satang);
	unsigned long long baht = m / 100, st = m % 100;
	if (satang < 0)
		buf_adds(out, "ลบ");
	if (baht == 0 && st == 0) {
		buf_adds(out, "ศูนย์บาทถ้วน");
		return;
	}
	if (baht) {
		words_number(baht, false, out);
		buf_adds(out, "บาท");
	}
	if (st) {
		/* Satang are a separate amount: 1 satang is หนึ่งสตางค์, and
		 * 1.01 baht หนึ่งบาทหนึ่งสตางค์. */
		words_number(st, false, out);
		buf_adds(out, "สตางค์");
	} else {
		buf_adds(out, "ถ้วน");
	}
}

void thai_baht_format(long long satang, struct buf *out)
{
	unsigned long long m = magnitude(satang);
	unsigned long long baht = m / 100;
	char digits[24];
	int n = 0;
	do {
		digits[n++] = (char)('0' + baht % 10);
		baht /= 10;
	} while (baht);
	if (satang < 0)
		buf_addc(out, '-');
	for (int i = n - 1; i >= 0; i--) {
		buf_addc(out, digits[i]);
		if (i > 0 && i % 3 == 0)
			buf_addc(out, ',');
	}
	buf_addf(out, ".%02u", (unsigned)(m % 100));
}

/* ---- UTF-8 --------------------------------------------------------------- */

/* Decodes one strict UTF-8 sequence at s[0..len); returns its length and
 * sets *cp, or 0 if the bytes there are not a valid sequence (overlong,
 * surrogate, above U+10FFFF, truncated, stray continuation byte). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

bool thai_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		/* printable ASCII, the bulk of a CSV file's bytes, without decoding */
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		/* and a Thai letter (U+0E00–U+0E7F: E0 B8/B9 80–BF) */
		if (p[i] == 0xE0 && len - i >= 3 && (p[i + 1] == 0xB8 || p[i + 1] == 0xB9) && (p[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		if (cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n')
			return false;
		i += n;
	}
	return true;
}

/* Whether any code point of s is one pred says yes to (invalid UTF-8 ends
 * the scan: thai_utf8_valid reports it). */
static bool any_cp(const char *s, bool (*pred)(uint32_t cp))
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		if (pred(cp))
			return true;
		i += n;
	}
	return false;
}

/* Zero-width and joiner characters, the bidi marks, embeddings, overrides
 * and isolates, word joiner and invisible operators, the BOM as a
 * character, soft hyphen, Arabic letter mark, Mongolian vowel separator,
 * interlinear annotation marks, the tag characters. */
static bool cp_invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF || cp == 0x00AD || cp == 0x061C || cp == 0x180E ||
	       (cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Pictographs, symbols and dingbats, arrows and technical symbols,
 * regional indicators, variation selectors, the keycap. */
static bool cp_emoji(uint32_t cp)
{
	return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x20E3 || (cp >= 0x2190 && cp <= 0x21FF) ||
	       (cp >= 0x2300 && cp <= 0x23FF);
}

bool thai_text_invisible(const char *s)
{
	return any_cp(s, cp_invisible);
}

bool thai_text_emoji(const char *s)
{
	return any_cp(s, cp_emoji);
}

void thai_digits_ascii(const char *s, struct buf *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* ๐…๙ are U+0E50…U+0E59: E0 B9 90…99 */
		if (p[0] == 0xE0 && p[1] == 0xB9 && p[2] >= 0x90 && p[2] <= 0x99) {
			buf_addc(out, (char)('0' + (p[2] - 0x90)));
			p += 2;
			continue;
		}
		buf_addc(out, (char)*p);
	}
}

/* ---- collation (X-4) ----------------------------------------------------- */

/* Unicode's Thai block is TIS-620 shifted: U+0E01..U+0E5B ↔ 0xA1..0xFB. */
static bool cp_is_tis(uint32_t cp)
{
	return cp >= 0x0E01 && cp <= 0x0E5B;
}

static unsigned char cp_to_tis(uint32_t cp)
{
	return (unsigned char)(cp - 0x0E00 + 0xA0);
}

/* Writes the TIS-620 form of s for th_strcoll, NUL-terminated, into out
 * (which has room for len + 1 bytes: the result is never longer than the
 * UTF-8). Characters TIS-620 cannot hold and NUL are left out, and invalid
 * bytes are skipped one at a time. */
static void collate_key(const char *s, size_t len, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			i++;
			continue;
		}
		if (cp_is_tis(cp))
			out[o++] = cp_to_tis(cp);
		else if (cp > 0 && cp < 0x80)
			out[o++] = (unsigned char)cp;
		i += n;
	}
	out[o] = 0;
}

/* th_strcoll gives the Thai dictionary order of the Royal Institute: leading
 * vowels are skipped at the first level (เก้า sorts among ก, before ข), tone
 * marks and case only break ties, and ASCII punctuation and spaces are
 * ignored until the last level.
 *
 * Characters outside ASCII and Thai (Latin with accents, CJK, emoji) have no
 * TIS-620 byte. They are left out of the Thai-aware comparison — th_strcoll
 * ignores every byte it has no Thai or Latin weight for anyway — and when
 * that comparison ties, the original bytes decide (UTF-8 byte order is code
 * point order), then the length. So the order is total and deterministic:
 * two strings compare equal only when they are byte for byte the same. */
int thai_collate(const char *a, size_t alen, const char *b, size_t blen)
{
	/* the same bytes are the same in every level (the last one is the
	 * bytes themselves): an index of names compares many equal ones —
	 * half a school's boys are called alike — and this spares both keys */
	if (alen == blen && (alen == 0 || !memcmp(a, b, alen)))
		return 0;
	unsigned char sa[256], sb[256];
	unsigned char *ka = alen < sizeof sa ? sa : xmalloc(alen + 1);
	unsigned char *kb = blen < sizeof sb ? sb : xmalloc(blen + 1);
	collate_key(a, alen, ka);
	collate_key(b, blen, kb);
	int r = th_strcoll(ka, kb);
	if (ka != sa)
		free(ka);
	if (kb != sb)
		free(kb);
	if (r != 0)
		return r < 0 ? -1 : 1;
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c != 0)
		return c < 0 ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

/* ---- word breaking (X-4) ------------------------------------------------- */

static pthread_once_t brk_once = PTHREAD_ONCE_INIT;
static ThBrk *brk_shared;

/* libthai asks that th_brk_new run in a critical section; after that the
 * breaker is only read and th_brk_find_breaks may run in parallel on it.
 * It is kept for the life of the process. */
static void brk_init(void)
{
	brk_shared = th_brk_new(NULL);
}

enum cclass { C_SEP, C_THAI, C_WORD };

/* What a code point is for search: part of a Thai run to be broken by the
 * dictionary, part of a Latin/other word, or a separator. Thai digits count
 * as word characters (they are turned into ASCII digits so "เขต ๑" finds
 * "เขต 1"); ฯ, ๆ and the other Thai signs are separators like punctuation. */
static enum cclass char_class(uint32_t cp)
{
	if (cp < 0x80) {
		bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
			     (cp >= 'A' && cp <= 'Z');
		return alnum ? C_WORD : C_SEP;
	}
	if (cp >= 0x0E50 && cp <= 0x0E59)
		return C_WORD;
	if ((cp >= 0x0E01 && cp <= 0x0E3A && cp != 0x0E2F) ||
	    (cp >= 0x0E40 && cp <= 0x0E4E && cp != 0x0E46))
		return C_THAI;
	if (cp >= 0x0E00 && cp <= 0x0E7F)
		return C_SEP; /* ฯ ๆ ฿ ๏ ๚ ๛ */
	/* Punctuation and symbols common in pasted text: Latin-1 signs, the
	 * General Punctuation block (zero-width space, dashes, curly quotes),
	 * arrows and other symbols, CJK punctuation, variation selectors, BOM,
	 * fullwidth ASCII punctuation, emoji. Other letters are kept as is. */
	if ((cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
	    (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
	    (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0x1F000 && cp <= 0x1FAFF))
		return C_SEP;
	return C_WORD;
}

/* Starts a new word in out: a single space unless out is empty or already
 * ends in one, so several calls on one buffer still give one word list. */
static void word_start(struct buf *out)
{
	if (out->len > 0 && out->data[out->len - 1] != ' ')
		buf_addc(out, ' ');
}

/* Breaks one run of Thai letters (UTF-8, 3 bytes per character) into
 * dictionary words. Without a dictionary the run stays one word: search
 * still works on whole runs rather than failing. */
static void break_thai_run(const char *s, size_t len, struct buf *out)
{
	size_t nch = len / 3;
	pthread_once(&brk_once, brk_init);
	int *pos = NULL;
	int npos = 0;
	if (brk_shared && nch > 1 && nch < INT_MAX) {
		unsigned char *tis = xmalloc(nch + 1);
		for (size_t i = 0; i < nch; i++) {
			uint32_t cp;
			utf8_decode((const unsigned char *)s + 3 * i, 3, &cp);
			tis[i] = cp_to_tis(cp);
		}
		tis[nch] = 0;
		pos = xmalloc(sizeof *pos * nch);
		npos = th_brk_find_breaks(brk_shared, tis, pos, nch);
		free(tis);
	}
	size_t start = 0;
	for (int i = 0; i <= npos; i++) {
		size_t end = i < npos ? (size_t)pos[i] : nch;
		if (end <= start || end > nch)
			continue;
		word_start(out);
		buf_add(out, s + 3 * start, 3 * (end - start));
		start = end;
	}
	free(pos);
}

void thai_search_terms(const char *text, struct buf *out)
{
	if (!text)
		return;
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text);
	size_t i = 0;
	enum cclass prev = C_SEP;
	size_t thai_start = 0;
	while (i <= len) {
		uint32_t cp = 0;
		size_t n = 1;
		enum cclass c = C_SEP;
		if (i < len) {
			n = utf8_decode(p + i, len - i, &cp);
			if (n == 0)
				n = 1; /* an invalid byte separates words */
			else
				c = char_class(cp);
		}
		if (prev == C_THAI && c != C_THAI)
			break_thai_run(text + thai_start, i - thai_start, out);
		if (c == C_THAI && prev != C_THAI)
			thai_start = i;
		if (c == C_WORD) {
			if (prev != C_WORD)
				word_start(out);
			if (cp >= 'A' && cp <= 'Z')
				buf_addc(out, (char)(cp - 'A' + 'a'));
			else if (cp >= 0x0E50 && cp <= 0x0E59)
				buf_addc(out, (char)('0' + (cp - 0x0E50)));
			else
				buf_add(out, text + i, n);
		}
		prev = c;
		i += n;
	}
}

size_t thai_cut_words(const char *s, size_t max_chars)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	/* code points, their byte offsets and classes */
	size_t cap = len + 1, nch = 0;
	size_t *off = xmalloc(sizeof *off * cap);
	enum cclass *cls = xmalloc(sizeof *cls * cap);
	uint32_t *cps = xmalloc(sizeof *cps * cap);
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n = utf8_decode(p + i, len - i, &cp);
		off[nch] = i;
		cls[nch] = n ? char_class(cp) : C_SEP;
		cps[nch] = cp;
		nch++;
		i += n ? n : 1;
	}
	off[nch] = len;
	size_t result = len;
	if (nch > max_chars) {
		bool *brk = xcalloc(nch + 1, sizeof *brk);
		for (size_t k = 1; k < nch; k++)
			if (cls[k] == C_SEP || cls[k - 1] == C_SEP || cls[k] != cls[k - 1])
				brk[k] = true;
		pthread_once(&brk_once, brk_init);
		for (size_t a = 0; a < nch;) {
			if (cls[a] != C_THAI) {
				a++;
				continue;
			}
			size_t b = a;
			while (b < nch && cls[b] == C_THAI)
				b++;
			size_t run = b - a;
			if (brk_shared && run > 1 && run < INT_MAX) {
				unsigned char *tis = xmalloc(run + 1);
				for (size_t i = 0; i < run; i++)
					tis[i] = cp_to_tis(cps[a + i]);
				tis[run] = 0;
				int *pos = xmalloc(sizeof *pos * run);
				int np = th_brk_find_breaks(brk_shared, tis, pos, run);
				for (int i = 0; i < np; i++)
					if (pos[i] > 0 && (size_t)pos[i] < run)
						brk[a + (size_t)pos[i]] = true;
				free(pos);
				free(tis);
			}
			a = b;
		}
		size_t best = 0, space = 0;
		for (size_t k = 1; k <= max_chars && k < nch; k++) {
			if (brk[k])
				best = k;
			if (cps[k] == ' ')
				space = k;
		}
		/* a space is the clearest place to cut (ปีงบประมาณ is one term
		 * though th_brk sees ปี|งบประมาณ): taken when it keeps at least
		 * half the room */
		if (space * 2 >= max_chars)
			best = space;
		if (best == 0)
			best = max_chars;
		/* no trailing spaces */
		while (best > 0 && cps[best - 1] == ' ')
			best--;
		result = off[best];
		free(brk);
	}
	free(off);
	free(cls);
	free(cps);
	return result;
}

size_t thai_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}
