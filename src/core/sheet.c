/* sheet: CSV written into a buffer as rows come; XLSX through
 * libxlsxwriter in constant-memory mode into a temporary file that is read
 * back and removed at the end. */
#include "core/sheet.h"
#include "core/thai.h"
#include "core/view.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MAX_COLS 64
#define XLSX_MAX_STR 32767

struct sheet {
	enum sheet_format f;
	int ncols;
	int col;      /* next cell of the current row */
	unsigned row; /* current row (0 is the header) */
	struct buf csv;
	char path[512]; /* XLSX temp file */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char *title;
	int failed; /* an libxlsxwriter error seen while writing */
	lxw_format *dec[7]; /* 0, 0.0 … 0.000000, made when first used */
	lxw_format *money, *date, *datetime;
	struct {
		enum sheet_kind kind;
		int decimals;
		const char *key;
	} cols[MAX_COLS];
};

/* Thai locale (041E), Buddhist calendar (07, Windows' CAL_THAI), Western
 * digits (01): the BE year and Thai month names, "7 ธ.ค. 2569" (seen in
 * LibreOffice 7.4; Excel 365's "[$-th-TH,107]" spelling is shown there as
 * a bare serial number, so the LCID form stays — see README, Exports). */
#define SHEET_FMT_DATE "[$-107041E]d mmm yyyy"
#define SHEET_FMT_DATETIME "[$-107041E]d mmm yyyy hh:mm"

void sheet_csv_field(struct buf *out, const char *s)
{
	if (!s)
		s = "";
	bool guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	bool quote = false;
	for (const char *c = s; *c; c++)
		if (*c == '"' || *c == ',' || *c == '\n' || *c == '\r') {
			quote = true;
			break;
		}
	if (quote)
		buf_addc(out, '"');
	if (guard)
		buf_addc(out, '\'');
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			buf_addc(out, '"');
		buf_addc(out, *c);
	}
	if (quote)
		buf_addc(out, '"');
}

void sheet_csv_code(struct buf *out, const char *s)
{
	if (!s || !*s) {
		sheet_csv_field(out, s);
		return;
	}
	bool digit = false;
	for (const char *c = s; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digit = true;
		else if (!strchr(" +-().", *c)) {
			sheet_csv_field(out, s);
			return;
		}
	}
	if (!digit) {
		sheet_csv_field(out, s);
		return;
	}
	buf_adds(out, "\"=\"\"");
	buf_adds(out, s);
	buf_adds(out, "\"\"\"");
}

const char *sheet_content_type(enum sheet_format f)
{
	return f == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			       : "text/csv; charset=utf-8";
}

const char *sheet_extension(enum sheet_format f)
{
	return f == SHEET_XLSX ? ".xlsx" : ".csv";
}

int sheet_parse_format(const char *s, enum sheet_format *f)
{
	if (s && !strcmp(s, "csv")) {
		*f = SHEET_CSV;
		return 0;
	}
	if (s && !strcmp(s, "xlsx")) {
		*f = SHEET_XLSX;
		return 0;
	}
	return -1;
}

/* The characters of src[0..keep) into out, Excel's forbidden []:*?/\ as
 * '_', at most 31; the quotes Excel refuses at either end dropped. */
static void name_copy(const char *src, size_t keep, char *out, size_t cap)
{
	size_t o = 0;
	int chars = 0;
	const unsigned char *endp = (const unsigned char *)src + keep;
	for (const unsigned char *c = (const unsigned char *)src; c < endp && *c && chars < 31;) {
		size_t n = *c < 0x80 ? 1 : (*c >> 5) == 6 ? 2 : (*c >> 4) == 14 ? 3 : 4;
		if (o + n + 1 > cap)
			break;
		for (size_t i = 0; i < n; i++)
			if (!c[i])
				goto done;
		if (n == 1 && (strchr("[]:*?/\\", *c) || *c < 0x20))
			out[o++] = '_';
		else
			memcpy(out + o, c, n), o += n;
		c += n;
		chars++;
	}
done:
	while (o > 0 && out[o - 1] == '\'')
		o--;
	size_t start = 0;
	while (start < o && out[start] == '\'')
		start++;
	memmove(out, out + start, o - start);
	o -= start;
	if (o == 0) {
		snprintf(out, cap, "Sheet1");
		return;
	}
	out[o] = 0;
}

