/* conns: every open connection has an entry in one list (a mutex guards the
 * list, taken at open, close and the once-a-second sweep, never per byte).
 * An entry's state is two atomics. since_ms: the monotonic millisecond the
 * server started waiting for a request's headers, 0 while a request is
 * being handled or answered, or -1 once Khet has closed it. body_ms: the
 * millisecond its body began to come, 0 when no body is being received, or
 * -1 once Khet has closed it in the middle of the body. The sweep (and the
 * shedding near the cap) and the worker that completes the headers or the
 * body race for the same entry; a compare-and-swap decides which one wins,
 * so a connection is either answered by Khet's handler or closed by the
 * sweep, never both.
 *
 * The sweep and the shedding act on a socket while they hold the list's
 * mutex, and libmicrohttpd tells us a connection closed (removing its
 * entry under the same mutex) before it closes the socket, so the
 * descriptor written to and shut down cannot be one the kernel has already
 * given to a new connection. While a body is being received libmicrohttpd
 * writes nothing on the socket, so the raw 408 / 503 written there is the
 * only answer. */
#include "core/conns.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"

struct conn {
	struct conn *prev, *next;
	int fd;
	atomic_llong since_ms;
	atomic_llong body_ms;
	atomic_llong received;
	atomic_llong last_ms; /* when a byte of the body last came */
	atomic_bool json;     /* the request asked for JSON: the raw answers are JSON */
	bool closing; /* closed by Khet, its close not seen yet (under mu) */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn *head;
static long long deadline_ms = 15000;
static long long body_grace_ms = 30000;
static long long body_rate = 4096; /* bytes a second */
static long shed_at = 3584;
static long nclosing; /* under mu */
static atomic_long nopen;
static atomic_ullong ntimed_out, nbody_late, nshed;

static void build_answers(void);

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1; /* never 0 */
}

void conns_init(int header_seconds, int max_conns, int body_grace, long long body_min_rate)
{
	deadline_ms = (long long)(header_seconds > 0 ? header_seconds : 15) * 1000;
	body_grace_ms = (long long)(body_grace > 0 ? body_grace : 30) * 1000;
	body_rate = body_min_rate > 0 ? body_min_rate : 4096;
	if (max_conns < 2)
		max_conns = 4096;
	/* an eighth of the cap kept free: libmicrohttpd splits the cap among
	 * its worker threads and refuses at accept in one that is full */
	shed_at = max_conns - (max_conns / 8 > 0 ? max_conns / 8 : 1);
	build_answers();
}

int conns_shed_at(void)
{
	return (int)shed_at;
}

/* The Thai pages written on the socket itself: the request has no handler
 * call that could answer it (the client sends no more bytes). */
static const char *const page_408 =
	"<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	"content=\"width=device-width, initial-scale=1\"><title>408 หมดเวลารอข้อมูล</title></head><body>"
	"<h1>หมดเวลารอข้อมูล</h1><p>" CONNS_BODY_LATE_MESSAGE "</p></body></html>\n";
static const char *const page_503 =
	"<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	"content=\"width=device-width, initial-scale=1\"><title>503 ระบบมีผู้ใช้งานมาก</title></head><body>"
	"<h1>ระบบมีผู้ใช้งานมาก</h1><p>ขณะนี้มีการเชื่อมต่อเข้ามาจำนวนมาก ข้อมูลที่ส่งมายังไม่ครบจึงถูกยกเลิก "
	"กรุณาส่งแบบฟอร์มใหม่อีกครั้งในอีกสักครู่</p></body></html>\n";

/* the one error shape (core/api.h); no request has an id yet */
static const char *const json_408 = "{\"error\":{\"status\":408,\"code\":\"timeout\",\"message\":\"" CONNS_BODY_LATE_MESSAGE
				    "\",\"fields\":{},\"request_id\":\"\"}}\n";
static const char *const json_503 =
	"{\"error\":{\"status\":503,\"message\":\"ขณะนี้มีการเชื่อมต่อเข้ามาจำนวนมาก ข้อมูลที่ส่งมายังไม่ครบจึงถูกยกเลิก "
	"กรุณาส่งใหม่อีกครั้งในอีกสักครู่\",\"code\":\"unavailable\",\"fields\":{},\"request_id\":\"\"}}\n";
static char answers[4][1536]; /* 408, 503; HTML then JSON */

static void build_answer(char *out, size_t size, const char *status_line, const char *type, const char *page)
{
	snprintf(out, size,
		 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n%s",
		 status_line, type, strlen(page), page);
}

