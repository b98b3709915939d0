/* backup: a consistent copy of a running Khet — database and files — and
 * its careful way back (see backup.h for the folder's shape).
 *
 * Consistency while serving. Uploads are written under tmp/ and renamed
 * into place before the row that names them commits, and a stored file is
 * never changed afterwards (new content gets a new random name). So the
 * files are copied twice around the database snapshot: once before it
 * (every file that exists then, including one a later request deletes), and
 * once after it (what appeared or changed meanwhile, found by size and
 * modification time). Every file a row of the snapshot names existed when
 * the snapshot was taken, so it is in one of the two passes; a file deleted
 * before the snapshot may be in the backup too, which is harmless.
 *
 * The snapshot itself: SQLite's online backup API copies every page in one
 * step under one read transaction (WAL lets writers go on meanwhile);
 * PostgreSQL exports the snapshot of a REPEATABLE READ transaction, counts
 * the rows in it and hands it to pg_dump --snapshot, so the counts and the
 * dump see the same data.
 *
 * Restore never trusts the folder: the manifest must parse and every file's
 * size and SHA-256 must match before the database is touched. The SQLite
 * copy is renamed into place only after its rows are counted; pg_restore
 * runs as one transaction. Files are written to a temp name and renamed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/backup.h"
#include "core/jsonx.h"

extern char **environ;

#define MANIFEST "manifest.json"
#define FORMAT "khet-backup/1"
#define SQLITE_FILE "khet.db"
#define PG_FILE "khet.pgdump"

/* --- files: copy with a checksum ---------------------------------------- */

struct hashed {
	long long bytes;
	char sha[crypto_hash_sha256_BYTES * 2 + 1];
};

static void sha_hex(crypto_hash_sha256_state *st, struct hashed *h)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(st, d);
	sodium_bin2hex(h->sha, sizeof h->sha, d, sizeof d);
}

/* Reads path through, hashing it; with dst (a temp name), writes the copy
 * too, fsyncs it and renames it to final. */
