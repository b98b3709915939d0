/* acc_internal: what the files of the accounts module share among
 * themselves and no other module may call (acc.h is what they may): the
 * scope rules as plain functions, the session, passwords and the bot check,
 * the pages' helpers and route tables (listed by module.c), user
 * management, the annual roster, set-password links and access requests.
 * Unit tests include it where they test these internals. */
#ifndef KHET_ACC_INTERNAL_H
#define KHET_ACC_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "acc/acc.h"
#include "core/buf.h"
#include "core/search.h"

struct db;

/* --- roles (ACC-2) ------------------------------------------------------ */

/* Sets g->bit and g->scope from g->role; false when no module declares it. */
bool acc_grant_resolve(struct acc_grant *g);

/* Whether a route's roles mask (module_roles) lets this grant in; a mask
 * of 0 lets everyone in. */
bool acc_grant_allowed(const struct acc_grant *g, uint64_t roles);

/* --- the request's user -------------------------------------------------- */

/* Installs the access hook (session from the cookie, route access and
 * roles) and the layout hook (user and navigation for the page header),
 * reads KHET_SESSION_IDLE_SECONDS / KHET_SESSION_MAX_SECONDS (defaults 1800
 * and 43200). Called once before serving (the module's init). */
void acc_init(void);
/* `khet user add|list|grant|revoke|help` (cli.c): the operator's way to
 * start an area without the demo or SQL. */
int acc_cli_user(const struct cli *cli, int argc, char **argv);
/* `khet token add|list|revoke` (token_cli.c). */
int acc_cli_token(const struct cli *cli, int argc, char **argv);
/* The hourly clean-up job: expired sessions and used bot-check challenges. */
int acc_session_cleanup(struct db *db, struct err *e);


/* --- users (ACC-1) ------------------------------------------------------ */

/* Titles offered on forms (value = label, Thai). */
extern const char *const acc_titles[];
/* Personnel types: value (stored) and Thai label; ends with {NULL, NULL}. */
extern const struct acc_personnel_type {
	const char *value, *label;
} acc_personnel_types[];

/* Sets a user's status to "cancelled" (ACC-6): from the next request on,
 * the user's sessions are refused and sign-in fails. */
int acc_user_cancel(struct db *db, long long user_id, long long by_user_id, struct err *e);

/* Password rules (ACC-3): at least 10 characters, not the citizen ID nor
 * containing it, not guessable (acc_password_guessable: one of the 10,000
 * most common passwords in any letter case, or one common word plus
 * digits and symbols). Fills e (field "password") with what to fix. */
int acc_password_check(const char *password, const char *citizen_id, struct err *e);
/* argon2id hash (libsodium crypto_pwhash_str, interactive limits: about
 * 64 MB and a few tens of milliseconds each) into out. */
int acc_password_hash(const char *password, char out[128], struct err *e);
/* 1 when password matches hash, 0 when not (an empty or broken hash never
 * matches). */
int acc_password_verify(const char *hash, const char *password);
/* How many hashes acc_password_verify has checked in this process (the
 * real ones and the dummy): the sign-in's "one check whatever was found"
 * is tested by it. */
long long acc_password_verifications(void);
/* 1 when hash was made with other limits than today's and should be
 * replaced after a successful sign-in. */
int acc_password_needs_rehash(const char *hash);

/* acc_grant_add_full (acc.h) with the grant's fields as arguments. */
long long acc_grant_add(struct db *db, long long user_id, const char *role, long long area_id, long long school_id,
			const char *module, long long granted_by, struct err *e);
/* The user's active grants [{id, role, role_label, area_id, area_name,
 * school_id, school_name, work_group_id, module, service, label}] in the
 * order they were granted; label is what a role switch shows
 * ("แอดมินสถานศึกษา · โรงเรียนบ้านหนองบัว"). */
json_t *acc_user_grants(struct db *db, long long user_id, struct err *e);

