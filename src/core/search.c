/* search: the LIKE patterns of a list's search box (search.h), once for
 * every module's lists (schools, accounts, OSS requests), so that a word
 * means the same in every search box. Pure: no database, no request. */
#include <stdbool.h>
#include <string.h>

#include "core/search.h"
#include "core/thai.h"

int search_query_check(const char *q, struct err *e)
{
	if (!thai_utf8_valid(q, strlen(q)))
		return err_field(e, "q", "คำค้นมีอักขระที่ใช้ไม่ได้");
	size_t chars = 0;
	for (const char *s = q; *s; s++)
		chars += ((unsigned char)*s & 0xC0) != 0x80;
	if (chars > SEARCH_QUERY_MAX)
		return err_field(e, "q", "คำค้นยาวเกินไป (ไม่เกิน %d ตัวอักษร)", SEARCH_QUERY_MAX);
	return 0;
}

const char *search_query_notice(const char *q)
{
	if (!q || !q[strspn(q, " \t\r\n")])
		return NULL;
	struct buf words = BUF_INIT;
	thai_search_terms(q, &words);
	bool none = !buf_cstr(&words)[strspn(buf_cstr(&words), " ")];
	buf_release(&words);
	return none ? "คำค้นไม่มีตัวอักษรหรือตัวเลขให้ค้นหา (มีเพียงเครื่องหมายหรือช่องว่าง) จึงแสดงรายการทั้งหมด" : NULL;
}

int search_patterns_of_words(const char *words, struct buf pat[SEARCH_SLOTS])
{
	for (int i = 0; i < SEARCH_SLOTS; i++)
		pat[i] = (struct buf)BUF_INIT;
	int n = 0;
	const char *s = words ? words : "";
	while (*s) {
		size_t len = strcspn(s, " ");
		if (len) {
			/* a repeated word adds nothing (a word in the last,
			 * shared slot is not looked for) */
			bool seen = false;
			for (int i = 0; i < n && i < SEARCH_SLOTS && !seen; i++)
				seen = pat[i].len == len + 2 && !memcmp(pat[i].data + 1, s, len);
			if (!seen) {
				/* more words than slots: the rest must follow in order */
				struct buf *p = &pat[n < SEARCH_SLOTS ? n : SEARCH_SLOTS - 1];
				if (!p->len)
					buf_addc(p, '%');
				buf_add(p, s, len);
				buf_addc(p, '%');
				n++;
			}
		}
		s += len;
		s += strspn(s, " ");
	}
	for (int i = 0; i < SEARCH_SLOTS; i++)
		if (!pat[i].len)
			buf_addc(&pat[i], '%');
	return n;
}

int search_patterns(const char *q, struct buf pat[SEARCH_SLOTS])
{
	struct buf words = BUF_INIT;
	thai_search_terms(q ? q : "", &words);
	int n = search_patterns_of_words(buf_cstr(&words), pat);
	buf_release(&words);
	return n;
}

void search_patterns_release(struct buf pat[SEARCH_SLOTS])
{
	for (int i = 0; i < SEARCH_SLOTS; i++)
		buf_release(&pat[i]);
}
