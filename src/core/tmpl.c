/* tmpl: the mustache engine behind every HTML page (see tmpl.h). A template is
 * parsed once, in four passes over a flat token list, into a tree whose text
 * and names point into the template's own copy of its source: (1) tokenize,
 * following set-delimiter tags and pairing every section with its end tag so
 * that nesting errors are reported with a line number; (2) find standalone
 * lines, whose whitespace and newline vanish and whose leading whitespace
 * becomes the indentation of a partial, parent or block; (3) re-indent block
 * overrides, whose own indentation is removed where they are written and the
 * block's indentation added where they land (the spec's "Block
 * reindentation"); (4) build the tree. Rendering only reads the tree: the
 * context stack, the indentation and the chain of block overrides live in
 * small records on the C stack, so any number of threads render one set at
 * once and nothing is allocated per variable. Indentation is written lazily,
 * just before the first output of a line, so a line that renders nothing
 * leaves no trailing spaces behind. */
#include "core/tmpl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A template nests sections no deeper than this; it bounds the parser's stack
 * and, with MAX_DEPTH, the renderer's recursion. */
#define MAX_NEST 100
/* Partials, parents and block overrides nest no deeper than this at render
 * time, so a partial that includes itself fails instead of exhausting the
 * stack of a worker thread. */
#define MAX_DEPTH 64

enum tok_type {
	T_TEXT,
	T_VAR,
	T_RAW,
	T_SECTION,
	T_INVERTED,
	T_CLOSE,
	T_COMMENT,
	T_PARTIAL,
	T_PARENT,
	T_BLOCK,
	T_DELIM
};

/* What the parser knows of one piece of source. Text tokens never span a
 * newline (a newline ends its token), so the tokens of one line are a run. */
struct tok {
	enum tok_type type;
	int line;
	size_t start, end; /* source span; for tags including the delimiters */
	const char *s;	   /* text, or the trimmed tag name */
	size_t len;
	const char *ws; /* tags preceded on their line only by whitespace: that whitespace */
	size_t wslen;
	const char *dd; /* override blocks with a standalone opening: indentation their content loses */
	size_t ddlen;
	long match; /* an opening tag's end tag and back */
	long up;    /* the innermost enclosing opening tag, or -1 */
	bool bol;   /* text that starts a source line */
	bool has_ws, standalone, removed, has_dd;
};

enum node_type { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
	enum node_type type;
	int line;
	const char *s; /* text, or the name */
	size_t len;
	const char *ind; /* added to the indentation while the partial, parent or block override renders */
	size_t indlen;
	size_t first; /* a name's first part: up to its first dot, else len */
	struct node *kids; /* section content; a parent's block overrides; a block's default */
	size_t nkids;
};

struct tmpl {
	char *name;
	char *src;
	struct node *kids;
	size_t nkids;
};

struct tmpl_set {
	struct tmpl **t; /* sorted by name for bsearch */
	size_t n, cap;
};

/* ---- the set ------------------------------------------------------------- */

static int name_cmp(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Index of name in the set, or where it would be inserted (*found = 0). */
static size_t set_find(const struct tmpl_set *set, const char *name, size_t len, int *found)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, len, set->t[mid]->name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

static const struct tmpl *set_get(const struct tmpl_set *set, const char *name, size_t len)
{
	int found;
	size_t i = set_find(set, name, len, &found);
	return found ? set->t[i] : NULL;
}

static void nodes_free(struct node *kids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nodes_free(kids[i].kids, kids[i].nkids);
	free(kids);
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	nodes_free(t->kids, t->nkids);
	free(t->src);
	free(t->name);
	free(t);
}

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_free(set->t[i]);
	free(set->t);
	free(set);
}

int tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set_get(set, name, strlen(name)) != NULL;
}

/* ---- pass 1: tokens ------------------------------------------------------ */

struct parser {
	const char *name;
	char *src;
	size_t len;
	struct tok *t;
	size_t n, cap;
	struct err *e;
};

static int syntax(struct parser *p, int line, const char *what, const char *a, size_t alen, const char *b, size_t blen,
		  int line2)
{
	/* One shape for every message: what went wrong, the tag it concerns
	 * (cut short: a runaway comment could be the rest of the file) and,
	 * for a pairing error, where the other half was. */
	if (alen > 60)
		alen = 60;
	if (line2)
		return err_set(p->e, 500, "template %s line %d: %s %.*s (opened on line %d as %.*s)", p->name, line,
			       what, (int)alen, a, line2, (int)blen, b);
	return err_set(p->e, 500, "template %s line %d: %s %.*s", p->name, line, what, (int)alen, a);
}

