/* pdf: official A4 documents with Thai text (OSS-8, KPI reports). A
 * builder collects blocks — title, headings, paragraphs, label–value rows,
 * tables — and pdf_finish lays them out with pango (Thai shaping and line
 * breaking) on a cairo PDF surface in the Laksaman font
 * (fonts-tlwg-laksaman, the metric twin of TH Sarabun PSK), 16 pt body,
 * 2.5 cm / 2 cm margins. Long content flows onto new pages; a table repeats
 * its header row on each page; every page gets the footer
 * "หน้า N/M" (and the optional footer text on the left).
 *
 * All text is UTF-8 plain text (no markup; '&' and '<' are safe). The
 * builder only copies strings, so it never fails; pdf_finish reports cairo
 * errors. One document per thread at a time; several threads may each build
 * their own.
 *
 *   struct pdf *p = pdf_new("คำขอ ...");
 *   pdf_heading(p, "ข้อมูลผู้ยื่น");
 *   pdf_row(p, "ชื่อ", name);
 *   const char *h[] = {"วันที่", "สถานะ", "ข้อความ"};
 *   const double w[] = {1, 1, 2};
 *   pdf_table(p, 3, h, w);
 *   pdf_table_row(p, (const char *[]){d, s, m});
 *   struct buf out = BUF_INIT;
 *   if (pdf_finish(p, &out, &e) < 0) ...;   // p is freed either way
 */
#ifndef KHET_PDF_H
#define KHET_PDF_H

#include "core/buf.h"
#include "core/err.h"

struct pdf;

/* A new A4 document; title is centred in bold at the top of page 1 and is
 * the PDF's Title metadata (NULL: none). Title and subtitles wrap only at
 * their spaces when each space-separated piece fits the line. */
struct pdf *pdf_new(const char *title);
/* A centred line under the title (office name, document number). */
void pdf_subtitle(struct pdf *p, const char *text);
/* Text at the bottom left of every page (e.g. "พิมพ์เมื่อ 25 มิ.ย. 2567"). */
void pdf_footer(struct pdf *p, const char *text);
/* A bold section heading; never left alone at the bottom of a page. */
void pdf_heading(struct pdf *p, const char *text);
/* A wrapped paragraph; '\n' starts a new line. */
void pdf_text(struct pdf *p, const char *text);
/* "label  value" with the label in bold in a fixed left column (35 % of
 * the width) and the value wrapped in the rest. NULL or "" value shows "-". */
void pdf_row(struct pdf *p, const char *label, const char *value);
/* A money row: the label as in pdf_row, the amount (e.g. "25,000.00 บาท")
 * right-aligned in a column of its own so amounts line up under each
 * other, and the amount in words after it (e.g. "(สองหมื่นห้าพันบาทถ้วน)",
 * ORG-3). */
void pdf_row_amount(struct pdf *p, const char *label, const char *amount, const char *words);
/* Vertical space in millimetres. */
void pdf_space(struct pdf *p, double mm);
/* Starts a table of ncols (1..16) columns with a bold, shaded header row.
 * widths are relative column widths (NULL: equal). Rows follow with
 * pdf_table_row until the next non-table block. */
void pdf_table(struct pdf *p, int ncols, const char *const *headers, const double *widths);
/* The kinds of the columns of the table just started (call right after
 * pdf_table; otherwise ignored), one letter a column, missing ones text:
 *   PDF_COL_TEXT   't' left-aligned, wraps at spaces and Thai word
 *                  boundaries (libthai's dictionary);
 *   PDF_COL_WORDS  'w' left-aligned, wraps only at spaces: person names
 *                  ("แก้วมณี" is one surname, never "แก้ว/มณี");
 *   PDF_COL_NUMBER 'n' right-aligned and kept in one piece: money, counts
 *                  (the header cell too), so figures line up.
 * A 'w' or 'n' cell whose longest piece is wider than the column wraps
 * like text rather than run out of its box. Header cells never break
 * inside a space-separated word when it fits ("หมายเ/ลข").
 *   pdf_table(p, 3, h, w); pdf_table_kinds(p, "twn"); */
#define PDF_COL_TEXT 't'
#define PDF_COL_WORDS 'w'
#define PDF_COL_NUMBER 'n'
void pdf_table_kinds(struct pdf *p, const char *kinds);
/* One row of ncols cells (NULL cell: empty); cells wrap, a row never splits
 * across pages. */
void pdf_table_row(struct pdf *p, const char *const *cells);
/* Starts a new page. */
void pdf_page_break(struct pdf *p);

/* Lays out and renders the document into out (appended) and frees p.
 * Returns 0, or -1 with e set (500) if cairo failed. */
int pdf_finish(struct pdf *p, struct buf *out, struct err *e);
/* Frees a document without rendering it. */
void pdf_free(struct pdf *p);

#define PDF_CONTENT_TYPE "application/pdf"

#endif
