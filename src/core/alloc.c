/* alloc: the aborting allocators (see alloc.h). The only file that calls
 * the C library's allocators by name. */
#include "core/alloc.h"

#include "core/fault.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup

/* X-Khet-Fault: alloc=N on a test server (core/fault.h). */
static void injected(size_t n)
{
	if (fault_now(FAULT_ALLOC)) {
		fprintf(stderr, "khet: out of memory (%zu bytes; injected by X-Khet-Fault)\n", n);
		abort();
	}
}

_Noreturn void alloc_die(size_t n)
{
	fprintf(stderr, "khet: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	injected(n);
	void *p = malloc(n ? n : 1);
	if (!p)
		alloc_die(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	injected(n * size);
	if (size && n > SIZE_MAX / size)
		alloc_die(SIZE_MAX);
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		alloc_die(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	injected(n);
	void *q = realloc(p, n ? n : 1);
	if (!q)
		alloc_die(n);
	return q;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		alloc_die(SIZE_MAX);
	return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}
