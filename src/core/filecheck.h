/* filecheck: whether an upload is a whole file of its type. libmagic
 * (core/form.c) names a file's type by its first bytes only, so a PNG cut
 * off in transfer, or a text that starts "%PDF-1.4", passes as one; the
 * officer who opens it later finds nothing. Here the file is read whole by
 * the libraries that read these types: a PNG by libpng (every chunk's CRC,
 * the compressed rows to the last, IEND), a JPEG by libjpeg (the entropy
 * data to the end-of-image marker; decoded at 1/8 scale, which reads every
 * byte but costs little), and a PDF by its structure: the "%PDF-x.y"
 * header, and at its end "startxref", the offset of a cross-reference
 * section ("xref", or an object "N G obj" holding an xref stream) that is
 * really there, and "%%EOF" — what a reader looks for first, and what a
 * cut-off or made-up file lacks. Images larger than FILECHECK_MAX_PIXELS
 * are refused before their rows are read (a few MB of PNG can inflate to
 * gigabytes). Every FT_FILE upload passes through form.c's check_file,
 * which calls this; the messages are the form's. */
#ifndef KHET_FILECHECK_H
#define KHET_FILECHECK_H

#include <stddef.h>

/* 50 megapixels: a phone's largest photo, an A4 page scanned at 600 dpi */
#define FILECHECK_MAX_PIXELS 50000000LL
/* the memory a progressive JPEG's coefficients may take while it is read
 * (its whole image at once): 128 MB, a 37-megapixel colour photo (4:2:0) */
#define FILECHECK_MAX_JPEG_BYTES (128L * 1024 * 1024)

enum filecheck_result {
	FILECHECK_OK = 0,
	FILECHECK_BROKEN = -1, /* cut off, damaged, or not the type at all */
	FILECHECK_HUGE = -2,   /* an image of more than FILECHECK_MAX_PIXELS, or a progressive
				  JPEG of more than FILECHECK_MAX_JPEG_BYTES of coefficients */
};

/* The n bytes at p as a file of type mime ("image/png", "image/jpeg",
 * "application/pdf"; any other type: FILECHECK_OK, nothing to check).
 * *w and *h (may be NULL) get an image's pixel size when it was read. */
enum filecheck_result filecheck_mem(const char *mime, const unsigned char *p, size_t n, long *w, long *h);
/* The same of the file at path (read whole; a file that cannot be read is
 * FILECHECK_BROKEN). */
enum filecheck_result filecheck_path(const char *mime, const char *path, long *w, long *h);

#endif
