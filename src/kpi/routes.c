/* routes: KPI-Online's route table and the forms its routes declare; the
 * handlers live in page files by topic (kpi_pages.h): the year's pages
 * (year_pages.c), indicators (indicator_pages.c), periods and units
 * (period_pages.c), reports and reviews (report_pages.c), the matrix
 * (matrix_pages.c), statistics (stats_pages.c) and KPI roles (people.c).
 * Each handler reads the path, query or
 * declared form, asks access.c whether the active grant may do it, calls
 * the module's storage and answers through view.h, so every page is also
 * JSON. Unsafe methods run in the server's transaction, committed
 * only when the answer is a success: a refused save, review or assignment
 * changes nothing.
 *
 *   GET  /kpi                          → the user's fiscal year
 *   GET  /kpi/years, POST /kpi/years   year picker (KPI-1)
 *   GET  /kpi/stats/:year[/xlsx|/pdf]  public statistics, aggregates only (KPI-8)
 *   GET  /kpi/:year                    indicator list with [ยื่น/ตรวจ/ทั้งหมด] (KPI-7)
 *   GET  /kpi/:year/new, POST          new indicator (KPI-2)
 *   POST /kpi/:year/copy               copy another year's indicators
 *   GET  /kpi/:year/stats[/xlsx|/pdf]  yearly statistics with units (KPI-8)
 *   GET  /kpi/indicators/:id           one indicator, its files and periods
 *   GET  /kpi/indicators/:id/edit, POST, POST …/status, …/files, …/files/:fid/delete
 *   GET  /kpi/indicators/:id/files/:fid
 *   GET  /kpi/indicators/:id/matrix    all periods × units (KPI-7)
 *   POST /kpi/periods/:id/open, …/close  (KPI-3)
 *   GET  /kpi/periods/:id/units, POST, POST …/units/:rid/delete  (KPI-4)
 *   GET  /kpi/admin/people, POST, POST …/:gid/revoke  KPI roles (people.c)
 *   GET  /kpi/review-queue, /kpi/:year/review-queue  confirmed reports awaiting review
 *   GET  /kpi/reports/:id, POST (save / confirm), POST …/unconfirm,
 *        …/review, …/unreview, GET …/files/:fid  (KPI-5, KPI-6)
 *
 * The area a page is about is the active grant's; a super admin names it
 * with ?area=. Records of another area answer 404, as if they did not
 * exist. */
#include "core/form.h"
#include "core/http.h"
#include "kpi/kpi_pages.h"

/* ---- forms --------------------------------------------------------------- */

static const struct choice type_choices[] = {
    {"level5", "ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)"},
    {"percent", "ร้อยละ (0 - 100)"},
    {"yesno", "ผ่าน/ไม่ผ่าน (0 - 1)"},
    {NULL, NULL},
};
static const struct choice kind_choices[] = {
    {"monthly", "รายเดือน (ตุลาคม … กันยายน, 12 รอบ)"},
    {"quarterly", "รายไตรมาส (ไตรมาสที่ 1–4)"},
    {"half", "รายครึ่งปี (รอบ 6 เดือน, รอบ 12 เดือน)"},
    {"once", "1 ครั้ง (เก็บ 1 ครั้ง)"},
    {NULL, NULL},
};
const struct choice kpi_status_choices[] = {
    {"open", "Open — แสดงและเปิดรับรายงาน"},
    {"close", "Close — แสดงผล แต่ปิดรับรายงาน"},
    {"hidden", "ปิดการมองเห็น (ซ่อน)"},
    {NULL, NULL},
};

