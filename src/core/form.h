/* form: declared body fields (Kore's validators, here a table). A route names
 * its field list; the server parses urlencoded and multipart bodies through
 * core/body.c against it, streams uploads to a temp file cutting
 * them off at the field's limit while streaming, checks file types by
 * content (libmagic), and validates every field (required, length in
 * characters, UTF-8, pattern, choices, type). The handler then finds checked
 * values, per-field Thai error messages, and a model to show the form again
 * with the input kept. The same table describes the API's JSON schema. */
#ifndef KHET_FORM_H
#define KHET_FORM_H

#include <jansson.h>
#include <stdbool.h>

#include "core/http.h"

enum field_type {
	FT_TEXT,
	FT_TEXTAREA,
	FT_EMAIL,
	FT_PASSWORD,
	FT_PHONE,
	FT_INT,      /* whole number within [min, max] */
	FT_MONEY,    /* baht with up to 2 decimals → satang */
	FT_DATE,     /* typed วว/ดด/ปปปป in BE (or ISO, or CE by size: thai_date_input); checked value YYYY-MM-DD (CE) */
	FT_TIME,     /* HH:MM */
	FT_CITIZEN_ID,
	FT_CHOICE,   /* one of choices */
	FT_CHECKBOX, /* present = "1" */
	FT_FILE,     /* png, jpeg or pdf by content, at most max bytes */
	FT_HIDDEN,
};

#define F_REQUIRED 1u
#define F_MULTI 2u /* FT_CHOICE: several values (checkbox list) */
#define F_NAME 4u  /* a person's name: no emoji (invisible characters are refused in every field) */
/* FT_FILE: a table (CSV or XLSX) rather than png/jpeg/pdf. The form takes
 * any bytes up to max; the handler reads them with core/table_read, which
 * finds the format by content and refuses anything else (and XLSX bombs)
 * with a message for the field. mime is the xlsx type for a zip, else
 * text/csv. */
#define F_TABLE 8u
/* FT_CITIZEN_ID: also takes an identity code issued to a person without a
 * citizen ID (the census's G-code, GC-1) when a module that issues such
 * codes registered a checker (form_alt_id_register) and the checker knows
 * the code; the checked value is then that code. Only where the stored
 * column takes either (not an account's 13-digit citizen_id). */
#define F_ALT_ID 16u
/* Required when a record is made, checked by the handler, not by the form:
 * a file slot a new request must fill while an edit keeps the stored file.
 * form_schema (the OpenAPI document) and the API's docs page say it is
 * required; the page shows no mark the handler's own rule would not. */
#define F_REQUIRED_NEW 32u
/* FT_FILE: a photo, PNG or JPEG only. A PDF (whole or broken) is refused
 * as not a picture before it is read whole, so the person is never told to
 * re-save as a PDF a file the field would not take; the file picker offers
 * images only. */
#define F_IMAGE 64u

struct choice {
	const char *value;
	const char *label;
};

struct field {
	const char *name;
	const char *label;          /* Thai, used in messages */
	enum field_type type;
	unsigned flags;
	long long max;              /* characters; bytes for FT_FILE; 0 = default */
	long long min;              /* FT_INT / FT_MONEY lower bound */
	const char *pattern;        /* POSIX extended regex the whole value must match */
	const char *pattern_msg;    /* Thai message when it does not */
	const struct choice *choices; /* terminated by {NULL, NULL} */
	/* instead of choices: a list known only at start (built from the
	 * module registry), asked for when the form is read */
	const struct choice *(*choices_fn)(void);
	const char *hint;
};
/* A field list ends with a field whose name is NULL. */

#define FORM_FILE_MAX_DEFAULT (5LL * 1024 * 1024)
#define FORM_TEXT_MAX_DEFAULT 255

/* A checked upload, still in its temp file until the handler keeps it. */
struct form_file {
	const char *field;
	const char *path;      /* temp file; removed after the request unless kept */
	const char *filename;  /* the client's name, sanitised */
	const char *mime;      /* image/png, image/jpeg or application/pdf */
	long long size;
};

/* Identity codes other than a citizen ID (GC-1's G-codes) for F_ALT_ID
 * fields. A module that issues them registers a checker from its init
 * hook (core knows no module): it returns 0 when typed is not its kind of
 * code (the field then checks a citizen ID as usual), 1 with norm (the
 * code as stored, NUL-terminated) when it is one that exists, -1 with e
 * when it is its kind but wrong or unknown (400 and a Thai message for
 * the field) or on a fault (500). db may be NULL (no database): answer
 * -1 with 500. At most 4 checkers; registering one twice keeps one. */
