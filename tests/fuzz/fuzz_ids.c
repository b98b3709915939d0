/* fuzz_ids: what people type as identities, dates and searches — citizen
 * IDs (checked, normalised, masked), DMC G-codes and identity masks, OSS
 * reference codes, dates (Thai BE, ISO, CE) and times, body measures,
 * search terms and their SQL LIKE patterns, Thai word cuts, Thai digits,
 * and whole numbers. The input is one string. */
#include "fuzz.h"

#include "core/num.h"
#include "core/search.h"
#include "core/thai.h"
#include "dmc/dmc.h"
#include "oss/oss.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;

	char id[14];
	bool valid = thai_citizen_id_valid(s);
	(void)thai_citizen_id_check(s, &e);
	if (thai_citizen_id_normalize(s, id) == 0) {
		if (strlen(id) != 13)
			abort();
		thai_citizen_id_mask(id, &b);
	}
	if (valid && thai_citizen_id_normalize(s, id) != 0)
		abort(); /* a valid ID always normalises */
	(void)dmc_gcode_check(s, &e);
	dmc_ident_mask(s, &b);
	if (oss_code_check(s, &e) == 0) {
		(void)oss_code_time(s);
		(void)oss_code_seq(s);
	}

	int y, m, d;
	if (thai_parse_date(s, &y, &m, &d) == 0 && (m < 1 || m > 12 || d < 1 || d > 31))
		abort();
	if (thai_date_input(s, &y, &m, &d) == 0 && (m < 1 || m > 12 || d < 1 || d > 31))
		abort();
	thai_date_field(&b, s);
	(void)dmc_parse_hhmm(s);
	long long t;
	(void)dmc_parse_tenths(s, &t);
	(void)dmc_birth_check(s, 1796601600LL, 5, 15, "ป.1", &e);
	(void)search_query_notice(s);
	(void)oss_day_parse(s);

	if (search_query_check(s, &e) == 0) {
		struct buf pat[SEARCH_SLOTS];
		memset(pat, 0, sizeof pat);
		(void)search_patterns(s, pat);
		search_patterns_release(pat);
	}
	thai_search_terms(s, &b);
	(void)thai_cut_words(s, 10);
	(void)thai_text_invisible(s);
	(void)thai_text_emoji(s);
	thai_digits_ascii(s, &b);
	long long n;
	(void)num_parse_ll(s, -1000000, 1000000, &n);
	buf_release(&b);
	free(s);
	return 0;
}
