/* table_read: CSV and XLSX files as rows of text cells (see table_read.h).
 * A CSV file is parsed row by row from memory. An XLSX file is a zip
 * (libzip) of XML parts (expat): the first worksheet is streamed through
 * expat once, inflating a chunk at a time so the inflated total can be cut
 * off at TABLE_MAX_UNZIPPED whatever the zip's directory claims, and its
 * rows are kept (a sheet of an area's or the country's schools is a few
 * megabytes at most) for table_next to hand out. */
#include "core/num.h"
#include "core/table_read.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/buf.h"

struct xrow {
	long long line;
	int ncells;
	char **cells;
};

struct table {
	enum table_format fmt;
	char *data; /* the file */
	size_t len;
	long long max_rows; /* TABLE_MAX_ROWS, or the caller's (table_open_limits) */
	/* CSV */
	size_t pos;
	long long line; /* line of pos */
	long long rows;
	struct buf cellbuf[TABLE_MAX_COLS];
	const char *cellptr[TABLE_MAX_COLS];
	/* XLSX */
	struct xrow *xrows;
	size_t nx, next;
};

static const char too_big_fmt[] = "the file is larger than %lld MB / ไฟล์ใหญ่เกิน %lld MB แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์";

enum table_format table_format(const struct table *t)
{
	return t->fmt;
}

static int open_xlsx(struct table *t, struct err *e);

/* The table over data (malloc'ed, len + 1 bytes with a NUL at len), which
 * it takes: freed by table_close, or here on failure. */
static int open_owned(char *data, size_t len, long long max_rows, struct table **out, struct err *e)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->data = data;
	t->len = len;
	t->line = 1;
	t->max_rows = max_rows;
	const unsigned char *p = (const unsigned char *)t->data;
	if (len >= 4 && !memcmp(p, "PK\x03\x04", 4)) {
		t->fmt = TABLE_XLSX;
		if (open_xlsx(t, e) < 0) {
			table_close(t);
			return -1;
		}
	} else if (len >= 8 && !memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		table_close(t);
		return err_set(e, 400,
			       "this is an old Excel (.xls) file: save it as .xlsx or .csv / ไฟล์นี้เป็น Excel แบบเก่า "
			       "(.xls) ให้บันทึกเป็น .xlsx หรือ .csv (UTF-8) แล้วนำเข้าใหม่");
	} else if (memchr(p, 0, len)) {
		table_close(t);
		return err_set(e, 400,
			       "the file is neither CSV nor XLSX / ไฟล์นี้ไม่ใช่ CSV หรือ XLSX ให้บันทึกจาก Excel เป็น "
			       ".xlsx หรือ CSV (UTF-8)");
	} else {
		t->fmt = TABLE_CSV;
		if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			t->pos = 3;
	}
	*out = t;
	return 0;
}

int table_open_mem(const void *data, size_t len, struct table **out, struct err *e)
{
	*out = NULL;
	if ((long long)len > TABLE_MAX_FILE)
		return err_set(e, 400, too_big_fmt, TABLE_MAX_FILE >> 20, TABLE_MAX_FILE >> 20);
	if (len == 0)
		return err_set(e, 400, "the file is empty / ไฟล์ว่างเปล่า ไม่มีข้อมูล");
	char *copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = 0;
	return open_owned(copy, len, TABLE_MAX_ROWS, out, e);
}

int table_open_limits(const char *path, long long max_file, long long max_rows, struct table **out, struct err *e)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, 400, "cannot open %s: %s / เปิดไฟล์ไม่ได้ ตรวจชื่อไฟล์และสิทธิ์การอ่าน", path,
			       strerror(errno));
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if ((long long)(b.len + n) > max_file) {
			fclose(f);
			buf_release(&b);
			return err_set(e, 400, too_big_fmt, max_file >> 20, max_file >> 20);
		}
		buf_add(&b, chunk, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_release(&b);
		return err_set(e, 400, "cannot read %s / อ่านไฟล์ไม่ได้", path);
	}
	if (b.len == 0) {
		buf_release(&b);
		return err_set(e, 400, "the file is empty / ไฟล์ว่างเปล่า ไม่มีข้อมูล");
	}
	/* the bytes read are the table's: a file of a million rows is not
	 * copied a second time */
	size_t len = 0;
	char *data = buf_detach(&b, &len);
	return open_owned(data, len, max_rows, out, e);
}

int table_open(const char *path, struct table **out, struct err *e)
{
	return table_open_limits(path, TABLE_MAX_FILE, TABLE_MAX_ROWS, out, e);
}

