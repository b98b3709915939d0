/* test_tmpl: the mustache engine of src/core/tmpl.c. Every case of every JSON
 * file of the official mustache spec ($KHET_MUSTACHE_SPEC, else
 * ../shared/testdata/mustache-spec, else /work/shared/…) is read at run time and becomes one cmocka test, so a
 * new spec file is picked up without touching this file and each case shows
 * by name when it fails. Only lambdas and dynamic names, which Khet does not
 * support, are skipped. After them come Khet's own cases: HTML escaping of
 * every dangerous character, syntax errors that name template and line, the
 * guard against a partial that includes itself, the values Khet models hold,
 * and four threads rendering one set at once. */
#include "unit.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/tmpl.h"

/* ---- the mustache spec --------------------------------------------------- */

struct spec_case {
	const char *file; /* "file.json: case name" */
	json_t *test;
};

/* What a failed case left behind; freed by the teardown so that a failing
 * assertion (which jumps out of the test) does not also report leaks. */
static struct tmpl_set *case_set;
static struct buf case_out = BUF_INIT;

static int case_teardown(void **state)
{
	tmpl_set_free(case_set);
	case_set = NULL;
	buf_release(&case_out);
	return 0;
}

/* No partial in the spec has a space in its name, so this cannot collide. */
#define SPEC_MAIN "spec main template"

static void run_spec_case(void **state)
{
	const struct spec_case *c = *state;
	json_t *t = c->test;
	struct err e = ERR_INIT;
	json_t *tpl = json_object_get(t, "template");
	json_t *want = json_object_get(t, "expected");
	assert_non_null(tpl);
	assert_non_null(want);

	case_set = tmpl_set_new();
	const char *name;
	json_t *src;
	json_object_foreach(json_object_get(t, "partials"), name, src)
	{
		if (tmpl_set_add(case_set, name, json_string_value(src), json_string_length(src), &e) < 0)
			fail_msg("partial %s: %s", name, e.msg);
	}
	if (tmpl_set_add(case_set, SPEC_MAIN, json_string_value(tpl), json_string_length(tpl), &e) < 0)
		fail_msg("template: %s", e.msg);
	if (tmpl_render(case_set, SPEC_MAIN, json_object_get(t, "data"), &case_out, &e) < 0)
		fail_msg("render: %s", e.msg);
	if (strcmp(buf_cstr(&case_out), json_string_value(want)))
		fail_msg("%s\n--- template\n%s\n--- expected\n%s\n--- got\n%s", c->file, json_string_value(tpl),
			 json_string_value(want), buf_cstr(&case_out));
}

/* Files Khet leaves out: it has no lambdas and no dynamic names. */
static int spec_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && !strcmp(d->d_name + n - 5, ".json") && strcmp(d->d_name, "~lambdas.json") &&
	       strcmp(d->d_name, "~dynamic-names.json");
}

struct spec {
	json_t **files;
	int nfiles;
	struct spec_case *cases;
	size_t ncases;
	char **names;
};

