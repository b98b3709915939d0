/* acc: accounts, roles and access (ACC-1 … ACC-3) — the one account a person
 * holds for every module, the roles granted to it per organisation unit, and
 * the session that says who is asking. This header is what OTHER modules
 * call: who is asking and with which grant, the grants a module's own pages
 * give and end (KPI roles, OSS officers), the profile the One Stop Service
 * fills its forms from, and the demo helpers of the modules' demo loaders.
 * What only the files of src/acc/ share is in acc_internal.h.
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
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/http.h"
#include "core/module.h"

struct db;

/* --- roles and the request's user (ACC-2) -------------------------------- */

/* Roles are declared by the modules that give them meaning (core/module.h);
 * this module declares the platform's own: area_admin (แอดมินเขต),
 * school_admin, teacher, homeroom, director (school roles) and super_admin
 * (ผู้ดูแลระบบ สพฐ., national). A route names who may call it by a role
 * spec ("area_admin super_admin", "@school") with access ACCESS_SIGNED_IN;
 * the ACTIVE grant's role must be in it; no spec lets every signed-in user
 * in, plain citizens without any grant too. */

/* One grant of a role, as the session and the scope helpers see it. A
 * school role has area_id (the school's area) and school_id; an area role
 * has area_id and school_id 0; a national role has neither (0).
 * work_group_id (kpi_owner) and service (the qualifier of a qualified role:
 * an OSS officer's service "31") are 0 / "" when they do not apply; module
 * is the module that declares the role. */
struct acc_grant {
	long long id;
	long long user_id;
	char role[24];
	uint64_t bit;	       /* the role's bit (module_role_bit), 0 if unknown */
	enum role_scope scope; /* the role's scope, 0 if unknown */
	long long area_id;
	long long school_id;
	long long work_group_id;
	char module[24];
	char service[24];
};

/* Whether the grant is of this role (NULL grant: no). */
bool acc_grant_is(const struct acc_grant *g, const char *role);
/* The Thai label of a role code ("แอดมินเขต"), NULL if unknown. */
const char *acc_role_label(const char *role);
/* The signed-in user's id, 0 for a visitor. */
long long acc_user_id(struct req *r);
/* The active grant, or NULL for a visitor or a user without any role. */
const struct acc_grant *acc_active_grant(struct req *r);
/* Appends an audit row for what the request's user did: actor, the active
 * grant's role, the client's address and area_id, the area whose admins
 * then see the row (0: none). Takes detail (may be NULL). A failure is
 * logged, not returned: the action itself already happened in the same
 * transaction. */
void acc_audit_in(struct req *r, struct db *db, long long area_id, long long actor, const char *action,
		  const char *target_type, long long target_id, json_t *detail);
/* Display name "นายสมชาย ใจดี" of the signed-in user, "" for a visitor. */
const char *acc_display_name(struct req *r);

/* --- users and grants (ACC-1, ACC-2) -------------------------------------- */

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
 * active user, and what the modules hold about the person under the names
 * forms use (module_person_profile: work_unit, position, salary …) —
 * what One Stop Service forms are filled in from (OSS-3, DPA-5).
 * NULL with 404 when there is no such active user. */
json_t *acc_user_profile(struct db *db, long long user_id, struct err *e);
/* Finds an active or cancelled account by username, citizen ID or e-mail:
 * returns 1 and fills id, status ("active"/"cancelled") and hash, 0 when
 * there is none, -1 on error. */
int acc_user_find_login(struct db *db, const char *login, long long *id, char status[16], char hash[128],
			struct err *e);
/* Grants (ACC-2). Adds grant g after checking that the role is known, that
 * the area, school (in that area) and work group exist where the role
 * needs them, that the user holds no same active grant, and that a school
 * has one school admin only (ACC-5); returns the grant id (g->id and g->bit
 * are ignored). */
long long acc_grant_add_full(struct db *db, const struct acc_grant *g, long long granted_by, struct err *e);
/* Ends a grant (revoked_at, revoked_by); sessions using it fall back to no
 * role on their next request. 404 when no active grant has that id. */
