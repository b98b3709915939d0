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
 * any demo request exists, running again adds none.
 *
 * Room requests (service 31) are real bookings (issue 10.14b): each one not
 * cancelled gets its oss_bookings row, one to fourteen days after it was
 * submitted, in the first free (room, slot) of that day or a later one,
 * from a table of five meeting slots a day (08:30 … 17:30). A bitmap of
 * (day, room, slot) taken keeps them from overlapping by construction, so
 * no lock or query per booking is needed; the request's data names the
 * same room, date, times, chairman and coordinator as its row. The area's
 * two rooms hold five bookings a day each; when the requests need more
 * (the benchmark's 200,000 requests hold about 33,000 bookings over two
 * years), the area gets as many small rooms beside them as keep the
 * bitmap under 80 % full, so the room calendars are full but never
 * impossible. */
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

/* The demo's meeting slots of a day, local minutes [from, to). */
static const struct {
	int from, to;
	const char *start, *end;
} demo_slots[] = {{510, 600, "08:30", "10:00"},
		  {600, 720, "10:00", "12:00"},
		  {780, 870, "13:00", "14:30"},
		  {870, 960, "14:30", "16:00"},
		  {960, 1050, "16:00", "17:30"}};
#define DEMO_SLOTS ((int)(sizeof demo_slots / sizeof *demo_slots))
/* Bookings follow their request by 1 … DEMO_LEAD days. */
#define DEMO_LEAD 14
/* Demo rooms beyond the area's two are this small. */
#define DEMO_SMALL_ROOM_CAP 20

/* The extra small rooms the area needs for `requests` requests: a sixth
 * of them are room requests; the bitmap stays under 80 % full. */
static int demo_extra_rooms(long long requests, long long span_days)
{
	long long bookings = requests / OSS_SERVICE_COUNT + 1;
	long long per_room = (span_days + DEMO_LEAD) * DEMO_SLOTS * 8 / 10;
	long long rooms = (bookings + per_room - 1) / per_room;
	return rooms > 2 ? (int)(rooms - 2 > 200 ? 200 : rooms - 2) : 0;
}

/* The area's rooms: the two every area has, then extra small ones
 * (ห้องประชุมย่อย 1 …) for the demo requests' bookings. */
