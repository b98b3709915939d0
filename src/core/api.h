/* api: the integrators' API under /api/v1 (issue 15, SPEC X-2). The pages'
 * JSON is each template's view model and is internal; the API is the
 * contract: resources with a stable schema, one error shape, ISO times
 * with +07:00, ISO dates, money as decimal baht strings, enums as {code,
 * label_th}, paged lists with Link headers and a total, filters and sort
 * declared per resource and checked, bearer tokens with scopes.
 *
 * A module declares its resources as data in its struct module (the field
 * `api`): each struct api_route is an ordinary route (method, path under
 * /api/v1, handler, the body's declared fields — the SAME list as the
 * page's form, so a JSON body is validated exactly as the form is — and
 * the role spec), plus what the OpenAPI document says of it: the scope it
 * needs, Thai and English summaries, its query parameters, its sort keys
 * and the JSON Schema of what it answers. api_register turns every
 * module's list into routes flagged ROUTE_API, and the document
 * (/api/v1/openapi.json) and its reference page (/api/v1/docs) are built
 * from the same list, so nothing is documented by hand.
 *
 * Errors, of the API and of the pages' JSON alike (core/view.c):
 *   {"error":{"status":409,"code":"stale_version","message":"…Thai…",
 *             "fields":{"name":"…"},"request_id":"…"}}
 * code is stable and machine-readable (api_code_of gives the default of a
 * status; api_error names another). */
#ifndef KHET_API_H
#define KHET_API_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"
#include "core/form.h"
#include "core/http.h"

/* Every API route is a route flagged ROUTE_API (http.h); its data is its
 * api_route. */

#define API_PREFIX "/api/v1"
#define API_PER_PAGE_DEFAULT 50
#define API_PER_PAGE_MAX 200

/* A query parameter: a filter of a list. */
enum api_param_type { AP_INT, AP_TEXT, AP_DATE, AP_CHOICE, AP_BOOL };
struct api_param {
	const char *name;
	enum api_param_type type;
	const char *th, *en;	      /* descriptions */
	const struct choice *choices; /* AP_CHOICE: the allowed codes */
};

struct api_route {
	const char *method;	   /* "GET", "POST", "PATCH" */
	const char *path;	   /* under /api/v1: "/oss/requests/:id" */
	handler_fn handler;
	const struct field *body;  /* POST/PATCH: the form's own field list */
	const char *scope;	   /* "oss:read", "oss:write" */
	const char *roles;	   /* role spec as routes have it; NULL: any signed-in caller */
	const char *th, *en;	   /* summary */
	const char *schema;	   /* JSON Schema (text) of the item answered */
	bool list;		   /* a paged list of schema items */
	const struct api_param *params; /* filters; ends with {NULL} */
	const char *sort;	   /* sort keys allowed, space-separated ("created_at id"); the
				    * first is the default; "-key" asks for descending */
	const void *data;	   /* what the handler reads with api_route_data */
	int status;		   /* its success status: 0 is 200; 201 for one that creates */
	int version;		   /* a write of one record: API_VERSION_CHECKED when _version is
				    * checked if sent (a stale one is 409), API_VERSION_REQUIRED when
				    * the write is refused without it; documented in the body */
	/* A write that is the page's own handler needs no adapter of its
	 * own: with page set (and handler NULL) the route runs page under
	 * api_call_page and answers with answer(r, status, id) — status the
	 * route's (0: 200), id the record the page's redirect names after
	 * the prefix id_from ("/dmc/learners/", api_location_id: -1 when the
	 * redirect is elsewhere) or, when id_from is a path parameter's name
	 * ("id"), that parameter (an edit of the path's record, wherever the
	 * page goes back to). An answer that needs more (a record the page
	 * names nowhere) keeps a handler of its own calling api_call_page. */
	handler_fn page;
	int (*answer)(struct req *r, int status, long long id);
	const char *id_from;
};

#define API_VERSION_CHECKED 1
#define API_VERSION_REQUIRED 2

