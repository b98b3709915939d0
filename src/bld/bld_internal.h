/* bld_internal: storage and pages of the buildings module, for its own
 * files and tests (the public face is bld.h). */
#ifndef KHET_BLD_INTERNAL_H
#define KHET_BLD_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "bld/bld.h"
#include "core/api.h"
#include "core/form.h"
#include "core/http.h"

struct db;

extern const struct route_table bld_routes;

/* ---- the pages' writes the API runs (routes.c, api.c) ------------------------ */

extern const struct api_def bld_api;
/* the forms: a building (main fields and six room rows), a photo, the
 * submission (rooms taught), none (reopen) */
extern const struct field bld_building_form[], bld_photo_form[], bld_submit_form[], bld_empty_form[];
/* POST /bld/schools/:sid/new, /bld/buildings/:id/edit (its _version is
 * required: 422 without it, 409 on a stale one), /bld/buildings/:id/photos,
 * /bld/schools/:sid/submit, /bld/schools/:sid/reopen; and a photo itself
 * (GET /bld/buildings/:id/files/:fid) */
int bld_new_post(struct req *r);
int bld_edit_post(struct req *r);
int bld_photo_post(struct req *r);
int bld_submit_post(struct req *r);
int bld_reopen_post(struct req *r);
int bld_photo_file(struct req *r);
/* POST /bld/photos/:pid/delete (and, for the API, the photo :fid of the
 * building :id) */
int bld_photo_delete_post(struct req *r);
/* The reasons of the budget list's schools that did not submit, as of
 * the request's clock: while the year's window is open (or not yet open)
 * until when they can still send, not that they missed it. */
int bld_budget_reasons(struct req *r, json_t *m, long long aid, int year, struct err *e);

/* ---- choice lists (data: bld_types, bld_plans, …) ------------------------ */

enum bld_list { BLD_TYPES, BLD_PLANS, BLD_USES, BLD_SOURCES };
/* [{value, label}] in their set order. */
json_t *bld_choices(struct db *db, enum bld_list which, struct err *e);
/* Whether code is in the list (an empty code is not). 1, 0, or -1. */
int bld_choice_known(struct db *db, enum bld_list which, const char *code, struct err *e);

/* ---- the window (store.c) ------------------------------------------------- */

/* The window of year (its settings, else the default) and the area's
 * later close (0 none). */
int bld_window_get(struct db *db, int year, long long area_id, struct bld_window *w, long long *area_closes,
		   struct err *e);
/* OBEC's settings of a year (super admin): opens < closes. */
int bld_window_set(struct db *db, int year, long long opens, long long closes, long long by, long long now,
		   struct err *e);
/* An area's later close for its schools; 0 removes it. Never earlier than
 * the year's close (400 at field "closes_on"). */
int bld_area_extend(struct db *db, int year, long long area_id, long long closes, long long by, long long now,
		    struct err *e);

/* May a school's data of year be changed at now: the window open (for its
 * area) and not submitted. 0, or -1 with 409 and the Thai reason (when it
 * opens, or that it was submitted and the area must reopen it). */
int bld_may_change(struct db *db, long long school_id, long long area_id, long long now, struct err *e);

/* ---- buildings (store.c) ---------------------------------------------------- */

/* A school's buildings with rooms [{use, label, n, is_classroom}], photos
 * [{id, width, height}], classrooms and condition_label: three queries
 * whatever the number of buildings. */
json_t *bld_school_buildings(struct db *db, long long school_id, struct err *e);
/* One building with rooms, photos, history [{at, kind, changes, by_name}];
 * NULL with 404 when none. */
json_t *bld_building_get(struct db *db, long long id, struct err *e);
/* Adds (the caller checked the values with bld_building_check and the
 * window with bld_may_change); codes are checked against their lists. */
long long bld_building_add(struct db *db, long long school_id, long long area_id, const struct bld_building_in *in,
			   long long by, long long now, struct err *e);
/* Saves; 409 when version (-1: not checked) is not the stored one. The
 * history names each field that changed, old → new. */
int bld_building_update(struct db *db, long long id, long long version, const struct bld_building_in *in,
			long long by, long long now, struct err *e);
/* A photo row (409 at field "photo" past BLD_MAX_PHOTOS). Returns its id. */
long long bld_photo_add(struct db *db, long long building_id, const char *path, const char *filename,
			const char *mime, long long size, long w, long h, long long by, long long now, struct err *e);
/* {id, building_id, path, mime, filename}; NULL with 404. */
json_t *bld_photo_get(struct db *db, long long id, struct err *e);
int bld_photo_delete(struct db *db, long long id, long long by, long long now, struct err *e);

/* ---- a school's year: rooms taught, submission ---------------------------- */

/* {rooms_entered (null), rooms_taught, rooms_source, submitted_at,
 * reopened_at, submitted_by_name} of a school's year (zeros/nulls when no
 * row yet). */
json_t *bld_school_year(struct db *db, int year, long long school_id, struct err *e);
/* Rooms the school teaches from the census (module hook): 1 with *rooms,
 * 0 when no module has data. */
int bld_census_rooms(struct db *db, long long school_id, int year, long long *rooms, struct err *e);
/* What a school still lacks to submit, each item in Thai, appended to
 * missing (an array of strings): no building; a building without a photo,
 * budget source, or (a type that holds rooms) rooms; no rooms taught
 * (neither the census nor the school's number). */
int bld_missing(struct db *db, int year, long long school_id, json_t *missing, struct err *e);
/* Submits (ส่งข้อมูล): rooms_entered (-1 none) is stored first; refused with
 * 400 naming every missing item when something is missing (nothing
 * stored), 409 when submitted already. */
int bld_submit(struct db *db, int year, long long school_id, long long area_id, long long rooms_entered,
	       long long by, long long now, struct err *e);
/* The area reopens a submitted school (409 when not submitted). */
int bld_reopen(struct db *db, int year, long long school_id, long long by, long long now, struct err *e);

/* ---- the area ----------------------------------------------------------------- */

/* {schools [{school_id, name, obec_code, buildings, submitted_at,
 * reopened_at}], submitted, by_condition [{condition, label, n}], by_age
 * [{band, n}], dilapidated_photos [{id, building_id, building, school,
 * width, height}]}. */
json_t *bld_area_overview(struct db *db, long long area_id, int year, struct err *e);
/* The budget request list: {fiscal_year, schools [{school_id, name,
 * obec_code, taught, rooms_source, usable, lacking, replace [{id, name,
 * year_built, age}]}], not_submitted [{school_id, name, obec_code,
 * reason}], lacking_total, replace_total}. */
json_t *bld_budget(struct db *db, long long area_id, int year, struct err *e);

/* ---- demo -------------------------------------------------------------------- */

int bld_demo(struct db *db, const char *data_dir, struct err *e);

#endif
