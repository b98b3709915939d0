/* rules: the module's plain functions (bld.h) — the collection window at
 * a time, a building's typed values, the needs of the budget request list
 * and an image's size from its header. No database, no request: the unit
 * tests (tests/unit/test_bld.c) walk them with any clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bld/bld.h"
#include "core/thai.h"

/* ---- the window ------------------------------------------------------------- */

int bld_year_at(long long t)
{
	int y;
	thai_local(t, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	return y + 543;
}

void bld_window_default(int year_be, struct bld_window *w)
{
	w->year = year_be;
	w->opens = thai_from_local(year_be - 543, 10, 1, 0, 0, 0);
	w->closes = thai_from_local(year_be - 543, 10, 30, 16, 30, 0);
}

long long bld_window_close(const struct bld_window *w, long long area_closes)
{
	return area_closes > w->closes ? area_closes : w->closes;
}

enum bld_window_state bld_window_at(const struct bld_window *w, long long area_closes, long long now)
{
	if (now < w->opens)
		return BLD_BEFORE;
	return now < bld_window_close(w, area_closes) ? BLD_OPEN : BLD_CLOSED;
}

static void when(struct buf *out, long long t)
{
	int h, mi;
	thai_local(t, NULL, NULL, NULL, &h, &mi, NULL, NULL);
	thai_date_long(out, t);
	buf_addf(out, " เวลา %02d:%02d น.", h, mi);
}

void bld_window_message(const struct bld_window *w, long long area_closes, long long now, struct buf *out)
{
	long long close = bld_window_close(w, area_closes);
	if (bld_window_at(w, area_closes, now) == BLD_BEFORE) {
		buf_addf(out, "ยังไม่เปิดรับข้อมูลอาคารเรียน ปี %d: เปิดรับข้อมูล ", w->year);
		when(out, w->opens);
		buf_adds(out, " ถึง ");
		when(out, close);
		return;
	}
	struct bld_window next;
	bld_window_default(w->year + 1, &next);
	buf_addf(out, "ปิดรับข้อมูลอาคารเรียน ปี %d แล้ว เมื่อ ", w->year);
	when(out, close);
	buf_adds(out, " รอบถัดไปเปิดรับข้อมูล ");
	when(out, next.opens);
}

/* ---- a building's typed values ------------------------------------------------ */

static const char *const conditions[][2] = {
    {"good", "ดี"}, {"fair", "พอใช้"}, {"damaged", "ชำรุด"}, {"dilapidated", "ทรุดโทรม"}};

const char *bld_condition_label(const char *code)
{
	for (size_t i = 0; code && i < sizeof conditions / sizeof *conditions; i++)
		if (!strcmp(code, conditions[i][0]))
			return conditions[i][1];
	return "";
}

/* A decimal degree "13.7563" within [lo, hi]: 0, or -1. */
static int degree(const char *s, double lo, double hi)
{
	if (!s || !*s || strlen(s) > 20)
		return -1;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || (*p == '-' && p == s)))
			return -1;
	char *end = NULL;
	double v = strtod(s, &end);
	if (!end || *end || v < lo || v > hi)
		return -1;
	return 0;
}

