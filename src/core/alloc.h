/* alloc: the one out-of-memory policy of Khet (git's xmalloc, Redis's
 * zmalloc). Every allocation in src/ goes through these wrappers; a failed
 * one prints what was asked for and aborts. A server that cannot get a few
 * kilobytes cannot answer anything sensible, and a NULL check at each of
 * hundreds of call sites is a path no test walks. malloc, calloc, realloc,
 * strdup and strndup do not compile outside alloc.c (src/core/banned.h).
 * Memory from these is released with free(). */
#ifndef KHET_ALLOC_H
#define KHET_ALLOC_H

#include <stddef.h>

/* Never NULL; a size of 0 gives a valid block of its own. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of an array of n elements of size bytes; n * size overflowing
 * aborts like a failed allocation. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Prints "khet: out of memory (N bytes)" and aborts. */
_Noreturn void alloc_die(size_t n);

#endif
