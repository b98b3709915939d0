/* conns: the server's open connections and the deadline on a request's
 * headers. libmicrohttpd's own timeout (MHD_OPTION_CONNECTION_TIMEOUT) is
 * one of inactivity: it starts again with every byte, so a client sending a
 * byte every 10 s holds its connection for ever, and a few thousand such
 * clients hold every connection slot (issue 11, item 2). Here each request's
 * headers must arrive whole within a set time from when the server started
 * waiting for them (the connection's start, or the end of the previous
 * answer on a kept-alive connection, so it is also how long such a
 * connection may sit idle), however the bytes trickle in; a connection
 * over it is closed. */
#ifndef KHET_CONNS_H
#define KHET_CONNS_H

#include <microhttpd.h>
#include <stdbool.h>

/* Sets the deadline (seconds, >= 1) before the daemon starts. */
void conns_init(int header_seconds);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback: registers a
 * connection when it opens and forgets it when it closes. */
void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code);
/* A request's headers are complete (the first call of the request
 * handler). false when the deadline has already closed this connection:
 * the caller then answers nothing and returns MHD_NO. */
bool conns_headers_done(struct MHD_Connection *c);
/* The answer is sent: the deadline for the next request's headers on this
 * kept-alive connection starts now. */
void conns_request_done(struct MHD_Connection *c);
/* Closes every connection whose headers are overdue (shutdown:
 * libmicrohttpd sees the end and closes it in its own thread);
 * the server's main thread calls it about once a second. Returns how many
 * were closed. */
int conns_sweep(void);
/* Connections open now, and closed by the deadline since start. */
long conns_open(void);
unsigned long long conns_timed_out(void);

#endif