static int copy_hash(const char *path, const char *dst, const char *final, struct hashed *h, struct err *e)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return err_set(e, 500, "อ่านไฟล์ %s ไม่ได้ — cannot read %s: %s", path, path, strerror(errno));
	int out = -1;
	if (dst && (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
		err_set(e, 500, "เขียนไฟล์ %s ไม่ได้ — cannot write %s: %s", dst, dst, strerror(errno));
		close(in);
		return -1;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	h->bytes = 0;
	unsigned char *b = xmalloc(1 << 16);
	int rc = 0;
	for (;;) {
		ssize_t n = read(in, b, 1 << 16);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(e, 500, "อ่านไฟล์ %s ไม่ได้ — cannot read %s: %s", path, path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, b, (unsigned long long)n);
		h->bytes += n;
		for (ssize_t off = 0; out >= 0 && off < n;) {
			ssize_t w = write(out, b + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc =
				    err_set(e, 500, "เขียนไฟล์ %s ไม่ได้ — cannot write %s: %s", dst, dst, strerror(errno));
				break;
			}
			off += w;
		}
		if (rc < 0)
			break;
	}
	free(b);
	close(in);
	sha_hex(&st, h);
	if (out >= 0) {
		if (rc == 0 && fsync(out) < 0)
			rc = err_set(e, 500, "เขียนไฟล์ %s ไม่ได้ — cannot write %s: %s", dst, dst, strerror(errno));
		if (close(out) < 0 && rc == 0)
			rc = err_set(e, 500, "เขียนไฟล์ %s ไม่ได้ — cannot write %s: %s", dst, dst, strerror(errno));
		if (rc == 0 && rename(dst, final) < 0)
			rc = err_set(e, 500, "เขียนไฟล์ %s ไม่ได้ — cannot write %s: %s", final, final, strerror(errno));
		if (rc < 0)
			unlink(dst);
	}
	return rc;
}

/* Creates every folder of path's parent under root (root exists). */
static int mkdirs_for(const char *root, const char *rel, struct err *e)
{
	struct buf p = BUF_INIT;
	int rc = 0;
	for (const char *s = strchr(rel, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		buf_reset(&p);
		buf_addf(&p, "%s/%.*s", root, (int)(s - rel), rel);
		if (mkdir(buf_cstr(&p), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "สร้างโฟลเดอร์ %s ไม่ได้ — cannot create %s: %s", buf_cstr(&p), buf_cstr(&p),
				     strerror(errno));
	}
	buf_release(&p);
	return rc;
}

/* Copies root/rel to dest_root/rel (through a temp name), hashing it. */
static int copy_rel(const char *root, const char *dest_root, const char *rel, struct hashed *h, struct err *e)
{
	if (mkdirs_for(dest_root, rel, e) < 0)
		return -1;
	struct buf src = BUF_INIT, tmp = BUF_INIT, dst = BUF_INIT;
	buf_addf(&src, "%s/%s", root, rel);
	buf_addf(&dst, "%s/%s", dest_root, rel);
	buf_addf(&tmp, "%s.khet-part", buf_cstr(&dst));
	int rc = copy_hash(buf_cstr(&src), buf_cstr(&tmp), buf_cstr(&dst), h, e);
	buf_release(&src);
	buf_release(&tmp);
	buf_release(&dst);
	return rc;
}

/* --- the data folder's files -------------------------------------------- */

/* What a backup leaves out of the data folder: its temp uploads, the SQLite
 * database and its side files (copied through the backup API instead), and
 * the backup folder itself when someone puts it there. */
struct walk {
	const char *root;
	dev_t skip_dev[5];
	ino_t skip_ino[5];
	int nskip;
	json_t *seen; /* rel → {bytes, sha256, size, mtime} */
	const char *dest;
	int copied;
};

static void walk_skip_path(struct walk *w, const char *path)
{
	struct stat st;
	if (w->nskip < 5 && stat(path, &st) == 0) {
		w->skip_dev[w->nskip] = st.st_dev;
		w->skip_ino[w->nskip++] = st.st_ino;
	}
}

static int walk_skipped(const struct walk *w, const struct stat *st)
{
	for (int i = 0; i < w->nskip; i++)
		if (w->skip_dev[i] == st->st_dev && w->skip_ino[i] == st->st_ino)
			return 1;
	return 0;
}

/* Copies every regular file under root/rel not yet copied with the same
 * size and modification time. */
static int walk_copy(struct walk *w, const char *rel, struct err *e)
{
	struct buf dir = BUF_INIT;
	buf_addf(&dir, "%s%s%s", w->root, *rel ? "/" : "", rel);
	DIR *d = opendir(buf_cstr(&dir));
	if (!d) {
		int rc = errno == ENOENT && *rel ? 0 /* removed meanwhile */
						 : err_set(e, 500, "อ่านโฟลเดอร์ %s ไม่ได้ — cannot read %s: %s",
							   buf_cstr(&dir), buf_cstr(&dir), strerror(errno));
		buf_release(&dir);
		return rc;
	}
	int rc = 0;
	struct dirent *de;
	struct buf child = BUF_INIT, full = BUF_INIT;
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!*rel && !strcmp(de->d_name, "tmp"))
			continue;
		buf_reset(&child);
		buf_addf(&child, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		buf_reset(&full);
		buf_addf(&full, "%s/%s", w->root, buf_cstr(&child));
		size_t nl = strlen(de->d_name);
		if (nl > 10 && !strcmp(de->d_name + nl - 10, ".khet-part"))
			continue; /* a copy being written by another backup or restore */
		struct stat st;
		if (lstat(buf_cstr(&full), &st) < 0)
			continue; /* removed meanwhile */
		if (walk_skipped(w, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = walk_copy(w, buf_cstr(&child), e);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		json_t *had = json_object_get(w->seen, buf_cstr(&child));
		if (had && jint(had, "size") == (long long)st.st_size &&
		    jint(had, "mtime_ns") == (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec)
			continue;
		struct hashed h;
		struct err ce = ERR_INIT;
		if (copy_rel(w->root, w->dest, buf_cstr(&child), &h, &ce) < 0) {
			if (access(buf_cstr(&full), F_OK) < 0)
				continue; /* deleted while being copied */
			*e = ce;
			rc = -1;
			break;
		}
		json_object_set_new(
		    w->seen, buf_cstr(&child),
		    json_pack("{s:I, s:s, s:I, s:I}", "bytes", (json_int_t)h.bytes, "sha256", h.sha, "size",
			      (json_int_t)st.st_size, "mtime_ns",
			      (json_int_t)((long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec)));
		w->copied++;
	}
	closedir(d);
	buf_release(&child);
	buf_release(&full);
	buf_release(&dir);
	return rc;
}

/* --- database URLs ------------------------------------------------------- */

static const char *sqlite_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) ? NULL : url + 7;
}

static int is_pg(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

/* The URL as a keyword=value string without the password, which goes to the
 * child's environment instead (PGPASSWORD): a password in argv would show
 * in every process list. */
static int pg_conninfo(const char *url, struct buf *out, char **password, struct err *e)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &msg);
	if (!opts) {
		err_set(e, 400, "อ่าน URL ฐานข้อมูลไม่ได้ — cannot read the database URL: %s", msg ? msg : "?");
		PQfreemem(msg);
		return -1;
	}
	*password = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			*password = xstrdup(o->val);
			continue;
		}
		buf_addf(out, "%s%s='", out->len ? " " : "", o->keyword);
		for (const char *s = o->val; *s; s++) {
			if (*s == '\'' || *s == '\\')
				buf_addc(out, '\\');
			buf_addc(out, *s);
		}
		buf_addc(out, '\'');
	}
	PQconninfoFree(opts);
	return 0;
}

/* Runs argv (a PostgreSQL client program) with PGPASSWORD set when given;
 * its messages go to our stderr. */
static int run_pg_tool(char *const argv[], const char *password, struct err *e)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11))
			env[k++] = environ[i];
	struct buf pw = BUF_INIT;
	if (password) {
		buf_addf(&pw, "PGPASSWORD=%s", password);
		env[k++] = (char *)buf_cstr(&pw);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, env);
	free(env);
	if (rc != 0) {
		sodium_memzero(pw.data, pw.len);
		buf_release(&pw);
		return err_set(e, 500,
			       "เรียก %s ไม่ได้ (ติดตั้ง postgresql-client หรือยัง?) — cannot run %s (is postgresql-client "
			       "installed?): %s",
			       argv[0], argv[0], strerror(rc));
	}
	if (pw.data)
		sodium_memzero(pw.data, pw.len);
	buf_release(&pw);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(e, 500, "waitpid %s: %s", argv[0], strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, 500, "%s ไม่สำเร็จ (ดูข้อความด้านบน) — %s failed (see its messages above)", argv[0],
			       argv[0]);
	return 0;
}

