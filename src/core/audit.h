/* audit: the trail of what admins do to accounts (ACC-10) and of staff
 * reading personal data: who, what, when, from where. Rows are only
 * ever added; the database itself refuses UPDATE and DELETE on the table
 * (triggers in migration 0004), so nothing in the program can rewrite it.
 *
 * A row is written in the caller's transaction: an action that is rolled
 * back leaves no row, as it did not happen. A refusal that must be kept
 * (auth.denied) is written outside the handler's transaction, or with
 * req_commit_on_error (http.h).
 *
 * Actions are dotted names, area first: 'user.cancel', 'user.reset_password',
 * 'grant.add', 'access_request.approve', 'personal.read', 'auth.denied'. */
#ifndef KHET_AUDIT_H
#define KHET_AUDIT_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"

struct db;

struct audit_entry {
	long long at;		 /* UTC seconds; 0: now */
	long long actor_user_id; /* 0: none (a failed sign-in) */
	const char *actor_role;	 /* the role acted in; NULL: "" */
	long long area_id;	 /* the area concerned, whose admins may read the row; 0: none */
	const char *ip;		 /* the client's address; NULL: "" */
	const char *action;	 /* required */
	const char *target_type; /* "user", "grant", …; NULL: "" */
	long long target_id;	 /* 0: none */
	json_t *detail;		 /* NULL, or stored as compact JSON; borrowed, not stolen */
};

/* Appends one row. Fails with 500 when action is missing or the database
 * refuses. */
int audit_add(struct db *db, const struct audit_entry *a, struct err *e);

struct audit_filter {
	long long area_id;	   /* an area admin's own area; 0: every area (super admin only) */
	long long actor_user_id;   /* 0: any */
	const char *action_prefix; /* "user." matches user.cancel; NULL or "": any */
	const char *target_type;   /* NULL or "": any */
	long long target_id;	   /* 0: any; with target_type "user", one account's history */
	long long from, to;	   /* UTC seconds, from <= at < to; 0: open */
	int page;		   /* 1-based; past the last page reads as the last */
	int per_page;		   /* 0: 50; at most 500 */
};

/* One page of rows, newest first, as {rows, total, page, pages, per_page}.
 * Each row has the table's columns, at_text (Thai BE date and time) and
 * detail parsed back into JSON (null when none). NULL on error. The caller
 * decides which area a user may ask for: audit_list does no access check. */
json_t *audit_list(struct db *db, const struct audit_filter *f, struct err *e);

/* Every row the filter matches (paging ignored), newest first, as CSV for
 * Excel: UTF-8 with a BOM, CRLF lines, a Thai header row, times as Thai BE
 * date and time, fields quoted and defused against formulas by
 * buf_add_csv. More than AUDIT_CSV_MAX_ROWS rows is refused with a 400
 * asking for a shorter date range. */
#define AUDIT_CSV_MAX_ROWS 100000
int audit_csv(struct db *db, const struct audit_filter *f, struct buf *out, struct err *e);

#endif