/* Demo sign-ins for `khet demo` (after org_demo): an area admin of each demo
 * area, a school admin who is also a homeroom teacher, a teacher, a second
 * school's admin and a citizen, all with the password ACC_DEMO_PASSWORD;
 * running it again changes nothing. */
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

/* --- sign-in, accounts and sessions (user.c, session.c, altcha.c, routes.c) --- */

/* acc_altcha_verify without recording the challenge (a cheap gate before
 * costly work; the verify must still follow): refuses a solution that is
 * missing, forged, wrong, expired or recorded as used already. */
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
/* Whether a password is guessable, in any letter case: 1 when it is in
 * the list, 2 when it is one common word (the list's or this system's own
 * name: khet, obec, admin …) dressed up — with its trailing digits and
 * symbols taken off, or all its digits taken out, it is in the list; or it
 * is one run of letters that is such a word, or shorter than four
 * letters, among digits and symbols ("password2567!!", "Khet123456789").
 * 0 otherwise. */
int acc_password_guessable(const char *password);
/* Verifies password against a fixed dummy hash, so that a sign-in for an
 * account that does not exist takes as long as one that does. */
void acc_password_burn(const char *password);
/* Whether password signs in to the account acc_user_find_login found
 * (found false: none matched; status and hash as it read them): true only
 * for an active account whose hash matches. Always exactly one argon2id
 * verification — against the dummy hash (acc_password_burn) when there is
 * no account or it has no usable password — so every failure takes as
 * long as every other. *dummy (may be NULL) says the dummy was used. */
bool acc_signin_password_ok(bool found, const char *status, const char *hash, const char *password, bool *dummy);
/* The network a client address stands for in sign-in limits (pure): an
 * IPv4 address itself, an IPv6 address's /64 (one subscriber's prefix:
 * its 2^64 addresses are one client), anything else as given. */
void acc_client_net(const char *ip, struct buf *out);
/* A username from an e-mail's local part: lower-case a-z 0-9 . _ -, at
 * most 32 characters, at least 3 (padded with "user"). */
void acc_username_from_email(const char *email, char out[33]);
/* 0 when s is a valid username (3–32 of a-z 0-9 . _ -, starting with a
 * letter or digit), else -1 with e (field "username"). */
int acc_username_check(const char *s, struct err *e);
/* Checks the fields of a new account without touching the database. */
int acc_user_validate(const struct acc_user_new *u, struct err *e);
/* db_lock key of "check then insert a user" ("khetacc"). */
#define ACC_LOCK_USERS 0x6b686574616363LL
/* Public registration (register.c, issue 11.6), which must not tell
 * whether the citizen ID or the e-mail has an account: checks u as
 * acc_user_create does (a username asked for and taken is 409, field
 * "username", whoever asks); when neither the citizen ID nor the e-mail
 * belongs to an account, creates it and mails its owner a welcome naming
 * his username, returning its id; otherwise creates nothing, mails the
 * owner of each account found that someone tried to register with his
 * citizen ID or e-mail, and returns 0 with *existing the first one's id.
 * -1 with e. Inside the caller's transaction (the mail goes with it). */
long long acc_user_register(struct db *db, const struct acc_user_new *u, long long *existing, struct err *e);
/* Replaces a user's password hash (after a rehash). */
int acc_user_set_hash(struct db *db, long long user_id, const char *hash, struct err *e);

/* Counts one attempt at a form under the key made of key_fmt (such as
 * "register:ip:%s") unless the window seconds before now hold max of them
 * already (attempt.c): 0 when counted, 1 when over the limit (with the
 * Retry-After header set and *minutes the minutes to wait), -1 with e. */
int acc_attempt(struct req *r, struct db *db, int max, int window, long long now, long long *minutes, struct err *e,
		const char *key_fmt, ...) __attribute__((format(printf, 8, 9)));

/* The active account that login names (a citizen ID may be typed with
 * dashes or spaces) for a mail sent to it at most max times in window
 * seconds (key "<what>:user:<id>", counted here; attempt.c): its id; 0 when
 * there is none, it is not active or it is over its limit — quietly, so the
 * form's answer stays the same; -1 with e. */
