/* main: the `khet` command line. `khet serve` is the web server; the other
 * subcommands are what an operator does from a shell (migrate, demo).
 * Every flag has an environment variable, and every setting a default, so
 * `khet serve` alone runs on ./data/khet.db. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/db.h"
#include "core/jobs.h"
#include "core/mail.h"
#include "core/mailbox.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/server.h"
#include "core/token.h"
#include "core/testroutes.h"
#include "acc/acc.h"
#include "org/org.h"
#include "kpi/kpi.h"
#include "oss/oss.h"

#ifndef KHET_VERSION
#define KHET_VERSION "0.1.0"
#endif

struct opts {
	const char *listen, *db, *data, *base_url, *smtp_url, *mail_from, *static_dir, *templates;
	int workers;
	int dev, trust_proxy, quiet, test_routes;
	long long max_body_mb;
	int schools;
	long long requests;
	int indicators;
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
		"  demo      create demo data (two area offices with work groups and schools)\n"
		"  version   print the version\n"
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
		"  --quiet              KHET_QUIET     no access log\n"
		"  --dev                KHET_DEV       read templates from ./templates on every page\n"
		"  --schools N          (demo) schools per area (default 30)\n"
		"  --requests N         (demo) One Stop Service requests to generate (default 0)\n"
		"  --indicators N       (demo) KPI indicators in the first area's year, up to 2000 (default 2)\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	o->listen = env_or("KHET_LISTEN", "127.0.0.1:8080");
	o->data = env_or("KHET_DATA", "./data");
	o->db = env_or("KHET_DB", NULL);
	o->base_url = env_or("KHET_BASE_URL", NULL);
	o->smtp_url = env_or("KHET_SMTP_URL", NULL);
	o->mail_from = env_or("KHET_MAIL_FROM", NULL);
	o->static_dir = env_or("KHET_STATIC", "./static/dist");
	o->workers = atoi(env_or("KHET_WORKERS", "0"));
	o->max_body_mb = atoll(env_or("KHET_MAX_BODY_MB", "64"));
	o->dev = env_flag("KHET_DEV");
	o->trust_proxy = env_flag("KHET_TRUST_PROXY");
	o->quiet = env_flag("KHET_QUIET");
	o->test_routes = env_flag("KHET_TEST_ROUTES");
	o->schools = 30;
	o->requests = 0;
	o->indicators = 0;
	static const struct option longs[] = {
		{"listen", required_argument, 0, 'l'},   {"db", required_argument, 0, 'd'},
		{"data", required_argument, 0, 'D'},     {"workers", required_argument, 0, 'w'},
		{"base-url", required_argument, 0, 'b'}, {"smtp-url", required_argument, 0, 's'},
		{"mail-from", required_argument, 0, 'f'},
		{"static", required_argument, 0, 'S'},   {"max-body-mb", required_argument, 0, 'm'},
		{"trust-proxy", no_argument, 0, 'p'},    {"quiet", no_argument, 0, 'q'},
		{"dev", no_argument, 0, 'v'},            {"schools", required_argument, 0, 'n'},
		{"requests", required_argument, 0, 'r'}, {"indicators", required_argument, 0, 'i'},
		{"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
	};
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'l': o->listen = optarg; break;
		case 'd': o->db = optarg; break;
		case 'D': o->data = optarg; break;
		case 'w': o->workers = atoi(optarg); break;
		case 'b': o->base_url = optarg; break;
		case 's': o->smtp_url = optarg; break;
		case 'f': o->mail_from = optarg; break;
		case 'S': o->static_dir = optarg; break;
		case 'm': o->max_body_mb = atoll(optarg); break;
		case 'p': o->trust_proxy = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->dev = 1; break;
		case 'n': o->schools = atoi(optarg); break;
		case 'r': o->requests = atoll(optarg); break;
		case 'i': o->indicators = atoi(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "khet: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->workers < 0 || o->workers > 1024) {
		fprintf(stderr, "khet: --workers must be between 1 and 1024\n");
		return -1;
	}
	if (o->smtp_url && *o->smtp_url && !(o->base_url && *o->base_url)) {
		/* e-mailed links (set-password, requests) must open from a mail
		 * client, so they need the public address */
		fprintf(stderr, "khet: --smtp-url needs --base-url (KHET_BASE_URL), the public address that "
				"e-mailed links point to, e.g. https://khet.example.go.th\n");
		return -1;
	}
	if (o->max_body_mb <= 0 || o->max_body_mb > 4096) {
		fprintf(stderr, "khet: --max-body-mb must be between 1 and 4096\n");
		return -1;
	}
	return 0;
}