typedef int (*form_alt_id_fn)(struct db *db, const char *typed, char norm[16], struct err *e);
void form_alt_id_register(form_alt_id_fn fn);

/* True when the body parsed and every field is valid. */
bool form_ok(struct req *r);
/* A field's checked value ("" when absent); for FT_CHECKBOX "1" or "". */
const char *form_value(struct req *r, const char *name);
long long form_int(struct req *r, const char *name);    /* FT_INT */
long long form_satang(struct req *r, const char *name); /* FT_MONEY */
/* All values of an F_MULTI field as a JSON array of strings (borrowed). */
json_t *form_values(struct req *r, const char *name);
/* The upload of a field, or NULL. */
const struct form_file *form_file(struct req *r, const char *name);
/* Moves an upload out of the temp folder to dest (a path under the data
 * folder); after that it is not removed at the end of the request. */
int form_file_keep(struct req *r, const char *name, const char *dest, struct err *e);
/* Issue 10.6, a save on a stale copy: every edit form carries the version
 * of the record it was made from in the hidden field _version (the partial
 * partials/csrf writes it from record_version in the page model); the
 * handler's UPDATE … SET version = version + 1 WHERE id = $1 AND version =
 * $2 changes no row when another save came first. form_version gives the
 * posted version, or -1 when the form carried none (an API client that
 * does not care: its save is not checked). */
long long form_version(struct req *r);
/* Marks the form refused for a stale copy (409): a form-wide Thai message
 * naming what ("คำร้อง") and when it was changed, the labels of the fields
 * whose current value (current: name → value, as form_model's values)
 * differs from what was sent (stale_changed in the form model), and what
 * was typed forgotten, so form_model shows the record as it is now. */
void form_stale(struct req *r, const struct field *fields, json_t *current, long long changed_at, const char *what);
/* Forgets what the request's form carried, so form_model shows the form
 * empty (its defaults) again: a form that did its work and answers its
 * POST with the same page, as the API token page that shows the new token
 * once (a second token must not inherit the first one's scopes). */
void form_forget(struct req *r);
/* Forgets what the request's form carried and its errors (and a stale
 * copy's note): after the page built the model of the form that was
 * refused, a second form of the same page (the add form below a list
 * whose row's edit failed) is shown empty, with its defaults, and
 * without the errors that belong to the row. */
void form_clear(struct req *r);
/* The field came with the request, even empty ("" is not "absent"). */
bool form_sent(struct req *r, const char *name);
/* A partial write (an API PATCH: the fields left out keep their stored
 * values): a required field the request left out is no error, since the
 * handler keeps what is stored (it must: form_sent tells which). One sent
 * empty ("first_name": "") is still "กรุณากรอก…". Call before form_ok. */
void form_unsent_kept(struct req *r);
/* The field has an error already. */
bool form_has_error(struct req *r, const char *name);
/* Adds a Thai error to a field (domain checks after form_ok). */
void form_error(struct req *r, const char *field, const char *msg);
/* Adds the field named by e->field (or a form-wide error) from an err. */
void form_error_err(struct req *r, const struct err *e);
/* The form as a model for templates/partials/field.html:
 * {"fields": [{name,label,type,value,error,required,maxlength,choices,hint}],
 *  "values": {…}, "errors": {…}, "has_errors": bool, "error_count": n}.
 * values overrides the shown values (e.g. a record being edited) where the
 * request had none. */
json_t *form_model(struct req *r, const struct field *fields, json_t *values);
/* The field named name of a form_model, or NULL. */
json_t *form_field(json_t *form, const char *name);
/* Shows the text field name of a form_model as a select of options
 * [{value, label}] (a list kept in the database or made at run time): first
 * an empty choice labelled empty_label ("— เลือก —" when NULL), the field's
 * value selected. Takes options (copies each, so one list may serve several
 * fields); nothing when the form has no such field. */
void form_select(json_t *form, const char *name, json_t *options, const char *empty_label);
/* The note form_model puts at a file field ("again") when the form comes
 * back with errors and the field's file came with the refused submission. */
extern const char form_file_again_msg[];
/* A field's choices (choices, or what choices_fn gives), NULL if none. */
const struct choice *field_choices(const struct field *f);
/* Removes upload temp files (DATA/tmp/upload-*) last written older_than
 * seconds ago or earlier — what a crash left behind (a request removes its
 * own). Several instances may share the data folder, so serve sweeps only
 * files older than any upload could still be running. Returns how many. */
int form_tmp_sweep(const char *data_dir, long long older_than);
/* The JSON schema of a field list (for the OpenAPI document). */
json_t *form_schema(const struct field *fields);

#endif