struct api_def {
	const char *module;		 /* its scopes are module:read / module:write */
	const char *th;			 /* the tag's Thai name */
	const struct api_route *routes; /* ends with {NULL} */
};

/* Registers every module's API routes and the document's own two, once,
 * before serving (main.c). */
void api_register(void);
/* Whether a route is declared whole: a handler, or a page with answer
 * and an id_from that is a prefix ending with '/' or a parameter of its
 * path. 0, or -1 with e; api_register stops the start on a mistake. */
int api_route_check(const struct api_route *a, struct err *e);
/* The api_route of the request's route, NULL when it is not an API route. */
const struct api_route *api_route_of(struct req *r);
const void *api_route_data(struct req *r);
/* The scopes modules' APIs offer ("oss:read" …) as choices, for the token
 * form; ends with {NULL, NULL}. */
const struct choice *api_scope_choices(void);
/* The OpenAPI 3.1 document (a new reference). */
json_t *api_openapi(void);

/* --- answers ------------------------------------------------------------- */

/* A paged list's request: page (1…), per_page (1…200, default 50), sort
 * (a declared key; desc when asked with "-"), checked with the declared
 * filters: an unknown parameter or a bad value answers 400 in the error
 * shape and api_page returns -1 (the handler returns 0). */
struct api_page {
	long long page, per_page, offset;
	const char *sort; /* the key without "-" */
	bool desc;
};
int api_page(struct req *r, struct api_page *pg);
/* Checks the query parameters of an API route against its declared params
 * (page, per_page and sort only on a list; a parameter of the path is none
 * of the query's): an unknown one or a bad value answers 400 in the error
 * shape and returns -1. The server runs it before every API route's handler
 * (core/server.c), so no handler can forget it; 0 for any other route. */
int api_check_query(struct req *r);
/* Parses page/per_page/sort from given values (pure, for unit tests):
 * 0, or -1 with e (e->field the parameter). */
int api_page_parse(const char *page, const char *per_page, const char *sort, const char *allowed, struct api_page *pg,
		   struct err *e);
/* Answers a list: {"items":[…],"total":n,"page":p,"per_page":k} with
 * X-Total-Count and Link (first, prev, next, last). Takes items. */
int api_list(struct req *r, const struct api_page *pg, json_t *items, long long total);
/* api_list of rows (taken: the query's rows, json_t objects), each
 * answered as item makes it of the row (a new reference). */
int api_list_rows(struct req *r, const struct api_page *pg, json_t *rows, long long total, json_t *(*item)(json_t *row));
/* X-5 for a list written straight (api_list_raw): there is no json_t to
 * walk for personal values, so the list declares its query's personal
 * columns and the query is checked against the declaration: api_raw_begin,
 * given the result before its first row, fails (500, naming the column)
 * when a column's name is personal (core/personal.h: email, phone,
 * citizen_id, salary …) and declared does not name it — a column added to
 * the SELECT cannot carry personal data out unaudited. api_raw_row keeps
 * each row's declared values, and api_list_raw reports them as api_item
 * reports an item's (personal.read naming the route, "items[].email").
 * api_list_raw answers 500 for a list that did not begin its api_raw. */
#define API_RAW_COLS 8
struct db_res;
struct api_raw {
	int col[API_RAW_COLS];
	const char *name[API_RAW_COLS];
	int n;
	bool begun;
	json_t *shown; /* [{path, value}] */
};
#define API_RAW_INIT {.n = 0}
/* declared: the personal columns the list writes, NULL-ended (NULL: none). */
int api_raw_begin(struct api_raw *raw, struct db_res *res, const char *const *declared, struct err *e);
void api_raw_row(struct api_raw *raw, struct db_res *res);
/* Frees what api_raw_row kept (api_list_raw does it itself). */
void api_raw_release(struct api_raw *raw);
/* api_list with the items written straight (api_buf_* and jx_buf_str, no
 * json_t per row): items holds the array's JSON text "[…]" (empty: []).
 * raw: the rows' personal values (above). Takes items and raw's values. */
