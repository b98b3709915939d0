/* dmc_pages: the census pages' writes that the API runs as they are
 * (api.c, issue 15.1): their declared fields and handlers, from routes.c.
 * Under /api/v1 a handler reads its action from the API route's data (a
 * const long of the enums below) instead of the page route's. Within the
 * module only. */
#ifndef KHET_DMC_PAGES_H
#define KHET_DMC_PAGES_H

#include "core/form.h"
#include "core/http.h"

enum learner_action { ACT_MOVE_OUT, ACT_NAME, ACT_BODY, ACT_GRADE, ACT_DROPOUT, ACT_IDFIX, ACT_WITHDRAW };
enum round_action { RA_CONFIRM, RA_CERTIFY };

extern const struct field dmc_learner_form[], dmc_move_in_form[], dmc_move_out_form[], dmc_name_form[],
    dmc_body_form[], dmc_grade_form[], dmc_dropout_form[], dmc_decision_form[], dmc_empty_form[], dmc_gcode_form[];

/* POST /dmc/schools/:sid/learners/new: a learner found nowhere (422 with
 * the code learner_active_elsewhere when the ID is active at another
 * school: move him in instead). */
int dmc_add_post(struct req *r);
/* POST /dmc/schools/:sid/move-in */
int dmc_move_in_post(struct req *r);
/* POST /dmc/learners/:id/{move-out,name,body,grade,dropout,…}: the
 * action is the route's data; a _version older than the record's is 409. */
int dmc_learner_post(struct req *r);
/* POST /dmc/schools/:sid/rounds/:rid/{confirm,certify} (data: round_action) */
int dmc_round_post(struct req *r);
/* POST /dmc/areas/:aid/requests/:rid/{approve,reject} (data: 1 approve, 0 reject) */
int dmc_decide_post(struct req *r);
/* POST /dmc/schools/:sid/gcode/new (multipart, with the documents) */
int dmc_gcode_new_post(struct req *r);
/* POST /dmc/areas/:aid/gcode/:gid/{approve,reject} (data: 1, 0) */
int dmc_gcode_decide_post(struct req *r);

#endif
