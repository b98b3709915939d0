/* module: the registry built once from the module list (src/modules.c) —
 * the roles with their bits, the permissions in matrix order, and the
 * checks that a module's declarations fit together. Everything here is
 * built on first use under pthread_once and never changes after, so worker
 * threads read it without locks. A declaration that does not fit (a role
 * declared twice, a route naming an unknown role, a migration outside
 * every module's range) is the build's mistake: module_check says which,
 * and the lookups abort with that message rather than serve a half-known
 * set of roles. */
#include "core/alloc.h"
#include "core/module.h"
#include "core/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/num.h"
#include "core/thai.h"

#define MAX_ROLES 64

struct role_entry {
	const struct role_def *def;
	const char *module;
	uint64_t bit;
};

static struct role_entry roles[MAX_ROLES];
static int nroles;
static const struct permission_def **perms;
static int nperms;
static struct err check_err = ERR_INIT;
static int check_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The platform's own migrations (collation, mail, audit and tokens). */
static const struct mig_range core_migrations[] = {{1, 1}, {3, 4}, {30, 39}, {0, 0}};

static bool code_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return false;
	return true;
}

static const struct role_entry *role_find(const char *code)
{
	for (int i = 0; code && i < nroles; i++)
		if (!strcmp(roles[i].def->code, code))
			return &roles[i];
	return NULL;
}

static const struct permission_def *perm_find(const char *key)
{
	for (int i = 0; key && i < nperms; i++)
		if (!strcmp(perms[i]->key, key))
			return perms[i];
	return NULL;
}

static const struct permission_def *perm_of(const char *role, const char *qualifier)
{
	const struct role_entry *r = role_find(role);
	if (!r)
		return NULL;
	bool qualified = r->def->flags & ROLE_QUALIFIED;
	for (int i = 0; i < nperms; i++)
		if (!strcmp(perms[i]->role, role) &&
		    (!qualified || !strcmp(perms[i]->qualifier, qualifier ? qualifier : "")))
			return perms[i];
	return NULL;
}

static int spec_mask(const char *spec, uint64_t *mask, struct err *e)
{
	*mask = 0;
	if (!spec)
		return 0;
	const char *p = spec;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		char tok[32];
		if (n >= sizeof tok)
			return err_set(e, 500, "role spec \"%s\": a token is too long", spec);
		memcpy(tok, p, n);
		tok[n] = 0;
		p += n;
		int scope = !strcmp(tok, "@school") ? SCOPE_SCHOOL
			    : !strcmp(tok, "@area") ? SCOPE_AREA
			    : !strcmp(tok, "@national") ? SCOPE_NATIONAL
			    : !strcmp(tok, "@staff") ? -1
						       : 0;
		if (scope) {
			for (int i = 0; i < nroles; i++)
				if (scope < 0 || (int)roles[i].def->scope == scope)
					*mask |= roles[i].bit;
			continue;
		}
		const struct role_entry *r = role_find(tok);
		if (!r)
			return err_set(e, 500, "role spec \"%s\": no module declares the role \"%s\"", spec, tok);
		*mask |= r->bit;
	}
	return 0;
}

static int check_ranges(struct err *e)
{
	/* each migration number in exactly one range */
	for (size_t f = 0; f < embedded_count; f++) {
		const char *path = embedded_files[f].path;
		static const char dir[] = "db/migrations/";
		if (strncmp(path, dir, sizeof dir - 1))
			continue;
		const char *base = path + sizeof dir - 1;
		if (strspn(base, "0123456789") != 4)
			continue; /* migrate.c refuses a misnamed file */
		long long v4 = 0;
		num_parse_lln(base, 4, 0, 9999, &v4); /* four digits, checked above */
		int v = (int)v4;
		const char *owner = module_of_migration(v);
		if (!owner)
			return err_set(e, 500, "migration %s: its number is in no module's range", path);
	}
	/* ranges do not overlap */
	for (int i = -1; khet_modules[i + 1] || i < 0; i++) {
		const struct mig_range *a = i < 0 ? core_migrations : khet_modules[i]->migrations;
		for (; a && a->from; a++) {
			if (a->to < a->from)
				return err_set(e, 500, "module %s: migration range %d-%d ends before it starts",
					       i < 0 ? "core" : khet_modules[i]->name, a->from, a->to);
			for (int j = i + 1; khet_modules[j]; j++)
				for (const struct mig_range *b = khet_modules[j]->migrations; b && b->from; b++)
					if (a->from <= b->to && b->from <= a->to)
						return err_set(e, 500, "modules %s and %s: migration ranges overlap",
							       i < 0 ? "core" : khet_modules[i]->name,
							       khet_modules[j]->name);
			if (i >= 0)
				for (const struct mig_range *b = a + 1; b->from; b++)
					if (a->from <= b->to && b->from <= a->to)
						return err_set(e, 500, "module %s: migration ranges overlap",
							       khet_modules[i]->name);
		}
	}
	return 0;
}