void table_close(struct table *t)
{
	if (!t)
		return;
	for (int i = 0; i < TABLE_MAX_COLS; i++)
		buf_release(&t->cellbuf[i]);
	for (size_t i = 0; i < t->nx; i++) {
		for (int c = 0; c < t->xrows[i].ncells; c++)
			free(t->xrows[i].cells[c]);
		free(t->xrows[i].cells);
	}
	free(t->xrows);
	free(t->data);
	free(t);
}

/* ---- CSV ------------------------------------------------------------------ */

static int csv_next(struct table *t, struct table_row *row, struct err *e)
{
	for (;;) {
		if (t->pos >= t->len)
			return 0;
		long long start = t->line;
		int n = 0;
		buf_reset(&t->cellbuf[0]);
		bool quoted = false, was_quoted = false;
		for (;;) {
			if (t->pos >= t->len) {
				if (quoted)
					return err_set(e, 400,
						       "line %lld: a quote (\") is never closed / บรรทัด %lld: "
						       "เครื่องหมายคำพูด (\") ไม่มีตัวปิด",
						       start, start);
				break;
			}
			char c = t->data[t->pos++];
			if (quoted) {
				if (c == '"') {
					if (t->pos < t->len && t->data[t->pos] == '"') {
						t->pos++;
						buf_addc(&t->cellbuf[n], '"');
					} else {
						quoted = false;
					}
				} else {
					if (c == '\n')
						t->line++;
					/* the run up to the next quote or line break at once */
					size_t j = t->pos;
					while (j < t->len && t->data[j] != '"' && t->data[j] != '\n')
						j++;
					buf_add(&t->cellbuf[n], t->data + t->pos - 1, j - t->pos + 1);
					t->pos = j;
				}
				continue;
			}
			if (c == '"' && !was_quoted && t->cellbuf[n].len == 0) {
				quoted = was_quoted = true;
				continue;
			}
			if (c == ',') {
				if (n + 1 >= TABLE_MAX_COLS)
					return err_set(e, 400,
						       "line %lld: more than %d columns / บรรทัด %lld: มีเกิน %d คอลัมน์",
						       start, TABLE_MAX_COLS, start, TABLE_MAX_COLS);
				n++;
				buf_reset(&t->cellbuf[n]);
				was_quoted = false;
				continue;
			}
			if (c == '\r' && t->pos < t->len && t->data[t->pos] == '\n')
				continue;
			if (c == '\n' || c == '\r') {
				t->line++;
				break;
			}
			/* the run up to the next comma, quote or line break at once */
			size_t j = t->pos;
			while (j < t->len && t->data[j] != ',' && t->data[j] != '"' && t->data[j] != '\n' &&
			       t->data[j] != '\r')
				j++;
			buf_add(&t->cellbuf[n], t->data + t->pos - 1, j - t->pos + 1);
			t->pos = j;
		}
		int ncells = n + 1;
		while (ncells > 0 && t->cellbuf[ncells - 1].len == 0)
			ncells--;
		if (ncells == 0)
			continue; /* an empty line */
		if (++t->rows > t->max_rows)
			return err_set(e, 400, "more than %lld rows / มีเกิน %lld แถว แบ่งเป็นหลายไฟล์", t->max_rows,
				       t->max_rows);
		for (int i = 0; i < ncells; i++)
			t->cellptr[i] = buf_cstr(&t->cellbuf[i]);
		row->line = start;
		row->ncells = ncells;
		row->cells = t->cellptr;
		return 1;
	}
}

/* ---- XLSX ----------------------------------------------------------------- */

static const char bad_xlsx[] = "the file is not a readable XLSX workbook (%s) / ไฟล์ XLSX เสียหายหรืออ่านไม่ได้ "
			       "ให้บันทึกจาก Excel ใหม่เป็น .xlsx หรือ CSV (UTF-8)";

struct xctx {
	XML_Parser p;
	struct err *e;
	int failed;
	/* shared strings */
	char **sst;
	size_t nsst, capsst;
	/* text collection */
	struct buf text;
	int in_t;    /* inside <t> (or <v>) whose text we keep */
	int in_rph;  /* inside <rPh> (phonetic run, not part of the text) */
	int in_si;
	/* sheet */
	struct table *t;
	long long cur_line;
	char **cells;
	int ncells;
	int col;	/* column of the current <c>, 0-based */
	char ctype[16]; /* its t attribute */
	int in_v, in_is;
	int in_row;	/* inside <row>: rows do not nest, cells live in rows */
	/* workbook / rels */
	struct buf first_rid;
	struct buf target;
	int got_sheet;
};

