/* gzip: Khet compresses its own HTML and JSON answers when the client
 * accepts gzip, so a deployment without nginx does not send the 120 KB
 * public KPI page as it is (issue 11 item 15). Compressed once per answer,
 * from the finished body, at a fast level: the bench's pages are
 * CPU-bound, and level 1 already takes most of the size away from
 * repetitive HTML. */
#ifndef KHET_GZIP_H
#define KHET_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Bodies smaller than this go as they are (the header costs more than it
 * saves). */
#define GZIP_MIN_BYTES 1024

/* Whether an Accept-Encoding header value accepts gzip: a "gzip" (or
 * "x-gzip") coding, or "*", whose q is not 0 — and gzip not refused by its
 * own q=0 beside a "*". NULL: no. */
bool gzip_accepted(const char *accept_encoding);
/* Whether a Content-Type is worth compressing (HTML, JSON, CSV, plain
 * text, SVG, JavaScript). */
bool gzip_type_compressible(const char *content_type);
/* Compresses n bytes into out as one gzip member (libdeflate, level 1); -1
 * when it fails (the caller then sends the body as it is). */
int gzip_compress(const void *in, size_t n, struct buf *out);

#endif
