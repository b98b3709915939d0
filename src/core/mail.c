/* mail: the outbox and its sender. Mail is a row in the outbox table before
 * it is anything else, written in the same transaction as the business
 * change it reports, so a rolled-back request never sends a mail and a
 * committed one never loses it (X-6). Sending happens later, in the jobs
 * thread, never inside a request: an SMTP server that is slow or down must
 * not hold up a page or a database lock.
 *
 * Several instances may run the job at once on one PostgreSQL database. A
 * mail is therefore claimed before it is sent: an UPDATE that sets
 * claimed_until to a minute ahead only where the claim has run out, and only
 * the instance whose UPDATE changed the row sends it. libcurl's total
 * timeout (30 s) is well inside that minute, so a claim never runs out
 * while its mail is still being sent. A mail the server refused or could
 * not take is tried again after a back-off that grows from 30 seconds to 6
 * hours; after MAIL_MAX_ATTEMPTS tries it is 'failed' and stays in the
 * table with the last error, for an operator to see. Delivery is at least
 * once: if the connection drops after the server took the message but
 * before it said so, the mail is sent again with the same Message-ID, which
 * mail clients use to show it once.
 *
 * The message is text/plain in UTF-8 with a base64 body and an RFC 2047
 * subject, so Thai arrives intact through any relay, 8-bit clean or not,
 * and CR/LF in a subject can never start a header of its own. */
#include "core/mail.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/db.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/thai.h"

/* How long one claim lasts, and libcurl's limits that keep a send inside
 * it. */
#define CLAIM_SECONDS 60
#define SMTP_CONNECT_TIMEOUT 10L
#define SMTP_TOTAL_TIMEOUT 30L
/* Mails read per query (the LIMIT of sql_due); the job loops until no
 * more are due. */
#define SEND_BATCH 50
/* mail_queue asks the job to run this much later: long enough that the
 * caller's transaction has usually committed (a request's takes a few
 * milliseconds), short enough that a person waiting for the mail does not
 * notice. A mail whose transaction took longer goes out on the job's next
 * regular turn. */
#define KICK_DELAY_MS 300
/* Limits that catch a module's mistake, not a user's input. */
#define SUBJECT_MAX 1000
/* The sender's name in bytes (70 Thai characters): one encoded word of it
 * still fits a header line comfortably. */
#define FROM_NAME_MAX 210
#define BODY_MAX (1024 * 1024)

static char *cfg_smtp_url;
static bool cfg_smtp_auth;  /* the URL carries user:password */
static char *cfg_from_addr; /* the envelope sender */
static char *cfg_from;	    /* "Name <addr>", as mail_format takes it */
static char *cfg_base_url;
static bool curl_ready;

/* --- pure parts ---------------------------------------------------------- */

long long mail_backoff_seconds(int attempts)
{
	static const long long steps[] = {30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60};
	if (attempts >= MAIL_MAX_ATTEMPTS)
		return -1;
	if (attempts < 1)
		attempts = 1;
	int n = (int)(sizeof steps / sizeof steps[0]);
	return steps[attempts <= n ? attempts - 1 : n - 1];
}

bool mail_address_valid(const char *s)
{
	if (!s)
		return false;
	const char *at = strchr(s, '@');
	size_t len = strlen(s);
	if (!at || at == s || strchr(at + 1, '@') || len > 254 || at - s > 64)
		return false;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return false;
	/* Printable ASCII without the characters that would end the address
	 * in a header or an SMTP command: the outbox has no SMTPUTF8. */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>\"',;:()[]\\", *p))
			return false;
	return strstr(s, "..") == NULL && at[1] != '-' && s[len - 1] != '.';
}

static void add_base64(struct buf *out, const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	buf_grow(out, cap);
	sodium_bin2base64(out->data + out->len, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	out->len += cap - 1;
}

/* Length of the UTF-8 character starting at p (1 for a stray byte, so
 * that broken text still moves forward). */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 1;
	return n <= left ? n : left;
}

