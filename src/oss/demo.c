/* demo: One Stop Service demo data for `khet demo` and the benchmark — two
 * meeting rooms in each area, the area's fixed-date public holidays of last,
 * this and next year, the demo officer assigned to all six services of his
 * area, and optionally a number of requests spread over the last two years
 * (old ones mostly completed, recent ones open), with their counters and
 * history, so the lists and the dashboard have something to show and the
 * benchmark has 200,000 rows to page through.
 *
 * Up to 100 requests all belong to the demo citizen; more are spread over
 * synthetic applicants (one per 100 requests, at most 2,000, created through
 * acc_user_create without a password) so that no applicant's own list is
 * unrealistically long. Requests go in with one INSERT each inside one
 * transaction and the counters are written once at the end, not per row.
 * Codes are unique by construction: each request gets its own second. Once
 * any demo request exists, running again adds none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc.h"
#include "core/db.h"
#include "core/thai.h"
#include "org/org.h"
#include "oss/oss_internal.h"

static int exec(struct db *db, const char *sql, const struct db_val *p, int n, struct err *e)
{
	return db_exec(db, sql, p, n, e) < 0 ? -1 : 0;
}

static int rooms_and_holidays(struct db *db, long long area_id, struct err *e)
{
	static const struct {
		const char *name;
		long long cap;
	} rooms[] = {{"ห้องประชุมพุทธรักษา", 30}, {"ห้องประชุมราชพฤกษ์", 120}};
	for (size_t i = 0; i < 2; i++)
		if (exec(db,
			 "INSERT INTO oss_rooms (area_id, name, capacity, active) VALUES ($1, $2, $3, 1) "
			 "ON CONFLICT (area_id, name) DO NOTHING",
			 DB_ARGS(DB_INT(area_id), DB_TEXT(rooms[i].name), DB_INT(rooms[i].cap)), e) < 0)
			return -1;
	static const struct {
		int m, d;
		const char *name;
	} days[] = {
	    {1, 1, "วันขึ้นปีใหม่"},
	    {4, 6, "วันจักรี"},
	    {4, 13, "วันสงกรานต์"},
	    {4, 14, "วันสงกรานต์"},
	    {4, 15, "วันสงกรานต์"},
	    {5, 4, "วันฉัตรมงคล"},
	    {6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี"},
	    {7, 28, "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"},
	    {8, 12, "วันแม่แห่งชาติ"},
	    {10, 13, "วันนวมินทรมหาราช"},
	    {10, 23, "วันปิยมหาราช"},
	    {12, 5, "วันพ่อแห่งชาติ"},
	    {12, 10, "วันรัฐธรรมนูญ"},
	    {12, 31, "วันสิ้นปี"},
	};
	int y;
	thai_local((long long)time(NULL), &y, NULL, NULL, NULL, NULL, NULL, NULL);
	for (int year = y - 1; year <= y + 1; year++)
		for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
			char day[16];
			snprintf(day, sizeof day, "%04d-%02d-%02d", year, days[i].m, days[i].d);
			if (exec(db,
				 "INSERT INTO oss_holidays (area_id, day, name) VALUES ($1, $2, $3) "
				 "ON CONFLICT (area_id, day) DO NOTHING",
				 DB_ARGS(DB_INT(area_id), DB_TEXT(day), DB_TEXT(days[i].name)), e) < 0)
				return -1;
		}
	return 0;
}

/* The demo officer ("officer") serves every service of the first demo area
 * (สพป.ยโสธร เขต 2): one officer grant per service, as an area admin would
 * give them. */
static int demo_officers(struct db *db, struct err *e)
{
	static const struct acc_demo_person officer = {
	    "officer", "310010000005", "นาง", "บริการ", "ด้วยใจ", "officer@example.org", "0810000005", "government_employee",
	};
	long long area = acc_demo_area(db, "3502", e);
	long long uid = area > 0 ? acc_demo_person(db, &officer, e) : -1;
	if (uid < 0)
		return -1;
	for (int s = 0; s < OSS_SERVICE_COUNT; s++) {
		struct acc_grant g = {0};
		g.user_id = uid;
		g.area_id = area;
		snprintf(g.role, sizeof g.role, "officer");
		snprintf(g.service, sizeof g.service, "%s", oss_service_codes[s]);
		if (acc_demo_grant(db, &g, e) < 0)
			return -1;
	}
	return 0;
}

/* A small deterministic generator, so every demo is the same. */
static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

static const char *const first_names[] = {"สมชาย",  "สมหญิง", "ผดุงสิทธิ์", "วิไลวรรณ", "ประเสริฐ",
					  "กาญจนา", "ธนพล",  "สุดารัตน์", "อนุชา",	  "พรทิพย์"};