long long acc_mail_account(struct db *db, const char *login, const char *what, int max, int window, long long now,
			   struct err *e);

/* Registration at a meeting (registration_session.c, issue 10.10): while
 * an area admin's session for the client's address runs, a public
 * registration form (form: "register", "saregister") may be posted
 * ACC_REG_SESSION_MAX times from that address in the session; otherwise
 * max times in window seconds. Same answers as acc_attempt. */
#define ACC_REG_SESSION_MAX 400
#define ACC_REG_SESSION_MAX_HOURS 8
int acc_reg_attempt(struct req *r, struct db *db, const char *form, int max, int window, long long now,
		    long long *minutes, struct err *e);
/* GET/POST /areas/:id/registration-session and …/:sid/stop. */
extern const struct route_table acc_reg_session_routes;

/* API tokens (api_token.c, issue 15.4): "khet_" and 43 characters of
 * base64url (32 random bytes). Only the SHA-256 (hex) is stored. */
#define ACC_API_TOKEN_CHARS 48
#define ACC_API_TOKEN_MAX_DAYS 366
void acc_api_token_make(char out[ACC_API_TOKEN_CHARS + 1]);
bool acc_api_token_format_ok(const char *token);
void acc_api_token_hash(const char *token, char out[65]);
/* Whether a token's scopes ("oss:read kpi:write") hold needed ("oss:read");
 * module:write holds module:read too. A NULL or empty need is held. */
bool acc_api_scopes_allow(const char *scopes, const char *needed);
/* The scopes asked for on the form (values of api_scope_choices), sorted
 * and space-separated into out; -1 with e (field "scopes") when none or an
 * unknown one. */
int acc_api_scopes_join(json_t *values, struct buf *out, struct err *e);
/* A new token as stored (the page's form or `khet token add`): a personal
 * one acts as user_id in grant_id (0: none); a service account in role of
 * area_id. area_id 0 is a national token. */
struct acc_api_token_new {
	const char *name;
	bool service;
	long long user_id, grant_id;
	const char *role;
	long long area_id;
	const char *scopes; /* joined by acc_api_scopes_join */
	long long expires_at, created_by, created_at;
};
/* Makes the token (into token, to show once), stores its hash and returns
 * its id; -1 with e (token wiped). Audit is the caller's. */
long long acc_api_token_store(struct db *db, const struct acc_api_token_new *t, char token[ACC_API_TOKEN_CHARS + 1],
			      struct err *e);
/* The owner's grant a personal token acts in: his active grant of role
 * (any when ""), in the area when aid > 0, the first by id; 0 for none (a
 * national token of a user without a role); -1 with e (field login or
 * role) when he has none there. */
long long acc_api_token_owner_grant(struct db *db, long long user_id, long long aid, const char *role, struct err *e);
/* The token of the request (0: a browser session or none). */
long long acc_api_token_id(struct req *r);
/* GET/POST /areas/:id/tokens, /admin/tokens and their revoke. */
extern const struct route_table acc_api_token_routes;

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
/* A secret the session's next page at path shows once (the API token
 * just made, after POST → 303 → GET): kept in the session's row, sealed
 * (crypto_secretbox) with a key derived from the session cookie the browser
 * holds, so the database alone never holds it readable; never in a URL or
 * a cookie. A second keep replaces the first. Returns 0, or -1 with e (a
 * request without a browser session: 400). */
int acc_session_reveal_keep(struct req *r, struct db *db, const char *path, const char *secret, struct err *e);
/* Takes the secret kept for path: 1 with out (NUL-terminated; at most
 * outsz - 1 bytes) and the row forgets it, so a reload shows nothing; 0
 * when there is none for path (another page's stays kept) or a concurrent
 * request took it first; -1 with e. */
