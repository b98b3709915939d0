/* main: the `khet` command line. `khet serve` is the web server; the other
 * subcommands are what an operator does from a shell (migrate, demo,
 * import, and the modules' own commands such as `khet user`). Every flag
 * has an environment variable, and every setting a default, so `khet
 * serve` alone runs on ./data/khet.db. main names no module: routes, jobs,
 * demo data and its flags, commands and importers come from the module
 * list (src/modules.c, core/module.h). */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/backup.h"
#include "core/jsonx.h"
#include "core/db.h"
#include "core/jobs.h"
#include "core/mail.h"
#include "core/mailbox.h"
#include "core/num.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/server.h"
#include "core/uploads.h"
#include "core/token.h"
#include "core/view.h"
#include "core/api.h"
#include "core/module.h"
#include "core/testroutes.h"

#ifndef KHET_VERSION
#define KHET_VERSION "0.1.0"
#endif

struct opts {
	const char *listen, *db, *data, *base_url, *smtp_url, *mail_from, *static_dir, *templates;
	int workers;
	int dev, trust_proxy, share_port, quiet, test_routes;
	long long max_body_mb;
	long long header_timeout, max_conn_per_ip; /* max_conn_per_ip -1: the default */
	long long max_conns, body_timeout, body_min_rate_kb;
	long long min_free_mb;
	int db_pooler;
	const char *db_read;
	struct demo_args *demo;
};

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static int env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") && strcmp(v, "false");
}

static void usage(FILE *f)
{
	fprintf(f,
		"khet — ระบบบริหารงานสำนักงานเขตพื้นที่การศึกษา\n"
		"\n"
		"usage: khet COMMAND [flags]\n"
		"\n"
		"commands:\n"
		"  serve     run the web server until SIGTERM/SIGINT\n"
		"  migrate   apply database migrations and exit\n"
		"  check     check the database: SQLite's PRAGMA integrity_check (with Khet's Thai collation),\n"
		"            e.g. after a full disk or a crash; exit 1 when it finds a problem\n"
		"  demo      create demo data (two area offices with work groups and schools)\n"
		"  import KIND FILE   load a CSV or XLSX file, all rows or none (kinds below)\n"
		"  backup DIR         copy the database and the uploaded files into a new folder DIR,\n"
		"                     consistent while khet serve runs (README: Backup)\n"
		"  restore DIR [--force]  check every checksum of the backup in DIR, then restore it into\n"
		"                     the database and data folder named by --db/--data (an empty\n"
		"                     database unless --force)\n");
	for (int i = 0; khet_modules[i]; i++)
		for (const struct command_def *c = khet_modules[i]->commands; c && c->name; c++)
			fprintf(f, "  %-9s %s (khet %s help)\n", c->name, c->summary, c->name);
	fprintf(f, "  version   print the version\n\nimport kinds:\n");
	for (int i = 0; khet_modules[i]; i++)
		for (const struct import_def *c = khet_modules[i]->imports; c && c->name; c++)
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f,
		"\n"
		"flags (each also read from the environment variable shown):\n"
		"  --listen HOST:PORT   KHET_LISTEN    address to listen on (default 127.0.0.1:8080;\n"
		"                                      port 0 picks a free port)\n"
		"  --db URL             KHET_DB        sqlite:PATH or postgres://user@host:port/db\n"
		"                                      (default sqlite:DATA/khet.db)\n"
		"  --data DIR           KHET_DATA      data folder: SQLite file, uploads (default ./data)\n"
		"  --workers N          KHET_WORKERS   worker threads (default: number of CPUs)\n"
		"  --base-url URL       KHET_BASE_URL  public URL, used in e-mailed links and for Secure cookies\n"
		"  --smtp-url URL       KHET_SMTP_URL  smtp://host:port for outgoing mail (unset: dev mailbox)\n"
		"  --mail-from ADDR     KHET_MAIL_FROM sender of outgoing mail (default no-reply@ the base URL's host)\n"
		"  --static DIR         KHET_STATIC    built assets (default ./static/dist)\n"
		"  --max-body-mb N      KHET_MAX_BODY_MB  largest request body (default 64)\n"
		"  --trust-proxy        KHET_TRUST_PROXY  take the client address from X-Forwarded-For\n"
		"  --share-port         KHET_SHARE_PORT   let several processes listen on the same port on purpose\n"
		"  --header-timeout S   KHET_HEADER_TIMEOUT  seconds a request's headers may take to arrive whole\n"
		"                                      (default 15; a slower client is closed)\n"
		"  --max-conn-per-ip N  KHET_MAX_CONN_PER_IP  open connections one client address may hold\n"
		"                                      (default 128; 0 = no limit, the default with --trust-proxy)\n"
		"  --max-conns N        KHET_MAX_CONNS  connections open at once (default 4096); near it the\n"
		"                                      oldest incomplete requests are closed\n"
		"  --body-timeout S     KHET_BODY_TIMEOUT  seconds a request body may lag behind --body-min-rate\n"
		"                                      (default 30; then the Thai 408 and the connection closed)\n"
		"  --body-min-rate KB   KHET_BODY_MIN_RATE  KB a second a body must keep up after that (default 4)\n"
		"  --db-read URL        KHET_DB_READ   a PostgreSQL read replica for statistics, dashboards and\n"
		"                                      public lists (a browser that just wrote reads the primary)\n"
		"  --db-pooler          KHET_DB_POOLER PostgreSQL is reached through a pooler in transaction mode\n"
		"                                      (PgBouncer): no named prepared statements\n"
		"  --min-free-mb N      KHET_MIN_FREE_MB  /healthz and /metrics warn when the data folder's disk\n"
		"                                      has less free space than this (default 500)\n"
		"  --quiet              KHET_QUIET     no access log\n"
		"  --dev                KHET_DEV       read templates from ./templates on every page\n");
	for (int i = 0; khet_modules[i]; i++)
		for (const struct demo_flag *d = khet_modules[i]->demo_flags; d && d->name; d++)
			fprintf(f, "  --%-18s %s\n", d->name, d->help);
}

