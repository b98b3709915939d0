/* banned: calls that cannot compile (git's banned.h). Forced into every
 * compile of src/ and tests/unit by `-include src/core/banned.h` in the
 * Makefile. Each banned function becomes an undeclared identifier, so a use
 * fails with "sorry_strcpy_is_a_banned_function undeclared".
 *
 * Use instead:
 *   strcpy, strcat, strncpy, strncat  buf_add, buf_addf, or snprintf/memcpy
 *                                     with a checked size
 *   sprintf, vsprintf                 snprintf/vsnprintf, buf_addf
 *   gets                              fgets
 *   strtok                            strtok_r, or a scan by hand
 *   atoi, atol, atoll                 num_parse_ll (src/core/num.h): no
 *                                     silent 0 on garbage, no overflow
 *   malloc, calloc, realloc,          xmalloc, xcalloc, xrealloc,
 *   reallocarray, strdup, strndup     xreallocarray, xstrdup, xstrndup
 *                                     (src/core/alloc.h: one out-of-memory
 *                                     policy; alloc.c alone calls libc's)
 * strtol/strtoll with a NULL end pointer cannot be caught by a macro; use
 * num_parse_ll there too.
 *
 * The system headers that declare these names are included first: their
 * include guards then keep the later #includes of a file from declaring
 * (or, with _FORTIFY_SOURCE, defining inline) a function through the
 * macro. */
#ifndef KHET_BANNED_H
#define KHET_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)

#undef sprintf
#undef vsprintf
#define sprintf(...) BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)

#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)

/* Function-like, so that __attribute__((malloc)) and a function pointer
 * such as json_set_alloc_funcs(…, free) still compile. */
#undef malloc
#define malloc(n) BANNED(malloc)
#undef calloc
#define calloc(n, s) BANNED(calloc)
#undef realloc
#define realloc(p, n) BANNED(realloc)
#undef reallocarray
#define reallocarray(p, n, s) BANNED(reallocarray)
#undef strdup
#define strdup(s) BANNED(strdup)
#undef strndup
#define strndup(s, n) BANNED(strndup)

#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)

#endif
