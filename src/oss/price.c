/* price: what an order of the official school record forms ปพ.1–3 costs
 * (OSS-2.6). Five items are sold — primary ปพ.1-ป by the book and ปพ.3-ป by
 * the sheet; lower secondary ปพ.1-บ by the book, ปพ.2-บ and ปพ.3-บ by the
 * sheet — at unit prices that are settings, not constants: the table
 * oss_prices holds the national defaults (area_id 0, seeded by the
 * migration with 160, 5, 160, 2 and 5 baht) and any area's own prices,
 * which the area admin edits. An order stores the prices it was computed
 * with, so a later price change never alters an order already placed.
 *
 * Money is integer satang throughout. Shipping is 3.5 % of the price of
 * the forms, rounded half up to the satang (17,575 satang of forms → 615.125
 * → 615 satang; 100,100 → 3,503.5 → 3,504), and at least 25 baht. The
 * total is forms + shipping. Quantities are whole numbers from 0 to
 * OSS_PP_QTY_MAX and at least one item must be ordered. */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "oss/oss.h"

const struct oss_pp_item oss_pp_items[OSS_PP_ITEMS] = {
    {"pp1_p", "ปพ.1-ป", "เล่ม", "ระดับประถมศึกษา", 16000},	    {"pp3_p", "ปพ.3-ป", "แผ่น", "ระดับประถมศึกษา", 500},
    {"pp1_b", "ปพ.1-บ", "เล่ม", "ระดับมัธยมศึกษาตอนต้น", 16000}, {"pp2_b", "ปพ.2-บ", "แผ่น", "ระดับมัธยมศึกษาตอนต้น", 200},
    {"pp3_b", "ปพ.3-บ", "แผ่น", "ระดับมัธยมศึกษาตอนต้น", 500},
};

long long oss_shipping(long long subtotal)
{
	if (subtotal <= 0)
		return 0;
	/* subtotal is at most 5 × 10,000 × 10^7 satang, so × 35 cannot overflow */
	long long s = (subtotal * OSS_SHIPPING_PERMILLE + 500) / 1000;
	return s < OSS_SHIPPING_MIN_SATANG ? OSS_SHIPPING_MIN_SATANG : s;
}

int oss_order_compute(const long long qty[OSS_PP_ITEMS], const long long price[OSS_PP_ITEMS], struct oss_order *out,
		      struct err *e)
{
	long long any = 0;
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		const struct oss_pp_item *it = &oss_pp_items[i];
		if (qty[i] < 0)
			return err_field(e, it->key, "จำนวน %s ต้องไม่ติดลบ", it->label);
		if (qty[i] > OSS_PP_QTY_MAX)
			return err_field(e, it->key, "จำนวน %s ต้องไม่เกิน %d %s", it->label, OSS_PP_QTY_MAX, it->unit);
		if (price[i] < 0 || price[i] > OSS_PRICE_MAX_SATANG)
			return err_set(e, 500, "price of %s out of range: %lld", it->key, price[i]);
		any += qty[i];
	}
	if (!any)
		return err_field(e, oss_pp_items[0].key, "กรุณาระบุจำนวนที่สั่งซื้ออย่างน้อย 1 รายการ");
	out->subtotal = 0;
	for (int i = 0; i < OSS_PP_ITEMS; i++) {
		out->qty[i] = qty[i];
		out->price[i] = price[i];
		out->line[i] = qty[i] * price[i];
		out->subtotal += out->line[i];
	}
	out->shipping = oss_shipping(out->subtotal);
	out->total = out->subtotal + out->shipping;
	return 0;
}

int oss_prices_load(struct db *db, long long area_id, long long price[OSS_PP_ITEMS], struct err *e)
{
	for (int i = 0; i < OSS_PP_ITEMS; i++)
		price[i] = oss_pp_items[i].default_satang;
	struct db_res *res;
	/* area 0 first, so the area's own rows overwrite the defaults */
	if (db_query(db, "SELECT item, price FROM oss_prices WHERE (area_id = 0 OR area_id = $1) ORDER BY area_id",
		     DB_ARGS(DB_INT(area_id)), &res, e) < 0)
		return -1;
	int rc;
	while ((rc = db_next(res, e)) == 1) {
		const char *item = db_text(res, 0);
		for (int i = 0; i < OSS_PP_ITEMS; i++)
			if (!strcmp(item, oss_pp_items[i].key))
				price[i] = db_int(res, 1);
	}
	db_res_free(res);
	return rc < 0 ? -1 : 0;
}
