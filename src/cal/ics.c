/* ics: the data calendar as iCalendar (RFC 5545), the feed Google Calendar
 * and Outlook subscribe to. Written by hand because the format is
 * small and its traps are few and exact: lines end in CRLF; a content line
 * longer than 75 octets is folded (CRLF, then one space) and a fold must
 * not cut a UTF-8 sequence, which Thai text (three octets a character)
 * meets on nearly every long line; TEXT values escape backslash, ";" and
 * "," and write a line break as "\n"; DTSTAMP is UTC. Times are written in
 * Bangkok local time with TZID=Asia/Bangkok and the VTIMEZONE that defines
 * it (UTC+7 all year, no daylight saving), so a client shows the deadline
 * at 16:30 whatever its own zone, and one that knows the Olson name finds
 * the same. Each deadline is one VEVENT whose UID is its key and the feed's
 * unit, so an update (an extended window) replaces the event the client
 * already has instead of adding another. */
#include <stdio.h>
#include <string.h>

#include "cal/cal_internal.h"
#include "core/jsonx.h"
#include "core/thai.h"

#define ICS_MAX 75

/* Appends one unit (a UTF-8 sequence, an escape) that a fold must not
 * cut, folding before it when it does not fit on the line. */
static void fold_unit(struct buf *out, const char *s, size_t n, size_t *col)
{
	if (*col + n > ICS_MAX) {
		buf_add(out, "\r\n ", 3);
		*col = 1;
	}
	buf_add(out, s, n);
	*col += n;
}

/* Appends s (n octets) to out, folding at ICS_MAX octets a line; *col is
 * the octets on the current line so far. */
static void fold_add(struct buf *out, const char *s, size_t n, size_t *col)
{
	size_t i = 0;
	while (i < n) {
		/* the whole UTF-8 sequence starting at i */
		size_t len = 1;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0xF0)
			len = 4;
		else if (c >= 0xE0)
			len = 3;
		else if (c >= 0xC0)
			len = 2;
		if (i + len > n)
			len = n - i;
		if (*col + len > ICS_MAX) {
			buf_add(out, "\r\n ", 3);
			*col = 1;
		}
		buf_add(out, s + i, len);
		*col += len;
		i += len;
	}
}

void ics_line(struct buf *out, const char *name, const char *value, bool escape)
{
	size_t col = 0;
	fold_add(out, name, strlen(name), &col);
	fold_add(out, ":", 1, &col);
	for (const char *p = value ? value : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r')
			continue;
		if (c == '\n') {
			fold_unit(out, "\\n", 2, &col);
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue; /* controls are not allowed in a value */
		if (escape && (c == '\\' || c == ';' || c == ',')) {
			char esc[2] = {'\\', (char)c};
			fold_unit(out, esc, 2, &col);
			continue;
		}
		/* a whole UTF-8 sequence at once, so a fold never cuts it */
		size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		size_t have = strnlen(p, len);
		fold_unit(out, p, have, &col);
		p += have - 1;
	}
	buf_add(out, "\r\n", 2);
}

void ics_local(long long t, char out[17])
{
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, 17, "%04d%02d%02dT%02d%02d%02d", y % 10000, mo, d, h, mi, s);
}

void ics_utc(long long t, char out[17])
{
	ics_local(t - 7 * 3600LL, out);
	out[15] = 'Z';
	out[16] = 0;
}

static const char vtimezone[] = "BEGIN:VTIMEZONE\r\n"
				"TZID:Asia/Bangkok\r\n"
				"BEGIN:STANDARD\r\n"
				"DTSTART:19700101T000000\r\n"
				"TZOFFSETFROM:+0700\r\n"
				"TZOFFSETTO:+0700\r\n"
				"TZNAME:ICT\r\n"
				"END:STANDARD\r\n"
				"END:VTIMEZONE\r\n";

/* The DESCRIPTION of one deadline: the note, when it opened, who owes it
 * (the area's feed: every school owing, at most 50 named) or what this
 * school owes, and the link. */
