/* uploads: the sweep of uploaded files that no row names. An upload is put
 * in place (renamed from the temp folder) inside its request, before the
 * transaction that names it commits; a rollback removes it again
 * (form_kept_discard), but a crash between the two leaves a file named by
 * no row. Each module declares where its uploads live and which columns
 * name them (struct upload_column, core/module.h); at start `khet serve`
 * removes every file of those folders that is older than a few minutes and
 * named by no row. */
#ifndef KHET_UPLOADS_H
#define KHET_UPLOADS_H

#include "core/db.h"
#include "core/err.h"

struct upload_column;

/* The name a stored path gives a file of dir (a folder under the data
 * folder, "files/oss"): its path under dir ("12/a-3f.pdf"), written into
 * out (size bytes), from a value relative to the data folder
 * ("files/oss/12/a-3f.pdf") or absolute ("/var/lib/khet/files/oss/…", even
 * of a data folder since moved: the part after the last "/files/oss/").
 * false when the value names nothing in dir. */
bool uploads_name_in(const char *dir, const char *stored, char *out, size_t size);

/* Removes every regular file under data_dir/<dir> of cols (NULL-ended by
 * dir) whose last change (modification or rename) is older than
 * older_than seconds and that no row's column names. Nothing is removed
 * for a dir when reading one of its columns fails. Returns the number
 * removed, or -1 with e (the first failure; the other dirs are still
 * swept). */
int uploads_sweep(struct db *db, const char *data_dir, const struct upload_column *cols, long long older_than,
		  struct err *e);
/* The same over every module's declared columns. */
int uploads_sweep_all(struct db *db, const char *data_dir, long long older_than, struct err *e);

#endif