static struct tok *tok_push(struct parser *p, enum tok_type type, int line, long up)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->t = xrealloc(p->t, p->cap * sizeof *p->t);
	}
	struct tok *t = &p->t[p->n++];
	memset(t, 0, sizeof *t);
	t->type = type;
	t->line = line;
	t->match = -1;
	t->up = up;
	return t;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* First occurrence of needle in hay[from, to), or to. */
static size_t find(const char *hay, size_t from, size_t to, const char *needle, size_t nlen)
{
	while (from + nlen <= to) {
		const char *c = memchr(hay + from, needle[0], to - from - nlen + 1);
		if (!c)
			return to;
		size_t at = (size_t)(c - hay);
		if (!memcmp(c, needle, nlen))
			return at;
		from = at + 1;
	}
	return to;
}

/* Where the closing delimiter of a tag starts. For {{{x}}} and {{=a b=}} the
 * tag ends with pre followed by ctag; the returned index is that of pre. */
static size_t find_close(const char *src, size_t from, size_t len, char pre, const char *ctag, size_t clen)
{
	size_t at = from;
	for (;;) {
		at = find(src, at, len, ctag, clen);
		if (at == len)
			return len;
		if (!pre)
			return at;
		if (at > from && src[at - 1] == pre)
			return at - 1;
		at++;
	}
}

static const char *sigil(enum tok_type type)
{
	switch (type) {
	case T_SECTION: return "{{#";
	case T_INVERTED: return "{{^";
	case T_PARENT: return "{{<";
	case T_BLOCK: return "{{$";
	case T_CLOSE: return "{{/";
	default: return "{{";
	}
}