/* Long options: the global flags, then every module's demo flag (as
 * 1000 + its index). */
static const struct option global_longs[] = {
    {"listen", required_argument, 0, 'l'},   {"db", required_argument, 0, 'd'},
    {"data", required_argument, 0, 'D'},     {"workers", required_argument, 0, 'w'},
    {"base-url", required_argument, 0, 'b'}, {"smtp-url", required_argument, 0, 's'},
    {"mail-from", required_argument, 0, 'f'}, {"static", required_argument, 0, 'S'},
    {"max-body-mb", required_argument, 0, 'm'}, {"trust-proxy", no_argument, 0, 'p'},
    {"share-port", no_argument, 0, 'P'},
    {"header-timeout", required_argument, 0, 'T'}, {"max-conn-per-ip", required_argument, 0, 'C'},
    {"max-conns", required_argument, 0, 'N'}, {"body-timeout", required_argument, 0, 'O'},
    {"body-min-rate", required_argument, 0, 'r'},
    {"min-free-mb", required_argument, 0, 'F'}, {"db-pooler", no_argument, 0, 'B'},
    {"db-read", required_argument, 0, 'R'},
    {"quiet", no_argument, 0, 'q'},	     {"dev", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
};
#define NGLOBAL (sizeof global_longs / sizeof *global_longs)

/* A whole number flag value through the checked parser (core/num.h: an
 * optional sign and digits only, no spaces, no overflow), in range; else
 * -1 with a message in Thai and English. */
static int flag_number(const char *name, const char *v, long long min, long long max, long long *out)
{
	if (num_parse_ll(v, min, max, out) < 0) {
		fprintf(stderr,
			"khet: --%s ต้องเป็นจำนวนเต็มตั้งแต่ %lld ถึง %lld (ได้รับ \"%s\") / "
			"--%s must be a whole number between %lld and %lld (got \"%s\")\n",
			name, min, max, v, name, min, max, v);
		return -1;
	}
	return 0;
}

/* Parses argv from argv[first] on. Arguments that are not flags are kept
 * in rest (when not NULL) for the command, else refused. */
static int parse(int argc, char **argv, int first, struct opts *o, int *nrest, char **rest)
{
	o->listen = env_or("KHET_LISTEN", "127.0.0.1:8080");
	o->data = env_or("KHET_DATA", "./data");
	o->db = env_or("KHET_DB", NULL);
	o->base_url = env_or("KHET_BASE_URL", NULL);
	o->smtp_url = env_or("KHET_SMTP_URL", NULL);
	o->mail_from = env_or("KHET_MAIL_FROM", NULL);
	o->static_dir = env_or("KHET_STATIC", "./static/dist");
	o->dev = env_flag("KHET_DEV");
	o->trust_proxy = env_flag("KHET_TRUST_PROXY");
	o->share_port = env_flag("KHET_SHARE_PORT");
	o->quiet = env_flag("KHET_QUIET");
	o->test_routes = env_flag("KHET_TEST_ROUTES");
	o->db_pooler = env_flag("KHET_DB_POOLER");
	o->db_read = env_or("KHET_DB_READ", NULL);
	long long n;
	if (flag_number("workers (KHET_WORKERS)", env_or("KHET_WORKERS", "0"), 0, 1024, &n) < 0)
		return -1;
	o->workers = (int)n;
	if (flag_number("max-body-mb (KHET_MAX_BODY_MB)", env_or("KHET_MAX_BODY_MB", "64"), 1, 4096, &o->max_body_mb) < 0)
		return -1;
	if (flag_number("header-timeout (KHET_HEADER_TIMEOUT)", env_or("KHET_HEADER_TIMEOUT", "15"), 1, 600,
			&o->header_timeout) < 0)
		return -1;
	if (flag_number("max-conn-per-ip (KHET_MAX_CONN_PER_IP)", env_or("KHET_MAX_CONN_PER_IP", "-1"), -1, 100000,
			&o->max_conn_per_ip) < 0)
		return -1;
	if (flag_number("max-conns (KHET_MAX_CONNS)", env_or("KHET_MAX_CONNS", "4096"), 16, 1000000, &o->max_conns) < 0)
		return -1;
	if (flag_number("body-timeout (KHET_BODY_TIMEOUT)", env_or("KHET_BODY_TIMEOUT", "30"), 1, 3600, &o->body_timeout) < 0)
		return -1;
	if (flag_number("body-min-rate (KHET_BODY_MIN_RATE)", env_or("KHET_BODY_MIN_RATE", "4"), 1, 1000000,
			&o->body_min_rate_kb) < 0)
		return -1;
	if (flag_number("min-free-mb (KHET_MIN_FREE_MB)", env_or("KHET_MIN_FREE_MB", "500"), 0, 100000000,
			&o->min_free_mb) < 0)
		return -1;
	o->demo = demo_args_new();
	/* the options: global, then the modules' demo flags */
	size_t ndemo = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct demo_flag *d = khet_modules[i]->demo_flags; d && d->name; d++)
			ndemo++;
	struct option *longs = xcalloc(NGLOBAL + ndemo + 1, sizeof *longs);
	memcpy(longs, global_longs, sizeof global_longs);
	const struct demo_flag **dflags = xcalloc(ndemo + 1, sizeof *dflags);
	size_t k = 0;
	for (int i = 0; khet_modules[i]; i++)
		for (const struct demo_flag *d = khet_modules[i]->demo_flags; d && d->name; d++) {
			longs[NGLOBAL + k] = (struct option){d->name, required_argument, 0, 1000 + (int)k};
			dflags[k++] = d;
		}
	int c, rc = 0;
	optind = first;
	opterr = rest ? 0 : 1;
	/* "-" first: non-flags come back in order as 1, so a command keeps
	 * them and its own flags (the global ones are taken out here) */
	while (rc == 0 && (c = getopt_long(argc, argv, rest ? "-:h" : "h", longs, NULL)) != -1) {
		switch (c) {
		case 1: rest[(*nrest)++] = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'd': o->db = optarg; break;
		case 'D': o->data = optarg; break;
		case 'w':
			rc = flag_number("workers", optarg, 1, 1024, &n);
			o->workers = (int)n;
			break;
		case 'b': o->base_url = optarg; break;
		case 's': o->smtp_url = optarg; break;
		case 'f': o->mail_from = optarg; break;
		case 'S': o->static_dir = optarg; break;
		case 'm': rc = flag_number("max-body-mb", optarg, 1, 4096, &o->max_body_mb); break;
		case 'p': o->trust_proxy = 1; break;
		case 'P': o->share_port = 1; break;
		case 'T': rc = flag_number("header-timeout", optarg, 1, 600, &o->header_timeout); break;
		case 'C': rc = flag_number("max-conn-per-ip", optarg, 0, 100000, &o->max_conn_per_ip); break;
		case 'N': rc = flag_number("max-conns", optarg, 16, 1000000, &o->max_conns); break;
		case 'O': rc = flag_number("body-timeout", optarg, 1, 3600, &o->body_timeout); break;
		case 'r': rc = flag_number("body-min-rate", optarg, 1, 1000000, &o->body_min_rate_kb); break;
		case 'F': rc = flag_number("min-free-mb", optarg, 0, 100000000, &o->min_free_mb); break;
		case 'B': o->db_pooler = 1; break;
		case 'R': o->db_read = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->dev = 1; break;
		case 'h':
			if (rest) {
				rest[(*nrest)++] = "help";
				break;
			}
			usage(stdout);
			exit(0);
		case '?':
		case ':':
			if (rest) { /* the command's own flag: keep it (and its value) */
				rest[(*nrest)++] = argv[optind - 1];
				break;
			}
			usage(stderr);
			rc = -1;
			break;
		default:
			if (c >= 1000 && c < 1000 + (int)ndemo) {
				const struct demo_flag *d = dflags[c - 1000];
				struct err e = ERR_INIT;
				if (flag_number(d->name, optarg, d->min, d->max, &n) < 0 ||
				    demo_args_set(o->demo, d->name, n, &e) < 0)
					rc = -1;
				break;
			}
			usage(stderr);
			rc = -1;
		}
	}
	free(longs);
	free(dflags);
	if (rc < 0)
		return -1;
	if (optind < argc) {
		if (!rest) {
			fprintf(stderr, "khet: unexpected argument: %s\n", argv[optind]);
			return -1;
		}
		while (optind < argc)
			rest[(*nrest)++] = argv[optind++];
	}
	if (o->smtp_url && *o->smtp_url && !(o->base_url && *o->base_url)) {
		/* e-mailed links (set-password, requests) must open from a mail
		 * client, so they need the public address */
		fprintf(stderr, "khet: --smtp-url needs --base-url (KHET_BASE_URL), the public address that "
				"e-mailed links point to, e.g. https://khet.example.go.th\n");
		return -1;
	}
	return 0;
}