static int check_menu(const struct module *m, const struct menu_def *items, struct err *e)
{
	uint64_t mask;
	for (const struct menu_def *it = items; it && it->href; it++)
		if (!it->label || spec_mask(it->roles, &mask, e) < 0)
			return err_set(e, 500, "module %s: menu entry %s: %s", m->name, it->href,
				       it->label ? e->msg : "no label");
	return 0;
}

static int build(struct err *e)
{
	/* roles, bits in list order */
	for (int i = 0; khet_modules[i]; i++) {
		const struct module *m = khet_modules[i];
		if (!m->name || !m->title || !code_ok(m->name, 23))
			return err_set(e, 500, "module %d: a name of a-z and a Thai title are required", i);
		for (int j = 0; j < i; j++)
			if (!strcmp(khet_modules[j]->name, m->name))
				return err_set(e, 500, "module %s is listed twice", m->name);
		for (const struct role_def *r = m->roles; r && r->code; r++) {
			if (!code_ok(r->code, 23) || strchr(r->code, ':') || !r->label || !*r->label)
				return err_set(e, 500, "module %s: role \"%s\" needs a code of a-z 0-9 _ and a Thai label",
					       m->name, r->code);
			if (r->scope < SCOPE_SCHOOL || r->scope > SCOPE_NATIONAL)
				return err_set(e, 500, "module %s: role %s has no scope", m->name, r->code);
			const struct role_entry *dup = role_find(r->code);
			if (dup)
				return err_set(e, 500, "role %s is declared by both %s and %s", r->code, dup->module,
					       m->name);
			if (nroles == MAX_ROLES)
				return err_set(e, 500, "more than %d roles", MAX_ROLES);
			roles[nroles].def = r;
			roles[nroles].module = m->name;
			roles[nroles].bit = 1ull << nroles;
			nroles++;
		}
	}
	/* permissions */
	int cap = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct permission_def *p = khet_modules[i]->permissions; p && p->key; p++)
			cap++;
	perms = xcalloc((size_t)cap + 1, sizeof *perms);
	for (int i = 0; khet_modules[i]; i++) {
		const struct module *m = khet_modules[i];
		for (const struct permission_def *p = m->permissions; p && p->key; p++) {
			if (!code_ok(p->key, 47) || !p->label || !*p->label)
				return err_set(e, 500, "module %s: permission \"%s\" needs a key and a Thai label", m->name,
					       p->key);
			const struct role_entry *r = role_find(p->role);
			if (!r)
				return err_set(e, 500, "module %s: permission %s names the unknown role %s", m->name,
					       p->key, p->role ? p->role : "(null)");
			bool qualified = r->def->flags & ROLE_QUALIFIED;
			if (qualified != (p->qualifier && *p->qualifier))
				return err_set(e, 500, "module %s: permission %s: a qualifier is %s", m->name, p->key,
					       qualified ? "required (the role is qualified)" : "only for a qualified role");
			if (perm_find(p->key))
				return err_set(e, 500, "permission %s is declared twice", p->key);
			if (perm_of(p->role, p->qualifier))
				return err_set(e, 500, "permissions of role %s with qualifier \"%s\" declared twice",
					       p->role, p->qualifier ? p->qualifier : "");
			uint64_t mask;
			if (spec_mask(p->granted_by, &mask, e) < 0)
				return err_set(e, 500, "module %s: permission %s: granted_by: %s", m->name, p->key,
					       e->msg);
			perms[nperms++] = p;
		}
	}
	/* routes and menus */
	for (int i = 0; khet_modules[i]; i++) {
		const struct module *m = khet_modules[i];
		for (const struct route_table *const *t = m->routes; t && *t; t++)
			for (const struct route *r = (*t)->routes; r->method; r++) {
				uint64_t mask;
				if (spec_mask(r->roles, &mask, e) < 0)
					return err_set(e, 500, "module %s: route %s %s: %s", m->name, r->method, r->pattern,
						       e->msg);
			}
		/* its API resources: known roles, a scope of its own module */
		for (const struct api_route *a = m->api ? m->api->routes : NULL; a && a->method; a++) {
			uint64_t mask;
			if (spec_mask(a->roles, &mask, e) < 0)
				return err_set(e, 500, "module %s: API route %s %s: %s", m->name, a->method, a->path, e->msg);
			size_t ml = strlen(m->api->module);
			if (!a->scope || strncmp(a->scope, m->api->module, ml) ||
			    (strcmp(a->scope + ml, ":read") && strcmp(a->scope + ml, ":write")))
				return err_set(e, 500, "module %s: API route %s %s: scope must be %s:read or %s:write", m->name,
					       a->method, a->path, m->api->module, m->api->module);
		}
		if (check_menu(m, m->menu, e) < 0 || check_menu(m, m->admin_menu, e) < 0)
			return -1;
		for (const struct command_def *c = m->commands; c && c->name; c++)
			for (int j = 0; j <= i; j++)
				for (const struct command_def *d = khet_modules[j]->commands; d && d->name && d != c; d++)
					if (!strcmp(c->name, d->name))
						return err_set(e, 500, "command %s is declared twice", c->name);
		for (const struct import_def *c = m->imports; c && c->name; c++)
			for (int j = 0; j <= i; j++)
				for (const struct import_def *d = khet_modules[j]->imports; d && d->name && d != c; d++)
					if (!strcmp(c->name, d->name))
						return err_set(e, 500, "import %s is declared twice", c->name);
	}
	return check_ranges(e);
}

