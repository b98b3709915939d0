/* export: the yearly statistics as files offices open (X-3, KPI-8) — an
 * Excel workbook and a printable PDF, built with the platform's sheet.h
 * (libxlsxwriter) and pdf.h (cairo + pango in the Laksaman font, so Thai
 * is shaped right) from the model kpi_year_stats made, so the files always
 * say what the page says: the public page's export holds aggregates only,
 * because its model has no units.
 *
 * sheet.h writes one worksheet with one header row, so the workbook is the
 * indicator table followed, after an empty row, by the per-type weighted
 * averages, the completion by work group and (signed-in only) by unit,
 * each introduced by a row naming it and its columns. Numbers are written
 * as numbers (percentages and scores as their decimal value) so that an
 * office can sum and chart them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "core/pdf.h"
#include "core/sheet.h"
#include "core/thai.h"
#include "kpi/kpi_internal.h"

static void title_of(json_t *stats, struct buf *out)
{
	buf_addf(out, "สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ %lld", jint(stats, "fiscal_year"));
}

/* ---- XLSX ---------------------------------------------------------------- */

/* A decimal text ("3.5", "" for none) as a number cell, or an empty one. */
static void sheet_decimal(struct sheet *s, json_t *o, const char *k)
{
	const char *t = jstr(o, k);
	if (*t) /* 74.54, never 74.54000000000001 */
		sheet_decimal2(s, strtod(t, NULL));
	else
		sheet_text(s, NULL);
}

static void sheet_count(struct sheet *s, json_t *o, const char *k)
{
	sheet_number(s, (double)jint(o, k));
}

/* A row of text cells (a section's title or its column names). */
static void sheet_labels(struct sheet *s, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		sheet_text(s, cells[i]);
	sheet_row_end(s);
}