static void describe(struct buf *d, json_t *dl, bool school_view, const char *base)
{
	const char *note = jstr(dl, "note");
	if (*note)
		buf_addf(d, "%s\n", note);
	buf_addf(d, "เริ่ม %s\nครบกำหนด %s\n", jstr(dl, "opens_text"), jstr(dl, "due_text"));
	json_t *owing = json_object_get(dl, "owing");
	size_t n = json_array_size(owing), i;
	json_t *o;
	if (school_view) {
		if (!n)
			buf_adds(d, "ดำเนินการครบแล้ว\n");
		json_array_foreach(owing, i, o)
		{
			buf_addf(d, "ยังค้าง: %s\n", *jstr(o, "detail") ? jstr(o, "detail") : "ยังไม่ได้ดำเนินการ");
		}
	} else {
		if (!n)
			buf_adds(d, "ทุกโรงเรียนดำเนินการครบแล้ว\n");
		else
			buf_addf(d, "โรงเรียนที่ยังค้าง %zu แห่ง:\n", n);
		json_array_foreach(owing, i, o)
		{
			if (i == 50) {
				buf_addf(d, "และอีก %zu แห่ง\n", n - 50);
				break;
			}
			buf_addf(d, "- %s", jstr(o, "name"));
			if (*jstr(o, "detail"))
				buf_addf(d, " (%s)", jstr(o, "detail"));
			buf_adds(d, "\n");
		}
	}
	if (*base)
		buf_addf(d, "%s%s", base, jstr(dl, "href"));
}

void ics_calendar(struct buf *out, const char *name, const char *uid_scope, const char *host, const char *base,
		  json_t *deadlines, bool school_view, long long now)
{
	char stamp[17];
	ics_utc(now, stamp);
	buf_adds(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Khet//Data calendar//TH\r\nCALSCALE:GREGORIAN\r\n"
		      "METHOD:PUBLISH\r\n");
	ics_line(out, "X-WR-CALNAME", name, true);
	ics_line(out, "X-WR-TIMEZONE", "Asia/Bangkok", false);
	/* how often a client should fetch the feed again: hourly */
	ics_line(out, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H", false);
	ics_line(out, "X-PUBLISHED-TTL", "PT1H", false);
	buf_adds(out, vtimezone);
	size_t i;
	json_t *dl;
	json_array_foreach(deadlines, i, dl)
	{
		long long due = jint(dl, "due_at");
		char start[17], end[17];
		ics_local(due - 30 * 60, start);
		ics_local(due, end);
		struct buf uid = BUF_INIT, summary = BUF_INIT, desc = BUF_INIT, url = BUF_INIT;
		buf_addf(&uid, "%s.%s@%s", jstr(dl, "key"), uid_scope, host);
		buf_addf(&summary, "ครบกำหนด: %s", jstr(dl, "title"));
		if (!school_view && json_array_size(json_object_get(dl, "owing")))
			buf_addf(&summary, " (ค้าง %zu โรงเรียน)", json_array_size(json_object_get(dl, "owing")));
		describe(&desc, dl, school_view, base);
		buf_adds(out, "BEGIN:VEVENT\r\n");
		ics_line(out, "UID", buf_cstr(&uid), false);
		ics_line(out, "DTSTAMP", stamp, false);
		ics_line(out, "DTSTART;TZID=Asia/Bangkok", start, false);
		ics_line(out, "DTEND;TZID=Asia/Bangkok", end, false);
		ics_line(out, "SUMMARY", buf_cstr(&summary), true);
		ics_line(out, "DESCRIPTION", buf_cstr(&desc), true);
		if (*base) {
			buf_addf(&url, "%s%s", base, jstr(dl, "href"));
			ics_line(out, "URL", buf_cstr(&url), false);
		}
		ics_line(out, "TRANSP", "TRANSPARENT", false);
		buf_adds(out, "END:VEVENT\r\n");
		buf_release(&uid);
		buf_release(&summary);
		buf_release(&desc);
		buf_release(&url);
	}
	buf_adds(out, "END:VCALENDAR\r\n");
}
