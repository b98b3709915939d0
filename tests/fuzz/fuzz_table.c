/* fuzz_table: the CSV and XLSX reader the org import (and later imports)
 * read operators' files with (core/table_read.c): the format found by the
 * bytes, then every row until the end or a refusal. XLSX inputs go through
 * libzip and expat with the reader's caps on inflated size, rows and
 * columns. */
#include "fuzz.h"

#include "core/table_read.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table *t;
	struct err e = ERR_INIT;
	if (table_open_mem(data, size, &t, &e) < 0)
		return 0;
	(void)table_format(t);
	struct table_row row;
	int rc;
	long long rows = 0;
	while ((rc = table_next(t, &row, &e)) == 1) {
		if (row.ncells < 0 || row.ncells > TABLE_MAX_COLS)
			abort();
		for (int i = 0; i < row.ncells; i++)
			if (!row.cells[i])
				abort();
		if (++rows > TABLE_MAX_ROWS)
			abort();
	}
	table_close(t);
	return 0;
}