int kpi_stats_xlsx(json_t *stats, struct buf *out, struct err *e)
{
	static const struct sheet_col cols[] = {
	    {"ที่", 6},	      {"หมายเลข", 10},	       {"ชื่อตัวชี้วัด", 60},	      {"กลุ่มงาน", 30}, {"ประเภท", 26},
	    {"น้ำหนัก", 10},    {"รอบที่เปิด", 10},	       {"หน่วยงานทั้งหมด", 14},  {"ยื่นแล้ว", 10},  {"ตรวจแล้ว", 10},
	    {"ร้อยละที่ยื่น", 12}, {"เฉลี่ยประเมินตนเอง", 16}, {"เฉลี่ยผลการตรวจ", 16},
	};
	struct buf t = BUF_INIT;
	title_of(stats, &t);
	struct sheet *s = sheet_new(SHEET_XLSX, buf_cstr(&t), (int)(sizeof cols / sizeof *cols), cols, e);
	buf_release(&t);
	if (!s)
		return -1;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(stats, "indicators"), i, r)
	{
		sheet_number(s, (double)i + 1);
		sheet_text(s, jstr(r, "number"));
		sheet_text(s, jstr(r, "name"));
		sheet_text(s, jstr(r, "work_group_name"));
		sheet_text(s, jstr(r, "type_label"));
		sheet_decimal(s, r, "weight");
		sheet_count(s, r, "periods_opened");
		sheet_count(s, r, "assigned");
		sheet_count(s, r, "submitted");
		sheet_count(s, r, "reviewed");
		sheet_decimal(s, r, "percent_submitted");
		sheet_decimal(s, r, "avg_self");
		sheet_decimal(s, r, "avg_review");
		sheet_row_end(s);
	}
	json_t *tot = json_object_get(stats, "totals");
	for (int c = 0; c < 2; c++)
		sheet_text(s, NULL);
	sheet_text(s, "รวมทุกตัวชี้วัด");
	for (int c = 0; c < 4; c++)
		sheet_text(s, NULL);
	sheet_count(s, tot, "assigned");
	sheet_count(s, tot, "submitted");
	sheet_count(s, tot, "reviewed");
	sheet_decimal(s, tot, "percent_submitted");
	sheet_row_end(s);

	sheet_row_end(s);
	static const char *const type_head[] = {"",
						"",
						"ค่าเฉลี่ยถ่วงน้ำหนักตามประเภทตัวชี้วัด",
						"จำนวนตัวชี้วัด",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"เฉลี่ยประเมินตนเอง",
						"เฉลี่ยผลการตรวจ"};
	sheet_labels(s, type_head, 13);
	json_array_foreach(json_object_get(stats, "by_type"), i, r)
	{
		sheet_text(s, NULL);
		sheet_text(s, NULL);
		sheet_text(s, jstr(r, "type_label"));
		sheet_count(s, r, "count");
		for (int c = 0; c < 7; c++)
			sheet_text(s, NULL);
		sheet_decimal(s, r, "weighted_self");
		sheet_decimal(s, r, "weighted_review");
		sheet_row_end(s);
	}

	sheet_row_end(s);
	static const char *const group_head[] = {
	    "", "", "ร้อยละการส่งรายงานตามกลุ่มงาน", "", "", "", "", "หน่วยงานทั้งหมด", "ยื่นแล้ว", "ตรวจแล้ว", "ร้อยละที่ยื่น"};
	sheet_labels(s, group_head, 11);
	json_array_foreach(json_object_get(stats, "by_group"), i, r)
	{
		sheet_number(s, (double)i + 1);
		sheet_text(s, NULL);
		sheet_text(s, jstr(r, "work_group_name"));
		for (int c = 0; c < 4; c++)
			sheet_text(s, NULL);
		sheet_count(s, r, "assigned");
		sheet_count(s, r, "submitted");
		sheet_count(s, r, "reviewed");
		sheet_decimal(s, r, "percent_submitted");
		sheet_row_end(s);
	}

	json_t *units = json_object_get(stats, "units");
	if (json_is_array(units)) {
		sheet_row_end(s);
		static const char *const unit_head[] = {"", "",		 "สรุปรายหน่วยงาน", "",	     "",	"",
							"", "ต้องรายงาน", "ยื่นแล้ว",	  "ตรวจแล้ว", "ร้อยละที่ยื่น"};
		sheet_labels(s, unit_head, 11);
		json_array_foreach(units, i, r)
		{
			sheet_number(s, (double)i + 1);
			sheet_text(s, NULL);
			sheet_text(s, jstr(r, "unit_name"));
			for (int c = 0; c < 4; c++)
				sheet_text(s, NULL);
			sheet_count(s, r, "assigned");
			sheet_count(s, r, "submitted");
			sheet_count(s, r, "reviewed");
			sheet_decimal(s, r, "percent_submitted");
			sheet_row_end(s);
		}
	}
	return sheet_finish(s, out, e);
}

/* ---- PDF ----------------------------------------------------------------- */

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