/* Opens the database named by the flags, creating the data folder for the
 * SQLite default, and brings its schema up to date. */
static struct db *open_db(struct opts *o, char **url_out)
{
	if (mkdir(o->data, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "khet: cannot create the data folder %s: %s\n", o->data, strerror(errno));
		return NULL;
	}
	char *url;
	if (o->db) {
		url = strdup(o->db);
	} else {
		size_t n = strlen(o->data) + 16;
		url = malloc(n);
		snprintf(url, n, "sqlite:%s/khet.db", o->data);
	}
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
	db_close(db);
	if (o->quiet)
		log_set_access(0);
	server_add_routes(&org_routes);
	server_add_routes(&kpi_routes);
	server_add_routes(&oss_routes);
	acc_init(); /* sessions, roles and the page header; before jobs_start */
	server_add_routes(&acc_routes);
	server_add_routes(&acc_roster_routes);
	server_add_routes(&acc_directory_routes);
	server_add_routes(&acc_admin_routes);
	server_add_routes(&acc_audit_routes);
	server_add_routes(&acc_request_routes);
	server_add_routes(&acc_schooladmin_routes);
	server_add_routes(&acc_password_routes);
	server_add_routes(&mailbox_routes); /* refuses itself unless dev mail on loopback */
	if (o->test_routes)
		server_add_routes(&test_routes);
	struct server_config c = {
		.listen = o->listen,
		.db_url = url,
		.data_dir = o->data,
		.base_url = o->base_url,
		.static_dir = o->static_dir,
		.templates_dir = o->dev ? "templates" : NULL,
		.workers = o->workers,
		.dev = o->dev,
		.trust_proxy = o->trust_proxy,
		.max_body = o->max_body_mb * 1024 * 1024,
		.test_routes = o->test_routes,
	};
	struct err e = ERR_INIT;
	mail_configure(o->smtp_url, o->mail_from, o->base_url);
	jobs_add("mail", 2, mail_send_due);
	jobs_add("kpi-remind", 3600, kpi_remind_due);
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

static int cmd_demo(struct opts *o)
{
	char *url;
	struct db *db = open_db(o, &url);
	if (!db)
		return 1;
	struct err e = ERR_INIT;
	int rc = org_demo(db, o->schools, &e);
	if (rc == 0)
		rc = acc_demo(db, &e);
	if (rc == 0)
		rc = oss_demo(db, o->requests, &e);
	if (rc == 0)
		rc = kpi_demo(db, o->schools < 300 ? o->schools : 300, &e);
	if (rc == 0 && o->indicators > 0)
		rc = kpi_demo_bulk(db, o->indicators, &e);
	if (rc < 0)
		fprintf(stderr, "khet: demo data: %s\n", e.msg);
	else
		printf("khet: demo data ready in %s\n", url);
	db_close(db);
	free(url);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
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
	struct opts o;
	if (parse(argc, argv, &o) < 0)
		return 2;
	if (!strcmp(cmd, "serve"))
		return cmd_serve(&o);
	if (!strcmp(cmd, "migrate"))
		return cmd_migrate(&o);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(&o);
	fprintf(stderr, "khet: unknown command %s\n\n", cmd);
	usage(stderr);
	return 2;
}
