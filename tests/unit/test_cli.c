/* test_cli: an operator command's subcommands and flags (core/cli.c), the
 * shape `khet user` and `khet token` share: flags into the command's own
 * struct, help, usage errors and their exit codes, the refusal line with
 * its field as the flag, and a tab-separated field that no value can
 * break. What a command prints is read back from its stream. */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/cli.h"
#include "core/err.h"

struct opts {
	const char *login, *area_code;
	int dry;
};

static const struct cli_flag flags[] = {
    {"login", offsetof(struct opts, login)},
    {"area-code", offsetof(struct opts, area_code)},
    {"dry-run", offsetof(struct opts, dry), true},
    {NULL},
};

/* Catches what is written to fd (1 or 2) from capture_start to
 * capture_end, into out. */
static FILE *capture_start(int fd, int *saved)
{
	fflush(fd == 1 ? stdout : stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	*saved = dup(fd);
	dup2(fileno(tmp), fd);
	return tmp;
}

static void capture_end(int fd, int saved, FILE *tmp, struct buf *out)
{
	fflush(fd == 1 ? stdout : stderr);
	dup2(saved, fd);
	close(saved);
	rewind(tmp);
	buf_reset(out);
	char chunk[512];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, tmp)) > 0)
		buf_add(out, chunk, n);
	fclose(tmp);
}

static int parse_err(char **argv, int argc, struct opts *o, struct buf *err)
{
	int saved;
	FILE *t = capture_start(2, &saved);
	int rc = cli_parse("user", argc, argv, flags, o);
	capture_end(2, saved, t, err);
	return rc;
}

static void test_parse(void **state)
{
	(void)state;
	struct buf err = BUF_INIT;
	struct opts o = {0};
	char *ok[] = {"add", "--login", "somchai", "--area-code=3502", "--dry-run"};
	assert_int_equal(parse_err(ok, 5, &o, &err), 0);
	assert_string_equal(o.login, "somchai");
	assert_string_equal(o.area_code, "3502");
	assert_int_equal(o.dry, 1);
	assert_string_equal(buf_cstr(&err), "");
	/* an abbreviation that is one flag's, as getopt_long takes it */
	struct opts ab = {0};
	char *abbr[] = {"add", "--log", "x"};
	assert_int_equal(parse_err(abbr, 3, &ab, &err), 0);
	assert_string_equal(ab.login, "x");
	/* help, long or short */
	char *help[] = {"add", "--help"}, *h[] = {"add", "-h"};
	assert_int_equal(parse_err(help, 2, &ab, &err), 1);
	assert_int_equal(parse_err(h, 2, &ab, &err), 1);
	/* a flag without its value */
	char *novalue[] = {"add", "--login"};
	assert_int_equal(parse_err(novalue, 2, &ab, &err), -1);
	assert_string_equal(buf_cstr(&err), "khet user add: --login needs a value / ตัวเลือก --login ต้องมีค่าตามหลัง\n");
	/* an unknown flag, and a bare flag given a value */
	char *unknown[] = {"list", "--nope"};
	assert_int_equal(parse_err(unknown, 2, &ab, &err), -1);
	assert_string_equal(buf_cstr(&err), "khet user list: unknown flag --nope (khet user help) / ไม่รู้จักตัวเลือก "
					    "--nope ดูวิธีใช้ด้วย khet user help\n");
	char *bare[] = {"list", "--dry-run=1"};
	assert_int_equal(parse_err(bare, 2, &ab, &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "unknown flag --dry-run=1"));
	/* a word left over */
	char *extra[] = {"add", "--login", "a", "more"};
	assert_int_equal(parse_err(extra, 4, &ab, &err), -1);
	assert_string_equal(buf_cstr(&err), "khet user add: unexpected argument more / มีข้อความเกินมา: more\n");
	buf_release(&err);
}

static int ran;
static const struct opts *ran_with;

static int sub_add(const struct cli *cli, const void *opts)
{
	(void)cli;
	ran = 1;
	ran_with = opts;
	return 0;
}

static int sub_list(const struct cli *cli, const void *opts)
{
	(void)cli, (void)opts;
	ran = 2;
	return 1;
}

static void usage(FILE *f)
{
	fputs("usage: khet user COMMAND\n", f);
}

static const struct cli_sub subs[] = {{"add", sub_add}, {"list", sub_list}, {NULL}};