static int tokenize(struct parser *p)
{
	const char *src = p->src;
	size_t len = p->len;
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	long stack[MAX_NEST];
	int depth = 0, line = 1;
	size_t pos = 0;
	char what[200];

	while (pos < len) {
		size_t open = find(src, pos, len, otag, olen);
		while (pos < open) {
			const char *nl = memchr(src + pos, '\n', open - pos);
			size_t end = nl ? (size_t)(nl - src) + 1 : open;
			struct tok *t = tok_push(p, T_TEXT, line, depth ? stack[depth - 1] : -1);
			t->start = pos;
			t->end = end;
			t->s = src + pos;
			t->len = end - pos;
			t->bol = pos == 0 || src[pos - 1] == '\n';
			if (nl)
				line++;
			pos = end;
		}
		if (open == len)
			break;

		size_t c = open + olen;
		char kind = c < len ? src[c] : 0;
		char pre = kind == '{' ? '}' : kind == '=' ? '=' : 0;
		bool sigil_char = kind && strchr("{&#^/!><$=", kind);
		size_t close = find_close(src, sigil_char ? c + 1 : c, len, pre, ctag, clen);
		if (close == len)
			return err_set(p->e, 500, "template %s line %d: unclosed tag %.*s (no %.*s after it)", p->name,
				       line, (int)olen, otag, (int)clen, ctag);
		size_t end = close + (pre ? 1 : 0) + clen;

		enum tok_type type;
		size_t ns = c + 1;
		switch (kind) {
		case '{': type = T_RAW; break;
		case '&': type = T_RAW; break;
		case '#': type = T_SECTION; break;
		case '^': type = T_INVERTED; break;
		case '/': type = T_CLOSE; break;
		case '!': type = T_COMMENT; break;
		case '>': type = T_PARTIAL; break;
		case '<': type = T_PARENT; break;
		case '$': type = T_BLOCK; break;
		case '=': type = T_DELIM; break;
		default:
			type = T_VAR;
			ns = c;
			break;
		}
		size_t ne = close;
		while (ns < ne && is_blank(src[ns]))
			ns++;
		while (ne > ns && is_blank(src[ne - 1]))
			ne--;
		int tline = line;
		for (size_t i = open; i < end; i++)
			line += src[i] == '\n';

		long up = depth ? stack[depth - 1] : -1;
		if (up >= 0 && p->t[up].type == T_PARENT && type != T_BLOCK && type != T_CLOSE && type != T_COMMENT &&
		    type != T_DELIM) {
			snprintf(what, sizeof what, "only {{$block}} tags and text may appear inside {{<%.*s}}, not",
				 (int)p->t[up].len, p->t[up].s);
			return syntax(p, tline, what, src + open, end - open, NULL, 0, 0);
		}

		if (type == T_DELIM) {
			/* {{=<% %>=}}: two words, neither holding '=' */
			size_t a = ns, b;
			for (b = a; b < ne && !is_blank(src[b]); b++)
				;
			size_t c2 = b;
			while (c2 < ne && is_blank(src[c2]))
				c2++;
			size_t d = c2;
			while (d < ne && !is_blank(src[d]))
				d++;
			if (b == a || c2 == ne || d != ne || memchr(src + a, '=', b - a) ||
			    memchr(src + c2, '=', d - c2))
				return syntax(p, tline, "bad delimiters in", src + open, end - open, NULL, 0, 0);
			struct tok *t = tok_push(p, type, tline, up);
			t->start = open;
			t->end = end;
			otag = src + a;
			olen = b - a;
			ctag = src + c2;
			clen = d - c2;
			pos = end;
			continue;
		}
		if (type != T_COMMENT) {
			if (ns == ne)
				return syntax(p, tline, "empty tag", src + open, end - open, NULL, 0, 0);
			for (size_t i = ns; i < ne; i++)
				if (is_blank(src[i]))
					return syntax(p, tline, "space inside the name of", src + open, end - open,
						      NULL, 0, 0);
		}

		struct tok *t = tok_push(p, type, tline, up);
		long self = (long)p->n - 1;
		t->start = open;
		t->end = end;
		t->s = src + ns;
		t->len = ne - ns;
		if (type == T_SECTION || type == T_INVERTED || type == T_PARENT || type == T_BLOCK) {
			if (depth == MAX_NEST) {
				snprintf(what, sizeof what, "sections nested deeper than %d at", MAX_NEST);
				return syntax(p, tline, what, src + open, end - open, NULL, 0, 0);
			}
			stack[depth++] = self;
		} else if (type == T_CLOSE) {
			if (!depth)
				return syntax(p, tline, "end tag closes nothing:", src + open, end - open, NULL, 0, 0);
			struct tok *o = &p->t[stack[depth - 1]];
			if (o->len != t->len || memcmp(o->s, t->s, t->len)) {
				char opened[160];
				snprintf(opened, sizeof opened, "%s%.*s}}", sigil(o->type), (int)o->len, o->s);
				return syntax(p, tline, "mismatched end tag", src + open, end - open, opened,
					      strlen(opened), o->line);
			}
			o->match = self;
			t->match = stack[depth - 1];
			t->up = p->t[stack[depth - 1]].up;
			depth--;
		}
		pos = end;
	}
	if (depth) {
		struct tok *o = &p->t[stack[depth - 1]];
		snprintf(what, sizeof what, "%s%.*s}} is never closed", sigil(o->type),
			 (int)(o->len > 40 ? 40 : o->len), o->s);
		return err_set(p->e, 500, "template %s line %d: unclosed section: %s", p->name, o->line, what);
	}
	return 0;
}

/* ---- pass 2: standalone lines -------------------------------------------- */

static bool text_blank(const struct tok *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] != ' ' && t->s[i] != '\t' && t->s[i] != '\r' && t->s[i] != '\n')
			return false;
	return true;
}

static bool is_override(const struct parser *p, const struct tok *t)
{
	return t->type == T_BLOCK && t->up >= 0 && p->t[t->up].type == T_PARENT;
}

/* Tokens [a, b] are one source line. It is standalone when it holds only
 * whitespace and one tag that prints nothing of its own; the inheritance
 * spec also lets a line hold several parent and block tags
 * ("{{<layout}}{{$body}}", "{{<p}}{{/p}}", "{{/body}}{{/layout}}"). An empty
 * block written on one line ("  {{$title}}{{/title}}") is the exception: it
 * stands where its content goes, like a variable, so its line and newline
 * stay and its override is indented to its column (the spec's "Standalone
 * block"). */