static PGconn *pg_connect(const char *url, struct err *e)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		err_set(e, 500, "เชื่อมต่อฐานข้อมูลไม่ได้ — cannot connect to the database: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

/* 0 when r succeeded (the caller still owns it), else -1 with e and r
 * cleared. */
static int pg_ok(PGconn *c, PGresult *r, struct err *e)
{
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return 0;
	err_set(e, 500, "PostgreSQL: %s", PQerrorMessage(c));
	PQclear(r);
	return -1;
}

/* Rows of every table of the public schema, into tables {name: rows}. */
static int pg_counts(PGconn *c, json_t *tables, struct err *e)
{
	PGresult *r = PQexec(c, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
	if (pg_ok(c, r, e) < 0)
		return -1;
	int rc = 0;
	struct buf q = BUF_INIT;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0);
		char *id = PQescapeIdentifier(c, name, strlen(name));
		buf_reset(&q);
		buf_addf(&q, "SELECT COUNT(*) FROM public.%s", id ? id : "\"?\"");
		PQfreemem(id);
		PGresult *n = PQexec(c, buf_cstr(&q));
		if ((rc = pg_ok(c, n, e)) == 0) {
			json_object_set_new(tables, name, json_integer(strtoll(PQgetvalue(n, 0, 0), NULL, 10)));
			PQclear(n);
		}
	}
	buf_release(&q);
	PQclear(r);
	return rc;
}

/* The schema names the "thai" collation (db_sqlite.c registers libthai's);
 * counting rows never compares text, so byte order serves for opening. */
static int sq_collate_bytes(void *ctx, int alen, const void *a, int blen, const void *b)
{
	int c = memcmp(a, b, (size_t)(alen < blen ? alen : blen));
	return c ? c : alen - blen;
}

static int sq_open(const char *path, int flags, sqlite3 **h)
{
	int rc = sqlite3_open_v2(path, h, flags, NULL);
	if (rc == SQLITE_OK)
		sqlite3_create_collation(*h, "thai", SQLITE_UTF8, NULL, sq_collate_bytes);
	return rc;
}

static int sq_fail(sqlite3 *h, const char *what, struct err *e)
{
	return err_set(e, 500, "SQLite (%s): %s", what, h ? sqlite3_errmsg(h) : "out of memory");
}

/* Rows of every table, into tables {name: rows}. */
static int sq_counts(sqlite3 *h, json_t *tables, struct err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h,
			       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
			       "ESCAPE '\\' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(h, "tables", e);
	int rc = 0, step;
	struct buf q = BUF_INIT;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char *sql = sqlite3_mprintf("SELECT COUNT(*) FROM \"%w\"", name);
		sqlite3_stmt *c;
		if (!sql || sqlite3_prepare_v2(h, sql, -1, &c, NULL) != SQLITE_OK) {
			rc = sq_fail(h, name, e);
		} else {
			if (sqlite3_step(c) == SQLITE_ROW)
				json_object_set_new(tables, name, json_integer(sqlite3_column_int64(c, 0)));
			else
				rc = sq_fail(h, name, e);
			sqlite3_finalize(c);
		}
		sqlite3_free(sql);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sq_fail(h, "tables", e);
	sqlite3_finalize(st);
	buf_release(&q);
	return rc;
}

/* --- backup -------------------------------------------------------------- */

/* The SQLite snapshot: every page in one step of the online backup API,
 * into DIR/khet.db, switched out of WAL so the copy is one file. */