struct buf;
int api_list_raw(struct req *r, const struct api_page *pg, struct buf *items, long long total, struct api_raw *raw);
/* Answers one item (200, or 201 with Location for a created one). Takes item. */
int api_item(struct req *r, int status, json_t *item);
/* One record answered with status: a created one (201) with Location
 * API_PREFIX path id ("/dmc/gcode/", 42: "/api/v1/dmc/gcode/42").
 * Takes item. */
int api_record(struct req *r, int status, json_t *item, const char *path, long long id);
/* The error shape with a code of the caller's ("insufficient_scope"). fields
 * (taken, may be NULL) maps field names to Thai messages. */
int api_error(struct req *r, int status, const char *code, const char *message, json_t *fields);
/* The answer for a record that was not read: e's when it is a fault (5xx,
 * logged), else 404 with message — for a record that is not there, one
 * the caller may not see, or an id that names none (e untouched). */
int api_not_found(struct req *r, const struct err *e, const char *message);
/* An err as the error shape (a fault: 500, logged, generic message). */
int api_err(struct req *r, const struct err *e);
/* The stable code of a status (400 invalid, 401 unauthorized, 403
 * forbidden, 404 not_found, 409 conflict, 422 invalid, 429 rate_limited,
 * 5xx server_error …). */
const char *api_code_of(int status);
/* The body of an error answer (view.c uses it for the pages' JSON too);
 * fields borrowed. */
json_t *api_error_body(int status, const char *code, const char *message, json_t *fields, const char *request_id);

/* A write done by the page's own handler (the same domain functions,
 * transaction, audit, 409 on a stale version): page runs with the API's
 * request; its form errors and refusals come back in the error shape, and
 * the place it redirects to on success is given to result, which answers
 * (api_item …) from what was stored. */
int api_call_page(struct req *r, handler_fn page, int (*result)(struct req *r, const char *location));
/* The record id a page's redirect names: the number after prefix in
 * location ("/oss/requests/" in "/oss/requests/42"), -1 when location is
 * not under prefix. For result callbacks of api_call_page. */
long long api_location_id(const char *location, const char *prefix);
/* Whether the answer made so far is in API mode (a page handler running
 * under api_call_page); view.c asks. */
bool api_page_mode(struct req *r);
/* view.c: a page handler under api_call_page redirected to location. */
void api_page_redirected(struct req *r, const char *location);
/* The stable code of the error the handler is about to answer, when not
 * its status's own (a page handler under api_call_page refusing an add
 * because the person is recorded elsewhere: "learner_active_elsewhere");
 * code is a literal. Applies to the error shape of the API and of the
 * pages' JSON. */
void api_set_error_code(struct req *r, const char *code);

/* --- types --------------------------------------------------------------- */

/* JSON Schema pieces for the declared response schemas. */
#define API_ENUM_SCHEMA                                                                                                \
	"{\"type\":\"object\",\"required\":[\"code\",\"label_th\"],\"properties\":{\"code\":{\"type\":\"string\"}," \
	"\"label_th\":{\"type\":\"string\"}}}"
#define API_TIME_SCHEMA "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}"
#define API_DATE_SCHEMA "{\"type\":[\"string\",\"null\"],\"format\":\"date\"}"
#define API_MONEY_SCHEMA "{\"type\":\"string\",\"pattern\":\"^-?[0-9]+\\\\.[0-9]{2}$\"}"

/* UTC seconds as "2026-12-07T13:35:00+07:00" (null for 0). */
json_t *api_time(long long t);
/* The same written straight into a JSON text being built. */
void api_buf_time(struct buf *b, long long t);
void api_buf_enum(struct buf *b, const char *code, const char *label_th);
/* Satang as "35210.50". */
json_t *api_money(long long satang);
/* {code, label_th}. */
json_t *api_enum(const char *code, const char *label_th);
/* An ISO date text ("2026-12-07") as it is, null for "" or NULL. */
json_t *api_date(const char *iso);

#endif