/* The database URL the flags name (malloc'd): --db, else the SQLite file
 * of the data folder. */
static char *db_url_of(const struct opts *o)
{
	if (o->db)
		return xstrdup(o->db);
	struct buf u = BUF_INIT;
	buf_addf(&u, "sqlite:%s/khet.db", o->data);
	return buf_detach(&u, NULL);
}

/* Opens the database named by the flags, creating the data folder for the
 * SQLite default, and brings its schema up to date. */
static struct db *open_db(struct opts *o, char **url_out)
{
	db_set_pooled(o->db_pooler);
	if (mkdir(o->data, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "khet: cannot create the data folder %s: %s\n", o->data, strerror(errno));
		return NULL;
	}
	char *url = db_url_of(o);
	struct err e = ERR_INIT;
	if (!db_url_known(url)) {
		fprintf(stderr, "khet: unknown database URL %s — use sqlite:PATH or postgres://USER@HOST:PORT/DB\n", url);
		free(url);
		return NULL;
	}
	struct db *db;
	if (db_open(url, &db, &e) < 0) {
		fprintf(stderr, "khet: cannot open the database: %s\n", e.msg);
		free(url);
		return NULL;
	}
	int n = db_migrate(db, &e);
	if (n < 0) {
		fprintf(stderr, "khet: database migration failed: %s\n", e.msg);
		db_close(db);
		free(url);
		return NULL;
	}
	if (n > 0)
		log_info("khet: applied %d migration%s", n, n == 1 ? "" : "s");
	*url_out = url;
	return db;
}

