#include "org/org.h"
int org_import(struct db *db, const char *path, struct buf *report, struct err *e) { (void)db; (void)path; (void)report; return err_set(e, 500, "todo"); }
