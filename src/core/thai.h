/* thai: the Thai rules every module shares (ORG-2, ORG-3, X-4): citizen IDs,
 * Buddhist-Era dates in Asia/Bangkok (UTC+7, no daylight saving), fiscal and
 * academic years, baht in words, Thai dictionary order, and word breaking for
 * search. All functions are pure and thread-safe. */
#ifndef KHET_THAI_H
#define KHET_THAI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

/* Citizen ID (ORG-2): 13 ASCII digits whose last is the mod-11 check digit.
 * thai_citizen_id_check fills e (field "citizen_id") with a Thai message
 * that says whether the length, the characters or the check digit is wrong;
 * dashes and spaces are NOT accepted here (normalize first). */
bool thai_citizen_id_valid(const char *s);
int thai_citizen_id_check(const char *s, struct err *e);
/* Copies s without spaces and dashes, Thai digits ๐…๙ as 0…9, into out
 * (at most 13 digits + NUL);
 * returns 0, or -1 if what is left is not 13 characters. */
int thai_citizen_id_normalize(const char *s, char out[14]);
/* "1-2345-67890-12-3" style masking for lists: "1-2345-xxxxx-xx-3". */
void thai_citizen_id_mask(const char *id13, struct buf *out);

/* Month names, m = 1..12: "มิถุนายน", and abbreviated "มิ.ย.". */
const char *thai_month_name(int m);
const char *thai_month_abbr(int m);

/* Dates (ORG-3), t in UTC seconds, shown in Asia/Bangkok, BE years. */
void thai_date_short(struct buf *out, long long t);    /* 25 มิ.ย. 2567 */
void thai_date_long(struct buf *out, long long t);     /* 25 มิถุนายน 2567 */
void thai_datetime_short(struct buf *out, long long t);/* 25 มิ.ย. 2567, 13:11 น. */
/* Bangkok calendar fields of t: year CE, month 1-12, day, hour, minute. */
void thai_local(long long t, int *y, int *mo, int *d, int *h, int *mi, int *s, int *wday);
/* UTC seconds of a Bangkok local time. */
long long thai_from_local(int y, int mo, int d, int h, int mi, int s);
/* Parses "YYYY-MM-DD" (CE, as <input type=date> sends) into y/m/d; -1 if it
 * is not a real calendar date. */
int thai_parse_date(const char *s, int *y, int *m, int *d);
/* A date as a person types it into a Khet date field (issue 10.8): day,
 * month and year in that order, BE by default — "25/06/2567" (also "-", "."
 * or spaces between, one- or two-digit day and month), "25 มิถุนายน 2567" or
 * "25 มิ.ย. 2567" (Thai month names) — or ISO "2024-06-25" as the API and
 * the JavaScript picker send it. The year is read by its size, in either
 * form: 2400 and above is BE (543 is subtracted), below 2400 is CE, so
 * "25/06/2024" and "2567-06-25" both mean 25 June 2024; no Thai of today
 * types a CE year over 2400 or a BE year under it. Two-digit years are
 * refused (25/06/67 could be 2567 or 1967). The CE date goes into y/m/d.
 * Returns 0; THAI_DATE_BAD when it is not a date (nothing written);
 * THAI_DATE_RANGE when the CE year is outside 1900–2200 (far off: the
 * message should name พ.ศ. and ค.ศ.). */
#define THAI_DATE_BAD (-1)
#define THAI_DATE_RANGE (-2)
int thai_date_input(const char *s, int *y, int *m, int *d);
/* "2024-06-25" → "25/06/2567", what a date field shows; s unchanged when it
 * is not an ISO date. */
void thai_date_field(struct buf *out, const char *iso);
/* Fiscal year (1 Oct – 30 Sep) named by the BE year of its end. */
int thai_fiscal_year(long long t);
/* Academic year (BE), starting 16 May. */
int thai_academic_year(long long t);

/* Baht in words for official documents (ORG-3):
 * 18550 satang → "หนึ่งร้อยแปดสิบห้าบาทห้าสิบสตางค์", 2100 → "ยี่สิบเอ็ดบาทถ้วน",
 * 0 → "ศูนย์บาทถ้วน"; negative amounts get the prefix "ลบ". */
void thai_baht_words(long long satang, struct buf *out);
/* "1,234.50" */
void thai_baht_format(long long satang, struct buf *out);

/* Thai dictionary order of two UTF-8 strings, as libthai's th_strcoll:
 * leading vowels เ แ โ ใ ไ do not sort first. <0, 0, >0 like strcmp. */
int thai_collate(const char *a, size_t alen, const char *b, size_t blen);

/* Word breaking for search: appends the words of text to out separated
 * by single spaces, Thai runs broken with libthai's th_brk, Latin text
 * lower-cased, punctuation dropped. Used both to index and to split a query. */
void thai_search_terms(const char *text, struct buf *out);

/* The byte length of the longest start of s that has at most max_chars
 * characters and ends on a word boundary (a space or punctuation, a change
 * between Thai and other script, or a break th_brk finds inside Thai), so
 * a name cut to fit is never cut mid-word; the last space is preferred
 * when it keeps at least half of max_chars; trailing spaces are left out.
 * The whole of s when it fits; a plain character cut when its first word
 * alone is longer than max_chars. */
size_t thai_cut_words(const char *s, size_t max_chars);

/* The number of characters (code points) of UTF-8 text s: what a field's
 * "at most N characters" counts. */
size_t thai_utf8_chars(const char *s);
/* 1 if s (len bytes) is valid UTF-8 without NUL or C0 controls other than
 * tab, CR and LF. */
bool thai_utf8_valid(const char *s, size_t len);
/* Whether s holds a character that shows nothing or turns the direction
 * of text (zero-width space and joiners, bidi marks, overrides and
 * isolates, soft hyphen, a BOM inside text …): such text reads differently
 * from what is stored, so names and other fields refuse it. */
bool thai_text_invisible(const char *s);
/* Whether s holds an emoji or pictographic symbol (refused in names). */
bool thai_text_emoji(const char *s);
/* Appends s to out with the Thai digits ๐…๙ as 0…9 (what people type on a
 * Thai keyboard is the same number). */
void thai_digits_ascii(const char *s, struct buf *out);

#endif