/* Built once, by conns_init, before any thread reads them. */
static void build_answers(void)
{
	const char *html = "text/html; charset=utf-8", *json = "application/json";
	build_answer(answers[0], sizeof answers[0], "408 Request Timeout", html, page_408);
	build_answer(answers[1], sizeof answers[1], "503 Service Unavailable", html, page_503);
	build_answer(answers[2], sizeof answers[2], "408 Request Timeout", json, json_408);
	build_answer(answers[3], sizeof answers[3], "503 Service Unavailable", json, json_503);
}

const char *conns_raw_answer(int status, bool json)
{
	if (!answers[0][0])
		build_answers();
	return answers[(status == 408 ? 0 : 1) + (json ? 2 : 0)];
}

/* Writes a raw answer (what fits in the socket's buffer now; it is small)
 * and ends the connection: libmicrohttpd reads the end and closes it. */
static void close_with(const struct conn *e, int status)
{
	int fd = e->fd;
	if (fd < 0)
		return;
	if (status) {
		const char *a = conns_raw_answer(status, atomic_load(&e->json));
		(void)!send(fd, a, strlen(a), MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	shutdown(fd, SHUT_RDWR);
}

/* Marks e closed by Khet (under mu). */
static void mark_closing(struct conn *e)
{
	if (!e->closing) {
		e->closing = true;
		nclosing++;
	}
}

/* Bytes the server has not read yet on e's socket: the client did send,
 * and the connection's worker is busy (a sign-in's password hash, a big
 * export): the wait is ours, not the client's. */
static bool unread(const struct conn *e)
{
	int n = 0;
	return e->fd >= 0 && ioctl(e->fd, FIONREAD, &n) == 0 && n > 0;
}

/* Near the cap (under mu): the incomplete connection waiting longest —
 * for its headers, or in the middle of its body — other than fresh, is
 * closed. Headers: no answer (the client has asked nothing yet); a body:
 * the Thai 503. One whose bytes came while its worker is busy is not the
 * client's fault: it is passed over for the next oldest (a few at most, so
 * the list is walked a bounded number of times). Returns whether one was
 * shed. */
enum { SHED_TRIES = 8 };

static bool shed_oldest(const struct conn *fresh)
{
	const struct conn *passed[SHED_TRIES];
	int npassed = 0;
	while (npassed < SHED_TRIES) {
		struct conn *best = NULL;
		long long best_t = 0;
		bool best_body = false;
		for (struct conn *e = head; e; e = e->next) {
			if (e == fresh || e->closing)
				continue;
			bool skip = false;
			for (int i = 0; i < npassed && !skip; i++)
				skip = passed[i] == e;
			if (skip)
				continue;
			long long s = atomic_load(&e->since_ms), b = atomic_load(&e->body_ms);
			long long t = s > 0 ? s : b > 0 ? b : 0;
			if (t > 0 && (!best || t < best_t)) {
				best = e;
				best_t = t;
				best_body = s <= 0;
			}
		}
		if (!best)
			return false; /* every other one is being handled: nothing to shed */
		if (unread(best)) {
			passed[npassed++] = best;
			continue;
		}
		long long t = best_t;
		if (!atomic_compare_exchange_strong(best_body ? &best->body_ms : &best->since_ms, &t, -1)) {
			passed[npassed++] = best; /* it just completed: the worker has it */
			continue;
		}
		mark_closing(best);
		close_with(best, best_body ? 503 : 0);
		atomic_fetch_add(&nshed, 1);
		return true;
	}
	return false;
}

/* Connections open and not being closed by Khet (under mu). */
static long live_now(void)
{
	return atomic_load(&nopen) - nclosing;
}

void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn *e = xcalloc(1, sizeof *e);
		e->fd = ci ? ci->connect_fd : -1;
		atomic_init(&e->since_ms, mono_ms());
		atomic_init(&e->body_ms, 0);
		atomic_init(&e->received, 0);
		atomic_init(&e->last_ms, 0);
		atomic_init(&e->json, false);
		pthread_mutex_lock(&mu);
		e->next = head;
		if (head)
			head->prev = e;
		head = e;
		atomic_fetch_add(&nopen, 1);
		if (live_now() > shed_at)
			shed_oldest(e);
		pthread_mutex_unlock(&mu);
		*socket_context = e;
		return;
	}
	struct conn *e = *socket_context;
	if (!e)
		return;
	pthread_mutex_lock(&mu);
	if (e->prev)
		e->prev->next = e->next;
	else
		head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	if (e->closing)
		nclosing--;
	atomic_fetch_sub(&nopen, 1);
	pthread_mutex_unlock(&mu);
	free(e);
	*socket_context = NULL;
}

