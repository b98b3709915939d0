/* pdf: blocks collected by the builder, laid out twice by pdf_finish — once
 * to count the pages (for "หน้า N/M"), once to draw them. Both passes use
 * the same pango context on the PDF surface, so they break lines and pages
 * identically. */
#include "core/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210.0 * MM)
#define PAGE_H (297.0 * MM)
#define MARGIN_L (25.0 * MM)
#define MARGIN_R (20.0 * MM)
#define MARGIN_T (20.0 * MM)
#define MARGIN_B (22.0 * MM) /* the footer sits inside this */
#define BODY_W (PAGE_W - MARGIN_L - MARGIN_R)
#define BODY_BOTTOM (PAGE_H - MARGIN_B)
#define FONT "Laksaman"
#define BODY_PT 16.0
#define CELL_PAD 3.0
#define MAX_COLS 16

enum block_kind { B_TITLE, B_SUBTITLE, B_HEADING, B_TEXT, B_ROW, B_AMOUNT, B_SPACE, B_TABLE, B_TROW, B_BREAK };

struct block {
	enum block_kind kind;
	int n; /* number of strings */
	char **s;
	double *widths; /* B_TABLE: absolute column widths in points */
	char kinds[MAX_COLS]; /* B_TABLE: PDF_COL_* of each column ('t' unless set) */
	double mm;	/* B_SPACE */
};

struct pdf {
	struct block *b;
	size_t len, cap;
	char *title;
	char *footer;
	int table_cols; /* columns of the table being filled, 0 outside one */
};

/* The state of one layout pass. */
struct pass {
	struct pdf *p;
	cairo_t *cr;
	PangoContext *ctx;
	bool draw;
	int page;  /* 1-based */
	int pages; /* total from the first pass (drawing only) */
	double y;
	const struct block *table; /* the table whose rows are being laid out */
};

static struct block *add(struct pdf *p, enum block_kind k, int n)
{
	if (p->len == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->b = xrealloc(p->b, p->cap * sizeof *p->b);
	}
	struct block *b = &p->b[p->len++];
	memset(b, 0, sizeof *b);
	b->kind = k;
	b->n = n;
	if (n > 0)
		b->s = xcalloc((size_t)n, sizeof *b->s);
	if (k != B_TABLE && k != B_TROW)
		p->table_cols = 0;
	return b;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

struct pdf *pdf_new(const char *title)
{
	struct pdf *p = xcalloc(1, sizeof *p);
	if (title && *title) {
		p->title = xstrdup(title);
		add(p, B_TITLE, 1)->s[0] = xstrdup(title);
	}
	return p;
}

void pdf_subtitle(struct pdf *p, const char *text)
{
	add(p, B_SUBTITLE, 1)->s[0] = dup_or_empty(text);
}

void pdf_footer(struct pdf *p, const char *text)
{
	free(p->footer);
	p->footer = text && *text ? xstrdup(text) : NULL;
}

void pdf_heading(struct pdf *p, const char *text)
{
	add(p, B_HEADING, 1)->s[0] = dup_or_empty(text);
}

void pdf_text(struct pdf *p, const char *text)
{
	add(p, B_TEXT, 1)->s[0] = dup_or_empty(text);
}

void pdf_row(struct pdf *p, const char *label, const char *value)
{
	struct block *b = add(p, B_ROW, 2);
	b->s[0] = dup_or_empty(label);
	b->s[1] = xstrdup(value && *value ? value : "-");
}

void pdf_row_amount(struct pdf *p, const char *label, const char *amount, const char *words)
{
	struct block *b = add(p, B_AMOUNT, 3);
	b->s[0] = dup_or_empty(label);
	b->s[1] = xstrdup(amount && *amount ? amount : "-");
	b->s[2] = dup_or_empty(words);
}

void pdf_space(struct pdf *p, double mm)
{
	add(p, B_SPACE, 0)->mm = mm > 0 ? mm : 0;
}

void pdf_table(struct pdf *p, int ncols, const char *const *headers, const double *widths)
{
	if (ncols < 1)
		ncols = 1;
	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	struct block *b = add(p, B_TABLE, ncols);
	b->widths = xcalloc((size_t)ncols, sizeof *b->widths);
	double sum = 0;
	for (int i = 0; i < ncols; i++) {
		b->s[i] = dup_or_empty(headers ? headers[i] : NULL);
		double w = widths && widths[i] > 0 ? widths[i] : 1.0;
		b->widths[i] = w;
		b->kinds[i] = PDF_COL_TEXT;
		sum += w;
	}
	for (int i = 0; i < ncols; i++)
		b->widths[i] = b->widths[i] / sum * BODY_W;
	p->table_cols = ncols;
}

void pdf_table_kinds(struct pdf *p, const char *kinds)
{
	if (!p->table_cols || !p->len || p->b[p->len - 1].kind != B_TABLE || !kinds)
		return; /* only right after pdf_table */
	struct block *b = &p->b[p->len - 1];
	for (int i = 0; i < b->n && kinds[i]; i++)
		b->kinds[i] = kinds[i] == PDF_COL_NUMBER || kinds[i] == PDF_COL_WORDS ? kinds[i] : PDF_COL_TEXT;
}

void pdf_table_row(struct pdf *p, const char *const *cells)
{
	if (!p->table_cols) /* a row outside a table: a one-column table */
		pdf_table(p, 1, NULL, NULL);
	struct block *b = add(p, B_TROW, p->table_cols);
	for (int i = 0; i < b->n; i++)
		b->s[i] = dup_or_empty(cells ? cells[i] : NULL);
}

void pdf_page_break(struct pdf *p)
{
	add(p, B_BREAK, 0);
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->len; i++) {
		for (int j = 0; j < p->b[i].n; j++)
			free(p->b[i].s[j]);
		free(p->b[i].s);
		free(p->b[i].widths);
	}
	free(p->b);
	free(p->title);
	free(p->footer);
	free(p);
}

