/* assets: reading the static build into memory once at start. Files are
 * small (CSS, JS, two fonts), so serving them from memory is both simplest
 * and fastest; fonts are already compressed and are not gzipped again. */
#include "core/assets.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"

static struct asset *list;
static size_t nlist;
static json_t *manifest;

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".woff2", "font/woff2"},            {".woff", "font/woff"},
		{".svg", "image/svg+xml"},           {".png", "image/png"},
		{".ico", "image/x-icon"},            {".json", "application/json"},
		{".webmanifest", "application/manifest+json"},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static int read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_release(&b);
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

static void compress_asset(struct asset *a)
{
	if (strncmp(a->type, "text/", 5) && strncmp(a->type, "image/svg", 9) && strncmp(a->type, "application/json", 16))
		return;
	uLongf cap = compressBound(a->len) + 32;
	unsigned char *out = xmalloc(cap);
	z_stream z = {0};
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return;
	}
	z.next_in = (unsigned char *)a->data;
	z.avail_in = (uInt)a->len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || n >= a->len) {
		free(out);
		return;
	}
	a->gz = (const char *)out;
	a->gz_len = n;
}

int assets_load(const char *dir, struct err *e)
{
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/manifest.json", dir);
	json_error_t je;
	manifest = json_load_file(buf_cstr(&path), 0, &je);
	if (!manifest || !json_is_object(manifest)) {
		err_set(e, 500, "อ่านรายการไฟล์ static ไม่ได้ (%s: %s) — สั่ง make หรือ scripts/build-static.sh ก่อน",
			buf_cstr(&path), je.text);
		buf_release(&path);
		json_decref(manifest);
		manifest = NULL;
		return -1;
	}
	const char *key;
	json_t *val;
	json_object_foreach(manifest, key, val)
	{
		const char *url = json_string_value(val);
		if (!url || strncmp(url, "/static/", 8) || strchr(url + 8, '/')) {
			err_set(e, 500, "manifest.json: %s has a bad URL", key);
			goto fail;
		}
		const char *name = url + 8;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, name);
		char *data;
		size_t len;
		if (read_file(buf_cstr(&path), &data, &len) < 0) {
			err_set(e, 500, "อ่านไฟล์ %s ไม่ได้ — สั่ง scripts/build-static.sh ใหม่", buf_cstr(&path));
			goto fail;
		}
		list = xrealloc(list, sizeof *list * (nlist + 1));
		struct asset *a = &list[nlist++];
		memset(a, 0, sizeof *a);
		a->name = xstrdup(name);
		a->type = type_of(name);
		a->data = data;
		a->len = len;
		compress_asset(a);
	}
	buf_release(&path);
	return 0;
fail:
	buf_release(&path);
	assets_free();
	return -1;
}

void assets_free(void)
{
	for (size_t i = 0; i < nlist; i++) {
		free((char *)list[i].name);
		free((char *)list[i].data);
		free((char *)list[i].gz);
	}
	free(list);
	list = NULL;
	nlist = 0;
	json_decref(manifest);
	manifest = NULL;
}

const struct asset *assets_find(const char *name)
{
	for (size_t i = 0; i < nlist; i++)
		if (!strcmp(list[i].name, name))
			return &list[i];
	return NULL;
}

const char *assets_url(const char *logical)
{
	return manifest ? json_string_value(json_object_get(manifest, logical)) : NULL;
}

json_t *assets_manifest(void)
{
	return manifest;
}