/* The title's last word when it is a number ("2", "2569"): what tells one
 * area's or year's sheet from the next, so a cut must not lose it. Its
 * length in bytes, 0 when the last word is no number. */
static size_t last_number(const char *t, size_t len)
{
	size_t n = 0;
	while (n < len && n < 8 && isdigit((unsigned char)t[len - 1 - n]))
		n++;
	return n && n < len && t[len - 1 - n] == ' ' ? n : 0;
}

/* A worksheet name Excel accepts: at most 31 characters (UTF-8 aware), no
 * []:*?/\ and not starting or ending with '. A longer title is cut on a word
 * boundary (Thai words by th_brk), never mid-word; when it ends in a number
 * (an area's "เขต 2", a year), the number is kept after the words that fit
 * ("โรงเรียนในสังกัด สพป.ยโสธร 2"), so two areas' or years' files do not
 * get the same sheet name. */
void sheet_name(const char *title, char *out, size_t cap)
{
	const char *t = title ? title : "";
	size_t len = strlen(t);
	size_t num = thai_utf8_chars(t) > 31 ? last_number(t, len) : 0;
	if (num) {
		char head[512];
		size_t hl = len - num - 1;
		if (hl >= sizeof head)
			hl = sizeof head - 1;
		memcpy(head, t, hl);
		head[hl] = 0;
		size_t keep = thai_cut_words(head, 30 - num);
		while (keep > 0 && head[keep - 1] == ' ')
			keep--;
		if (keep > 0) {
			struct buf b = BUF_INIT;
			buf_add(&b, head, keep);
			buf_addc(&b, ' ');
			buf_add(&b, t + len - num, num);
			name_copy(buf_cstr(&b), b.len, out, cap);
			buf_release(&b);
			return;
		}
	}
	name_copy(t, thai_cut_words(t, 31), out, cap);
}

struct sheet *sheet_new(enum sheet_format f, const char *title, int ncols, const struct sheet_col *cols, struct err *e)
{
	if (ncols < 1)
		ncols = 1;
	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	struct sheet *s = xcalloc(1, sizeof *s);
	s->f = f;
	s->ncols = ncols;
	s->title = xstrdup(title ? title : "");
	for (int i = 0; i < ncols; i++) {
		s->cols[i].kind = cols[i].kind;
		s->cols[i].decimals = cols[i].decimals < 0 ? 0 : cols[i].decimals > 6 ? 6 : cols[i].decimals;
		s->cols[i].key = cols[i].key;
	}
	if (f == SHEET_CSV) {
		buf_add(&s->csv, "\xEF\xBB\xBF", 3);
		for (int i = 0; i < ncols; i++) {
			if (i)
				buf_addc(&s->csv, ',');
			sheet_csv_field(&s->csv, cols[i].header);
		}
		buf_adds(&s->csv, "\r\n");
		s->row = 1;
		return s;
	}
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > sizeof s->path - 32)
		tmp = "/tmp";
	snprintf(s->path, sizeof s->path, "%s/khet-xlsx-XXXXXX", tmp);
	int fd = mkstemp(s->path);
	if (fd < 0) {
		err_set(e, 500, "sheet: mkstemp: %s", strerror(errno));
		s->path[0] = 0;
		sheet_free(s);
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmp};
	s->wb = workbook_new_opt(s->path, &opt);
	char name[128];
	sheet_name(title, name, sizeof name);
	s->ws = s->wb ? workbook_add_worksheet(s->wb, name) : NULL;
	if (!s->ws) {
		err_set(e, 500, "sheet: cannot create workbook");
		sheet_free(s);
		return NULL;
	}
	lxw_doc_properties props = {.title = s->title, .author = "Khet"};
	workbook_set_properties(s->wb, &props);
	lxw_format *bold = workbook_add_format(s->wb);
	format_set_bold(bold);
	for (int i = 0; i < ncols; i++) {
		double w = cols[i].width > 0 ? cols[i].width : LXW_DEF_COL_WIDTH;
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
	}
	worksheet_freeze_panes(s->ws, 1, 0);
	for (int i = 0; i < ncols; i++)
		if (worksheet_write_string(s->ws, 0, (lxw_col_t)i, cols[i].header ? cols[i].header : "", bold) !=
		    LXW_NO_ERROR)
			s->failed = 1;
	s->row = 1;
	return s;
}