int acc_session_reveal_take(struct req *r, struct db *db, const char *path, char *out, size_t outsz, struct err *e);
/* A local path to go back to: next if it starts with exactly one "/" and
 * has no control characters or backslashes, else def. */
const char *acc_safe_next(const char *next, const char *def);

/* The module's pages: /register, /signin, /signout, /account,
 * /session/role, /altcha/challenge. */
extern const struct route_table acc_routes;

/* --- user management and audit pages (ACC-6, ACC-10) --- */

/* The area a user belongs to through his grants: the area of his newest
 * active grant, else of his newest grant of all (a cancelled user whose
 * grants were revoked); 0 when he never held one, -1 on error. */
long long acc_user_area(struct db *db, long long user_id, struct err *e);
/* Appends an audit row for what the request's user did: actor, active
 * role, client address, and area_id the TARGET's area, whose admins then
 * see the row — a user's (acc_user_area), a grant's, an area itself; the
 * actor's own area when the target has none. acc_audit_in names the area.
 * Takes detail (may be NULL). A failure is logged, not returned: the
 * action itself already happened in the same transaction. */
void acc_audit(struct req *r, struct db *db, long long actor, const char *action, const char *target_type,
	       long long target_id, json_t *detail);
/* This request wrote a 'personal.read' row naming what it read, so the
 * page's generic one (session.c's personal hook) is not added. */
void acc_note_personal_read(struct req *r);

/* Whether user_id is one of the area's school admins, the people an area
 * admin manages (ACC-6): active with an active school_admin grant in a
 * school of the area, or cancelled with his last school_admin grant there
 * (the list of ended terms). 1 yes, 0 no, -1 on error. */
int acc_admin_in_area(struct db *db, long long user_id, long long area_id, struct err *e);

/* Whether an area admin of area_id may change user_id's account (edit,
 * e-mail, reset password, cancel, reinstate): 1 when every ACTIVE grant of
 * the account is a school role (school_admin, teacher, homeroom, director)
 * at a school of that area — no area role, no other area's school, no
 * super admin; also 1 when it holds no active grant (a cancelled admin,
 * whose membership acc_admin_in_area decides). 0 no, -1 on error. */
int acc_user_school_only_in_area(struct db *db, long long user_id, long long area_id, struct err *e);
/* The one area whose admins manage user_id's account: the area of his
 * schools when every active grant is a school role in schools of one area;
 * 0 when he holds none or holds any other (then no area admin decides for
 * him: a password-change request is not routed); -1 on error. */
long long acc_user_managing_area(struct db *db, long long user_id, struct err *e);

/* The list of an area's school admins: one row per (admin, school). */
struct acc_admin_filter {
	long long area_id;
	const char *q;		    /* words of name, username, e-mail, citizen ID, staff ID, school; "" any */
	long long school_id;	    /* 0: any */
	const char *status;	    /* "active", "cancelled" (ended terms), "" both */
	const char *personnel_type; /* a value of acc_personnel_types, "" any */
	long long page, per_page;   /* per_page 10/25/50/100 (org_paging) */
};
/* {rows:[{grant_id, role, id, username, title, first_name, last_name, email,
 *  citizen_id, phone, staff_id, personnel_type, status, cancelled_at,
 *  school_id, school_name, obec_code}], total, page, pages, per_page,
 *  from, to} in Thai order of school, then name. */
json_t *acc_admin_list(struct db *db, const struct acc_admin_filter *f, struct err *e);
/* The LIKE patterns of a search (pure): "%word%" per word of q as
 * thai_search_terms breaks it, a citizen ID typed with dashes as one
 * word, unused slots "%"; returns the number of words. */
int acc_admin_search_patterns(const char *q, struct buf pat[SEARCH_SLOTS]);

/* What an admin may change of an account (ACC-6). email lower-case. */
struct acc_user_edit {
	const char *title, *first_name, *last_name, *email, *phone, *staff_id, *personnel_type;
	/* Issue 10.6: the account's version the edit was made from (the
	 * page's _version), 0 = not checked. */
	long long version;
};
/* The err field of a refusal for a stale copy (the account changed since
 * the page was opened): the page answers it with form_stale. */
