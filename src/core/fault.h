/* fault: make the N-th database call or file write of one request fail, so
 * a test can walk a write with every N and see each failure answered with a
 * clear error and nothing half-stored (SQLite's way of testing: its
 * fault-injection runs make the N-th malloc or I/O fail).
 *
 * Only a server started with KHET_TEST_ROUTES=1 reads the request header
 *     X-Khet-Fault: db=N      the N-th database call fails (begin, query,
 *                             fetching a row, exec, lock, commit)
 *     X-Khet-Fault: write=N   the N-th file write fails (an upload's temp
 *                             file, keeping an upload in its place)
 *     X-Khet-Fault: dblost=N  the connection is cut just before the N-th
 *                             database call (PostgreSQL: the socket is shut
 *                             down, so the call meets a real lost connection;
 *                             SQLite has none to lose)
 * A production server never does. Allocation is not injected: under the
 * out-of-memory policy (core/alloc.h) a failed allocation ends the process,
 * and what a crash leaves is what the transaction and the upload cleanup
 * below already guarantee.
 *
 * The countdown belongs to the request (its body arrives over several
 * callbacks); the server points the thread at it for each callback. */
#ifndef KHET_FAULT_H
#define KHET_FAULT_H

#include <stdbool.h>

enum fault_kind { FAULT_DB, FAULT_WRITE, FAULT_DB_LOST, FAULT_KINDS };

struct fault_plan {
	long long at[FAULT_KINDS];   /* the call that fails (1-based); 0 = none */
	long long seen[FAULT_KINDS]; /* calls so far */
};

/* Reads "db=N", "write=N" or "dblost=N" (several, comma-separated) into *p; 0 when the
 * text is well formed, -1 when not (then *p plans nothing). */
int fault_parse(const char *spec, struct fault_plan *p);
/* The plan this thread counts against until fault_leave (NULL: none). */
void fault_enter(struct fault_plan *p);
void fault_leave(void);
/* Counts a call of kind k; true when it is the one planned to fail. */
bool fault_now(enum fault_kind k);

#endif
