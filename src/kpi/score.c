/* score: indicator types, scores and their averages (KPI-2, KPI-6, KPI-7).
 *
 * An indicator's type says what a score means and which scores are
 * possible. The seed's indicators are all "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)",
 * a level from 1 to 5 that may be fractional (a school averaging its
 * sub-criteria reports 3.5); offices also run percentage indicators
 * (ร้อยละ 0–100) and pass/fail ones (ผ่าน/ไม่ผ่าน, 0 or 1). A self score and
 * a review score are checked against the same range.
 *
 * Scores are whole hundredths (3.5 → 350): people type at most two
 * decimals, the sums of a period stay exact integers in the database, and
 * an average is one integer division rounded half up (3.125 → 3.13), the
 * rounding Thai offices use on paper. Units without a score are left out of
 * an average, never counted as 0: an average of "the units that reported".
 * The yearly figure of an area weights each indicator's average by the
 * indicator's weight (ค่าน้ำหนัก). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "kpi/kpi_internal.h"

const struct kpi_type kpi_types[KPI_TYPE_COUNT] = {
    {"level5", "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)", 100, 500, false},
    {"percent", "ร้อยละ (0 - 100)", 0, 10000, false},
    {"yesno", "ผ่าน/ไม่ผ่าน (0 - 1)", 0, 100, true},
};

const struct kpi_type *kpi_type_get(const char *name)
{
	for (int i = 0; name && i < KPI_TYPE_COUNT; i++)
		if (!strcmp(name, kpi_types[i].name))
			return &kpi_types[i];
	return NULL;
}

/* ---- reading and writing scores ------------------------------------------ */

/* The value of an ASCII or Thai digit at s (setting *len to its bytes), or
 * -1. Thai digits ๐–๙ are U+0E50–U+0E59: E0 B9 90–99. */
static int digit_at(const char *s, int *len)
{
	if (*s >= '0' && *s <= '9') {
		*len = 1;
		return *s - '0';
	}
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == 0xE0 && u[1] == 0xB9 && u[2] >= 0x90 && u[2] <= 0x99) {
		*len = 3;
		return u[2] - 0x90;
	}
	return -1;
}

/* Parses digits (ASCII or Thai) with an optional sign and '.' into
 * hundredths; -1 when it is not a number, -2 when it has more than two
 * decimals (trailing zeros do not count: "4.000" is 4). */
static int parse_x100(const char *s, long long *out)
{
	long long whole = 0, frac = 0;
	int digits = 0, dec = 0, len;
	bool neg = false;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	int d;
	while ((d = digit_at(s, &len)) >= 0) {
		if (++digits > 9)
			return -1;
		whole = whole * 10 + d;
		s += len;
	}
	if (*s == '.') {
		s++;
		while ((d = digit_at(s, &len)) >= 0) {
			if (++dec > 2) {
				/* trailing zeros ("4.000") are still two decimals */
				if (d != 0)
					return -2;
				dec = 2;
			} else {
				frac = frac * 10 + d;
			}
			s += len;
		}
		if (!dec && !digits)
			return -1;
	}
	if (*s || (!digits && !dec))
		return -1;
	if (dec == 1)
		frac *= 10;
	*out = (whole * 100 + frac) * (neg ? -1 : 1);
	return 0;
}

int kpi_score_parse(const struct kpi_type *t, const char *text, const char *what, const char *field, long long *x100,
		    struct err *e)
{
	/* trim spaces the way a form does */
	while (text && (*text == ' ' || *text == '\t'))
		text++;
	size_t n = text ? strlen(text) : 0;
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (!n)
		return err_field(e, field, "กรุณากรอก%s", what);
	char *s = xstrndup(text, n);
	long long v = 0;
	int rc = parse_x100(s, &v);
	free(s);
	struct buf lo = BUF_INIT, hi = BUF_INIT;
	kpi_score_text(t->min, &lo);
	kpi_score_text(t->max, &hi);
	if (rc == -1)
		rc = err_field(e, field, "%sต้องเป็นตัวเลข เช่น %s หรือ %s", what, t->whole ? buf_cstr(&lo) : "4",
			       t->whole ? buf_cstr(&hi) : "3.50");
	else if (rc == -2)
		rc = err_field(e, field, "%sมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง เช่น 3.75", what);
	else if (t->whole && v % 100 != 0)
		rc = err_field(e, field, "ตัวชี้วัดประเภท%s ให้%sได้เฉพาะ %s (ไม่ผ่าน) หรือ %s (ผ่าน) เท่านั้น", t->label, what,
			       buf_cstr(&lo), buf_cstr(&hi));
	else if (v < t->min || v > t->max)
		rc = err_field(e, field, "%sต้องอยู่ระหว่าง %s ถึง %s ตามประเภทตัวชี้วัด %s", what, buf_cstr(&lo), buf_cstr(&hi),
			       t->label);
	else
		*x100 = v;
	buf_release(&lo);
	buf_release(&hi);
	return rc;
}

