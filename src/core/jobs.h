/* jobs: the background work of `khet serve` — sending queued mail now,
 * later reminders and clean-ups. One thread with its own database
 * connection runs each registered job when it is due; a job that fails is
 * logged and runs again at its next turn, it never stops the server. The
 * runner keeps no state that matters: what a job has to do lives in the
 * database, and a job that may run on several instances at once claims its
 * rows itself (see mail.c). */
#ifndef KHET_JOBS_H
#define KHET_JOBS_H

#include <stdbool.h>

#include "core/err.h"

struct db;

typedef int (*job_fn)(struct db *db, struct err *e);

/* Registers a job that runs every interval_seconds (>= 1), first right
 * after jobs_start. name must stay valid (a literal). Call before
 * jobs_start. */
void jobs_add(const char *name, int interval_seconds, job_fn fn);
/* Opens a connection to db_url and starts the thread. Fails (with the
 * reason in e) when the database cannot be opened or the thread cannot
 * start. The thread never receives SIGTERM/SIGINT: the server waits for
 * those. */
int jobs_start(const char *db_url, struct err *e);
/* Wakes the thread, waits for the job it is running to finish (a job
 * checks jobs_stopping() to cut long work short) and closes its connection.
 * Does nothing when the runner is not started. */
void jobs_stop(void);
/* Makes job name due in delay_ms at the latest and wakes the thread. An
 * unknown name, or a runner that is not started, is no error: the work is
 * in the database and the job finds it on its next turn. */
void jobs_kick(const char *name, int delay_ms);
/* True while jobs_stop waits for the thread: a job ends its work early. */
bool jobs_stopping(void);
struct buf;
/* Appends each job's runs, failures, time spent and last run for /metrics. */
void jobs_metrics_write(struct buf *out);

#endif