static struct conn *entry(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

bool conns_headers_done(struct MHD_Connection *c)
{
	struct conn *e = entry(c);
	if (!e)
		return true;
	long long s = atomic_load(&e->since_ms);
	while (s != -1) {
		if (atomic_compare_exchange_weak(&e->since_ms, &s, 0))
			return true;
	}
	return false;
}

void conns_body_begin(struct MHD_Connection *c, bool json)
{
	struct conn *e = entry(c);
	if (!e)
		return;
	atomic_store(&e->json, json);
	long long now = mono_ms();
	atomic_store(&e->received, 0);
	atomic_store(&e->last_ms, now);
	atomic_store(&e->body_ms, now);
}

/* Whether a body begun at b with received bytes is behind the pace at now:
 * the first N bytes must have come within the grace plus N / rate. */
static bool behind(long long b, long long received, long long now)
{
	long long owed = (now - b - body_grace_ms) * body_rate / 1000;
	return owed > received;
}

enum conns_body conns_body_progress(struct MHD_Connection *c, long long received)
{
	struct conn *e = entry(c);
	if (!e)
		return CONNS_BODY_OK;
	long long b = atomic_load(&e->body_ms);
	if (b == -1)
		return CONNS_BODY_GONE;
	long long now = mono_ms();
	atomic_store(&e->received, received);
	atomic_store(&e->last_ms, now);
	if (b == 0 || !behind(b, received, now) || unread(e))
		return CONNS_BODY_OK;
	/* this worker answers it, the sweep must not: on the socket itself,
	 * since libmicrohttpd 0.9.75 takes no answer in the middle of a body
	 * (MHD_queue_response refuses it there) */
	if (!atomic_compare_exchange_strong(&e->body_ms, &b, -1))
		return CONNS_BODY_GONE;
	pthread_mutex_lock(&mu);
	mark_closing(e);
	close_with(e, 408);
	pthread_mutex_unlock(&mu);
	atomic_fetch_add(&nbody_late, 1);
	return CONNS_BODY_GONE;
}

bool conns_body_done(struct MHD_Connection *c)
{
	struct conn *e = entry(c);
	if (!e)
		return true;
	long long b = atomic_load(&e->body_ms);
	while (b != -1) {
		if (atomic_compare_exchange_weak(&e->body_ms, &b, 0))
			return true;
	}
	return false;
}

void conns_request_done(struct MHD_Connection *c)
{
	struct conn *e = entry(c);
	if (!e)
		return;
	long long zero = 0, b = atomic_load(&e->body_ms);
	if (b > 0) /* a body the request ended without (the client left) */
		atomic_compare_exchange_strong(&e->body_ms, &b, 0);
	atomic_compare_exchange_strong(&e->since_ms, &zero, mono_ms());
}

int conns_sweep(void)
{
	long long now = mono_ms();
	int closed = 0, late = 0;
	pthread_mutex_lock(&mu);
	for (struct conn *e = head; e; e = e->next) {
		if (e->closing)
			continue;
		long long b = atomic_load(&e->body_ms);
		if (b > 0) {
			/* a body that stopped coming (nothing for over a
			 * second): no handler call will see it late, so the
			 * 408 is written here; one still trickling is
			 * answered by its worker (JSON to JSON clients) */
			if (!behind(b, atomic_load(&e->received), now) || now - atomic_load(&e->last_ms) < 1500 || unread(e))
				continue;
			if (!atomic_compare_exchange_strong(&e->body_ms, &b, -1))
				continue; /* its worker has it */
			mark_closing(e);
			close_with(e, 408);
			late++;
			continue;
		}
		long long s = atomic_load(&e->since_ms);
		if (s <= 0 || now - s <= deadline_ms)
			continue;
		if (unread(e))
			continue;
		if (!atomic_compare_exchange_strong(&e->since_ms, &s, -1))
			continue; /* its headers just came: the worker has it */
		/* closed without an answer, as nginx does on its header
		 * timeout: a browser's idle or preconnected socket may be
		 * ended this way, and a browser retries on a closed idle
		 * socket, while a 408 written there could be read as the
		 * answer to a request it sends at that moment */
		mark_closing(e);
		close_with(e, 0);
		closed++;
	}
	/* still over the mark (a shedding at accept found only busy ones, and
	 * with every slot taken no accept comes to try again): shed here */
	int shed = 0;
	while (live_now() > shed_at && shed_oldest(NULL))
		shed++;
	pthread_mutex_unlock(&mu);
	if (closed)
		atomic_fetch_add(&ntimed_out, (unsigned long long)closed);
	if (late)
		atomic_fetch_add(&nbody_late, (unsigned long long)late);
	return closed + late + shed;
}

long conns_open(void)
{
	return atomic_load(&nopen);
}

unsigned long long conns_timed_out(void)
{
	return atomic_load(&ntimed_out);
}

unsigned long long conns_body_timed_out(void)
{
	return atomic_load(&nbody_late);
}

unsigned long long conns_shed(void)
{
	return atomic_load(&nshed);
}
