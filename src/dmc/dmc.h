/* dmc: the student census (DMC-1 … DMC-3, seed 002) — one record per
 * learner for life, kept by the school where the learner studies, and the
 * three census rounds of an academic year in which the school confirms its
 * data, the director certifies it and the area acknowledges it. What was
 * certified is copied into the round's snapshot, which later edits never
 * change; the per-head subsidy and the dashboards read snapshots.
 *
 * This is the module's small public face. The census rules are plain
 * functions over values, declared first, so unit tests reach them without
 * HTTP or a database: the confirm window of a round day, masking of an
 * identity code in lists, G-codes, weights and heights, birth dates and the
 * age rule of a grade, and the year-end promotion. Storage and pages are
 * in dmc_internal.h, for the module's own files and its tests only.
 *
 * The tables dmc_* belong to this module (db/migrations/0500_dmc.sql).
 * Functions that can fail return -1 (or NULL) and fill e: 400 with a Thai
 * message saying what to fix (e->field names the form field), 404 when the
 * record is not the caller's to see, 409 when its state forbids it or it
 * would duplicate a learner, 500 for a fault. */
#ifndef KHET_DMC_H
#define KHET_DMC_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"

struct db;

/* ---- the confirm window of a round day (DMC-3) -------------------------- */

enum dmc_window {
	DMC_WINDOW_BEFORE, /* not yet: the buttons are refused, saying when it opens */
	DMC_WINDOW_OPEN,
	DMC_WINDOW_CLOSED, /* over for this round */
};

/* The window is open from open_at (08:30:00) through the whole minute that
 * starts at close_at (16:30:00–16:30:59): a person who presses the button
 * while the clock shows 16:30 is in time, as the seed's "08.30 – 16.30 น."
 * reads; 16:31:00 is late. */
enum dmc_window dmc_window_state(long long open_at, long long close_at, long long now);
/* A Thai sentence for a refused button: when it opens ("ยืนยันข้อมูลได้ใน
 * วันที่ 10 มิ.ย. 2569 เวลา 08:30–16:30 น. …"), or that it has closed. */
void dmc_window_message(enum dmc_window w, long long open_at, long long close_at, struct buf *out);
/* "HH:MM" → minutes after midnight, -1 when not a time of day. */
int dmc_parse_hhmm(const char *s);
/* The round's times from its day (CE y-m-d), its open and close minutes
 * and the first day of entry: UTC seconds of Bangkok local times. */
void dmc_round_times(int y, int m, int d, int open_min, int close_min, int ey, int em, int ed, long long *open_at,
		     long long *close_at, long long *entry_from);

/* ---- citizen-ID corrections and the round day's cut-off (DMC-3) -------- */

/* Corrections of a citizen ID stop at the cut-off of a round day — the
 * end of its confirm window, 16:30 with its closing minute, as
 * dmc_window_state — because the round is then counted, and open again
 * when the next round's entry period starts. last_close: close_at of the
 * latest round whose window has closed at now (0: none yet); next_entry:
 * the entry_from of the round after it. 0 when a request at now is in
 * time, else the UTC second corrections open again. */
long long dmc_correction_reopens(long long now, long long last_close, long long next_entry);
/* The Thai sentence refusing a late correction: the cut-off it missed
 * and when a correction may be requested again. */
void dmc_correction_message(long long last_close, long long reopens, struct buf *out);

/* ---- identity codes (DMC-1, GC-1, X-5) ---------------------------------- */

/* A G-code: "G" + 12 digits (BE year 2, province 2, sequence 8). 0, or -1
 * with e (field "gcode") saying what is wrong. */
int dmc_gcode_check(const char *s, struct err *e);
/* A new G-code from its parts (GC-1): "G", the last two digits of the
 * Buddhist-era year of now (Bangkok), the province's two digits (the
 * first two of its area's code, as OBEC numbers areas: 3502 → 35) and
 * the sequence in eight. 0, or -1 with e (409) when the province is not
 * two digits or the sequence is outside 1–99,999,999 (that year and
 * province have run out of codes). */
int dmc_gcode_make(long long now, const char *area_code, long long seq, char out[14], struct err *e);
/* How lists show a code: a citizen ID as "1-xxxx-xxxxx-xx-3" (first and
 * last digit only: most learners are children), a G-code as
 * "G64xxxxxxxx01"; anything else as "x" for each character. */
void dmc_ident_mask(const char *ident, struct buf *out);

/* ---- measures and dates -------------------------------------------------- */

/* "35", "35.5" or "35.50" (a zero second decimal) → tenths (355); -1 for
 * anything else (signs, letters, more decimals, empty). */
int dmc_parse_tenths(const char *s, long long *out);
/* Weight above 0 and at most 200 kg; height 40–250 cm (in tenths). 0, or
 * -1 with e (field "weight" / "height"). A value of -1 means "not given"
 * and is not checked. */
int dmc_body_check(long long weight_x10, long long height_x10, struct err *e);
/* Whole years from a birth date to a day (both CE). */
int dmc_age_years(int by, int bm, int bd, int ty, int tm, int td);
/* A birth date "YYYY-MM-DD" (CE) checked against today (Bangkok day of
 * now): a real date, not in the future, and inside the grade's ages
 * (dmc_grades.min_age … max_age, whole years today; 0 = no bound): a
 * learner far too young or too old for the grade is refused, naming the
 * ages the grade takes (grade_label names the grade). The one rule of the
 * add form, the grade and move-in forms, the API and `khet import
 * students`. 0, or -1 with e (field "birth_date"). */
int dmc_birth_check(const char *birth, long long now, int min_age, int max_age, const char *grade_label,
		    struct err *e);

/* ---- year-end promotion (DMC-3) ----------------------------------------- */

enum dmc_promotion {
	DMC_STAY,     /* marked repeating: same grade */
	DMC_PROMOTE,  /* to the grade's next grade */
	DMC_GRADUATE, /* the last grade of a level (ป.6, ม.3, ม.6) */
};
/* What the year-end round does to a learner in a grade that is or is not
 * the last of its level. */
enum dmc_promotion dmc_promotion_of(bool final_grade, bool repeating);

/* ---- the per-head subsidy (DMC-4) --------------------------------------- */

/* Levels of schooling a rate is set for, in this order: อนุบาล, ประถม,
 * ม.ต้น, ม.ปลาย (dmc_grades.level). */
#define DMC_NLEVELS 4
extern const char *const dmc_levels[DMC_NLEVELS];	/* "kinder" "primary" "lower" "upper" */
extern const char *const dmc_level_labels[DMC_NLEVELS]; /* Thai */
/* The index of a level code, -1 for none. */
int dmc_level_index(const char *level);
/* The subsidy of headcounts by level at rates by level (satang a learner
 * a year): amounts[i] = heads[i] × rates[i] (when amounts is not NULL),
 * and their sum is returned. Negative inputs count as 0. */
long long dmc_subsidy_amount(const long long heads[DMC_NLEVELS], const long long rates[DMC_NLEVELS],
			     long long amounts[DMC_NLEVELS]);

/* ---- for the platform ----------------------------------------------------- */

/* The module's pages (routes.c). */
extern const struct route_table dmc_routes;
/* `khet demo`: total learners over every school of the demo areas, the
 * census's story of the last two rounds (certified, acknowledged, some
 * schools late) and the round in progress's basic data, the census
 * people of the first school and, when data_dir is given (the documents
 * are files), two G-code requests of the first school, one pending and
 * one certified (demo.c). */
int dmc_demo(struct db *db, long long total, const char *data_dir, struct err *e);

#endif
