/* cli: `khet user add|list|grant|revoke|help` — the operator's way to start
 * a real area without `khet demo` or SQL: the first OBEC super admin, then
 * the area admins, who do the rest in the web pages. Roles and permissions
 * are whatever the modules declare (core/module.h), so this file names no
 * role but in its help text's examples.
 *
 * Each command is one transaction: every check runs first and nothing is
 * stored unless all of it succeeds; every change is written to the audit
 * trail as done by actor 0 in the role "cli". A new account gets a
 * set-password link, mailed (when mail is set up) and printed, the same
 * single-use secret, so an operator can hand it over before mail works;
 * or, with --password-stdin, its password straight from stdin (checked by
 * the ACC-3 rules). Messages are English then Thai. Exit codes: 0 done,
 * 1 refused or failed, 2 usage.
 *
 * Flag names avoid being a prefix of the global ones (--schools,
 * --requests, --indicators, --db, --data …): main.c parses the global
 * flags first with GNU getopt_long, which accepts abbreviations, so a user
 * flag "--school" would be taken as --schools. Hence --school-code and
 * --area-code. */
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acc/acc_internal.h"
#include "core/audit.h"
#include "core/buf.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/module.h"

static const char usage_text[] =
    "usage: khet user COMMAND [flags]\n"
    "\n"
    "  add      create an account and grant it a role\n"
    "           --citizen-id N13 --email ADDR --title T --first-name F --last-name L [--phone P]\n"
    "           [--username U] (--role CODE | --permission KEY) [unit flags] [--password-stdin]\n"
    "           Without --password-stdin a set-password link is mailed and printed\n"
    "           (valid 1 hour; with --base-url it is the whole address).\n"
    "  grant    --login USERNAME|E-MAIL|CITIZEN-ID (--role CODE | --permission KEY) [unit flags]\n"
    "  revoke   --grant ID, or --login … (--role CODE | --permission KEY) [unit flags]\n"
    "  list     [--area-code CODE] [--role CODE]   one line per active grant, tab-separated:\n"
    "           user_id username email name status grant_id role qualifier area_code school_code work_group_id\n"
    "  help     this text\n"
    "\n"
    "unit flags (where the role needs them):\n"
    "  --area-code CODE      the area office's code, e.g. 3502 (area roles)\n"
    "  --school-code OBEC    the school's 10-digit OBEC code (school roles)\n"
    "  --work-group ID|NAME  a work group of the area (roles that take one)\n"
    "\n"
    "examples:\n"
    "  khet user add --citizen-id 1103700012345 --email admin@obec.go.th --title นาย \\\n"
    "      --first-name สมชาย --last-name ใจดี --role super_admin --base-url https://khet.example.go.th\n"
    "  khet user add … --role area_admin --area-code 3502\n"
    "  khet user grant --login somchai --permission officer:31 --area-code 3502\n"
    "\n"
    "roles:\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	static const char *scope[] = {"", "school", "area", "national"};
	for (int i = 0; module_role_at(i); i++) {
		const struct role_def *r = module_role_at(i);
		fprintf(f, "  %-14s %-8s %s%s\n", r->code, scope[r->scope], r->label,
			r->flags & ROLE_WORK_GROUP ? " (needs --work-group)"
			: r->flags & ROLE_QUALIFIED ? " (use --permission)"
						    : "");
	}
	fputs("permissions (--permission KEY):\n", f);
	for (int i = 0; module_permission_at(i); i++) {
		const struct permission_def *p = module_permission_at(i);
		if (p->qualifier && *p->qualifier)
			fprintf(f, "  %-14s %s\n", p->key, p->label);
	}
}

struct opts {
	const char *citizen_id, *email, *title, *first, *last, *phone, *username;
	const char *role, *permission, *area_code, *school_code, *work_group, *login, *grant;
	int password_stdin;
};

#define O(field) offsetof(struct opts, field)
static const struct cli_flag flags[] = {
    {"citizen-id", O(citizen_id)}, {"email", O(email)},		    {"title", O(title)},
    {"first-name", O(first)},	   {"last-name", O(last)},	    {"phone", O(phone)},
    {"username", O(username)},	   {"role", O(role)},		    {"permission", O(permission)},
    {"area-code", O(area_code)},   {"school-code", O(school_code)}, {"work-group", O(work_group)},
    {"login", O(login)},	   {"grant", O(grant)},		    {"password-stdin", O(password_stdin), true},
    {NULL},
};
#undef O

