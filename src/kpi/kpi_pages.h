/* kpi_pages: what the page files of KPI-Online share — the helpers every
 * handler leans on (pages.c: the page's area and fiscal year, the audit row,
 * the indicator a user may see, a stored file as the answer), the forms the
 * handlers show again (declared with the route table in routes.c), and the
 * handlers of the page files that routes.c lists: the year's pages
 * (year_pages.c), indicators (indicator_pages.c), periods and their units
 * (period_pages.c), reports and reviews (report_pages.c), the matrix
 * (matrix_pages.c), statistics (stats_pages.c) and KPI roles (people.c).
 * The domain functions they call are in kpi_internal.h. Within the module
 * only. */
#ifndef KHET_KPI_PAGES_H
#define KHET_KPI_PAGES_H

#include <jansson.h>
#include <stdbool.h>

#include "acc/acc.h"
#include "core/form.h"
#include "core/http.h"
#include "kpi/kpi_internal.h"

/* ---- shared messages and forms --------------------------------------------- */

/* "not your indicator" (403) and "no such fiscal year" (404), in Thai. */
extern const char kpi_not_yours[];
extern const char kpi_bad_year[];

/* The forms the pages show again after a refused POST (routes.c). */
extern const struct choice kpi_status_choices[];
extern const struct field kpi_year_form[];
extern const struct field kpi_indicator_form[];
extern const struct field kpi_ind_file_form[];
extern const struct field kpi_report_form[];
/* The reviewer's form (review_score), for the page and the API. */
extern const struct field kpi_review_form[];
/* kpi_report_form declares new_file_1 … new_file_11: one more than a save
 * takes, so that an eleventh upload is read and refused with a clear
 * message instead of being silently dropped. */
#define KPI_NEW_FILE_SLOTS 11

/* ---- helpers (pages.c) ------------------------------------------------------ */

/* The area the page is about: the grant's, or ?area= for a super admin
 * (the first area when none is named); 0 when the user has no area. */
long long kpi_area_of(struct req *r);
/* The :year of the path, -1 when it is not a fiscal year. */
int kpi_year_param(struct req *r);
/* The fiscal year of the path and the page's area (kpi_area_of); false
 * after answering 404 or 403, with the answer in *answered. */
bool kpi_year_area(struct req *r, int *fy, long long *area, int *answered);
/* One audit row by the signed-in user and the active grant's role; detail
 * (may be NULL) is stolen. */
void kpi_audit(struct req *r, const char *action, const char *target_type, long long target_id, long long area_id,
	       json_t *detail);
/* fmt (printf) as a JSON string: the pages' links. */
json_t *kpi_url_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The active grant may create indicators in area (a kpi_owner only for his
 * work group). */
bool kpi_may_create(const struct acc_grant *g, long long area_id);
/* An indicator the user may see, or NULL after answering 404; *can_manage
 * (may be NULL) says whether the user may manage it. */
json_t *kpi_indicator_for(struct req *r, long long id, bool *can_manage);
/* Answers a stored file row {path, mime, filename} (stolen). */
int kpi_send_file(struct req *r, json_t *f);

/* ---- pages another page file answers with (indicator_pages.c) --------------- */

/* The indicator page with status and, when not NULL, error at its top. */
int kpi_indicator_page(struct req *r, int status, long long id, const char *error);
/* Answers a failed POST on an indicator: its page with the message. */
int kpi_indicator_failed(struct req *r, long long id, const struct err *e);

/* ---- the handlers routes.c lists --------------------------------------------- */

/* year_pages.c: /kpi, the year picker, a year's list, copying a year */
int kpi_home_get(struct req *r);
int kpi_years_get(struct req *r);
int kpi_years_post(struct req *r);
int kpi_year_get(struct req *r);
int kpi_year_copy_post(struct req *r);
/* indicator_pages.c */
int kpi_indicator_new_get(struct req *r);
int kpi_indicator_new_post(struct req *r);
int kpi_indicator_edit_get(struct req *r);
int kpi_indicator_edit_post(struct req *r);
int kpi_indicator_view_get(struct req *r);
int kpi_indicator_status_post(struct req *r);
int kpi_indicator_attachment_post(struct req *r);
int kpi_indicator_attachment_delete_post(struct req *r);
int kpi_indicator_attachment_get(struct req *r);
/* period_pages.c */
int kpi_period_open_post(struct req *r);
int kpi_period_close_post(struct req *r);
int kpi_units_get(struct req *r);
int kpi_units_post(struct req *r);
int kpi_unit_delete_post(struct req *r);
/* report_pages.c */
int kpi_report_view_get(struct req *r);
int kpi_report_save_post(struct req *r);
int kpi_report_unconfirm_post(struct req *r);
int kpi_report_review_post(struct req *r);
int kpi_report_unreview_post(struct req *r);
int kpi_report_attachment_get(struct req *r);
/* the "รอตรวจ" queue: GET /kpi/review-queue (the user's year) and
 * GET /kpi/:year/review-queue */
int kpi_review_queue_now_get(struct req *r);
int kpi_review_queue_get(struct req *r);
/* matrix_pages.c */
int kpi_matrix_get(struct req *r);
/* stats_pages.c: the route's data is a const enum kpi_stats_format */
enum kpi_stats_format { KPI_STATS_HTML, KPI_STATS_XLSX, KPI_STATS_PDF };
int kpi_stats_get(struct req *r);
int kpi_public_stats_get(struct req *r);
/* GET /kpi/stats: the current fiscal year's public page (?area= kept). */
int kpi_public_stats_now_get(struct req *r);
/* people.c: /kpi/admin/people, the area's kpi_owner and kpi_reviewer
 * grants */
extern const struct field kpi_people_form[];
extern const struct field kpi_people_revoke_form[];
int kpi_people_get(struct req *r);
int kpi_people_post(struct req *r);
int kpi_people_revoke(struct req *r);

#endif
