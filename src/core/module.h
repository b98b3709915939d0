/* module: how a module describes itself to the platform, as data (lwan's
 * LWAN_REGISTER_MODULE, Redis's command table). A module is a folder
 * src/<name>/ that defines one `const struct module <name>_module` — its
 * routes, jobs, demo loader, menu entries, the roles and permissions it
 * defines, its operator commands and importers and its migration numbers —
 * and one line in the list of src/modules.c. Everything that used to be
 * wired by hand is built by walking that list: the server's route table
 * and jobs (main.c), `khet demo` and its flags, `khet <command>` and
 * `khet import <kind>`, the menus and the role switcher, role names, the
 * access-request form and the permission matrix (accounts). The platform
 * (src/core) and the accounts module therefore name no other module's role,
 * path or service.
 *
 * Roles are codes ("officer") declared by the module that gives them
 * meaning, each with its Thai name and scope (a school, an area office, or
 * the whole country). At start every role gets one bit of a 64-bit mask in
 * list order; a route names the roles that may call it as a spec string,
 * "area_admin officer", or by scope, "@school @area" ("@staff": any role),
 * resolved to a mask once when the route is registered, so the per-request
 * check is one AND. A spec naming an unknown role is a programming error
 * reported at start (module_check), never at the first request.
 *
 * A permission is one column of the permission matrix (seed 003 part 4):
 * a role, or a part of one ("officer:31" = the officer role for service 31,
 * stored as the grant's qualifier in grants.service). Permissions are what
 * users request and area admins grant; one active grant is the one truth of
 * what a user may do. */
#ifndef KHET_MODULE_H
#define KHET_MODULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/http.h"
#include "core/jobs.h"

struct db;
struct api_def; /* core/api.h */

/* --- roles and permissions ------------------------------------------------ */

enum role_scope {
	SCOPE_SCHOOL = 1, /* held in one school: the grant names the school */
	SCOPE_AREA,	  /* held in an area office: the grant names the area */
	SCOPE_NATIONAL,	  /* OBEC: no area, no school */
};

#define ROLE_WORK_GROUP 1u	    /* a grant must name a work group of its area */
#define ROLE_WORK_GROUP_OPTIONAL 2u /* a grant may name one */
#define ROLE_QUALIFIED 4u	    /* a grant must name one of the role's permissions' qualifiers */

struct role_def {
	const char *code;  /* grants.role: [a-z_], at most 23 bytes, unique over all modules */
	const char *label; /* Thai name ("เจ้าหน้าที่ผู้ให้บริการ") */
	enum role_scope scope;
	unsigned flags; /* ROLE_* above */
};

struct audit_action_def {
	const char *action; /* "roster.confirm": what the code writes */
	const char *label;  /* Thai */
};

struct permission_def {
	const char *key;	/* "officer:31" or the role's code; unique over all modules */
	const char *role;	/* a role code (of any module) */
	const char *qualifier;	/* grants.service for a ROLE_QUALIFIED role ("31"), else "" */
	const char *label;	/* Thai: the matrix column and the request form's option */
	bool requestable;	/* a user may ask for it (ACC-4) */
	const char *granted_by; /* role spec of who may grant it; NULL: "area_admin super_admin" */
	const char *part;	/* a qualified role's part in a few words ("จองห้องประชุม"), for
				 * the role switcher's "เจ้าหน้าที่ผู้ให้บริการ (จองห้องประชุม, นัดหมาย)" */
};

/* --- menus ------------------------------------------------------------------ */

struct menu_def {
	const char *href;  /* "{area}" becomes the active grant's area id */
	const char *label; /* Thai */
	const char *roles; /* role spec of who sees it; NULL or "": every signed-in user */
	bool citizen;	   /* also shown to a signed-in user without a role */
	int order;	   /* place in the menu, low first (ties: module order) */
	/* Optional, for a number beside the label ("อนุมัติห้องประชุม 3": work
	 * waiting for this user). Called on every page the entry is shown
	 * on, so it may cost at most one cheap indexed query: returns 0 with
	 * *count (0 shows no number), or -1 to leave the entry out for this
	 * user (the role spec let him see it, but it is not his work). A
	 * failure to count is the module's to log; it must not fail the
	 * page. */
	int (*badge)(struct req *r, long long *count);
};

