/* export: the yearly statistics as files offices open — an Excel
 * workbook (libxlsxwriter) and a printable PDF (cairo + pango with the
 * Laksaman font, the metric twin of TH Sarabun PSK, so Thai is shaped
 * right: marks above and below consonants, no broken clusters).
 *
 * Both take the model kpi_year_stats built, so the files always say what
 * the page says. libxlsxwriter 1.1 writes only to a named file, so the
 * workbook is written to a private temp file, read back and removed. The
 * PDF is streamed by cairo straight into the caller's buffer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <xlsxwriter.h>

#include "core/thai.h"
#include "kpi/kpi_internal.h"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (json_is_integer(v))
		return (double)json_integer_value(v);
	const char *s = json_string_value(v);
	return s && *s ? strtod(s, NULL) : -1;
}

static void title_of(json_t *stats, struct buf *out)
{
	buf_addf(out, "สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ %lld %s",
		 (long long)json_integer_value(json_object_get(stats, "fiscal_year")),
		 str(json_object_get(stats, "area"), "name"));
}

/* ---- XLSX ---------------------------------------------------------------- */

static void cell_score(lxw_worksheet *ws, int row, int col, json_t *o, const char *k, lxw_format *f)
{
	double v = num(o, k);
	if (v >= 0)
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
}

int kpi_stats_xlsx(json_t *stats, struct buf *out, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/khet-kpi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path.data);
	if (fd < 0) {
		err_set(e, 500, "mkstemp %s: %s", buf_cstr(&path), strerror(errno));
		buf_release(&path);
		return -1;
	}
	close(fd);
	int rc = -1;
	lxw_workbook *wb = workbook_new(buf_cstr(&path));
	if (!wb) {
		err_set(e, 500, "workbook_new failed");
		goto out;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDE7F0);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *two = workbook_add_format(wb);
	format_set_num_format(two, "0.00");

	lxw_worksheet *ws = workbook_add_worksheet(wb, "ตัวชี้วัด");
	struct buf t = BUF_INIT;
	title_of(stats, &t);
	worksheet_write_string(ws, 0, 0, buf_cstr(&t), bold);
	buf_release(&t);
	static const char *const cols[] = {"ที่",	       "หมายเลข",	  "ชื่อตัวชี้วัด",	  "กลุ่มงาน", "ประเภท",
					   "น้ำหนัก",    "รอบที่เปิด",	  "หน่วยงานทั้งหมด", "ยื่นแล้ว",  "ตรวจแล้ว",
					   "ร้อยละที่ยื่น", "เฉลี่ยประเมินตนเอง", "เฉลี่ยผลการตรวจ"};
	for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
		worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(ws, 0, 1, 8, NULL);
	worksheet_set_column(ws, 2, 2, 60, wrap);
	worksheet_set_column(ws, 3, 3, 30, wrap);
	worksheet_set_column(ws, 4, 4, 26, NULL);
	worksheet_set_column(ws, 5, 12, 12, NULL);
	int row = 3;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(stats, "indicators"), i, r)
	{
		worksheet_write_number(ws, (lxw_row_t)row, 0, (double)i + 1, NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 1, str(r, "number"), NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 2, str(r, "name"), wrap);
		worksheet_write_string(ws, (lxw_row_t)row, 3, str(r, "work_group_name"), wrap);
		worksheet_write_string(ws, (lxw_row_t)row, 4, str(r, "type_label"), NULL);
		cell_score(ws, row, 5, r, "weight", NULL);
		worksheet_write_number(ws, (lxw_row_t)row, 6, num(r, "periods_opened"), NULL);
		worksheet_write_number(ws, (lxw_row_t)row, 7, num(r, "assigned"), NULL);
		worksheet_write_number(ws, (lxw_row_t)row, 8, num(r, "submitted"), NULL);
		worksheet_write_number(ws, (lxw_row_t)row, 9, num(r, "reviewed"), NULL);
		cell_score(ws, row, 10, r, "percent_submitted", two);
		cell_score(ws, row, 11, r, "avg_self", two);
		cell_score(ws, row, 12, r, "avg_review", two);
		row++;
	}
	json_t *tot = json_object_get(stats, "totals");
	worksheet_write_string(ws, (lxw_row_t)row, 2, "รวมทุกตัวชี้วัด", bold);
	worksheet_write_number(ws, (lxw_row_t)row, 7, num(tot, "assigned"), bold);
	worksheet_write_number(ws, (lxw_row_t)row, 8, num(tot, "submitted"), bold);
	worksheet_write_number(ws, (lxw_row_t)row, 9, num(tot, "reviewed"), bold);
	cell_score(ws, row, 10, tot, "percent_submitted", two);
	row++;
	json_t *bt;
	json_array_foreach(json_object_get(stats, "by_type"), i, bt)
	{
		struct buf l = BUF_INIT;
		buf_addf(&l, "ค่าเฉลี่ยถ่วงน้ำหนัก ตัวชี้วัดประเภท %s (%lld ตัวชี้วัด)", str(bt, "type_label"),
			 (long long)json_integer_value(json_object_get(bt, "count")));
		worksheet_write_string(ws, (lxw_row_t)row, 2, buf_cstr(&l), bold);
		buf_release(&l);
		cell_score(ws, row, 11, bt, "weighted_self", two);
		cell_score(ws, row, 12, bt, "weighted_review", two);
		row++;
	}

	json_t *units = json_object_get(stats, "units");
	if (json_is_array(units)) {
		lxw_worksheet *us = workbook_add_worksheet(wb, "หน่วยงาน");
		static const char *const ucols[] = {"ที่", "หน่วยงาน", "ต้องรายงาน", "ยื่นแล้ว", "ตรวจแล้ว", "ร้อยละที่ยื่น"};
		for (size_t c = 0; c < sizeof ucols / sizeof *ucols; c++)
			worksheet_write_string(us, 0, (lxw_col_t)c, ucols[c], head);
		worksheet_set_column(us, 1, 1, 50, NULL);
		worksheet_set_column(us, 2, 5, 14, NULL);
		json_t *u;
		json_array_foreach(units, i, u)
		{
			lxw_row_t ur = (lxw_row_t)i + 1;
			worksheet_write_number(us, ur, 0, (double)i + 1, NULL);
			worksheet_write_string(us, ur, 1, str(u, "unit_name"), NULL);
			worksheet_write_number(us, ur, 2, num(u, "assigned"), NULL);
			worksheet_write_number(us, ur, 3, num(u, "submitted"), NULL);
			worksheet_write_number(us, ur, 4, num(u, "reviewed"), NULL);
			cell_score(us, (int)ur, 5, u, "percent_submitted", two);
		}
	}
	lxw_error xe = workbook_close(wb);
	if (xe != LXW_NO_ERROR) {
		err_set(e, 500, "workbook_close: %s", lxw_strerror(xe));
		goto out;
	}
	FILE *fp = fopen(buf_cstr(&path), "rb");
	if (!fp) {
		err_set(e, 500, "read back %s: %s", buf_cstr(&path), strerror(errno));
		goto out;
	}
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
	rc = 0;
