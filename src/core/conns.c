/* conns: every open connection has an entry in one list (a mutex guards the
 * list, taken at open, close and the once-a-second sweep, never per byte).
 * An entry's state is one atomic: the monotonic millisecond the server
 * started waiting for a request's headers, 0 while a request is being
 * handled or answered, or -1 once the sweep has closed it. The sweep and
 * the worker that completes the headers race for the same entry; a
 * compare-and-swap decides which one wins, so a connection is either
 * answered by Khet or refused by the sweep, never both.
 *
 * The sweep acts on the socket while it holds the list's mutex, and
 * libmicrohttpd tells us a connection closed (removing its entry under the
 * same mutex) before it closes the socket, so the descriptor the sweep
 * writes to and shuts down cannot be one the kernel has already given to a
 * new connection. */
#include "core/conns.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"

struct conn {
	struct conn *prev, *next;
	int fd;
	atomic_llong since_ms;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn *head;
static long long deadline_ms = 15000;
static atomic_long nopen;
static atomic_ullong ntimed_out;

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1; /* never 0 */
}

void conns_init(int header_seconds)
{
	deadline_ms = (long long)(header_seconds > 0 ? header_seconds : 15) * 1000;
}

void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn *e = xcalloc(1, sizeof *e);
		e->fd = ci ? ci->connect_fd : -1;
		atomic_init(&e->since_ms, mono_ms());
		pthread_mutex_lock(&mu);
		e->next = head;
		if (head)
			head->prev = e;
		head = e;
		pthread_mutex_unlock(&mu);
		*socket_context = e;
		atomic_fetch_add(&nopen, 1);
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
	pthread_mutex_unlock(&mu);
	free(e);
	*socket_context = NULL;
	atomic_fetch_sub(&nopen, 1);
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

void conns_request_done(struct MHD_Connection *c)
{
	struct conn *e = entry(c);
	if (!e)
		return;
	long long zero = 0;
	atomic_compare_exchange_strong(&e->since_ms, &zero, mono_ms());
}

int conns_sweep(void)
{
	long long now = mono_ms();
	int closed = 0;
	pthread_mutex_lock(&mu);
	for (struct conn *e = head; e; e = e->next) {
		long long s = atomic_load(&e->since_ms);
		if (s <= 0 || now - s <= deadline_ms)
			continue;
		if (!atomic_compare_exchange_strong(&e->since_ms, &s, -1))
			continue; /* its headers just came: the worker has it */
		/* closed without an answer, as nginx does on its header
		 * timeout: a browser's idle or preconnected socket may be
		 * ended this way, and a browser retries on a closed idle
		 * socket, while a 408 written there could be read as the
		 * answer to a request it sends at that moment */
		if (e->fd >= 0)
			shutdown(e->fd, SHUT_RDWR);
		closed++;
	}
	pthread_mutex_unlock(&mu);
	if (closed)
		atomic_fetch_add(&ntimed_out, (unsigned long long)closed);
	return closed;
}

long conns_open(void)
{
	return atomic_load(&nopen);
}

unsigned long long conns_timed_out(void)
{
	return atomic_load(&ntimed_out);
}