static const char *attr(const XML_Char **a, const char *name)
{
	for (int i = 0; a[i]; i += 2)
		if (!strcmp(a[i], name))
			return a[i + 1];
	return NULL;
}

/* The local name of an element (after any "x:" prefix). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static void xfail(struct xctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xfail(struct xctx *x, const char *fmt, ...)
{
	if (x->failed)
		return;
	x->failed = 1;
	char m[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	err_set(x->e, 400, "%s", m);
	XML_StopParser(x->p, XML_FALSE);
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	struct xctx *x = ud;
	if (x->in_t && !x->in_rph) {
		if (x->text.len + (size_t)len > 32767 * 4) /* Excel's cell limit, in UTF-8 bytes at most */
			xfail(x, "a cell is longer than Excel allows / มีเซลล์ที่ยาวเกินกว่าที่ Excel รับได้");
		else
			buf_add(&x->text, s, (size_t)len);
	}
}

/* sharedStrings.xml: <sst><si><t>..</t></si><si><r><t>..</t></r>…</si> */
static void sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xctx *x = ud;
	const char *n = local(name);
	if (!strcmp(n, "si")) {
		x->in_si = 1;
		buf_reset(&x->text);
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	} else if (!strcmp(n, "t") && x->in_si) {
		x->in_t = 1;
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct xctx *x = ud;
	const char *n = local(name);
	if (!strcmp(n, "t")) {
		x->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 0;
	} else if (!strcmp(n, "si")) {
		x->in_si = 0;
		if (x->nsst >= (size_t)TABLE_MAX_ROWS * 8) {
			xfail(x, "too many shared strings / ไฟล์มีข้อความมากเกินไป");
			return;
		}
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? x->capsst * 2 : 256;
			x->sst = xrealloc(x->sst, x->capsst * sizeof *x->sst);
		}
		x->sst[x->nsst++] = xstrdup(buf_cstr(&x->text));
	}
}

/* "AB12" → column 27 (0-based); -1 when it is not a reference. */
static int ref_col(const char *r)
{
	int c = 0, n = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++, n++) {
		c = c * 26 + (*r - 'A' + 1);
		if (c > 16384)
			return -1;
	}
	return n ? c - 1 : -1;
}

/* A number as Excel stored it ("1035200001", "1.0352E9", "3.5") as the
 * text a person typed: whole numbers as digits, others as few digits as
 * give the same number back. */
static void number_text(const char *v, struct buf *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(d)) {
		buf_adds(out, v);
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		buf_addf(out, "%.0f", d);
		return;
	}
	buf_addf(out, "%.15g", d);
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xctx *x = ud;
	const char *n = local(name);
	if (x->failed)
		return;
	if (!strcmp(n, "row")) {
		/* a row inside a row would drop the cells gathered so far */
		if (x->in_row) {
			xfail(x, bad_xlsx, "a row inside a row");
			return;
		}
		x->in_row = 1;
		const char *r = attr(a, "r");
		x->cur_line = num_ll_or(r, x->cur_line + 1); /* r absent or not a number: the next */
		x->ncells = 0;
	} else if (!strcmp(n, "c")) {
		if (!x->in_row) {
			xfail(x, bad_xlsx, "a cell outside a row");
			return;
		}
		const char *r = attr(a, "r");
		const char *ty = attr(a, "t");
		x->col = r ? ref_col(r) : x->ncells;
		if (x->col < 0)
			xfail(x, bad_xlsx, "cell reference");
		else if (x->col >= TABLE_MAX_COLS)
			xfail(x, "row %lld: more than %d columns / แถว %lld: มีเกิน %d คอลัมน์", x->cur_line,
			      TABLE_MAX_COLS, x->cur_line, TABLE_MAX_COLS);
		snprintf(x->ctype, sizeof x->ctype, "%s", ty ? ty : "n");
		buf_reset(&x->text);
	} else if (!strcmp(n, "v")) {
		x->in_v = x->in_t = 1;
	} else if (!strcmp(n, "is")) {
		x->in_is = 1;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	} else if (!strcmp(n, "t") && x->in_is) {
		x->in_t = 1;
	}
}