static int cmd_serve(struct opts *o)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	/* uploads a crash left in place before their commit: named by no
	 * row, and older than a request takes (core/uploads.h) */
	struct err se = ERR_INIT;
	long long age = 600;
	if (flag_number("KHET_UPLOAD_SWEEP_SECONDS", env_or("KHET_UPLOAD_SWEEP_SECONDS", "600"), 0, 100000000, &age) < 0) {
		db_close(db);
		free(url);
		return 2;
	}
	int swept = uploads_sweep_all(db, o->data, age, &se);
	if (swept < 0)
		log_error("khet: the sweep of unnamed uploads: %s (those folders are left as they are)", se.msg);
	else if (swept > 0)
		log_info("khet: removed %d upload%s no row names", swept, swept == 1 ? "" : "s");
	db_close(db);
	if (o->quiet)
		log_set_access(0);
	for (int i = 0; khet_modules[i]; i++) {
		const struct module *m = khet_modules[i];
		if (m->init)
			m->init(); /* hooks (accounts: sessions, the page header) */
		for (const struct route_table *const *t = m->routes; t && *t; t++)
			server_add_routes(*t);
		for (const struct job_def *j = m->jobs; j && j->name; j++)
			jobs_add(j->name, j->interval, j->fn);
	}
	api_register(); /* every module's /api/v1 resources, the document and its page */
	server_add_routes(&mailbox_routes); /* refuses itself unless dev mail on loopback */
	if (o->test_routes)
		server_add_routes(&test_routes);
	struct server_config c = {
		.listen = o->listen,
		.db_url = url,
		.db_read_url = o->db_read && *o->db_read ? o->db_read : NULL,
		.data_dir = o->data,
		.base_url = o->base_url,
		.static_dir = o->static_dir,
		.templates_dir = o->dev ? "templates" : NULL,
		.workers = o->workers,
		.dev = o->dev,
		.trust_proxy = o->trust_proxy,
		.share_port = o->share_port,
		.metrics_token = env_or("KHET_METRICS_TOKEN", NULL),
		.max_body = o->max_body_mb * 1024 * 1024,
		.test_routes = o->test_routes,
		.header_timeout = (int)o->header_timeout,
		.max_conns = (int)o->max_conns,
		.body_timeout = (int)o->body_timeout,
		.body_min_rate = o->body_min_rate_kb * 1024,
		.min_free_mb = o->min_free_mb,
		/* behind the proxy every connection comes from it */
		.max_conn_per_ip = o->max_conn_per_ip >= 0 ? (int)o->max_conn_per_ip
				   : o->trust_proxy		  ? 0
								  : HTTP_CONN_PER_IP_DEFAULT,
	};
	struct err e = ERR_INIT;
	mail_configure(o->smtp_url, o->mail_from, o->base_url);
	jobs_add("mail", 2, mail_send_due);
	jobs_add("ratelimit-purge", 3600, ratelimit_purge_job);
	jobs_add("token-purge", 3600, token_purge_job);
	/* before server_run, which returns only at shutdown; the jobs thread
	 * blocks every signal, so SIGTERM still reaches the server */
	if (jobs_start(url, &e) < 0) {
		fprintf(stderr, "khet: background jobs: %s\n", e.msg);
		free(url);
		return 1;
	}
	int rc = server_run(&c, &e);
	jobs_stop();
	mail_shutdown();
	if (rc < 0)
		fprintf(stderr, "khet: %s\n", e.msg);
	free(url);
	return rc < 0 ? 1 : 0;
}

