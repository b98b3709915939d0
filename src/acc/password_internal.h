/* password_internal: what the files of the password flow share inside the
 * accounts module (ACC-8, ACC-9). Other modules call acc_setpw_link_send
 * (acc.h) only.
 *
 * The flow of a set-password link (password.c, password_pages.c):
 *   1. acc_setpw_link_send e-mails /password/set?t=SECRET (1 hour).
 *   2. The user opens it and picks a password (ACC-3 rules). acc_pw_begin
 *      uses the link up, keeps the new password's hash in password_pending
 *      with a fresh flow secret (the browser's cookie) and e-mails a
 *      6-digit OTP (30 minutes, 5 guesses).
 *   3. The user types the code on /password/otp; acc_pw_confirm then makes
 *      the pending hash the account's password and ends every session.
 * Until step 3 the account keeps whatever password it had (none for a new
 * or reset account), so nobody signs in with a password whose owner has
 * not proved he reads the account's e-mail. */
#ifndef KHET_ACC_PASSWORD_INTERNAL_H
#define KHET_ACC_PASSWORD_INTERNAL_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/form.h"
#include "core/token.h"

struct db;
struct req;
struct field;

/* token.h purposes: the set-password link, and the OTP that confirms it. */
#define ACC_SETPW_PURPOSE "set_password"
#define ACC_SETPW_OTP_PURPOSE "set_password_otp"
/* How long a chosen password waits for its OTP (codes can be re-issued in
 * that time). */
#define ACC_PW_PENDING_TTL (60 * 60)
/* The cookie with the flow secret (path /password). */
#define ACC_PW_FLOW_COOKIE "khet_pwflow"

static inline int acc_setpw_link_ttl(void)
{
	return TOKEN_LINK_TTL;
}

/* The user's display name, e-mail and username: {name, email, username,
 * citizen_id} of an active user; NULL with 404 when none. */
json_t *acc_pw_user(struct db *db, long long user_id, struct err *e);

/* Step 2: uses the link (400 forged, 410 expired/used), stores the hash as
 * the user's pending password under a new flow secret (appended to flow,
 * 43 characters) and e-mails the OTP. Returns the user id. Inside a
 * transaction. */
long long acc_pw_begin(struct db *db, const char *link_secret, const char *hash, struct buf *flow, struct err *e);
/* Issues a fresh OTP for the user's pending password and e-mails it. */
int acc_pw_otp_send(struct db *db, long long user_id, struct err *e);
/* The user whose pending password the flow secret names: 0 and *user_id;
 * 400 when the secret is unknown (no such flow, or it was finished), 410
 * when the hour has passed. */
int acc_pw_flow_user(struct db *db, const char *flow, long long now, long long *user_id, struct err *e);
/* Step 3, after token_verify_otp succeeded: the pending hash becomes the
 * password, the pending row goes, the user's sessions end. */
int acc_pw_confirm(struct db *db, long long user_id, struct err *e);
/* Replaces the password of a signed-in user (ACC-9) with hash and ends
 * the user's sessions; the caller starts a new one. */
int acc_pw_replace(struct db *db, long long user_id, const char *hash, struct err *e);

/* Password-change requests (ACC-9, password_requests.c). */
/* Thai labels of the seed's reasons and channels (NULL if unknown). */
const char *acc_pwreq_reason_label(const char *reason);
const char *acc_pwreq_channel_label(const char *channel);
/* A Line ID as LINE allows it: 4–20 of a-z 0-9 . _ - (lower-cased by the
 * caller), optionally led by "@". */
int acc_pwreq_line_id_check(const char *line_id, struct err *e);
/* A masked e-mail for the admin's queue: "so****@example.com". */
void acc_pw_mask_email(const char *email, struct buf *out);

/* The route handlers of password_requests.c (listed in password_pages.c's
 * table). */
int acc_pwreq_form_get(struct req *r);
int acc_pwreq_form_post(struct req *r);
int acc_pwreq_sent(struct req *r);
int acc_pwreq_list(struct req *r);
int acc_pwreq_approve(struct req *r);
int acc_pwreq_reject(struct req *r);
extern const struct field acc_pwreq_form[];
extern const struct field acc_pwreq_reject_form[];
extern const struct field acc_pwreq_approve_form[];

#endif