static void sheet_end(void *ud, const XML_Char *name)
{
	struct xctx *x = ud;
	const char *n = local(name);
	if (x->failed)
		return; /* expat may still end the element whose handler failed */
	if (!strcmp(n, "v")) {
		x->in_v = x->in_t = 0;
	} else if (!strcmp(n, "t")) {
		x->in_t = x->in_v;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 0;
	} else if (!strcmp(n, "is")) {
		x->in_is = 0;
	} else if (!strcmp(n, "c")) {
		struct buf val = BUF_INIT;
		const char *raw = buf_cstr(&x->text);
		if (!*raw) {
			/* no value: an empty (formatted) cell */
		} else if (!strcmp(x->ctype, "s")) {
			char *end;
			long long i = strtoll(raw, &end, 10);
			if (*end || i < 0 || (size_t)i >= x->nsst) {
				xfail(x, bad_xlsx, "shared string index");
				return;
			}
			buf_adds(&val, x->sst[i]);
		} else if (!strcmp(x->ctype, "b")) {
			buf_adds(&val, !strcmp(raw, "1") ? "TRUE" : "FALSE");
		} else if (!strcmp(x->ctype, "n")) {
			number_text(raw, &val);
		} else { /* inlineStr, str (a formula's text), e (an error like #N/A) */
			buf_adds(&val, raw);
		}
		if (val.len) {
			if (x->col >= x->ncells) {
				x->cells = xrealloc(x->cells, (size_t)(x->col + 1) * sizeof *x->cells);
				for (int i = x->ncells; i <= x->col; i++)
					x->cells[i] = NULL;
				x->ncells = x->col + 1;
			}
			free(x->cells[x->col]);
			x->cells[x->col] = buf_detach(&val, NULL);
		}
		buf_release(&val);
	} else if (!strcmp(n, "row")) {
		struct table *t = x->t;
		x->in_row = 0;
		if (x->ncells == 0)
			return;
		if ((long long)t->nx >= t->max_rows) {
			xfail(x, "more than %lld rows / มีเกิน %lld แถว แบ่งเป็นหลายไฟล์", t->max_rows, t->max_rows);
			return;
		}
		for (int i = 0; i < x->ncells; i++)
			if (!x->cells[i])
				x->cells[i] = xstrdup("");
		if (t->nx % 1024 == 0)
			t->xrows = xrealloc(t->xrows, (t->nx + 1024) * sizeof *t->xrows);
		t->xrows[t->nx++] = (struct xrow){x->cur_line, x->ncells, x->cells};
		x->cells = NULL;
		x->ncells = 0;
	}
}

/* workbook.xml: the r:id of the first <sheet>. */
static void wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xctx *x = ud;
	if (x->got_sheet || strcmp(local(name), "sheet"))
		return;
	for (int i = 0; a[i]; i += 2)
		if (!strcmp(local(a[i]), "id") && strchr(a[i], ':')) {
			buf_adds(&x->first_rid, a[i + 1]);
			x->got_sheet = 1;
		}
}

/* workbook.xml.rels: the Target of that id. */
static void rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xctx *x = ud;
	if (strcmp(local(name), "Relationship") || x->target.len)
		return;
	const char *id = attr(a, "Id"), *target = attr(a, "Target");
	if (id && target && !strcmp(id, buf_cstr(&x->first_rid)))
		buf_adds(&x->target, target);
}

/* Streams one part of the zip through expat. missing_ok: 1 when the part
 * is absent (no error). *inflated counts bytes across parts for the cap. */
