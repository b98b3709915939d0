/* cli: the shape of an operator command with subcommands (`khet user add
 * …`, `khet token list …`), once: its flags declared as a table and parsed
 * with GNU getopt_long into the command's own options struct, the same
 * usage errors, help and exit codes for every such command, the dispatch
 * to the subcommand, the refusal line and the tab-separated list.
 *
 * Exit codes, as core/module.h's command_def: 0 done (and help asked
 * for), 1 refused or failed (cli_fail), 2 usage. Messages are English,
 * then Thai after " / ".
 *
 * A flag's name must not be a prefix of a global one (--schools,
 * --requests, --db, --data …): main.c parses the global flags first with
 * getopt_long, which takes abbreviations, so a flag "--school" would be
 * read as --schools (hence --school-code, --area-code). */
#ifndef KHET_CLI_H
#define KHET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cli; /* core/module.h */
struct err;

/* One flag of a command: --NAME VALUE sets the const char * at offset in
 * the options struct to VALUE (as given, not copied); a bare flag (--NAME,
 * no value) sets the int at offset to 1. --help and -h are every
 * command's and need no entry. */
struct cli_flag {
	const char *name; /* "area-code" */
	size_t offset;	  /* offsetof(struct my_opts, area_code) */
	bool bare;
};
#define CLI_FLAGS_MAX 32

/* A subcommand: run gets the options struct cli_command filled. */
struct cli_sub {
	const char *name; /* "add" */
	int (*run)(const struct cli *cli, const void *opts);
};

/* `khet GROUP SUB [flags]` (argv[0] GROUP, argv[1] SUB). No SUB: usage on
 * stderr, 2; SUB help or --help: usage on stdout, 0. Then the flags are
 * parsed into opts (the caller's, zeroed) by flags (ending with {NULL}):
 * -h or --help among them is usage on stdout, 0; a flag without its value,
 * an unknown flag or a word left over is one line on stderr
 * ("khet GROUP SUB: …"), 2. Then SUB is looked up in subs (ending with
 * {NULL}): unknown, a line and usage on stderr, 2; else its run's exit
 * code. */
int cli_command(const struct cli *cli, int argc, char **argv, const struct cli_flag *flags, void *opts,
		void (*usage)(FILE *f), const struct cli_sub *subs);

/* Parses argv (argv[0] the subcommand, for the messages) into opts by
 * flags: 0, 1 for -h/--help, -1 on a usage error (printed as above, of
 * `khet GROUP`). */
int cli_parse(const char *group, int argc, char **argv, const struct cli_flag *flags, void *opts);

/* A refusal on stderr: "khet GROUP CMD: EN (--FLAG) / e->msg", FLAG the
 * flag that sets e->field — flag_of's second of the pair whose first is
 * the field ({field, flag} pairs ending with {NULL}; may be NULL), else
 * the field itself with '_' as '-' — and no "(--…)" without a field.
 * Returns 1, the exit code of a refusal. */
int cli_fail(const char *group, const char *cmd, const char *en, const struct err *e, const char *const (*flag_of)[2]);

/* One field of a tab-separated line on stdout: text with every tab and
 * line break as a space (no value can break the columns), then a tab, or
 * the line's end when last. */
void cli_tsv_field(const char *text, bool last);

#endif
