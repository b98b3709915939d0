/* upload: where the accounts module keeps the files people upload with a
 * request — the access request form signed by the director (ACC-4) and the
 * delegation letter of a school-admin registration (ACC-5) — under
 * DATA/files/acc/<kind>/<area>/, named by 128 random bits so a name tells
 * nothing and cannot be guessed, and how such a file is sent back (as an
 * attachment, nosniff: view_file). The type was checked by content when the
 * form was parsed (FT_FILE). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/form.h"
#include "core/view.h"

/* Moves the upload of field into DATA/files/acc/<kind>/<area>/<random>.<ext>
 * and returns its path relative to the data folder in rel. */
int acc_upload_keep(struct req *r, const char *field, const char *kind, long long area_id, struct buf *rel,
		    struct err *e)
{
	const struct form_file *ff = form_file(r, field);
	if (!ff)
		return err_field(e, field, "กรุณาแนบไฟล์");
	const char *ext = !strcmp(ff->mime, "application/pdf") ? "pdf" : !strcmp(ff->mime, "image/png") ? "png" : "jpg";
	unsigned char rnd[16];
	char hex[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_addf(rel, "files/acc/%s/%lld/%s.%s", kind, area_id, hex, ext);
	const char *data_dir = http_settings()->data_dir;
	struct buf dir = BUF_INIT;
	int rc = 0;
	/* files, files/acc, files/acc/<kind>, files/acc/<kind>/<area> */
	for (int depth = 0; rc == 0 && depth < 4; depth++) {
		buf_reset(&dir);
		buf_addf(&dir, "%s/files", data_dir);
		if (depth >= 1)
			buf_adds(&dir, "/acc");
		if (depth >= 2)
			buf_addf(&dir, "/%s", kind);
		if (depth >= 3)
			buf_addf(&dir, "/%lld", area_id);
		if (mkdir(buf_cstr(&dir), 0750) < 0 && errno != EEXIST)
			rc = err_set(e, 500, "mkdir %s: %s", buf_cstr(&dir), strerror(errno));
	}
	if (rc == 0) {
		buf_reset(&dir);
		buf_addf(&dir, "%s/%s", data_dir, buf_cstr(rel));
		rc = form_file_keep(r, field, buf_cstr(&dir), e);
	}
	buf_release(&dir);
	return rc;
}

int acc_upload_send(struct req *r, const char *path, const char *mime, const char *name)
{
	struct buf full = BUF_INIT;
	buf_addf(&full, "%s/%s", http_settings()->data_dir, path);
	int rc = view_file(r, buf_cstr(&full), mime, name);
	buf_release(&full);
	return rc;
}
