/* quote: the ปพ. order's total while the applicant types (OSS-2.6) —
 * GET /oss/quote?area_id=&pp1_p=…. The form's total box asks for it with
 * htmx on every change (no script of our own, CSP-safe) and swaps in the
 * HTML fragment templates/oss/quote.html; JSON clients get the model. It
 * uses the same prices and oss_order_compute as the submission, but it is
 * only a preview: the submission computes and stores the amounts again on
 * the server, whatever the page showed. */
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/thai.h"
#include "core/view.h"
#include "oss/oss_pages.h"

/* "" → 0; a whole number 0 … OSS_PP_QTY_MAX+ → it; anything else -1. */
static long long qty_of(const char *s)
{
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	long long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 1000000000LL)
			return -1;
	}
	while (*s == ' ')
		s++;
	return *s ? -1 : v;
}

json_t *oss_quote_model(struct db *db, long long area_id, const char *const qty_text[OSS_PP_ITEMS], struct err *e)
{
	long long price[OSS_PP_ITEMS], qty[OSS_PP_ITEMS];
	if (oss_prices_load(db, area_id > 0 ? area_id : 0, price, e) < 0)
		return NULL;
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		qty[i] = qty_of(qty_text[i]);
		if (qty[i] < 0) {
			struct buf b = BUF_INIT;
			buf_addf(&b, "จำนวน %s ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป", oss_pp_items[i].label);
			json_t *m = json_pack("{s:b, s:s}", "ok", 0, "message", buf_cstr(&b));
			buf_release(&b);
			return m;
		}
	}
	struct oss_order o;
	struct err ce = ERR_INIT;
	if (oss_order_compute(qty, price, &o, &ce) < 0) {
		if (ce.status >= 500) {
			*e = ce;
			return NULL;
		}
		return json_pack("{s:b, s:s}", "ok", 0, "message", ce.msg);
	}
	struct buf words = BUF_INIT;
	thai_baht_words(o.total, &words);
	json_t *m = json_pack("{s:b, s:o, s:o, s:o, s:s, s:I}", "ok", 1, "subtotal_text", oss_text_baht(o.subtotal),
			      "shipping_text", oss_text_baht(o.shipping), "total_text", oss_text_baht(o.total),
			      "total_words", buf_cstr(&words), "total_satang", (json_int_t)o.total);
	buf_release(&words);
	return m;
}

int oss_quote(struct req *r)
{
	const char *qty[OSS_PP_ITEMS];
	for (int i = 0; i < OSS_PP_ITEMS; i++)
		qty[i] = req_query(r, oss_pp_items[i].key);
	const char *a = req_query(r, "area_id");
	long long area_id = num_ll_or(a, 0);
	struct err e = ERR_INIT;
	json_t *m = oss_quote_model(req_db(r), area_id, qty, &e);
	if (!m)
		return view_err(r, &e);
	if (req_wants_json(r))
		return view_page(r, 200, "oss/quote", m);
	struct buf out = BUF_INIT;
	int rc = view_render_text("oss/quote", m, &out, &e);
	json_decref(m);
	if (rc < 0) {
		buf_release(&out);
		return view_err(r, &e);
	}
	return view_bytes(r, 200, "text/html; charset=utf-8", &out, NULL);
}