static void line_standalone(struct parser *p, size_t a, size_t b)
{
	size_t ntags = 0, first = b + 1;
	bool ok = true, inherit_only = true;
	for (size_t k = a; k <= b; k++) {
		struct tok *t = &p->t[k];
		if (t->type == T_TEXT) {
			if (!text_blank(t))
				ok = false;
			continue;
		}
		if (!ntags++)
			first = k;
		if (t->type == T_VAR || t->type == T_RAW)
			ok = false;
		bool inherit =
		    t->type == T_PARENT || t->type == T_BLOCK ||
		    (t->type == T_CLOSE && (p->t[t->match].type == T_PARENT || p->t[t->match].type == T_BLOCK));
		if (!inherit)
			inherit_only = false;
		if (t->type == T_BLOCK && !is_override(p, t) && (size_t)t->match <= b)
			inherit_only = false;
	}
	if (!ntags)
		return;
	const char *ws = p->src + p->t[first].start;
	size_t wslen = 0;
	if (first > a) {
		/* text before the first tag: one token, since text splits only at newlines */
		if (!text_blank(&p->t[a]))
			return;
		ws = p->t[a].s;
		wslen = p->t[a].len;
	}
	if (ok && (ntags == 1 || inherit_only)) {
		for (size_t k = a; k <= b; k++) {
			struct tok *t = &p->t[k];
			if (t->type == T_TEXT) {
				t->removed = true;
			} else {
				t->standalone = true;
				t->has_ws = true;
				t->ws = ws;
				t->wslen = wslen;
			}
		}
		return;
	}
	p->t[first].has_ws = true;
	p->t[first].ws = ws;
	p->t[first].wslen = wslen;
}

static void mark_standalone(struct parser *p)
{
	size_t a = 0;
	while (a < p->n) {
		size_t b = a;
		while (b + 1 < p->n && !(p->t[b].type == T_TEXT && p->t[b].len && p->t[b].s[p->t[b].len - 1] == '\n'))
			b++;
		line_standalone(p, a, b);
		a = b + 1;
	}
}

/* ---- pass 3: block indentation ------------------------------------------- */

static bool is_indent(char c)
{
	return c == ' ' || c == '\t';
}

/* The indentation shared by the non-blank lines of src[from, to), skipping
 * the rest of the line from starts on (the opening tag's own line). False
 * when there is no such line. */
static bool common_indent(const char *src, size_t from, size_t to, const char **ind, size_t *indlen)
{
	const char *nl = from < to ? memchr(src + from, '\n', to - from) : NULL;
	if (!nl)
		return false;
	bool has = false;
	size_t pos = (size_t)(nl - src) + 1;
	while (pos < to) {
		size_t q = pos;
		while (q < to && is_indent(src[q]))
			q++;
		const char *e = q < to ? memchr(src + q, '\n', to - q) : NULL;
		size_t eol = e ? (size_t)(e - src) : to;
		bool blank = q == eol || (src[q] == '\r' && q + 1 == eol);
		if (!blank) {
			size_t n = q - pos;
			if (!has) {
				*ind = src + pos;
				*indlen = n;
				has = true;
			} else {
				size_t k = 0;
				while (k < *indlen && k < n && (*ind)[k] == src[pos + k])
					k++;
				*indlen = k;
			}
		}
		pos = eol + 1;
	}
	return has;
}

/* The dedent of the innermost override block around token k, if any. */
static const struct tok *dedent_of(const struct parser *p, size_t k)
{
	for (long u = p->t[k].up; u >= 0; u = p->t[u].up)
		if (p->t[u].has_dd)
			return &p->t[u];
	return NULL;
}

static size_t prefix_len(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t k = 0;
	while (k < alen && k < blen && a[k] == b[k])
		k++;
	return k;
}

/* An override whose opening tag is standalone loses the indentation its lines
 * share, so that where it lands only the block's own indentation counts. A
 * block that is not an override gets the indentation its override is given:
 * when its opening tag is standalone, that of its default content (the
 * spec's "Intrinsic indentation"), else the whitespace before the tag. */