/* --- background jobs, demo data, operator commands ---------------------- */

struct job_def {
	const char *name; /* a literal */
	int interval;	  /* seconds */
	job_fn fn;
};

/* A `khet demo --NAME N` flag a module reads (any module may read any
 * module's flag: the KPI demo follows --schools). */
struct demo_flag {
	const char *name; /* "requests" */
	const char *help; /* English, for `khet help` */
	long long def, min, max;
};
struct demo_args;
/* The value of a demo flag (its default when not given); 0 for a name no
 * module declares. */
long long demo_arg(const struct demo_args *a, const char *name);
/* The data folder `khet demo` runs with, where demo data that has files
 * (uploaded documents) puts them; NULL when not set (the module then
 * leaves out what needs files). */
const char *demo_data_dir(const struct demo_args *a);
void demo_args_set_data_dir(struct demo_args *a, const char *dir);

/* What an operator command runs against: the opened, migrated database,
 * and the settings of the command line. */
struct cli {
	struct db *db;
	const char *db_url;
	const char *data_dir;
	const char *base_url; /* may be NULL */
};

struct command_def {
	const char *name;    /* `khet NAME …` */
	const char *summary; /* one line for `khet help` */
	/* argv[0] is NAME; returns the process exit code (0 ok, 1 failed,
	 * 2 usage). Messages go to stdout/stderr. */
	int (*run)(const struct cli *cli, int argc, char **argv);
};

/* `khet import NAME FILE`: all or nothing. run checks every row and
 * stores nothing unless every row is good; report gets one line per bad
 * row ("line 12: …") or the summary of what was stored. Returns 0, or -1
 * with e (e->msg a one-line reason; the report holds the rows). */
struct import_def {
	const char *name;    /* "org" */
	const char *summary; /* one line for `khet help` */
	int (*run)(struct db *db, const char *path, struct buf *report, struct err *e);
};

/* Where a module keeps uploaded files and which column names each: dir is
 * a folder under the data folder that only this module writes ("files/oss"),
 * table.column holds a file's path (relative to the data folder, or
 * absolute). Several entries may share a dir. At start `khet serve` removes
 * the files of each dir that no row names (core/uploads.h: a crash after
 * an upload was put in place and before its commit). */
struct upload_column {
	const char *dir;
	const char *table;
	const char *column;
};

/* A range of migration numbers (db/migrations/NNNN_*.sql) a module owns. */
struct mig_range {
	int from, to;
};

/* --- deadlines (X-7, the area's data calendar) ---------------------------- */

/* What the calendar asks every module: its data deadlines of one area (or
 * one school of it) that overlap a span of days. Guarded so that a module
 * written before this seam, with its own copy, still compiles. */
#ifndef KHET_DEADLINE_QUERY
#define KHET_DEADLINE_QUERY
struct deadline_query {
	long long area_id;
	long long school_id; /* 0 = every school of the area */
	const char *from, *to; /* ISO dates, inclusive */
	/* A pass over many areas with the same days (the reminders job) gives
	 * one object for the whole pass: a module keeps there, under its own
	 * name, what is the same for every area (the buildings' windows of
	 * the years), so it reads it once a pass, not once an area. NULL:
	 * read it on each call. */
	json_t *memo;
};
#endif

/* A deadline time as the hook writes it: "2027-04-30T16:30:00+07:00"
 * (Bangkok local time of UTC seconds t); and back, -1 when s is not one
 * (the offset is read, so "…Z" or another zone works too). */
void deadline_time(long long t, char out[32]);
long long deadline_time_parse(const char *s);

/* Every module's deadlines hook in module order, into out (an array);
 * 0, or -1 with e. */
int module_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);