/* ---- layout ---- */

static PangoLayout *layout(struct pass *ps, const char *text, double width, double pt, bool bold, PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(ps->ctx);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_size(fd, (gint)(pt * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double height_of(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Lets l break only at spaces (no break inside a run of other
 * characters: a surname "แก้วมณี" stays whole although libthai's
 * dictionary sees two words in it), as long as every run fits the width;
 * otherwise l keeps its ordinary Thai word breaking, so nothing runs out
 * of its box. */
static void keep_words(PangoLayout *l, const char *text, double width)
{
	PangoAttrList *al = pango_attr_list_new();
	size_t i = 0, n = strlen(text);
	bool any = false;
	while (i < n) {
		while (i < n && (text[i] == ' ' || text[i] == '\n'))
			i++;
		size_t j = i;
		while (j < n && text[j] != ' ' && text[j] != '\n')
			j++;
		if (j > i) {
			PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
			a->start_index = (guint)i;
			a->end_index = (guint)j;
			pango_attr_list_insert(al, a);
			any = true;
		}
		i = j;
	}
	if (any) {
		pango_layout_set_attributes(l, al);
		int w, h;
		pango_layout_get_size(l, &w, &h);
		if ((double)w / PANGO_SCALE > width + 0.5)
			pango_layout_set_attributes(l, NULL);
	}
	pango_attr_list_unref(al);
}

static void show(struct pass *ps, PangoLayout *l, double x, double y)
{
	if (!ps->draw)
		return;
	cairo_move_to(ps->cr, x, y);
	pango_cairo_show_layout(ps->cr, l);
}

static void footer(struct pass *ps)
{
	if (!ps->draw)
		return;
	double y = PAGE_H - MARGIN_B + 6.0 * MM;
	char num[64];
	snprintf(num, sizeof num, "หน้า %d/%d", ps->page, ps->pages);
	PangoLayout *l = layout(ps, num, BODY_W, 12, false, PANGO_ALIGN_RIGHT);
	show(ps, l, MARGIN_L, y);
	g_object_unref(l);
	if (ps->p->footer) {
		l = layout(ps, ps->p->footer, BODY_W - 18.0 * MM, 12, false, PANGO_ALIGN_LEFT);
		show(ps, l, MARGIN_L, y);
		g_object_unref(l);
	}
}

static void table_header(struct pass *ps);

static void new_page(struct pass *ps)
{
	footer(ps);
	if (ps->draw)
		cairo_show_page(ps->cr);
	ps->page++;
	ps->y = MARGIN_T;
	if (ps->table)
		table_header(ps);
}

/* Starts a new page unless h more points fit (or the page is still empty). */
static void need(struct pass *ps, double h)
{
	if (ps->y + h > BODY_BOTTOM && ps->y > MARGIN_T + 0.5)
		new_page(ps);
}

/* Draws a laid-out paragraph at x, line by line, moving to new pages as
 * needed. */
static void flow(struct pass *ps, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double top_of_layout = ps->y; /* layout y 0 maps here on this page */
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double ly = (double)logical.y / PANGO_SCALE, lh = (double)logical.height / PANGO_SCALE;
		if (top_of_layout + ly + lh > BODY_BOTTOM && top_of_layout + ly > MARGIN_T + 0.5) {
			new_page(ps);
			top_of_layout = ps->y - ly;
		}
		if (ps->draw) {
			int baseline = pango_layout_iter_get_baseline(it);
			cairo_move_to(ps->cr, x + (double)logical.x / PANGO_SCALE,
				      top_of_layout + (double)baseline / PANGO_SCALE);
			pango_cairo_show_layout_line(ps->cr, pango_layout_iter_get_line_readonly(it));
		}
		ps->y = top_of_layout + ly + lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static double line_height(struct pass *ps, double pt)
{
	PangoLayout *l = layout(ps, "ก", BODY_W, pt, false, PANGO_ALIGN_LEFT);
	double h = height_of(l);
	g_object_unref(l);
	return h;
}

/* Heights of the cells of a table row (header or body); returns the row's. */
static double row_layouts(struct pass *ps, const struct block *t, char *const *cells, bool bold, PangoLayout **out)
{
	double h = 0;
	for (int i = 0; i < t->n; i++) {
		double w = t->widths[i] - 2 * CELL_PAD;
		char k = t->kinds[i];
		out[i] = layout(ps, cells[i], w, 14, bold, k == PDF_COL_NUMBER ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		if (k == PDF_COL_NUMBER || k == PDF_COL_WORDS || bold)
			keep_words(out[i], cells[i], w);
		double ch = height_of(out[i]);
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD;
}

static void draw_row(struct pass *ps, const struct block *t, PangoLayout **ls, double h, bool shaded)
{
	double x = MARGIN_L;
	for (int i = 0; i < t->n; i++) {
		if (ps->draw) {
			cairo_rectangle(ps->cr, x, ps->y, t->widths[i], h);
			if (shaded) {
				cairo_set_source_rgb(ps->cr, 0.9, 0.9, 0.9);
				cairo_fill_preserve(ps->cr);
			}
			cairo_set_source_rgb(ps->cr, 0, 0, 0);
			cairo_set_line_width(ps->cr, 0.5);
			cairo_stroke(ps->cr);
			show(ps, ls[i], x + CELL_PAD, ps->y + CELL_PAD);
		}
		x += t->widths[i];
		g_object_unref(ls[i]);
	}
	ps->y += h;
}

static void table_header(struct pass *ps)
{
	PangoLayout *ls[MAX_COLS];
	double h = row_layouts(ps, ps->table, ps->table->s, true, ls);
	draw_row(ps, ps->table, ls, h, true);
}

static void block(struct pass *ps, const struct block *b)
{
	if (b->kind != B_TROW)
		ps->table = NULL;
	switch (b->kind) {
	case B_TITLE:
	case B_SUBTITLE: {
		bool title = b->kind == B_TITLE;
		PangoLayout *l = layout(ps, b->s[0], BODY_W, title ? 20 : BODY_PT, title, PANGO_ALIGN_CENTER);
		keep_words(l, b->s[0], BODY_W); /* a long title wraps between its phrases */
		need(ps, height_of(l));
		show(ps, l, MARGIN_L, ps->y);
		ps->y += height_of(l) + (title ? 2 * MM : 0);
		g_object_unref(l);
		break;
	}
	case B_HEADING: {
		PangoLayout *l = layout(ps, b->s[0], BODY_W, BODY_PT + 1, true, PANGO_ALIGN_LEFT);
		double h = height_of(l);
		/* keep the heading with at least two lines of what follows */
		need(ps, 2 * MM + h + 2 * line_height(ps, BODY_PT));
		ps->y += 2 * MM;
		show(ps, l, MARGIN_L, ps->y);
		ps->y += h;
		g_object_unref(l);
		break;
	}
	case B_TEXT: {
		PangoLayout *l = layout(ps, b->s[0], BODY_W, BODY_PT, false, PANGO_ALIGN_LEFT);
		flow(ps, l, MARGIN_L);
		g_object_unref(l);
		break;
	}
	case B_ROW: {
		double lw = BODY_W * 0.35;
		PangoLayout *lab = layout(ps, b->s[0], lw - 3 * MM, BODY_PT, true, PANGO_ALIGN_LEFT);
		PangoLayout *val = layout(ps, b->s[1], BODY_W - lw, BODY_PT, false, PANGO_ALIGN_LEFT);
		double h = height_of(val) > height_of(lab) ? height_of(val) : height_of(lab);
		if (h <= BODY_BOTTOM - MARGIN_T)
			need(ps, h);
		else
			need(ps, 3 * line_height(ps, BODY_PT));
		double y0 = ps->y;
		int page0 = ps->page;
		show(ps, lab, MARGIN_L, y0);
		flow(ps, val, MARGIN_L + lw);
		if (ps->page == page0 && ps->y < y0 + height_of(lab))
			ps->y = y0 + height_of(lab);
		g_object_unref(lab);
		g_object_unref(val);
		break;
	}
	case B_AMOUNT: {
		/* label | amount, right-aligned in 25 % | words in the rest */
		double lw = BODY_W * 0.35, aw = BODY_W * 0.25;
		PangoLayout *lab = layout(ps, b->s[0], lw - 3 * MM, BODY_PT, true, PANGO_ALIGN_LEFT);
		PangoLayout *amt = layout(ps, b->s[1], aw, BODY_PT, false, PANGO_ALIGN_RIGHT);
		PangoLayout *wds = layout(ps, b->s[2], BODY_W - lw - aw - 3 * MM, BODY_PT, false, PANGO_ALIGN_LEFT);
		double h = height_of(lab);
		if (height_of(amt) > h)
			h = height_of(amt);
		if (height_of(wds) > h)
			h = height_of(wds);
		need(ps, h);
		double y0 = ps->y;
		show(ps, lab, MARGIN_L, y0);
		show(ps, amt, MARGIN_L + lw, y0);
		show(ps, wds, MARGIN_L + lw + aw + 3 * MM, y0);
		ps->y = y0 + h;
		g_object_unref(lab);
		g_object_unref(amt);
		g_object_unref(wds);
		break;
	}
	case B_SPACE:
		ps->y += b->mm * MM;
		if (ps->y > BODY_BOTTOM)
			ps->y = BODY_BOTTOM;
		break;
	case B_TABLE: {
		PangoLayout *ls[MAX_COLS];
		double h = row_layouts(ps, b, b->s, true, ls);
		for (int i = 0; i < b->n; i++)
			g_object_unref(ls[i]);
		ps->y += 1 * MM;
		/* the header and the first row start together */
		need(ps, h + line_height(ps, 14) + 2 * CELL_PAD);
		ps->table = b;
		table_header(ps);
		break;
	}
	case B_TROW: {
		if (!ps->table)
			break;
		PangoLayout *ls[MAX_COLS];
		double h = row_layouts(ps, ps->table, b->s, false, ls);
		if (ps->y + h > BODY_BOTTOM) {
			/* new page (which repeats the header), unless the row could
			 * not fit on any page: then it is cut at the bottom */
			new_page(ps);
		}
		if (ps->draw) {
			cairo_save(ps->cr);
			cairo_rectangle(ps->cr, 0, 0, PAGE_W, BODY_BOTTOM + 0.5);
			cairo_clip(ps->cr);
		}
		if (ps->y + h > BODY_BOTTOM)
			h = BODY_BOTTOM - ps->y;
		draw_row(ps, ps->table, ls, h, false);
		if (ps->draw)
			cairo_restore(ps->cr);
		break;
	}
	case B_BREAK: new_page(ps); break;
	}
}

/* One pass over all blocks; returns the number of pages. */
static int run(struct pass *ps)
{
	ps->page = 1;
	ps->y = MARGIN_T;
	ps->table = NULL;
	for (size_t i = 0; i < ps->p->len; i++) {
		block(ps, &ps->p->b[i]);
		if (ps->draw)
			cairo_set_source_rgb(ps->cr, 0, 0, 0);
	}
	ps->table = NULL;
	footer(ps);
	if (ps->draw)
		cairo_show_page(ps->cr);
	return ps->page;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

int pdf_finish(struct pdf *p, struct buf *out, struct err *e)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	if (p->title)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Khet");
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = pango_cairo_create_context(cr);
	pango_cairo_context_set_resolution(ctx, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);

	struct pass ps = {.p = p, .cr = cr, .ctx = ctx, .draw = false};
	int pages = run(&ps);
	ps.draw = true;
	ps.pages = pages;
	cairo_set_source_rgb(cr, 0, 0, 0);
	run(&ps);

	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	pdf_free(p);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, 500, "pdf: %s", cairo_status_to_string(st));
	return 0;
}