#define ACC_STALE "_version"
/* Checks (acc_user_validate's rules) and stores the edit; an e-mail held
 * by another account is 409 (field "email"); an edit made from an older
 * version of the account is 409 (field ACC_STALE), nothing stored. *changes gets {field:
 * [old, new]} of what changed (empty when nothing did). */
int acc_user_update(struct db *db, long long user_id, const struct acc_user_edit *u, json_t **changes, struct err *e);
/* Ends a school admin's term (ACC-6): his school_admin grants in the area
 * are revoked, so the school may get a new admin; the account itself is
 * cancelled (sign-in refused, sessions deleted, live links void) only when
 * no other active role remains, as the roster does. Returns 1 when the
 * account was cancelled, 0 when it stays for its other roles, -1 with e
 * (404 when the account is not active). */
int acc_admin_cancel(struct db *db, long long user_id, long long area_id, long long by_user_id, struct err *e);
/* Gives a cancelled admin his account back as admin of his last school
 * (409 if it has another admin now); the old password stays void and a
 * set-password link is e-mailed. Returns the school's id. */
long long acc_admin_reinstate(struct db *db, long long user_id, long long area_id, long long by_user_id, struct err *e);
/* Resets an active user's password: the old one and his sessions end, and
 * a set-password link is e-mailed. */
int acc_admin_reset_password(struct db *db, long long user_id, struct err *e);
/* Gives the school_admin role of school_id to the existing account of
 * citizen_id when the area admin manages that account already (active,
 * holding some role, every one a school role in the area's schools); its
 * e-mail and password stay (a set-password link only for an account with
 * no password and no role at another school). Returns the account's id, 0
 * when there is no such account (acc_admin_add then says what to do), -1
 * with e (409 field school_id: the school has an admin). */
long long acc_admin_attach(struct db *db, const char *citizen_id, long long school_id, long long area_id,
			   long long by_user_id, struct err *e);
/* Adds a school admin: a new account without a password (409 when the
 * citizen ID or e-mail is registered), the school_admin grant (409 when the
 * school has an admin: one per school), and the set-password link. */
long long acc_admin_add(struct db *db, const struct acc_user_new *u, long long school_id, long long area_id,
			long long by_user_id, struct err *e);

/* A date range filter (pure): "YYYY-MM-DD" days in Bangkok, both ends
 * included, into UTC seconds from <= at < to (0: open). 400 with field
 * "from"/"to" for a date that is not real or an end before the start. */
int acc_audit_range(const char *from, const char *to, long long *from_out, long long *to_out, struct err *e);


/* /areas/:id/users… (user_admin.c) and /areas/:id/audit (audit_page.c). */
extern const struct route_table acc_admin_routes;
extern const struct route_table acc_audit_routes;

/* --- annual roster and directory (ACC-7) --- */

/* Once per academic year (BE, thai_academic_year) an area reviews its
 * school admins: one representative, an area admin of the area, decides
 * for each active school_admin grant "confirm" (stays), or cancel with a
 * reason "moved", "resigned" or "retired", and adds new admins. Any area
 * admin of the area may save the draft; the submission applies it in the
 * caller's transaction and locks that year's roster for good. The tables
 * rosters, roster_decisions and roster_additions belong to src/acc/roster.c
 * (db/migrations/0008_roster.sql). */

/* 1 when d is one of the four decisions. */
bool acc_roster_decision_valid(const char *d);
/* Its Thai label ("ยืนยัน", "ยกเลิก (ย้าย)" …), NULL if unknown. */
const char *acc_roster_decision_label(const char *d);
/* A roster may be drafted and submitted for the academic year of now and
 * for the next one (the seed's roster for 2569 is made before 2569 starts). */
bool acc_roster_year_open(int year, long long now);

/* Who acts, for the audit rows the roster writes (area_id and action are
 * set by the roster itself). */