static int sqlite_snapshot(const char *src_path, const char *dir, json_t *tables, struct hashed *h, struct err *e)
{
	struct buf part = BUF_INIT, final = BUF_INIT;
	buf_addf(&part, "%s/%s.khet-part", dir, SQLITE_FILE);
	buf_addf(&final, "%s/%s", dir, SQLITE_FILE);
	sqlite3 *src = NULL, *dst = NULL;
	int rc = 0;
	if (access(src_path, F_OK) < 0)
		rc = err_set(e, 404, "ไม่พบฐานข้อมูล %s — no database at %s", src_path, src_path);
	else if (sq_open(src_path, SQLITE_OPEN_READWRITE, &src) != SQLITE_OK)
		rc = sq_fail(src, src_path, e);
	else if (sq_open(buf_cstr(&part), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst) != SQLITE_OK)
		rc = sq_fail(dst, buf_cstr(&part), e);
	if (rc == 0) {
		sqlite3_busy_timeout(src, 10000);
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (!b) {
			rc = sq_fail(dst, "backup", e);
		} else {
			int s;
			/* -1: all pages under one read lock, so writers of the server
			 * never restart it; BUSY only while a checkpoint holds the file */
			while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED)
				sqlite3_sleep(50);
			sqlite3_backup_finish(b);
			if (s != SQLITE_DONE)
				rc = err_set(e, 500, "SQLite backup: %s", sqlite3_errstr(s));
		}
	}
	if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = sq_fail(dst, "journal_mode", e);
	if (rc == 0)
		rc = sq_counts(dst, tables, e);
	sqlite3_close(src);
	if (dst && sqlite3_close(dst) != SQLITE_OK && rc == 0)
		rc = err_set(e, 500, "SQLite: cannot close %s", buf_cstr(&part));
	/* hash the finished copy (and fsync it) under its final name */
	if (rc == 0) {
		struct buf tmp2 = BUF_INIT;
		buf_addf(&tmp2, "%s.khet-part2", buf_cstr(&final));
		rc = copy_hash(buf_cstr(&part), buf_cstr(&tmp2), buf_cstr(&final), h, e);
		buf_release(&tmp2);
	}
	unlink(buf_cstr(&part));
	buf_release(&part);
	buf_release(&final);
	return rc;
}

/* The PostgreSQL snapshot: counts and pg_dump in one exported snapshot. */
static int pg_snapshot(const char *url, const char *dir, json_t *tables, struct hashed *h, struct err *e)
{
	PGconn *c = pg_connect(url, e);
	if (!c)
		return -1;
	PGresult *begin = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	int rc = pg_ok(c, begin, e);
	if (rc == 0)
		PQclear(begin);
	PGresult *snap = NULL;
	if (rc == 0 && (rc = pg_ok(c, snap = PQexec(c, "SELECT pg_export_snapshot()"), e)) < 0)
		snap = NULL;
	if (rc == 0)
		rc = pg_counts(c, tables, e);
	struct buf conninfo = BUF_INIT, part = BUF_INIT, final = BUF_INIT, snaparg = BUF_INIT, fileopt = BUF_INIT;
	char *password = NULL;
	buf_addf(&part, "%s/%s.khet-part", dir, PG_FILE);
	buf_addf(&final, "%s/%s", dir, PG_FILE);
	if (rc == 0)
		rc = pg_conninfo(url, &conninfo, &password, e);
	if (rc == 0) {
		buf_addf(&snaparg, "--snapshot=%s", PQgetvalue(snap, 0, 0));
		buf_addf(&fileopt, "--file=%s", buf_cstr(&part));
		char *argv[] = {"pg_dump",
				"--format=custom",
				"--no-sync",
				(char *)buf_cstr(&snaparg),
				(char *)buf_cstr(&fileopt),
				"--dbname",
				(char *)buf_cstr(&conninfo),
				NULL};
		rc = run_pg_tool(argv, password, e);
	}
	PQclear(snap);
	PQclear(PQexec(c, "COMMIT"));
	PQfinish(c);
	if (rc == 0) {
		struct buf tmp2 = BUF_INIT;
		buf_addf(&tmp2, "%s.khet-part2", buf_cstr(&final));
		rc = copy_hash(buf_cstr(&part), buf_cstr(&tmp2), buf_cstr(&final), h, e);
		buf_release(&tmp2);
	}
	unlink(buf_cstr(&part));
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	buf_release(&conninfo);
	buf_release(&part);
	buf_release(&final);
	buf_release(&snaparg);
	buf_release(&fileopt);
	return rc;
}

/* dir must be new or an empty folder: a backup never mixes with another. */
static int backup_dir_prepare(const char *dir, struct err *e)
{
	if (mkdir(dir, 0750) == 0)
		return 0;
	if (errno != EEXIST)
		return err_set(e, 500, "สร้างโฟลเดอร์ %s ไม่ได้ — cannot create %s: %s", dir, dir, strerror(errno));
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, 400, "%s มีอยู่แล้วและไม่ใช่โฟลเดอร์ — %s exists and is not a folder", dir, dir);
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	if (!empty)
		return err_set(e, 400,
			       "โฟลเดอร์ %s มีไฟล์อยู่แล้ว: ใช้โฟลเดอร์ใหม่สำหรับข้อมูลสำรองแต่ละชุด — %s is not empty: give "
			       "each backup a new folder",
			       dir, dir);
	return 0;
}

