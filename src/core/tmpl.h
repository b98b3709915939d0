/* tmpl: the mustache template engine. Templates are parsed once into a tree
 * (at start, from the copies compiled into the binary, or from disk under
 * --dev) and rendered straight into a response buffer; rendering only reads
 * the tree, so any number of worker threads may render from one set at once.
 * Supported: escaped {{x}} and raw {{{x}}} / {{&x}} variables, dotted names,
 * implicit iterator {{.}}, sections, inverted sections, comments, partials
 * {{>name}}, set delimiters {{=<% %>=}}, and inheritance: parents {{<layout}}
 * with blocks {{$block}}…{{/block}}. Standalone-line rules follow the
 * mustache spec (../shared/testdata/mustache-spec). Lambdas and dynamic names
 * are not supported. Variables come from a jansson json_t context.
 * Values: false, null, [] and "" are falsey (so an optional text field sent
 * as "" hides its section); 0 and {} are truthy. Integers print as integers,
 * reals in the shortest form that reads back the same (1.21), true/false as
 * words, null, objects and lists as nothing. Write a block's open and close
 * tags on lines of their own; an empty block on one line
 * ("  {{$title}}{{/title}}") keeps its line, as the spec's "Standalone block"
 * says, and indents its override to the tag's column. */
#ifndef KHET_TMPL_H
#define KHET_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

struct tmpl_set;

struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);
/* Parses src and stores it under name (replacing an earlier one); partials
 * and parents are resolved by name at render time. A syntax error (unclosed
 * tag or section, mismatched end tag, bad delimiters, a tag other than a
 * block directly inside a parent) fails with the template name and line in
 * e->msg, and leaves an earlier template of that name in place. */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len, struct err *e);
/* 1 if the set holds a template of that name. */
int tmpl_set_has(const struct tmpl_set *set, const char *name);
/* Renders template name with ctx appended to out. An unknown name fails;
 * an unknown partial renders as empty text (as the spec says). Partials,
 * parents and block overrides nested deeper than 64 (a partial including
 * itself) fail; on failure out is left as it was before the call. */
int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out, struct err *e);

/* Who watches what a render prints: seen(arg, v) for every non-empty
 * string or number a variable tag ({{x}}, {{{x}}}, {{&x}}, {{.}}) prints, in
 * page order. A section that only tests a value does not print it. The
 * view layer uses it to learn which personal fields a page shows
 * (core/personal.h). */
struct tmpl_watch {
	void (*seen)(void *arg, json_t *v);
	void *arg;
};
/* tmpl_render with a watch (NULL: none). */
int tmpl_render_watch(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out,
		      const struct tmpl_watch *watch, struct err *e);

#endif
