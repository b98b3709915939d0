/* bld: school buildings, B-OBEC (BLD-1, issue 14) — each school's
 * buildings and structures (type, standard plan, year built in BE, floors,
 * rooms by use, usable area, condition, budget source, photos, map
 * position) with their history; the yearly collection window (1–30
 * October before 16:30 Bangkok time by default; an area may extend it for
 * its schools) in which a school completes and submits (ส่งข้อมูล); and the
 * area's budget request list for the next fiscal year, built only from
 * schools that submitted.
 *
 * This is the module's public face. The rules are plain functions over
 * values, declared first, so unit tests reach them without HTTP or a
 * database: the window at a time, the checks of a building's typed
 * values, the needs computation (classrooms lacking, buildings to
 * replace), and an image's size from its header. Storage and pages are
 * in bld_internal.h.
 *
 * Functions that can fail return -1 (or NULL) and fill e: 400 with a Thai
 * message at the field, 404 when not the caller's to see, 409 when the
 * state forbids it (window closed, submitted, stale copy), 500 a fault. */
#ifndef KHET_BLD_H
#define KHET_BLD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/module.h" /* struct deadline_query */

struct db;

/* ---- the collection window ------------------------------------------------ */

/* A year's window, UTC seconds: open from opens (inclusive) until closes
 * (exclusive: "before 16:30" — at 16:30:00 it is closed). */
struct bld_window {
	int year; /* BE */
	long long opens, closes;
};

enum bld_window_state { BLD_BEFORE = 1, BLD_OPEN, BLD_CLOSED };

/* The collection year (BE) a time belongs to: the Bangkok calendar year of
 * t + 543 (October 2026 → 2569). */
int bld_year_at(long long t);
/* The default window of a BE year: 1 October 00:00 until 30 October 16:30,
 * Asia/Bangkok. */
void bld_window_default(int year_be, struct bld_window *w);
/* Where now stands in w for a school whose area extended the close to
 * area_closes (0: no extension; an extension earlier than w's close is
 * ignored: an area can only give more time). */
enum bld_window_state bld_window_at(const struct bld_window *w, long long area_closes, long long now);
/* The close that applies (w's, or the area's later one). */
long long bld_window_close(const struct bld_window *w, long long area_closes);
/* The Thai message of a refusal outside the window: before it, when it
 * opens and closes ("… เปิดรับข้อมูล 1 ตุลาคม 2569 เวลา 00:00 น. ถึง 30
 * ตุลาคม 2569 เวลา 16:30 น."); after it, that it closed and when the next
 * year's opens (the default of year + 1). */
void bld_window_message(const struct bld_window *w, long long area_closes, long long now, struct buf *out);

/* ---- a building as typed -------------------------------------------------- */

#define BLD_MAX_PHOTOS 5
#define BLD_ROOM_ROWS 6 /* room rows on the form: use + count */
#define BLD_REPLACE_AGE 40 /* ทรุดโทรม and older than this many years: to replace */

struct bld_building_in {
	const char *name, *type, *plan, *condition, *budget_source, *lat, *lng;
	long long year_built; /* as typed (BE expected) */
	long long floors, area_m2;
	struct {
		const char *use;
		long long n; /* -1: none typed */
	} rooms[BLD_ROOM_ROWS];
};

/* Checks the typed values without the database, at year_now (BE, the
 * current year): year built BE 2400 … year_now (a CE year such as 1995 is
 * refused naming พ.ศ. and ค.ศ.), floors 1–20, usable area > 0 m² (at most
 * 1,000,000), a known condition, lat/long both or neither, inside
 * Thailand's box; room rows: a count needs a use, 1–200, a use once. 0,
 * or -1 with e at the first bad field. */
int bld_building_check(const struct bld_building_in *in, int year_now, struct err *e);
/* The condition's Thai label, "" for an unknown code. */
const char *bld_condition_label(const char *code);

/* ---- needs (the budget request list) ---------------------------------------- */

struct bld_need_building {
	const char *condition; /* good, fair, damaged, dilapidated */
	long long year_built;  /* BE */
	long long classrooms;  /* rooms whose use counts as a classroom */
};

struct bld_needs {
	long long taught;      /* rooms the school teaches (-1: unknown) */
	long long usable;      /* classrooms in buildings in good or fair condition */
	long long lacking;     /* max(0, taught - usable); 0 when taught is unknown */
	long long to_replace;  /* buildings ทรุดโทรม older than BLD_REPLACE_AGE years at year */
};

/* The needs of a school with these buildings in collection year year (BE);
 * replace, when not NULL, gets per building whether it is to be replaced.
 * Age is year - year_built, "older than 40" is age > 40. */
void bld_needs(long long taught, const struct bld_need_building *b, size_t n, int year, struct bld_needs *out,
	       bool *replace);

/* ---- photos ----------------------------------------------------------------- */

/* The pixel size of a PNG or JPEG from its first bytes (the whole file
 * or its first 64 KB): 0 with *w, *h, or -1 when it is not one. */
int bld_image_size(const unsigned char *p, size_t n, long *w, long *h);
/* A thumbnail's shown size: fits within box × box, keeping the ratio. */
void bld_thumb_size(long w, long h, long box, long *tw, long *th);

/* ---- the data calendar's reader (X-7) ---------------------------------------- */


/* Appends to the JSON array out one object per collection window that
 * overlaps [from, to]: {key "bld.2569", module "bld", title, opens, due
 * (ISO with +07:00; due is the area's close), href, owing [{school_id,
 * name}] — the schools of the area (or the one school) that have not
 * submitted}. 0, or -1 with e. */
int bld_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);

#endif