/* Writes the manifest through a temp name: it is there whole or not at all,
 * and it is the last thing a backup writes. */
static int manifest_write(const char *dir, json_t *m, struct err *e)
{
	struct buf tmp = BUF_INIT, final = BUF_INIT;
	buf_addf(&tmp, "%s/%s.khet-part", dir, MANIFEST);
	buf_addf(&final, "%s/%s", dir, MANIFEST);
	int rc = 0;
	FILE *f = fopen(buf_cstr(&tmp), "w");
	if (!f || json_dumpf(m, f, JSON_INDENT(1) | JSON_SORT_KEYS) < 0 || fputc('\n', f) == EOF || fflush(f) == EOF ||
	    fsync(fileno(f)) < 0)
		rc = err_set(e, 500, "เขียน %s ไม่ได้ — cannot write %s: %s", buf_cstr(&final), buf_cstr(&final),
			     strerror(errno));
	if (f && fclose(f) == EOF && rc == 0)
		rc = err_set(e, 500, "เขียน %s ไม่ได้ — cannot write %s", buf_cstr(&final), buf_cstr(&final));
	if (rc == 0 && rename(buf_cstr(&tmp), buf_cstr(&final)) < 0)
		rc = err_set(e, 500, "เขียน %s ไม่ได้ — cannot write %s: %s", buf_cstr(&final), buf_cstr(&final),
			     strerror(errno));
	if (rc == 0) { /* the rename itself must reach the disk */
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	} else {
		unlink(buf_cstr(&tmp));
	}
	buf_release(&tmp);
	buf_release(&final);
	return rc;
}

int backup_make(const char *db_url, const char *data_dir, const char *dir, struct buf *report, struct err *e)
{
	const char *sq = sqlite_path(db_url);
	if (!sq && !is_pg(db_url))
		return err_set(e, 400, "ไม่รู้จัก URL ฐานข้อมูล %s — unknown database URL %s", db_url, db_url);
	char *real_data = realpath(data_dir, NULL);
	if (!real_data)
		return err_set(e, 400, "ไม่พบโฟลเดอร์ข้อมูล %s — no data folder %s: %s", data_dir, data_dir,
			       strerror(errno));
	if (backup_dir_prepare(dir, e) < 0) {
		free(real_data);
		return -1;
	}
	/* inside the data folder, each backup would carry all the earlier ones */
	char *real_dir = realpath(dir, NULL);
	size_t dl = strlen(real_data);
	int inside = real_dir && !strncmp(real_dir, real_data, dl) && (real_dir[dl] == '/' || !real_dir[dl]);
	free(real_dir);
	free(real_data);
	if (inside) {
		rmdir(dir);
		return err_set(
		    e, 400,
		    "โฟลเดอร์ข้อมูลสำรอง %s อยู่ในโฟลเดอร์ข้อมูล %s: เลือกที่อื่น (ดีที่สุดคืออีกดิสก์หนึ่ง) — the "
		    "backup folder %s is inside the data folder %s: choose another place (best another disk)",
		    dir, data_dir, dir, data_dir);
	}
	struct buf files_dir = BUF_INIT;
	buf_addf(&files_dir, "%s/data", dir);
	int rc = 0;
	if (mkdir(buf_cstr(&files_dir), 0750) < 0 && errno != EEXIST)
		rc = err_set(e, 500, "สร้างโฟลเดอร์ %s ไม่ได้ — cannot create %s: %s", buf_cstr(&files_dir),
			     buf_cstr(&files_dir), strerror(errno));
	struct walk w = {.root = data_dir, .seen = json_object(), .dest = buf_cstr(&files_dir)};
	walk_skip_path(&w, dir);
	if (sq) {
		struct buf side = BUF_INIT;
		walk_skip_path(&w, sq);
		static const char *const suffix[] = {"-wal", "-shm", "-journal"};
		for (int i = 0; i < 3; i++) {
			buf_reset(&side);
			buf_addf(&side, "%s%s", sq, suffix[i]);
			walk_skip_path(&w, buf_cstr(&side));
		}
		buf_release(&side);
	}
	json_t *tables = json_object();
	struct hashed dbh;
	/* files, snapshot, files again (see the top of this file) */
	if (rc == 0)
		rc = walk_copy(&w, "", e);
	if (rc == 0)
		rc = sq ? sqlite_snapshot(sq, dir, tables, &dbh, e) : pg_snapshot(db_url, dir, tables, &dbh, e);
	if (rc == 0)
		rc = walk_copy(&w, "", e);
	if (rc == 0) {
		json_t *files = json_array();
		long long total = 0;
		const char *rel;
		json_t *v;
		json_object_foreach(w.seen, rel, v)
		{
			json_array_append_new(files, json_pack("{s:s, s:O, s:O}", "path", rel, "bytes",
							       json_object_get(v, "bytes"), "sha256",
							       json_object_get(v, "sha256")));
			total += jint(v, "bytes");
		}
		long long rows = 0;
		json_object_foreach(tables, rel, v) rows += json_integer_value(v);
		json_t *m = json_pack("{s:s, s:s, s:I, s:{s:s, s:I, s:s}, s:o, s:I, s:I, s:o}", "format", FORMAT,
				      "engine", sq ? "sqlite" : "postgres", "created_at", (json_int_t)time(NULL),
				      "database", "file", sq ? SQLITE_FILE : PG_FILE, "bytes", (json_int_t)dbh.bytes,
				      "sha256", dbh.sha, "tables", json_incref(tables), "rows", (json_int_t)rows,
				      "file_bytes", (json_int_t)total, "files", files);
		rc = manifest_write(dir, m, e);
		if (rc == 0)
			buf_addf(report,
				 "khet: สำรองข้อมูลแล้วที่ %s: %zu ตาราง %lld แถว, %zu ไฟล์ (%lld ไบต์) — backup written to "
				 "%s: %zu tables, %lld rows, %zu files (%lld bytes)\n",
				 dir, json_object_size(tables), rows, json_array_size(files), total, dir,
				 json_object_size(tables), rows, json_array_size(files), total);
		json_decref(m);
	}
	json_decref(tables);
	json_decref(w.seen);
	buf_release(&files_dir);
	return rc;
}

