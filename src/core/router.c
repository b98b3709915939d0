/* router: the route table of every module in one array, matched segment by
 * segment. A linear scan is deliberate: with a few hundred routes it costs a
 * microsecond, needs no build step, and keeps the order in which modules
 * declared their routes as the tie-breaker (literal routes are declared
 * before parameter routes where both could match). */
#include "core/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/module.h"

struct entry {
	const struct route *route;
	const char *module;
	uint64_t roles; /* the route's role spec, resolved once */
};

static struct entry *entries;
static int nentries;

void router_add(const struct route_table *t)
{
	for (const struct route *r = t->routes; r->method; r++) {
		entries = xrealloc(entries, sizeof *entries * (size_t)(nentries + 1));
		entries[nentries].route = r;
		entries[nentries].module = t->module;
		entries[nentries].roles = r->roles && *r->roles ? module_roles(r->roles) : 0;
		nentries++;
	}
}

void router_reset(void)
{
	free(entries);
	entries = NULL;
	nentries = 0;
}

int router_count(void)
{
	return nentries;
}

const struct route *router_route(int index)
{
	return entries[index].route;
}

const char *router_module(int index)
{
	return entries[index].module;
}

uint64_t router_roles(int index)
{
	return entries[index].roles;
}

/* Next segment of s (skipping one leading '/'): sets *seg and *len, returns the
 * rest, or NULL when there is none. */
static const char *segment(const char *s, const char **seg, size_t *len)
{
	while (*s == '/')
		s++;
	if (!*s)
		return NULL;
	const char *e = strchr(s, '/');
	if (!e)
		e = s + strlen(s);
	*seg = s;
	*len = (size_t)(e - s);
	return e;
}

static int path_matches(const char *pattern, const char *path, struct route_match *m)
{
	m->nparams = 0;
	const char *p = pattern, *u = path;
	for (;;) {
		const char *ps, *us;
		size_t pl, ul;
		const char *pn = segment(p, &ps, &pl);
		const char *un = segment(u, &us, &ul);
		if (!pn || !un)
			return !pn && !un;
		if (ps[0] == ':') {
			if (m->nparams == ROUTER_MAX_PARAMS)
				return 0;
			m->names[m->nparams] = ps + 1;
			m->name_lens[m->nparams] = pl - 1;
			m->values[m->nparams] = us;
			m->value_lens[m->nparams] = ul;
			m->nparams++;
		} else if (pl != ul || memcmp(ps, us, pl) != 0) {
			return 0;
		}
		p = pn;
		u = un;
	}
}

int router_match(const char *method, const char *path, struct route_match *m, char *allow, size_t allowsz)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	int path_found = 0;
	if (allowsz)
		allow[0] = 0;
	for (int i = 0; i < nentries; i++) {
		const struct route *r = entries[i].route;
		if (!path_matches(r->pattern, path, m))
			continue;
		if (strcmp(r->method, want) == 0) {
			m->index = i;
			return 0;
		}
		path_found = 1;
		size_t used = strlen(allow);
		if (!strstr(allow, r->method) && used + strlen(r->method) + 3 < allowsz)
			snprintf(allow + used, allowsz - used, "%s%s", used ? ", " : "", r->method);
	}
	return path_found ? 405 : 404;
}
