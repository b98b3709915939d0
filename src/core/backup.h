/* backup: `khet backup DIR` and `khet restore DIR` — the database and the
 * data folder's files as one consistent copy, taken while the server
 * serves, and put back only when every byte is what the backup says.
 *
 * A backup folder holds the database (SQLite: khet.db, a copy made with
 * SQLite's online backup API; PostgreSQL: khet.pgdump, pg_dump's custom
 * format), the data folder's files under data/ (uploads; never the SQLite
 * files or tmp/), and manifest.json, written last: the engine, the rows of
 * every table, and the size and SHA-256 of the database file and of every
 * file. A folder without a manifest is a backup that was cut off. Restore
 * checks every checksum before it touches anything, refuses a database that
 * already holds tables unless forced, and counts the rows of every table
 * again afterwards. Messages are Thai with the English after them: the
 * operator at the shell may read either. */
#ifndef KHET_BACKUP_H
#define KHET_BACKUP_H

#include "core/buf.h"
#include "core/err.h"

/* Backs up the database db_url and the files of data_dir into dir, which
 * must not exist or be empty (and not lie inside data_dir). report gets a
 * summary line. Returns 0, or -1 with e. */
int backup_make(const char *db_url, const char *data_dir, const char *dir, struct buf *report, struct err *e);

/* Checks dir's manifest and every checksum; 0 when the backup is whole,
 * -1 with e saying what is missing or damaged. */
int backup_verify(const char *dir, struct err *e);

/* Restores dir into the database db_url (same engine as the backup) and
 * data_dir. Refuses a database that has tables unless force. After the
 * restore every table's rows are counted against the manifest. */
int backup_restore(const char *dir, const char *db_url, const char *data_dir, int force, struct buf *report,
		   struct err *e);

#endif
