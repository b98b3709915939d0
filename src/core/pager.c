/* pager: the page links of a paged list ("1 … 4 5 [6] 7 8 … 20"), as the
 * templates' pager partial shows them, so every module's list pages alike
 * with the same few links whatever its length. */
#include "core/pager.h"

#include "core/buf.h"

json_t *pager_links(const char *base, long long page, long long pages)
{
	json_t *list = json_array();
	long long last = 0;
	for (long long p = 1; p <= pages; p++) {
		if (p != 1 && p != pages && (p < page - 2 || p > page + 2)) {
			p = p < page ? page - 3 : pages - 1;
			continue;
		}
		if (last && p > last + 1)
			json_array_append_new(list, json_pack("{s:b}", "gap", 1));
		struct buf u = BUF_INIT;
		buf_addf(&u, "%spage=%lld", base, p);
		json_array_append_new(list, json_pack("{s:I, s:s, s:b}", "number", (json_int_t)p, "url", buf_cstr(&u),
						      "current", p == page));
		buf_release(&u);
		last = p;
	}
	return list;
}