static int parse_part(zip_t *z, const char *name, struct xctx *x, XML_StartElementHandler st,
		      XML_EndElementHandler en, long long *inflated, bool missing_ok)
{
	zip_int64_t idx = zip_name_locate(z, name, 0);
	if (idx < 0) {
		if (missing_ok)
			return 1;
		return err_set(x->e, 400, bad_xlsx, name);
	}
	zip_stat_t st_;
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st_) == 0 && (st_.valid & ZIP_STAT_SIZE) &&
	    (long long)st_.size > TABLE_MAX_UNZIPPED - *inflated)
		return err_set(x->e, 400,
			       "the workbook unpacks to more than %lld MB / ไฟล์ XLSX เมื่อแตกออกมีขนาดเกิน %lld MB "
			       "(อาจเป็นไฟล์อันตราย) แบ่งข้อมูลเป็นหลายไฟล์",
			       TABLE_MAX_UNZIPPED >> 20, TABLE_MAX_UNZIPPED >> 20);
	zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!zf)
		return err_set(x->e, 400, bad_xlsx, name);
	XML_Parser p = XML_ParserCreate("UTF-8");
	x->p = p;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, st, en);
	XML_SetCharacterDataHandler(p, on_text);
	char chunk[65536];
	int rc = 0;
	for (;;) {
		zip_int64_t n = zip_fread(zf, chunk, sizeof chunk);
		if (n < 0) {
			rc = err_set(x->e, 400, bad_xlsx, name);
			break;
		}
		*inflated += n;
		if (*inflated > TABLE_MAX_UNZIPPED) {
			rc = err_set(x->e, 400,
				     "the workbook unpacks to more than %lld MB / ไฟล์ XLSX เมื่อแตกออกมีขนาดเกิน %lld "
				     "MB (อาจเป็นไฟล์อันตราย) แบ่งข้อมูลเป็นหลายไฟล์",
				     TABLE_MAX_UNZIPPED >> 20, TABLE_MAX_UNZIPPED >> 20);
			break;
		}
		if (XML_Parse(p, chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (!x->failed)
				rc = err_set(x->e, 400, bad_xlsx, name);
			else
				rc = -1;
			break;
		}
		if (x->failed) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	if (x->failed)
		rc = -1;
	XML_ParserFree(p);
	x->p = NULL;
	zip_fclose(zf);
	return rc;
}

static int open_xlsx(struct table *t, struct err *e)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(t->data, t->len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return err_set(e, 400, bad_xlsx, "zip");
	}
	zip_error_fini(&ze);
	struct xctx x = {.e = e, .t = t};
	long long inflated = 0;
	int rc = 0;
	if (zip_name_locate(z, "xl/workbook.xml", 0) < 0) {
		rc = err_set(e, 400,
			     "the zip file is not an Excel workbook / ไฟล์ zip นี้ไม่ใช่ไฟล์ Excel (.xlsx) ให้บันทึกจาก "
			     "Excel เป็น .xlsx หรือ CSV (UTF-8)");
		goto out;
	}
	struct buf sheet = BUF_INIT;
	if (parse_part(z, "xl/workbook.xml", &x, wb_start, NULL, &inflated, false) < 0 ||
	    (x.first_rid.len &&
	     parse_part(z, "xl/_rels/workbook.xml.rels", &x, rels_start, NULL, &inflated, true) < 0)) {
		rc = -1;
		buf_release(&sheet);
		goto out;
	}
	const char *tg = buf_cstr(&x.target);
	if (!*tg)
		buf_adds(&sheet, "xl/worksheets/sheet1.xml");
	else if (*tg == '/')
		buf_adds(&sheet, tg + 1);
	else
		buf_addf(&sheet, "xl/%s", tg);
	if (parse_part(z, "xl/sharedStrings.xml", &x, sst_start, sst_end, &inflated, true) < 0 ||
	    parse_part(z, buf_cstr(&sheet), &x, sheet_start, sheet_end, &inflated, false) < 0)
		rc = -1;
	buf_release(&sheet);
out:
	for (size_t i = 0; i < x.nsst; i++)
		free(x.sst[i]);
	free(x.sst);
	if (x.cells) {
		for (int i = 0; i < x.ncells; i++)
			free(x.cells[i]);
		free(x.cells);
	}
	buf_release(&x.text);
	buf_release(&x.first_rid);
	buf_release(&x.target);
	zip_discard(z);
	return rc;
}

int table_next(struct table *t, struct table_row *row, struct err *e)
{
	if (t->fmt == TABLE_CSV)
		return csv_next(t, row, e);
	while (t->next < t->nx) {
		struct xrow *x = &t->xrows[t->next++];
		int n = x->ncells;
		while (n > 0 && !*x->cells[n - 1])
			n--;
		if (!n)
			continue;
		row->line = x->line;
		row->ncells = n;
		row->cells = (const char *const *)x->cells;
		return 1;
	}
	return 0;
}

/* ---- the header row and cells ---- */

