/* jsonx: the small readers every module uses on a json_t row (a value of
 * db_rows_json, a model): a string member or "", an integer member or 0,
 * and a NULL string as "". One copy, inline, instead of one per file. */
#ifndef KHET_JSONX_H
#define KHET_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

/* Whether s[0..n-1] is UTF-8 that jansson takes (see jsonx.c). */
bool jx_utf8_ok(const char *s, size_t n);

/* json_stringn and json_string, with the faster check: NULL when s is not
 * valid UTF-8 (or NULL), as jansson's. */
static inline json_t *jx_stringn(const char *s, size_t n)
{
	return s && jx_utf8_ok(s, n) ? json_stringn_nocheck(s, n) : NULL;
}

static inline json_t *jx_string(const char *s)
{
	return s ? jx_stringn(s, strlen(s)) : NULL;
}

struct buf;
/* s[0..n-1] as a JSON string, quotes included, written straight into b
 * (a list answered without a json_t per row): exactly what json_dumps
 * writes for it; bytes that are not UTF-8 become U+FFFD. NULL is "". */
void jx_buf_string(struct buf *b, const char *s, size_t n);
static inline void jx_buf_str(struct buf *b, const char *s)
{
	jx_buf_string(b, s, s ? strlen(s) : 0);
}

/* Makes jansson allocate through per-thread free lists of small blocks
 * (jsonx.c); called first thing in main, before any json_t exists. */
void jx_alloc_init(void);

/* s, or "" when s is NULL. */
static inline const char *nz(const char *s)
{
	return s ? s : "";
}

/* The string member k of o, "" when absent or not a string. */
static inline const char *jstr(const json_t *o, const char *k)
{
	return nz(json_string_value(json_object_get(o, k)));
}

/* The integer member k of o, 0 when absent or not an integer. */
static inline long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

#endif
