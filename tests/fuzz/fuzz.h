/* fuzz.h: what every libFuzzer target of tests/fuzz includes. A target is
 * one file fuzz_NAME.c defining LLVMFuzzerTestOneInput over one parser of
 * outside input (git's oss-fuzz/fuzz-*.c); its seed corpus is
 * corpus/NAME/. Built by `make fuzz-build` with clang, ASan and UBSan
 * (Makefile FUZZ=1), run by run.sh. A crash, a sanitizer report, a leak or
 * a timeout fails the target; every one found is fixed with a unit test. */
#ifndef KHET_FUZZ_H
#define KHET_FUZZ_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (cut at its first NUL, as a C
 * string from a request would be). Free it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

/* The library state the program sets up in main. */
static inline void fuzz_init(void)
{
	jx_alloc_init();
	if (sodium_init() < 0)
		abort();
}

#endif
