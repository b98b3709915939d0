/* token: single-use secrets sent by e-mail (ACC-8) — links (set a new
 * password within 1 hour) and 6-digit OTP codes (confirm within 30 minutes,
 * at most 5 wrong guesses). Both are stored only hashed, die when used, and
 * are re-issued on request: issuing one supersedes the earlier live ones of
 * the same kind, purpose and user, so only the newest e-mail works.
 *
 * Each re-issue sends an e-mail, so the handler offering "send a new
 * link/code" rate-limits it per user (ratelimit.h).
 *
 * purpose is any short name the caller picks ("set_password",
 * "otp_signin"); a secret issued for one purpose is unknown to another.
 * Times are the server's clock (time(NULL)), which all instances share
 * closely enough for minutes-long lifetimes; tests move a row's expires_at
 * instead of the clock.
 *
 * Messages are Thai and say what to do; statuses: 400 not valid (forged,
 * wrong code), 410 gone (expired, used, superseded), 429 no guesses left.
 *
 * TRANSACTIONS: a wrong OTP guess must stay counted although the handler
 * answers with an error, and the server rolls back a handler's transaction
 * when the answer is >= 400 (http.h). So a handler calling token_verify_otp
 * calls req_commit_on_error(r) before answering its failure, and writes
 * nothing else in that transaction that a failure should undo (do the
 * verify first, the other writes after it succeeded). Without that the
 * counter would go back to 0 with every rollback and the limit of 5 would
 * protect nothing. A link or code that is consumed (success) is consumed in
 * the caller's transaction: if the handler later fails and rolls back, the
 * secret is usable again, which is what the user needs. Issuing is two
 * writes (supersede the old, insert the new): run it inside the handler's
 * transaction, so that two concurrent re-issues cannot leave two live
 * secrets. Checking, using and verifying are safe outside one too: each of
 * their writes is one conditional statement. */
#ifndef KHET_TOKEN_H
#define KHET_TOKEN_H

#include "core/buf.h"
#include "core/err.h"

struct db;

#define TOKEN_LINK_TTL (60 * 60) /* ACC-8: set a new password within 1 hour */
#define TOKEN_OTP_TTL (30 * 60)	 /* ACC-8: confirm the e-mailed OTP within 30 minutes */
#define TOKEN_OTP_MAX_ATTEMPTS 5 /* wrong guesses that kill a code */

/* Issues a link secret for user_id, valid ttl_seconds: appends 43
 * characters of base64url (32 random bytes) to secret_out, to put in the
 * link; stores only its SHA-256. Earlier unused links of the same purpose
 * and user stop working. */
int token_issue_link(struct db *db, const char *purpose, long long user_id, int ttl_seconds, struct buf *secret_out,
		     struct err *e);
/* Validates a link without consuming it (to show the set-password form):
 * 0 and *user_id_out, or -1 with 400 (unknown, forged, other purpose) or
 * 410 (expired, used, superseded). */
int token_check_link(struct db *db, const char *purpose, const char *secret, long long *user_id_out, struct err *e);
/* As token_check_link, and consumes it: of two concurrent uses exactly one
 * succeeds (the other gets 410 used). */
int token_use_link(struct db *db, const char *purpose, const char *secret, long long *user_id_out, struct err *e);

/* Issues a 6-digit code for user_id, valid ttl_seconds, into code_out
 * (NUL-terminated); earlier unused codes of the same purpose and user stop
 * working. */
int token_issue_otp(struct db *db, const char *purpose, long long user_id, int ttl_seconds, char code_out[7],
		    struct err *e);
/* Checks the user's newest code of this purpose (spaces in code are
 * ignored) and consumes it when right. A wrong guess is counted (see
 * TRANSACTIONS above) and fails with 400 saying how many remain; the 5th
 * wrong guess, and every guess after it even the right one, fails with 429;
 * an expired or used code with 410; a code that is not 6 digits with 400
 * and is not counted. */
int token_verify_otp(struct db *db, const char *purpose, long long user_id, const char *code, struct err *e);

/* Makes every live link and code of user_id (of purpose, or of all purposes
 * when purpose is NULL) stop working, e.g. when an account is cancelled. */
int token_revoke(struct db *db, const char *purpose, long long user_id, struct err *e);

/* Deletes rows that expired more than 30 days ago; returns how many, or -1.
 * token_purge_job has the jobs.h signature (hourly is plenty). */
long long token_purge(struct db *db, long long now, struct err *e);
int token_purge_job(struct db *db, struct err *e);

#endif
