/* test_filecheck: an upload is read whole (core/filecheck). Whole PNGs
 * (cairo's, interlaced or not), JPEGs (baseline and progressive, libjpeg's)
 * and PDFs (core/pdf's, a hand-made one with an xref table, one with an
 * xref stream, one updated incrementally) pass; every cut of them, a
 * damaged chunk, a made-up "%PDF-1.4 junk" and a startxref naming nothing
 * are FILECHECK_BROKEN; an image over 50 megapixels is FILECHECK_HUGE
 * before its rows are read; other types are not judged. */
#include "unit.h"

#include <cairo.h>
#include <jpeglib.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/filecheck.h"
#include "core/pdf.h"

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A w × h PNG with some drawing on it (cairo's writer). */
static void make_png(struct buf *out, int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.2, 0.5, 0.8);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 1, 0.9, 0.1);
	cairo_arc(cr, w / 2.0, h / 2.0, w / 3.0, 0, 6.28);
	cairo_fill(cr);
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png_stream(s, to_buf, out), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

/* A w × h JPEG (libjpeg), progressive or baseline. */
static void make_jpeg(struct buf *out, int w, int h, int progressive)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	unsigned char *mem = NULL;
	unsigned long size = 0;
	jpeg_mem_dest(&c, &mem, &size);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 85, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	unsigned char *row = xmalloc((size_t)w * 3);
	while (c.next_scanline < c.image_height) {
		for (int x = 0; x < w; x++) {
			row[x * 3] = (unsigned char)(x * 7 + (int)c.next_scanline);
			row[x * 3 + 1] = (unsigned char)(x ^ (int)c.next_scanline);
			row[x * 3 + 2] = (unsigned char)(c.next_scanline * 3);
		}
		JSAMPROW rows[1] = {row};
		jpeg_write_scanlines(&c, rows, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	buf_add(out, (const char *)mem, size);
	free(mem);
}

static enum filecheck_result check(const char *mime, const struct buf *b, size_t n)
{
	return filecheck_mem(mime, (const unsigned char *)b->data, n, NULL, NULL);
}

/* Every cut of b (from its first bytes to one byte short, but for the
 * white space a PDF may end with after %%EOF) is broken. */
static void every_cut_broken(const char *mime, const struct buf *b, size_t step)
{
	size_t end = b->len;
	while (end && b->data[end - 1] && strchr(" \r\n", b->data[end - 1]))
		end--;
	for (size_t n = 0; n < end; n += step)
		if (check(mime, b, n) != FILECHECK_BROKEN)
			fail_msg("%s cut at %zu of %zu bytes taken as whole", mime, n, b->len);
	for (size_t n = end > 16 ? end - 16 : 0; n < end; n++)
		if (check(mime, b, n) != FILECHECK_BROKEN)
			fail_msg("%s cut at %zu of %zu bytes taken as whole", mime, n, b->len);
}

static void test_png(void **state)
{
	struct buf b = BUF_INIT;
	make_png(&b, 64, 48);
	long w = 0, h = 0;
	assert_int_equal(filecheck_mem("image/png", (const unsigned char *)b.data, b.len, &w, &h), FILECHECK_OK);
	assert_int_equal(w, 64);
	assert_int_equal(h, 48);
	every_cut_broken("image/png", &b, 1);
	/* a byte changed inside the image data: its CRC fails */
	const char *idat = memmem(b.data, b.len, "IDAT", 4);
	assert_non_null(idat);
	b.data[idat - b.data + 10] ^= 0x55;
	assert_int_equal(check("image/png", &b, b.len), FILECHECK_BROKEN);
	/* only a PNG's signature */
	assert_int_equal(filecheck_mem("image/png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8, NULL, NULL),
			 FILECHECK_BROKEN);
	buf_release(&b);
}

/* The PNG of 1 × 1 that the HTTP tests upload (tests/http/lib.mjs files.png). */
static void test_png_of_the_http_tests(void **state)
{
	static const unsigned char png[] = {
	    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
	    0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	    0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff,
	    0x56, 0xc7, 0x2f, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
	assert_int_equal(filecheck_mem("image/png", png, sizeof png, NULL, NULL), FILECHECK_OK);
	for (size_t n = 0; n < sizeof png; n++)
		assert_int_equal(filecheck_mem("image/png", png, n, NULL, NULL), FILECHECK_BROKEN);
	/* the one they uploaded until 2026-12: its IDAT's zlib check and CRC
	 * wrong (libmagic called it a PNG; read whole it is not one) */
	unsigned char old[sizeof png];
	memcpy(old, png, sizeof png);
	static const unsigned char was[] = {0x02, 0x01, 0xa3, 0xb1, 0xf4, 0xa8};
	memcpy(old + 52, was, sizeof was);
	assert_int_equal(filecheck_mem("image/png", old, sizeof old, NULL, NULL), FILECHECK_BROKEN);
}

/* A PNG whose header says 10000 × 10000: refused before any row is read. */
static void test_png_huge(void **state)
{
	struct buf b = BUF_INIT;
	make_png(&b, 8, 8);
	unsigned char *p = (unsigned char *)b.data;
	/* IHDR's data at 16: width, height (big-endian); its CRC at 29 */
	static const unsigned char side[4] = {0x00, 0x00, 0x27, 0x10}; /* 10000 */
	memcpy(p + 16, side, 4);
	memcpy(p + 20, side, 4);
	uLong crc = crc32(0, p + 12, 17);
	p[29] = (unsigned char)(crc >> 24);
	p[30] = (unsigned char)(crc >> 16);
	p[31] = (unsigned char)(crc >> 8);
	p[32] = (unsigned char)crc;
	long w = 0, h = 0;
	assert_int_equal(filecheck_mem("image/png", p, b.len, &w, &h), FILECHECK_HUGE);
	assert_int_equal(w, 10000);
	assert_int_equal(h, 10000);
	buf_release(&b);
}

static void test_jpeg(void **state)
{
	for (int progressive = 0; progressive < 2; progressive++) {
		struct buf b = BUF_INIT;
		make_jpeg(&b, 120, 90, progressive);
		long w = 0, h = 0;
		assert_int_equal(filecheck_mem("image/jpeg", (const unsigned char *)b.data, b.len, &w, &h),
				 FILECHECK_OK);
		assert_int_equal(w, 120);
		assert_int_equal(h, 90);
		every_cut_broken("image/jpeg", &b, 7);
		/* junk after the end-of-image marker is no damage */
		buf_adds(&b, "trailing");
		assert_int_equal(check("image/jpeg", &b, b.len), FILECHECK_OK);
		buf_release(&b);
	}
	assert_int_equal(filecheck_mem("image/jpeg", (const unsigned char *)"\xff\xd8\xff\xe0junk", 8, NULL, NULL),
			 FILECHECK_BROKEN);
}

/* The size in a JPEG's frame header (SOF0 or SOF2) set to w × h: the
 * header then says a large image whose data is a small one's. */
static void jpeg_resize(struct buf *b, int w, int h)
{
	unsigned char *p = (unsigned char *)b->data;
	for (size_t i = 2; i + 9 < b->len; i++)
		if (p[i] == 0xFF && (p[i + 1] == 0xC0 || p[i + 1] == 0xC2)) {
			p[i + 5] = (unsigned char)(h >> 8), p[i + 6] = (unsigned char)h;
			p[i + 7] = (unsigned char)(w >> 8), p[i + 8] = (unsigned char)w;
			return;
		}
	fail_msg("no frame header");
}

/* A progressive JPEG is refused from its header when its coefficients
 * would take more than FILECHECK_MAX_JPEG_BYTES (7000 × 7000, 4:2:0: 147
 * MB), under the pixel limit; a smaller one is read (and, its data being
 * a small image's, found broken), as is a baseline one of the same size. */
static void test_jpeg_progressive_memory(void **state)
{
	struct buf b = BUF_INIT;
	make_jpeg(&b, 64, 64, 1);
	jpeg_resize(&b, 7000, 7000);
	long w = 0, h = 0;
	assert_int_equal(filecheck_mem("image/jpeg", (const unsigned char *)b.data, b.len, &w, &h), FILECHECK_HUGE);
	assert_int_equal(w, 7000);
	assert_int_equal(h, 7000);
	jpeg_resize(&b, 5000, 5000);
	assert_int_equal(check("image/jpeg", &b, b.len), FILECHECK_BROKEN);
	buf_release(&b);
	make_jpeg(&b, 64, 64, 0);
	jpeg_resize(&b, 7000, 7000);
	assert_int_equal(check("image/jpeg", &b, b.len), FILECHECK_BROKEN);
	buf_release(&b);
}

/* Damage libpng only warns about is damage: a bad CRC in an optional
 * chunk (tEXt after IHDR), image data left over past the rows. */
static void test_png_strict(void **state)
{
	struct buf b = BUF_INIT;
	make_png(&b, 8, 8);
	struct buf t = BUF_INIT;
	buf_add(&t, b.data, 33); /* the signature and IHDR */
	static const unsigned char text[] = {0, 0, 0, 5, 't', 'E', 'X', 't', 'a', 0, 'b', 'c', 'd'};
	buf_add(&t, (const char *)text, sizeof text);
	uLong crc = crc32(0, text + 4, sizeof text - 4);
	unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16), (unsigned char)(crc >> 8),
			      (unsigned char)crc};
	size_t at = t.len;
	buf_add(&t, (const char *)c, 4);
	buf_add(&t, b.data + 33, b.len - 33);
	assert_int_equal(check("image/png", &t, t.len), FILECHECK_OK);
	t.data[at + 3] ^= 0x55;
	assert_int_equal(check("image/png", &t, t.len), FILECHECK_BROKEN);
	buf_release(&t);
	buf_release(&b);
}

static void test_pdf_of_core_pdf(void **state)
{
	struct pdf *p = pdf_new("แบบคำร้อง");
	pdf_heading(p, "ข้อมูลผู้ยื่น");
	pdf_row(p, "ชื่อ", "นายสมชาย ใจดี");
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(pdf_finish(p, &b, &e), 0);
	assert_int_equal(check("application/pdf", &b, b.len), FILECHECK_OK);
	every_cut_broken("application/pdf", &b, 97);
	buf_release(&b);
}

/* The PDF of the HTTP tests (files.pdf): an xref table, startxref's
 * offset written in 10 digits. */
static void pdf_by_hand(struct buf *b, const char *after_eof)
{
	buf_adds(b, "%PDF-1.4\n");
	size_t o1 = b->len;
	buf_adds(b, "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n");
	size_t o2 = b->len;
	buf_adds(b, "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n");
	size_t x = b->len;
	buf_addf(b, "xref\n0 3\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \ntrailer<</Size 3/Root 1 0 R>>\n",
		 o1, o2);
	buf_addf(b, "startxref\n%010zu\n%%%%EOF%s", x, after_eof);
}

static void test_pdf_structure(void **state)
{
	struct buf b = BUF_INIT;
	pdf_by_hand(&b, "\n");
	assert_int_equal(check("application/pdf", &b, b.len), FILECHECK_OK);
	every_cut_broken("application/pdf", &b, 1);
	buf_reset(&b);
	/* bytes after %%EOF (a comment, a scanner's padding) are read past */
	pdf_by_hand(&b, "\r\n% note\n");
	assert_int_equal(check("application/pdf", &b, b.len), FILECHECK_OK);

	/* an xref stream (PDF 1.5) */
	buf_reset(&b);
	buf_adds(&b, "%PDF-1.5\n1 0 obj<</Type/Catalog>>endobj\n");
	size_t x = b.len;
	buf_adds(&b, "2 0 obj<</Type/XRef/Size 3/W[1 1 1]/Root 1 0 R/Length 0>>stream\n\nendstream\nendobj\n");
	buf_addf(&b, "startxref\n%zu\n%%%%EOF\n", x);
	assert_int_equal(check("application/pdf", &b, b.len), FILECHECK_OK);

	/* an incremental update: the last startxref is the one that counts */
	buf_reset(&b);
	pdf_by_hand(&b, "\n");
	size_t x2 = b.len;
	buf_adds(&b, "xref\n0 1\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R/Prev 0>>\n");
	buf_addf(&b, "startxref\n%zu\n%%%%EOF\n", x2);
	assert_int_equal(check("application/pdf", &b, b.len), FILECHECK_OK);

	/* made up: "%PDF-1.4" and anything after it */
	static const char *const fake[] = {
	    "%PDF-1.4 junk",
	    "%PDF-1.4\njunk junk junk junk junk junk junk junk\n%%EOF\n",
	    "%PDF-1.4\njunk junk junk junk\nstartxref\n%%EOF\n",
	    "%PDF-1.4\njunk junk junk junk\nstartxref\n9\n%%EOF\n",       /* names "junk" */
	    "%PDF-1.4\njunk junk junk junk\nstartxref\n99999\n%%EOF\n",   /* past the end */
	    "%PDF-1.4\njunk junk junk junk\nstartxref\n3\n%%EOF\n",       /* inside the header */
	    "%PDF-1.4\n1 0 obj\nstartxref\n9\nzz\n%%EOF\n",              /* not only space before %%EOF */
	    "%PDF-x.y\nxref\nstartxref\n9\n%%EOF\n",                    /* no version */
	    "xref %PDF-1.4\nxref\nstartxref\n14\n%%EOF\n",              /* the header not first */
	    "%PDF-1.4\n1 0 xbj\nstartxref\n9\n%%EOF\n",
	    "%PDF-1.4\n1 0\nstartxref\n9\n%%EOF\n",
	    "%PDF-1.4\n99999999999999999999999 0 obj\nstartxref\n9\n%%EOF\n",
	    "%PDF-1.4\nxref\nstartxref 99999999999999999999999999\n%%EOF\n",
	};
	for (size_t i = 0; i < sizeof fake / sizeof *fake; i++)
		if (filecheck_mem("application/pdf", (const unsigned char *)fake[i], strlen(fake[i]), NULL, NULL) !=
		    FILECHECK_BROKEN)
			fail_msg("taken as a PDF: %s", fake[i]);
	static const char good[] = "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \nstartxref\n9\n%%EOF";
	assert_int_equal(filecheck_mem("application/pdf", (const unsigned char *)good, strlen(good), NULL, NULL),
			 FILECHECK_OK);
	buf_release(&b);
}

static void test_other_types_and_paths(void **state)
{
	assert_int_equal(filecheck_mem("text/csv", (const unsigned char *)"a,b", 3, NULL, NULL), FILECHECK_OK);
	assert_int_equal(filecheck_mem(NULL, NULL, 0, NULL, NULL), FILECHECK_OK);
	assert_int_equal(filecheck_path("application/pdf", "/nonexistent/x.pdf", NULL, NULL), FILECHECK_BROKEN);
	char path[] = "/tmp/khet-filecheck-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(filecheck_path("application/pdf", path, NULL, NULL), FILECHECK_BROKEN); /* empty */
	struct buf b = BUF_INIT;
	pdf_by_hand(&b, "\n");
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	assert_int_equal(filecheck_path("application/pdf", path, NULL, NULL), FILECHECK_OK);
	unlink(path);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_png),		    cmocka_unit_test(test_png_of_the_http_tests),
	    cmocka_unit_test(test_png_huge),	    cmocka_unit_test(test_jpeg),
	    cmocka_unit_test(test_jpeg_progressive_memory), cmocka_unit_test(test_png_strict),
	    cmocka_unit_test(test_pdf_of_core_pdf), cmocka_unit_test(test_pdf_structure),
	    cmocka_unit_test(test_other_types_and_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