/* Prints a refusal (English context, then the Thai message). */
static int fail(const char *cmd, const char *en, const struct err *e)
{
	/* the field as the flag that sets it */
	static const char *const flag_of[][2] = {{"area_id", "area-code"},	{"school_id", "school-code"},
						 {"work_group_id", "work-group"}, {"permission", "permission"},
						 {"service", "permission"},	{NULL, NULL}};
	return cli_fail("user", cmd, en, e, flag_of);
}

static void audit(struct db *db, long long area_id, const char *action, const char *type, long long id,
		  json_t *detail, struct err *e)
{
	struct audit_entry a = {.actor_role = "cli", .area_id = area_id, .action = action, .target_type = type,
				.target_id = id, .detail = detail};
	if (e->status == 0 && audit_add(db, &a, e) < 0)
		return;
}

/* The grant named by --role/--permission and the unit flags, for user_id;
 * -1 with e (Thai) when a flag names nothing. */
static int grant_from_flags(struct db *db, const struct opts *o, long long user_id, struct acc_grant *g,
			    struct err *e)
{
	memset(g, 0, sizeof *g);
	if (!!o->role == !!o->permission)
		return err_field(e, "role", "ให้ระบุ --role หรือ --permission อย่างใดอย่างหนึ่ง (ดู khet user help)");
	long long area_id = 0, school_id = 0, wg = 0;
	if (o->area_code) {
		int rc = db_int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(o->area_code)), &area_id,
				      e);
		if (rc <= 0)
			return rc < 0 ? -1
				      : err_field(e, "area-code",
						  "ไม่พบสำนักงานเขตพื้นที่รหัส %s (นำเข้าด้วย khet import org ก่อน)",
						  o->area_code);
	}
	if (o->school_code) {
		long long sarea = 0;
		struct db_res *res;
		if (db_query(db, "SELECT id, area_id FROM schools WHERE obec_code = $1", DB_ARGS(DB_TEXT(o->school_code)),
			     &res, e) < 0)
			return -1;
		int rc = db_next(res, e);
		if (rc > 0) {
			school_id = db_int(res, 0);
			sarea = db_int(res, 1);
		}
		db_res_free(res);
		if (rc <= 0)
			return rc < 0 ? -1
				      : err_field(e, "school-code", "ไม่พบโรงเรียนรหัส %s (รหัสโรงเรียน 10 หลัก)",
						  o->school_code);
		if (area_id && area_id != sarea)
			return err_field(e, "school-code", "โรงเรียนรหัส %s ไม่ได้อยู่ในเขตพื้นที่ %s", o->school_code,
					 o->area_code);
	}
	if (o->work_group) {
		if (!area_id)
			return err_field(e, "work-group", "ให้ระบุ --area-code ของกลุ่มงานด้วย");
		char *end;
		long long id = strtoll(o->work_group, &end, 10);
		int rc;
		if (*o->work_group && !*end)
			rc = db_int_value(db, "SELECT id FROM work_groups WHERE id = $1 AND area_id = $2",
					  DB_ARGS(DB_INT(id), DB_INT(area_id)), &wg, e);
		else
			rc = db_int_value(db, "SELECT id FROM work_groups WHERE name = $1 AND area_id = $2",
					  DB_ARGS(DB_TEXT(o->work_group), DB_INT(area_id)), &wg, e);
		if (rc <= 0)
			return rc < 0 ? -1
				      : err_field(e, "work-group", "ไม่พบกลุ่มงาน %s ในเขตพื้นที่ %s", o->work_group,
						  o->area_code);
	}
	if (o->permission) {
		const struct permission_def *p = module_permission(o->permission);
		if (!p)
			return err_field(e, "permission", "ไม่รู้จักสิทธิ์ %s (ดูรายการใน khet user help)", o->permission);
		acc_permission_grant(g, user_id, p, area_id, school_id, wg);
	} else {
		const struct role_def *r = module_role(o->role);
		if (!r)
			return err_field(e, "role", "ไม่รู้จักบทบาท %s (ดูรายการใน khet user help)", o->role);
		if (r->flags & ROLE_QUALIFIED)
			return err_field(e, "role", "บทบาท %s ต้องระบุสิทธิ์ย่อย ให้ใช้ --permission (เช่น %s:รหัส)",
					 o->role, o->role);
		g->user_id = user_id;
		snprintf(g->role, sizeof g->role, "%s", r->code);
		g->area_id = r->scope == SCOPE_NATIONAL ? 0 : area_id;
		g->school_id = r->scope == SCOPE_SCHOOL ? school_id : 0;
		g->work_group_id = r->scope == SCOPE_AREA ? wg : 0;
		if (r->scope == SCOPE_NATIONAL && (area_id || school_id || wg))
			return err_field(e, "role", "บทบาท %s เป็นบทบาทระดับประเทศ ไม่ต้องระบุเขต โรงเรียน หรือกลุ่มงาน",
					 o->role);
		if (r->scope == SCOPE_AREA && school_id)
			return err_field(e, "school-code", "บทบาท %s เป็นบทบาทระดับเขต ไม่ต้องระบุ --school-code", o->role);
	}
	acc_grant_resolve(g);
	return 0;
}

