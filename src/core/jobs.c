/* jobs: one background thread that runs the registered jobs when they are
 * due. A thread of its own, rather than a timer inside an HTTP worker,
 * because a job may wait seconds on a mail server and must never hold up a
 * page; one thread, rather than one per job, because jobs are few and short
 * and one more database connection per instance is what they may cost.
 *
 * Each job has a due time on the monotonic clock (wall-clock jumps must not
 * stall or rush it). The thread sleeps in pthread_cond_timedwait until the
 * earliest due time, so jobs_kick (a job wanted sooner) and jobs_stop (the
 * server is shutting down) wake it at once. A job is made due again for
 * interval seconds later *before* it runs, so a kick that comes while it
 * runs makes it run once more right after. The mutex is never held while a
 * job runs. */
#include "core/jobs.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/log.h"

#define JOBS_MAX 32

struct job {
	const char *name;
	int interval_s;
	job_fn fn;
	long long due_ms; /* monotonic */
	/* for /metrics, read by HTTP workers while the job thread writes */
	atomic_ullong runs, failures, busy_us;
	atomic_llong last_run; /* unix seconds */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static struct job jobs[JOBS_MAX];
static int njobs;
static bool running;
static atomic_bool stopping;
static pthread_t thread;
static struct db *job_db;

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The condition waits on CLOCK_MONOTONIC, like the due times. */
static void wake_init(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &a);
	pthread_condattr_destroy(&a);
}

void jobs_add(const char *name, int interval_seconds, job_fn fn)
{
	assert(name && fn && interval_seconds >= 1);
	pthread_mutex_lock(&mu);
	assert(njobs < JOBS_MAX && !running);
	struct job *j = &jobs[njobs++];
	j->name = name;
	j->interval_s = interval_seconds;
	j->fn = fn;
	j->due_ms = 0;
	pthread_mutex_unlock(&mu);
}

bool jobs_stopping(void)
{
	return atomic_load(&stopping);
}

static void run_one(struct job *j)
{
	struct err e = ERR_INIT;
	long long t0 = mono_ms();
	int rc = j->fn(job_db, &e);
	atomic_fetch_add(&j->runs, 1);
	atomic_fetch_add(&j->busy_us, (unsigned long long)(mono_ms() - t0) * 1000);
	atomic_store(&j->last_run, (long long)time(NULL));
	if (rc < 0)
		atomic_fetch_add(&j->failures, 1);
	/* A job that failed inside a transaction leaves it to us to end it:
	 * PostgreSQL would refuse every statement of the next job otherwise. */
	db_rollback(job_db);
	if (rc < 0)
		log_error("jobs: %s failed: %s", j->name, e.msg[0] ? e.msg : "(no message)");
}

static void *loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!atomic_load(&stopping)) {
		struct job *next = NULL;
		for (int i = 0; i < njobs; i++)
			if (!next || jobs[i].due_ms < next->due_ms)
				next = &jobs[i];
		long long now = mono_ms();
		if (next && next->due_ms <= now) {
			next->due_ms = now + (long long)next->interval_s * 1000;
			pthread_mutex_unlock(&mu);
			run_one(next);
			pthread_mutex_lock(&mu);
			continue;
		}
		/* No job at all: sleep until a kick or the stop. */
		long long until = next ? next->due_ms : now + 3600 * 1000LL;
		struct timespec ts = {(time_t)(until / 1000), (long)(until % 1000) * 1000000L};
		pthread_cond_timedwait(&wake, &mu, &ts);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int jobs_start(const char *db_url, struct err *e)
{
	pthread_once(&wake_once, wake_init);
	pthread_mutex_lock(&mu);
	bool already = running;
	pthread_mutex_unlock(&mu);
	if (already)
		return err_set(e, 500, "jobs: already started");
	/* Opened here rather than in the thread so that a database that cannot
	 * be reached is reported to the caller, at start. */
	struct db *db;
	if (db_open(db_url, &db, e) < 0)
		return -1;
	pthread_mutex_lock(&mu);
	job_db = db;
	atomic_store(&stopping, false);
	long long now = mono_ms();
	for (int i = 0; i < njobs; i++)
		jobs[i].due_ms = now;
	/* The thread starts with every signal blocked: SIGTERM and SIGINT
	 * belong to the server's sigwait, and a thread created before the
	 * server blocks them would otherwise be the one the kernel picks. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&thread, NULL, loop, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		job_db = NULL;
		pthread_mutex_unlock(&mu);
		db_close(db);
		return err_set(e, 500, "jobs: cannot start the thread");
	}
	running = true;
	pthread_mutex_unlock(&mu);
	return 0;
}

void jobs_stop(void)
{
	pthread_mutex_lock(&mu);
	if (!running) {
		pthread_mutex_unlock(&mu);
		return;
	}
	atomic_store(&stopping, true);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	pthread_mutex_lock(&mu);
	running = false;
	/* Back to false so that a job function called directly afterwards (a
	 * test, a command-line tool) does its work. */
	atomic_store(&stopping, false);
	db_close(job_db);
	job_db = NULL;
	pthread_mutex_unlock(&mu);
}

void jobs_metrics_write(struct buf *out)
{
	pthread_mutex_lock(&mu);
	int n = njobs;
	pthread_mutex_unlock(&mu);
	buf_adds(out, "# HELP khet_job_runs_total Runs of each background job in this process.\n"
		      "# TYPE khet_job_runs_total counter\n");
	for (int i = 0; i < n; i++)
		buf_addf(out, "khet_job_runs_total{job=\"%s\"} %llu\n", jobs[i].name, atomic_load(&jobs[i].runs));
	buf_adds(out, "# HELP khet_job_failures_total Runs that ended in an error (logged).\n"
		      "# TYPE khet_job_failures_total counter\n");
	for (int i = 0; i < n; i++)
		buf_addf(out, "khet_job_failures_total{job=\"%s\"} %llu\n", jobs[i].name,
			 atomic_load(&jobs[i].failures));
	buf_adds(out, "# HELP khet_job_seconds_total Time spent running each job.\n"
		      "# TYPE khet_job_seconds_total counter\n");
	for (int i = 0; i < n; i++)
		buf_addf(out, "khet_job_seconds_total{job=\"%s\"} %.3f\n", jobs[i].name,
			 (double)atomic_load(&jobs[i].busy_us) / 1e6);
	buf_adds(out, "# HELP khet_job_last_run_timestamp_seconds When each job last ran (0: not yet).\n"
		      "# TYPE khet_job_last_run_timestamp_seconds gauge\n");
	for (int i = 0; i < n; i++)
		buf_addf(out, "khet_job_last_run_timestamp_seconds{job=\"%s\"} %lld\n", jobs[i].name,
			 atomic_load(&jobs[i].last_run));
}

void jobs_kick(const char *name, int delay_ms)
{
	if (delay_ms < 0)
		delay_ms = 0;
	pthread_mutex_lock(&mu);
	long long at = mono_ms() + delay_ms;
	for (int i = 0; i < njobs; i++) {
		if (strcmp(jobs[i].name, name))
			continue;
		if (jobs[i].due_ms > at)
			jobs[i].due_ms = at;
		if (running)
			pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&mu);
}
