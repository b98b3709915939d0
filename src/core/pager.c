/* pager: the page links of a paged list ("1 … 4 5 [6] 7 8 … 20"), as the
 * templates' pager partial shows them, so every module's list pages alike
 * with the same few links whatever its length. A list that keeps its own
 * URL shape (the school list's, the One Stop Service lists') passes a
 * function that makes a page's URL. */
#include "core/pager.h"

#include "core/buf.h"
#include "core/jsonx.h"

/* Every list page makes these (up to nine): built member by member, not
 * with json_pack, whose format parse cost about 2k instructions a link. */
json_t *pager_links_with(long long page, long long pages, json_t *(*url)(long long p, void *ctx), void *ctx)
{
	json_t *list = json_array();
	long long last = 0;
	for (long long p = 1; p <= pages; p++) {
		if (p != 1 && p != pages && (p < page - 2 || p > page + 2)) {
			/* jump over the run of hidden pages */
			p = p < page ? page - 3 : pages - 1;
			continue;
		}
		if (last && p > last + 1) {
			json_t *gap = json_object();
			json_object_set_new_nocheck(gap, "gap", json_true());
			json_array_append_new(list, gap);
		}
		json_t *link = json_object();
		json_object_set_new_nocheck(link, "number", json_integer(p));
		json_object_set_new_nocheck(link, "url", url(p, ctx));
		json_object_set_new_nocheck(link, "current", json_boolean(p == page));
		json_array_append_new(list, link);
		last = p;
	}
	return list;
}

static json_t *base_url(long long p, void *ctx)
{
	struct buf u = BUF_INIT;
	buf_adds(&u, (const char *)ctx);
	buf_adds(&u, "page=");
	buf_add_int(&u, p);
	json_t *s = jx_stringn(u.data, u.len);
	buf_release(&u);
	return s;
}

json_t *pager_links(const char *base, long long page, long long pages)
{
	return pager_links_with(page, pages, base_url, (void *)base);
}
