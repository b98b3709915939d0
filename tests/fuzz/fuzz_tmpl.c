/* fuzz_tmpl: the template engine. The input is a template, then (after a
 * NUL byte) a second template that the first may use as a partial or a
 * parent, then (after another NUL) a JSON context; both templates are
 * parsed and each rendered with the context. */
#include "fuzz.h"

#include "core/tmpl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *z1 = memchr(s, 0, size);
	size_t l1 = z1 ? (size_t)(z1 - s) : size;
	const char *s2 = z1 ? z1 + 1 : "";
	size_t rest = z1 ? size - l1 - 1 : 0;
	const char *z2 = memchr(s2, 0, rest);
	size_t l2 = z2 ? (size_t)(z2 - s2) : rest;
	json_t *ctx = NULL;
	if (z2)
		ctx = json_loadb(z2 + 1, rest - l2 - 1, JSON_DECODE_ANY, NULL);
	if (!ctx)
		ctx = json_pack("{s:s, s:i, s:b, s:[s, s], s:{s:s}, s:n}", "x", "<ก&\"'>", "n", 3, "t", 1, "list", "a",
				"b", "o", "y", "z", "nil");
	struct tmpl_set *set = tmpl_set_new();
	struct err e = ERR_INIT;
	int a = tmpl_set_add(set, "t", s, l1, &e);
	int b = tmpl_set_add(set, "p", s2, l2, &e);
	struct buf out = BUF_INIT;
	if (a == 0) {
		size_t before = out.len;
		if (tmpl_render(set, "t", ctx, &out, &e) < 0 && out.len != before)
			abort(); /* a failed render leaves out as it was */
	}
	if (b == 0)
		(void)tmpl_render(set, "p", ctx, &out, &e);
	buf_release(&out);
	tmpl_set_free(set);
	json_decref(ctx);
	return 0;
}
