/* qr: QR codes drawn on the server (libqrencode), for links people scan from
 * paper — the public directory of an area's admins posted on a notice board
 * (ACC-7). A code is a square of dark and light modules; qr_svg draws it as
 * one SVG path with the four-module quiet zone the standard asks for, so it
 * prints sharp at any size and needs no image library. The same text always
 * gives the same bytes, so a code can be cached for long. */
#ifndef KHET_QR_H
#define KHET_QR_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"

/* Longest text encoded (bytes): a version-40 code at error correction
 * level M holds 2331 bytes; links are far shorter. */
#define QR_TEXT_MAX 2331
/* Light modules around the code (ISO/IEC 18004 asks for 4). */
#define QR_QUIET 4

/* A code as a matrix of width × width modules, row by row; dark[i] is 1
 * for a dark module. Error correction level M (15% of the code may be
 * damaged or covered and it still reads). */
struct qr_code {
	int width;
	int version;
	unsigned char *dark;
};

/* Encodes text (1 … QR_TEXT_MAX bytes, 8-bit mode); fills e with 400 for
 * empty or over-long text, 500 when the library fails. Free with qr_free. */
int qr_encode(const char *text, struct qr_code *out, struct err *e);
void qr_free(struct qr_code *q);
/* Whether the module at (x, y) is dark; outside the matrix is light. */
bool qr_dark(const struct qr_code *q, int x, int y);
/* The code of text as an SVG document (image/svg+xml): viewBox in
 * modules including the quiet zone, one path of dark runs, a white
 * background; title is its accessible name (escaped; may be NULL). */
int qr_svg(const char *text, const char *title, struct buf *out, struct err *e);

#endif