struct acc_roster_actor {
	long long user_id;
	const char *role;
	const char *ip;
};

/* One page (1-based, 50 a page; page 0: every row of both lists, for the
 * export) of the roster of area_id for year:
 * {area_id, year, status ("none", "draft", "submitted"), locked,
 *  submitted_by_name, submitted_at, submitted_at_text, counts {admins,
 *  undecided, confirm, cancel, added}, admins {rows, total, page, pages},
 *  additions {rows, total, page, pages}}. While not submitted, admins are
 * the area's active school admins with the draft's decision (or null);
 * once submitted, the decisions as recorded. No citizen IDs are given
 * whole: additions carry citizen_id_masked. */
json_t *acc_roster_get(struct db *db, long long area_id, int year, int page, int additions_page, struct err *e);
/* Saves the draft's decision on grant_id ("" clears it). 400 (field
 * "choice") for an unknown decision or a grant that is not an active
 * school admin of the area; 409 when the year is locked. */
int acc_roster_decide(struct db *db, long long area_id, int year, long long grant_id, const char *decision,
		      const struct acc_roster_actor *by, struct err *e);

/* A new admin asked for in the draft. */
struct acc_roster_addition {
	const char *citizen_id, *title, *first_name, *last_name, *email, *phone, *staff_id, *personnel_type;
	long long school_id;
};
/* Checks and adds a new admin to the draft; returns its id. The person's
 * existing account is used when the citizen ID has one (one person, one
 * account), a cancelled one is refused; a school gets one new admin per
 * roster and none while its present admin is not cancelled in the draft.
 * An existing account only gets the role at the submission: its e-mail and
 * password stay, and no set-password link goes out when it has a password
 * or any role outside that school. */
long long acc_roster_add(struct db *db, long long area_id, int year, const struct acc_roster_addition *a,
			 const struct acc_roster_actor *by, struct err *e);
/* Takes an addition out of the draft (404 when the draft has none such). */
int acc_roster_remove(struct db *db, long long area_id, int year, long long addition_id,
		      const struct acc_roster_actor *by, struct err *e);
/* Submits the roster: every active school admin must have a decision
 * (400 otherwise); cancelled grants are revoked and their users cancelled
 * (sessions ended) when they hold no other role; additions get their
 * account and school_admin grant and a set-password e-mail; everything is
 * audited; then the year is locked. A year submitted already is 409 with a
 * message naming who submitted it and when, and nothing is written. */
int acc_roster_submit(struct db *db, long long area_id, int year, const struct acc_roster_actor *by, struct err *e);

/* The public directory (ทำเนียบแอดมิน) of an area, one page (1-based, 100
 * a page; page 0: every row, for the export) in school order: {rows [{school_name, obec_code, title,
 * first_name, last_name, display_name, role_label}], total, page, pages,
 * roster (the latest submitted {academic_year, submitted_at_text} or
 * null)}. Nothing more of a person: no citizen ID, e-mail or phone. */
json_t *acc_directory_page(struct db *db, long long area_id, int page, struct err *e);

/* /areas/:id/roster… (area admins) and /areas/:id/directory… (public). */
extern const struct route_table acc_roster_routes;
extern const struct route_table acc_directory_routes;

/* --- set-password links and OTP (ACC-8) --- */

/* Issues a set-password link for the user (valid 1 hour, single use, stored
 * hashed; the user's earlier links become void) and queues the e-mail that
 * carries it to the user's address. why picks the e-mail's wording: "new"
 * (account created/approved), "forgot" (the user asked on /password/forgot:
 * his old password still works until he sets a new one) or "reset" (an
 * admin's reset or an approved change request: the old password is void
 * already). Returns 0, or -1 with e set. Call it inside the
 * transaction of the write it belongs to (the mail goes out only if that
 * commits). */
