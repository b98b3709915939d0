/* acc: accounts, roles and access (ACC-1 … ACC-3) — the one account a person
 * holds for every module, the roles granted to it per organisation unit, and
 * the session that says who is asking. Other modules call only what is
 * declared here: the role bits they put in struct route's roles, the scope
 * helpers a handler asks before it shows or changes a record of an area or a
 * school, and the profile the One Stop Service fills its forms from.
 *
 * The tables users, grants, sessions, secrets and altcha_used belong to this
 * module (db/migrations/0005_accounts.sql).
 *
 * Functions that can fail return NULL or a negative number and fill e: 400
 * (with e->field) for bad input, with a Thai message saying what to fix;
 * 404 when the user or grant does not exist; 409 for a duplicate; 500 for a
 * database fault (e->msg then holds the engine's text, for the log). */
#ifndef KHET_ACC_H
#define KHET_ACC_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"
#include "core/http.h"

struct db;

/* --- roles (ACC-2) ------------------------------------------------------ */

/* A route lists the roles that may call it as a mask of these bits in
 * struct route's roles, with access ACCESS_SIGNED_IN. The ACTIVE grant's
 * role must be in the mask; roles 0 lets every signed-in user in, plain
 * citizens without any grant too. */
#define ROLE_AREA_ADMIN (1u << 0)   /* area_admin: แอดมินเขต */
#define ROLE_SCHOOL_ADMIN (1u << 1) /* school_admin: แอดมินสถานศึกษา */
#define ROLE_TEACHER (1u << 2)	    /* teacher: ครู */
#define ROLE_HOMEROOM (1u << 3)	    /* homeroom: ครูประจำชั้น */
#define ROLE_DIRECTOR (1u << 4)	    /* director: ผู้อำนวยการสถานศึกษา */
#define ROLE_OFFICER (1u << 5) /* officer: เจ้าหน้าที่เขต ผู้ให้บริการ (module + service) */
#define ROLE_KPI_OWNER (1u << 6)    /* kpi_owner: เจ้าของตัวชี้วัด (a work group) */
#define ROLE_KPI_REVIEWER (1u << 7) /* kpi_reviewer: ผู้ตรวจตัวชี้วัด */
#define ROLE_EXECUTIVE (1u << 8)    /* executive: ผู้บริหาร */
#define ROLE_SUPER_ADMIN (1u << 9)  /* super_admin: ผู้ดูแลระบบ สพฐ. */
/* Roles held in one school (the grant names the school). */
#define ROLE_SCHOOL_ROLES (ROLE_SCHOOL_ADMIN | ROLE_TEACHER | ROLE_HOMEROOM | ROLE_DIRECTOR)
/* Roles held in the area office. */
#define ROLE_AREA_ROLES (ROLE_AREA_ADMIN | ROLE_OFFICER | ROLE_KPI_OWNER | ROLE_KPI_REVIEWER | ROLE_EXECUTIVE)
#define ROLE_ANY_STAFF (ROLE_SCHOOL_ROLES | ROLE_AREA_ROLES | ROLE_SUPER_ADMIN)

/* The bit of a role name ("area_admin" → ROLE_AREA_ADMIN), 0 if unknown. */
unsigned acc_role_bit(const char *role);
/* The Thai label of a role name ("แอดมินเขต"), or NULL if unknown. */
const char *acc_role_label(const char *role);
/* The role names in order, ending with NULL. */
extern const char *const acc_role_names[];

/* One grant of a role, as the session and the scope helpers see it. A
 * school role has area_id (the school's area) and school_id; an area role
 * has area_id and school_id 0; super_admin has neither (0). work_group_id
 * (kpi_owner) and module/service (officer: module "oss", service "11") are
 * 0 / "" when they do not apply. */
struct acc_grant {
	long long id;
	long long user_id;
	char role[24];
	unsigned bit;
	long long area_id;
	long long school_id;
	long long work_group_id;
	char module[24];
	char service[24];
};

/* Scope rules as plain functions (the request helpers below call them):
 * super_admin is in every area and school; any other grant is in its own
 * area only. For a school, a school role covers exactly its own school and
 * an area role the schools of its area (school_area_id is the area the
 * school belongs to). A NULL grant (a citizen) covers nothing. */
bool acc_grant_in_area(const struct acc_grant *g, long long area_id);
bool acc_grant_for_school(const struct acc_grant *g, long long school_id, long long school_area_id);
/* Whether a route's roles mask lets this grant in (see ROLE_* above). */
bool acc_grant_allowed(const struct acc_grant *g, unsigned roles);

/* --- the request's user -------------------------------------------------- */