static bool next_cell(struct sheet *s)
{
	if (s->col >= s->ncols)
		return false;
	if (s->f == SHEET_CSV && s->col > 0)
		buf_addc(&s->csv, ',');
	return true;
}

void sheet_text(struct sheet *s, const char *text)
{
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV) {
		sheet_csv_field(&s->csv, text);
	} else if (text && *text) {
		lxw_error rc;
		if (strlen(text) > XLSX_MAX_STR) {
			/* cut at a UTF-8 character boundary */
			size_t n = XLSX_MAX_STR;
			while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
				n--;
			char *cut = xstrndup(text, n);
			rc = worksheet_write_string(s->ws, s->row, (lxw_col_t)s->col, cut, NULL);
			free(cut);
		} else {
			rc = worksheet_write_string(s->ws, s->row, (lxw_col_t)s->col, text, NULL);
		}
		if (rc != LXW_NO_ERROR)
			s->failed = 1;
	}
	s->col++;
}

void sheet_number(struct sheet *s, double v)
{
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV)
		buf_addf(&s->csv, "%.15g", v);
	else if (worksheet_write_number(s->ws, s->row, (lxw_col_t)s->col, v, NULL) != LXW_NO_ERROR)
		s->failed = 1;
	s->col++;
}

void sheet_code(struct sheet *s, const char *code)
{
	if (s->f != SHEET_CSV) {
		sheet_text(s, code);
		return;
	}
	if (!next_cell(s))
		return;
	sheet_csv_code(&s->csv, code);
	s->col++;
}

static double round_to(double v, int decimals)
{
	double p = 1;
	for (int i = 0; i < decimals; i++)
		p *= 10;
	double r = round(v * p) / p;
	return r == 0 ? 0 : r; /* no -0 */
}

static lxw_format *num_format(struct sheet *s, lxw_format **slot, const char *code)
{
	if (!*slot) {
		*slot = workbook_add_format(s->wb);
		format_set_num_format(*slot, code);
	}
	return *slot;
}

void sheet_decimal(struct sheet *s, double v, int decimals)
{
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(v)) {
		sheet_text(s, NULL);
		return;
	}
	v = round_to(v, decimals);
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV) {
		buf_addf(&s->csv, "%.*f", decimals, v);
	} else {
		lxw_format *fmt = NULL;
		if (decimals > 0) {
			char code[16] = "0.";
			memset(code + 2, '0', (size_t)decimals);
			code[2 + decimals] = 0;
			fmt = num_format(s, &s->dec[decimals], code);
		}
		if (worksheet_write_number(s->ws, s->row, (lxw_col_t)s->col, v, fmt) != LXW_NO_ERROR)
			s->failed = 1;
	}
	s->col++;
}

void sheet_decimal2(struct sheet *s, double v)
{
	sheet_decimal(s, v, 2);
}

void sheet_money(struct sheet *s, double baht)
{
	if (!isfinite(baht)) {
		sheet_text(s, NULL);
		return;
	}
	baht = round_to(baht, 2);
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV)
		buf_addf(&s->csv, "%.2f", baht);
	else if (worksheet_write_number(s->ws, s->row, (lxw_col_t)s->col, baht,
					num_format(s, &s->money, "#,##0.00")) != LXW_NO_ERROR)
		s->failed = 1;
	s->col++;
}

void sheet_date(struct sheet *s, int y, int m, int d)
{
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV) {
		buf_addf(&s->csv, "%04d-%02d-%02d", y, m, d);
	} else {
		lxw_datetime dt = {.year = y, .month = m, .day = d};
		if (worksheet_write_datetime(s->ws, s->row, (lxw_col_t)s->col, &dt,
					     num_format(s, &s->date, SHEET_FMT_DATE)) != LXW_NO_ERROR)
			s->failed = 1;
	}
	s->col++;
}