struct module {
	const char *name;  /* "oss": its folder, templates/<name>/, metrics label */
	const char *title; /* Thai ("One Stop Service") */
	const struct route_table *const *routes; /* NULL-terminated, registered in order */
	const struct job_def *jobs;		  /* ends with {NULL} */
	void (*init)(void);			  /* before serving: hooks, settings from the environment */
	/* `khet demo`: adds the module's demo data (running it again adds
	 * nothing); modules run in list order, so a module finds the data of
	 * the modules before it. */
	int (*demo)(struct db *db, const struct demo_args *a, struct err *e);
	const struct demo_flag *demo_flags;	   /* ends with {NULL} */
	const struct menu_def *menu;		   /* main menu entries; ends with {NULL} */
	const struct menu_def *admin_menu;	   /* the area admin's second row; ends with {NULL} */
	const struct role_def *roles;		   /* ends with {NULL} */
	const struct permission_def *permissions; /* matrix columns in order; ends with {NULL} */
	const struct command_def *commands;	   /* ends with {NULL} */
	const struct import_def *imports;	   /* ends with {NULL} */
	const struct mig_range *migrations;	   /* ends with {0, 0} */
	const struct upload_column *uploads;	   /* ends with {NULL}; NULL: it keeps no uploads */
	/* the actions it writes to the audit trail, with Thai labels for the
	 * area's audit page and its filter; ends with {NULL} */
	const struct audit_action_def *audit_actions;
	/* Data entered once (DPA-5): what the module holds about the person of
	 * a citizen ID, for other modules that never name it. person_profile
	 * adds values under the names forms use for them (work_unit, position,
	 * rank, academic_standing, salary in baht, birth_date …; strings) to
	 * into, leaving keys already there alone — the accounts module's
	 * profile, which One Stop Service fills its forms from, is built so.
	 * person_links gives what the account page lists: [{label, text, href}].
	 * Both may be NULL; both read only. */
	int (*person_profile)(struct db *db, const char *citizen_id, json_t *into, struct err *e);
	json_t *(*person_links)(struct db *db, const char *citizen_id, struct err *e);
	/* A flow that starts from the person's record (a school admin's "add a
	 * teacher": the record first, then the account, DPA-5) without naming
	 * the module that keeps it. person_record: 1 and *out = {school_id (0:
	 * an area office's staff), area_id, title, first_name, last_name,
	 * phone, email ("" when unknown), href (the record's page)} of the
	 * person's current record; 0 when the module holds none; -1 with e.
	 * person_add_href appends to out the page where the module records a
	 * person of citizen_id at school_id (the way to "not found: record
	 * him first"). Both may be NULL. */
	int (*person_record)(struct db *db, const char *citizen_id, json_t **out, struct err *e);
	void (*person_add_href)(long long school_id, const char *citizen_id, struct buf *out);
	/* Its resources under /api/v1 (core/api.h): routes with a declared
	 * scope, query parameters and response schema, from which the OpenAPI
	 * document is built. NULL: none. */
	const struct api_def *api;
	/* Its data deadlines of q's area — or of q's one school — whose
	 * span [opens, due] overlaps the days [q->from, q->to], appended to
	 * out as objects, one per deadline, in any order:
	 *   {"key":"dmc.2569.1.confirm"   stable and unique over all modules
	 *                                  (the iCalendar UID and the reminders'
	 *                                  key), [a-z0-9._-];
	 *    "module":"dmc", "title":"…Thai…",
	 *    "opens":"2027-03-01T00:00:00+07:00", "due":"…" (deadline_time),
	 *    "href":"/dmc"                 where the work is done;
	 *    "note":"…"                    optional Thai line (the confirm window);
	 *    "remind":"school_admin …"     optional role spec: at a school that
	 *                                  owes it, who gets the calendar's
	 *                                  e-mail reminders; absent or "": none
	 *                                  (the module reminds by itself, as KPI);
	 *    "owing":[{"school_id":1,"name":"…", optional "detail":"…Thai…",
	 *              "count":3, "href":"/dmc/schools/1"}, …]}
	 * owing: the schools (of the area, or the one school) that still owe
	 * it, in Thai order of name, computed set-based: a few queries per call
	 * at most, never one per school. Read only; 0, or -1 with e. May be NULL. */
	int (*deadlines)(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);
	/* The rooms a school teaches in an academic year (BE), from what the
	 * module knows of its classes (the census's rooms per grade): 1 with
	 * *rooms, 0 when it has no data for that school and year, -1 with e.
	 * Other modules (the buildings' budget request list) read it through
	 * module_school_rooms without naming the module. May be NULL. */
	int (*school_rooms)(struct db *db, long long school_id, int year, long long *rooms, struct err *e);
};

