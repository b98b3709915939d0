/* dpa_pages: the registry pages' writes that the API runs as they are
 * (api.c, issue 15.1): their declared fields and handlers, from routes.c.
 * Under /api/v1 a handler reads its action from the API route's data (a
 * const long of the enums below) instead of the page route's. Within the
 * module only. */
#ifndef KHET_DPA_PAGES_H
#define KHET_DPA_PAGES_H

#include "core/form.h"
#include "core/http.h"

enum decision { D_APPROVE, D_REFUSE, D_WITHDRAW };
enum staff_action { ACT_EDIT, ACT_REMOVE };

extern const struct field dpa_new_form[], dpa_edit_form[], dpa_transfer_form[], dpa_remove_form[],
    dpa_decision_form[], dpa_empty_form[];

/* POST /dpa/schools/:sid/new: a new record (409 with the code
 * transfer_offered when the person is active at another school: ask for
 * the transfer instead; recorded_elsewhere for an area office's). */
int dpa_new_post(struct req *r);
/* POST /dpa/staff/:id/{edit,remove} (data: staff_action); a stale
 * _version is 409. */
int dpa_staff_post(struct req *r);
/* POST /dpa/schools/:sid/transfers: ask for a person of another school. */
int dpa_transfer_post(struct req *r);
/* POST /dpa/transfers/:tid/{approve,refuse,withdraw} (data: decision). */
int dpa_decide_post(struct req *r);

#endif
