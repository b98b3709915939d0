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
	lxw_format *two; /* 0.00, made when first used */
};

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

/* A worksheet name Excel accepts: at most 31 characters (UTF-8 aware), no
 * []:*?/\ and not starting or ending with '. */
static void sheet_name(const char *title, char *out, size_t cap)
{
	size_t o = 0;
	int chars = 0;
	/* cut on a word boundary (Thai words by th_brk), never mid-word */
	size_t keep = thai_cut_words(title ? title : "", 31);
	const unsigned char *endp = (const unsigned char *)(title ? title : "") + keep;
	for (const unsigned char *c = (const unsigned char *)(title ? title : ""); c < endp && *c && chars < 31;) {
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

void sheet_decimal2(struct sheet *s, double v)
{
	v = round(v * 100.0) / 100.0;
	if (!next_cell(s))
		return;
	if (s->f == SHEET_CSV) {
		buf_addf(&s->csv, "%.2f", v);
	} else {
		if (!s->two) {
			s->two = workbook_add_format(s->wb);
			format_set_num_format(s->two, "0.00");
		}
		if (worksheet_write_number(s->ws, s->row, (lxw_col_t)s->col, v, s->two) != LXW_NO_ERROR)
			s->failed = 1;
	}
	s->col++;
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

int sheet_send(struct req *r, struct sheet *s, const char *name)
{
	enum sheet_format f = s->f;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	if (sheet_finish(s, &out, &e) < 0) {
		buf_release(&out);
		return view_fault(r, &e);
	}
	struct buf file = BUF_INIT;
	buf_addf(&file, "%s%s", name, sheet_extension(f));
	int rc = view_bytes(r, 200, sheet_content_type(f), &out, buf_cstr(&file));
	buf_release(&file);
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
