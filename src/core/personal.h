/* personal: which values of a view model are personal data, and which
 * of them a page showed. A page's JSON is its model, so a model that
 * carries a person's e-mail for a template that never prints it would hand
 * that e-mail to anyone who asks for JSON. Rather than trusting every
 * handler to leave such fields out, the view layer (view.c) finds them by
 * name, watches which of them the page's template prints, and sends in the
 * JSON only those the HTML shows; the ones shown to staff are reported so
 * the read is audited.
 *
 * The convention: a key is personal when it is one of citizen_id, gcode,
 * ident (a learner's citizen ID or G-code), email, phone, address,
 * birth_date, line_id, salary, or ends or starts with one as a whole word
 * ("guardian_phone", "account_email", "address_registered",
 * "birth_date_text", "salary_text", "salary_baht"), unless it ends in
 * "_masked": a masked form ("citizen_id_masked", "salary_masked") is what
 * lists show instead. Strings and numbers count (a salary in satang,
 * 4512000, is as personal as its text "45,120.00"; a number is matched by
 * its text, "%lld" or "%.17g"); a boolean does not (an "email_taken" is no
 * one's data). A form field's object ({name,
 * value, …} of form_model) holds a personal value when its name is a
 * personal key; a form's "errors" object (messages by field name) holds
 * none. Name a model's field accordingly and the rest follows;
 * nothing is declared per page. */
#ifndef KHET_PERSONAL_H
#define KHET_PERSONAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* 1 when a model key names personal data (the convention above). */
bool personal_key(const char *key);

/* The personal values of one model: every non-empty string and every
 * number under a personal key, anywhere in the model, with where it was. */
struct personal;

/* The personal values of model, or NULL when it holds none. The model must
 * not lose those objects while the result is used. */
struct personal *personal_collect(json_t *model);
void personal_free(struct personal *p);
/* Number of values collected, and of those marked shown. */
size_t personal_count(const struct personal *p);
size_t personal_shown_count(const struct personal *p);
/* A value printed by the page (the template engine's watch, tmpl.h): every
 * collected value with the same text is marked shown, whichever key it was
 * printed from (a form's field value and the model's copy of it are one
 * value on the page). arg is the struct personal. */
void personal_seen(void *arg, json_t *v);
/* Marks every collected value shown: an answer that is its own contract
 * (an API item, core/api.c) shows all it carries. */
void personal_show_all(struct personal *p);
/* Deletes every collected value not marked shown from its object. */
void personal_prune(struct personal *p);
/* The shown values as [{path, value}], paths like "account.email" and
 * "rows[].phone", in model order; a new reference. */
json_t *personal_shown(const struct personal *p);

#endif