/* --- verify and restore -------------------------------------------------- */

/* A relative path the manifest may name: no absolute path, no "..", no
 * empty part, so a doctored manifest cannot write outside the data folder. */
static int rel_path_safe(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s;) {
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
		if (*s == '/')
			s++;
	}
	return 1;
}

static int check_one(const char *path, const char *shown, long long bytes, const char *sha, struct err *e)
{
	struct hashed h;
	struct err ce = ERR_INIT;
	if (access(path, F_OK) < 0)
		return err_set(e, 400, "ข้อมูลสำรองไม่ครบ: ไม่มีไฟล์ %s — the backup is incomplete: %s is missing", shown,
			       shown);
	if (copy_hash(path, NULL, NULL, &h, &ce) < 0) {
		*e = ce;
		return -1;
	}
	if (h.bytes != bytes || strcmp(h.sha, sha))
		return err_set(e, 400,
			       "ข้อมูลสำรองเสียหาย: %s ไม่ตรงกับ manifest (ขนาดหรือ checksum ต่างกัน) — the backup is "
			       "damaged: %s does not match its size or checksum in the manifest",
			       shown, shown);
	return 0;
}

/* Reads dir's manifest and checks its shape and every file against it. */
static json_t *manifest_check(const char *dir, struct err *e)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/%s", dir, MANIFEST);
	json_error_t je;
	json_t *m = NULL;
	if (access(dir, F_OK) < 0) {
		err_set(e, 404, "ไม่พบโฟลเดอร์ข้อมูลสำรอง %s — no backup folder %s", dir, dir);
		goto out;
	}
	if (access(buf_cstr(&p), F_OK) < 0) {
		err_set(e, 400,
			"ข้อมูลสำรองไม่ครบ: ไม่มี %s ใน %s (การสำรองถูกขัดจังหวะ?) — the backup is incomplete: %s has "
			"no %s (was the backup interrupted?)",
			MANIFEST, dir, dir, MANIFEST);
		goto out;
	}
	m = json_load_file(buf_cstr(&p), JSON_REJECT_DUPLICATES, &je);
	const char *engine = m ? jstr(m, "engine") : "";
	json_t *db = m ? json_object_get(m, "database") : NULL;
	json_t *tables = m ? json_object_get(m, "tables") : NULL;
	json_t *files = m ? json_object_get(m, "files") : NULL;
	if (!m || !json_is_object(m) || strcmp(jstr(m, "format"), FORMAT) ||
	    (strcmp(engine, "sqlite") && strcmp(engine, "postgres")) || !json_is_object(db) ||
	    !json_is_object(tables) || !json_is_array(files) ||
	    strcmp(jstr(db, "file"), !strcmp(engine, "sqlite") ? SQLITE_FILE : PG_FILE)) {
		err_set(e, 400, "ข้อมูลสำรองเสียหาย: อ่าน %s ไม่ได้ (%s) — the backup is damaged: %s cannot be read (%s)",
			MANIFEST, m ? "รูปแบบไม่ถูกต้อง" : je.text, MANIFEST, m ? "unexpected content" : je.text);
		json_decref(m);
		m = NULL;
		goto out;
	}
	buf_reset(&p);
	buf_addf(&p, "%s/%s", dir, jstr(db, "file"));
	if (check_one(buf_cstr(&p), jstr(db, "file"), jint(db, "bytes"), jstr(db, "sha256"), e) < 0)
		goto bad;
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		const char *rel = jstr(f, "path");
		if (!rel_path_safe(rel)) {
			err_set(e, 400,
				"ข้อมูลสำรองเสียหาย: manifest มีชื่อไฟล์ที่ใช้ไม่ได้ \"%s\" — the backup is damaged: the "
				"manifest names an unsafe path \"%s\"",
				rel, rel);
			goto bad;
		}
		buf_reset(&p);
		buf_addf(&p, "%s/data/%s", dir, rel);
		struct buf shown = BUF_INIT;
		buf_addf(&shown, "data/%s", rel);
		int rc = check_one(buf_cstr(&p), buf_cstr(&shown), jint(f, "bytes"), jstr(f, "sha256"), e);
		buf_release(&shown);
		if (rc < 0)
			goto bad;
	}
	goto out;