/* One encoded word holding n bytes of s, CR and LF turned into spaces. */
static void add_encoded_word(struct buf *out, const char *s, size_t n)
{
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addc(&clean, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
	buf_adds(out, "=?UTF-8?B?");
	add_base64(out, (const unsigned char *)buf_cstr(&clean), clean.len);
	buf_adds(out, "?=");
	buf_release(&clean);
}

void mail_encode_header(const char *text, struct buf *out)
{
	/* 42 bytes make 56 base64 characters, so an encoded word is 68 long
	 * and "Subject: " plus the first word stays within 78 characters. */
	enum { WORD_BYTES = 42 };
	struct buf clean = BUF_INIT;
	for (const char *p = text ? text : ""; *p; p++)
		buf_addc(&clean, *p == '\r' || *p == '\n' ? ' ' : *p);
	const unsigned char *s = (const unsigned char *)buf_cstr(&clean);
	size_t len = clean.len, i = 0;
	bool first = true;
	do {
		size_t n = 0;
		while (i + n < len) {
			size_t c = utf8_len(s + i + n, len - i - n);
			if (n + c > WORD_BYTES)
				break;
			n += c;
		}
		if (!first)
			buf_adds(out, "\r\n ");
		add_encoded_word(out, (const char *)s + i, n);
		i += n;
		first = false;
	} while (i < len);
	buf_release(&clean);
}

/* The address inside "Name <addr>", or the whole of a bare address, in
 * addr; the name, without quotes and outer spaces, in name. */
static void split_from(const char *from, struct buf *name, struct buf *addr)
{
	const char *lt = strrchr(from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	if (!lt || !gt) {
		buf_adds(addr, from);
		return;
	}
	buf_add(addr, lt + 1, (size_t)(gt - lt - 1));
	const char *a = from, *b = lt;
	while (a < b && (*a == ' ' || *a == '"'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '"'))
		b--;
	buf_add(name, a, (size_t)(b - a));
}

/* "Name <addr>" for a header: the name as it is when it is plain ASCII
 * words, else encoded, so that neither Thai nor a quote can break it.
 * Encoded as one word even past RFC 2047's 75 characters: in a name (a
 * phrase), Python's e-mail parser and others read the fold between two
 * encoded words as a space, which would split a Thai word in two, while
 * readers take a long word without complaint. mail_configure keeps names
 * short enough to stay far from the 998-character line limit. */
static void add_from_header(struct buf *out, const char *name, const char *addr)
{
	if (*name) {
		bool plain = true;
		for (const char *p = name; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == ' ' || *p == '.' || *p == '-'))
				plain = false;
		if (plain)
			buf_adds(out, name);
		else
			add_encoded_word(out, name, strlen(name));
		buf_addc(out, ' ');
	}
	buf_addf(out, "<%s>", addr);
}

static void add_date(struct buf *out, long long t)
{
	static const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, mo, d, h, mi, s, wd;
	thai_local(t, &y, &mo, &d, &h, &mi, &s, &wd);
	buf_addf(out, "%s, %02d %s %04d %02d:%02d:%02d +0700", days[wd], d, months[mo - 1], y, h, mi, s);
}

int mail_format(const struct mail_message *m, struct buf *out, struct err *e)
{
	struct buf name = BUF_INIT, addr = BUF_INIT;
	split_from(m->from ? m->from : "", &name, &addr);
	if (!mail_address_valid(buf_cstr(&addr)) || !mail_address_valid(m->to)) {
		buf_release(&name);
		buf_release(&addr);
		return err_set(e, 500, "mail: bad sender or recipient address");
	}
	buf_adds(out, "From: ");
	add_from_header(out, buf_cstr(&name), buf_cstr(&addr));
	buf_addf(out, "\r\nTo: <%s>\r\nSubject: ", m->to);
	mail_encode_header(m->subject, out);
	buf_adds(out, "\r\nDate: ");
	add_date(out, m->date);
	/* The id comes from our own row id and domain; angle brackets or line
	 * ends in it would be a bug, not input. */
	buf_addf(out, "\r\nMessage-ID: <%s>\r\n", m->message_id ? m->message_id : "");
	buf_adds(out, "MIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n"
		      /* RFC 3834: no vacation replies to a system's mail. */
		      "Auto-Submitted: auto-generated\r\n"
		      "\r\n");
	buf_release(&name);
	buf_release(&addr);

	/* RFC 2045: text is encoded in its canonical form, lines ending in
	 * CRLF, whatever the template used. */
	struct buf crlf = BUF_INIT;
	for (const char *p = m->body ? m->body : ""; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\r' || *p == '\n')
			buf_adds(&crlf, "\r\n");
		else
			buf_addc(&crlf, *p);
	}
	/* 57 bytes make a 76-character line, the most RFC 2045 allows. */
	for (size_t i = 0; i < crlf.len; i += 57) {
		size_t n = crlf.len - i < 57 ? crlf.len - i : 57;
		add_base64(out, (const unsigned char *)crlf.data + i, n);
		buf_adds(out, "\r\n");
	}
	buf_release(&crlf);
	return 0;
}

/* --- settings ------------------------------------------------------------ */

/* The host of a URL if it is a domain name a mail address can carry (not
 * an IP address or a single label such as localhost), else NULL. */
static char *url_mail_domain(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p += 3;
	size_t n = strcspn(p, ":/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	bool dot = false, letter = false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '.')
			dot = true;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letter = true;
		else if (!(c >= '0' && c <= '9') && c != '-')
			return NULL;
	}
	return dot && letter ? xstrndup(p, n) : NULL;
}

void mail_configure(const char *smtp_url, const char *from, const char *base_url)
{
	mail_shutdown();
	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = true;
	}
	if (sodium_init() < 0)
		log_error("mail: libsodium failed to start");
	if (smtp_url && *smtp_url) {
		cfg_smtp_url = xstrdup(smtp_url);
		if (strncasecmp(smtp_url, "smtp://", 7) && strncasecmp(smtp_url, "smtps://", 8))
			log_error("mail: the SMTP URL must start with smtp:// or smtps://; mail will not be sent");
		const char *host = strstr(smtp_url, "://");
		host = host ? host + 3 : smtp_url;
		const char *at = strchr(host, '@');
		cfg_smtp_auth = at && at < host + strcspn(host, "/?#");
	}
	if (base_url && *base_url) {
		size_t n = strlen(base_url);
		while (n && base_url[n - 1] == '/')
			n--;
		cfg_base_url = xstrndup(base_url, n);
	}

	struct buf name = BUF_INIT, addr = BUF_INIT;
	if (from && *from) {
		split_from(from, &name, &addr);
		if (!mail_address_valid(buf_cstr(&addr))) {
			log_error("mail: the sender address %s is not valid; using the default", from);
			buf_reset(&name);
			buf_reset(&addr);
		}
	}
	if (!addr.len) {
		char *domain = url_mail_domain(base_url);
		/* localhost.localdomain only so that the address is well formed:
		 * a real relay wants a real domain, hence the warning. */
		buf_addf(&addr, "no-reply@%s", domain ? domain : "localhost.localdomain");
		if (!domain && cfg_smtp_url)
			log_error("mail: no sender domain; set --base-url to the public https:// address so that mail "
				  "comes from no-reply@ its host");
		free(domain);
	}
	if (!name.len)
		buf_adds(&name, "Khet");
	if (name.len > FROM_NAME_MAX) {
		size_t n = 0;
		while (n + utf8_len((const unsigned char *)name.data + n, name.len - n) <= FROM_NAME_MAX)
			n += utf8_len((const unsigned char *)name.data + n, name.len - n);
		name.len = n;
		name.data[n] = 0;
		log_error("mail: the sender name is cut to %d bytes", FROM_NAME_MAX);
	}
	struct buf full = BUF_INIT;
	buf_addf(&full, "%s <%s>", buf_cstr(&name), buf_cstr(&addr));
	cfg_from_addr = buf_detach(&addr, NULL);
	cfg_from = buf_detach(&full, NULL);
	buf_release(&name);
}

