/* test_mail: the outbox, the SMTP sender and the jobs runner (src/core/
 * mail.c, jobs.c). The pure parts (back-off, address check, RFC 2047
 * subject, the whole message) are tested as functions. The outbox is tested
 * on SQLite and, when KHET_TEST_PG holds a postgres:// URL, on PostgreSQL in
 * a schema of its own. Sending is tested against real SMTP: a port nobody
 * listens on (the mail must be kept and tried again later) and Debian's
 * aiosmtpd, started here with /usr/bin/python3 on a free loopback port,
 * which writes every message it receives as one JSON line with the subject
 * and text already decoded — so the test sees what a mail client would. */
#include "unit.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/jobs.h"
#include "core/mail.h"
#include "core/num.h"
#include "core/thai.h"

extern char **environ;

static const char thai_subject[] = "ยืนยันการสมัครสมาชิก ระบบสำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1";
static const char thai_body[] = "เรียน คุณสมศรี ใจดี\n\nกรุณายืนยันอีเมลของท่านที่ลิงก์นี้:\n"
				"https://khet.example.go.th/verify?t=abc123\n\nขอบคุณครับ\n";

/* --- a real SMTP server ------------------------------------------------- */

/* Listens on a free loopback port, prints it, then prints one JSON line per
 * message received and exits when its stdin closes. */
static const char smtp_script[] =
    "import asyncio, json, sys, email, email.policy, signal\n"
    "from aiosmtpd.smtp import SMTP\n"
    "class H:\n"
    "    async def handle_DATA(self, server, session, envelope):\n"
    "        m = email.message_from_bytes(envelope.content, policy=email.policy.default)\n"
    "        part = m.get_body(('plain',))\n"
    "        text = part.get_content() if part is not None else ''\n"
    "        rec = {'from': envelope.mail_from, 'to': list(envelope.rcpt_tos),\n"
    "               'subject': str(m.get('subject', '')), 'text': text.replace('\\r\\n', '\\n'),\n"
    "               'headers': {k.lower(): str(v) for k, v in m.items()},\n"
    "               'raw': envelope.content.decode('utf-8', 'replace'), 'defects': len(m.defects)}\n"
    "        sys.stdout.write(json.dumps(rec) + '\\n'); sys.stdout.flush()\n"
    "        return '250 Message accepted'\n"
    "async def main():\n"
    "    loop = asyncio.get_running_loop()\n"
    "    srv = await loop.create_server(lambda: SMTP(H(), hostname='khet-test'), '127.0.0.1', 0)\n"
    "    print(srv.sockets[0].getsockname()[1], flush=True)\n"
    "    stop = loop.create_future()\n"
    "    def on_stdin():\n"
    "        if not sys.stdin.buffer.read1(4096) and not stop.done(): stop.set_result(None)\n"
    "    loop.add_reader(sys.stdin.fileno(), on_stdin)\n"
    "    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))\n"
    "    await stop\n"
    "asyncio.run(main())\n";

struct smtp_server {
	pid_t pid;
	int in_fd, out_fd;
	int port;
	struct buf pending;
	char url[64];
};

/* The next line the server printed, or NULL after timeout_ms. */
static char *smtp_line(struct smtp_server *s, int timeout_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char *nl = s->pending.len ? memchr(s->pending.data, '\n', s->pending.len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - s->pending.data);
			char *line = xstrndup(s->pending.data, n);
			memmove(s->pending.data, nl + 1, s->pending.len - n - 1);
			s->pending.len -= n + 1;
			return line;
		}
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long long left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000LL + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return NULL;
		struct pollfd p = {s->out_fd, POLLIN, 0};
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		char chunk[4096];
		ssize_t got = read(s->out_fd, chunk, sizeof chunk);
		if (got <= 0)
			return NULL;
		buf_add(&s->pending, chunk, (size_t)got);
	}
}

