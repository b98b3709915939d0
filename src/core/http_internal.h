/* http_internal: the request record shared by the server, the form parser
 * and the view layer. Modules see only http.h. */
#ifndef KHET_HTTP_INTERNAL_H
#define KHET_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/fault.h"
#include "core/form.h"
#include "core/http.h"

#define REQ_MAX_PARAMS 8

struct form_part; /* form.c */
struct body_parser;

struct form_state {
	const struct field *fields;
	struct body_parser *pp; /* core/body.h */
	const char *data_dir;   /* uploads go to its tmp/ */
	json_t *values;   /* name → checked, normalised string, or array for F_MULTI */
	json_t *typed;    /* the same names → exactly what was typed (trimmed), for
			   * showing the form again: a money field holds "35210.50"
			   * here and "3521050" (satang) in values */
	json_t *errors;   /* name → Thai message; "_form" for form-wide */
	json_t *changed;  /* form_stale: labels of fields whose current value differs */
	json_t *stale_sent; /* form_stale: [{label, value}] what was sent for each of them */
	struct form_part *parts; /* text being collected / files being written */
	struct form_part *last;  /* the last of them (appending is O(1)) */
	int nparts;
	struct form_file *files;
	int nfiles;
	char **kept;      /* form_file_keep's destinations: removed again when the
			   * request's transaction rolls back */
	int nkept;
	long long text_bytes; /* all text fields, against the form limit */
	bool broken;      /* body could not be parsed */
	bool checked;
	bool api;         /* an /api/v1 route's body: an undeclared field or a JSON
			   * value of the wrong type is an error at its name */
	bool api_bad;     /* ... and one such value was refused */
	int json_line, json_col; /* a JSON body that is no JSON: where (1-based) */
};

struct resp_header {
	char *name;
	char *value;
};

struct req {
	/* set by the URI log callback before the headers are read: the whole
	 * request target's length (path and query); conn is NULL until then */
	size_t target_len;
	const char *raw_target; /* the target as received, for the framing check */
	bool target_ok;         /* ... and whether it had no space or control byte */
	struct MHD_Connection *conn;
	const char *method;
	char *path;
	const struct route *route;
	int route_index;
	char *pnames[REQ_MAX_PARAMS];
	char *pvalues[REQ_MAX_PARAMS];
	int nparams;
	char id[20];
	long long t0_ns;
	bool wants_json;
	bool api_mode;      /* a page handler runs for the API (core/api.h) */
	bool query_checked; /* an API route's query parameters were checked (api_check_query) */
	char *api_location; /* ... and redirected here */
	const char *err_code; /* the error shape's code when not the status's own */
	bool use_replica; /* the handler's req_db is the read replica (ROUTE_MAY_LAG) */
	long long body_bytes;
	int early_status;   /* set when the request is refused before the handler */
	const char *early_msg;
	char csrf[48];     /* the token forms must carry (req_csrf) */
	bool csrf_new;     /* the csrf cookie is (re)sent with csrf */
	bool csrf_cookie;  /* the request carried a well-formed csrf cookie */
	bool csrf_bound;   /* csrf is the session's (req_csrf_bind), not the cookie's */
	bool commit_on_error;
	struct form_state form;
	struct fault_plan fault; /* X-Khet-Fault, test servers only (core/fault.h) */
	void *ext;
	void (*ext_free)(void *);
	/* the answer */
	int status;
	struct MHD_Response *response;
	long long resp_bytes;
	struct resp_header *headers;
	int nheaders;
	char client_ip[64];
	long long user_id;  /* the signed-in user the access log names, 0: none */
	long long db_ns;    /* time spent in database calls for this request */
	long long db_calls; /* statements it sent to the database (db_thread_calls) */
};

/* form.c */
int form_begin(struct req *r, const struct field *fields);
int form_feed(struct req *r, const char *data, size_t size);
/* Finishes parsing and validates; returns -1 when the body was broken. */
int form_finish(struct req *r);
/* A whole body parsed and checked as a request's form would be — the same
 * parts, uploads (temp files under data_dir/tmp) and validation — with no
 * connection (unit tests, tests/fuzz). r starts zeroed; release it with
 * form_cleanup. -1 for a Content-Type no parser takes or a broken body. */
int form_parse_body(struct req *r, const struct field *fields, const char *content_type, const char *body,
		    size_t len, const char *data_dir);
void form_cleanup(struct req *r);
/* The request's transaction rolled back: the files form_file_keep put in
 * place belong to rows that were never stored, so they go too. */
void form_kept_discard(struct req *r);

/* server.c: forgets the answer made so far and the headers added after
 * the first nheaders, so a handler can run again from the start. */
void req_discard_answer(struct req *r, int nheaders);
/* server.c: a response with body data (malloc'd; the response owns it
 * from here) of Content-Type type, gzip-compressed once when the type is
 * worth it, the body is not tiny and the client accepts gzip (with Vary:
 * Accept-Encoding on every compressible type); sets r->resp_bytes to what
 * is sent. */
struct MHD_Response *http_body_response(struct req *r, char *data, size_t len, const char *type);

/* server.c: queues r->response after adding the common headers. */
void http_finish(struct req *r, int status, struct MHD_Response *resp);

#endif