static void init_once(void)
{
	check_rc = build(&check_err);
}

static void ensure(void)
{
	pthread_once(&once, init_once);
	if (check_rc < 0) {
		fprintf(stderr, "khet: BUG: the module list does not fit together: %s\n", check_err.msg);
		abort();
	}
}

int module_check(struct err *e)
{
	pthread_once(&once, init_once);
	if (check_rc < 0) {
		*e = check_err;
		return -1;
	}
	return 0;
}

const struct role_def *module_role(const char *code)
{
	ensure();
	const struct role_entry *r = role_find(code);
	return r ? r->def : NULL;
}

const char *module_role_owner(const char *code)
{
	ensure();
	const struct role_entry *r = role_find(code);
	return r ? r->module : NULL;
}

uint64_t module_role_bit(const char *code)
{
	ensure();
	const struct role_entry *r = role_find(code);
	return r ? r->bit : 0;
}

const struct role_def *module_role_at(int i)
{
	ensure();
	return i >= 0 && i < nroles ? roles[i].def : NULL;
}

int module_roles_mask(const char *spec, uint64_t *mask, struct err *e)
{
	ensure();
	return spec_mask(spec, mask, e);
}

uint64_t module_roles(const char *spec)
{
	uint64_t mask = 0;
	struct err e = ERR_INIT;
	if (module_roles_mask(spec, &mask, &e) < 0) {
		fprintf(stderr, "khet: BUG: %s\n", e.msg);
		abort();
	}
	return mask;
}

const struct permission_def *module_permission(const char *key)
{
	ensure();
	return perm_find(key);
}

const struct permission_def *module_permission_of(const char *role, const char *qualifier)
{
	ensure();
	return perm_of(role, qualifier);
}

const struct permission_def *module_permission_at(int i)
{
	ensure();
	return i >= 0 && i < nperms ? perms[i] : NULL;
}

const char *module_of_migration(int version)
{
	for (const struct mig_range *r = core_migrations; r->from; r++)
		if (version >= r->from && version <= r->to)
			return "core";
	for (int i = 0; khet_modules[i]; i++)
		for (const struct mig_range *r = khet_modules[i]->migrations; r && r->from; r++)
			if (version >= r->from && version <= r->to)
				return khet_modules[i]->name;
	return NULL;
}

int module_person_profile(struct db *db, const char *citizen_id, json_t *into, struct err *e)
{
	for (int i = 0; citizen_id && *citizen_id && khet_modules[i]; i++)
		if (khet_modules[i]->person_profile && khet_modules[i]->person_profile(db, citizen_id, into, e) < 0)
			return -1;
	return 0;
}

int module_person_record(struct db *db, const char *citizen_id, json_t **out, struct err *e)
{
	*out = NULL;
	for (int i = 0; citizen_id && *citizen_id && khet_modules[i]; i++) {
		if (!khet_modules[i]->person_record)
			continue;
		int k = khet_modules[i]->person_record(db, citizen_id, out, e);
		if (k != 0)
			return k;
	}
	return 0;
}

int module_school_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e)
{
	for (int i = 0; khet_modules[i]; i++) {
		if (!khet_modules[i]->school_rooms)
			continue;
		int k = khet_modules[i]->school_rooms(db, school_id, year, rooms, e);
		if (k != 0)
			return k;
	}
	return 0;
}

bool module_person_add_href(long long school_id, const char *citizen_id, struct buf *out)
{
	for (int i = 0; khet_modules[i]; i++)
		if (khet_modules[i]->person_add_href) {
			khet_modules[i]->person_add_href(school_id, citizen_id, out);
			return true;
		}
	return false;
}