int acc_grant_revoke(struct db *db, long long grant_id, long long revoked_by, struct err *e);

/* --- scope: which areas and schools the active grant reaches ------------- */

/* Scope rules as plain functions (the request helpers below call them):
 * super_admin is in every area and school; any other grant is in its own
 * area only. For a school, a school role covers exactly its own school and
 * an area role the schools of its area (school_area_id is the area the
 * school belongs to). A NULL grant (a citizen) covers nothing. */
bool acc_grant_in_area(const struct acc_grant *g, long long area_id);
bool acc_grant_for_school(const struct acc_grant *g, long long school_id, long long school_area_id);
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

/* --- a module's pages of a place (place.c) ------------------------------- */

/* Where a module's home sends the user: base/schools/:id for a school
 * grant, base/areas/:id for an area grant (true); base/areas otherwise
 * (false). base is the module's path, e.g. "/bld". */
bool acc_home_url(struct req *r, const char *base, char *u, size_t n);
/* Answers the module home (GET base) with a redirect to acc_home_url. */
int acc_home_redirect(struct req *r, const char *base);
/* The page of every area (template tmpl, given page_title and areas):
 * a module's list for the super admin. */
int acc_areas_page(struct req *r, const char *tmpl, const char *title);

/* How a module looks up the school or area of its path. */
struct acc_place {
	const char *param;  /* the path's parameter: "sid", "aid", "id" */
	const char *viewer; /* a role that sees every school and area, or NULL */
	bool areas_only;    /* (an area) a school grant does not see it */
};
/* The school (org_school_get) or area (org_area_get) of the path when the
 * active grant reaches it (or holds p->viewer); else answers and returns
 * NULL with *rc set: 404 for no such place, and for a place not the user's
 * acc_deny(deny), or 404 too when deny is NULL. */
json_t *acc_school_for(struct req *r, const struct acc_place *p, const char *deny, int *rc);
json_t *acc_area_for(struct req *r, const struct acc_place *p, const char *deny, int *rc);
/* The same decisions for a page that reads the place's row itself, with
 * its own figures in the same statement (one round trip less on
 * PostgreSQL): whether the user may see school sid of area_id / area aid,
 * and the answer acc_school_for / acc_area_for gives when the place is
 * missing (found false; e the fault that hid it, if any) or not the
 * user's (found true). */
bool acc_school_seen(struct req *r, const struct acc_place *p, long long sid, long long area_id);
int acc_school_refuse(struct req *r, long long sid, bool found, struct err *e, const char *deny);
bool acc_area_seen(struct req *r, const struct acc_place *p, long long aid);
int acc_area_refuse(struct req *r, long long aid, bool found, struct err *e, const char *deny);

/* Appends the page where a school admin gives the person of citizen_id a
 * Khet account with the teacher role of his school, or adds that role to
 * the person's account (teachers.c): what a personnel record links to. */
void acc_teacher_href(const char *citizen_id, struct buf *out);

/* --- demo data ------------------------------------------------------------- */

/* `khet demo` signs every demo user in with this password. */
#define ACC_DEMO_PASSWORD "khet-demo-2567"
/* For the other modules' demo loaders: a person (12 digits of the citizen
 * ID, its check digit added) and its account. */
struct acc_demo_person {
	const char *username, *id12, *title, *first, *last, *email, *phone, *ptype;
};
/* The account of p->username, created with ACC_DEMO_PASSWORD (hashed once
 * per process) when it does not exist yet; returns its id. */
long long acc_demo_person(struct db *db, const struct acc_demo_person *p, struct err *e);
/* Adds grant g (acc_grant_add_full) unless the user holds that role with
 * that qualifier already. */
int acc_demo_grant(struct db *db, const struct acc_grant *g, struct err *e);
/* The id of the demo area of code ("3502"), -1 with e when org_demo has
 * not made it. */
long long acc_demo_area(struct db *db, const char *code, struct err *e);

#endif
