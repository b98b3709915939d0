/* embedded: files compiled into the binary by tools/embed (templates,
 * migrations, the static asset manifest), so one `khet` file is a complete
 * install. Paths are as in the source tree: "templates/layout.html". */
#ifndef KHET_EMBEDDED_H
#define KHET_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* The file at path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