static void smtp_start(struct smtp_server *s)
{
	memset(s, 0, sizeof *s);
	int in[2], out[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	/* Debian's python3 has python3-aiosmtpd; the one first on PATH may not. */
	char *argv[] = {"/usr/bin/python3", "-c", (char *)smtp_script, NULL};
	int rc = posix_spawn(&s->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0)
		fail_msg("cannot run /usr/bin/python3 for the test SMTP server");
	s->in_fd = in[1];
	s->out_fd = out[0];
	char *line = smtp_line(s, 15000);
	if (!line)
		fail_msg("the test SMTP server did not start (is python3-aiosmtpd installed?)");
	long long port = 0;
	num_parse_ll(line, 1, 65535, &port); /* 0 (refused below) when not a port */
	s->port = (int)port;
	free(line);
	assert_true(s->port > 0);
	snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%d", s->port);
}

/* The next message the server received, or NULL after timeout_ms. */
static json_t *smtp_message(struct smtp_server *s, int timeout_ms)
{
	char *line = smtp_line(s, timeout_ms);
	if (!line)
		return NULL;
	json_error_t je;
	json_t *m = json_loads(line, 0, &je);
	if (!m)
		fail_msg("bad line from the SMTP server: %s", line);
	free(line);
	return m;
}

static void smtp_stop(struct smtp_server *s)
{
	close(s->in_fd);
	kill(s->pid, SIGTERM);
	int st;
	waitpid(s->pid, &st, 0);
	close(s->out_fd);
	buf_release(&s->pending);
}

/* A loopback port with nothing listening: bound (so nobody else takes it
 * while the test runs) but never listen()ed, so a connection is refused. */
static int closed_port(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* --- pure parts ----------------------------------------------------------- */

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(mail_backoff_seconds(1), 30);
	assert_int_equal(mail_backoff_seconds(2), 120);
	assert_int_equal(mail_backoff_seconds(3), 600);
	assert_int_equal(mail_backoff_seconds(4), 3600);
	assert_int_equal(mail_backoff_seconds(5), 6 * 3600);
	assert_int_equal(mail_backoff_seconds(7), 6 * 3600);
	/* The eighth failed try is the last. */
	assert_int_equal(MAIL_MAX_ATTEMPTS, 8);
	assert_int_equal(mail_backoff_seconds(8), -1);
	assert_int_equal(mail_backoff_seconds(9), -1);
	/* Never shorter than the previous wait. */
	for (int i = 2; i < MAIL_MAX_ATTEMPTS; i++)
		assert_true(mail_backoff_seconds(i) >= mail_backoff_seconds(i - 1));
}

static void test_address_valid(void **state)
{
	(void)state;
	assert_true(mail_address_valid("somsri@example.go.th"));
	assert_true(mail_address_valid("a.b+tag@school-1.ac.th"));
	assert_false(mail_address_valid(NULL));
	assert_false(mail_address_valid(""));
	assert_false(mail_address_valid("no-at.example.com"));
	assert_false(mail_address_valid("two@@example.com"));
	assert_false(mail_address_valid("@example.com"));
	assert_false(mail_address_valid("a@localhost"));
	assert_false(mail_address_valid("a@example..com"));
	/* Anything that could end the address in a header or SMTP command. */
	assert_false(mail_address_valid("a@example.com\r\nBcc: x@evil.com"));
	assert_false(mail_address_valid("a@example.com>"));
	assert_false(mail_address_valid("a b@example.com"));
	assert_false(mail_address_valid("Name <a@example.com>"));
	assert_false(mail_address_valid("สมศรี@example.com"));
}

/* Decodes a folded run of =?UTF-8?B?…?= words back to text, checking each
 * word's length and that no word splits a UTF-8 character. */
static void decode_words(const char *enc, struct buf *out)
{
	const char *p = enc;
	for (;;) {
		assert_memory_equal(p, "=?UTF-8?B?", 10);
		const char *end = strstr(p + 10, "?=");
		assert_non_null(end);
		size_t wlen = (size_t)(end + 2 - p);
		assert_true(wlen <= 75);
		unsigned char bin[128];
		size_t n = 0;
		assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - p - 10), NULL, &n, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		assert_true(thai_utf8_valid((const char *)bin, n));
		buf_add(out, bin, n);
		p = end + 2;
		if (!*p)
			break;
		assert_memory_equal(p, "\r\n ", 3);
		p += 3;
	}
}

