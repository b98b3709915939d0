/* assets: the built static files (static/dist, named by content hash, listed
 * in manifest.json) held in memory with a gzip copy of the compressible ones,
 * served under /static/ with a one-year immutable cache lifetime. */
#ifndef KHET_ASSETS_H
#define KHET_ASSETS_H

#include <stddef.h>

#include "core/err.h"

struct asset {
	const char *name; /* hashed file name, e.g. "app.3fa2b1c0de.css" */
	const char *type;
	const char *data;
	size_t len;
	const char *gz;   /* NULL when not worth compressing */
	size_t gz_len;
};

/* Loads dir/manifest.json and every file it names. A missing manifest is an
 * error naming the build step to run. */
int assets_load(const char *dir, struct err *e);
void assets_free(void);
const struct asset *assets_find(const char *name);
/* The URL ("/static/app.3fa2b1c0de.css") of a logical name ("app.css"). */
const char *assets_url(const char *logical);
/* Every logical name → URL (for the layout model); borrowed. */
struct json_t;
struct json_t *assets_manifest(void);

#endif
