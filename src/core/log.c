/* log: stderr lines with an ISO time in UTC; the access log is one line per
 * request (client address, method, path and query with secrets masked,
 * status, bytes sent, duration, request id, user id). */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static int access_on = 1;

void log_set_access(int on)
{
	access_on = on;
}

bool log_access_on(void)
{
	return access_on;
}

static void stamp(struct buf *b)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	buf_addf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void emit(struct buf *b)
{
	buf_addc(b, '\n');
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(2, b->data + off, b->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf_release(b);
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	stamp(&b);
	buf_adds(&b, level);
	buf_vaddf(&b, fmt, ap);
	emit(&b);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("ERROR ", fmt, ap);
	va_end(ap);
}

/* Query arguments whose values are secrets (an e-mailed link's token, a
 * password) or personal data (PDPA: a log is read by operators, kept for
 * months and copied around). Matched case-insensitively on the name. */
static const char *const secret_params[] = {"t",      "token", "otp",   "code_otp", "password", "secret", "key",
					    "sig",    "signature", "citizen_id", "cid", "email", "phone",
					    NULL};

bool log_query_secret(const char *name)
{
	for (int i = 0; secret_params[i]; i++)
		if (!strcasecmp(name, secret_params[i]))
			return true;
	return false;
}

/* Masked whole, while a search for a place or a word stays readable. */
bool log_query_personal(const char *value)
{
	if (strchr(value, '@'))
		return true;
	int digits = 0;
	for (const char *p = value; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits >= 9)
				return true;
		} else if ((*p != '-' && *p != ' ') || digits == 0)
			digits = 0;
	}
	return false;
}

void log_query_add(struct buf *out, const char *name, const char *value, bool first)
{
	buf_addc(out, first ? '?' : '&');
	buf_add_urlenc(out, name);
	if (!value)
		return;
	buf_addc(out, '=');
	if (log_query_secret(name) || log_query_personal(value))
		buf_adds(out, "***");
	else
		buf_add_urlenc(out, value);
}

/* Client text in a log line: control characters would forge lines, a
 * space would shift the fields. */
static void add_field(struct buf *b, const char *s)
{
	if (!s || !*s) {
		buf_addc(b, '-');
		return;
	}
	for (const char *p = s; *p; p++)
		buf_addc(b, (unsigned char)*p <= 0x20 || *p == 0x7f ? '?' : *p);
}

void log_access(const struct log_access_line *l)
{
	if (!access_on)
		return;
	struct buf b = BUF_INIT;
	stamp(&b);
	add_field(&b, l->client);
	buf_addc(&b, ' ');
	add_field(&b, l->method);
	buf_addc(&b, ' ');
	add_field(&b, l->target);
	buf_addf(&b, " %d %lld %.3fms %s ", l->status, l->bytes, (double)l->dur_ns / 1e6, l->id);
	if (l->user_id > 0)
		buf_addf(&b, "%lld", l->user_id);
	else
		buf_addc(&b, '-');
	emit(&b);
}
