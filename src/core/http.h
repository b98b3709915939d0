/* http: the request as handlers see it, and the route table every module
 * declares. A module lists its routes as a constant array of struct route;
 * the server matches method + path pattern ("/areas/:id/schools"), reads
 * who is asking (the identify hook), checks the CSRF token on every unsafe
 * method — the session's own token when there is a session, else the
 * visitor's cookie (double submit) — parses the body with the route's
 * declared form (see form.h), opens the worker's database connection and
 * calls the handler. A handler reads checked values from the request, calls
 * the module's domain functions and answers through view.h; it never prints
 * HTML or builds SQL by hand. */
#ifndef KHET_HTTP_H
#define KHET_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct req;
struct field;
struct db;

typedef int (*handler_fn)(struct req *r);

/* Who may call a route (ACC-2 fills in roles; core knows only these two). */
enum route_access {
	ACCESS_PUBLIC = 0, /* anyone, signed in or not */
	ACCESS_SIGNED_IN,  /* any signed-in user */
};

struct route {
	const char *method;         /* "GET", "POST" */
	const char *pattern;        /* "/areas/:id/schools"; ":name" matches one segment */
	handler_fn handler;
	const struct field *form;   /* declared body fields for unsafe methods, or NULL */
	const char *name;           /* metrics label; defaults to the pattern */
	enum route_access access;
	const char *roles;          /* role spec of who may call it, "area_admin officer"
				     * or "@school" (see core/module.h); NULL: per access */
	const void *data;           /* what the handler reads with req_route_data (one
				     * handler serving several routes, e.g. per format) */
	unsigned flags;             /* ROUTE_* */
};

/* A read-only page that may show data some seconds old — statistics,
 * dashboards, exports, public lists: with --db-read its req_db is the read
 * replica, unless the browser wrote something in the last 30 s (then the
 * primary, so a user never misses his own change). Such a handler must not
 * write. */
#define ROUTE_MAY_LAG 1u
/* A POST that needs no CSRF token: signing out. Another site cannot make
 * the browser send it with the session (the cookie is SameSite=Lax), and a
 * sign-out form left open in an old tab (its token from before a sign-in or
 * role switch elsewhere) must still sign out — on a shared office computer
 * a refused sign-out leaves the next person signed in. */
#define ROUTE_NO_CSRF 2u
/* A route of the integrators' API (core/api.h): answers JSON only, in the
 * API's error shape; a bearer token may call it, without a CSRF token. */
#define ROUTE_API 4u

/* Each module exposes its tables terminated by a route with method NULL. */
struct route_table {
	const char *module;
	const struct route *routes;
};

/* A path parameter by name (":id" → "id"), "" if absent. */
const char *req_param(struct req *r, const char *name);
/* A path parameter as a positive integer id, or -1 if it is not one. */
long long req_param_id(struct req *r, const char *name);
/* The request's path and its query string (re-encoded), e.g.
 * /oss/new/11?area=3: where a sign-in should bring the user back to. */
void req_here(struct req *r, struct buf *out);
/* A query-string argument, NULL if absent. */
const char *req_query(struct req *r, const char *name);
/* A query-string argument as an integer within [min, max], else def. */
long long req_query_int(struct req *r, const char *name, long long def, long long min, long long max);
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_method(struct req *r);
const char *req_path(struct req *r);
/* The signed-in user the access log names (the accounts layer sets it). */
void req_set_user(struct req *r, long long user_id);
/* The client's address as text (for audit and rate limits). */
const char *req_client_ip(struct req *r);
const char *req_id(struct req *r);
/* The matched route's data (struct route's data), NULL when none. */
const void *req_route_data(struct req *r);
/* True when the client asked for JSON (Accept: application/json). */
bool req_wants_json(struct req *r);
/* The worker's database connection (opened on first use; NULL + e when it
 * cannot be). */
struct db *req_db(struct req *r);
/* The CSRF token forms on this page must carry as _csrf. */
const char *req_csrf(struct req *r);
/* Binds the request's CSRF token to who is asking: token (43 characters
 * of base64url) is the session's own, derived from its secret by the
 * layer that keeps sessions, so a token from the cookie, from before a
 * sign-in or role switch, or from another session no longer passes.
 * NULL: a fresh visitor token (the session ended). Either way the csrf
 * cookie carries the new value to the client. */
void req_csrf_bind(struct req *r, const char *token);
/* The name a cookie really has: "__Host-" + name when the base URL is
 * https (a sub-domain cannot set or shadow it), else name. req_cookie and
 * req_set_cookie apply it themselves. */
const char *http_cookie_name(const char *name, struct buf *out);
/* Per-request data a later layer attaches (the session, in accounts). */
void *req_get_ext(struct req *r);
void req_set_ext(struct req *r, void *ext, void (*free_fn)(void *));

/* Unsafe methods run in one transaction that is committed only when the
 * answer is a success (status < 400). A handler whose failure must itself
 * be stored — a failed sign-in counted, an OTP guess used up — calls this
 * so the transaction commits with the error answer too; it must then have
 * written nothing else. */
void req_commit_on_error(struct req *r);

/* Response headers and cookies (set before answering). */
void req_add_header(struct req *r, const char *name, const char *value);
void req_set_cookie(struct req *r, const char *name, const char *value, long long max_age, bool http_only);

/* The access check a later layer installs (accounts): called for every
 * routed request after the body and CSRF checks, before the handler and
 * outside its transaction. Returns 0 to run the handler; anything else means
 * it has answered already (a redirect to sign in, a 403 page). roles is the
 * route's role spec as a mask of role bits (core/module.h). Without a
 * hook, routes that are not ACCESS_PUBLIC are refused with 403. */
typedef int (*http_access_fn)(struct req *r, const struct route *route, uint64_t roles);
void http_set_access_hook(http_access_fn fn);
/* Who is asking, read for every routed request BEFORE the CSRF check
 * (accounts: the session from its cookie, which binds the CSRF token with
 * req_csrf_bind). Returns 0, or -1 when it could not tell (the database
 * failed): a route that is not ACCESS_PUBLIC then answers 503. */
typedef int (*http_identify_fn)(struct req *r);
void http_set_identify_hook(http_identify_fn fn);

/* Server-wide settings handlers may read. */
struct http_settings {
	const char *data_dir;
	const char *base_url;
	bool dev;
};
const struct http_settings *http_settings(void);

#endif
