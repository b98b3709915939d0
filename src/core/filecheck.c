/* filecheck: see filecheck.h. The PNG and JPEG readers report through
 * longjmp; what a function changes after its setjmp and reads after the
 * jump back (the result, the row buffer) is volatile. */
#include "core/filecheck.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"

/* --- PNG: libpng, row by row into one row's buffer ------------------------- */

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static void png_read_mem(png_structp png, png_bytep out, size_t len)
{
	struct mem *m = png_get_io_ptr(png);
	if (len > m->n - m->off)
		png_error(png, "cut off");
	memcpy(out, m->p + m->off, len);
	m->off += len;
}

static void png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static enum filecheck_result check_png(const unsigned char *p, size_t n, long *w, long *h)
{
	if (n < 8 || png_sig_cmp(p, 0, 8))
		return FILECHECK_BROKEN;
	struct mem m = {p, n, 0};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return FILECHECK_BROKEN;
	}
	unsigned char *volatile row = NULL;
	volatile enum filecheck_result rc = FILECHECK_BROKEN;
	if (setjmp(png_jmpbuf(png)))
		goto done;
	/* a bad CRC in an optional chunk, or image data past the rows, is
	 * damage too: libpng would only warn */
	png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
	png_set_benign_errors(png, 0);
	png_set_read_fn(png, &m, png_read_mem);
	png_read_info(png, info);
	png_uint_32 pw = png_get_image_width(png, info), ph = png_get_image_height(png, info);
	if (w)
		*w = (long)pw;
	if (h)
		*h = (long)ph;
	if ((long long)pw * (long long)ph > FILECHECK_MAX_PIXELS) {
		rc = FILECHECK_HUGE;
		goto done;
	}
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	row = xmalloc(png_get_rowbytes(png, info) + 1);
	for (int pass = 0; pass < passes; pass++)
		for (png_uint_32 y = 0; y < ph; y++)
			png_read_row(png, row, NULL);
	/* the chunks after the image, to IEND */
	png_read_end(png, NULL);
	rc = FILECHECK_OK;
done:
	free(row);
	png_destroy_read_struct(&png, &info, NULL);
	return rc;
}

/* --- JPEG: libjpeg at 1/8 scale -------------------------------------------- */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	bool cut; /* the data ended before the image did */
};

static void jpeg_fail(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;
	longjmp(e->jb, 1);
}

/* libjpeg reads on past a file cut off (it makes up an end-of-image
 * marker) and only warns: those warnings are the file's fault */
static void jpeg_note(j_common_ptr c, int level)
{
	struct jerr *e = (struct jerr *)c->err;
	if (level < 0 && (c->err->msg_code == JWRN_JPEG_EOF || c->err->msg_code == JWRN_HIT_MARKER))
		e->cut = true;
}

static enum filecheck_result check_jpeg(const unsigned char *p, size_t n, long *w, long *h)
{
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return FILECHECK_BROKEN;
	struct jpeg_decompress_struct ci;
	struct jerr je;
	memset(&je, 0, sizeof je);
	ci.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jpeg_fail;
	je.pub.emit_message = jpeg_note;
	JSAMPLE *volatile row = NULL;
	volatile enum filecheck_result rc = FILECHECK_BROKEN;
	volatile bool created = false;
	/* set before jpeg_create_decompress, whose failure jumps here too */
	if (setjmp(je.jb))
		goto done;
	jpeg_create_decompress(&ci);
	created = true;
	/* a backstop: the progressive buffer is checked below first */
	ci.mem->max_memory_to_use = FILECHECK_MAX_JPEG_BYTES + 32L * 1024 * 1024;
	jpeg_mem_src(&ci, p, (unsigned long)n);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK)
		goto done;
	if (w)
		*w = (long)ci.image_width;
	if (h)
		*h = (long)ci.image_height;
	if ((long long)ci.image_width * (long long)ci.image_height > FILECHECK_MAX_PIXELS) {
		rc = FILECHECK_HUGE;
		goto done;
	}
	/* A progressive image keeps every coefficient of the whole image
	 * (64 of 2 bytes a block and component) from jpeg_start_decompress
	 * on, before a byte of its data is read: so a file of 1 KB cut from
	 * a 7000 × 7000 one took 283 MB a check. The header gives the blocks
	 * (jpeg_read_header has reached the first scan). */
	if (ci.progressive_mode) {
		unsigned long long coef = 0;
		for (int c = 0; c < ci.num_components; c++)
			coef += (unsigned long long)ci.comp_info[c].width_in_blocks * ci.comp_info[c].height_in_blocks *
				DCTSIZE2 * sizeof(JCOEF);
		if (coef > FILECHECK_MAX_JPEG_BYTES) {
			rc = FILECHECK_HUGE;
			goto done;
		}
	}
	ci.scale_num = 1;
	ci.scale_denom = 8;
	ci.dct_method = JDCT_IFAST;
	ci.do_fancy_upsampling = FALSE;
	ci.do_block_smoothing = FALSE;
	jpeg_start_decompress(&ci);
	row = xmalloc((size_t)ci.output_width * (size_t)ci.output_components + 1);
	while (ci.output_scanline < ci.output_height && !je.cut) {
		JSAMPROW rows[1] = {row};
		if (jpeg_read_scanlines(&ci, rows, 1) != 1)
			goto done;
	}
	if (je.cut)
		goto done;
	/* on to the end-of-image marker */
	jpeg_finish_decompress(&ci);
	if (!je.cut)
		rc = FILECHECK_OK;