int kpi_stats_pdf(json_t *stats, struct buf *out, struct err *e)
{
	struct buf t = BUF_INIT;
	title_of(stats, &t);
	struct pdf *p = pdf_new(buf_cstr(&t));
	pdf_subtitle(p, jstr(json_object_get(stats, "area"), "name"));
	buf_reset(&t);
	buf_adds(&t, "พิมพ์เมื่อ ");
	thai_datetime_short(&t, (long long)time(NULL));
	pdf_footer(p, buf_cstr(&t));

	pdf_heading(p, "สรุปผลรายตัวชี้วัด");
	static const char *const head[] = {"หมายเลข",	    "ชื่อตัวชี้วัด",	       "กลุ่มงาน",
					   "ยื่น/ตรวจ/ทั้งหมด", "เฉลี่ยประเมินตนเอง", "เฉลี่ยผลตรวจ"};
	/* "หมายเลข" is one word: its column is wide enough not to break it */
	static const double w[] = {1.7, 3.3, 2, 1.4, 1.2, 1.2};
	pdf_table(p, 6, head, w);
	pdf_table_kinds(p, "ttwnnn");
	size_t i;
	json_t *r;
	char counts[80];
	json_array_foreach(json_object_get(stats, "indicators"), i, r)
	{
		snprintf(counts, sizeof counts, "%lld/%lld/%lld", jint(r, "submitted"), jint(r, "reviewed"),
			 jint(r, "assigned"));
		buf_reset(&t);
		buf_addf(&t, "%s\n%s · น้ำหนัก %s · เปิด %lld รอบ", jstr(r, "name"), jstr(r, "type_label"), jstr(r, "weight"),
			 jint(r, "periods_opened"));
		const char *cells[] = {jstr(r, "number"),	  buf_cstr(&t),
				       jstr(r, "work_group_name"), counts,
				       dash(jstr(r, "avg_self")),  dash(jstr(r, "avg_review"))};
		pdf_table_row(p, cells);
	}
	json_t *tot = json_object_get(stats, "totals");
	snprintf(counts, sizeof counts, "%lld/%lld/%lld", jint(tot, "submitted"), jint(tot, "reviewed"),
		 jint(tot, "assigned"));
	const char *tcells[] = {"", "รวมทุกตัวชี้วัด", "", counts, "", ""};
	pdf_table_row(p, tcells);
	/* the public page's footnote goes with its PDF: an average of fewer
	 * units than KPI_PUBLIC_MIN_UNITS is not shown */
	if (json_is_true(json_object_get(stats, "avg_hidden_any"))) {
		struct buf note = BUF_INIT;
		buf_addf(&note,
			 "* ไม่แสดงค่าเฉลี่ยคะแนนของตัวชี้วัดที่มีหน่วยงานรายงานผลน้อยกว่า %lld หน่วยงาน "
			 "เพราะค่าเฉลี่ยจะเปิดเผยคะแนนของโรงเรียนใดโรงเรียนหนึ่งได้ (ค่าเฉลี่ยถ่วงน้ำหนักไม่นับตัวชี้วัดเหล่านี้)",
			 jint(stats, "min_units"));
		pdf_text(p, buf_cstr(&note));
		buf_release(&note);
	}

	if (json_array_size(json_object_get(stats, "by_type"))) {
		pdf_heading(p, "ค่าเฉลี่ยถ่วงน้ำหนักตามประเภทตัวชี้วัด");
		static const char *const th[] = {"ประเภทตัวชี้วัด", "จำนวนตัวชี้วัด", "เฉลี่ยประเมินตนเอง", "เฉลี่ยผลตรวจ"};
		static const double tw[] = {2.6, 1.4, 1.2, 1.2};
		pdf_table(p, 4, th, tw);
		pdf_table_kinds(p, "tnnn");
		json_array_foreach(json_object_get(stats, "by_type"), i, r)
		{
			char n[24];
			snprintf(n, sizeof n, "%lld", jint(r, "count"));
			const char *cells[] = {jstr(r, "type_label"), n, dash(jstr(r, "weighted_self")),
					       dash(jstr(r, "weighted_review"))};
			pdf_table_row(p, cells);
		}
	}

	static const char *const ch[] = {"", "ยื่น/ตรวจ/ทั้งหมด", "ร้อยละที่ยื่น"};
	static const double cw[] = {4, 1.4, 1};
	if (json_array_size(json_object_get(stats, "by_group"))) {
		pdf_heading(p, "ร้อยละการส่งรายงานตามกลุ่มงาน");
		const char *gh[] = {"กลุ่มงาน", ch[1], ch[2]};
		pdf_table(p, 3, gh, cw);
		pdf_table_kinds(p, "wnn");
		json_array_foreach(json_object_get(stats, "by_group"), i, r)
		{
			snprintf(counts, sizeof counts, "%lld/%lld/%lld", jint(r, "submitted"), jint(r, "reviewed"),
				 jint(r, "assigned"));
			const char *cells[] = {jstr(r, "work_group_name"), counts, dash(jstr(r, "percent_submitted"))};
			pdf_table_row(p, cells);
		}
	}
	json_t *units = json_object_get(stats, "units");
	if (json_array_size(units)) {
		pdf_heading(p, "สรุปรายหน่วยงาน");
		const char *uh[] = {"หน่วยงาน", ch[1], ch[2]};
		pdf_table(p, 3, uh, cw);
		pdf_table_kinds(p, "wnn");
		json_array_foreach(units, i, r)
		{
			snprintf(counts, sizeof counts, "%lld/%lld/%lld", jint(r, "submitted"), jint(r, "reviewed"),
				 jint(r, "assigned"));
			const char *cells[] = {jstr(r, "unit_name"), counts, dash(jstr(r, "percent_submitted"))};
			pdf_table_row(p, cells);
		}
	}
	buf_release(&t);
	return pdf_finish(p, out, e);
}