int acc_setpw_link_send(struct db *db, long long user_id, const char *why, struct err *e);
/* The same, also appending the link's path and query ("/password/set?t=…",
 * without the base URL) to path: for `khet user add`, which prints the
 * one link it mailed, so the operator can hand it over when mail is not
 * set up yet. The printed and the mailed link are the same single-use
 * secret. */
int acc_setpw_link_send_path(struct db *db, long long user_id, const char *why, struct buf *path, struct err *e);
/* Either of the above (path may be NULL), the mail also carrying the area
 * admin's note to the user (a school-admin approval's note; NULL or "":
 * none). */
int acc_setpw_link_send_note(struct db *db, long long user_id, const char *why, const char *note, struct buf *path,
			     struct err *e);

/* /signin/link (ask for a one-time sign-in link by e-mail) and
 * /signin/link/use (follow it) (signin_link.c, issue 11.3). */
extern const struct route_table acc_signin_link_routes;

/* /password/set, /password/otp, /password/forgot, /password/request,
 * /password/requests and /account/password (src/acc/password*.c). */
extern const struct route_table acc_password_routes;

/* --- access requests and school-admin registration (ACC-4, ACC-5) --- */

/* Permissions are the columns of the permission matrix (seed 003 part 4),
 * declared by the modules (core/module.h: module_permission,
 * module_permission_at): a role, or for a qualified role one part of it
 * ("officer:31"). Each is granted in an org unit: a school for a school
 * role, the area (and a work group where the role needs one) for an area
 * role. */
/* The permissions a user may request, as form choices labelled with their
 * level ("ครู (ระดับโรงเรียน)"). */
const struct choice *acc_permission_choices(void);
/* The grant that stands for permission p in a unit (the unit's parts the
 * role does not take are left 0). */
void acc_permission_grant(struct acc_grant *g, long long user_id, const struct permission_def *p, long long area_id,
			  long long school_id, long long work_group_id);
/* What an access request must name, checked without the database: a
 * requestable permission (field "permission"), a school for a school role
 * and none for an area role (field "school_id"), a work group where the
 * role needs one and none where it takes none (field "work_group_id").
 * 0 or -1 with e (400). */
int acc_request_target_check(const char *permission, long long school_id, long long work_group_id, struct err *e);
/* A user's permission matrix: {columns [{key, label, enabled (bool),
 * status ("Enabled"/"Disabled"), units [where it is held]}]}, one column per
 * permission in matrix order, over his active grants; area_id > 0
 * keeps only the grants in that area. */
json_t *acc_permission_matrix(struct db *db, long long user_id, long long area_id, struct err *e);
/* The matrix of the users who hold an active grant in the area, one page
 * (1-based, ACC_MATRIX_PER_PAGE a page) in Thai name order: {head [{key,
 * label}], rows [{id, username, title, first_name, last_name, status,
 * display_name, columns (as above, over the grants in the area)}], total,
 * page, pages}. Three queries whatever the page's size; page 0: every
 * user on one page (the export). */
#define ACC_MATRIX_PER_PAGE 50
json_t *acc_permission_area_matrix(struct db *db, long long area_id, long long page, struct err *e);
/* A school-admin registration's registrant ("director", "deputy",
 * "teacher"): a delegate must upload the delegation letter (field
 * "letter") and name the director who delegated (field "delegated_by").
 * 0 or -1 with e (400). */
int acc_schooladmin_registrant_check(const char *registrant, bool has_letter, const char *delegated_by, struct err *e);

/* Within the module (upload.c): moves the upload of field to
 * DATA/files/acc/<kind>/<area_id>/<random>.<ext> (rel gets the path below
 * the data folder), and streams such a stored file back as an attachment. */
int acc_upload_keep(struct req *r, const char *field, const char *kind, long long area_id, struct buf *rel,
		    struct err *e);
int acc_upload_send(struct req *r, const char *path, const char *mime, const char *name);

/* What the area admin's request pages share (queue.c). */
struct choice;
struct org_paging;
/* The answer 503 when there is no database (any page of the module). */
int acc_db_unavailable(struct req *r);
/* Refuses with 403, keeping an auth.denied row under area_id (the area the
 * target belongs to), committed although the answer is an error. */