out:
	unlink(buf_cstr(&path));
	buf_release(&path);
	return rc;
}

/* ---- PDF ----------------------------------------------------------------- */

#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W (297.0 * PT_PER_MM) /* A4 landscape */
#define PAGE_H (210.0 * PT_PER_MM)
#define MARGIN (15.0 * PT_PER_MM)

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

struct pdf {
	cairo_t *cr;
	PangoLayout *layout;
	PangoFontDescription *font, *bold;
	double y;
	int page;
};

/* Height of text laid out in width points (wrapped), drawn at x, y when
 * draw. */
static double text_at(struct pdf *p, const char *s, double x, double y, double width, bool bold, bool draw)
{
	pango_layout_set_font_description(p->layout, bold ? p->bold : p->font);
	pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, s, -1);
	int w, h;
	pango_layout_get_size(p->layout, &w, &h);
	if (draw) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, p->layout);
	}
	return (double)h / PANGO_SCALE;
}

static void footer(struct pdf *p)
{
	char s[64];
	snprintf(s, sizeof s, "หน้า %d", p->page);
	text_at(p, s, PAGE_W - MARGIN - 60, PAGE_H - MARGIN + 6, 60, false, true);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* One table row: cells of the given widths; bold for a header. Breaks the
 * page first when the row does not fit. */
static void row(struct pdf *p, const char *const *cells, const double *widths, int n, bool bold)
{
	double h = 0;
	for (int i = 0; i < n; i++) {
		double ch = text_at(p, cells[i], 0, 0, widths[i] - 6, bold, false);
		if (ch > h)
			h = ch;
	}
	h += 6;
	if (p->y + h > PAGE_H - MARGIN - 10)
		new_page(p);
	double x = MARGIN;
	cairo_set_line_width(p->cr, 0.5);
	for (int i = 0; i < n; i++) {
		if (bold) {
			cairo_set_source_rgb(p->cr, 0.87, 0.91, 0.94);
			cairo_rectangle(p->cr, x, p->y, widths[i], h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
		cairo_rectangle(p->cr, x, p->y, widths[i], h);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text_at(p, cells[i], x + 3, p->y + 3, widths[i] - 6, bold, true);
		x += widths[i];
	}
	p->y += h;
}

int kpi_stats_pdf(json_t *stats, struct buf *out, struct err *e)
{
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return err_set(e, 500, "cairo pdf surface failed");
	}
	struct pdf p = {0};
	p.cr = cairo_create(surface);
	p.layout = pango_cairo_create_layout(p.cr);
	p.font = pango_font_description_from_string("Laksaman 12");
	p.bold = pango_font_description_from_string("Laksaman Bold 12");
	p.y = MARGIN;
	p.page = 1;

	struct buf t = BUF_INIT;
	title_of(stats, &t);
	PangoFontDescription *big = pango_font_description_from_string("Laksaman Bold 18");
	pango_layout_set_font_description(p.layout, big);
	pango_layout_set_width(p.layout, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_text(p.layout, buf_cstr(&t), -1);
	cairo_move_to(p.cr, MARGIN, p.y);
	pango_cairo_show_layout(p.cr, p.layout);
	int lw, lh;
	pango_layout_get_size(p.layout, &lw, &lh);
	p.y += (double)lh / PANGO_SCALE + 4;
	pango_font_description_free(big);
	buf_reset(&t);
	buf_adds(&t, "พิมพ์เมื่อ ");
	thai_datetime_short(&t, (long long)time(NULL));
	p.y += text_at(&p, buf_cstr(&t), MARGIN, p.y, PAGE_W - 2 * MARGIN, false, true) + 8;
	buf_release(&t);

	const double usable = PAGE_W - 2 * MARGIN;
	const double w[] = {28, 45, usable - 28 - 45 - 150 - 60 - 80 - 65 - 65, 150, 60, 80, 65, 65};
	static const char *const head[] = {"ที่",	      "หมายเลข",       "ชื่อตัวชี้วัด",	  "กลุ่มงาน",
					   "รอบที่เปิด", "ยื่น/ตรวจ/ทั้งหมด", "เฉลี่ยประเมินตนเอง", "เฉลี่ยผลตรวจ"};
	row(&p, head, w, 8, true);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(stats, "indicators"), i, r)
	{
		char no[24], opened[24], counts[72];
		snprintf(no, sizeof no, "%zu", i + 1);
		snprintf(opened, sizeof opened, "%lld",
			 (long long)json_integer_value(json_object_get(r, "periods_opened")));
		snprintf(counts, sizeof counts, "%lld/%lld/%lld",
			 (long long)json_integer_value(json_object_get(r, "submitted")),
			 (long long)json_integer_value(json_object_get(r, "reviewed")),
			 (long long)json_integer_value(json_object_get(r, "assigned")));
		const char *cells[] = {no,     str(r, "number"), str(r, "name"),     str(r, "work_group_name"),
				       opened, counts,		 str(r, "avg_self"), str(r, "avg_review")};
		row(&p, cells, w, 8, false);
	}
	json_t *tot = json_object_get(stats, "totals");
	char counts[64];
	snprintf(counts, sizeof counts, "%lld/%lld/%lld",
		 (long long)json_integer_value(json_object_get(tot, "submitted")),
		 (long long)json_integer_value(json_object_get(tot, "reviewed")),
		 (long long)json_integer_value(json_object_get(tot, "assigned")));
	const char *tcells[] = {"", "", "รวมทุกตัวชี้วัด", "", "", counts, "", ""};
	row(&p, tcells, w, 8, true);
	json_t *bt;
	json_array_foreach(json_object_get(stats, "by_type"), i, bt)
	{
		struct buf l = BUF_INIT;
		buf_addf(&l, "ค่าเฉลี่ยถ่วงน้ำหนัก ประเภท %s (%lld ตัวชี้วัด)", str(bt, "type_label"),
			 (long long)json_integer_value(json_object_get(bt, "count")));
		const char *bcells[] = {
		    "", "", buf_cstr(&l), "", "", "", str(bt, "weighted_self"), str(bt, "weighted_review")};
		row(&p, bcells, w, 8, false);
		buf_release(&l);
	}
	p.y += 10;

	json_t *units = json_object_get(stats, "units");
	if (json_array_size(units)) {
		const double uw[] = {28, usable - 28 - 4 * 90, 90, 90, 90, 90};
		static const char *const uh[] = {"ที่", "หน่วยงาน", "ต้องรายงาน", "ยื่นแล้ว", "ตรวจแล้ว", "ร้อยละที่ยื่น"};
		row(&p, uh, uw, 6, true);
		json_t *u;
		json_array_foreach(units, i, u)
		{
			char no[24], a[24], s[24], rv[24];
			snprintf(no, sizeof no, "%zu", i + 1);
			snprintf(a, sizeof a, "%lld", (long long)json_integer_value(json_object_get(u, "assigned")));
			snprintf(s, sizeof s, "%lld", (long long)json_integer_value(json_object_get(u, "submitted")));
			snprintf(rv, sizeof rv, "%lld", (long long)json_integer_value(json_object_get(u, "reviewed")));
			const char *cells[] = {no, str(u, "unit_name"), a, s, rv, str(u, "percent_submitted")};
			row(&p, cells, uw, 6, false);
		}
	}
	footer(&p);
	cairo_show_page(p.cr);
	pango_font_description_free(p.font);
	pango_font_description_free(p.bold);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	cairo_status_t st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, 500, "cairo pdf: %s", cairo_status_to_string(st));
	return 0;
}