static int rooms_and_holidays(struct db *db, long long area_id, int extra, struct err *e)
{
	static const struct {
		const char *name;
		long long cap;
	} rooms[] = {{"ห้องประชุมพุทธรักษา", 30}, {"ห้องประชุมราชพฤกษ์", 120}};
	static const char sql_room[] = "INSERT INTO oss_rooms (area_id, name, capacity, active) VALUES ($1, $2, $3, 1) "
				       "ON CONFLICT (area_id, name) DO NOTHING";
	for (size_t i = 0; i < 2; i++)
		if (exec(db, sql_room, DB_ARGS(DB_INT(area_id), DB_TEXT(rooms[i].name), DB_INT(rooms[i].cap)), e) < 0)
			return -1;
	for (int i = 1; i <= extra; i++) {
		char name[64];
		snprintf(name, sizeof name, "ห้องประชุมย่อย %d", i);
		if (exec(db, sql_room, DB_ARGS(DB_INT(area_id), DB_TEXT(name), DB_INT(DEMO_SMALL_ROOM_CAP)), e) < 0)
			return -1;
	}
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
/* The demo officer's user id and name, for the officer's steps in the
 * demo requests' history (set by demo_officers). */
static long long demo_officer_id;
static const char demo_officer_name[] = "นางบริการ ด้วยใจ";

static int demo_officers(struct db *db, struct err *e)
{
	static const struct acc_demo_person officer = {
	    "officer", "310010000005", "นาง", "บริการ", "ด้วยใจ", "officer@example.org", "0810000005", "government_employee",
	};
	long long area = acc_demo_area(db, "3502", e);
	long long uid = area > 0 ? acc_demo_person(db, &officer, e) : -1;
	if (uid < 0)
		return -1;
	demo_officer_id = uid;
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

/* men's names at even places, women's at odd: the title follows (name_title) */
static const char *const first_names[] = {"สมชาย",  "สมหญิง", "ผดุงสิทธิ์", "วิไลวรรณ", "ประเสริฐ",
					  "กาญจนา", "ธนพล",  "สุดารัตน์", "อนุชา",	  "พรทิพย์"};
static const char *name_title(unsigned k)
{
	return k % 2 ? "นาง" : "นาย";
}
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
		    .title = name_title((unsigned)i % 10),
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

static json_t *demo_data(const char *svc, unsigned x, const char *title, const char *first, const char *last)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "title", title, "first_name", first, "last_name", last, "phone",
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

static const char *const chairmen[] = {
    "นายประเสริฐ บุญมา ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", "นางกาญจนา ศรีสุข รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา",
    "นายธนพล แก้วมณี ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผล", "นางสุดารัตน์ ทองดี ผู้อำนวยการกลุ่มบริหารงานบุคคล"};
static const char *const coordinators[] = {"นางสาวพรทิพย์ มีสุข โทร 0812345678", "นายอนุชา สายบุญ โทร 0898765432",
					   "นางวิไลวรรณ ใจดี โทร 0861234567"};

/* The area's rooms for the demo bookings, in id order. */
struct demo_rooms {
	int n;
	long long *id, *cap;
	char **name;
	unsigned char *taken; /* [day][room][slot] */
	long long day0, days;
};

static int demo_rooms_load(struct db *db, long long area_id, long long day0, long long days, struct demo_rooms *dr,
			   struct err *e)
{
	json_t *rows = db_rows_json(db,
				    "SELECT id, name, capacity FROM oss_rooms WHERE area_id = $1 AND active = 1 "
				    "ORDER BY id",
				    DB_ARGS(DB_INT(area_id)), e);
	if (!rows)
		return -1;
	dr->n = (int)json_array_size(rows);
	dr->id = xcalloc((size_t)dr->n + 1, sizeof *dr->id);
	dr->cap = xcalloc((size_t)dr->n + 1, sizeof *dr->cap);
	dr->name = xcalloc((size_t)dr->n + 1, sizeof *dr->name);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		dr->id[i] = json_integer_value(json_object_get(x, "id"));
		dr->cap[i] = json_integer_value(json_object_get(x, "capacity"));
		dr->name[i] = xstrdup(json_string_value(json_object_get(x, "name")));
	}
	json_decref(rows);
	dr->day0 = day0;
	dr->days = days;
	dr->taken = xcalloc((size_t)(days * (dr->n ? dr->n : 1) * DEMO_SLOTS), 1);
	return 0;
}

static void demo_rooms_free(struct demo_rooms *dr)
{
	for (int i = 0; i < dr->n; i++)
		free(dr->name[i]);
	free(dr->name);
	free(dr->id);
	free(dr->cap);
	free(dr->taken);
}

/* The first free (day, room, slot) from day on, starting at the room and
 * slot x picks; marks it taken. 0, or -1 when the bitmap is full to its
 * end (the caller books nothing then). */
static int demo_book(struct demo_rooms *dr, long long day, unsigned x, long long *d_out, int *room, int *slot)
{
	if (dr->n == 0)
		return -1;
	for (long long d = day; d < dr->day0 + dr->days; d++)
		for (int k = 0; k < dr->n * DEMO_SLOTS; k++) {
			/* not x's low bits: they chose the service (x % 6 == 3 for a
			 * room request, always odd), which put every booking in the
			 * second room of two */
			int ro = (int)(((x >> 20) + (unsigned)(k / DEMO_SLOTS)) % (unsigned)dr->n);
			int sl = (int)(((x >> 5) + (unsigned)k) % DEMO_SLOTS);
			unsigned char *t = &dr->taken[((d - dr->day0) * dr->n + ro) * DEMO_SLOTS + sl];
			if (*t)
				continue;
			*t = 1;
			*d_out = d;
			*room = ro;
			*slot = sl;
			return 0;
		}
	return -1;
}

/* One row of a demo request's history. */
static int demo_step(struct db *db, long long id, long long at, bool officer, long long actor, const char *name,
		     const char *action, const char *from, const char *to, const char *message, struct err *e)
{
	return exec(db,
		    "INSERT INTO oss_history (request_id, at, actor_id, actor_name, actor_role, action, from_status, "
		    "to_status, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		    DB_ARGS(DB_INT(id), DB_INT(at), DB_INT(actor), DB_TEXT(name), DB_TEXT(officer ? "officer" : "applicant"),
			    DB_TEXT(action), from ? DB_TEXT(from) : DB_NULL, DB_TEXT(to), DB_TEXT(message)),
		    e);
}