static void test_encode_header_thai(void **state)
{
	(void)state;
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	mail_encode_header(thai_subject, &enc);
	/* Long Thai text needs several words, all within the limits. */
	assert_non_null(strstr(buf_cstr(&enc), "\r\n "));
	decode_words(buf_cstr(&enc), &dec);
	assert_string_equal(buf_cstr(&dec), thai_subject);
	for (const char *p = buf_cstr(&enc); *p; p++)
		assert_true((unsigned char)*p < 0x80);

	/* A short one is one word: "สวัสดี" is 18 bytes. */
	buf_reset(&enc);
	mail_encode_header("สวัสดี", &enc);
	assert_string_equal(buf_cstr(&enc), "=?UTF-8?B?4Liq4Lin4Lix4Liq4LiU4Li1?=");

	/* Line ends in a subject cannot start a header of their own. */
	buf_reset(&enc);
	buf_reset(&dec);
	mail_encode_header("hello\r\nBcc: x@evil.com", &enc);
	assert_null(strstr(buf_cstr(&enc), "Bcc"));
	decode_words(buf_cstr(&enc), &dec);
	assert_string_equal(buf_cstr(&dec), "hello  Bcc: x@evil.com");
	buf_release(&enc);
	buf_release(&dec);
}

/* The value of header name (first line only) in a message, or NULL. */
static char *header(const char *msg, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = msg; *p && strncmp(p, "\r\n", 2); p = strstr(p, "\r\n") + 2) {
		if (!strncmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 2;
			return xstrndup(v, strcspn(v, "\r"));
		}
	}
	return NULL;
}