int acc_deny_in(struct req *r, long long area_id, const char *target_type, long long target_id, const char *msg);
/* The :id area of an area admin's page, which the active grant must be in:
 * its row with the id in *aid, or NULL with the answer (404, 403 with the
 * text denied, 503, or the error) in *answered. */
json_t *acc_queue_area(struct req *r, long long *aid, const char *denied, int *answered);
/* Turns the field name of a form model into a select of options [{id,
 * name}] (taken), with none as the first, empty choice. */
void acc_form_select(json_t *form, const char *name, json_t *options, const char *none);
/* Makes the field name of a form model a hidden input. */
void acc_form_hidden(json_t *form, const char *name);
/* x[text_key] = the time x[key] as short Thai text, null when there is none. */
void acc_add_time_text(json_t *x, const char *key, const char *text_key);
/* Page links of a list whose URL (ending in "?" or "&") is base: pager,
 * has_pager, prev_url and next_url into m. */
void acc_add_paging(json_t *m, const char *base, long long page, long long pages);
/* The ?status= of a queue page when filter (ending with {NULL}) has it,
 * else "pending". */
const char *acc_queue_status(struct req *r, const struct choice *filter);
/* One page (?page=, per_page a page, into *pg) of an area's queue with
 * status ("all": any): count_sql counts them and rows_sql reads them, both
 * taking $1 the area and $2 the status or "" (rows_sql also $3 limit and $4
 * offset). NULL with e. */
json_t *acc_queue_rows(struct req *r, long long area_id, const char *status, const char *count_sql,
		       const char *rows_sql, long long per_page, struct org_paging *pg, struct err *e);
/* The model of a queue page at path (no query), stealing area and rows:
 * page_title "<title> <area's short name>", area, rows, the status tabs
 * filters [{value, label, url, current}], status, total, page, pages
 * (of pg), has_rows and the page links. */
json_t *acc_queue_model(const char *title, const char *path, json_t *area, json_t *rows, const struct choice *filter,
			const char *status, const struct org_paging *pg);

/* /access/requests…, /areas/:id/access-requests, /account/permissions and
 * /areas/:id/users/:uid/permissions (access_request.c); /school-admin/
 * register…, /areas/:id/school-admin-regs and /school-admin/regs/:rid…
 * (school_admin_reg.c). */
extern const struct route_table acc_request_routes;
extern const struct route_table acc_schooladmin_routes;

/* The blank access-request form of seed 003's appendix (request_form.c):
 * its blocks in order [{kind, text}], kind one of subtitle, heading, text,
 * choice ("( )  <permission>", one per requestable permission), space,
 * signature (the requester's, then the director's who certifies) and
 * officer (the area officer's approval box); area_name NULL: a blank for
 * it. GET /access/request-form.pdf[?area=] renders it as a PDF. */
json_t *acc_request_form_blocks(const char *area_name);
extern const struct route_table acc_request_form_routes;

/* /areas/:id/users/:uid/permissions/edit and its grant and revoke posts
 * (grant_pages.c): the area admin edits a user's permissions. */
extern const struct route_table acc_grant_routes;
/* /teachers (teachers.c): a school admin's "add a teacher" from the
 * school's personnel record (issue 13 item 5). */
extern const struct route_table acc_teacher_routes;
/* Whether the request's active grant may see and change the permissions
 * of user uid in area aid (the user holds or held a grant there, or asked
 * for one): -1 to go on, else the request was answered (403 with an
 * auth.denied row, whose text for another area is denied). */
int acc_area_user_check(struct req *r, struct db *db, long long aid, long long uid, const char *denied);

/* The yearly roster as a data deadline (X-7, core/module.h's deadlines
 * hook; deadlines.c). */
struct deadline_query;
int acc_deadlines(struct db *db, const struct deadline_query *q, json_t *out, struct err *e);

#endif
