/* router: matches a method and path against the registered route patterns.
 * Patterns are literal segments and ":name" segments that match one
 * non-empty segment; a trailing "/" is not significant. */
#ifndef KHET_ROUTER_H
#define KHET_ROUTER_H

#include <stdint.h>

#include "core/http.h"

#define ROUTER_MAX_PARAMS 8

struct route_match {
	int index; /* into router_route() */
	int nparams;
	const char *names[ROUTER_MAX_PARAMS]; /* point into the pattern */
	size_t name_lens[ROUTER_MAX_PARAMS];
	const char *values[ROUTER_MAX_PARAMS]; /* point into the path */
	size_t value_lens[ROUTER_MAX_PARAMS];
};

void router_add(const struct route_table *t);
/* 0 matched; 404 no pattern matches the path; 405 a pattern matches but
 * not with this method (allow then lists the methods that would). HEAD
 * matches GET routes. */
int router_match(const char *method, const char *path, struct route_match *m, char *allow, size_t allowsz);
int router_count(void);
const struct route *router_route(int index);
const char *router_module(int index);
/* The route's role spec as a mask (core/module.h). */
uint64_t router_roles(int index);
void router_reset(void);

#endif