static const char *const last_names[] = {"ใจดี", "ลาวรรณ", "ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "มีสุข", "สายบุญ"};

static void citizen_id(long long n, char out[14])
{
	snprintf(out, 14, "5%011lld", 10000000000LL + n);
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (out[i] - '0') * (13 - i);
	out[12] = (char)('0' + (11 - s % 11) % 10);
	out[13] = 0;
}

/* Applicants for the demo requests: the demo citizen, plus synthetic ones
 * when there are many requests. */
static long long *demo_applicants(struct db *db, long long requests, int *n, struct err *e)
{
	long long citizen;
	char status[16], hash[128];
	int found = acc_user_find_login(db, "citizen", &citizen, status, hash, e);
	if (found < 0)
		return NULL;
	int extra = requests > 100 ? (int)(requests / 100 < 2000 ? requests / 100 : 2000) : 0;
	long long *ids = xcalloc((size_t)extra + 1, sizeof *ids);
	*n = 0;
	if (found)
		ids[(*n)++] = citizen;
	for (int i = 0; i < extra; i++) {
		char cid[14], email[64];
		citizen_id(i, cid);
		snprintf(email, sizeof email, "oss.demo.%d@example.com", i);
		struct acc_user_new u = {
		    .citizen_id = cid,
		    .email = email,
		    .title = i % 2 ? "นาง" : "นาย",
		    .first_name = first_names[i % 10],
		    .last_name = last_names[i % 8],
		    .phone = "0812345678",
		};
		long long id = acc_user_create(db, &u, e);
		if (id < 0) {
			free(ids);
			return NULL;
		}
		ids[(*n)++] = id;
	}
	return ids;
}

static json_t *demo_data(const char *svc, unsigned x, const char *first, const char *last)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "title", "นาย", "first_name", first, "last_name", last, "phone",
			      "0812345678");
	if (!strcmp(svc, "11"))
		json_object_update_new(d, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "birth_date", "1985-05-12",
						    "nationality", "ไทย", "blood_group", "O", "work_unit",
						    "โรงเรียนบ้านหนองบัว", "position", "ครู", "official_type", "teacher"));
	else if (!strcmp(svc, "12"))
		json_object_update_new(d, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "official_type", "teacher",
						    "work_unit", "โรงเรียนบ้านโคกกลาง", "position", "ครู", "salary",
						    (json_int_t)(2500000 + (x % 20) * 50000), "cert_kind",
						    "รับรองเงินเดือน", "purpose", "กู้เงินธนาคาร"));
	else if (!strcmp(svc, "21"))
		json_object_update_new(d, json_pack("{s:s, s:s}", "email", "demo@example.com", "pledged", "no"));
	else if (!strcmp(svc, "31"))
		json_object_update_new(d, json_pack("{s:s, s:I, s:s, s:s}", "agency", "กลุ่มนิเทศ ติดตามและประเมินผล",
						    "attendees", (json_int_t)(5 + x % 20), "room_name",
						    "ห้องประชุมพุทธรักษา", "purpose", "ประชุมประจำเดือน"));
	else if (!strcmp(svc, "32"))
		json_object_update_new(d, json_pack("{s:s, s:s}", "visitor", "คณะครูโรงเรียนบ้านหนองบัว", "subject",
						    "ขอเข้าพบเพื่อปรึกษาโครงการ"));
	else
		json_object_update_new(d, json_pack("{s:s, s:I, s:I}", "school", "โรงเรียนบ้านหนองบัว", "subtotal",
						    (json_int_t)16000, "total", (json_int_t)18500));
	return d;
}