void sheet_datetime(struct sheet *s, long long t)
{
	int y, mo, d, h, mi, sec;
	thai_local(t, &y, &mo, &d, &h, &mi, &sec, NULL);
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV) {
		buf_addf(&s->csv, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	} else {
		lxw_datetime dt = {.year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = sec};
		if (worksheet_write_datetime(s->ws, s->row, (lxw_col_t)s->col, &dt,
					     num_format(s, &s->datetime, SHEET_FMT_DATETIME)) != LXW_NO_ERROR)
			s->failed = 1;
	}
	s->col++;
}

/* "35,210.50", " 74.54 ", "-3" → a number; false when anything else is there. */
static bool parse_number(const char *t, double *v)
{
	char clean[64];
	size_t n = 0;
	for (const char *c = t; *c; c++) {
		if (*c == ',' || *c == ' ')
			continue;
		if (!strchr("0123456789.-+", *c) || n + 1 >= sizeof clean)
			return false;
		clean[n++] = *c;
	}
	clean[n] = 0;
	if (!n)
		return false;
	char *end;
	*v = strtod(clean, &end);
	return *end == 0 && isfinite(*v);
}

static bool all_digits(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return false;
	return n > 0;
}

/* ISO "YYYY-MM-DD[T ]hh:mm[:ss][Z|±hh:mm]" → UTC seconds (no offset:
 * Bangkok time). */
static bool parse_iso_datetime(const char *t, long long *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return false;
	const char *p = t + 10;
	if (*p == 'T' || *p == ' ') {
		int k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
			return false;
		p += 1 + k;
		if (*p == ':') {
			k = 0;
			if (sscanf(p + 1, "%2d%n", &sec, &k) != 1)
				return false;
			p += 1 + k;
			if (*p == '.')
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
	}
	long long utc = thai_from_local(y, mo, d, h, mi, sec);
	if (*p == 'Z' || *p == '+' || *p == '-') {
		long long off = 0;
		if (*p != 'Z') {
			int oh = 0, om = 0;
			if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1)
				return false;
			off = (oh * 3600LL + om * 60LL) * (*p == '-' ? -1 : 1);
		}
		/* the local reading was Bangkok (+07:00); move it to the given offset */
		utc += 7 * 3600LL - off;
	} else if (*p) {
		return false;
	}
	*out = utc;
	return true;
}

void sheet_value(struct sheet *s, const char *t)
{
	if (s->col >= s->ncols) {
		s->col++;
		return;
	}
	if (!t || !*t) {
		sheet_text(s, NULL);
		return;
	}
	double v;
	int y, m, d;
	long long when;
	switch (s->cols[s->col].kind) {
	case SHEET_CODE:
	case SHEET_PHONE:
		sheet_code(s, t);
		return;
	case SHEET_NUMBER:
		if (parse_number(t, &v)) {
			sheet_decimal(s, v, s->cols[s->col].decimals);
			return;
		}
		break;
	case SHEET_MONEY:
		if (parse_number(t, &v)) {
			sheet_money(s, v);
			return;
		}
		break;
	case SHEET_SATANG:
		if (parse_number(t, &v)) {
			sheet_money(s, v / 100.0);
			return;
		}
		break;
	case SHEET_DATE:
		if (all_digits(t, strlen(t)) && strlen(t) > 8) { /* epoch seconds */
			thai_local(strtoll(t, NULL, 10), &y, &m, &d, NULL, NULL, NULL, NULL);
			sheet_date(s, y, m, d);
			return;
		}
		char day[11] = {0};
		/* an ISO date-time's date part ("2026-12-07 13:35:00") */
		if (strlen(t) > 10 && (t[10] == 'T' || t[10] == ' ') && t[4] == '-')
			memcpy(day, t, 10);
		if (thai_date_input(day[0] ? day : t, &y, &m, &d) == 0) {
			sheet_date(s, y, m, d);
			return;
		}
		break;
	case SHEET_DATETIME:
		if (all_digits(t, strlen(t))) {
			sheet_datetime(s, strtoll(t, NULL, 10));
			return;
		}
		if (parse_iso_datetime(t, &when)) {
			sheet_datetime(s, when);
			return;
		}
		break;
	case SHEET_TEXT:
	case SHEET_ENUM:
		break;
	}
	sheet_text(s, t);
}

