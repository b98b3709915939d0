/* fuzz_cookie: cookie values a client sends back — the token shape and the
 * flash message — and the flash round trip: any UTF-8 text Khet sets comes
 * back unchanged (a flash is never empty: view_redirect sets none for ""). */
#include "fuzz.h"

#include "core/cookie.h"
#include "core/thai.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	(void)cookie_token_ok(s);
	json_t *f = cookie_flash_decode(s);
	if (f && (!json_is_string(json_object_get(f, "text")) || !json_is_string(json_object_get(f, "kind"))))
		abort();
	json_decref(f);
	/* Khet sets a flash only with some text (view_redirect) */
	if (*s && thai_utf8_valid(s, strlen(s)) && strlen(s) < 1000) {
		struct buf b = BUF_INIT;
		cookie_flash_encode(data[0] & 1, s, &b);
		json_t *back = cookie_flash_decode(buf_cstr(&b));
		if (!back || strcmp(json_string_value(json_object_get(back, "text")), s))
			abort();
		json_decref(back);
		buf_release(&b);
	}
	free(s);
	return 0;
}