const struct field kpi_indicator_form[] = {
    /* shown to a super admin only, who has no area of his own */
    {.name = "area_id", .label = "สำนักงานเขตพื้นที่การศึกษา", .type = FT_INT, .min = 0, .max = 1LL << 60},
    {.name = "number", .label = "เลขตัวชี้วัด", .type = FT_TEXT, .flags = F_REQUIRED, .max = 20, .hint = "เช่น 1 หรือ 2.1"},
    {.name = "name", .label = "ชื่อตัวชี้วัด", .type = FT_TEXTAREA, .flags = F_REQUIRED, .max = 500},
    {.name = "description", .label = "รายละเอียดตัวชี้วัด", .type = FT_TEXTAREA, .max = 5000},
    {.name = "d1", .label = "D1", .type = FT_TEXT, .max = 20, .hint = "รหัสมิติ (ไม่บังคับ)"},
    {.name = "d2", .label = "D2", .type = FT_TEXT, .max = 20},
    {.name = "d3", .label = "D3", .type = FT_TEXT, .max = 20},
    {.name = "d4", .label = "D4", .type = FT_TEXT, .max = 20},
    {.name = "type", .label = "ประเภทตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = type_choices},
    {.name = "weight", .label = "ค่าน้ำหนัก", .type = FT_TEXT, .max = 10, .hint = "0–100 ทศนิยมได้ 2 ตำแหน่ง ว่างไว้ = 1"},
    {.name = "criteria",
     .label = "เกณฑ์ (ระดับคะแนน)",
     .type = FT_TEXT,
     .max = 200,
     .hint = "ระดับจากน้อยไปมาก คั่นด้วยจุลภาค เช่น 2, 3, 4, 5"},
    {.name = "period_kind",
     .label = "ลักษณะการเปิดใช้งาน (รอบรายงาน)",
     .type = FT_CHOICE,
     .flags = F_REQUIRED,
     .choices = kind_choices},
    {.name = "work_group_id", .label = "กลุ่มงานเจ้าของตัวชี้วัด", .type = FT_INT, .flags = F_REQUIRED, .min = 1},
    {.name = "status", .label = "สถานะตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = kpi_status_choices},
    {NULL},
};

static const struct field status_form[] = {
    {.name = "status", .label = "สถานะตัวชี้วัด", .type = FT_CHOICE, .flags = F_REQUIRED, .choices = kpi_status_choices},
    {NULL},
};

const struct field kpi_ind_file_form[] = {
    {.name = "slot", .label = "ช่องเอกสาร", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 20},
    {.name = "description", .label = "คำอธิบายเอกสาร", .type = FT_TEXT, .max = 500},
    {.name = "file", .label = "ไฟล์เอกสาร", .type = FT_FILE, .flags = F_REQUIRED},
    {NULL},
};

static const struct field empty_form[] = {{NULL}};

const struct field kpi_year_form[] = {
    {.name = "fiscal_year",
     .label = "ปีงบประมาณ",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = KPI_YEAR_MIN,
     .max = KPI_YEAR_MAX},
    {NULL},
};

static const struct field copy_form[] = {
    {.name = "from_year",
     .label = "คัดลอกจากปีงบประมาณ",
     .type = FT_INT,
     .flags = F_REQUIRED,
     .min = KPI_YEAR_MIN,
     .max = KPI_YEAR_MAX},
    {NULL},
};

static const struct field open_form[] = {
    {.name = "due_date", .label = "วันครบกำหนดส่ง", .type = FT_DATE, .hint = "ว่างไว้ = วันสุดท้ายของรอบ"},
    {NULL},
};

static const struct field units_form[] = {
    {.name = "school_id",
     .label = "หน่วยงานผู้รายงาน",
     .type = FT_TEXT,
     .flags = F_MULTI,
     .max = 18,
     .pattern = "[0-9]{1,18}",
     .pattern_msg = "รหัสหน่วยงานไม่ถูกต้อง"},
    {.name = "all_schools", .label = "เลือกโรงเรียนทั้งหมด", .type = FT_CHECKBOX},
    {.name = "area_unit", .label = "สำนักงานเขตพื้นที่การศึกษา (รายงานเอง)", .type = FT_CHECKBOX},
    {NULL},
};

const struct field kpi_review_form[] = {
    {.name = "review_score", .label = "คะแนนผลการประเมิน", .type = FT_TEXT, .max = 20},
    {NULL},
};

static const struct choice confirm_choices[] = {
    {"0", "ยังไม่ยืนยันผลตัวชี้วัด (บันทึกไว้ก่อน แก้ไขได้)"},
    {"1", "ยืนยันผลตัวชี้วัด (ส่งให้ตรวจสอบ)"},
    {NULL, NULL},
};

#define F_DESC(n)                                                                                                      \
	{                                                                                                              \
		.name = "desc_" #n, .label = "คำอธิบายไฟล์ลำดับที่ " #n, .type = FT_TEXTAREA, .max = KPI_FILE_DESC_MAX      \
	}
#define F_REMOVE(n)                                                                                                    \
	{                                                                                                              \
		.name = "remove_" #n, .label = "ลบไฟล์ลำดับที่ " #n, .type = FT_CHECKBOX                                   \
	}
#define F_NEWFILE(n)                                                                                                   \
	{                                                                                                              \
		.name = "new_file_" #n, .label = "ไฟล์ใหม่ " #n, .type = FT_FILE                                         \
	}
#define F_NEWDESC(n)                                                                                                   \
	{                                                                                                              \
		.name = "new_desc_" #n, .label = "คำอธิบายไฟล์ใหม่ " #n, .type = FT_TEXTAREA, .max = KPI_FILE_DESC_MAX    \
	}

const struct field kpi_report_form[] = {
    F_DESC(1),
    F_DESC(2),
    F_DESC(3),
    F_DESC(4),
    F_DESC(5),
    F_DESC(6),
    F_DESC(7),
    F_DESC(8),
    F_DESC(9),
    F_DESC(10),
    F_REMOVE(1),
    F_REMOVE(2),
    F_REMOVE(3),
    F_REMOVE(4),
    F_REMOVE(5),
    F_REMOVE(6),
    F_REMOVE(7),
    F_REMOVE(8),
    F_REMOVE(9),
    F_REMOVE(10),
    F_NEWFILE(1),
    F_NEWFILE(2),
    F_NEWFILE(3),
    F_NEWFILE(4),
    F_NEWFILE(5),
    F_NEWFILE(6),
    F_NEWFILE(7),
    F_NEWFILE(8),
    F_NEWFILE(9),
    F_NEWFILE(10),
    F_NEWFILE(11),
    F_NEWDESC(1),
    F_NEWDESC(2),
    F_NEWDESC(3),
    F_NEWDESC(4),
    F_NEWDESC(5),
    F_NEWDESC(6),
    F_NEWDESC(7),
    F_NEWDESC(8),
    F_NEWDESC(9),
    F_NEWDESC(10),
    F_NEWDESC(11),
    {.name = "self_score", .label = "คะแนนประเมินตนเอง", .type = FT_TEXT, .max = 20},
    {.name = "confirm", .label = "การยืนยันผล", .type = FT_CHOICE, .choices = confirm_choices},
    /* the reviewer's field, posted to …/review: listed so that the page's
     * error summary links to it */
    {.name = "review_score", .label = "คะแนนผลการประเมิน", .type = FT_TEXT, .max = 20},
    {NULL},
};

/* ---- the table ------------------------------------------------------------ */

#define STAFF ACCESS_SIGNED_IN, "@staff"

/* the statistics' formats, one handler each for the staff's and the public's */
static const enum kpi_stats_format as_html = KPI_STATS_HTML, as_xlsx = KPI_STATS_XLSX, as_pdf = KPI_STATS_PDF;

static const struct route routes[] = {
    {"GET", "/kpi", kpi_home_get, NULL, "kpi", STAFF},
    {"GET", "/kpi/years", kpi_years_get, NULL, NULL, STAFF},
    {"POST", "/kpi/years", kpi_years_post, kpi_year_form, NULL, STAFF},
    {"GET", "/kpi/stats", kpi_public_stats_now_get, NULL, NULL, ACCESS_PUBLIC},
    {"GET", "/kpi/stats/:year", kpi_public_stats_get, NULL, NULL, ACCESS_PUBLIC, NULL, &as_html, ROUTE_MAY_LAG},
    {"GET", "/kpi/stats/:year/xlsx", kpi_public_stats_get, NULL, NULL, ACCESS_PUBLIC, NULL, &as_xlsx, ROUTE_MAY_LAG},
    {"GET", "/kpi/stats/:year/pdf", kpi_public_stats_get, NULL, NULL, ACCESS_PUBLIC, NULL, &as_pdf, ROUTE_MAY_LAG},
    {"GET", "/kpi/admin/people", kpi_people_get, NULL, NULL, STAFF},
    {"POST", "/kpi/admin/people", kpi_people_post, kpi_people_form, NULL, STAFF},
    {"POST", "/kpi/admin/people/:gid/revoke", kpi_people_revoke, kpi_people_revoke_form, NULL, STAFF},
    {"GET", "/kpi/indicators/:id", kpi_indicator_view_get, NULL, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/edit", kpi_indicator_edit_get, NULL, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/edit", kpi_indicator_edit_post, kpi_indicator_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/status", kpi_indicator_status_post, status_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/files", kpi_indicator_attachment_post, kpi_ind_file_form, NULL, STAFF},
    {"POST", "/kpi/indicators/:id/files/:fid/delete", kpi_indicator_attachment_delete_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/files/:fid", kpi_indicator_attachment_get, NULL, NULL, STAFF},
    {"GET", "/kpi/indicators/:id/matrix", kpi_matrix_get, NULL, NULL, STAFF},
    {"POST", "/kpi/periods/:id/open", kpi_period_open_post, open_form, NULL, STAFF},
    {"POST", "/kpi/periods/:id/close", kpi_period_close_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/periods/:id/units", kpi_units_get, NULL, NULL, STAFF},
    {"POST", "/kpi/periods/:id/units", kpi_units_post, units_form, NULL, STAFF},
    {"POST", "/kpi/periods/:id/units/:rid/delete", kpi_unit_delete_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/reports/:id", kpi_report_view_get, NULL, NULL, STAFF},
    {"POST", "/kpi/reports/:id", kpi_report_save_post, kpi_report_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/unconfirm", kpi_report_unconfirm_post, empty_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/review", kpi_report_review_post, kpi_review_form, NULL, STAFF},
    {"POST", "/kpi/reports/:id/unreview", kpi_report_unreview_post, empty_form, NULL, STAFF},
    {"GET", "/kpi/reports/:id/files/:fid", kpi_report_attachment_get, NULL, NULL, STAFF},
    {"GET", "/kpi/review-queue", kpi_review_queue_now_get, NULL, NULL, STAFF},
    {"GET", "/kpi/:year", kpi_year_get, NULL, NULL, STAFF},
    {"GET", "/kpi/:year/review-queue", kpi_review_queue_get, NULL, NULL, STAFF},
    {"GET", "/kpi/:year/new", kpi_indicator_new_get, NULL, NULL, STAFF},
    {"POST", "/kpi/:year/new", kpi_indicator_new_post, kpi_indicator_form, NULL, STAFF},
    {"POST", "/kpi/:year/copy", kpi_year_copy_post, copy_form, NULL, STAFF},
    {"GET", "/kpi/:year/stats", kpi_stats_get, NULL, NULL, STAFF, &as_html},
    {"GET", "/kpi/:year/stats/xlsx", kpi_stats_get, NULL, NULL, STAFF, &as_xlsx},
    {"GET", "/kpi/:year/stats/pdf", kpi_stats_get, NULL, NULL, STAFF, &as_pdf},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL},
};

const struct route_table kpi_routes = {"kpi", routes};