static void reindent(struct parser *p)
{
	for (size_t k = 0; k < p->n; k++) {
		struct tok *t = &p->t[k];
		if (is_override(p, t) && t->standalone) {
			t->has_dd = true;
			if (!common_indent(p->src, t->end, p->t[t->match].start, &t->dd, &t->ddlen))
				t->ddlen = 0;
		}
	}
	for (size_t k = 0; k < p->n; k++) {
		struct tok *t = &p->t[k];
		const struct tok *d = dedent_of(p, k);
		if (!d || !d->ddlen)
			continue;
		if (t->type == T_TEXT && t->bol && !t->removed) {
			size_t n = prefix_len(t->s, t->len, d->dd, d->ddlen);
			t->s += n;
			t->len -= n;
		} else if (t->type != T_TEXT && t->has_ws) {
			size_t n = prefix_len(t->ws, t->wslen, d->dd, d->ddlen);
			t->ws += n;
			t->wslen -= n;
		}
	}
}

/* The indentation a block gives its override (see reindent). */
static void block_indent(const struct parser *p, size_t k, const char **ind, size_t *indlen)
{
	const struct tok *t = &p->t[k];
	*ind = NULL;
	*indlen = 0;
	if (t->standalone && common_indent(p->src, t->end, p->t[t->match].start, ind, indlen)) {
		const struct tok *d = dedent_of(p, k);
		if (d) {
			size_t n = prefix_len(*ind, *indlen, d->dd, d->ddlen);
			*ind += n;
			*indlen -= n;
		}
		return;
	}
	if (t->has_ws) {
		*ind = t->ws;
		*indlen = t->wslen;
	}
}

/* ---- pass 4: the tree ---------------------------------------------------- */

struct nodes {
	struct node *v;
	size_t n, cap;
};

static struct node *node_push(struct nodes *ns, enum node_type type, const struct tok *t)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	struct node *n = &ns->v[ns->n++];
	memset(n, 0, sizeof *n);
	n->type = type;
	n->line = t->line;
	n->s = t->s;
	n->len = t->len;
	const char *dot = t->type == T_TEXT || !t->len ? NULL : memchr(t->s, '.', t->len);
	n->first = dot && t->len > 1 ? (size_t)(dot - t->s) : t->len;
	return n;
}

/* Builds the nodes of tokens [from, to). Inside a parent only the block
 * overrides are kept: the spec ignores anything else written there. */
static void build(const struct parser *p, size_t from, size_t to, bool overrides_only, struct node **kids,
		  size_t *nkids)
{
	struct nodes ns = {0};
	for (size_t k = from; k < to; k++) {
		const struct tok *t = &p->t[k];
		struct node *n;
		switch (t->type) {
		case T_TEXT:
			if (t->removed || !t->len || overrides_only)
				break;
			if (ns.n && ns.v[ns.n - 1].type == N_TEXT && ns.v[ns.n - 1].s + ns.v[ns.n - 1].len == t->s) {
				ns.v[ns.n - 1].len += t->len;
				break;
			}
			node_push(&ns, N_TEXT, t);
			break;
		case T_VAR:
		case T_RAW: node_push(&ns, t->type == T_VAR ? N_VAR : N_RAW, t); break;
		case T_PARTIAL:
			n = node_push(&ns, N_PARTIAL, t);
			if (t->standalone) {
				n->ind = t->ws;
				n->indlen = t->wslen;
			}
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK: {
			struct node *kk;
			size_t nk;
			build(p, k + 1, (size_t)t->match, t->type == T_PARENT, &kk, &nk);
			enum node_type nt = t->type == T_SECTION    ? N_SECTION
					    : t->type == T_INVERTED ? N_INVERTED
					    : t->type == T_PARENT   ? N_PARENT
								    : N_BLOCK;
			n = node_push(&ns, nt, t);
			n->kids = kk;
			n->nkids = nk;
			if (nt == N_PARENT && t->standalone) {
				n->ind = t->ws;
				n->indlen = t->wslen;
			} else if (nt == N_BLOCK) {
				block_indent(p, k, &n->ind, &n->indlen);
			}
			k = (size_t)t->match;
			break;
		}
		case T_CLOSE:
		case T_COMMENT:
		case T_DELIM: break;
		}
	}
	*kids = ns.v;
	*nkids = ns.n;
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len, struct err *e)
{
	if (!src)
		len = 0;
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->src = xstrndup(len ? src : "", len);
	struct parser p = {.name = name, .src = t->src, .len = len, .e = e};
	if (tokenize(&p) < 0) {
		free(p.t);
		tmpl_free(t);
		return -1;
	}
	mark_standalone(&p);
	reindent(&p);
	build(&p, 0, p.n, false, &t->kids, &t->nkids);
	free(p.t);

	int found;
	size_t i = set_find(set, name, strlen(name), &found);
	if (found) {
		tmpl_free(set->t[i]);
		set->t[i] = t;
		return 0;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->t = xrealloc(set->t, set->cap * sizeof *set->t);
	}
	memmove(set->t + i + 1, set->t + i, (set->n - i) * sizeof *set->t);
	set->t[i] = t;
	set->n++;
	return 0;
}

