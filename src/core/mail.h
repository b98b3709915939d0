/* mail: e-mail for every module, through a durable outbox. A module queues a
 * mail with mail_queue inside the transaction of the write it belongs to, so
 * the mail exists if and only if that write commits (X-6); the background
 * job mail_send_due then sends it over SMTP with libcurl, retrying with
 * back-off while the server is unreachable. Without an SMTP URL nothing is
 * sent: mail is kept with status 'dev' and shown on the development mailbox
 * page (mailbox.h). Bodies are plain UTF-8 text; a module renders them with
 * view_render_text from its own templates. */
#ifndef KHET_MAIL_H
#define KHET_MAIL_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"

struct db;

/* Settings, read once at start (before jobs_start; not thread-safe).
 * smtp_url: "smtp://host[:port]" or "smtps://host[:port]", optionally with
 * "user:password@" (then smtp:// must upgrade with STARTTLS: a password is
 * never sent in clear); NULL or "" means development mode. from: "addr" or
 * "Name <addr>"; NULL means no-reply@ the host of base_url (a placeholder
 * domain, and a warning, when it has no domain name). base_url: the public
 * URL e-mailed links start with (mail_base_url). */
void mail_configure(const char *smtp_url, const char *from, const char *base_url);
/* Frees the settings and libcurl's global state (at exit). */
void mail_shutdown(void);
/* True when an SMTP URL is configured (so the dev mailbox is off). */
bool mail_smtp_configured(void);
/* base_url without a trailing "/", or "" when none was configured. */
const char *mail_base_url(void);

/* Queues one mail in the caller's transaction. to must be a plain address
 * (name@example.com: ASCII, no display name); subject and text_body UTF-8.
 * A bad address fails with 400 and a Thai message. */
int mail_queue(struct db *db, const char *to, const char *subject, const char *text_body, struct err *e);
/* The job (register with jobs_add("mail", 2, mail_send_due)): claims the
 * due mail and sends it; a mail the server did not take is tried again
 * later (mail_backoff_seconds), and after MAIL_MAX_ATTEMPTS tries marked
 * 'failed'. Returns the number of mails sent, or -1 when the database
 * failed. Safe to run on several instances at once: a mail is claimed by
 * one of them before it is sent. */
int mail_send_due(struct db *db, struct err *e);
/* Appends the outbox's figures for /metrics (Prometheus text): mail
 * waiting to be sent, given up, the age of the oldest waiting one (from the
 * database, so every instance shows the same), and this process's sends
 * and failed tries since start. */
int mail_metrics_write(struct db *db, struct buf *out, struct err *e);
/* Wakes the mail job now. For code that knows its mail is committed (a
 * command-line tool, a test); mail_queue itself asks for a run shortly
 * after, which usually is after the caller's commit. */
void mail_kick(void);

/* --- the pure parts, for tests ------------------------------------------ */

#define MAIL_MAX_ATTEMPTS 8
/* Seconds to wait after a mail's attempts-th failed try (1 → 30 s, 2 → 2
 * min, 3 → 10 min, 4 → 1 h, then 6 h), or -1 when attempts reached
 * MAIL_MAX_ATTEMPTS and the mail is given up. */
long long mail_backoff_seconds(int attempts);
/* 1 for an address mail_queue accepts. */
bool mail_address_valid(const char *addr);
/* Appends text as RFC 2047 encoded words (=?UTF-8?B?…?=), each at most 75
 * characters and never splitting a UTF-8 character, joined by CRLF + space
 * (header folding). CR and LF in text become spaces. */
void mail_encode_header(const char *text, struct buf *out);

struct mail_message {
	const char *from;	/* "addr" or "Name <addr>" */
	const char *to;		/* addr */
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8 text; line ends become CRLF */
	long long date;		/* UTC seconds; shown in +0700 */
	const char *message_id; /* without the angle brackets */
};
/* The whole RFC 5322 message — From, To, Subject (RFC 2047), Date,
 * Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding base64, Auto-Submitted — with CRLF line ends,
 * appended to out. Fails (500) when from or to is not an address. */
int mail_format(const struct mail_message *m, struct buf *out, struct err *e);

#endif
