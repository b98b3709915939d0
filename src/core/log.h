/* log: one line per event on stderr, each written with a single write(2) so
 * lines from different workers never interleave. */
#ifndef KHET_LOG_H
#define KHET_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The access-log line: time method path status bytes duration request-id. */
void log_access(const char *method, const char *path, int status, long long bytes, long long dur_ns, const char *id);
/* Silences the access log (bench); errors are still written. */
void log_set_access(int on);

#endif
