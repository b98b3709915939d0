/* err: filling the error record that failures carry upward (see err.h). */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message cut at the buffer's end may end inside a Thai letter (3 bytes
 * in UTF-8); drop the partial letter so the text stays valid UTF-8 and is
 * still shown (jansson refuses invalid strings). */
static void msg_format(struct err *e, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	if (n < (int)sizeof e->msg)
		return;
	size_t len = sizeof e->msg - 1;
	size_t start = len;
	while (start > 0 && ((unsigned char)e->msg[start - 1] & 0xC0) == 0x80)
		start--; /* back over continuation bytes */
	if (start > 0) {
		unsigned char lead = (unsigned char)e->msg[start - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (len - (start - 1) < need)
			e->msg[start - 1] = 0;
	}
}

int err_set(struct err *e, int status, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	e->status = status;
	e->field[0] = 0;
	msg_format(e, fmt, ap);
	va_end(ap);
	return -1;
}

int err_field(struct err *e, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	e->status = 400;
	snprintf(e->field, sizeof e->field, "%s", field);
	msg_format(e, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	e->status = 0;
	e->field[0] = 0;
	e->msg[0] = 0;
}

bool err_refusal(const struct err *e)
{
	return e->status >= 400 && e->status < 500 && !strstr(e->msg, "(SQL: ");
}