/* Installs the access hook (session from the cookie, route access and
 * roles) and the layout hook (user and navigation for the page header),
 * reads KHET_SESSION_IDLE_SECONDS / KHET_SESSION_MAX_SECONDS (defaults 1800
 * and 43200) and registers the clean-up job. Call once before server_run. */
void acc_init(void);

/* The signed-in user's id, 0 for a visitor. */
long long acc_user_id(struct req *r);
/* The active grant, or NULL for a visitor or a user without any role. */
const struct acc_grant *acc_active_grant(struct req *r);
/* The active grant may act in this area / for this school (one query for
 * the school's area unless the grant is super_admin or a school role). */
bool acc_in_area(struct req *r, long long area_id);
bool acc_for_school(struct req *r, long long school_id);
/* Refuses the request: a Thai 403 page (message, or a default) and an
 * 'auth.denied' row in the audit trail. For a handler whose scope check
 * failed; in an unsafe method it keeps the audit row with
 * req_commit_on_error, so call it before the handler writes anything.
 * Returns 0, like the view functions. */
int acc_deny(struct req *r, const char *message);

/* --- users (ACC-1) ------------------------------------------------------ */

/* Titles offered on forms (value = label, Thai). */
extern const char *const acc_titles[];
/* Personnel types: value (stored) and Thai label; ends with {NULL, NULL}. */
extern const struct acc_personnel_type {
	const char *value, *label;
} acc_personnel_types[];

/* What a new account holds. Strings may be NULL for "". */
struct acc_user_new {
	const char *citizen_id; /* 13 digits, check digit valid */
	const char *email;	/* stored lower-case */
	const char *username;	/* NULL/"": from the e-mail's local part */
	const char *title;
	const char *first_name, *last_name;	  /* Thai, at most 100 characters */
	const char *first_name_en, *last_name_en; /* optional */
	const char *phone;
	const char *staff_id;
	const char *personnel_type; /* a value of acc_personnel_types or "" */
	const char *password;	    /* NULL/"": no password yet (set by link later) */
	const char *password_hash;  /* instead of password: hashed already (and
				     * checked with acc_password_check), so the
				     * slow hash can run outside a transaction */
};

/* Checks and stores a new account; returns its id. A citizen ID or e-mail
 * already registered is 409 with e->field set and the message an
 * anonymous visitor may see ("เลขประจำตัวประชาชนนี้ลงทะเบียนแล้ว หากลืม
 * รหัสผ่านให้ขอรีเซ็ต"), which never says whose account it is. Runs several
 * statements under a lock: call it inside a transaction. */
long long acc_user_create(struct db *db, const struct acc_user_new *u, struct err *e);
/* {id, citizen_id, title, first_name, last_name, first_name_en,
 *  last_name_en, phone, email, username, staff_id, personnel_type} of an
 * active user — what One Stop Service forms are filled in from (OSS-3).
 * NULL with 404 when there is no such active user. */
json_t *acc_user_profile(struct db *db, long long user_id, struct err *e);
/* Sets a user's status to "cancelled" (ACC-6): from the next request on,
 * the user's sessions are refused and sign-in fails. */
int acc_user_cancel(struct db *db, long long user_id, long long by_user_id, struct err *e);

/* Password rules (ACC-3): at least 10 characters, not the citizen ID nor
 * containing it, not one of the 10,000 most common passwords (in any
 * letter case). Fills e (field "password") with what to fix. */
int acc_password_check(const char *password, const char *citizen_id, struct err *e);
/* argon2id hash (libsodium crypto_pwhash_str, interactive limits: about
 * 64 MB and a few tens of milliseconds each) into out. */
int acc_password_hash(const char *password, char out[128], struct err *e);
/* 1 when password matches hash, 0 when not (an empty or broken hash never
 * matches). */
int acc_password_verify(const char *hash, const char *password);
/* 1 when hash was made with other limits than today's and should be
 * replaced after a successful sign-in. */
int acc_password_needs_rehash(const char *hash);

/* Grants (ACC-2). Adds a grant after checking that the role is known, that
 * the area, school (in that area) and work group exist where the role
 * needs them, that the user holds no same active grant, and that a school
 * has one school admin only (ACC-5); returns the grant id. */
long long acc_grant_add(struct db *db, long long user_id, const char *role, long long area_id, long long school_id,
			const char *module, long long granted_by, struct err *e);
/* The same with every field of g (g->id and g->bit are ignored). */
long long acc_grant_add_full(struct db *db, const struct acc_grant *g, long long granted_by, struct err *e);
/* Ends a grant (revoked_at, revoked_by); sessions using it fall back to no
 * role on their next request. 404 when no active grant has that id. */