void kpi_score_text(long long x100, struct buf *out)
{
	if (x100 < 0) {
		buf_addc(out, '-');
		x100 = -x100;
	}
	long long whole = x100 / 100, frac = x100 % 100;
	if (!frac)
		buf_addf(out, "%lld", whole);
	else if (frac % 10 == 0)
		buf_addf(out, "%lld.%lld", whole, frac / 10);
	else
		buf_addf(out, "%lld.%02lld", whole, frac);
}

void kpi_score_fixed(long long x100, struct buf *out)
{
	if (x100 < 0) {
		buf_addc(out, '-');
		x100 = -x100;
	}
	buf_addf(out, "%lld.%02lld", x100 / 100, x100 % 100);
}

/* ---- averages ------------------------------------------------------------ */

/* num / den rounded half up, for num >= 0 and den > 0. */
static long long div_round(long long num, long long den)
{
	return (2 * num + den) / (2 * den);
}

long long kpi_average(long long sum_x100, long long n)
{
	if (n <= 0 || sum_x100 < 0)
		return -1;
	return div_round(sum_x100, n);
}

long long kpi_average_of(const long long *x100, size_t n)
{
	long long sum = 0, count = 0;
	for (size_t i = 0; i < n; i++)
		if (x100[i] >= 0) {
			sum += x100[i];
			count++;
		}
	return kpi_average(sum, count);
}

long long kpi_weighted_average(const long long *x100, const long long *w, size_t n)
{
	long long num = 0, den = 0;
	for (size_t i = 0; i < n; i++)
		if (x100[i] >= 0 && w[i] > 0) {
			num += x100[i] * w[i];
			den += w[i];
		}
	return den ? div_round(num, den) : -1;
}

/* ---- criteria levels ----------------------------------------------------- */

/* Bytes of the separator at p (space, comma, brackets, the arrows "-->"
 * and "→"), 0 when p starts a level. */
static size_t sep_len(const char *p)
{
	if (*p && strchr(" \t\r\n,;[]()-<>", *p))
		return 1;
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x86 && (unsigned char)p[2] == 0x92)
		return 3;
	return 0;
}

json_t *kpi_criteria_parse(const struct kpi_type *t, const char *text, struct err *e)
{
	json_t *levels = json_array();
	struct buf tok = BUF_INIT;
	long long prev = -1;
	const char *p = text ? text : "";
	for (;;) {
		size_t n;
		while (*p && (n = sep_len(p)))
			p += n;
		if (!*p)
			break;
		buf_reset(&tok);
		while (*p && !sep_len(p))
			buf_addc(&tok, *p++);
		long long v;
		int rc = parse_x100(buf_cstr(&tok), &v);
		struct buf lo = BUF_INIT, hi = BUF_INIT;
		kpi_score_text(t->min, &lo);
		kpi_score_text(t->max, &hi);
		if (rc == 0 && t->whole && v % 100)
			rc = -3;
		if (rc == 0 && (v < t->min || v > t->max))
			rc = -4;
		if (rc == 0 && v <= prev)
			rc = -5;
		if (rc == 0 && json_array_size(levels) >= 10)
			rc = -6;
		if (rc < 0) {
			if (rc == -1)
				err_field(e, "criteria", "เกณฑ์ต้องเป็นตัวเลขคั่นด้วยจุลภาค เช่น 2, 3, 4, 5 (พบ “%s”)",
					  buf_cstr(&tok));
			else if (rc == -2)
				err_field(e, "criteria", "ระดับเกณฑ์มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง");
			else if (rc == -3 || rc == -4)
				err_field(e, "criteria", "ระดับเกณฑ์ต้องอยู่ระหว่าง %s ถึง %s ตามประเภทตัวชี้วัด %s",
					  buf_cstr(&lo), buf_cstr(&hi), t->label);
			else if (rc == -5)
				err_field(e, "criteria", "ระดับเกณฑ์ต้องเรียงจากน้อยไปมาก และไม่ซ้ำกัน เช่น 2, 3, 4, 5");
			else
				err_field(e, "criteria", "กำหนดระดับเกณฑ์ได้ไม่เกิน 10 ระดับ");
			buf_release(&lo);
			buf_release(&hi);
			buf_release(&tok);
			json_decref(levels);
			return NULL;
		}
		buf_release(&lo);
		buf_release(&hi);
		prev = v;
		json_array_append_new(levels, v % 100 ? json_real((double)v / 100.0) : json_integer(v / 100));
	}
	buf_release(&tok);
	return levels;
}

void kpi_criteria_text(json_t *levels, struct buf *out)
{
	size_t i;
	json_t *v;
	json_array_foreach(levels, i, v)
	{
		if (i)
			buf_adds(out, " --> ");
		long long x =
		    json_is_integer(v) ? json_integer_value(v) * 100 : (long long)(json_number_value(v) * 100.0 + 0.5);
		buf_addc(out, '[');
		kpi_score_text(x, out);
		buf_addc(out, ']');
	}
}

long long kpi_percent_whole(long long part, long long whole)
{
	if (whole <= 0 || part <= 0)
		return 0;
	if (part >= whole)
		return 100;
	return (part * 100 * 2 + whole) / (2 * whole);
}
