/* pager: page links of a paged list (see pager.c). */
#ifndef KHET_PAGER_H
#define KHET_PAGER_H

#include <jansson.h>

/* Page links for a list whose URL (with its query, ending in "?" or "&")
 * is base: [{number, url, current} or {gap}] — the first, the last and two
 * on either side of the current page. */
json_t *pager_links(const char *base, long long page, long long pages);
/* The same with each page's URL made by url(p, ctx) (a new JSON string). */
json_t *pager_links_with(long long page, long long pages, json_t *(*url)(long long p, void *ctx), void *ctx);

#endif
