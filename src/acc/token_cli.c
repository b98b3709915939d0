/* token_cli: `khet token add|list|revoke|help` — API tokens (issue 15.4)
 * from the command line, for an operator's scripts and for `make bench`,
 * which calls /api/v1 with a token of the demo officer. The same rules as
 * the tokens page (api_token.c): a personal token acts as its owner in
 * one of his active grants (of --role, of the area of --area-code; the
 * first by id), with scopes checked against the modules' API scopes and
 * an expiry of at most a year; only its SHA-256 is stored and the token is
 * printed once, alone on stdout (messages go to stderr), so a script reads
 * it with $(khet token add …). Service accounts are made on the page: one
 * answers to the admin who made it, and the command line is nobody.
 *
 * Each command is one transaction and is written to the audit trail as
 * done by the command line (actor 0, role "cli"), like `khet user`. A
 * token made here names its owner as created_by (the column must name an
 * account). Exit codes: 0 done, 1 refused (nothing stored), 2 usage. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "acc/acc_internal.h"
#include "core/api.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/jsonx.h"
#include "core/module.h"
#include "core/thai.h"

static const char usage_text[] =
    "usage: khet token COMMAND [flags]\n"
    "\n"
    "  add      --login USERNAME|E-MAIL|CITIZEN-ID --scopes SCOPE[,SCOPE…] [--name TEXT]\n"
    "           [--role CODE] [--area-code CODE] [--days N]\n"
    "           a personal access token acting as the user in his active grant of --role\n"
    "           (any role when left out) in the area --area-code (his first grant's area\n"
    "           when left out), valid until the end of the day N days from today (default\n"
    "           90, at most 366). Prints the token alone on stdout, once: only its\n"
    "           SHA-256 is stored.\n"
    "  list     [--area-code CODE]   one line per token, tab-separated:\n"
    "           id prefix name kind username role area_code scopes expires_at revoked\n"
    "  revoke   --id N   the token ends at once\n"
    "  help     this text\n"
    "\n"
    "example:\n"
    "  TOKEN=$(khet token add --login officer --role officer --scopes oss:read --name bench)\n"
    "  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/oss/requests\n"
    "\n"
    "scopes (module:write holds module:read):\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	for (const struct choice *c = api_scope_choices(); c->value; c++)
		fprintf(f, "  %-14s %s\n", c->value, c->label);
}

struct opts {
	const char *login, *scopes, *name, *role, *area_code, *days, *id;
};

/* no flag is a prefix of a global one (main.c's getopt_long takes
 * abbreviations: see core/cli.h) */
#define O(field) offsetof(struct opts, field)
static const struct cli_flag flags[] = {
    {"login", O(login)}, {"scopes", O(scopes)},	  {"name", O(name)}, {"role", O(role)},
    {"area-code", O(area_code)}, {"days", O(days)}, {"id", O(id)},	   {NULL},
};
#undef O

static int fail(const char *cmd, const char *en, const struct err *e)
{
	return cli_fail("token", cmd, en, e, NULL);
}

static int audit(struct db *db, long long area_id, const char *action, long long id, json_t *detail, struct err *e)
{
	struct audit_entry a = {.actor_role = "cli", .area_id = area_id, .action = action, .target_type = "api_token",
				.target_id = id, .detail = detail};
	int rc = audit_add(db, &a, e);
	json_decref(detail);
	return rc;
}

/* "oss:read,kpi:read" (commas or spaces) as the form's array of values */
static json_t *scope_values(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ", ");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return a;
}

/* The checks and the insert of `add`, inside the caller's transaction:
 * the token's id, or -1 with e. */
