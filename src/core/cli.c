/* cli: an operator command's subcommands, flags, refusals and lists (see
 * cli.h), so that `khet user` and `khet token` answer a mistyped flag, a
 * missing value or an unknown subcommand in the same words and with the
 * same exit code. */
#include "core/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"

/* getopt_long's value of the i-th flag (--help answers 'h', as -h) */
#define FLAG_VAL 1000

int cli_parse(const char *group, int argc, char **argv, const struct cli_flag *flags, void *opts)
{
	struct option longs[CLI_FLAGS_MAX + 2];
	int n = 0;
	for (; flags[n].name; n++) {
		if (n >= CLI_FLAGS_MAX) {
			log_error("khet %s: more than %d flags", group, CLI_FLAGS_MAX);
			abort(); /* the build's mistake */
		}
		longs[n] =
		    (struct option){flags[n].name, flags[n].bare ? no_argument : required_argument, 0, FLAG_VAL + n};
	}
	longs[n] = (struct option){"help", no_argument, 0, 'h'};
	longs[n + 1] = (struct option){0, 0, 0, 0};
	optind = 0; /* GNU: a full re-initialisation, main.c used getopt already */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		if (c >= FLAG_VAL && c < FLAG_VAL + n) {
			const struct cli_flag *f = &flags[c - FLAG_VAL];
			char *at = (char *)opts + f->offset;
			if (f->bare)
				*(int *)(void *)at = 1;
			else
				*(const char **)(void *)at = optarg;
			continue;
		}
		if (c == 'h')
			return 1;
		if (c == ':')
			fprintf(stderr, "khet %s %s: %s needs a value / ตัวเลือก %s ต้องมีค่าตามหลัง\n", group, argv[0],
				argv[optind - 1], argv[optind - 1]);
		else
			fprintf(stderr,
				"khet %s %s: unknown flag %s (khet %s help) / ไม่รู้จักตัวเลือก %s ดูวิธีใช้ด้วย khet %s "
				"help\n",
				group, argv[0], argv[optind - 1], group, argv[optind - 1], group);
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "khet %s %s: unexpected argument %s / มีข้อความเกินมา: %s\n", group, argv[0], argv[optind],
			argv[optind]);
		return -1;
	}
	return 0;
}

int cli_command(const struct cli *cli, int argc, char **argv, const struct cli_flag *flags, void *opts,
		void (*usage)(FILE *f), const struct cli_sub *subs)
{
	const char *group = argv[0];
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	int p = cli_parse(group, argc - 1, argv + 1, flags, opts);
	if (p != 0) {
		if (p > 0)
			usage(stdout);
		return p > 0 ? 0 : 2;
	}
	const char *cmd = argv[1];
	for (const struct cli_sub *s = subs; s->name; s++)
		if (!strcmp(cmd, s->name))
			return s->run(cli, opts);
	fprintf(stderr, "khet %s: unknown command %s / ไม่รู้จักคำสั่ง %s\n\n", group, cmd, cmd);
	usage(stderr);
	return 2;
}

int cli_fail(const char *group, const char *cmd, const char *en, const struct err *e, const char *const (*flag_of)[2])
{
	char flag[64];
	snprintf(flag, sizeof flag, "%s", e->field);
	for (size_t i = 0; flag_of && flag_of[i][0]; i++)
		if (!strcmp(e->field, flag_of[i][0]))
			snprintf(flag, sizeof flag, "%s", flag_of[i][1]);
	for (char *c = flag; *c; c++)
		if (*c == '_')
			*c = '-';
	fprintf(stderr, "khet %s %s: %s%s%s%s / %s\n", group, cmd, en, flag[0] ? " (--" : "", flag, flag[0] ? ")" : "",
		e->msg);
	return 1;
}

void cli_tsv_field(const char *text, bool last)
{
	for (const char *p = text; *p; p++)
		putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
	putchar(last ? '\n' : '\t');
}