void mail_shutdown(void)
{
	free(cfg_smtp_url);
	free(cfg_from_addr);
	free(cfg_from);
	free(cfg_base_url);
	cfg_smtp_url = cfg_from_addr = cfg_from = cfg_base_url = NULL;
	cfg_smtp_auth = false;
}

bool mail_smtp_configured(void)
{
	return cfg_smtp_url != NULL;
}

const char *mail_base_url(void)
{
	return cfg_base_url ? cfg_base_url : "";
}

/* --- queue --------------------------------------------------------------- */

static const char sql_insert[] =
    "INSERT INTO outbox (to_addr, subject, body, status, attempts, next_attempt_at, claimed_until, "
    "last_error, created_at) VALUES ($1, $2, $3, 'queued', 0, $4, 0, '', $4)";

int mail_queue(struct db *db, const char *to, const char *subject, const char *text_body, struct err *e)
{
	if (!mail_address_valid(to))
		return err_set(e, 400, "ที่อยู่อีเมลผู้รับไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: name@example.com");
	if (!subject || !*subject || strlen(subject) > SUBJECT_MAX || !thai_utf8_valid(subject, strlen(subject)))
		return err_set(e, 500, "mail: the subject is empty, too long or not UTF-8 text");
	if (!text_body || strlen(text_body) > BODY_MAX || !thai_utf8_valid(text_body, strlen(text_body)))
		return err_set(e, 500, "mail: the body is missing, too long or not UTF-8 text");
	long long now = (long long)time(NULL);
	if (db_exec(db, sql_insert, DB_ARGS(DB_TEXT(to), DB_TEXT(subject), DB_TEXT(text_body), DB_INT(now)), e) < 0)
		return -1;
	/* Not mail_kick: the caller has not committed yet, and a job that runs
	 * now would not see the row. */
	jobs_kick("mail", KICK_DELAY_MS);
	return 0;
}