static int cmd_migrate(struct opts *o)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	printf("khet: database %s is up to date\n", url);
	db_close(db);
	free(url);
	return 0;
}

/* `khet check`: the database's own consistency check through Khet's
 * connection, which knows the thai collation its indexes use (the sqlite3
 * shell does not). PostgreSQL checks its pages itself; a query answers. */
static int cmd_check(struct opts *o)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	struct err e = ERR_INIT;
	int rc = 0;
	json_t *rows = db_rows_json(db, db_kind(db) == DB_SQLITE ? "PRAGMA integrity_check" : "SELECT 'ok' AS r", NULL, 0,
				    &e);
	if (!rows) {
		fprintf(stderr, "khet: check %s: %s\n", url, e.msg);
		rc = 1;
	} else {
		size_t i;
		json_t *x;
		const char *first = NULL;
		json_array_foreach(rows, i, x) {
			const char *k;
			json_t *v;
			json_object_foreach(x, k, v) {
				if (!first)
					first = json_string_value(v);
				if (json_array_size(rows) > 1 || strcmp(nz(json_string_value(v)), "ok"))
					fprintf(stderr, "%s\n", nz(json_string_value(v)));
			}
		}
		if (json_array_size(rows) == 1 && first && !strcmp(first, "ok")) {
			printf("khet: database %s: ok\n", url);
		} else {
			fprintf(stderr, "khet: database %s has problems (above) / ฐานข้อมูลมีปัญหา (รายการข้างบน): "
					"restore the last backup\n",
				url);
			rc = 1;
		}
		json_decref(rows);
	}
	db_close(db);
	free(url);
	return rc;
}

