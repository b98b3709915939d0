/* personal: finding the personal values of a view model and learning which
 * of them a page printed (see personal.h for the naming convention and why
 * the view layer does this for every page).
 *
 * Collecting walks the model once and keeps each personal string with the
 * object and key it sits under, so pruning is a json_object_del per value.
 * "Shown" is decided by text, not by the json_t a template printed: a form
 * prints its field's value, which form_model copies from the record, and
 * the record's copy of the same e-mail is then on the page too. Values are
 * kept sorted by text, so each string a page prints costs one binary search
 * and nothing is allocated while rendering. */
#include "core/personal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* Depth of the walk: our models nest a few levels; a cycle (which jansson
 * refuses to build) or a runaway model stops here instead of the stack. */
#define MAX_WALK 32

/* The stems with their lengths, so a key costs a byte compare per stem
 * before any string compare: every page's model is walked key by key. */
static const struct stem {
	const char *s;
	size_t n;
} stems[] = {{"citizen_id", 10}, {"gcode", 5},	     {"ident", 5},   {"email", 5}, {"phone", 5},
	     {"address", 7},	 {"birth_date", 10}, {"line_id", 7}, {"salary", 6}};

/* The shortest stem: a shorter key is never personal. */
#define STEM_MIN 5

struct value {
	json_t *parent; /* the object holding it */
	char *key;	/* its key there (a copy: pruning deletes the original) */
	size_t keylen;	/* jansson's keys may hold a NUL */
	char *path;	/* "rows[].email", for the audit trail */
	const char *s;	/* the text, owned by the model (a number's: by num) */
	size_t len;
	char *num;	/* a number's text ("4512000"), or NULL */
	bool shown;
};

/* A number's text, the same for the value collected and the value a
 * template prints: integers in full, reals to 17 digits. */
static size_t number_text(json_t *v, char out[40])
{
	int n = json_is_integer(v) ? snprintf(out, 40, "%lld", (long long)json_integer_value(v))
				   : snprintf(out, 40, "%.17g", json_real_value(v));
	return n > 0 && n < 40 ? (size_t)n : 0;
}

struct personal {
	struct value *v;
	size_t n, cap;
	size_t nnum; /* how many of v are numbers: none, and a printed number costs nothing */
	size_t *by_text; /* indexes of v sorted by text */
};

/* For each byte, the stems (bit i: stems[i]) that end, and that start,
 * with it: a key whose last and first bytes end and start no stem costs
 * two table reads (most keys of a page: "name", "status_label", "url").
 * Kept by hand beside stems[]; test_personal tries every stem whole, as
 * the last word and as the first. */
static const unsigned short stem_last[256] = {
    ['d'] = (1u << 0) | (1u << 7), /* citizen_id, line_id */
    ['e'] = (1u << 1) | (1u << 4) | (1u << 6), /* gcode, phone, birth_date */
    ['t'] = 1u << 2,	       /* ident */
    ['l'] = 1u << 3,	       /* email */
    ['s'] = 1u << 5,	       /* address */
    ['y'] = 1u << 8,	       /* salary */
};
static const unsigned short stem_first[256] = {
    ['c'] = 1u << 0, ['g'] = 1u << 1, ['i'] = 1u << 2, ['e'] = 1u << 3, ['p'] = 1u << 4,
    ['a'] = 1u << 5, ['b'] = 1u << 6, ['l'] = 1u << 7, ['s'] = 1u << 8,
};

static bool key_personal(const char *key, size_t kl)
{
	if (kl < STEM_MIN)
		return false;
	bool hit = false;
	/* the whole key, its last words ("guardian_phone") or its first ("address_contact") */
	for (unsigned m = stem_last[(unsigned char)key[kl - 1]]; m && !hit; m &= m - 1) {
		const struct stem *st = &stems[__builtin_ctz(m)];
		hit = kl >= st->n && !memcmp(key + kl - st->n, st->s, st->n) && (kl == st->n || key[kl - st->n - 1] == '_');
	}
	for (unsigned m = stem_first[(unsigned char)key[0]]; m && !hit; m &= m - 1) {
		const struct stem *st = &stems[__builtin_ctz(m)];
		hit = kl > st->n && key[st->n] == '_' && !memcmp(key, st->s, st->n);
	}
	if (!hit)
		return false;
	/* a masked form ("citizen_id_masked") is what lists show instead */
	static const char masked[] = "_masked";
	return !(kl >= sizeof masked - 1 && !memcmp(key + kl - (sizeof masked - 1), masked, sizeof masked - 1));
}

bool personal_key(const char *key)
{
	return key_personal(key, strlen(key));
}

/* Where the walk is: the keys from the root, each either an object's key
 * or "[]" for an array's items. The path text is built only for a value
 * that is kept, so a page without personal data costs no text at all. */
struct trail {
	const char *seg[MAX_WALK + 2];
	int n;
};

static void add(struct personal *p, json_t *parent, const char *key, size_t keylen, const struct trail *t,
		json_t *v)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	struct buf path = BUF_INIT;
	for (int i = 0; i < t->n; i++) {
		if (i && strcmp(t->seg[i], "[]"))
			buf_addc(&path, '.');
		buf_adds(&path, t->seg[i]);
	}
	struct value *x = &p->v[p->n++];
	x->parent = parent;
	x->key = xstrndup(key, keylen);
	x->keylen = keylen;
	x->path = buf_detach(&path, NULL);
	x->num = NULL;
	if (json_is_number(v)) {
		char text[40];
		x->len = number_text(v, text);
		x->num = xmalloc(x->len + 1);
		memcpy(x->num, text, x->len + 1);
		x->s = x->num;
		p->nnum++;
	} else {
		x->s = json_string_value(v);
		x->len = json_string_length(v);
	}
	x->shown = false;
}