/* Where modules' audit actions are listed, in module order: the Thai
 * label of an action ("roster.confirm" → "ยืนยันแอดมินในทำเนียบ"), NULL
 * when no module declares it; and the i-th declared action (NULL past the
 * end). */
const char *module_audit_label(const char *action);
const struct audit_action_def *module_audit_action_at(int i);

/* The list (src/modules.c), in order, ending with NULL. */
extern const struct module *const khet_modules[];

/* Checks the list once (roles and keys unique and well-formed,
 * permissions naming known roles, every route's and menu entry's role
 * spec known, every compiled-in migration in exactly one range, ranges
 * not overlapping). 0, or -1 with e naming the first mistake. Every
 * function below checks it on first use and aborts on a mistake, since
 * such a mistake is the build's, never the user's. */
int module_check(struct err *e);

/* The role of a code, NULL if no module declares it. */
const struct role_def *module_role(const char *code);
/* The module that declares a role ("oss" for "officer"), NULL if none. */
const char *module_role_owner(const char *code);
/* A role's bit (0 for an unknown code). */
uint64_t module_role_bit(const char *code);
/* The mask of a role spec: codes and @school, @area, @national, @staff
 * separated by spaces; NULL or "" is 0 (every signed-in user). Returns -1
 * with e for an unknown token. */
int module_roles_mask(const char *spec, uint64_t *mask, struct err *e);
/* module_roles_mask for a spec known good (checked at start). */
uint64_t module_roles(const char *spec);
/* Every role in list order: the i-th (from 0), NULL past the end. */
const struct role_def *module_role_at(int i);

/* The permission of a key, NULL if none. */
const struct permission_def *module_permission(const char *key);
/* The permission a grant of role with qualifier stands for (a qualified
 * role by its qualifier), NULL if none. */
const struct permission_def *module_permission_of(const char *role, const char *qualifier);
/* Every permission in matrix order: the i-th, NULL past the end. */
const struct permission_def *module_permission_at(int i);

/* The module of a migration number, NULL when no module owns it (the
 * platform's own numbers are owned by "core"). */
const char *module_of_migration(int version);

/* Every module's person_profile over into, in module order (the first to
 * set a key keeps it); 0, or -1 with e. */
int module_person_profile(struct db *db, const char *citizen_id, json_t *into, struct err *e);
/* Every module's person_links, concatenated in module order; NULL with e. */
json_t *module_person_links(struct db *db, const char *citizen_id, struct err *e);
/* The first module's person_record that has one: 1 and *out (the caller's
 * to free), 0 when no module holds a record of the person, -1 with e. */
int module_person_record(struct db *db, const char *citizen_id, json_t **out, struct err *e);
/* The first module's person_add_href appended to out: true, or false
 * (out untouched) when no module records persons. */
bool module_person_add_href(long long school_id, const char *citizen_id, struct buf *out);

/* The first module's school_rooms that has data (1 with *rooms); 0 when
 * no module has any (or none declares the hook), -1 with e. */
int module_school_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e);

/* The command / importer of a name, NULL if none. */
const struct command_def *module_command(const char *name);
const struct import_def *module_import(const char *name);

/* Demo arguments: the flags of every module with their defaults, set by
 * name; demo_args_set returns -1 for a name no module declares or a value
 * outside its range. */
struct demo_args *demo_args_new(void);
int demo_args_set(struct demo_args *a, const char *name, long long value, struct err *e);
void demo_args_free(struct demo_args *a);

#endif