static int demo_requests(struct db *db, long long area_id, long long requests, struct err *e)
{
	long long have = 0;
	if (db_int_value(db, "SELECT COUNT(*) FROM oss_requests", NULL, 0, &have, e) < 0)
		return -1;
	if (have > 0 || requests <= 0)
		return 0;
	int napp = 0;
	long long *apps = demo_applicants(db, requests, &napp, e);
	if (!apps)
		return -1;
	if (napp == 0) {
		free(apps);
		return 0;
	}
	long long now = (long long)time(NULL);
	long long span = 2LL * 365 * 86400;
	long long step = span / requests > 0 ? span / requests : 1;
	/* counters: service × month (25 at most) × status, summed here */
	enum { MONTHS = 30 };
	static long long counts[OSS_SERVICE_COUNT][MONTHS][OSS_STATUS_COUNT];
	memset(counts, 0, sizeof counts);
	long long ym0 = oss_ym(now - requests * step);
	int rc = 0;
	for (long long i = 0; i < requests && rc == 0; i++) {
		long long t = now - (requests - i) * step;
		unsigned x = next_rand();
		int s = (int)(x % OSS_SERVICE_COUNT);
		const char *svc = oss_service_codes[s];
		long long applicant = apps[(x >> 8) % (unsigned)napp];
		int st;
		if (now - t > 30LL * 86400)
			st = (x >> 4) % 20 == 0 ? OSS_CANCELLED : OSS_COMPLETED;
		else
			st = (int)((x >> 4) % OSS_STATUS_COUNT);
		char code[OSS_CODE_MAX + 1];
		oss_code_make(svc, t, code);
		json_t *data = demo_data(svc, x, first_names[x % 10], last_names[(x >> 3) % 8]);
		char *text = json_dumps(data, JSON_COMPACT);
		struct buf search = BUF_INIT, name = BUF_INIT;
		oss_search_text(code, data, &search);
		buf_addf(&name, "%s%s %s", json_string_value(json_object_get(data, "title")),
			 json_string_value(json_object_get(data, "first_name")),
			 json_string_value(json_object_get(data, "last_name")));
		json_decref(data);
		long long status_at = t + (st == OSS_SUBMITTED ? 0 : 3600 * (1 + x % 72));
		long long id = 0;
		int r = db_int_value(
		    db,
		    "INSERT INTO oss_requests (code, area_id, service, applicant_id, status, data, note, created_at, "
		    "updated_at, status_at, queued_at, search, applicant_name) VALUES ($1, $2, $3, $4, $5, $6, '', $7, "
		    "$8, $8, $7, $9, $10) RETURNING id",
		    DB_ARGS(DB_TEXT(code), DB_INT(area_id), DB_TEXT(svc), DB_INT(applicant),
			    DB_TEXT(oss_status_name(st)), DB_TEXT(text), DB_INT(t), DB_INT(status_at),
			    DB_TEXT(buf_cstr(&search)), DB_TEXT(buf_cstr(&name))),
		    &id, e);
		free(text);
		buf_release(&search);
		buf_release(&name);
		if (r <= 0) {
			rc = -1;
			break;
		}
		rc = exec(
		    db,
		    "INSERT INTO oss_history (request_id, at, actor_id, actor_name, actor_role, action, from_status, "
		    "to_status, message) VALUES ($1, $2, $3, '', 'applicant', 'submit', NULL, 'submitted', '')",
		    DB_ARGS(DB_INT(id), DB_INT(t), DB_INT(applicant)), e);
		long long ym = oss_ym(t);
		int mi = (int)((ym / 100 - ym0 / 100) * 12 + (ym % 100 - ym0 % 100));
		if (mi >= 0 && mi < MONTHS)
			counts[s][mi][st]++;
	}
	free(apps);
	for (int s = 0; s < OSS_SERVICE_COUNT && rc == 0; s++)
		for (int mi = 0; mi < MONTHS && rc == 0; mi++)
			for (int st = 0; st < OSS_STATUS_COUNT && rc == 0; st++) {
				if (!counts[s][mi][st])
					continue;
				long long y = ym0 / 100 + (ym0 % 100 - 1 + mi) / 12;
				long long m = (ym0 % 100 - 1 + mi) % 12 + 1;
				rc = exec(db,
					  "INSERT INTO oss_counts (area_id, service, ym, status, n) VALUES ($1, $2, "
					  "$3, $4, $5) "
					  "ON CONFLICT (area_id, service, ym, status) DO UPDATE SET n = oss_counts.n + "
					  "excluded.n",
					  DB_ARGS(DB_INT(area_id), DB_TEXT(oss_service_codes[s]), DB_INT(y * 100 + m),
						  DB_TEXT(oss_status_name(st)), DB_INT(counts[s][mi][st])),
					  e);
			}
	return rc;
}

int oss_demo(struct db *db, long long requests, struct err *e)
{
	json_t *areas = org_areas_list(db, e);
	if (!areas)
		return -1;
	if (db_begin(db, e) < 0) {
		json_decref(areas);
		return -1;
	}
	int rc = 0;
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a) if (rc == 0) rc =
	    rooms_and_holidays(db, json_integer_value(json_object_get(a, "id")), e);
	if (rc == 0)
		rc = demo_officers(db, e);
	/* the requests go to the first demo area (สพป.ยโสธร เขต 2 when present) */
	long long area = 0;
	if (rc == 0) {
		int found = db_int_value(db, "SELECT id FROM areas WHERE code = '3502'", NULL, 0, &area, e);
		if (found < 0)
			rc = -1;
		else if (found == 0 && json_array_size(areas) > 0)
			area = json_integer_value(json_object_get(json_array_get(areas, 0), "id"));
	}
	if (rc == 0 && area > 0)
		rc = demo_requests(db, area, requests, e);
	json_decref(areas);
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}