static int spec_load(struct spec *s)
{
	/* KHET_MUSTACHE_SPEC, else the shared folder next to the checkout,
	 * else where it lives on the team's machines (a CI clone may sit
	 * elsewhere) */
	static const char *const dirs[] = {"../shared/testdata/mustache-spec", "/work/shared/testdata/mustache-spec"};
	const char *dir = getenv("KHET_MUSTACHE_SPEC");
	struct dirent **list = NULL;
	int n = 0;
	if (dir && *dir) {
		n = scandir(dir, &list, spec_file, alphasort);
	} else {
		for (size_t d = 0; d < sizeof dirs / sizeof dirs[0] && n <= 0; d++)
			n = scandir(dir = dirs[d], &list, spec_file, alphasort);
	}
	if (n <= 0) {
		fprintf(stderr, "test_tmpl: no mustache spec files in %s (set KHET_MUSTACHE_SPEC)\n",
			getenv("KHET_MUSTACHE_SPEC") ? dir : "../shared/testdata/mustache-spec or /work/shared/testdata/mustache-spec");
		return -1;
	}
	s->files = xcalloc((size_t)n, sizeof *s->files);
	size_t cap = 0;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		json_error_t jerr;
		json_t *root = json_load_file(path, 0, &jerr);
		if (!root) {
			fprintf(stderr, "test_tmpl: %s: %s (line %d)\n", path, jerr.text, jerr.line);
			rc = -1;
		} else {
			s->files[s->nfiles++] = root;
			json_t *tests = json_object_get(root, "tests");
			if (!json_array_size(tests)) {
				fprintf(stderr, "test_tmpl: %s holds no tests\n", path);
				rc = -1;
			}
			size_t k;
			json_t *t;
			json_array_foreach(tests, k, t)
			{
				if (s->ncases == cap) {
					cap = cap ? cap * 2 : 256;
					s->cases = xrealloc(s->cases, cap * sizeof *s->cases);
					s->names = xrealloc(s->names, cap * sizeof *s->names);
				}
				char *name;
				if (asprintf(&name, "%s: %s", list[i]->d_name,
					     json_string_value(json_object_get(t, "name"))) < 0)
					abort();
				s->cases[s->ncases].file = name;
				s->cases[s->ncases].test = t;
				s->names[s->ncases++] = name;
			}
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

static void spec_free(struct spec *s)
{
	for (size_t i = 0; i < s->ncases; i++)
		free(s->names[i]);
	free(s->names);
	free(s->cases);
	for (int i = 0; i < s->nfiles; i++)
		json_decref(s->files[i]);
	free(s->files);
}

/* ---- Khet's own cases ---------------------------------------------------- */

/* Parses each (name, source) pair into a fresh set; fails the test on error. */
static struct tmpl_set *set_of(const char *const *pairs)
{
	struct tmpl_set *set = tmpl_set_new();
	struct err e = ERR_INIT;
	for (; pairs[0]; pairs += 2)
		if (tmpl_set_add(set, pairs[0], pairs[1], strlen(pairs[1]), &e) < 0)
			fail_msg("%s: %s", pairs[0], e.msg);
	return set;
}

static void check_render(const struct tmpl_set *set, const char *name, const char *json, const char *want)
{
	json_error_t jerr;
	json_t *ctx = json_loads(json, JSON_DECODE_ANY, &jerr);
	if (!ctx)
		fail_msg("bad test JSON %s: %s", json, jerr.text);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	int rc = tmpl_render(set, name, ctx, &out, &e);
	json_decref(ctx);
	if (rc < 0) {
		buf_release(&out);
		fail_msg("render %s: %s", name, e.msg);
	}
	char *got = buf_detach(&out, NULL);
	int same = !strcmp(got, want);
	if (!same)
		print_error("template %s\nexpected: [%s]\ngot:      [%s]\n", name, want, got);
	free(got);
	assert_true(same);
}

static void test_html_escaping(void **state)
{
	static const char *const t[] = {"t", "{{x}}|{{{x}}}|{{&x}}|{{#l}}{{.}}{{/l}}", NULL};
	struct tmpl_set *set = set_of(t);
	check_render(set, "t", "{\"x\": \"<a href=\\\"/\\\" title='q'>&amp;</a>\", \"l\": [\"<\", \">\"]}",
		     "&lt;a href=&quot;/&quot; title=&#39;q&#39;&gt;&amp;amp;&lt;/a&gt;|"
		     "<a href=\"/\" title='q'>&amp;</a>|<a href=\"/\" title='q'>&amp;</a>|&lt;&gt;");
	/* Thai text passes through untouched */
	check_render(set, "t", "{\"x\": \"สำนักงานเขต\", \"l\": []}", "สำนักงานเขต|สำนักงานเขต|สำนักงานเขต|");
	tmpl_set_free(set);
}

/* Each source must fail to parse with a message that starts as given. */
static void test_syntax_errors(void **state)
{
	static const struct {
		const char *src, *msg;
	} bad[] = {
	    {"a\n{{#list}}\nb\n", "template bad line 2: unclosed section: {{#list}} is never closed"},
	    {"a\n\n{{#a}}x{{/b}}", "template bad line 3: mismatched end tag {{/b}} (opened on line 3 as {{#a}})"},
	    {"{{#a}}\n{{^b}}\n{{/a}}\n{{/b}}", "template bad line 3: mismatched end tag {{/a}} (opened on line 2"},
	    {"x\ny {{name", "template bad line 2: unclosed tag {{ (no }} after it)"},
	    {"{{=<% %>=}}\n<%x", "template bad line 2: unclosed tag <% (no %> after it)"},
	    {"{{/a}}", "template bad line 1: end tag closes nothing: {{/a}}"},
	    {"{{= a =}}", "template bad line 1: bad delimiters in {{= a =}}"},
	    {"{{=a= b=}}", "template bad line 1: bad delimiters"},
	    {"{{}}", "template bad line 1: empty tag {{}}"},
	    {"{{a b}}", "template bad line 1: space inside the name of {{a b}}"},
	    {"{{<layout}}\n{{title}}\n{{/layout}}", "template bad line 2: only {{$block}} tags and text may appear"},
	    {"{{{x}}", "template bad line 1: unclosed tag"},
	    {"{{! never closed", "template bad line 1: unclosed tag"},
	};
	struct tmpl_set *set = tmpl_set_new();
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct err e = ERR_INIT;
		int rc = tmpl_set_add(set, "bad", bad[i].src, strlen(bad[i].src), &e);
		if (rc != -1 || strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("source %s\nwant %s\ngot  rc %d, %s", bad[i].src, bad[i].msg, rc, e.msg);
		assert_false(tmpl_set_has(set, "bad"));
	}
	/* a failed replacement keeps the template that was there */
	struct err e = ERR_INIT;
	assert_int_equal(tmpl_set_add(set, "ok", "fine {{x}}", 10, &e), 0);
	assert_int_equal(tmpl_set_add(set, "ok", "{{#x}}", 6, &e), -1);
	assert_true(tmpl_set_has(set, "ok"));
	check_render(set, "ok", "{\"x\": 1}", "fine 1");
	tmpl_set_free(set);
}

/* A template that includes itself, directly, through a parent or through a
 * block that expands itself, fails cleanly and leaves the buffer as it was. */
static void test_recursion_limit(void **state)
{
	static const char *const t[] = {
	    "loop",	 "x{{>loop}}",
	    "a",	 "{{#go}}{{>b}}{{/go}}",
	    "b",	 "{{>a}}",
	    "self",	 "{{<self}}{{/self}}",
	    "blk",	 "{{<base}}{{$x}}[{{$x}}{{/x}}]{{/x}}{{/base}}",
	    "base",	 "{{$x}}{{/x}}",
	    "fine",	 "{{#n}}{{>fine_item}}{{/n}}",
	    "fine_item", "<{{#n}}{{>fine_item}}{{/n}}>",
	    NULL,
	};
	struct tmpl_set *set = set_of(t);
	const char *names[] = {"loop", "a", "self", "blk"};
	for (size_t i = 0; i < 4; i++) {
		struct buf out = BUF_INIT;
		buf_adds(&out, "kept");
		struct err e = ERR_INIT;
		json_t *ctx = json_pack("{s:b}", "go", 1);
		int rc = tmpl_render(set, names[i], ctx, &out, &e);
		json_decref(ctx);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(e.msg, "nested deeper than 64"));
		assert_string_equal(buf_cstr(&out), "kept");
		buf_release(&out);
	}
	/* deep but finite recursion through data still works */
	check_render(set, "fine", "{\"n\": [{\"n\": [{\"n\": [{\"n\": []}]}]}]}", "<<<>>>");
	tmpl_set_free(set);
}

static void test_values(void **state)
{
	static const char *const t[] = {
	    "v",     "{{i}} {{neg}} {{r}} {{tenth}} {{big}} {{t}} {{f}} [{{n}}] [{{o}}] [{{l}}]",
	    "truth", "{{#s}}s{{/s}}{{^s}}!s{{/s}} {{#z}}z{{/z}} {{#e}}e{{/e}}{{^e}}!e{{/e}} {{#o}}o{{/o}}",
	    NULL,
	};
	struct tmpl_set *set = set_of(t);
	check_render(set, "v",
		     "{\"i\": 42, \"neg\": -7, \"r\": 1.5, \"tenth\": 0.1, \"big\": 12345678901234567, \"t\": true, "
		     "\"f\": false, \"n\": null, \"o\": {\"a\": 1}, \"l\": [1]}",
		     "42 -7 1.5 0.1 12345678901234567 true false [] [] []");
	/* an empty string is falsey (optional text fields come as ""); 0 is not */
	check_render(set, "v", "{\"i\": 0, \"neg\": -9223372036854775807, \"big\": 9223372036854775807}",
		     "0 -9223372036854775807   9223372036854775807   [] [] []");
	check_render(set, "truth", "{\"s\": \"\", \"z\": 0, \"e\": [], \"o\": {}}", "!s z !e o");
	check_render(set, "truth", "{\"s\": \"x\", \"z\": 0, \"e\": [1]}", "s z e ");
	tmpl_set_free(set);
}

/* The number formatting that replaced printf on list pages (buf.c), and
 * jansson's per-thread free lists (jsonx.c, on for this whole program):
 * blocks freed on another thread, json_dumps' text freed with free(). */
static void *dump_worker(void *arg)
{
	json_t *o = arg;
	for (int i = 0; i < 1000; i++) {
		char *s = json_dumps(o, JSON_COMPACT);
		assert_non_null(s);
		free(s);
	}
	json_decref(o); /* made on the main thread, freed here */
	return NULL;
}

static void test_numbers_and_alloc(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_add_int(&b, 0);
	buf_addc(&b, ' ');
	buf_add_int(&b, -1);
	buf_addc(&b, ' ');
	buf_add_int(&b, LLONG_MIN);
	buf_addc(&b, ' ');
	buf_add_int(&b, LLONG_MAX);
	buf_addc(&b, ' ');
	buf_add_2d(&b, 7);
	buf_add_2d(&b, 59);
	assert_string_equal(buf_cstr(&b), "0 -1 -9223372036854775808 9223372036854775807 0759");
	buf_release(&b);
	/* escaping (a table lookup per byte): every position of each special
	 * character, in Thai and in ASCII */
	static const char *const fill[] = {"กขคงจฉชซฌญฎฏฐฑ", "abcdefghijklmnopqrstuvwx"};
	static const char specials[] = "&<>\"' 9";
	static const char *const rep[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", " ", "9"};
	for (int f = 0; f < 2; f++)
		for (size_t at = 0; at < strlen(fill[f]); at++)
			for (int k = 0; specials[k]; k++) {
				struct buf in = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
				buf_add(&in, fill[f], at);
				buf_addc(&in, specials[k]);
				buf_adds(&in, fill[f] + at);
				buf_add(&want, fill[f], at);
				buf_adds(&want, rep[k]);
				buf_adds(&want, fill[f] + at);
				buf_add_html(&got, in.data, in.len);
				assert_string_equal(buf_cstr(&got), buf_cstr(&want));
				buf_release(&in);
				buf_release(&want);
				buf_release(&got);
			}
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		json_t *o = json_pack("{s:s, s:I, s:[s, s]}", "name", "สพป.ยโสธร เขต 2", "n", (json_int_t)i, "l", "a",
				      "ข");
		assert_int_equal(pthread_create(&th[i], NULL, dump_worker, o), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	json_t *a = json_pack("[i]", 1);
	char *s = json_dumps(a, JSON_COMPACT);
	assert_string_equal(s, "[1]");
	free(s);
	json_decref(a);
}

/* jx_utf8_ok (jsonx.c) takes exactly what jansson's own check takes:
 * every 1-, 2- and 3-byte sequence around the Thai block's fast path, cut
 * short or followed by more bytes, after ASCII and after a run of Thai
 * letters (the fast path's inner loop), compared with json_stringn. */
static void test_utf8_like_jansson(void **state)
{
	(void)state;
	static const unsigned char lead[] = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
	static const unsigned char next[] = {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xB7, 0xB8, 0xB9, 0xBA, 0xBF, 0xC0, 0xE0};
	size_t nl = sizeof lead, nn = sizeof next;
	static const char *const prefix[] = {"abcdefg", "a\xE0\xB8\x81\xE0\xB9\x80"}; /* 7 bytes each: "aกเ" */
	for (size_t pi = 0; pi < 2; pi++)
	for (size_t a = 0; a < nl; a++)
		for (size_t b = 0; b < nn; b++)
			for (size_t c = 0; c < nn; c++)
				for (size_t len = 1; len <= 4; len++) {
					unsigned char s[12];
					memcpy(s, prefix[pi], 7);
					s[7] = lead[a];
					s[8] = next[b];
					s[9] = next[c];
					s[10] = 0x80;
					size_t n = 7 + len;
					json_t *j = json_stringn((const char *)s, n);
					assert_int_equal(jx_utf8_ok((const char *)s, n), j != NULL);
					json_decref(j);
				}
	const char *thai = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2";
	assert_true(jx_utf8_ok(thai, strlen(thai)));
	assert_false(jx_utf8_ok(thai, strlen(thai) - 13)); /* cut inside a letter */
}

static void test_unknown_names(void **state)
{
	static const char *const t[] = {"t", "a{{>nope}}b{{<nope}}{{/nope}}c", NULL};
	struct tmpl_set *set = set_of(t);
	assert_true(tmpl_set_has(set, "t"));
	assert_false(tmpl_set_has(set, "nope"));
	check_render(set, "t", "{}", "abc");
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(tmpl_render(set, "missing", NULL, &out, &e), -1);
	assert_string_equal(e.msg, "template missing not found");
	buf_release(&out);
	tmpl_set_free(set);
}

/* The way Khet pages are written: a page extends the layout, fills its
 * blocks, and the layout includes partials that see the page's data. */
static const char *const site[] = {
    "layout",
    "<!doctype html>\n"
    "<html lang=\"th\">\n"
    "<head><title>{{$title}}Khet{{/title}}</title></head>\n"
    "<body>\n"
    "  {{>nav}}\n"
    "  <main>\n"
    "    {{$content}}\n"
    "    <p>nothing</p>\n"
    "    {{/content}}\n"
    "  </main>\n"
    "</body>\n"
    "</html>\n",
    "nav",
    "<nav>\n"
    "{{#user}}\n"
    "  <span>{{name}}</span>\n"
    "{{/user}}\n"
    "{{^user}}\n"
    "  <a href=\"/login\">เข้าสู่ระบบ</a>\n"
    "{{/user}}\n"
    "</nav>\n",
    "oss/list",
    "{{<layout}}\n"
    "{{$title}}{{school}} — คำขอ{{/title}}\n"
    "{{$content}}\n"
    "<table>\n"
    "  {{#rows}}\n"
    "  <tr><td>{{no}}</td><td>{{subject}}</td><td>{{amount}}</td></tr>\n"
    "  {{/rows}}\n"
    "</table>\n"
    "{{/content}}\n"
    "{{/layout}}\n",
    NULL,
};

static void test_layout(void **state)
{
	struct tmpl_set *set = set_of(site);
	check_render(set, "oss/list",
		     "{\"school\": \"โรงเรียน<1>\", \"user\": {\"name\": \"ครูสมศรี\"},"
		     " \"rows\": [{\"no\": 1, \"subject\": \"ซ่อม & ทาสี\", \"amount\": 1250.5}]}",
		     "<!doctype html>\n"
		     "<html lang=\"th\">\n"
		     "<head><title>โรงเรียน&lt;1&gt; — คำขอ</title></head>\n"
		     "<body>\n"
		     "  <nav>\n"
		     "    <span>ครูสมศรี</span>\n"
		     "  </nav>\n"
		     "  <main>\n"
		     "    <table>\n"
		     "      <tr><td>1</td><td>ซ่อม &amp; ทาสี</td><td>1250.5</td></tr>\n"
		     "    </table>\n"
		     "  </main>\n"
		     "</body>\n"
		     "</html>\n");
	check_render(set, "layout", "{}",
		     "<!doctype html>\n"
		     "<html lang=\"th\">\n"
		     "<head><title>Khet</title></head>\n"
		     "<body>\n"
		     "  <nav>\n"
		     "    <a href=\"/login\">เข้าสู่ระบบ</a>\n"
		     "  </nav>\n"
		     "  <main>\n"
		     "    <p>nothing</p>\n"
		     "  </main>\n"
		     "</body>\n"
		     "</html>\n");
	tmpl_set_free(set);
}

/* ---- many threads, one set ----------------------------------------------- */

struct race {
	const struct tmpl_set *set;
	json_t *ctx;
	const char *want;
	int mismatches;
};

static void *race_run(void *arg)
{
	struct race *r = arg;
	for (int i = 0; i < 200; i++) {
		struct buf out = BUF_INIT;
		struct err e = ERR_INIT;
		if (tmpl_render(r->set, "oss/list", r->ctx, &out, &e) < 0 || strcmp(buf_cstr(&out), r->want))
			r->mismatches++;
		buf_release(&out);
	}
	return NULL;
}

static void test_concurrent_render(void **state)
{
	struct tmpl_set *set = set_of(site);
	json_t *rows = json_array();
	for (int i = 0; i < 300; i++)
		json_array_append_new(
		    rows, json_pack("{s:i,s:s,s:f}", "no", i, "subject", "<ซ่อม> & 'ทาสี'", "amount", i * 1.25));
	json_t *ctx = json_pack("{s:s,s:{s:s},s:o}", "school", "โรงเรียนบ้านเขต", "user", "name", "ครู", "rows", rows);
	struct buf ref = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(tmpl_render(set, "oss/list", ctx, &ref, &e), 0);
	assert_true(ref.len > 300 * 40);

	struct race r[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		r[i] = (struct race){set, ctx, buf_cstr(&ref), 0};
		assert_int_equal(pthread_create(&th[i], NULL, race_run, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].mismatches, 0);
	}
	buf_release(&ref);
	json_decref(ctx);
	tmpl_set_free(set);
}

/* Khet's templates open a long comment with "{{!" at the end of a line and
 * close it with "}}" on a line of its own. A comment ends at its first "}}",
 * so a "}}" inside the text (a model described as "{a, b}}") ends it early
 * and the rest is printed on the page: every multi-line comment of
 * templates/ must close at the start of a line. */
static int comments_close_alone(const char *path, int *nfiles)
{
	DIR *d = opendir(path);
	if (!d)
		fail_msg("cannot open %s (run from the repository root)", path);
	int bad = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		size_t nl = strlen(de->d_name);
		if (nl > 5 && !strcmp(de->d_name + nl - 5, ".html")) {
			FILE *f = fopen(sub, "rb");
			assert_non_null(f);
			static char src[1 << 20];
			size_t n = fread(src, 1, sizeof src - 1, f);
			fclose(f);
			src[n] = 0;
			(*nfiles)++;
			for (const char *c = strstr(src, "{{!"); c; c = strstr(c, "{{!")) {
				const char *end = strstr(c, "}}");
				if (!end)
					break;
				const char *ls = end;
				while (ls > c && ls[-1] != '\n')
					ls--;
				if (c[3] == '\n' && ls > c) {
					int only_space = 1;
					for (const char *q = ls; q < end; q++)
						if (*q != ' ' && *q != '\t')
							only_space = 0;
					if (!only_space) {
						print_error("%s: the comment opened at byte %zu ends mid-line at byte %zu; the "
							    "text after it is shown on the page\n",
							    sub, (size_t)(c - src), (size_t)(end - src));
						bad++;
					}
				}
				c = end + 2;
			}
		} else if (de->d_type == DT_DIR) {
			bad += comments_close_alone(sub, nfiles);
		}
	}
	closedir(d);
	return bad;
}

static void test_project_comments_close_alone(void **state)
{
	(void)state;
	int nfiles = 0;
	assert_int_equal(comments_close_alone("templates", &nfiles), 0);
	assert_true(nfiles > 50);
}

int main(void)
{
	jx_alloc_init(); /* as khet's main does: every case below runs with it */
	static const struct CMUnitTest own[] = {
	    cmocka_unit_test(test_html_escaping),     cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_recursion_limit),   cmocka_unit_test(test_values),
	    cmocka_unit_test(test_unknown_names),     cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_concurrent_render), cmocka_unit_test(test_numbers_and_alloc),
	    cmocka_unit_test(test_utf8_like_jansson), cmocka_unit_test(test_project_comments_close_alone),
	};
	size_t nown = sizeof own / sizeof *own;
	struct spec s = {0};
	if (spec_load(&s) < 0) {
		spec_free(&s);
		return 1;
	}
	size_t n = nown + s.ncases;
	struct CMUnitTest *tests = xcalloc(n, sizeof *tests);
	memcpy(tests, own, sizeof own);
	for (size_t i = 0; i < s.ncases; i++) {
		struct CMUnitTest *t = &tests[nown + i];
		t->name = s.names[i];
		t->test_func = run_spec_case;
		t->teardown_func = case_teardown;
		t->initial_state = &s.cases[i];
	}
	int failed = _cmocka_run_group_tests("tmpl", tests, n, NULL, NULL);
	free(tests);
	spec_free(&s);
	return failed ? 1 : 0;
}
