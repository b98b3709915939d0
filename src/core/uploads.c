/* uploads: see uploads.h. Per folder: one query per naming column (the
 * whole column, no query per file) into a set of names, then one walk of
 * the folder. A file counts as recent by the later of its modification and
 * its status change (a rename into place changes the latter), so a request
 * that has just put a file in place and not committed yet — in this
 * process before the sweep, or in another instance on the same volume —
 * keeps it. */
#define _XOPEN_SOURCE 700
#include "core/uploads.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/module.h"

bool uploads_name_in(const char *dir, const char *stored, char *out, size_t size)
{
	size_t dl = strlen(dir);
	const char *rest = NULL;
	if (!strncmp(stored, dir, dl) && stored[dl] == '/') {
		rest = stored + dl + 1;
	} else if (stored[0] == '/') {
		/* absolute: after the last "/<dir>/" */
		for (const char *p = strstr(stored, "/"); p; p = strstr(p + 1, "/"))
			if (!strncmp(p + 1, dir, dl) && p[dl + 1] == '/')
				rest = p + dl + 2;
	}
	if (!rest || !*rest || strlen(rest) >= size)
		return false;
	/* a ".." part would leave dir; ".." inside a name ("report..pdf") is
	 * an ordinary name, and refusing it would let the sweep remove a file
	 * a row names */
	for (const char *p = rest; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return false;
	memcpy(out, rest, strlen(rest) + 1);
	return true;
}

/* nftw has no user pointer: the walk's state, one sweep at a time (at
 * start, before the server's threads). */
static struct {
	json_t *names;
	size_t root_len;
	time_t cut;
	int removed;
} walk;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	time_t changed = st->st_mtime > st->st_ctime ? st->st_mtime : st->st_ctime;
	if (changed > walk.cut)
		return 0;
	const char *name = path + walk.root_len + 1;
	if (json_object_get(walk.names, name))
		return 0;
	if (unlink(path) == 0) {
		walk.removed++;
		log_info("khet: removed %s: an upload no row names (left by a crash before its commit)", path);
	} else {
		log_error("khet: removing unnamed upload %s: %s", path, strerror(errno));
	}
	return 0;
}

/* The names the columns of dir (the entries from first on with that dir)
 * give; NULL with e when one cannot be read. */
static json_t *names_of(struct db *db, const struct upload_column *first, struct err *e)
{
	json_t *names = json_object();
	for (const struct upload_column *c = first; c->dir; c++) {
		if (strcmp(c->dir, first->dir))
			continue;
		struct buf sql = BUF_INIT;
		buf_addf(&sql, "SELECT %s FROM %s", c->column, c->table);
		struct db_res *res;
		int rc = db_query(db, buf_cstr(&sql), NULL, 0, &res, e);
		buf_release(&sql);
		if (rc < 0) {
			json_decref(names);
			return NULL;
		}
		char name[4096];
		while ((rc = db_next(res, e)) == 1)
			if (uploads_name_in(c->dir, db_text(res, 0), name, sizeof name))
				json_object_set_new(names, name, json_true());
		db_res_free(res);
		if (rc < 0) {
			json_decref(names);
			return NULL;
		}
	}
	return names;
}

int uploads_sweep(struct db *db, const char *data_dir, const struct upload_column *cols, long long older_than,
		  struct err *e)
{
	int removed = 0, failed = 0;
	for (const struct upload_column *c = cols; c && c->dir; c++) {
		/* each dir once: at its first entry */
		bool seen = false;
		for (const struct upload_column *p = cols; p != c; p++)
			seen = seen || !strcmp(p->dir, c->dir);
		if (seen)
			continue;
		struct buf root = BUF_INIT;
		buf_addf(&root, "%s/%s", data_dir, c->dir);
		struct stat st;
		if (stat(buf_cstr(&root), &st) < 0 || !S_ISDIR(st.st_mode)) {
			buf_release(&root);
			continue; /* nothing uploaded there yet */
		}
		struct err qe = ERR_INIT;
		json_t *names = names_of(db, c, &qe);
		if (!names) {
			if (!failed++)
				err_set(e, qe.status ? qe.status : 500, "%s: %s", c->dir, qe.msg);
			buf_release(&root);
			continue;
		}
		walk.names = names;
		walk.root_len = root.len;
		walk.cut = time(NULL) - (time_t)older_than;
		walk.removed = 0;
		if (nftw(buf_cstr(&root), visit, 16, FTW_PHYS) != 0 && !failed++)
			err_set(e, 500, "%s: %s", buf_cstr(&root), strerror(errno));
		removed += walk.removed;
		walk.names = NULL;
		json_decref(names);
		buf_release(&root);
	}
	return failed ? -1 : removed;
}

int uploads_sweep_all(struct db *db, const char *data_dir, long long older_than, struct err *e)
{
	int removed = 0, rc = 0;
	for (int i = 0; khet_modules[i]; i++) {
		if (!khet_modules[i]->uploads)
			continue;
		struct err me = ERR_INIT;
		int n = uploads_sweep(db, data_dir, khet_modules[i]->uploads, older_than, &me);
		if (n < 0) {
			if (rc == 0)
				err_set(e, me.status, "%s: %s", khet_modules[i]->name, me.msg);
			rc = -1;
		} else {
			removed += n;
		}
	}
	return rc < 0 ? -1 : removed;
}
