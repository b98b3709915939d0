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

/* The settings, before the daemon starts: the header deadline (seconds,
 * >= 1); the connection cap libmicrohttpd is given (near it, the oldest
 * incomplete connections are shed: see conns_notify); and the body's pace:
 * after body_grace seconds a request body must have come at an average of
 * at least body_min_rate bytes a second since its headers, or the
 * connection is answered 408 and closed. */
void conns_init(int header_seconds, int max_conns, int body_grace, long long body_min_rate);
/* At or over this many live connections (7/8 of the cap), a new one sheds
 * the oldest incomplete one. */
int conns_shed_at(void);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback: registers a
 * connection when it opens and forgets it when it closes. When the
 * connections still open reach conns_shed_at(), a new one closes the
 * oldest incomplete one — a request whose headers, or whose body, have not
 * all come — so the cap is never reached and a client with a whole
 * request is still served (issue 11: slow clients from many addresses,
 * each within its per-address limit). One waiting for its headers is
 * closed without an answer (as the header deadline does); one in the
 * middle of its body gets a 503 first. A connection whose request is being
 * handled or answered, or an idle kept-alive one that has just been
 * answered, counts as incomplete from the end of its answer. */
void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code);
/* A request's headers are complete (the first call of the request
 * handler). false when the deadline has already closed this connection:
 * the caller then answers nothing and returns MHD_NO. */
bool conns_headers_done(struct MHD_Connection *c);
/* The request's headers announced a body (a Content-Length over 0, or a
 * chunked one): its pace is watched from now. */
void conns_body_begin(struct MHD_Connection *c, bool json);
enum conns_body {
	CONNS_BODY_OK,	/* on pace */
	CONNS_BODY_GONE /* closed: behind the pace (the Thai 408 written on the
			 * socket), or by the sweep or shedding: return MHD_NO */
};
/* What the 408 says. */
#define CONNS_BODY_LATE_MESSAGE                                                                                   \
	"ข้อมูลที่ส่งมาช้าเกินกำหนด การเชื่อมต่ออาจช้าหรือขาดหาย กรุณาตรวจสอบอินเทอร์เน็ตแล้วส่งแบบฟอร์มใหม่อีกครั้ง"
/* received bytes of the body have come so far. */
enum conns_body conns_body_progress(struct MHD_Connection *c, long long received);
/* The body is complete: false when the connection was closed meanwhile. */
bool conns_body_done(struct MHD_Connection *c);
/* The answer is sent: the deadline for the next request's headers on this
 * kept-alive connection starts now. */
void conns_request_done(struct MHD_Connection *c);
/* Closes every connection whose headers are overdue, or whose body has
 * fallen behind the pace with no byte coming (a 408 written first) (shutdown:
 * libmicrohttpd sees the end and closes it in its own thread), and sheds the
 * oldest incomplete ones while more than the mark below the cap are open
 * (shedding at accept can find only busy ones, and with every slot taken no
 * accept comes to try again); the server's main thread calls it about once a
 * second. Returns how many were closed. */
int conns_sweep(void);
/* Connections open now, closed by the header deadline, answered 408 by
 * the body's pace, and shed near the cap, since start. */
long conns_open(void);
unsigned long long conns_timed_out(void);
unsigned long long conns_body_timed_out(void);
unsigned long long conns_shed(void);
/* The raw 408 / 503 answer written on a socket, as the Thai page or, to a
 * client that asked for JSON, the JSON error: libmicrohttpd 0.9.75 takes
 * no answer from the handler while a body is still coming, and the sweep
 * has no handler call to answer in. */
const char *conns_raw_answer(int status, bool json);

#endif
