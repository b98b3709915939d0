/* err: how a failure travels up (git's error(), SQLite's result codes).
 * A function that can fail returns int (0 ok, negative error) and fills the
 * struct err its caller passed: an HTTP-like status saying what kind of
 * failure it is (400 bad input, 403, 404, 409 conflict, 500 fault) and a
 * message. Messages meant for a user are Thai and say what to fix; the top of
 * the call (handler, main) decides how to show them. */
#ifndef KHET_ERR_H
#define KHET_ERR_H

#include <stdbool.h>

struct err {
	int status;      /* 0 when no error was set */
	char field[48];  /* form field the message belongs to, or "" */
	char msg[1024];  /* Thai is 3 bytes a letter: room for ~330 letters */
};

#define ERR_INIT {0, {0}, {0}}

/* Sets status and message; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like err_set, naming the form field the message belongs to. */
int err_field(struct err *e, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_clear(struct err *e);
/* A domain refusal (a Thai message for the user, at its field or for the
 * page) rather than a fault: 4xx, and not a constraint the database refused
 * with the engine's own text (core/db.c's db_fail appends "(SQL: …)") —
 * the domain turns the constraints it expects into Thai messages, so one
 * that still carries the engine's text is a fault, logged and never shown. */
bool err_refusal(const struct err *e);

#endif