static long long add_token(struct db *db, const struct opts *o, char token[ACC_API_TOKEN_CHARS + 1],
			   long long *area_out, struct err *e)
{
	long long days = 90;
	if (o->days) {
		char *end;
		days = strtoll(o->days, &end, 10);
		if (!*o->days || *end || days < 0 || days > ACC_API_TOKEN_MAX_DAYS)
			return err_field(e, "days", "--days ต้องเป็นจำนวนวัน 0 ถึง %d", ACC_API_TOKEN_MAX_DAYS);
	}
	struct buf scopes = BUF_INIT;
	json_t *vals = scope_values(o->scopes);
	int rc = acc_api_scopes_join(vals, &scopes, e);
	json_decref(vals);
	if (rc < 0) {
		buf_release(&scopes);
		return -1;
	}
	if (o->role && !module_role(o->role)) {
		buf_release(&scopes);
		return err_field(e, "role", "ไม่รู้จักบทบาท %s (ดู khet user help)", o->role);
	}
	long long aid = 0, uid = 0, gid = -1, id = -1;
	char status[16], hash[128];
	rc = acc_user_find_login(db, o->login, &uid, status, hash, e);
	sodium_memzero(hash, sizeof hash);
	if (rc == 0 || (rc > 0 && strcmp(status, "active")))
		err_field(e, "login", "ไม่พบบัญชีผู้ใช้ %s ที่ใช้งานอยู่ (ใช้ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน)", o->login);
	else if (rc > 0 && o->area_code &&
		 (rc = db_int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(o->area_code)), &aid, e)) ==
		     0)
		err_field(e, "area_code", "ไม่พบสำนักงานเขตพื้นที่รหัส %s", o->area_code);
	else if (rc > 0)
		gid = acc_api_token_owner_grant(db, uid, aid, o->role ? o->role : "", e);
	if (gid >= 0 && !o->area_code && gid > 0 &&
	    db_int_value(db,
			 "SELECT COALESCE(g.area_id, s.area_id, 0) FROM grants g LEFT JOIN schools s ON s.id = g.school_id "
			 "WHERE g.id = $1",
			 DB_ARGS(DB_INT(gid)), &aid, e) < 0)
		gid = -1;
	/* the end of the day, Bangkok, N days from today (as the page's expiry
	 * date), within a year of now; never already over (the last second of
	 * today) */
	long long now = clock_now(NULL);
	int y, mo, d, h, mi, sec, wd;
	thai_local(now + days * 86400LL, &y, &mo, &d, &h, &mi, &sec, &wd);
	long long expires = thai_from_local(y, mo, d, 23, 59, 59);
	if (expires > now + ACC_API_TOKEN_MAX_DAYS * 86400LL)
		expires = now + ACC_API_TOKEN_MAX_DAYS * 86400LL;
	if (gid >= 0 && expires <= now)
		gid = err_field(e, "days", "วันหมดอายุต้องเป็นวันนี้หรือหลังจากนี้");
	if (gid >= 0) {
		struct acc_api_token_new t = {.name = o->name ? o->name : "khet token add", .user_id = uid,
					      .grant_id = gid, .role = "", .area_id = aid, .scopes = buf_cstr(&scopes),
					      .expires_at = expires, .created_by = uid, .created_at = now};
		id = acc_api_token_store(db, &t, token, e);
		if (id > 0 &&
		    audit(db, aid, "api.token.create", id,
			  json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", t.name, "kind", "personal", "scopes",
				    buf_cstr(&scopes), "user_id", (json_int_t)uid, "expires_at", (json_int_t)expires),
			  e) < 0)
			id = -1;
	}
	buf_release(&scopes);
	*area_out = aid;
	return id;
}