/* cli_command's exit code and what it printed on stdout and stderr */
static int command(int argc, char **argv, struct opts *o, struct buf *out, struct buf *err)
{
	int s1, s2;
	FILE *t1 = capture_start(1, &s1), *t2 = capture_start(2, &s2);
	ran = 0;
	int rc = cli_command(NULL, argc, argv, flags, o, usage, subs);
	capture_end(2, s2, t2, err);
	capture_end(1, s1, t1, out);
	return rc;
}

static void test_command(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct opts o = {0};
	char *none[] = {"user"};
	assert_int_equal(command(1, none, &o, &out, &err), 2);
	assert_string_equal(buf_cstr(&err), "usage: khet user COMMAND\n");
	assert_string_equal(buf_cstr(&out), "");
	char *help[] = {"user", "help"}, *dhelp[] = {"user", "--help"}, *subhelp[] = {"user", "add", "-h"};
	assert_int_equal(command(2, help, &o, &out, &err), 0);
	assert_string_equal(buf_cstr(&out), "usage: khet user COMMAND\n");
	assert_int_equal(command(2, dhelp, &o, &out, &err), 0);
	assert_string_equal(buf_cstr(&out), "usage: khet user COMMAND\n");
	assert_int_equal(command(3, subhelp, &o, &out, &err), 0);
	assert_string_equal(buf_cstr(&out), "usage: khet user COMMAND\n");
	assert_int_equal(ran, 0);
	char *add[] = {"user", "add", "--login", "a"};
	assert_int_equal(command(4, add, &o, &out, &err), 0);
	assert_int_equal(ran, 1);
	assert_ptr_equal(ran_with, &o);
	assert_string_equal(o.login, "a");
	char *list[] = {"user", "list"};
	assert_int_equal(command(2, list, &o, &out, &err), 1);
	assert_int_equal(ran, 2);
	/* flags are read before the subcommand is looked up */
	char *badflag[] = {"user", "bogus", "--nope"};
	assert_int_equal(command(3, badflag, &o, &out, &err), 2);
	assert_non_null(strstr(buf_cstr(&err), "khet user bogus: unknown flag --nope"));
	char *bogus[] = {"user", "bogus"};
	assert_int_equal(command(2, bogus, &o, &out, &err), 2);
	assert_string_equal(buf_cstr(&err), "khet user: unknown command bogus / ไม่รู้จักคำสั่ง bogus\n\n"
					    "usage: khet user COMMAND\n");
	assert_int_equal(ran, 0);
	buf_release(&out);
	buf_release(&err);
}

static void test_fail_and_tsv(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	static const char *const flag_of[][2] = {{"area_id", "area-code"}, {NULL, NULL}};
	struct err e = ERR_INIT;
	err_field(&e, "area_id", "ไม่พบเขตพื้นที่");
	int saved;
	FILE *t = capture_start(2, &saved);
	int rc = cli_fail("user", "grant", "nothing was stored", &e, flag_of);
	capture_end(2, saved, t, &out);
	assert_int_equal(rc, 1);
	assert_string_equal(buf_cstr(&out), "khet user grant: nothing was stored (--area-code) / ไม่พบเขตพื้นที่\n");
	/* no pair: the field itself, _ as - */
	t = capture_start(2, &saved);
	cli_fail("token", "add", "nothing was stored", &e, NULL);
	capture_end(2, saved, t, &out);
	assert_string_equal(buf_cstr(&out), "khet token add: nothing was stored (--area-id) / ไม่พบเขตพื้นที่\n");
	/* no field: no flag */
	err_clear(&e);
	err_set(&e, 500, "ฐานข้อมูลขัดข้อง");
	t = capture_start(2, &saved);
	cli_fail("token", "list", "database", &e, flag_of);
	capture_end(2, saved, t, &out);
	assert_string_equal(buf_cstr(&out), "khet token list: database / ฐานข้อมูลขัดข้อง\n");
	/* a field's tabs and line breaks never break the columns */
	t = capture_start(1, &saved);
	cli_tsv_field("นาย\tก\nข\r", false);
	cli_tsv_field("", false);
	cli_tsv_field("last", true);
	capture_end(1, saved, t, &out);
	assert_string_equal(buf_cstr(&out), "นาย ก ข \t\tlast\n");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_command),
	    cmocka_unit_test(test_fail_and_tsv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