void mail_kick(void)
{
	jobs_kick("mail", 0);
}

/* --- sending ------------------------------------------------------------- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_message(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Lets a shutdown cut a slow send short instead of waiting out the
 * timeout. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)ud, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return jobs_stopping() ? 1 : 0;
}

enum send_result { SENT, FAILED, CANCELLED };

/* Sends one formatted message; on failure why holds libcurl's reason and
 * the server's last reply code. */
static enum send_result smtp_send(const char *to, const struct buf *msg, struct buf *why)
{
	CURL *c = curl_easy_init();
	if (!c) {
		buf_adds(why, "curl_easy_init failed");
		return FAILED;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	struct buf from = BUF_INIT, rcpt_addr = BUF_INIT;
	buf_addf(&from, "<%s>", cfg_from_addr);
	buf_addf(&rcpt_addr, "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, buf_cstr(&rcpt_addr));
	struct upload up = {msg->data, msg->len};
	curl_easy_setopt(c, CURLOPT_URL, cfg_smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, buf_cstr(&from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	/* libcurl must not use signals for its timeouts in a threaded program. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SMTP_TOTAL_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (cfg_smtp_auth)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	enum send_result res = rc == CURLE_OK ? SENT : rc == CURLE_ABORTED_BY_CALLBACK ? CANCELLED : FAILED;
	if (res != SENT) {
		buf_addf(why, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		if (code)
			buf_addf(why, " (SMTP %ld)", code);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_release(&from);
	buf_release(&rcpt_addr);
	return res;
}

static const char sql_any_queued[] = "SELECT id FROM outbox WHERE status = 'queued' LIMIT 1";
static const char sql_dev[] = "UPDATE outbox SET status = 'dev' WHERE status = 'queued'";
static const char sql_due[] = "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 "
			      "AND claimed_until < $1 ORDER BY next_attempt_at, id LIMIT 50";
static const char sql_claim[] =
    "UPDATE outbox SET claimed_until = $2 WHERE id = $1 AND status = 'queued' AND claimed_until < $3";
static const char sql_one[] = "SELECT to_addr, subject, body, attempts, created_at FROM outbox WHERE id = $1";
static const char sql_sent[] =
    "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_until = 0, last_error = '' WHERE id = $1";
static const char sql_retry[] = "UPDATE outbox SET attempts = $2, status = $3, next_attempt_at = $4, "
				"last_error = $5, claimed_until = 0 WHERE id = $1";
static const char sql_release[] = "UPDATE outbox SET claimed_until = 0 WHERE id = $1";

/* This process's sending since start, for /metrics. */
static atomic_ullong n_sent, n_tries_failed, n_given_up;

/* Sends one claimed mail and stores the outcome. Returns 1 sent, 0 not,
 * -1 when the database failed. */
static int send_one(struct db *db, long long id, struct err *e)
{
	struct db_res *r;
	if (db_query(db, sql_one, DB_ARGS(DB_INT(id)), &r, e) < 0)
		return -1;
	int row = db_next(r, e);
	if (row <= 0) {
		db_res_free(r);
		return row < 0 ? -1 : 0;
	}
	char *to = xstrdup(db_text(r, 0));
	char *subject = xstrdup(db_text(r, 1));
	char *body = xstrdup(db_text(r, 2));
	long long attempts = db_int(r, 3);
	long long created = db_int(r, 4);
	db_res_free(r);

	struct buf msg = BUF_INIT, why = BUF_INIT, msgid = BUF_INIT;
	const char *domain = strchr(cfg_from_addr, '@') + 1;
	buf_addf(&msgid, "khet.%lld.%lld@%s", id, created, domain);
	struct mail_message m = {cfg_from, to, subject, body, (long long)time(NULL), buf_cstr(&msgid)};
	struct err fe = ERR_INIT;
	enum send_result res;
	if (mail_format(&m, &msg, &fe) < 0) {
		/* Only an address that slipped past mail_queue gets here; retrying
		 * will not mend it, but the schedule ends it like any failure. */
		buf_adds(&why, fe.msg);
		res = FAILED;
	} else {
		res = smtp_send(to, &msg, &why);
	}
	long long now = (long long)time(NULL);
	int rc = 0;
	if (res == SENT) {
		rc = db_exec(db, sql_sent, DB_ARGS(DB_INT(id), DB_INT(now)), e) < 0 ? -1 : 1;
		atomic_fetch_add(&n_sent, 1);
		log_info("mail: #%lld sent", id);
	} else if (res == CANCELLED) {
		/* Shutting down: not the mail's fault, so no attempt is counted;
		 * another instance (or this one, restarted) takes it up. */
		rc = db_exec(db, sql_release, DB_ARGS(DB_INT(id)), e) < 0 ? -1 : 0;
	} else {
		int tries = (int)attempts + 1;
		long long wait = mail_backoff_seconds(tries);
		const char *status = wait < 0 ? "failed" : "queued";
		long long next = wait < 0 ? now : now + wait;
		struct db_val v[] = {DB_INT(id), DB_INT(tries), DB_TEXT(status), DB_INT(next), DB_TEXT(buf_cstr(&why))};
		if (db_exec(db, sql_retry, v, 5, e) < 0)
			rc = -1;
		atomic_fetch_add(&n_tries_failed, 1);
		if (wait < 0)
			atomic_fetch_add(&n_given_up, 1);
		if (wait < 0)
			log_error("mail: #%lld failed for good after %d tries: %s", id, tries, buf_cstr(&why));
		else
			log_error("mail: #%lld not sent (try %d): %s; next try in %lld s", id, tries, buf_cstr(&why),
				  wait);
	}
	buf_release(&msg);
	buf_release(&why);
	buf_release(&msgid);
	free(to);
	free(subject);
	free(body);
	return rc;
}

int mail_metrics_write(struct db *db, struct buf *out, struct err *e)
{
	/* both counts are ranges of the outbox_due index (status first) */
	long long queued = 0, failed = 0, oldest = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM outbox WHERE status = 'queued'", NULL, 0, &queued, e) < 0 ||
	    db_int_value(db, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'", NULL, 0, &failed, e) < 0 ||
	    db_int_value(db, "SELECT COALESCE(MIN(created_at), 0) FROM outbox WHERE status = 'queued'", NULL, 0,
			 &oldest, e) < 0)
		return -1;
	long long age = oldest > 0 ? (long long)time(NULL) - oldest : 0;
	buf_addf(out,
		 "# HELP khet_mail_outbox_queued Mail waiting to be sent (the backlog).\n"
		 "# TYPE khet_mail_outbox_queued gauge\nkhet_mail_outbox_queued %lld\n"
		 "# HELP khet_mail_outbox_failed Mail given up after the last try (last_error says why).\n"
		 "# TYPE khet_mail_outbox_failed gauge\nkhet_mail_outbox_failed %lld\n"
		 "# HELP khet_mail_outbox_oldest_queued_seconds Age of the oldest mail waiting, 0 when none.\n"
		 "# TYPE khet_mail_outbox_oldest_queued_seconds gauge\nkhet_mail_outbox_oldest_queued_seconds %lld\n"
		 "# HELP khet_mail_sent_total Mail this process sent.\n"
		 "# TYPE khet_mail_sent_total counter\nkhet_mail_sent_total %llu\n"
		 "# HELP khet_mail_send_failures_total Tries of this process that failed (each is retried later or "
		 "given up).\n"
		 "# TYPE khet_mail_send_failures_total counter\nkhet_mail_send_failures_total %llu\n"
		 "# HELP khet_mail_given_up_total Mail this process gave up on.\n"
		 "# TYPE khet_mail_given_up_total counter\nkhet_mail_given_up_total %llu\n",
		 queued, failed, age > 0 ? age : 0, atomic_load(&n_sent), atomic_load(&n_tries_failed),
		 atomic_load(&n_given_up));
	return 0;
}

int mail_send_due(struct db *db, struct err *e)
{
	if (!cfg_smtp_url) {
		/* Development: nothing leaves the machine; the dev mailbox shows
		 * the mail instead. */
		long long n = 0;
		/* Read first: the UPDATE would take SQLite's write lock every
		 * turn even when there is nothing to change. */
		int any = db_int_value(db, sql_any_queued, NULL, 0, &n, e);
		if (any <= 0)
			return any;
		n = db_exec(db, sql_dev, NULL, 0, e);
		if (n > 0)
			log_info("mail: %lld mail%s kept in the development mailbox (/dev/mailbox)", n,
				 n == 1 ? "" : "s");
		return n < 0 ? -1 : 0;
	}
	int sent = 0;
	for (;;) {
		long long now = (long long)time(NULL);
		long long ids[SEND_BATCH];
		int n = 0;
		struct db_res *r;
		if (db_query(db, sql_due, DB_ARGS(DB_INT(now)), &r, e) < 0)
			return -1;
		int row = 0;
		while (n < SEND_BATCH && (row = db_next(r, e)) > 0)
			ids[n++] = db_int(r, 0);
		db_res_free(r);
		if (row < 0)
			return -1;
		for (int i = 0; i < n && !jobs_stopping(); i++) {
			/* now is taken afresh: the sends before this one took time. */
			now = (long long)time(NULL);
			long long got = db_exec(db, sql_claim,
						DB_ARGS(DB_INT(ids[i]), DB_INT(now + CLAIM_SECONDS), DB_INT(now)), e);
			if (got < 0)
				return -1;
			if (got == 0)
				continue; /* another instance has it */
			int rc = send_one(db, ids[i], e);
			if (rc < 0)
				return -1;
			sent += rc;
		}
		if (n < SEND_BATCH || jobs_stopping())
			return sent;
	}
}