/* Walks j; every page's model goes through here, so a key costs its
 * length from jansson (no strlen), a look at its first and last bytes
 * (key_personal) and, for a string, nothing more when it is not personal;
 * whether an object is a form field (its "name") is looked up only when it
 * has a "value" to keep, and scalars are not walked into. */
static void walk(struct personal *p, json_t *j, struct trail *t)
{
	if (t->n > MAX_WALK)
		return;
	if (json_is_object(j)) {
		/* a form field (form_model: {name, value, …}) holds a personal
		 * value when its name is a personal key: -1 not looked up yet */
		int field = -1;
		for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it)) {
			const char *k = json_object_iter_key(it);
			size_t kl = json_object_iter_key_len(it);
			json_t *v = json_object_iter_value(it);
			/* a salary in satang is as personal as its text */
			if (json_is_string(v) || json_is_number(v)) {
				if (json_is_string(v) && !json_string_length(v))
					continue;
				bool keep = key_personal(k, kl);
				if (!keep && kl == 5 && !memcmp(k, "value", 5)) {
					if (field < 0) {
						json_t *name = json_object_get(j, "name");
						field = json_is_string(name) && personal_key(json_string_value(name));
					}
					keep = field;
				}
				if (keep) {
					t->seg[t->n++] = k;
					add(p, j, k, kl, t, v);
					t->n--;
				}
			} else if (json_is_object(v) || json_is_array(v)) {
				/* a form's messages by field name ("errors": {"email": "…"}):
				 * a Thai sentence about the field, never the person's data */
				if (kl == 6 && !memcmp(k, "errors", 6))
					continue;
				t->seg[t->n++] = k;
				walk(p, v, t);
				t->n--;
			}
		}
	} else if (json_is_array(j)) {
		size_t n = json_array_size(j);
		t->seg[t->n++] = "[]";
		/* a list of strings holds no key to prune by: only lists of objects matter */
		for (size_t i = 0; i < n; i++) {
			json_t *v = json_array_get(j, i);
			if (json_is_object(v) || json_is_array(v))
				walk(p, v, t);
		}
		t->n--;
	}
}

/* qsort has no argument (qsort_r is not C11): the set being sorted, per thread */
static _Thread_local const struct personal *sort_ctx;

static int text_cmp3(const char *a, size_t al, const char *b, size_t bl)
{
	if (al != bl)
		return al < bl ? -1 : 1;
	return memcmp(a, b, al);
}

static int by_text_cmp(const void *a, const void *b)
{
	const struct value *x = &sort_ctx->v[*(const size_t *)a], *y = &sort_ctx->v[*(const size_t *)b];
	return text_cmp3(x->s, x->len, y->s, y->len);
}

struct personal *personal_collect(json_t *model)
{
	struct personal tmp = {0};
	struct trail t = {.n = 0};
	walk(&tmp, model, &t);
	if (!tmp.n)
		return NULL;
	struct personal *p = xmalloc(sizeof *p);
	*p = tmp;
	p->by_text = xmalloc(p->n * sizeof *p->by_text);
	for (size_t i = 0; i < p->n; i++)
		p->by_text[i] = i;
	sort_ctx = p;
	qsort(p->by_text, p->n, sizeof *p->by_text, by_text_cmp);
	sort_ctx = NULL;
	return p;
}

void personal_free(struct personal *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].path);
		free(p->v[i].num);
	}
	free(p->v);
	free(p->by_text);
	free(p);
}

size_t personal_count(const struct personal *p)
{
	return p ? p->n : 0;
}

size_t personal_shown_count(const struct personal *p)
{
	size_t n = 0;
	for (size_t i = 0; p && i < p->n; i++)
		n += p->v[i].shown;
	return n;
}

void personal_seen(void *arg, json_t *v)
{
	struct personal *p = arg;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	char t[40];
	if (json_is_number(v)) {
		if (!p->nnum)
			return;
		len = number_text(v, t);
		s = t;
	}
	if (!s)
		return;
	/* the first value whose text is not below s */
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct value *x = &p->v[p->by_text[mid]];
		if (text_cmp3(x->s, x->len, s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->n; lo++) {
		struct value *x = &p->v[p->by_text[lo]];
		if (text_cmp3(x->s, x->len, s, len))
			break;
		x->shown = true;
	}
}

void personal_show_all(struct personal *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		p->v[i].shown = true;
}

void personal_prune(struct personal *p)
{
	for (size_t i = 0; p && i < p->n; i++) {
		struct value *x = &p->v[i];
		if (x->shown)
			continue;
		/* a string's text belongs to the model: forget it before it goes */
		if (!x->num) {
			x->s = NULL;
			x->len = 0;
		}
		json_object_deln(x->parent, x->key, x->keylen);
	}
}

json_t *personal_shown(const struct personal *p)
{
	json_t *a = json_array();
	for (size_t i = 0; p && i < p->n; i++)
		if (p->v[i].shown)
			json_array_append_new(
			    a, json_pack("{s:s, s:s%}", "path", p->v[i].path, "value", p->v[i].s, p->v[i].len));
	return a;
}