static void norm_header(const char *s, struct buf *out)
{
	for (; *s; s++) {
		char c = *s;
		if (strchr(" \t._-()", c))
			continue;
		buf_addc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	buf_cstr(out);
}

static int header_col(const char *cell, const struct table_column *cols, int ncols)
{
	struct buf n = BUF_INIT;
	norm_header(cell, &n);
	int found = -1;
	for (int c = 0; c < ncols && found < 0; c++)
		for (int i = 0; cols[c].aliases[i]; i++)
			if (!strcmp(buf_cstr(&n), cols[c].aliases[i])) {
				found = c;
				break;
			}
	buf_release(&n);
	return found;
}

int table_header(const struct table_row *row, const struct table_column *cols, int ncols, int *pos,
		 struct buf *report, struct err *e)
{
	for (int c = 0; c < ncols; c++)
		pos[c] = -1;
	struct buf ignored = BUF_INIT;
	for (int i = 0; i < row->ncells; i++) {
		int c = header_col(row->cells[i], cols, ncols);
		if (c < 0) {
			if (*row->cells[i])
				buf_addf(&ignored, "%s\"%s\"", ignored.len ? ", " : "", row->cells[i]);
			continue;
		}
		if (pos[c] >= 0) {
			buf_release(&ignored);
			return err_set(e, 400,
				       "line %lld: the column %s appears twice / บรรทัด %lld: มีคอลัมน์ %s ซ้ำสองคอลัมน์",
				       row->line, cols[c].shown, row->line, cols[c].shown);
		}
		pos[c] = i;
	}
	struct buf missing = BUF_INIT;
	for (int c = 0; c < ncols; c++)
		if (cols[c].required && pos[c] < 0)
			buf_addf(&missing, "%s%s", missing.len ? ", " : "", cols[c].shown);
	for (int c = 0; c < ncols; c++) {
		int g = cols[c].one_of;
		bool first = true, found = false;
		for (int k = 0; g && k < ncols; k++)
			if (cols[k].one_of == g) {
				first = first && k >= c;
				found = found || pos[k] >= 0;
			}
		if (!g || !first || found)
			continue; /* reported once, at the group's first column */
		for (int k = c; k < ncols; k++)
			if (cols[k].one_of == g)
				buf_addf(&missing, "%s%s", k == c ? (missing.len ? ", " : "") : " or/หรือ ", cols[k].shown);
	}
	int rc = 0;
	if (missing.len)
		rc = err_set(e, 400,
			     "line %lld: the header row lacks the columns %s / บรรทัด %lld (แถวหัวตาราง) ไม่มีคอลัมน์ %s "
			     "ให้แถวแรกเป็นชื่อคอลัมน์",
			     row->line, buf_cstr(&missing), row->line, buf_cstr(&missing));
	else if (ignored.len)
		buf_addf(report, "columns ignored / คอลัมน์ที่ไม่ได้ใช้: %s\n", buf_cstr(&ignored));
	buf_release(&missing);
	buf_release(&ignored);
	return rc;
}

const char *table_cell(const struct table_row *row, int pos, struct buf *b)
{
	buf_reset(b);
	if (pos < 0 || pos >= row->ncells)
		return buf_cstr(b);
	const char *s = row->cells[pos];
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	buf_add(b, s, n);
	return buf_cstr(b);
}

int table_each_row(struct table *t, const struct table_column *cols, int ncols, int *pos, struct buf *report,
		   int (*row)(void *ctx, const struct table_row *row, const int *pos), void *ctx, struct err *e)
{
	struct table_row r;
	bool header = false;
	long long rows = 0;
	int n, rc = 0;
	while (rc == 0 && (n = table_next(t, &r, e)) != 0) {
		if (n < 0)
			return -1;
		if (!header) {
			rc = table_header(&r, cols, ncols, pos, report, e);
			header = true;
			continue;
		}
		rows++;
		rc = row(ctx, &r, pos);
	}
	if (rc == 0 && !header)
		rc = err_set(e, 400, "the file has no rows / ไฟล์ไม่มีข้อมูล (แถวแรกต้องเป็นชื่อคอลัมน์)");
	/* a header and nothing under it is a wrong file (the template saved
	 * before it was filled in), not "0 added" */
	else if (rc == 0 && rows == 0)
		rc = err_set(e, 400,
			     "the file has only its header row, no data rows; nothing was stored / ไฟล์มีแต่แถวชื่อคอลัมน์ "
			     "ไม่มีข้อมูลสักแถว ยังไม่ได้บันทึกข้อมูลใดเลย ให้กรอกข้อมูลใต้แถวชื่อคอลัมน์แล้วนำเข้าใหม่");
	return rc < 0 ? -1 : 0;
}

int table_bad_rows(struct err *e, long long bad, long long rows)
{
	return err_set(e, 400,
		       "%lld bad row%s of %lld; nothing was stored — fix the rows above and import the file again "
		       "/ มี %lld แถวที่ไม่ถูกต้องจาก %lld แถว ยังไม่ได้บันทึกข้อมูลใดเลย ให้แก้แถวข้างต้นแล้วนำเข้าใหม่",
		       bad, bad == 1 ? "" : "s", rows, bad, rows);
}