static void test_format_message(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	/* 2024-06-25 06:11:05 UTC is 13:11:05 in Bangkok, a Tuesday. */
	struct mail_message m = {
	    "ระบบ Khet <no-reply@khet.example.go.th>", "somsri@example.com", thai_subject, thai_body, 1719295865,
	    "khet.7.1719295865@khet.example.go.th"};
	assert_int_equal(mail_format(&m, &out, &e), 0);
	const char *msg = buf_cstr(&out);

	char *h = header(msg, "From");
	assert_non_null(h);
	assert_memory_equal(h, "=?UTF-8?B?", 10);
	assert_non_null(strstr(h, "?= <no-reply@khet.example.go.th>"));
	free(h);
	h = header(msg, "To");
	assert_string_equal(h, "<somsri@example.com>");
	free(h);
	h = header(msg, "Date");
	assert_string_equal(h, "Tue, 25 Jun 2024 13:11:05 +0700");
	free(h);
	h = header(msg, "Message-ID");
	assert_string_equal(h, "<khet.7.1719295865@khet.example.go.th>");
	free(h);
	h = header(msg, "MIME-Version");
	assert_string_equal(h, "1.0");
	free(h);
	h = header(msg, "Content-Type");
	assert_string_equal(h, "text/plain; charset=UTF-8");
	free(h);
	h = header(msg, "Content-Transfer-Encoding");
	assert_string_equal(h, "base64");
	free(h);
	h = header(msg, "Auto-Submitted");
	assert_string_equal(h, "auto-generated");
	free(h);

	/* The subject, folded over several lines, decodes to the Thai text. */
	const char *s = strstr(msg, "\r\nSubject: ") + 11;
	const char *send = strstr(s, "\r\nDate:");
	char *subj = xstrndup(s, (size_t)(send - s));
	struct buf dec = BUF_INIT;
	decode_words(subj, &dec);
	assert_string_equal(buf_cstr(&dec), thai_subject);
	free(subj);

	/* Only ASCII goes on the wire; every line ends in CRLF and stays
	 * within 76 characters in the body. */
	for (const char *p = msg; *p; p++) {
		assert_true((unsigned char)*p < 0x80);
		if (*p == '\n')
			assert_true(p > msg && p[-1] == '\r');
	}
	const char *body = strstr(msg, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	struct buf b64 = BUF_INIT;
	for (const char *p = body; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p <= 76);
		buf_add(&b64, p, (size_t)(eol - p));
		p = eol + 2;
	}
	size_t cap = b64.len, n = 0;
	unsigned char *bin = xmalloc(cap + 1);
	assert_int_equal(sodium_base642bin(bin, cap, b64.data, b64.len, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	bin[n] = 0;
	/* The text in canonical form: the template's LF became CRLF. */
	assert_string_equal((char *)bin, "เรียน คุณสมศรี ใจดี\r\n\r\nกรุณายืนยันอีเมลของท่านที่ลิงก์นี้:\r\n"
					 "https://khet.example.go.th/verify?t=abc123\r\n\r\nขอบคุณครับ\r\n");
	free(bin);
	buf_release(&b64);
	buf_release(&dec);

	/* A plain ASCII sender name is kept as it is. */
	buf_reset(&out);
	m.from = "Khet <no-reply@khet.example.go.th>";
	assert_int_equal(mail_format(&m, &out, &e), 0);
	h = header(buf_cstr(&out), "From");
	assert_string_equal(h, "Khet <no-reply@khet.example.go.th>");
	free(h);

	/* A bad recipient is refused, not written into a header. */
	buf_reset(&out);
	m.to = "x@example.com\r\nBcc: y@evil.com";
	assert_int_equal(mail_format(&m, &out, &e), -1);
	assert_int_equal(e.status, 500);
	buf_release(&out);
}

static void test_configure_defaults(void **state)
{
	(void)state;
	mail_configure(NULL, NULL, "https://khet.example.go.th/");
	assert_false(mail_smtp_configured());
	assert_string_equal(mail_base_url(), "https://khet.example.go.th");
	mail_configure("smtp://127.0.0.1:25", "a@example.com", NULL);
	assert_true(mail_smtp_configured());
	assert_string_equal(mail_base_url(), "");
	mail_configure("", NULL, NULL);
	assert_false(mail_smtp_configured());
}

/* --- the outbox on a real database --------------------------------------- */

#define SCHEMA "khet_unit_mail"
#include "engine.h"

/* teardown_engine, and the mail settings back to their defaults. */
static int teardown(void **state)
{
	int rc = teardown_engine(state);
	mail_configure(NULL, NULL, NULL);
	return rc;
}

/* Each test starts with an empty outbox. */
static struct db *fresh(void **state)
{
	struct db *db = ((struct engine *)*state)->db;
	struct err e = ERR_INIT;
	if (db_exec(db, "DELETE FROM outbox", NULL, 0, &e) < 0)
		fail_msg("DELETE: %s", e.msg);
	return db;
}

static json_t *only_row(struct db *db)
{
	struct err e = ERR_INIT;
	long long n = 0;
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM outbox", NULL, 0, &n, &e), 1);
	assert_int_equal(n, 1);
	json_t *row = db_row_json(db, "SELECT * FROM outbox", NULL, 0, &e);
	assert_non_null(row);
	return row;
}

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void test_queue_row(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	long long t0 = (long long)time(NULL);
	assert_int_equal(mail_queue(db, "somsri@example.com", thai_subject, thai_body, &e), 0);
	json_t *row = only_row(db);
	assert_string_equal(jstr(row, "to_addr"), "somsri@example.com");
	assert_string_equal(jstr(row, "subject"), thai_subject);
	assert_string_equal(jstr(row, "body"), thai_body);
	assert_string_equal(jstr(row, "status"), "queued");
	assert_int_equal(jint(row, "attempts"), 0);
	assert_int_equal(jint(row, "claimed_until"), 0);
	assert_true(jint(row, "created_at") >= t0 && jint(row, "created_at") <= t0 + 5);
	/* Due at once. */
	assert_int_equal(jint(row, "next_attempt_at"), jint(row, "created_at"));
	assert_true(json_is_null(json_object_get(row, "sent_at")));
	json_decref(row);
}

static void test_queue_follows_transaction(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	/* a rolled-back change leaves no mail behind … */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(mail_queue(db, "somsri@example.com", "ทดสอบ", "ข้อความ", &e), 0);
	db_rollback(db);
	long long n = -1;
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM outbox", NULL, 0, &n, &e), 1);
	assert_int_equal(n, 0);
	/* … and a committed one keeps it. */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(mail_queue(db, "somsri@example.com", "ทดสอบ", "ข้อความ", &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	json_decref(only_row(db));
}

static void test_queue_bad_address(void **state)
{
	struct db *db = fresh(state);
	const char *bad[] = {"", "somsri", "somsri@example.com\r\nBcc: x@evil.com", "Somsri <s@example.com>"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct err e = ERR_INIT;
		assert_int_equal(mail_queue(db, bad[i], "ทดสอบ", "ข้อความ", &e), -1);
		assert_int_equal(e.status, 400);
		/* A Thai sentence that says what a right address looks like. */
		assert_non_null(strstr(e.msg, "อีเมล"));
		assert_non_null(strstr(e.msg, "name@example.com"));
	}
	struct err e = ERR_INIT;
	/* Text that is not UTF-8 is a module's bug. */
	assert_int_equal(mail_queue(db, "s@example.com", "ทดสอบ", "\xff\xfe", &e), -1);
	assert_int_equal(e.status, 500);
	long long n = -1;
	assert_int_equal(db_int_value(db, "SELECT COUNT(*) FROM outbox", NULL, 0, &n, &e), 1);
	assert_int_equal(n, 0);
}

static void test_dev_mode_keeps_mail(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	mail_configure(NULL, NULL, NULL);
	assert_int_equal(mail_queue(db, "somsri@example.com", thai_subject, thai_body, &e), 0);
	assert_int_equal(mail_send_due(db, &e), 0);
	json_t *row = only_row(db);
	assert_string_equal(jstr(row, "status"), "dev");
	assert_int_equal(jint(row, "attempts"), 0);
	json_decref(row);
}

static void test_send_to_closed_port_retries(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	int fd;
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", closed_port(&fd));
	mail_configure(url, NULL, "https://khet.example.go.th");
	assert_int_equal(mail_queue(db, "somsri@example.com", thai_subject, thai_body, &e), 0);
	long long t0 = (long long)time(NULL);
	assert_int_equal(mail_send_due(db, &e), 0);
	json_t *row = only_row(db);
	assert_string_equal(jstr(row, "status"), "queued");
	assert_int_equal(jint(row, "attempts"), 1);
	assert_int_equal(jint(row, "claimed_until"), 0);
	assert_true(strlen(jstr(row, "last_error")) > 0);
	/* The first retry is 30 seconds later. */
	long long next = jint(row, "next_attempt_at");
	assert_true(next >= t0 + 30 && next <= t0 + 30 + 10);
	assert_true(json_is_null(json_object_get(row, "sent_at")));
	json_decref(row);

	/* Not due yet: nothing is tried. */
	assert_int_equal(mail_send_due(db, &e), 0);
	row = only_row(db);
	assert_int_equal(jint(row, "attempts"), 1);
	json_decref(row);

	/* The last try fails for good. */
	assert_int_equal(db_exec(db, "UPDATE outbox SET attempts = 7, next_attempt_at = 0", NULL, 0, &e), 1);
	assert_int_equal(mail_send_due(db, &e), 0);
	row = only_row(db);
	assert_string_equal(jstr(row, "status"), "failed");
	assert_int_equal(jint(row, "attempts"), 8);
	json_decref(row);
	/* A failed mail is never picked up again. */
	assert_int_equal(mail_send_due(db, &e), 0);
	row = only_row(db);
	assert_int_equal(jint(row, "attempts"), 8);
	json_decref(row);
	close(fd);
	mail_configure(NULL, NULL, NULL);
}

static void test_send_thai_over_smtp(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	struct smtp_server s;
	smtp_start(&s);
	mail_configure(s.url, "สพป.เชียงใหม่ เขต 1 <no-reply@khet.example.go.th>", "https://khet.example.go.th");
	assert_int_equal(mail_queue(db, "somsri@example.com", thai_subject, thai_body, &e), 0);
	assert_int_equal(mail_queue(db, "somchai@example.com", "แจ้งเตือน", "ข้อความที่สอง", &e), 0);
	assert_int_equal(mail_send_due(db, &e), 2);

	json_t *m = smtp_message(&s, 10000);
	assert_non_null(m);
	assert_string_equal(jstr(m, "from"), "no-reply@khet.example.go.th");
	json_t *to = json_object_get(m, "to");
	assert_int_equal(json_array_size(to), 1);
	assert_string_equal(json_string_value(json_array_get(to, 0)), "somsri@example.com");
	assert_string_equal(jstr(m, "subject"), thai_subject);
	assert_string_equal(jstr(m, "text"), thai_body);
	assert_int_equal(json_integer_value(json_object_get(m, "defects")), 0);
	json_t *h = json_object_get(m, "headers");
	/* Python quotes the name because of its ".". */
	assert_string_equal(jstr(h, "from"), "\"สพป.เชียงใหม่ เขต 1\" <no-reply@khet.example.go.th>");
	assert_string_equal(jstr(h, "to"), "somsri@example.com");
	assert_non_null(strstr(jstr(h, "message-id"), "@khet.example.go.th>"));
	assert_true(strlen(jstr(h, "date")) > 0);
	assert_string_equal(jstr(h, "content-transfer-encoding"), "base64");
	json_decref(m);

	m = smtp_message(&s, 10000);
	assert_non_null(m);
	assert_string_equal(jstr(m, "subject"), "แจ้งเตือน");
	assert_string_equal(jstr(m, "text"), "ข้อความที่สอง");
	json_decref(m);

	long long n = -1;
	assert_int_equal(db_int_value(db,
				      "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND sent_at IS NOT NULL "
				      "AND attempts = 0 AND claimed_until = 0",
				      NULL, 0, &n, &e),
			 1);
	assert_int_equal(n, 2);
	/* Sent mail is never sent again. */
	assert_int_equal(mail_send_due(db, &e), 0);
	assert_null(smtp_message(&s, 300));
	smtp_stop(&s);
	mail_configure(NULL, NULL, NULL);
}

static void test_claimed_mail_is_left_alone(void **state)
{
	struct db *db = fresh(state);
	struct err e = ERR_INIT;
	struct smtp_server s;
	smtp_start(&s);
	mail_configure(s.url, NULL, "https://khet.example.go.th");
	assert_int_equal(mail_queue(db, "somsri@example.com", "ทดสอบ", "ข้อความ", &e), 0);
	/* Another instance holds the claim: this one must not send it. */
	long long until = (long long)time(NULL) + 60;
	assert_int_equal(db_exec(db, "UPDATE outbox SET claimed_until = $1", DB_ARGS(DB_INT(until)), &e), 1);
	assert_int_equal(mail_send_due(db, &e), 0);
	assert_null(smtp_message(&s, 300));
	/* Once the claim has run out (that instance died), it is sent. */
	assert_int_equal(db_exec(db, "UPDATE outbox SET claimed_until = $1", DB_ARGS(DB_INT(until - 120)), &e), 1);
	assert_int_equal(mail_send_due(db, &e), 1);
	json_t *m = smtp_message(&s, 10000);
	assert_non_null(m);
	assert_string_equal(jstr(m, "subject"), "ทดสอบ");
	json_decref(m);
	smtp_stop(&s);
	mail_configure(NULL, NULL, NULL);
}

/* --- the jobs runner ------------------------------------------------------ */

static atomic_int count_runs, failing_runs;

static int count_job(struct db *db, struct err *e)
{
	(void)db, (void)e;
	atomic_fetch_add(&count_runs, 1);
	return 0;
}

static int failing_job(struct db *db, struct err *e)
{
	(void)db;
	atomic_fetch_add(&failing_runs, 1);
	return err_set(e, 500, "this job always fails");
}

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits up to 10 s for *v to reach at least want. */
static bool wait_for(atomic_int *v, int want)
{
	for (long long end = mono_ms() + 10000; mono_ms() < end; usleep(5000))
		if (atomic_load(v) >= want)
			return true;
	return false;
}

static void test_jobs_run_kick_stop(void **state)
{
	struct engine *en = *state;
	struct err e = ERR_INIT;
	char url[100]; /* the job runner opens its own connection */
	snprintf(url, sizeof url, "sqlite:%s/khet.db", en->dir);
	struct smtp_server s;
	smtp_start(&s);
	mail_configure(s.url, NULL, "https://khet.example.go.th");
	/* Intervals of an hour: every run after the first is a kick's. */
	jobs_add("mail", 3600, mail_send_due);
	jobs_add("count", 3600, count_job);
	jobs_add("failing", 3600, failing_job);
	atomic_store(&count_runs, 0);
	atomic_store(&failing_runs, 0);
	assert_int_equal(jobs_start(url, &e), 0);
	/* Started: each job runs once at once (mail first, as added). */
	assert_true(wait_for(&count_runs, 1));
	assert_true(wait_for(&failing_runs, 1));
	/* A failing job does not stop the runner, and a kick runs it again. */
	jobs_kick("failing", 0);
	assert_true(wait_for(&failing_runs, 2));
	jobs_kick("count", 0);
	assert_true(wait_for(&count_runs, 2));
	jobs_kick("no such job", 0);

	/* mail_queue asks for a run shortly after, without a kick from us:
	 * the mail arrives long before the hour is up. */
	struct db *db = fresh(state);
	assert_int_equal(mail_queue(db, "somsri@example.com", thai_subject, thai_body, &e), 0);
	json_t *m = smtp_message(&s, 10000);
	assert_non_null(m);
	assert_string_equal(jstr(m, "subject"), thai_subject);
	json_decref(m);

	/* Stopping wakes the sleeping thread instead of waiting the hour. */
	long long t0 = mono_ms();
	jobs_stop();
	assert_true(mono_ms() - t0 < 2000);
	assert_false(jobs_stopping());
	jobs_stop(); /* twice is harmless */
	int runs = atomic_load(&count_runs);
	jobs_kick("count", 0);
	usleep(50000);
	assert_int_equal(atomic_load(&count_runs), runs);

	/* And it starts again. */
	assert_int_equal(jobs_start(url, &e), 0);
	assert_true(wait_for(&count_runs, runs + 1));
	jobs_stop();
	smtp_stop(&s);
	mail_configure(NULL, NULL, NULL);
}

static void test_jobs_start_bad_db(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(jobs_start("sqlite:/nonexistent-dir/x/khet.db", &e), -1);
	assert_true(strlen(e.msg) > 0);
	jobs_stop();
}

#define ENGINE_TESTS                                                                                                   \
	cmocka_unit_test(test_queue_row), cmocka_unit_test(test_queue_follows_transaction),                            \
	    cmocka_unit_test(test_queue_bad_address), cmocka_unit_test(test_dev_mode_keeps_mail),                      \
	    cmocka_unit_test(test_send_to_closed_port_retries), cmocka_unit_test(test_send_thai_over_smtp),            \
	    cmocka_unit_test(test_claimed_mail_is_left_alone)

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest pure_tests[] = {
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test(test_address_valid),
	    cmocka_unit_test(test_encode_header_thai),
	    cmocka_unit_test(test_format_message),
	    cmocka_unit_test(test_configure_defaults),
	};
	const struct CMUnitTest sqlite_tests[] = {ENGINE_TESTS, cmocka_unit_test(test_jobs_run_kick_stop),
						  cmocka_unit_test(test_jobs_start_bad_db)};
	const struct CMUnitTest pg_tests[] = {ENGINE_TESTS};
	int failed = cmocka_run_group_tests_name("mail", pure_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("mail_sqlite", sqlite_tests, setup_sqlite, teardown);
	/* Without a server the PostgreSQL tests are not run, and not counted. */
	pg_engine.pg_url = getenv("KHET_TEST_PG");
	if (pg_engine.pg_url && *pg_engine.pg_url)
		failed += cmocka_run_group_tests_name("mail_pg", pg_tests, setup_pg, teardown);
	mail_shutdown();
	return failed ? 1 : 0;
}