static int cmd_demo(struct opts *o)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	struct err e = ERR_INIT;
	int rc = 0;
	demo_args_set_data_dir(o->demo, o->data);
	for (int i = 0; rc == 0 && khet_modules[i]; i++)
		if (khet_modules[i]->demo && (rc = khet_modules[i]->demo(db, o->demo, &e)) < 0)
			fprintf(stderr, "khet: demo data (%s): %s\n", khet_modules[i]->name, e.msg);
	if (rc == 0 && (rc = db_analyze(db, &e)) < 0)
		fprintf(stderr, "khet: demo data: %s\n", e.msg);
	if (rc == 0)
		printf("khet: demo data ready in %s\n", url);
	db_close(db);
	free(url);
	return rc < 0 ? 1 : 0;
}

/* `khet import KIND FILE`: the module's importer in one transaction. */
static int cmd_import(struct opts *o, int argc, char **argv)
{
	if (argc != 3 || !strcmp(argv[1], "help")) {
		fprintf(argc == 2 && !strcmp(argv[1], "help") ? stdout : stderr, "usage: khet import KIND FILE\n");
		return 2;
	}
	const struct import_def *imp = module_import(argv[1]);
	if (!imp) {
		fprintf(stderr, "khet: unknown import kind %s (khet help lists them)\n", argv[1]);
		return 2;
	}
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	struct err e = ERR_INIT;
	struct buf report = BUF_INIT;
	int rc = imp->run(db, argv[2], &report, &e);
	if (report.len)
		fputs(buf_cstr(&report), rc < 0 ? stderr : stdout);
	if (rc < 0)
		fprintf(stderr, "khet: import %s %s: %s\n", argv[1], argv[2], e.msg);
	else if (db_analyze(db, &e) < 0) /* the rows are in: only the planner's figures wait for autovacuum */
		fprintf(stderr, "khet: import %s: ANALYZE: %s\n", argv[1], e.msg);
	buf_release(&report);
	db_close(db);
	free(url);
	return rc < 0 ? 1 : 0;
}

