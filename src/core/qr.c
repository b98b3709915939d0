/* qr: libqrencode's matrix as our own struct, and drawn as SVG. libqrencode
 * marks a dark module with bit 0 of each byte (the other bits say which
 * part of the symbol it is); only that bit is kept. The SVG draws each row's
 * runs of dark modules as one horizontal rectangle in a single path, which
 * keeps a code of a URL to a few kilobytes, and crispEdges stops browsers
 * from blurring module borders when scaled. */
#include "core/qr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <qrencode.h>
#include <string.h>


int qr_encode(const char *text, struct qr_code *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	size_t n = text ? strlen(text) : 0;
	if (n == 0)
		return err_set(e, 400, "ไม่มีข้อความสำหรับสร้างคิวอาร์โค้ด");
	if (n > QR_TEXT_MAX)
		return err_set(e, 400, "ข้อความยาวเกิน %d ไบต์ สร้างคิวอาร์โค้ดไม่ได้ กรุณาใช้ลิงก์ที่สั้นลง", QR_TEXT_MAX);
	QRcode *c = QRcode_encodeData((int)n, (const unsigned char *)text, 0, QR_ECLEVEL_M);
	if (!c)
		return err_set(e, errno == ERANGE ? 400 : 500, "สร้างคิวอาร์โค้ดไม่ได้ (%s)", strerror(errno));
	size_t cells = (size_t)c->width * (size_t)c->width;
	out->width = c->width;
	out->version = c->version;
	out->dark = xmalloc(cells);
	for (size_t i = 0; i < cells; i++)
		out->dark[i] = c->data[i] & 1;
	QRcode_free(c);
	return 0;
}

void qr_free(struct qr_code *q)
{
	free(q->dark);
	q->dark = NULL;
	q->width = 0;
}

bool qr_dark(const struct qr_code *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return false;
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x] != 0;
}

int qr_svg(const char *text, const char *title, struct buf *out, struct err *e)
{
	struct qr_code q;
	if (qr_encode(text, &q, e) < 0)
		return -1;
	int size = q.width + 2 * QR_QUIET;
	buf_addf(out,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		 "shape-rendering=\"crispEdges\" role=\"img\">\n",
		 size, size, size * 8, size * 8);
	if (title && *title) {
		buf_adds(out, "<title>");
		buf_add_html(out, title, strlen(title));
		buf_adds(out, "</title>\n");
	}
	buf_addf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"", size, size);
	for (int y = 0; y < q.width; y++) {
		for (int x = 0; x < q.width;) {
			if (!qr_dark(&q, x, y)) {
				x++;
				continue;
			}
			int run = 1;
			while (qr_dark(&q, x + run, y))
				run++;
			buf_addf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	buf_adds(out, "\"/>\n</svg>\n");
	qr_free(&q);
	return 0;
}