/* ---- rendering ----------------------------------------------------------- */

/* The context stack, the indentation and the override chain: each a list
 * linked from the innermost entry outwards, living in the frames of the
 * render functions. */
struct frame {
	json_t *v;
	const struct frame *up;
};

struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

struct defs {
	const struct node *parent;
	const struct defs *up;
};

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	struct err *e;
	const struct tmpl *cur;
	const struct indent *ind;
	const struct defs *defs;
	int depth;
	bool pending; /* at the start of a line: indentation is due before the next output */
	const struct tmpl_watch *watch;
};

static void emit_indent(struct buf *out, const struct indent *ind)
{
	if (!ind)
		return;
	emit_indent(out, ind->up);
	buf_add(out, ind->s, ind->len);
}

static void emit_text(struct render *r, const char *s, size_t len)
{
	if (!r->ind) {
		buf_add(r->out, s, len);
		r->pending = s[len - 1] == '\n';
		return;
	}
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) + 1 : len;
		/* empty lines get no indentation: it would only be trailing spaces */
		bool empty = s[0] == '\n' || (n == 2 && s[0] == '\r' && s[1] == '\n');
		if (r->pending && !empty)
			emit_indent(r->out, r->ind);
		buf_add(r->out, s, n);
		r->pending = nl != NULL;
		s += n;
		len -= n;
	}
}

/* Shortest form that reads back as the same double: 1.21 prints as 1.21. */
static int format_real(char *num, size_t size, double v)
{
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(num, size, "%.*g", prec, v);
		if (strtod(num, NULL) == v)
			break;
	}
	return n;
}

/* Interpolated text is not indented line by line (the spec's "Standalone
 * Indentation"), so only its start settles a pending indentation. */
static void emit_value(struct render *r, json_t *v, bool escape)
{
	char num[40];
	const char *s;
	size_t n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = buf_fmt_int(num, (long long)json_integer_value(v));
		s = num;
		break;
	case JSON_REAL:
		n = (size_t)format_real(num, sizeof num, json_real_value(v));
		s = num;
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:
		/* null prints nothing (the spec); objects and lists have no
		 * text form worth showing in a page */
		return;
	}
	if (!n)
		return;
	if (r->watch && (json_is_string(v) || json_is_number(v)))
		r->watch->seen(r->watch->arg, v);
	if (r->pending) {
		emit_indent(r->out, r->ind);
		r->pending = false;
	}
	/* a number or true/false has nothing to escape */
	if (escape && json_is_string(v))
		buf_add_html(r->out, s, n);
	else
		buf_add(r->out, s, n);
}

/* Name resolution as the spec has it: the first part of a dotted name is
 * looked for down the context stack, the rest only inside what it found.
 * Where the first part ends was found when the template was parsed. */
static json_t *lookup(const struct frame *f, const struct node *k)
{
	const char *name = k->s;
	size_t len = k->len, first = k->first;
	if (len == 1 && name[0] == '.')
		return f ? f->v : NULL;
	const char *dot = first < len ? name + first : NULL;
	json_t *v = NULL;
	for (; f; f = f->up)
		if (json_is_object(f->v) && (v = json_object_getn(f->v, name, first)))
			break;
	while (v && dot) {
		const char *seg = dot + 1;
		size_t rest = len - (size_t)(seg - name);
		dot = memchr(seg, '.', rest);
		size_t n = dot ? (size_t)(dot - seg) : rest;
		v = json_is_object(v) ? json_object_getn(v, seg, n) : NULL;
	}
	return v;
}

static bool falsey(json_t *v)
{
	return !v || json_is_false(v) || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_string(v) && json_string_length(v) == 0);
}

static int render_nodes(struct render *r, const struct node *kids, size_t n, const struct frame *f);