done:
	free(row);
	if (created)
		jpeg_destroy_decompress(&ci);
	return rc;
}

/* --- PDF: the header and the end a reader starts from ---------------------- */

static bool pdf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The last s in [from, to), or NULL. */
static const unsigned char *last_of(const unsigned char *from, const unsigned char *to, const char *s)
{
	size_t k = strlen(s);
	if ((size_t)(to - from) < k)
		return NULL;
	for (const unsigned char *q = to - k;; q--) {
		if (!memcmp(q, s, k))
			return q;
		if (q == from)
			return NULL;
	}
}

/* Digits at *q (before end) as a number no larger than max: true with
 * *out and *q past them. */
static bool pdf_number(const unsigned char **q, const unsigned char *end, size_t max, size_t *out)
{
	const unsigned char *s = *q;
	size_t v = 0;
	while (s < end && digit(*s)) {
		v = v * 10 + (size_t)(*s - '0');
		if (v > max)
			return false;
		s++;
	}
	if (s == *q)
		return false;
	*out = v;
	*q = s;
	return true;
}

static const unsigned char *skip_space(const unsigned char *q, const unsigned char *end)
{
	while (q < end && pdf_space(*q))
		q++;
	return q;
}

static enum filecheck_result check_pdf(const unsigned char *p, size_t n)
{
	if (n < 16 || memcmp(p, "%PDF-", 5) || !digit(p[5]) || p[6] != '.' || !digit(p[7]))
		return FILECHECK_BROKEN;
	/* "%%EOF" within the last 1024 bytes, as readers accept it */
	const unsigned char *end = p + n;
	const unsigned char *eof = last_of(p + (n > 1024 ? n - 1024 : 0), end, "%%EOF");
	if (!eof)
		return FILECHECK_BROKEN;
	/* "startxref", its offset, then only white space to "%%EOF" */
	const unsigned char *sx = last_of(eof - p > 1024 ? eof - 1024 : p, eof, "startxref");
	if (!sx)
		return FILECHECK_BROKEN;
	const unsigned char *q = skip_space(sx + 9, eof);
	size_t off;
	if (q == sx + 9 || !pdf_number(&q, eof, n, &off) || skip_space(q, eof) != eof)
		return FILECHECK_BROKEN;
	/* the offset names a cross-reference section before startxref */
	if (off < 8 || off >= (size_t)(sx - p))
		return FILECHECK_BROKEN;
	q = skip_space(p + off, sx);
	if (sx - q >= 4 && !memcmp(q, "xref", 4))
		return FILECHECK_OK;
	size_t num, gen;
	if (!pdf_number(&q, sx, n, &num) || q == sx || !pdf_space(*q))
		return FILECHECK_BROKEN;
	q = skip_space(q, sx);
	if (!pdf_number(&q, sx, 65535, &gen) || q == sx || !pdf_space(*q))
		return FILECHECK_BROKEN;
	q = skip_space(q, sx);
	return sx - q >= 3 && !memcmp(q, "obj", 3) ? FILECHECK_OK : FILECHECK_BROKEN;
}

enum filecheck_result filecheck_mem(const char *mime, const unsigned char *p, size_t n, long *w, long *h)
{
	if (!mime)
		return FILECHECK_OK;
	if (!strcmp(mime, "image/png"))
		return check_png(p, n, w, h);
	if (!strcmp(mime, "image/jpeg"))
		return check_jpeg(p, n, w, h);
	if (!strcmp(mime, "application/pdf"))
		return check_pdf(p, n);
	return FILECHECK_OK;
}

enum filecheck_result filecheck_path(const char *mime, const char *path, long *w, long *h)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FILECHECK_BROKEN;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return FILECHECK_BROKEN;
	}
	size_t n = (size_t)st.st_size;
	void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return FILECHECK_BROKEN;
	enum filecheck_result rc = filecheck_mem(mime, m, n, w, h);
	munmap(m, n);
	return rc;
}