/* The officer's message of a demo request's last step (its note). */
static const char *demo_note(int st)
{
	switch (st) {
	case OSS_RETURNED:
	case OSS_RESUBMITTED: return "กรุณาแนบสำเนาเอกสารที่อ่านได้ชัดเจน และตรวจสอบเบอร์โทรศัพท์";
	case OSS_COMPLETED: return "ดำเนินการเรียบร้อยแล้ว ติดต่อรับเอกสารได้ที่กลุ่มอำนวยการ";
	default: return "";
	}
}

/* The history of a demo request that reached status st at status_at,
 * submitted at t by the applicant: the steps that lead there, each with
 * its actor's name — the officer's start, return and completion, the
 * applicant's fix or cancellation (a completed request's print lists the
 * officer's steps like a real one's). */
static int demo_history(struct db *db, long long id, int st, long long t, long long status_at, long long applicant,
			const char *applicant_name, struct err *e)
{
	long long d = status_at - t;
	long long off = demo_officer_id;
	const char *on = demo_officer_name;
	if (demo_step(db, id, t, false, applicant, applicant_name, "submit", NULL, "submitted", "", e) < 0)
		return -1;
	switch (st) {
	case OSS_SUBMITTED: return 0;
	case OSS_IN_PROGRESS:
		return demo_step(db, id, status_at, true, off, on, "start", "submitted", "in_progress", "", e);
	case OSS_RETURNED:
		if (demo_step(db, id, t + d / 2, true, off, on, "start", "submitted", "in_progress", "", e) < 0)
			return -1;
		return demo_step(db, id, status_at, true, off, on, "return", "in_progress", "returned", demo_note(st), e);
	case OSS_RESUBMITTED:
		if (demo_step(db, id, t + d / 3, true, off, on, "start", "submitted", "in_progress", "", e) < 0 ||
		    demo_step(db, id, t + 2 * d / 3, true, off, on, "return", "in_progress", "returned", demo_note(st), e) < 0)
			return -1;
		return demo_step(db, id, status_at, false, applicant, applicant_name, "edit", "returned", "resubmitted", "",
				 e);
	case OSS_COMPLETED:
		if (demo_step(db, id, t + d / 2, true, off, on, "start", "submitted", "in_progress", "", e) < 0)
			return -1;
		return demo_step(db, id, status_at, true, off, on, "complete", "in_progress", "completed", demo_note(st), e);
	case OSS_CANCELLED:
		return demo_step(db, id, status_at, false, applicant, applicant_name, "cancel", "submitted", "cancelled", "",
				 e);
	default: return 0;
	}
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
	struct demo_rooms dr = {0};
	long long day_first = oss_day_of(now - requests * step);
	if (demo_rooms_load(db, area_id, day_first, oss_day_of(now) - day_first + DEMO_LEAD + 2, &dr, e) < 0) {
		free(apps);
		return -1;
	}
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
		json_t *data = demo_data(svc, x, name_title(x % 10), first_names[x % 10], last_names[(x >> 3) % 8]);
		/* a room request not cancelled holds its room: the booking the
		 * data describes, in a free slot */
		long long bday = -1;
		int broom = 0, bslot = 0;
		long long attendees = 0;
		if (!strcmp(svc, "31") && st != OSS_CANCELLED &&
		    demo_book(&dr, oss_day_of(t) + 1 + (x >> 9) % DEMO_LEAD, x, &bday, &broom, &bslot) == 0) {
			char date[16];
			int y, mo, d;
			thai_local(bday * 86400 - 7 * 3600 + 12 * 3600, &y, &mo, &d, NULL, NULL, NULL, NULL);
			snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
			attendees = 5 + x % 20;
			if (attendees > dr.cap[broom])
				attendees = dr.cap[broom];
			json_object_update_new(
			    data, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "room_id",
					    (json_int_t)dr.id[broom], "room_name", dr.name[broom], "attendees",
					    (json_int_t)attendees, "start_date", date, "end_date", date, "start_time",
					    demo_slots[bslot].start, "end_time", demo_slots[bslot].end, "chairman",
					    chairmen[(x >> 12) % 4], "coordinator", coordinators[(x >> 14) % 3]));
		}
		char *text = json_dumps(data, JSON_COMPACT);
		struct buf search = BUF_INIT, name = BUF_INIT;
		oss_search_text(code, data, &search);
		buf_addf(&name, "%s%s %s", json_string_value(json_object_get(data, "title")),
			 json_string_value(json_object_get(data, "first_name")),
			 json_string_value(json_object_get(data, "last_name")));
		json_decref(data);
		long long status_at = t + (st == OSS_SUBMITTED ? 0 : 3600 * (1 + x % 72));
		if (status_at > now) /* a recent request's last step is not in the future */
			status_at = now;
		long long id = 0;
		int r = db_int_value(
		    db,
		    "INSERT INTO oss_requests (code, area_id, service, applicant_id, status, data, note, created_at, "
		    "updated_at, status_at, queued_at, search, applicant_name) VALUES ($1, $2, $3, $4, $5, $6, $11, $7, "
		    "$8, $8, $7, $9, $10) RETURNING id",
		    DB_ARGS(DB_TEXT(code), DB_INT(area_id), DB_TEXT(svc), DB_INT(applicant),
			    DB_TEXT(oss_status_name(st)), DB_TEXT(text), DB_INT(t), DB_INT(status_at),
			    DB_TEXT(buf_cstr(&search)), DB_TEXT(buf_cstr(&name)), DB_TEXT(demo_note(st))),
		    &id, e);
		free(text);
		buf_release(&search);
		rc = r <= 0 ? -1 : demo_history(db, id, st, t, status_at, applicant, buf_cstr(&name), e);
		buf_release(&name);
		if (rc < 0)
			break;
		if (rc == 0 && bday >= 0) {
			long long day_start = bday * 86400 - 7 * 3600;
			rc = exec(
			    db,
			    "INSERT INTO oss_bookings (request_id, room_id, start_at, end_at, attendees, chairman, "
			    "coordinator, status, applicant_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			    DB_ARGS(DB_INT(id), DB_INT(dr.id[broom]), DB_INT(day_start + demo_slots[bslot].from * 60LL),
				    DB_INT(day_start + demo_slots[bslot].to * 60LL), DB_INT(attendees),
				    DB_TEXT(chairmen[(x >> 12) % 4]), DB_TEXT(coordinators[(x >> 14) % 3]),
				    DB_TEXT(oss_status_name(st)), DB_INT(applicant)),
			    e);
		}
		long long ym = oss_ym(t);
		int mi = (int)((ym / 100 - ym0 / 100) * 12 + (ym % 100 - ym0 % 100));
		if (mi >= 0 && mi < MONTHS)
			counts[s][mi][st]++;
	}
	free(apps);
	demo_rooms_free(&dr);
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
	/* the requests go to the first demo area (สพป.ยโสธร เขต 2 when present) */
	long long area = 0;
	int found = db_int_value(db, "SELECT id FROM areas WHERE code = '3502'", NULL, 0, &area, e);
	if (found < 0)
		rc = -1;
	else if (found == 0 && json_array_size(areas) > 0)
		area = json_integer_value(json_object_get(json_array_get(areas, 0), "id"));
	/* its rooms first, so that they are rooms 1, 2, … of a fresh database
	 * (the benchmark's calendar pages name them) */
	long long have = 0;
	if (rc == 0 && db_int_value(db, "SELECT COUNT(*) FROM oss_requests", NULL, 0, &have, e) < 0)
		rc = -1;
	if (rc == 0 && area > 0)
		rc = rooms_and_holidays(db, area, have == 0 ? demo_extra_rooms(requests, 2 * 365) : 0, e);
	json_array_foreach(areas, i, a) if (rc == 0 && json_integer_value(json_object_get(a, "id")) != area) rc =
	    rooms_and_holidays(db, json_integer_value(json_object_get(a, "id")), 0, e);
	if (rc == 0)
		rc = demo_officers(db, e);
	if (rc == 0 && area > 0)
		rc = demo_requests(db, area, requests, e);
	json_decref(areas);
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}