bad:
	json_decref(m);
	m = NULL;
out:
	buf_release(&p);
	return m;
}

int backup_verify(const char *dir, struct err *e)
{
	json_t *m = manifest_check(dir, e);
	json_decref(m);
	return m ? 0 : -1;
}

/* Every table of the manifest with its rows, and no other table. */
static int counts_match(json_t *want, json_t *got, struct err *e)
{
	const char *name;
	json_t *v;
	json_object_foreach(want, name, v)
	{
		json_t *g = json_object_get(got, name);
		if (!g)
			return err_set(e, 500, "หลังกู้คืนไม่มีตาราง %s — after the restore, table %s is missing", name,
				       name);
		if (json_integer_value(g) != json_integer_value(v))
			return err_set(e, 500,
				       "หลังกู้คืน ตาราง %s มี %lld แถว แต่ข้อมูลสำรองมี %lld แถว — after the restore, "
				       "table %s has %lld rows, the backup says %lld",
				       name, (long long)json_integer_value(g), (long long)json_integer_value(v), name,
				       (long long)json_integer_value(g), (long long)json_integer_value(v));
	}
	json_object_foreach(got, name, v) if (!json_object_get(want, name)) return err_set(
	    e, 500, "หลังกู้คืนมีตาราง %s ที่ข้อมูลสำรองไม่มี — after the restore, table %s is not in the backup", name, name);
	return 0;
}

static int refuse_not_empty(size_t ntables, struct err *e)
{
	return err_set(e, 409,
		       "ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว (%zu ตาราง): หยุด khet serve แล้วใช้ --force ถ้าต้องการเขียนทับ — "
		       "the target database is not empty (%zu tables): stop khet serve and add --force to overwrite it",
		       ntables, ntables);
}

static int sqlite_restore(const char *dir, const char *target, json_t *m, int force, struct err *e)
{
	json_t *now = json_object();
	sqlite3 *h = NULL;
	int rc = 0;
	if (access(target, F_OK) == 0) {
		if (sq_open(target, SQLITE_OPEN_READONLY, &h) != SQLITE_OK)
			rc = sq_fail(h, target, e);
		else
			rc = sq_counts(h, now, e);
		sqlite3_close(h);
		h = NULL;
		if (rc == 0 && json_object_size(now) > 0 && !force)
			rc = refuse_not_empty(json_object_size(now), e);
	}
	json_decref(now);
	if (rc < 0)
		return -1;
	struct buf src = BUF_INIT, part = BUF_INIT, side = BUF_INIT;
	buf_addf(&src, "%s/%s", dir, SQLITE_FILE);
	buf_addf(&part, "%s.khet-part", target);
	struct hashed hh;
	/* the copy is counted before it takes the database's place */
	rc = copy_hash(buf_cstr(&src), buf_cstr(&part), buf_cstr(&part), &hh, e);
	json_t *got = json_object();
	if (rc == 0 && strcmp(hh.sha, jstr(json_object_get(m, "database"), "sha256")))
		rc = err_set(e, 500, "คัดลอก %s ไม่สำเร็จ — copying %s failed (checksum)", SQLITE_FILE, SQLITE_FILE);
	if (rc == 0) {
		if (sq_open(buf_cstr(&part), SQLITE_OPEN_READWRITE, &h) != SQLITE_OK)
			rc = sq_fail(h, buf_cstr(&part), e);
		else
			rc = sq_counts(h, got, e);
		if (rc == 0)
			rc = counts_match(json_object_get(m, "tables"), got, e);
		sqlite3_close(h);
	}
	json_decref(got);
	if (rc == 0) {
		/* an old WAL beside the new file would be replayed into it */
		static const char *const suffix[] = {"-wal", "-shm", "-journal"};
		for (int i = 0; i < 3; i++) {
			buf_reset(&side);
			buf_addf(&side, "%s%s", target, suffix[i]);
			unlink(buf_cstr(&side));
		}
		if (rename(buf_cstr(&part), target) < 0)
			rc = err_set(e, 500, "เขียน %s ไม่ได้ — cannot write %s: %s", target, target, strerror(errno));
	}
	if (rc < 0)
		unlink(buf_cstr(&part));
	buf_release(&src);
	buf_release(&part);
	buf_release(&side);
	return rc;
}