static json_t *grant_detail(const struct acc_grant *g, const struct opts *o)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:I}", "role", g->role, "service", g->service, "area_code",
			 o->area_code, "school_code", o->school_code, "work_group_id", (json_int_t)g->work_group_id);
}

/* Grants g after acc_grant_add_full's checks, audited; the grant id or -1. */
static long long add_grant(struct db *db, const struct acc_grant *g, const struct opts *o, struct err *e)
{
	long long gid = acc_grant_add_full(db, g, 0, e);
	if (gid < 0)
		return -1;
	long long area = 0;
	if (db_int_value(db, "SELECT COALESCE(area_id, 0) FROM grants WHERE id = $1", DB_ARGS(DB_INT(gid)), &area, e) <
	    0)
		return -1;
	json_t *d = grant_detail(g, o);
	audit(db, area, "grant.add", "grant", gid, d, e);
	json_decref(d);
	return e->status ? -1 : gid;
}

/* Reads one line from stdin into pw (without the line end). */
static int read_password(struct buf *pw, struct err *e)
{
	if (isatty(0))
		fprintf(stderr, "password / รหัสผ่าน: ");
	int c;
	while ((c = getchar()) != EOF && c != '\n') {
		if (pw->len > 1024)
			return err_field(e, "password", "รหัสผ่านยาวเกินไป");
		buf_addc(pw, (char)c);
	}
	if (pw->len && pw->data[pw->len - 1] == '\r')
		pw->data[--pw->len] = 0;
	if (!pw->len)
		return err_field(e, "password", "ไม่ได้รับรหัสผ่านทาง stdin ให้ส่งรหัสผ่าน 1 บรรทัด");
	return 0;
}

