/* fuzz_filecheck: an upload read whole (core/filecheck) — the PDF
 * structure check (header, startxref, its offset, %%EOF) written here, and
 * libpng and libjpeg driven from memory with their errors turned into
 * longjmps. The first byte picks the type, the rest is the file; every
 * input must come back with a result, whatever it holds. */
#include "fuzz.h"

#include "core/filecheck.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"application/pdf", "image/png", "image/jpeg"};
	if (size < 1)
		return 0;
	const char *mime = types[data[0] % 3];
	long w = -1, h = -1;
	enum filecheck_result rc = filecheck_mem(mime, data + 1, size - 1, &w, &h);
	if (rc != FILECHECK_OK && rc != FILECHECK_BROKEN && rc != FILECHECK_HUGE)
		abort();
	/* a whole image is no larger than the limit */
	if (rc == FILECHECK_OK && data[0] % 3 && (long long)w * h > FILECHECK_MAX_PIXELS)
		abort();
	return 0;
}