json_t *module_person_links(struct db *db, const char *citizen_id, struct err *e)
{
	json_t *all = json_array();
	for (int i = 0; citizen_id && *citizen_id && khet_modules[i]; i++) {
		if (!khet_modules[i]->person_links)
			continue;
		json_t *l = khet_modules[i]->person_links(db, citizen_id, e);
		if (!l) {
			json_decref(all);
			return NULL;
		}
		json_array_extend(all, l);
		json_decref(l);
	}
	return all;
}

int module_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e)
{
	for (int i = 0; khet_modules[i]; i++)
		if (khet_modules[i]->deadlines && khet_modules[i]->deadlines(db, q, out, e) < 0)
			return -1;
	return 0;
}

void deadline_time(long long t, char out[32])
{
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, mo, d, h, mi, s);
}

long long deadline_time_parse(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	char date[11];
	memcpy(date, s, 10);
	date[10] = 0;
	int cy, cm, cd;
	if (thai_parse_date(date, &cy, &cm, &cd) < 0 || h > 23 || mi > 59 || sec > 60)
		return -1;
	const char *z = s + 19;
	long long off;
	if (!strcmp(z, "Z")) {
		off = 0;
	} else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && z[3] == ':' && z[1] >= '0' && z[1] <= '9' &&
		   z[2] >= '0' && z[2] <= '9' && z[4] >= '0' && z[4] <= '5' && z[5] >= '0' && z[5] <= '9') {
		off = ((z[1] - '0') * 10 + (z[2] - '0')) * 3600LL + ((z[4] - '0') * 10 + (z[5] - '0')) * 60LL;
		if (z[0] == '-')
			off = -off;
	} else {
		return -1;
	}
	/* Bangkok is UTC+7 with no daylight saving: local → UTC, then the offset */
	return thai_from_local(y, mo, d, h, mi, sec) + 7 * 3600LL - off;
}

const struct command_def *module_command(const char *name)
{
	for (int i = 0; name && khet_modules[i]; i++)
		for (const struct command_def *c = khet_modules[i]->commands; c && c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

const struct import_def *module_import(const char *name)
{
	for (int i = 0; name && khet_modules[i]; i++)
		for (const struct import_def *c = khet_modules[i]->imports; c && c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

/* --- demo arguments ------------------------------------------------------ */

struct demo_args {
	int n;
	const struct demo_flag **flags;
	long long *values;
	const char *data_dir;
};

struct demo_args *demo_args_new(void)
{
	struct demo_args *a = xcalloc(1, sizeof *a);
	int cap = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct demo_flag *f = khet_modules[i]->demo_flags; f && f->name; f++)
			cap++;
	a->flags = xcalloc((size_t)cap + 1, sizeof *a->flags);
	a->values = xcalloc((size_t)cap + 1, sizeof *a->values);
	for (int i = 0; khet_modules[i]; i++)
		for (const struct demo_flag *f = khet_modules[i]->demo_flags; f && f->name; f++) {
			a->flags[a->n] = f;
			a->values[a->n] = f->def;
			a->n++;
		}
	return a;
}

int demo_args_set(struct demo_args *a, const char *name, long long value, struct err *e)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->flags[i]->name, name)) {
			if (value < a->flags[i]->min || value > a->flags[i]->max)
				return err_set(e, 400, "--%s must be between %lld and %lld", name, a->flags[i]->min,
					       a->flags[i]->max);
			a->values[i] = value;
			return 0;
		}
	return err_set(e, 400, "unknown flag --%s", name);
}

void demo_args_set_data_dir(struct demo_args *a, const char *dir)
{
	a->data_dir = dir;
}

const char *demo_data_dir(const struct demo_args *a)
{
	return a ? a->data_dir : NULL;
}

long long demo_arg(const struct demo_args *a, const char *name)
{
	for (int i = 0; a && i < a->n; i++)
		if (!strcmp(a->flags[i]->name, name))
			return a->values[i];
	return 0;
}

void demo_args_free(struct demo_args *a)
{
	if (!a)
		return;
	free(a->flags);
	free(a->values);
	free(a);
}

const char *module_audit_label(const char *action)
{
	for (int i = 0; khet_modules[i]; i++)
		for (const struct audit_action_def *a = khet_modules[i]->audit_actions; a && a->action; a++)
			if (!strcmp(a->action, action))
				return a->label;
	return NULL;
}

const struct audit_action_def *module_audit_action_at(int i)
{
	for (int m = 0; khet_modules[m]; m++)
		for (const struct audit_action_def *a = khet_modules[m]->audit_actions; a && a->action; a++)
			if (i-- == 0)
				return a;
	return NULL;
}