int acc_grant_revoke(struct db *db, long long grant_id, long long revoked_by, struct err *e);
/* The user's active grants [{id, role, role_label, area_id, area_name,
 * school_id, school_name, work_group_id, module, service, label}] in the
 * order they were granted; label is what a role switch shows
 * ("แอดมินสถานศึกษา · โรงเรียนบ้านหนองบัว"). */
json_t *acc_user_grants(struct db *db, long long user_id, struct err *e);

/* Demo sign-ins for `khet demo` (after org_demo): an area admin of each demo
 * area, a school admin who is also a homeroom teacher, a teacher, an OSS
 * officer and a citizen, all with the password ACC_DEMO_PASSWORD; running it
 * again changes nothing. */
#define ACC_DEMO_PASSWORD "khet-demo-2567"
int acc_demo(struct db *db, struct err *e);

/* --- bot check (ACC-3): ALTCHA proof of work, no outside service --------- */

/* A new challenge as the ALTCHA widget wants it: {algorithm "SHA-256",
 * challenge, maxnumber, salt "<hex>?expires=<unix>", signature}; it
 * expires ACC_ALTCHA_TTL seconds after now. */
#define ACC_ALTCHA_TTL 600
#define ACC_ALTCHA_MAXNUMBER 100000
json_t *acc_altcha_challenge(struct db *db, long long now, struct err *e);
/* Checks the widget's payload (base64 of JSON {algorithm, challenge,
 * number, salt, signature}) and records the challenge as used, so one
 * solution passes once: inside a transaction, it stays used only if that
 * commits. 400 with a Thai message (field "altcha") when it is missing,
 * forged, wrong, expired or used already. */
int acc_altcha_verify(struct db *db, const char *payload, long long now, struct err *e);

/* --- within the module (user.c, session.c, altcha.c, routes.c) ----------- */

/* acc_altcha_verify without recording the challenge (a cheap gate before
 * costly work; the verify must still follow). */
int acc_altcha_precheck(struct db *db, const char *payload, long long now, struct err *e);

/* The pure parts of the bot check, with the key passed in (for tests). */
int acc_altcha_make(const unsigned char key[32], long long now, long long number, json_t **out);
int acc_altcha_check(const unsigned char key[32], const char *payload, long long now, char challenge[65],
		     long long *expires, struct err *e);
/* The server's secret key, shared by all instances: made on first use
 * when create (issuing a challenge, outside any transaction); without
 * create a missing key fails. */
int acc_altcha_key(struct db *db, bool create, unsigned char key[32], struct err *e);
/* Whether password is in the shipped list of common passwords. */
bool acc_password_common(const char *password);
/* Verifies password against a fixed dummy hash, so that a sign-in for an
 * account that does not exist takes as long as one that does. */
void acc_password_burn(const char *password);
/* A username from an e-mail's local part: lower-case a-z 0-9 . _ -, at
 * most 32 characters, at least 3 (padded with "user"). */
void acc_username_from_email(const char *email, char out[33]);
/* 0 when s is a valid username (3–32 of a-z 0-9 . _ -, starting with a
 * letter or digit), else -1 with e (field "username"). */
int acc_username_check(const char *s, struct err *e);
/* Checks the fields of a new account without touching the database. */
int acc_user_validate(const struct acc_user_new *u, struct err *e);
/* Finds an active or cancelled account by username, citizen ID or e-mail:
 * returns 1 and fills id, status ("active"/"cancelled") and hash, 0 when
 * there is none, -1 on error. */
int acc_user_find_login(struct db *db, const char *login, long long *id, char status[16], char hash[128],
			struct err *e);
/* Replaces a user's password hash (after a rehash). */
int acc_user_set_hash(struct db *db, long long user_id, const char *hash, struct err *e);

/* Sessions (session.c). */
struct acc_session;
/* Creates a session for user_id with grant_id active (0: the user's first
 * grant, -1: none), sets the cookie and returns 0. created_at 0 = now (a
 * role switch keeps the original sign-in time for the absolute limit). */
int acc_session_start(struct req *r, struct db *db, long long user_id, long long grant_id, long long created_at,
		      struct err *e);
/* Ends the request's session (row and cookie). */
int acc_session_end(struct req *r, struct db *db, struct err *e);
/* The session's sign-in time (for the absolute limit), 0 for a visitor. */
long long acc_session_created(struct req *r);
/* Display name "นายสมชาย ใจดี" of the signed-in user, "" for a visitor. */
const char *acc_display_name(struct req *r);
/* A local path to go back to: next if it starts with exactly one "/" and
 * has no control characters or backslashes, else def. */
const char *acc_safe_next(const char *next, const char *def);

/* The module's pages: /register, /signin, /signout, /account,
 * /session/role, /altcha/challenge. */
extern const struct route_table acc_routes;

#endif
