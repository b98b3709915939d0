/* framing: RFC 9112's rules for where a request message begins and ends,
 * checked before Khet acts on a request. A request whose framing two
 * parsers could read differently — two Content-Lengths, Content-Length with
 * Transfer-Encoding, a Transfer-Encoding Khet does not decode, folded
 * header lines, lines ended by a bare LF, no Host on HTTP/1.1 — is what
 * request smuggling behind a proxy is made of: it is answered 400 and the
 * connection is closed, so nothing after it is read as another request. */
#ifndef KHET_FRAMING_H
#define KHET_FRAMING_H

#include <stdbool.h>
#include <stddef.h>

struct MHD_Connection;

/* One header field line as received: name and value (the value without
 * the whitespace after the colon). */
struct framing_field {
	const char *name;
	const char *value;
};

enum framing_fault {
	FRAMING_OK = 0,
	FRAMING_LINE_ENDS,	/* a bare LF, a folded (obs-fold) line, stray bytes between lines */
	FRAMING_REQUEST_LINE,	/* not "METHOD SP target SP version" with single spaces */
	FRAMING_FIELD_NAME,	/* a header name that is not a token (e.g. a space before the colon) */
	FRAMING_FIELD_VALUE,	/* a control character (a bare CR, NUL …) in a header value */
	FRAMING_HOST,		/* HTTP/1.1 without exactly one Host */
	FRAMING_CONTENT_LENGTH, /* two Content-Lengths, or one that is not a number */
	FRAMING_CL_AND_TE,	/* Content-Length and Transfer-Encoding together */
	FRAMING_TRANSFER_CODING /* a Transfer-Encoding other than one "chunked", or one on HTTP/1.0 */
};

/* The rules on the fields alone (the pure part, unit-tested): fields in the
 * order received, http11 true for HTTP/1.1. */
enum framing_fault framing_fields_check(const struct framing_field *f, int n, bool http11);

/* The whole check of a request libmicrohttpd has just read: the fields, and
 * the layout of the bytes it read. libmicrohttpd (Debian 12's 0.9.75)
 * accepts bare LF and folded lines and keeps no note of either, but it
 * parses in place: the request line and every field point into the bytes
 * as received, with each line end overwritten by NULs. So when every line
 * ended in CRLF and none was folded, the request line, the fields and the
 * blank line tile the header block exactly (MHD's REQUEST_HEADER_SIZE):
 * from the end of one line's text to the start of the next are exactly the
 * two bytes of a CRLF. Anything else — one byte (bare LF), a folded line's
 * bytes, a field moved elsewhere — is a fault. method, raw_target (the
 * target as the URI callback saw it, before unescaping) and version are
 * the pointers libmicrohttpd gave. */
enum framing_fault framing_check(struct MHD_Connection *c, const char *method, const char *raw_target,
				 size_t target_len, bool target_ok, const char *version);
/* Whether a request target as received (before libmicrohttpd splits and
 * unescapes it in place) is free of spaces and control bytes: called from
 * the URI callback, its answer passed to framing_check as target_ok. */
bool framing_target_ok(const char *t, size_t n);

/* Whether this libmicrohttpd is the one whose byte layout framing_check
 * reads (0.9.75); with another, only the field rules are checked. */
bool framing_layout_known(void);

/* The Thai sentence for a fault (for the 400 page). */
const char *framing_fault_message(enum framing_fault f);

#endif
