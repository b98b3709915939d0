/* err: filling the error record that failures carry upward (see err.h). */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int status, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	e->status = status;
	e->field[0] = 0;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
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
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	e->status = 0;
	e->field[0] = 0;
	e->msg[0] = 0;
}