static int enter(struct render *r, const struct node *at)
{
	if (r->depth < MAX_DEPTH)
		return 0;
	return err_set(r->e, 500,
		       "template %s: partials, parents and blocks nested deeper than %d at {{%c%.*s}} "
		       "line %d (does a partial include itself?)",
		       r->cur->name, MAX_DEPTH,
		       at->type == N_PARTIAL  ? '>'
		       : at->type == N_PARENT ? '<'
					      : '$',
		       (int)at->len, at->s, at->line);
}

/* Renders kids with ind added to the indentation, one level deeper. */
static int render_nested(struct render *r, const struct tmpl *t, const struct node *kids, size_t n,
			 const struct node *at, const struct frame *f)
{
	if (enter(r, at) < 0)
		return -1;
	const struct indent *saved_ind = r->ind;
	const struct tmpl *saved_cur = r->cur;
	struct indent ind = {at->ind, at->indlen, r->ind};
	if (at->indlen)
		r->ind = &ind;
	if (t)
		r->cur = t;
	r->depth++;
	int rc = render_nodes(r, kids, n, f);
	r->depth--;
	r->ind = saved_ind;
	r->cur = saved_cur;
	return rc;
}

/* The override of a block: the outermost parent that gives one wins, so a
 * page overrides what its layout's own parent set. */
static const struct node *find_override(const struct defs *d, const char *name, size_t len)
{
	const struct node *found = NULL;
	for (; d; d = d->up) {
		for (size_t i = 0; i < d->parent->nkids; i++) {
			const struct node *b = &d->parent->kids[i];
			if (b->len == len && !memcmp(b->s, name, len)) {
				found = b;
				break;
			}
		}
	}
	return found;
}

static int render_nodes(struct render *r, const struct node *kids, size_t n, const struct frame *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *k = &kids[i];
		json_t *v;
		const struct tmpl *t;
		switch (k->type) {
		case N_TEXT: emit_text(r, k->s, k->len); break;
		case N_VAR:
		case N_RAW:
			v = lookup(f, k);
			if (v)
				emit_value(r, v, k->type == N_VAR);
			break;
		case N_SECTION:
			v = lookup(f, k);
			if (falsey(v))
				break;
			if (json_is_array(v)) {
				for (size_t j = 0; j < json_array_size(v); j++) {
					struct frame item = {json_array_get(v, j), f};
					if (render_nodes(r, k->kids, k->nkids, &item) < 0)
						return -1;
				}
			} else {
				struct frame item = {v, f};
				if (render_nodes(r, k->kids, k->nkids, &item) < 0)
					return -1;
			}
			break;
		case N_INVERTED:
			if (falsey(lookup(f, k)) && render_nodes(r, k->kids, k->nkids, f) < 0)
				return -1;
			break;
		case N_PARTIAL:
			/* a partial is a parent without overrides: blocks in it
			 * still take the overrides in force */
			t = set_get(r->set, k->s, k->len);
			if (t && render_nested(r, t, t->kids, t->nkids, k, f) < 0)
				return -1;
			break;
		case N_PARENT: {
			t = set_get(r->set, k->s, k->len);
			if (!t)
				break;
			const struct defs *saved = r->defs;
			struct defs d = {k, r->defs};
			r->defs = &d;
			int rc = render_nested(r, t, t->kids, t->nkids, k, f);
			r->defs = saved;
			if (rc < 0)
				return -1;
			break;
		}
		case N_BLOCK: {
			const struct node *o = find_override(r->defs, k->s, k->len);
			if (!o) {
				if (render_nodes(r, k->kids, k->nkids, f) < 0)
					return -1;
			} else if (render_nested(r, NULL, o->kids, o->nkids, k, f) < 0) {
				return -1;
			}
			break;
		}
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out, struct err *e)
{
	return tmpl_render_watch(set, name, ctx, out, NULL, e);
}

int tmpl_render_watch(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out,
		      const struct tmpl_watch *watch, struct err *e)
{
	const struct tmpl *t = set_get(set, name, strlen(name));
	if (!t)
		return err_set(e, 500, "template %s not found", name);
	struct render r = {.set = set, .out = out, .e = e, .cur = t, .pending = true, .watch = watch};
	struct frame root = {ctx, NULL};
	size_t start = out->len;
	if (render_nodes(&r, t->kids, t->nkids, ctx ? &root : NULL) < 0) {
		/* no half page: the caller shows an error instead */
		out->len = start;
		if (out->data)
			out->data[start] = 0;
		return -1;
	}
	return 0;
}