/* `khet backup DIR` and `khet restore DIR [--force]` (core/backup.h): no
 * migration first — a backup copies the database as it is, and a restore
 * needs the target as it is to tell whether it is empty. */
static int cmd_backup(struct opts *o, int argc, char **argv)
{
	int restore = !strcmp(argv[0], "restore"), force = 0;
	const char *dir = NULL;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		if (restore && !strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "help"))
			bad = 1;
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else
			bad = 1;
	}
	if (bad || !dir) {
		fprintf(bad && argc == 2 ? stdout : stderr,
			restore ? "usage: khet restore DIR [--force] [--db URL] [--data DIR]\n"
				: "usage: khet backup DIR [--db URL] [--data DIR]\n");
		return 2;
	}
	char *url = db_url_of(o);
	if (!db_url_known(url)) {
		fprintf(stderr, "khet: unknown database URL %s — use sqlite:PATH or postgres://USER@HOST:PORT/DB\n", url);
		free(url);
		return 2;
	}
	struct err e = ERR_INIT;
	struct buf report = BUF_INIT;
	int rc = restore ? backup_restore(dir, url, o->data, force, &report, &e)
			 : backup_make(url, o->data, dir, &report, &e);
	if (rc < 0)
		fprintf(stderr, "khet: %s\n", e.msg);
	else
		fputs(buf_cstr(&report), stdout);
	buf_release(&report);
	free(url);
	return rc < 0 ? 1 : 0;
}

/* A module's command (`khet user …`) on the opened database. */
static int cmd_module(const struct command_def *c, struct opts *o, int argc, char **argv)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	/* commands send mail (khet user add's set-password link), whose body
	 * is a template */
	struct err e = ERR_INIT;
	if (view_init_text(&e) < 0) {
		fprintf(stderr, "khet: templates: %s\n", e.msg);
		db_close(db);
		free(url);
		return 1;
	}
	mail_configure(o->smtp_url, o->mail_from, o->base_url);
	struct cli cli = {.db = db, .db_url = url, .data_dir = o->data, .base_url = o->base_url};
	int rc = c->run(&cli, argc, argv);
	mail_shutdown();
	view_shutdown();
	db_close(db);
	free(url);
	return rc;
}

int main(int argc, char **argv)
{
	jx_alloc_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "khet: libsodium failed to start\n");
		return 1;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("khet %s\n", KHET_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	struct err e = ERR_INIT;
	if (module_check(&e) < 0) {
		fprintf(stderr, "khet: BUG: the module list does not fit together: %s\n", e.msg);
		return 70;
	}
	struct opts o = {0};
	const struct command_def *mc = module_command(cmd);
	int rc = 2;
	if (mc || !strcmp(cmd, "import") || !strcmp(cmd, "backup") || !strcmp(cmd, "restore")) {
		/* the command's own words and flags stay for it, in order */
		char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
		int nrest = 0;
		rest[nrest++] = argv[1];
		if (parse(argc, argv, 2, &o, &nrest, rest) == 0)
			rc = mc			      ? cmd_module(mc, &o, nrest, rest)
			     : !strcmp(cmd, "import") ? cmd_import(&o, nrest, rest)
						      : cmd_backup(&o, nrest, rest);
		free(rest);
	} else if (parse(argc, argv, 2, &o, NULL, NULL) < 0) {
		rc = 2;
	} else if (!strcmp(cmd, "serve")) {
		rc = cmd_serve(&o);
	} else if (!strcmp(cmd, "migrate")) {
		rc = cmd_migrate(&o);
	} else if (!strcmp(cmd, "check")) {
		rc = cmd_check(&o);
	} else if (!strcmp(cmd, "demo")) {
		rc = cmd_demo(&o);
	} else {
		fprintf(stderr, "khet: unknown command %s\n\n", cmd);
		usage(stderr);
	}
	demo_args_free(o.demo);
	return rc;
}