static int cmd_add(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	if (!o->login || !o->scopes) {
		fprintf(stderr, "khet token add: give --login and --scopes / ต้องระบุ --login และ --scopes\n");
		return 2;
	}
	struct err e = ERR_INIT;
	struct db *db = cli->db;
	if (db_begin(db, &e) < 0)
		return fail("add", "database", &e);
	char token[ACC_API_TOKEN_CHARS + 1] = "";
	long long aid = 0;
	long long id = add_token(db, o, token, &aid, &e);
	if (id < 0 || db_commit(db, &e) < 0) {
		db_rollback(db);
		sodium_memzero(token, sizeof token);
		return fail("add", "nothing was stored", &e);
	}
	printf("%s\n", token);
	fflush(stdout);
	sodium_memzero(token, sizeof token);
	fprintf(stderr, "token %lld made for %s; it is shown only this once / สร้างโทเคนเลขที่ %lld แล้ว "
			"(แสดงครั้งเดียวเท่านั้น)\n",
		id, o->login, id);
	return 0;
}

static int cmd_revoke(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	char *end = NULL;
	long long id = o->id ? strtoll(o->id, &end, 10) : 0;
	if (!o->id || !*o->id || *end || id <= 0) {
		fprintf(stderr, "khet token revoke: give --id N (khet token list) / ต้องระบุ --id เลขที่ของโทเคน\n");
		return 2;
	}
	struct err e = ERR_INIT;
	struct db *db = cli->db;
	if (db_begin(db, &e) < 0)
		return fail("revoke", "database", &e);
	long long area = 0;
	int rc = db_int_value(db, "SELECT COALESCE(area_id, 0) FROM api_tokens WHERE id = $1 AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(id)), &area, &e);
	if (rc == 0)
		err_field(&e, "id", "ไม่พบโทเคนเลขที่ %lld ที่ใช้งานอยู่ (อาจถูกเพิกถอนไปแล้ว)", id);
	if (rc > 0 && db_exec(db, "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(id), DB_INT(clock_now(NULL))), &e) < 0)
		rc = -1;
	if (rc > 0 && audit(db, area, "api.token.revoke", id, NULL, &e) < 0)
		rc = -1;
	if (rc <= 0 || db_commit(db, &e) < 0) {
		db_rollback(db);
		return fail("revoke", "nothing was changed", &e);
	}
	printf("revoked token %lld / เพิกถอนโทเคนเลขที่ %lld แล้ว\n", id, id);
	return 0;
}

static int cmd_list(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	struct err e = ERR_INIT;
	struct db_res *res;
	/* api_tokens_area (area_id, id) */
	static const char sql[] =
	    "SELECT t.id, t.prefix, t.name, t.kind, u.username, COALESCE(NULLIF(t.role, ''), g.role, ''), "
	    "COALESCE(a.code, ''), t.scopes, t.expires_at, CASE WHEN t.revoked_at IS NULL THEN '' ELSE 'revoked' END "
	    "FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN grants g ON g.id = t.grant_id "
	    "LEFT JOIN areas a ON a.id = t.area_id WHERE ($1 = '' OR a.code = $1) ORDER BY t.id";
	if (db_query(cli->db, sql, DB_ARGS(DB_TEXT(o->area_code ? o->area_code : "")), &res, &e) < 0)
		return fail("list", "database", &e);
	printf("id\tprefix\tname\tkind\tusername\trole\tarea_code\tscopes\texpires_at\trevoked\n");
	int rc;
	while ((rc = db_next(res, &e)) > 0) {
		for (int c = 0; c < 10; c++) {
			if (c == 8) {
				int y, mo, d, h, mi, s, wd;
				thai_local(db_int(res, c), &y, &mo, &d, &h, &mi, &s, &wd);
				printf("%04d-%02d-%02dT%02d:%02d:%02d+07:00\t", y, mo, d, h, mi, s);
				continue;
			}
			cli_tsv_field(db_text(res, c), c == 9);
		}
	}
	db_res_free(res);
	if (rc < 0)
		return fail("list", "database", &e);
	return 0;
}

int acc_cli_token(const struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"add", cmd_add}, {"revoke", cmd_revoke}, {"list", cmd_list}, {NULL}};
	struct opts o = {0};
	return cli_command(cli, argc, argv, flags, &o, usage, subs);
}
