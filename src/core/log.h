/* log: one line per event on stderr, each written with a single write(2) so
 * lines from different workers never interleave. */
#ifndef KHET_LOG_H
#define KHET_LOG_H

#include <stdbool.h>

struct buf;

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The access-log line: time client method target status bytes duration
 * request-id user. target is the path with its query string (as
 * log_query_add builds it); user is the signed-in user's id, 0 for none
 * ("-"). Control characters in client text are replaced. */
struct log_access_line {
	const char *client, *method, *target, *id;
	int status;
	long long bytes, dur_ns, user_id;
};
void log_access(const struct log_access_line *l);
/* Appends one query argument to out ('?' before the first, '&' after),
 * URL-encoded; the value of a secret or personal one (t, token, password,
 * citizen_id …), or any value log_query_personal finds personal, is
 * written as "***". first is true for the first. */
void log_query_add(struct buf *out, const char *name, const char *value, bool first);
/* Whether a query argument's value is kept out of the log. */
bool log_query_secret(const char *name);
/* Whether a value of any argument reads as a person's number or address:
 * 9 or more digits in a row (dashes and spaces between them allowed: a
 * citizen ID, a G-code, a phone number) or an '@' (an e-mail), as a staff
 * search box sends them (q=1103700012346). */
bool log_query_personal(const char *value);
/* Silences the access log (bench); errors are still written. */
void log_set_access(int on);
/* Whether the access log is on (the line is not built when it is not). */
bool log_access_on(void);

#endif