static int pg_restore_into(const char *dir, const char *url, json_t *m, int force, struct err *e)
{
	PGconn *c = pg_connect(url, e);
	if (!c)
		return -1;
	json_t *now = json_object();
	int rc = pg_counts(c, now, e);
	size_t had = json_object_size(now);
	json_decref(now);
	if (rc == 0 && had > 0 && !force)
		rc = refuse_not_empty(had, e);
	struct buf conninfo = BUF_INIT, dump = BUF_INIT;
	char *password = NULL;
	if (rc == 0)
		rc = pg_conninfo(url, &conninfo, &password, e);
	if (rc == 0) {
		buf_addf(&dump, "%s/%s", dir, PG_FILE);
		/* one transaction: a failed restore leaves the database as it was */
		char *argv[12];
		int n = 0;
		argv[n++] = "pg_restore";
		argv[n++] = "--exit-on-error";
		argv[n++] = "--single-transaction";
		argv[n++] = "--no-owner";
		argv[n++] = "--no-privileges";
		if (had > 0) {
			argv[n++] = "--clean";
			argv[n++] = "--if-exists";
		}
		argv[n++] = "--dbname";
		argv[n++] = (char *)buf_cstr(&conninfo);
		argv[n++] = (char *)buf_cstr(&dump);
		argv[n] = NULL;
		rc = run_pg_tool(argv, password, e);
	}
	if (rc == 0) {
		json_t *got = json_object();
		rc = pg_counts(c, got, e);
		if (rc == 0)
			rc = counts_match(json_object_get(m, "tables"), got, e);
		json_decref(got);
	}
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	buf_release(&conninfo);
	buf_release(&dump);
	PQfinish(c);
	return rc;
}

int backup_restore(const char *dir, const char *db_url, const char *data_dir, int force, struct buf *report,
		   struct err *e)
{
	const char *sq = sqlite_path(db_url);
	if (!sq && !is_pg(db_url))
		return err_set(e, 400, "ไม่รู้จัก URL ฐานข้อมูล %s — unknown database URL %s", db_url, db_url);
	json_t *m = manifest_check(dir, e);
	if (!m)
		return -1;
	int rc = 0;
	const char *engine = jstr(m, "engine");
	if (strcmp(engine, sq ? "sqlite" : "postgres"))
		rc = err_set(
		    e, 400,
		    "ข้อมูลสำรองนี้เป็นของ %s แต่ฐานข้อมูลปลายทางเป็น %s: กู้คืนได้เฉพาะฐานข้อมูลชนิดเดียวกัน — "
		    "this backup is of %s but the target database is %s: restore into the same kind of database",
		    engine, sq ? "sqlite" : "postgres", engine, sq ? "sqlite" : "postgres");
	if (rc == 0 && mkdir(data_dir, 0750) < 0 && errno != EEXIST)
		rc = err_set(e, 500, "สร้างโฟลเดอร์ %s ไม่ได้ — cannot create %s: %s", data_dir, data_dir, strerror(errno));
	if (rc == 0)
		rc = sq ? sqlite_restore(dir, sq, m, force, e) : pg_restore_into(dir, db_url, m, force, e);
	json_t *files = json_object_get(m, "files");
	struct buf from = BUF_INIT;
	buf_addf(&from, "%s/data", dir);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f)
	{
		if (rc < 0)
			break;
		struct hashed h;
		if ((rc = copy_rel(buf_cstr(&from), data_dir, jstr(f, "path"), &h, e)) == 0 &&
		    strcmp(h.sha, jstr(f, "sha256")))
			rc = err_set(e, 500, "คัดลอก %s ไม่สำเร็จ — copying %s failed (checksum)", jstr(f, "path"),
				     jstr(f, "path"));
	}
	if (rc == 0)
		buf_addf(report,
			 "khet: กู้คืนจาก %s แล้ว: %zu ตาราง %lld แถว, %zu ไฟล์ ตรงตาม manifest — restored from %s: %zu "
			 "tables, %lld rows, %zu files, all as the manifest says\n",
			 dir, json_object_size(json_object_get(m, "tables")), jint(m, "rows"), json_array_size(files),
			 dir, json_object_size(json_object_get(m, "tables")), jint(m, "rows"), json_array_size(files));
	buf_release(&from);
	json_decref(m);
	return rc;
}
