/* view: how a handler answers. A page is a json_t model plus a template
 * name; view_page renders it inside the layout as HTML, or returns the model
 * itself as JSON when the client asked for application/json, so every
 * page is also an API. The layout's own data (assets, CSRF token, user,
 * navigation, footer year) is added here, never by handlers.
 * Every view_* function takes ownership of the model it is given and returns
 * 0, so a handler can `return view_page(...)`. */
#ifndef KHET_VIEW_H
#define KHET_VIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"
#include "core/http.h"

/* Renders templates/<tmpl>.html with model (status 200 unless given). The
 * model's "page_title" is the <title>; absent, "Khet". A JSON client gets
 * the model itself, less the personal fields (core/personal.h) the page
 * does not print. */
int view_page(struct req *r, int status, const char *tmpl, json_t *model);
/* 303 See Other to location (after a successful POST); JSON clients get
 * {"ok":true,"location":…} with 200. An optional flash text is shown on the
 * next page. */
int view_redirect(struct req *r, const char *location, const char *flash);
/* A Thai error page (templates/error.html) or {"error":{"status","message"}}. */
int view_error(struct req *r, int status, const char *message);
/* view_error with the status and message an err carries; a status of 500 or
 * 0 logs e->msg and shows a generic Thai message instead. */
int view_err(struct req *r, const struct err *e);
/* view_err for a failure that is not a refusal (err_refusal): an engine's
 * constraint text is a fault — 500, logged, a generic Thai page — whatever
 * status it came with. */
int view_fault(struct req *r, struct err *e);
/* Raw bytes with a content type; download_name, when given, makes it an
 * attachment (Content-Disposition with the UTF-8 name). Takes body. */
int view_bytes(struct req *r, int status, const char *content_type, struct buf *body, const char *download_name);
/* A download (200, private): Content-Disposition attachment with the
 * ASCII name as filename= and, RFC 6266, the UTF-8 name (Thai) as
 * filename*=UTF-8''…; utf8_name NULL: the ASCII name for both. Takes body. */
int view_download(struct req *r, const char *content_type, struct buf *body, const char *ascii_name,
		  const char *utf8_name);
/* Bytes that are the same for every visitor (a QR code, a public image):
 * 200, Cache-Control: public for max_age seconds, and no cookie set, so a
 * shared cache may keep them. Takes body. */
int view_public_bytes(struct req *r, const char *content_type, struct buf *body, long long max_age);
/* A stored file streamed from disk as an attachment, with nosniff. */
int view_file(struct req *r, const char *path, const char *content_type, const char *download_name);

/* Layout additions a later layer provides (accounts: user + navigation).
 * Called for every HTML page with the layout model to fill. */
typedef void (*view_layout_hook)(struct req *r, json_t *layout);
void view_set_layout_hook(view_layout_hook hook);

/* What a page showed of personal data (core/personal.h), for the audit
 * trail a later layer keeps (accounts: reads by staff, X-5). Called once
 * for every page, HTML or JSON, that showed any, with the template's name
 * and shown = [{path, value}] (borrowed). A JSON answer never carries a
 * personal field its page would not show: view_page drops the others. */
typedef void (*view_personal_hook)(struct req *r, const char *tmpl, json_t *shown);
void view_set_personal_hook(view_personal_hook hook);
/* Whether the personal hook would keep anything of this request (accounts:
 * only a signed-in user acting under a grant, on a page that has not
 * written its own personal.read row, is audited). When it would not, an
 * HTML page (and an API answer) skips finding its personal fields at all:
 * only the hook uses them there, and walking a list page's model costs
 * about 5 % of its instructions. A JSON answer of a page still finds and
 * prunes them whatever this says. NULL (the default): every request. */
typedef bool (*view_personal_wanted_fn)(struct req *r);
void view_set_personal_wanted(view_personal_wanted_fn fn);
/* 1 when a personal hook is set and would keep this request's reads. */
bool view_personal_wanted(struct req *r);
/* Reports personal data a handler sent other than through view_page (a
 * CSV/XLSX export: core/export.h) to the same hook; what is the export's
 * name, shown as above. */
void view_personal_report(struct req *r, const char *what, json_t *shown);

/* Loads templates (from the binary, or from dir when dir != NULL: --dev
 * reloads them from disk on every page) and the static asset manifest. */
int view_init(const char *templates_dir, const char *static_dir, struct err *e);
/* Loads only the templates compiled into the binary, without the static
 * assets: for operator commands that render mail (no pages, so no CSS or
 * JS links), run from any folder. */
int view_init_text(struct err *e);
void view_shutdown(void);
/* The URL of a built static asset by logical name ("app.css"), or NULL. */
const char *view_asset(const char *logical);
/* Renders a template outside a request (e-mails, PDFs' HTML). */
int view_render_text(const char *tmpl, json_t *model, struct buf *out, struct err *e);

#endif