void sheet_json(struct sheet *s, json_t *v)
{
	char tmp[64];
	if (json_is_string(v)) {
		sheet_value(s, json_string_value(v));
	} else if (json_is_integer(v)) {
		enum sheet_kind k = s->col < s->ncols ? s->cols[s->col].kind : SHEET_TEXT;
		if ((k == SHEET_DATE || k == SHEET_DATETIME) && json_integer_value(v) <= 0) {
			sheet_value(s, NULL); /* 0: no time (not yet confirmed …) */
			return;
		}
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		sheet_value(s, tmp);
	} else if (json_is_real(v)) {
		snprintf(tmp, sizeof tmp, "%.17g", json_real_value(v));
		sheet_value(s, tmp);
	} else if (json_is_true(v)) {
		sheet_value(s, "ใช่");
	} else {
		sheet_value(s, NULL);
	}
}

void sheet_json_row(struct sheet *s, json_t *o)
{
	for (int i = 0; i < s->ncols; i++)
		sheet_json(s, s->cols[i].key ? json_object_get(o, s->cols[i].key) : NULL);
	sheet_row_end(s);
}

static void dated_name(struct buf *out, const char *base, long long t, const char *ext)
{
	size_t start = out->len;
	for (const char *c = base ? base : ""; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		    *c == '_' || (*c == '.' && out->len > start))
			buf_addc(out, *c);
	if (out->len == start)
		buf_adds(out, "export");
	/* the Buddhist Era year, as Thai users date things (2569-12-07) */
	int y, m, d;
	thai_local(t, &y, &m, &d, NULL, NULL, NULL, NULL);
	buf_addf(out, "-%04d-%02d-%02d%s", y + 543, m, d, ext);
}

void sheet_filename(struct buf *out, const char *base, long long t, enum sheet_format f)
{
	dated_name(out, base, t, sheet_extension(f));
}

void sheet_download_names(struct buf *ascii, struct buf *utf8, const char *base, const char *title, long long t,
			  const char *ext)
{
	dated_name(ascii, base, t, ext);
	int y, m, d;
	thai_local(t, &y, &m, &d, NULL, NULL, NULL, NULL);
	buf_addf(utf8, "%s-%04d-%02d-%02d%s", title ? title : "", y + 543, m, d, ext);
}

void sheet_row_end(struct sheet *s)
{
	if (s->f == SHEET_CSV) {
		for (int i = s->col; i < s->ncols; i++)
			if (i > 0)
				buf_addc(&s->csv, ',');
		buf_adds(&s->csv, "\r\n");
	}
	s->col = 0;
	s->row++;
}

static int read_file(const char *path, struct buf *out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, 500, "sheet: open: %s", strerror(errno));
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)n);
	int rc = n < 0 ? err_set(e, 500, "sheet: read: %s", strerror(errno)) : 0;
	close(fd);
	return rc;
}

int sheet_finish(struct sheet *s, struct buf *out, struct err *e)
{
	int rc = 0;
	if (s->col > 0)
		sheet_row_end(s);
	if (s->f == SHEET_CSV) {
		buf_add(out, s->csv.data ? s->csv.data : "", s->csv.len);
	} else {
		lxw_error x = workbook_close(s->wb);
		s->wb = NULL;
		if (x != LXW_NO_ERROR)
			rc = err_set(e, 500, "sheet: %s", lxw_strerror(x));
		else if (s->failed)
			rc = err_set(e, 500, "sheet: a cell could not be written");
		else
			rc = read_file(s->path, out, e);
	}
	sheet_free(s);
	return rc;
}

void sheet_free(struct sheet *s)
{
	if (!s)
		return;
	if (s->wb)
		workbook_close(s->wb);
	if (s->path[0])
		unlink(s->path);
	buf_release(&s->csv);
	free(s->title);
	free(s);
}