int bld_building_check(const struct bld_building_in *in, int year_now, struct err *e)
{
	if (in->year_built < 1000 || in->year_built > 9999)
		return err_field(e, "year_built", "กรุณากรอกปีที่สร้างเป็นปีพุทธศักราช 4 หลัก เช่น 2538");
	if (in->year_built < 2400)
		return err_field(e, "year_built",
				 "ปีที่สร้างต้องเป็นปีพุทธศักราช (พ.ศ.) ไม่ใช่คริสต์ศักราช (ค.ศ.): ค.ศ. %lld คือ พ.ศ. %lld",
				 in->year_built, in->year_built + 543);
	if (in->year_built > year_now)
		return err_field(e, "year_built", "ปีที่สร้างต้องไม่อยู่ในอนาคต (ไม่เกิน พ.ศ. %d)", year_now);
	if (in->floors < 1 || in->floors > 20)
		return err_field(e, "floors", "จำนวนชั้นต้องอยู่ระหว่าง 1 ถึง 20 ชั้น");
	if (in->area_m2 <= 0)
		return err_field(e, "area_m2", "พื้นที่ใช้สอยต้องมากกว่า 0 ตารางเมตร");
	if (in->area_m2 > 1000000)
		return err_field(e, "area_m2", "พื้นที่ใช้สอยต้องไม่เกิน 1,000,000 ตารางเมตร");
	if (!*bld_condition_label(in->condition))
		return err_field(e, "condition", "กรุณาเลือกสภาพอาคาร: ดี พอใช้ ชำรุด หรือ ทรุดโทรม");
	bool has_lat = in->lat && *in->lat, has_lng = in->lng && *in->lng;
	if (has_lat != has_lng)
		return err_field(e, has_lat ? "lng" : "lat", "กรุณากรอกทั้งละติจูดและลองจิจูด หรือเว้นว่างทั้งสองช่อง");
	if (has_lat && degree(in->lat, 5.0, 21.0) < 0)
		return err_field(e, "lat", "ละติจูดต้องเป็นทศนิยมองศาในประเทศไทย ระหว่าง 5 ถึง 21 เช่น 15.7944");
	if (has_lng && degree(in->lng, 97.0, 106.0) < 0)
		return err_field(e, "lng", "ลองจิจูดต้องเป็นทศนิยมองศาในประเทศไทย ระหว่าง 97 ถึง 106 เช่น 104.1453");
	for (int i = 0; i < BLD_ROOM_ROWS; i++) {
		const char *u = in->rooms[i].use ? in->rooms[i].use : "";
		long long n = in->rooms[i].n;
		char f[32];
		if (!*u && n < 0)
			continue;
		if (!*u) {
			snprintf(f, sizeof f, "room_use_%d", i + 1);
			return err_field(e, f, "กรุณาเลือกการใช้งานของห้องแถวที่ %d", i + 1);
		}
		snprintf(f, sizeof f, "room_n_%d", i + 1);
		if (n < 1 || n > 200)
			return err_field(e, f, "จำนวนห้องแถวที่ %d ต้องอยู่ระหว่าง 1 ถึง 200 ห้อง", i + 1);
		for (int k = 0; k < i; k++)
			if (in->rooms[k].use && !strcmp(in->rooms[k].use, u)) {
				snprintf(f, sizeof f, "room_use_%d", i + 1);
				return err_field(e, f, "การใช้งานนี้มีอยู่แล้วในแถวที่ %d ให้รวมจำนวนห้องไว้ในแถวเดียว", k + 1);
			}
	}
	return 0;
}

/* ---- needs --------------------------------------------------------------------- */

void bld_needs(long long taught, const struct bld_need_building *b, size_t n, int year, struct bld_needs *out,
	       bool *replace)
{
	memset(out, 0, sizeof *out);
	out->taught = taught;
	for (size_t i = 0; i < n; i++) {
		const char *c = b[i].condition ? b[i].condition : "";
		if (!strcmp(c, "good") || !strcmp(c, "fair"))
			out->usable += b[i].classrooms > 0 ? b[i].classrooms : 0;
		bool rep = !strcmp(c, "dilapidated") && year - b[i].year_built > BLD_REPLACE_AGE;
		out->to_replace += rep;
		if (replace)
			replace[i] = rep;
	}
	out->lacking = taught > out->usable ? taught - out->usable : 0;
}

/* ---- image size ------------------------------------------------------------------ */

static unsigned long be16(const unsigned char *p)
{
	return (unsigned long)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

int bld_image_size(const unsigned char *p, size_t n, long *w, long *h)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
	if (n >= 24 && !memcmp(p, png, 8) && !memcmp(p + 12, "IHDR", 4)) {
		unsigned long ww = be32(p + 16), hh = be32(p + 20);
		if (!ww || !hh || ww > 100000 || hh > 100000)
			return -1;
		*w = (long)ww;
		*h = (long)hh;
		return 0;
	}
	if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xff)
			return -1;
		unsigned char m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		unsigned long len = be16(p + i + 2);
		if (len < 2)
			return -1;
		/* SOF0 … SOF15 except DHT (c4), JPG (c8) and DAC (cc) */
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (i + 9 > n)
				return -1;
			unsigned long hh = be16(p + i + 5), ww = be16(p + i + 7);
			if (!ww || !hh)
				return -1;
			*w = (long)ww;
			*h = (long)hh;
			return 0;
		}
		if (m == 0xd9 || m == 0xda) /* end, or scan data before any frame */
			return -1;
		i += 2 + len;
	}
	return -1;
}

void bld_thumb_size(long w, long h, long box, long *tw, long *th)
{
	if (w <= 0 || h <= 0) {
		*tw = *th = box;
		return;
	}
	if (w <= box && h <= box) {
		*tw = w;
		*th = h;
		return;
	}
	if (w >= h) {
		*tw = box;
		*th = h * box / w > 0 ? h * box / w : 1;
	} else {
		*th = box;
		*tw = w * box / h > 0 ? w * box / h : 1;
	}
}
