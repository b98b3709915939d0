/* log: stderr lines with an ISO time in UTC; the access log is one line per
 * request (method, path, status, bytes, duration, request id). */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static int access_on = 1;

void log_set_access(int on)
{
	access_on = on;
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

void log_access(const char *method, const char *path, int status, long long bytes, long long dur_ns, const char *id)
{
	if (!access_on)
		return;
	struct buf b = BUF_INIT;
	stamp(&b);
	buf_addf(&b, "%s ", method);
	/* A path is client input: control characters would forge log lines. */
	for (const char *p = path; *p; p++)
		buf_addc(&b, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
	buf_addf(&b, " %d %lld %.3fms %s", status, bytes, (double)dur_ns / 1e6, id);
	emit(&b);
}