static int cmd_add(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	struct err e = ERR_INIT;
	struct db *db = cli->db;
	static const struct {
		const char *flag;
		size_t off;
	} need[] = {
	    {"--citizen-id", offsetof(struct opts, citizen_id)}, {"--email", offsetof(struct opts, email)},
	    {"--title", offsetof(struct opts, title)},		 {"--first-name", offsetof(struct opts, first)},
	    {"--last-name", offsetof(struct opts, last)},
	};
	for (size_t i = 0; i < sizeof need / sizeof *need; i++)
		if (!*(const char *const *)((const char *)o + need[i].off)) {
			fprintf(stderr, "khet user add: %s is required / ต้องระบุ %s (ดู khet user help)\n", need[i].flag,
				need[i].flag);
			return 2;
		}
	if (!o->role && !o->permission) {
		fprintf(stderr, "khet user add: give --role or --permission / ต้องระบุบทบาทด้วย --role หรือ --permission\n");
		return 2;
	}
	/* stored lower-case (acc_user_validate wants it so) */
	struct buf email = BUF_INIT;
	for (const char *c = o->email; *c; c++)
		buf_addc(&email, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
	struct acc_user_new u = {.citizen_id = o->citizen_id, .email = buf_cstr(&email), .username = o->username,
				 .title = o->title, .first_name = o->first, .last_name = o->last, .phone = o->phone};
	if (acc_user_validate(&u, &e) < 0)
		return buf_release(&email), fail("add", "the account is not valid", &e);
	/* the slow hash outside the transaction */
	char hash[128] = "";
	if (o->password_stdin) {
		struct buf pw = BUF_INIT;
		int rc = read_password(&pw, &e);
		if (rc == 0)
			rc = acc_password_check(buf_cstr(&pw), o->citizen_id, &e);
		if (rc == 0)
			rc = acc_password_hash(buf_cstr(&pw), hash, &e);
		if (pw.data)
			sodium_memzero(pw.data, pw.cap);
		buf_release(&pw);
		if (rc < 0)
			return buf_release(&email), fail("add", "the password is refused", &e);
		u.password_hash = hash;
	}
	if (db_begin(db, &e) < 0)
		return buf_release(&email), fail("add", "database", &e);
	struct buf link = BUF_INIT;
	struct acc_grant g = {0};
	long long uid = acc_user_create(db, &u, &e), gid = -1;
	if (uid > 0 && grant_from_flags(db, o, uid, &g, &e) == 0) {
		json_t *d = json_pack("{s:s, s:b}", "via", "khet user add", "password_set", o->password_stdin);
		audit(db, 0, "user.create", "user", uid, d, &e);
		json_decref(d);
		if (!e.status)
			gid = add_grant(db, &g, o, &e);
	}
	if (gid > 0 && !o->password_stdin && acc_setpw_link_send_path(db, uid, "new", &link, &e) < 0)
		gid = -1;
	if (gid < 0 || db_commit(db, &e) < 0) {
		db_rollback(db);
		if (link.data)
			sodium_memzero(link.data, link.cap);
		buf_release(&link);
		return buf_release(&email), fail("add", "nothing was stored", &e);
	}
	char username[64] = "";
	struct err e2 = ERR_INIT;
	json_t *p = acc_user_profile(db, uid, &e2);
	if (p)
		snprintf(username, sizeof username, "%s", json_string_value(json_object_get(p, "username")));
	json_decref(p);
	printf("created user %lld (username %s) with grant %lld (%s%s%s)\n", uid, username, gid, g.role,
	       g.service[0] ? ":" : "", g.service);
	printf("สร้างบัญชีผู้ใช้ %s และให้บทบาท %s แล้ว\n", username, acc_role_label(g.role));
	if (!o->password_stdin) {
		const char *base = cli->base_url && *cli->base_url ? cli->base_url : NULL;
		printf("set-password link (valid 1 hour, single use) / ลิงก์ตั้งรหัสผ่าน (ใช้ได้ 1 ชั่วโมง ครั้งเดียว):\n");
		if (base) {
			size_t n = strlen(base);
			printf("%.*s%s\n", (int)(n && base[n - 1] == '/' ? n - 1 : n), base, buf_cstr(&link));
		} else {
			printf("%s\n", buf_cstr(&link));
			printf("(no --base-url: put the server's public address in front / ไม่ได้ระบุ --base-url "
			       "ให้เติมที่อยู่เว็บของระบบไว้ข้างหน้า)\n");
		}
		printf("the same link was e-mailed to %s / ส่งลิงก์เดียวกันทางอีเมลแล้ว\n", buf_cstr(&email));
	}
	if (link.data)
		sodium_memzero(link.data, link.cap);
	buf_release(&link);
	buf_release(&email);
	return 0;
}

/* The active account named by --login; -1 with e. */
static long long find_login(struct db *db, const char *login, struct err *e)
{
	long long id = 0;
	char status[16], hash[128];
	int rc = acc_user_find_login(db, login, &id, status, hash, e);
	sodium_memzero(hash, sizeof hash);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_field(e, "login", "ไม่พบบัญชีผู้ใช้ %s (ใช้ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน)", login);
	if (strcmp(status, "active"))
		return err_field(e, "login", "บัญชีผู้ใช้ %s ถูกยกเลิกแล้ว", login);
	return id;
}

static int cmd_grant(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	if (!o->login || (!o->role && !o->permission)) {
		fprintf(stderr, "khet user grant: give --login and --role or --permission / ต้องระบุ --login และ --role "
				"หรือ --permission\n");
		return 2;
	}
	struct err e = ERR_INIT;
	struct db *db = cli->db;
	if (db_begin(db, &e) < 0)
		return fail("grant", "database", &e);
	struct acc_grant g = {0};
	long long uid = find_login(db, o->login, &e), gid = -1;
	if (uid > 0 && grant_from_flags(db, o, uid, &g, &e) == 0)
		gid = add_grant(db, &g, o, &e);
	if (gid < 0 || db_commit(db, &e) < 0) {
		db_rollback(db);
		return fail("grant", "nothing was stored", &e);
	}
	printf("granted %s%s%s to %s: grant %lld / ให้บทบาท %s แล้ว\n", g.role, g.service[0] ? ":" : "", g.service,
	       o->login, gid, acc_role_label(g.role));
	return 0;
}

static int cmd_revoke(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	if (!o->grant && !(o->login && (o->role || o->permission))) {
		fprintf(stderr, "khet user revoke: give --grant ID, or --login with --role or --permission / ต้องระบุ "
				"--grant หรือ --login กับ --role หรือ --permission\n");
		return 2;
	}
	struct err e = ERR_INIT;
	struct db *db = cli->db;
	if (db_begin(db, &e) < 0)
		return fail("revoke", "database", &e);
	long long gid = -1;
	if (o->grant) {
		char *end;
		gid = strtoll(o->grant, &end, 10);
		if (!*o->grant || *end || gid <= 0) {
			err_field(&e, "grant", "--grant ต้องเป็นเลขที่ของสิทธิ์ (ดูจาก khet user list)");
			gid = -1;
		}
	} else {
		struct acc_grant g;
		long long uid = find_login(db, o->login, &e);
		if (uid > 0 && grant_from_flags(db, o, uid, &g, &e) == 0) {
			int rc = db_int_value(db,
					      "SELECT g.id FROM grants g LEFT JOIN schools s ON s.id = g.school_id "
					      "WHERE g.user_id = $1 AND g.role = $2 AND COALESCE(g.service, '') = $3 "
					      "AND ($4 = 0 OR g.area_id = $4 OR s.area_id = $4) "
					      "AND ($5 = 0 OR g.school_id = $5) AND ($6 = 0 OR g.work_group_id = $6) "
					      "AND g.revoked_at IS NULL ORDER BY g.id",
					      DB_ARGS(DB_INT(uid), DB_TEXT(g.role), DB_TEXT(g.service), DB_INT(g.area_id),
						      DB_INT(g.school_id), DB_INT(g.work_group_id)),
					      &gid, &e);
			if (rc == 0)
				err_set(&e, 404, "ผู้ใช้ %s ไม่มีบทบาทนี้ในหน่วยงานที่ระบุ", o->login);
			if (rc <= 0)
				gid = -1;
		}
	}
	long long area = 0;
	if (gid > 0 && db_int_value(db, "SELECT COALESCE(area_id, 0) FROM grants WHERE id = $1", DB_ARGS(DB_INT(gid)),
				    &area, &e) < 0)
		gid = -1;
	if (gid > 0 && acc_grant_revoke(db, gid, 0, &e) < 0)
		gid = -1;
	if (gid > 0)
		audit(db, area, "grant.revoke", "grant", gid, NULL, &e);
	if (gid < 0 || e.status || db_commit(db, &e) < 0) {
		db_rollback(db);
		return fail("revoke", "nothing was changed", &e);
	}
	printf("revoked grant %lld / ยกเลิกสิทธิ์เลขที่ %lld แล้ว\n", gid, gid);
	return 0;
}

static int cmd_list(const struct cli *cli, const void *opts)
{
	const struct opts *o = opts;
	struct err e = ERR_INIT;
	struct db_res *res;
	/* users with no active grant show once with the grant's columns empty
	 * (unless a filter asks for grants) */
	static const char sql[] =
	    "SELECT u.id, u.username, u.email, u.title || u.first_name || ' ' || u.last_name, u.status, "
	    "COALESCE(g.id, 0), COALESCE(g.role, ''), COALESCE(g.service, ''), COALESCE(a.code, ''), "
	    "COALESCE(s.obec_code, ''), COALESCE(g.work_group_id, 0) "
	    "FROM users u LEFT JOIN grants g ON g.user_id = u.id AND g.revoked_at IS NULL "
	    "LEFT JOIN areas a ON a.id = g.area_id LEFT JOIN schools s ON s.id = g.school_id "
	    "WHERE ($1 = '' OR a.code = $1) AND ($2 = '' OR g.role = $2) ORDER BY u.id, g.id";
	if (o->role && !module_role(o->role)) {
		fprintf(stderr, "khet user list: unknown role %s / ไม่รู้จักบทบาท %s (ดู khet user help)\n", o->role,
			o->role);
		return 2;
	}
	if (db_query(cli->db, sql, DB_ARGS(DB_TEXT(o->area_code ? o->area_code : ""), DB_TEXT(o->role ? o->role : "")),
		     &res, &e) < 0)
		return fail("list", "database", &e);
	printf("user_id\tusername\temail\tname\tstatus\tgrant_id\trole\tqualifier\tarea_code\tschool_code\twork_group_"
	       "id\n");
	int rc;
	while ((rc = db_next(res, &e)) > 0) {
		for (int c = 0; c < 11; c++) {
			const char *t = db_text(res, c);
			if (c == 5 || c == 10)
				t = db_int(res, c) ? t : "";
			cli_tsv_field(t, c == 10);
		}
	}
	db_res_free(res);
	if (rc < 0)
		return fail("list", "database", &e);
	return 0;
}

int acc_cli_user(const struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	    {"add", cmd_add}, {"grant", cmd_grant}, {"revoke", cmd_revoke}, {"list", cmd_list}, {NULL},
	};
	struct opts o = {0};
	return cli_command(cli, argc, argv, flags, &o, usage, subs);
}
