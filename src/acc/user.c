/* user: the account a person holds (ACC-1) and the roles granted to it
 * (ACC-2) — what is stored, what is valid, and the password policy.
 *
 * One person, one account: the citizen ID, the e-mail and the username are
 * each UNIQUE in the database, which is the rule's real guard. The checks
 * here run first only to give a clear Thai message, and they run under a
 * db_lock so that two registrations of the same person racing on
 * PostgreSQL cannot both pass the check (SQLite's IMMEDIATE transaction
 * already serialises them). A duplicate is refused with a message that an
 * anonymous visitor may read: it says the number is registered, never whose
 * account holds it.
 *
 * Usernames are what people type to sign in besides their citizen ID and
 * e-mail. One may be chosen at registration; otherwise it is the e-mail's
 * local part made safe (lower-case a-z, digits, . _ -), with 2, 3 … added
 * when taken. Usernames always hold a letter, so one can never be mistaken
 * for a 13-digit citizen ID at sign-in.
 *
 * Passwords (ACC-3): at least 10 characters, not the citizen ID nor
 * containing it, not among the 10,000 most common passwords. The list ships
 * inside the binary (src/acc/common-passwords.txt, compiled in by the
 * Makefile) and is loaded once into a sorted array for bsearch. Hashes are
 * argon2id through libsodium with the interactive limits: each hash or
 * verify takes about 64 MB for some tens of milliseconds, so memory, not
 * CPU, bounds how many sign-ins run at once (workers × 64 MB). */
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/thai.h"

#define LOCK_USERS ACC_LOCK_USERS

#define N(a) (sizeof(a) / sizeof *(a))

/* --- roles -------------------------------------------------------------- */

bool acc_grant_resolve(struct acc_grant *g)
{
	const struct role_def *d = module_role(g->role);
	g->bit = d ? module_role_bit(g->role) : 0;
	g->scope = d ? d->scope : 0;
	return d != NULL;
}

bool acc_grant_is(const struct acc_grant *g, const char *role)
{
	return g && role && !strcmp(g->role, role);
}

const char *acc_role_label(const char *role)
{
	const struct role_def *d = module_role(role);
	return d ? d->label : NULL;
}

/* --- titles and personnel types ----------------------------------------- */

const char *const acc_titles[] = {
    "นาย", "นาง",    "นางสาว", "ด.ช.",	 "ด.ญ.", "ว่าที่ ร.ต.", "ว่าที่ ร.ต.หญิง", "ดร.",
    "ผศ.", "ผศ.ดร.", "รศ.",    "รศ.ดร.", "ศ.",	 "ศ.ดร.",    NULL,
};

const struct acc_personnel_type acc_personnel_types[] = {
    {"civil_servant", "ข้าราชการครูและบุคลากรทางการศึกษา"},
    {"permanent_employee", "ลูกจ้างประจำ"},
    {"government_employee", "พนักงานราชการ"},
    {"temporary_employee", "ลูกจ้างชั่วคราว"},
    {"general", "บุคคลทั่วไป"},
    {NULL, NULL},
};

/* --- common passwords --------------------------------------------------- */

static pthread_once_t common_once = PTHREAD_ONCE_INIT;
static char *common_text;
static const char **common_list;
static size_t common_count;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void common_load(void)
{
	const struct embedded_file *f = embedded_find("src/acc/common-passwords.txt");
	if (!f) {
		log_error("acc: src/acc/common-passwords.txt is not compiled in; common passwords are not refused");
		return;
	}
	common_text = xstrndup(f->data, f->len);
	size_t cap = 1;
	for (size_t i = 0; i < f->len; i++)
		cap += common_text[i] == '\n';
	common_list = xcalloc(cap, sizeof *common_list);
	char *p = common_text;
	bool header = true;
	while (*p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		size_t n = strlen(p);
		if (n && p[n - 1] == '\r')
			p[--n] = 0;
		/* comment lines only at the top: a password may start with "#" */
		if (header && !strncmp(p, "# ", 2)) {
			p = nl ? nl + 1 : p + n;
			continue;
		}
		header = false;
		if (n)
			common_list[common_count++] = p;
		p = nl ? nl + 1 : p + n;
	}
	qsort(common_list, common_count, sizeof *common_list, cmp_str);
}

bool acc_password_common(const char *password)
{
	pthread_once(&common_once, common_load);
	if (!common_count || !password)
		return false;
	/* the list is lower-case: compare the password lower-cased (ASCII) */
	size_t n = strlen(password);
	if (n > 256)
		return false;
	char low[257];
	for (size_t i = 0; i <= n; i++)
		low[i] = (password[i] >= 'A' && password[i] <= 'Z') ? (char)(password[i] + 32) : password[i];
	const char *key = low;
	return bsearch(&key, common_list, common_count, sizeof *common_list, cmp_str) != NULL;
}

/* --- passwords ---------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Words a person would pick for this system itself: as guessable as the
 * list's. */
static const char *const site_words[] = {"khet", "obec", "admin", "school", "teacher", "thailand", NULL};

static bool word_guessable(const char *w)
{
	if (!*w)
		return false;
	for (size_t i = 0; site_words[i]; i++)
		if (!strcmp(w, site_words[i]))
			return true;
	return acc_password_common(w);
}

static bool ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int acc_password_guessable(const char *password)
{
	if (!password)
		return 0;
	if (acc_password_common(password))
		return 1;
	size_t n = strlen(password);
	if (n > 256)
		return 0;
	char low[257], stem[257], nodig[257], letters[257];
	size_t k = 0, runs = 0;
	bool ascii = true, in_run = false;
	for (size_t i = 0; i <= n; i++) {
		char c = password[i];
		if ((unsigned char)c >= 0x80)
			ascii = false;
		low[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		bool a = ascii_alpha(c);
		if (a && !in_run)
			runs++;
		in_run = a;
		if (a)
			letters[k++] = low[i];
	}
	letters[k] = 0;
	/* trailing digits and symbols off: "password2567!!" */
	memcpy(stem, low, n + 1);
	size_t m = n;
	while (m > 0 && (unsigned char)stem[m - 1] < 0x80 && !ascii_alpha(stem[m - 1]))
		stem[--m] = 0;
	if (m < n && word_guessable(stem))
		return 2;
	/* digits anywhere out: "pass2567word", "2567password" */
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (low[i] < '0' || low[i] > '9')
			nodig[k++] = low[i];
	nodig[k] = 0;
	if (k < n && word_guessable(nodig))
		return 2;
	/* mostly one word plus digits and symbols: "Khet123456789",
	 * "!!Admin2567" — one run of letters that is a common or site word,
	 * or too short to add anything (under four letters) */
	if (ascii && runs == 1 && (word_guessable(letters) || strlen(letters) < 4))
		return 2;
	return 0;
}

int acc_password_check(const char *password, const char *citizen_id, struct err *e)
{
	if (!password || !*password)
		return err_field(e, "password", "กรุณาตั้งรหัสผ่าน");
	size_t n = utf8_chars(password);
	if (n < 10)
		return err_field(e, "password", "รหัสผ่านต้องยาวอย่างน้อย 10 ตัวอักษร (ตอนนี้มี %zu ตัว)", n);
	if (n > 128)
		return err_field(e, "password", "รหัสผ่านยาวได้ไม่เกิน 128 ตัวอักษร");
	if (citizen_id && strlen(citizen_id) == 13 && strstr(password, citizen_id))
		return err_field(e, "password", "รหัสผ่านต้องไม่ใช่เลขประจำตัวประชาชนหรือมีเลขประจำตัวประชาชนอยู่ในรหัสผ่าน");
	int g = acc_password_guessable(password);
	if (g == 1)
		return err_field(e, "password",
				 "รหัสผ่านนี้เป็นรหัสผ่านที่มีผู้ใช้มากและคาดเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น เช่น วลีที่จำได้หลายคำ");
	if (g == 2)
		return err_field(e, "password",
				 "รหัสผ่านนี้เป็นคำที่ใช้กันมาก (เช่น password, qwerty, khet) เติมตัวเลขหรือสัญลักษณ์ "
				 "ซึ่งคาดเดาได้ง่าย (ไม่นับตัวพิมพ์เล็กใหญ่) กรุณาตั้งรหัสผ่านอื่น เช่น วลีที่จำได้หลายคำ");
	return 0;
}

int acc_password_hash(const char *password, char out[128], struct err *e)
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, 500, "crypto_pwhash_str failed (out of memory?)");
	return 0;
}

static atomic_llong verifications;

long long acc_password_verifications(void)
{
	return atomic_load(&verifications);
}

int acc_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash || !password || strlen(hash) >= crypto_pwhash_STRBYTES)
		return 0;
	atomic_fetch_add(&verifications, 1);
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int acc_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 1;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void dummy_make(void)
{
	struct err e = ERR_INIT;
	if (acc_password_hash("khet: no such account", dummy_hash, &e) < 0)
		dummy_hash[0] = 0;
}

void acc_password_burn(const char *password)
{
	pthread_once(&dummy_once, dummy_make);
	(void)acc_password_verify(dummy_hash, password);
}

bool acc_signin_password_ok(bool found, const char *status, const char *hash, const char *password, bool *dummy)
{
	/* a hash libsodium can check; anything else (no password set yet, a
	 * password voided by a reset: "") would answer at once, in about a
	 * millisecond against tens for a real check, and tell the account
	 * apart from an unknown name */
	bool usable = found && hash && !strncmp(hash, "$argon2", 7) && strlen(hash) < crypto_pwhash_STRBYTES;
	if (dummy)
		*dummy = !usable;
	if (!usable) {
		acc_password_burn(password ? password : "");
		return false;
	}
	return acc_password_verify(hash, password) == 1 && status && !strcmp(status, "active");
}

/* --- usernames ---------------------------------------------------------- */

static bool uname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void acc_username_from_email(const char *email, char out[33])
{
	size_t n = 0;
	bool letter = false;
	for (const char *p = email; *p && *p != '@' && n < 26; p++) {
		char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
		if (!uname_char(c) || (n == 0 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))))
			continue;
		letter |= c >= 'a' && c <= 'z';
		out[n++] = c;
	}
	out[n] = 0;
	if (!letter) {
		/* a username always holds a letter (never reads as a citizen ID) */
		char tmp[33];
		snprintf(tmp, sizeof tmp, "u%s", out);
		memcpy(out, tmp, strlen(tmp) + 1);
		n = strlen(out);
	}
	while (n < 3)
		out[n++] = 'x';
	out[n] = 0;
}

int acc_username_check(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n < 3 || n > 32)
		return err_field(e, "username", "ชื่อผู้ใช้ต้องยาว 3–32 ตัวอักษร");
	bool letter = false;
	for (const char *p = s; *p; p++) {
		if (!uname_char(*p))
			return err_field(e, "username", "ชื่อผู้ใช้ใช้ได้เฉพาะอักษรภาษาอังกฤษตัวเล็ก a–z ตัวเลข และ . _ - เท่านั้น");
		letter |= *p >= 'a' && *p <= 'z';
	}
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return err_field(e, "username", "ชื่อผู้ใช้ต้องขึ้นต้นด้วยตัวอักษร a–z หรือตัวเลข");
	if (!letter)
		return err_field(e, "username", "ชื่อผู้ใช้ต้องมีตัวอักษร a–z อย่างน้อย 1 ตัว");
	return 0;
}

/* --- validation --------------------------------------------------------- */

/* True if s holds at least one Thai letter (U+0E01–U+0E2E: E0 B8 81–AE). */
static bool has_thai_letter(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p[0] && p[1] && p[2]; p++)
		if (p[0] == 0xE0 && p[1] == 0xB8 && p[2] >= 0x81 && p[2] <= 0xAE)
			return true;
	return false;
}

static bool has_thai(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p[0] && p[1]; p++)
		if (p[0] == 0xE0 && (p[1] == 0xB8 || p[1] == 0xB9))
			return true;
	return false;
}

static int name_check(const char *v, const char *field, const char *what, bool required, bool thai, struct err *e)
{
	if (!*v) {
		if (required)
			return err_field(e, field, "กรุณากรอก%s", what);
		return 0;
	}
	if (!thai_utf8_valid(v, strlen(v)) || strchr(v, '\n') || strchr(v, '\r') || strchr(v, '\t'))
		return err_field(e, field, "%s มีอักขระที่ใช้ไม่ได้", what);
	if (thai_text_invisible(v))
		return err_field(e, field,
				 "%s มีอักขระที่มองไม่เห็นหรืออักขระที่กลับทิศทางข้อความ (เช่น zero-width space) กรุณาพิมพ์ใหม่", what);
	if (thai_text_emoji(v))
		return err_field(e, field, "%s ต้องไม่มีอีโมจิหรือสัญลักษณ์รูปภาพ กรุณากรอกเฉพาะตัวอักษร", what);
	if (utf8_chars(v) > 100)
		return err_field(e, field, "%s ยาวได้ไม่เกิน 100 ตัวอักษร", what);
	if (thai && !has_thai_letter(v))
		return err_field(e, field, "กรุณากรอก%sเป็นภาษาไทย", what);
	if (!thai && has_thai(v))
		return err_field(e, field, "กรุณากรอก%sเป็นอักษรภาษาอังกฤษ", what);
	return 0;
}

static bool title_ok(const char *t)
{
	for (size_t i = 0; acc_titles[i]; i++)
		if (!strcmp(acc_titles[i], t))
			return true;
	return false;
}

int acc_user_validate(const struct acc_user_new *u, struct err *e)
{
	const char *cid = nz(u->citizen_id);
	if (!*cid)
		return err_field(e, "citizen_id", "กรุณากรอกเลขประจำตัวประชาชน");
	if (thai_citizen_id_check(cid, e) < 0)
		return -1;
	const char *email = nz(u->email);
	if (!*email)
		return err_field(e, "email", "กรุณากรอกอีเมล");
	const char *at = strchr(email, '@');
	if (!at || at == email || !at[1] || strchr(at + 1, '@') || strlen(email) > 254 || strchr(email, ' '))
		return err_field(e, "email", "รูปแบบอีเมลไม่ถูกต้อง ตัวอย่างที่ถูกต้อง: name@example.com");
	for (const char *p = email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return err_field(e, "email", "internal: e-mail must be lower-case");
	if (u->username && *u->username && acc_username_check(u->username, e) < 0)
		return -1;
	if (!*nz(u->title))
		return err_field(e, "title", "กรุณาเลือกคำนำหน้าชื่อ");
	if (!title_ok(u->title))
		return err_field(e, "title", "กรุณาเลือกคำนำหน้าชื่อจากรายการ");
	if (name_check(nz(u->first_name), "first_name", "ชื่อ", true, true, e) < 0 ||
	    name_check(nz(u->last_name), "last_name", "นามสกุล", true, true, e) < 0 ||
	    name_check(nz(u->first_name_en), "first_name_en", "ชื่อภาษาอังกฤษ", false, false, e) < 0 ||
	    name_check(nz(u->last_name_en), "last_name_en", "นามสกุลภาษาอังกฤษ", false, false, e) < 0)
		return -1;
	const char *phone = nz(u->phone);
	if (*phone) {
		size_t n = strlen(phone);
		bool digits = n >= 9 && n <= 10 && phone[0] == '0';
		for (const char *p = phone; digits && *p; p++)
			digits = *p >= '0' && *p <= '9';
		if (!digits)
			return err_field(e, "phone", "หมายเลขโทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก ขึ้นต้นด้วย 0 เช่น 0812345678");
	}
	if (utf8_chars(nz(u->staff_id)) > 32)
		return err_field(e, "staff_id", "รหัสประจำตัวยาวได้ไม่เกิน 32 ตัวอักษร");
	const char *pt = nz(u->personnel_type);
	if (*pt) {
		bool ok = false;
		for (const struct acc_personnel_type *t = acc_personnel_types; t->value; t++)
			ok |= !strcmp(t->value, pt);
		if (!ok)
			return err_field(e, "personnel_type", "กรุณาเลือกประเภทบุคลากรจากรายการ");
	}
	if (u->password && *u->password && acc_password_check(u->password, cid, e) < 0)
		return -1;
	return 0;
}

/* --- storage ------------------------------------------------------------ */

static const char dup_citizen[] = "เลขประจำตัวประชาชนนี้ลงทะเบียนแล้ว หากลืมรหัสผ่านให้ขอรีเซ็ต";
static const char dup_email[] = "อีเมลนี้ลงทะเบียนแล้ว หากลืมรหัสผ่านให้ขอรีเซ็ต";
static const char dup_username[] = "ชื่อผู้ใช้นี้มีผู้ใช้แล้ว กรุณาเลือกชื่ออื่น";

/* A duplicate: 409 with the field and its Thai message. */
static int conflict(struct err *e, const char *field, const char *msg)
{
	err_field(e, field, "%s", msg);
	e->status = 409;
	return -1;
}

/* 1 if a row matches, 0 if not, -1 on error. */
static int exists(struct db *db, const char *sql, const char *value, struct err *e)
{
	long long one = 0;
	return db_int_value(db, sql, DB_ARGS(DB_TEXT(value)), &one, e);
}

long long acc_user_create(struct db *db, const struct acc_user_new *u, struct err *e)
{
	if (acc_user_validate(u, e) < 0)
		return -1;
	char hash[crypto_pwhash_STRBYTES] = "";
	if (u->password_hash && *u->password_hash)
		snprintf(hash, sizeof hash, "%s", u->password_hash);
	else if (u->password && *u->password && acc_password_hash(u->password, hash, e) < 0)
		return -1;
	if (db_lock(db, LOCK_USERS, e) < 0)
		return -1;
	int rc = exists(db, "SELECT 1 FROM users WHERE citizen_id = $1", u->citizen_id, e);
	if (rc)
		return rc < 0 ? -1 : conflict(e, "citizen_id", dup_citizen);
	rc = exists(db, "SELECT 1 FROM users WHERE email = $1", u->email, e);
	if (rc)
		return rc < 0 ? -1 : conflict(e, "email", dup_email);
	char uname[48];
	if (u->username && *u->username) {
		snprintf(uname, sizeof uname, "%s", u->username);
		rc = exists(db, "SELECT 1 FROM users WHERE username = $1", uname, e);
		if (rc)
			return rc < 0 ? -1 : conflict(e, "username", dup_username);
	} else {
		char base[33];
		acc_username_from_email(u->email, base);
		snprintf(uname, sizeof uname, "%s", base);
		for (int i = 2;; i++) {
			rc = exists(db, "SELECT 1 FROM users WHERE username = $1", uname, e);
			if (rc < 0)
				return -1;
			if (rc == 0)
				break;
			if (i < 1000) {
				snprintf(uname, sizeof uname, "%s%d", base, i);
			} else {
				snprintf(uname, sizeof uname, "%s%u", base, (unsigned)randombytes_uniform(1000000000u));
			}
		}
	}
	long long now = (long long)time(NULL), id = 0;
	rc = db_int_value(
	    db,
	    "INSERT INTO users (citizen_id, email, username, title, first_name, last_name, first_name_en, "
	    "last_name_en, phone, staff_id, personnel_type, password_hash, status, created_at, updated_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $13) RETURNING id",
	    DB_ARGS(DB_TEXT(u->citizen_id), DB_TEXT(u->email), DB_TEXT(uname), DB_TEXT(u->title),
		    DB_TEXT(u->first_name), DB_TEXT(u->last_name), DB_TEXT(nz(u->first_name_en)),
		    DB_TEXT(nz(u->last_name_en)), DB_TEXT(nz(u->phone)), DB_TEXT(nz(u->staff_id)),
		    DB_TEXT(nz(u->personnel_type)), DB_TEXT(hash), DB_INT(now)),
	    &id, e);
	sodium_memzero(hash, sizeof hash);
	if (rc < 0) {
		if (e->status == 409) /* lost a race the lock should prevent: still one account */
			return conflict(e, "citizen_id", dup_citizen);
		return -1;
	}
	return id;
}

json_t *acc_user_profile(struct db *db, long long user_id, struct err *e)
{
	json_t *j =
	    db_row_json(db,
			"SELECT id, citizen_id, title, first_name, last_name, first_name_en, last_name_en, phone, "
			"email, username, staff_id, personnel_type FROM users WHERE id = $1 AND status = 'active'",
			DB_ARGS(DB_INT(user_id)), e);
	if (!j && e->status == 404)
		err_set(e, 404, "ไม่พบบัญชีผู้ใช้");
	/* data entered once (DPA-5): what the modules hold about the person */
	if (j && module_person_profile(db, json_string_value(json_object_get(j, "citizen_id")), j, e) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int acc_user_cancel(struct db *db, long long user_id, long long by_user_id, struct err *e)
{
	long long now = (long long)time(NULL);
	long long n =
	    db_exec(db,
		    "UPDATE users SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, updated_at = $2, "
		    "version = version + 1 WHERE id = $1 AND status = 'active'",
		    DB_ARGS(DB_INT(user_id), DB_INT(now), by_user_id > 0 ? DB_INT(by_user_id) : DB_NULL), e);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ยังใช้งานอยู่");
	/* their sessions are refused already (the session query reads the
	 * status); removing them keeps the table small */
	return db_exec(db, "DELETE FROM sessions WHERE user_id = $1", DB_ARGS(DB_INT(user_id)), e) < 0 ? -1 : 0;
}

int acc_user_find_login(struct db *db, const char *login, long long *id, char status[16], char hash[128], struct err *e)
{
	/* a citizen ID is 13 digits, an e-mail has "@", anything else is a
	 * username; all three are stored as typed-and-normalised, so each
	 * lookup is one seek in its UNIQUE index */
	size_t n = strlen(login);
	bool digits = n == 13;
	for (size_t i = 0; digits && i < n; i++)
		digits = login[i] >= '0' && login[i] <= '9';
	struct buf low = BUF_INIT;
	for (const char *p = login; *p; p++)
		buf_addc(&low, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	const char *sql = digits	       ? "SELECT id, status, password_hash FROM users WHERE citizen_id = $1"
			  : strchr(login, '@') ? "SELECT id, status, password_hash FROM users WHERE email = $1"
					       : "SELECT id, status, password_hash FROM users WHERE username = $1";
	struct db_res *res;
	if (db_query(db, sql, DB_ARGS(DB_TEXT(buf_cstr(&low))), &res, e) < 0) {
		buf_release(&low);
		return -1;
	}
	buf_release(&low);
	int rc = db_next(res, e);
	if (rc == 1) {
		*id = db_int(res, 0);
		snprintf(status, 16, "%s", db_text(res, 1));
		snprintf(hash, 128, "%s", db_text(res, 2));
	}
	db_res_free(res);
	return rc;
}

int acc_user_set_hash(struct db *db, long long user_id, const char *hash, struct err *e)
{
	return db_exec(db, "UPDATE users SET password_hash = $2, updated_at = $3, version = version + 1 WHERE id = $1",
		       DB_ARGS(DB_INT(user_id), DB_TEXT(hash), DB_INT((long long)time(NULL))), e) < 0
		   ? -1
		   : 0;
}

/* --- grants ------------------------------------------------------------- */

long long acc_grant_add(struct db *db, long long user_id, const char *role, long long area_id, long long school_id,
			const char *module, long long granted_by, struct err *e)
{
	struct acc_grant g = {0};
	g.user_id = user_id;
	snprintf(g.role, sizeof g.role, "%s", nz(role));
	g.area_id = area_id;
	g.school_id = school_id;
	snprintf(g.module, sizeof g.module, "%s", nz(module));
	return acc_grant_add_full(db, &g, granted_by, e);
}

static struct db_val id_or_null(long long v)
{
	return v > 0 ? DB_INT(v) : DB_NULL;
}

static struct db_val text_or_null(const char *s)
{
	return s && *s ? DB_TEXT(s) : DB_NULL;
}

long long acc_grant_add_full(struct db *db, const struct acc_grant *in, long long granted_by, struct err *e)
{
	struct acc_grant g = *in;
	const struct role_def *def = module_role(g.role);
	if (!def)
		return err_field(e, "role", "ไม่รู้จักบทบาท %s", g.role);
	acc_grant_resolve(&g);
	long long one = 0;
	int rc = db_int_value(db, "SELECT 1 FROM users WHERE id = $1 AND status = 'active'", DB_ARGS(DB_INT(g.user_id)),
			      &one, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, 404, "ไม่พบบัญชีผู้ใช้ที่ยังใช้งานอยู่");
	if (def->flags & ROLE_QUALIFIED) {
		const struct permission_def *p = module_permission_of(g.role, g.service);
		if (!g.service[0] || !p)
			return err_field(e, "permission", "บทบาท%sต้องระบุสิทธิ์ย่อย (เช่น บริการที่รับผิดชอบ) จากรายการ",
					 def->label);
	} else {
		g.service[0] = 0;
	}
	if (def->scope == SCOPE_NATIONAL) {
		if (g.area_id || g.school_id || g.work_group_id)
			return err_field(e, "role", "บทบาท%sเป็นบทบาทระดับประเทศ ไม่สังกัดเขตหรือสถานศึกษา", def->label);
	} else if (def->scope == SCOPE_SCHOOL) {
		if (g.school_id <= 0)
			return err_field(e, "school_id", "บทบาท%sต้องระบุสถานศึกษา", def->label);
		long long area = 0;
		rc = db_int_value(db, "SELECT area_id FROM schools WHERE id = $1", DB_ARGS(DB_INT(g.school_id)), &area,
				  e);
		if (rc <= 0)
			return rc < 0 ? -1 : err_field(e, "school_id", "ไม่พบสถานศึกษาที่ระบุ");
		if (g.area_id && g.area_id != area)
			return err_field(e, "school_id", "สถานศึกษานี้ไม่ได้อยู่ในเขตพื้นที่ที่ระบุ");
		g.area_id = area;
		g.work_group_id = 0;
	} else {
		if (g.area_id <= 0)
			return err_field(e, "area_id", "บทบาท%sต้องระบุสำนักงานเขตพื้นที่", def->label);
		if (g.school_id)
			return err_field(e, "school_id", "บทบาท%sไม่สังกัดสถานศึกษา", def->label);
		rc = db_int_value(db, "SELECT 1 FROM areas WHERE id = $1", DB_ARGS(DB_INT(g.area_id)), &one, e);
		if (rc <= 0)
			return rc < 0 ? -1 : err_field(e, "area_id", "ไม่พบสำนักงานเขตพื้นที่ที่ระบุ");
		if (!g.work_group_id && (def->flags & ROLE_WORK_GROUP))
			return err_field(e, "work_group_id", "บทบาท%sต้องระบุกลุ่มงาน", def->label);
		if (g.work_group_id && !(def->flags & (ROLE_WORK_GROUP | ROLE_WORK_GROUP_OPTIONAL)))
			return err_field(e, "work_group_id", "บทบาท%sไม่ต้องระบุกลุ่มงาน", def->label);
		if (g.work_group_id) {
			rc = db_int_value(db, "SELECT 1 FROM work_groups WHERE id = $1 AND area_id = $2",
					  DB_ARGS(DB_INT(g.work_group_id), DB_INT(g.area_id)), &one, e);
			if (rc <= 0)
				return rc < 0 ? -1 : err_field(e, "work_group_id", "ไม่พบกลุ่มงานนี้ในเขตพื้นที่");
		}
	}
	/* the module is the one that declares the role, whatever the caller
	 * said, so every path's grants look alike */
	snprintf(g.module, sizeof g.module, "%s", module_role_owner(g.role));
	if (db_lock(db, LOCK_USERS, e) < 0)
		return -1;
	rc = db_int_value(
	    db,
	    "SELECT id FROM grants WHERE user_id = $1 AND role = $2 AND COALESCE(area_id, 0) = $3 "
	    "AND COALESCE(school_id, 0) = $4 AND COALESCE(work_group_id, 0) = $5 "
	    "AND COALESCE(service, '') = $6 AND revoked_at IS NULL",
	    DB_ARGS(DB_INT(g.user_id), DB_TEXT(g.role), DB_INT(g.area_id), DB_INT(g.school_id), DB_INT(g.work_group_id),
		    DB_TEXT(g.service)),
	    &one, e);
	if (rc)
		return rc < 0 ? -1 : conflict(e, "role", "ผู้ใช้มีบทบาทนี้อยู่แล้ว");
	if (!strcmp(g.role, "school_admin")) {
		rc = db_int_value(
		    db, "SELECT 1 FROM grants WHERE school_id = $1 AND role = 'school_admin' AND revoked_at IS NULL",
		    DB_ARGS(DB_INT(g.school_id)), &one, e);
		if (rc)
			return rc < 0 ? -1
				      : conflict(e, "school_id",
						 "สถานศึกษานี้มีแอดมินสถานศึกษาแล้ว (สถานศึกษา 1 แห่งมีแอดมินได้ 1 คน) "
						 "กรุณายกเลิกสิทธิ์ของแอดมินเดิมก่อน");
	}
	long long id = 0;
	rc = db_int_value(
	    db,
	    "INSERT INTO grants (user_id, role, area_id, school_id, work_group_id, module, service, granted_by, "
	    "granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	    DB_ARGS(DB_INT(g.user_id), DB_TEXT(g.role), id_or_null(g.area_id), id_or_null(g.school_id),
		    id_or_null(g.work_group_id), text_or_null(g.module), text_or_null(g.service),
		    id_or_null(granted_by), DB_INT((long long)time(NULL))),
	    &id, e);
	return rc < 0 ? -1 : id;
}

int acc_grant_revoke(struct db *db, long long grant_id, long long revoked_by, struct err *e)
{
	long long n =
	    db_exec(db, "UPDATE grants SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL",
		    DB_ARGS(DB_INT(grant_id), DB_INT((long long)time(NULL)), id_or_null(revoked_by)), e);
	if (n < 0)
		return -1;
	return n ? 0 : err_set(e, 404, "ไม่พบสิทธิ์ที่ยังใช้งานอยู่");
}

json_t *acc_user_grants(struct db *db, long long user_id, struct err *e)
{
	json_t *rows = db_rows_json(
	    db,
	    "SELECT g.id, g.role, g.area_id, a.short_name AS area_name, g.school_id, "
	    "s.name AS school_name, g.work_group_id, w.name AS work_group_name, g.module, g.service "
	    "FROM grants g LEFT JOIN areas a ON a.id = g.area_id LEFT JOIN schools s ON s.id = g.school_id "
	    "LEFT JOIN work_groups w ON w.id = g.work_group_id "
	    "WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.id",
	    DB_ARGS(DB_INT(user_id)), e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *g;
	json_array_foreach(rows, i, g)
	{
		const char *role = json_string_value(json_object_get(g, "role"));
		const char *rl = acc_role_label(role);
		json_object_set_new(g, "role_label", json_string_nocheck(rl ? rl : nz(role)));
		/* a qualified role reads as its permission ("เจ้าหน้าที่ OSS 31 …") */
		const struct permission_def *p =
		    module_permission_of(role, json_string_value(json_object_get(g, "service")));
		const struct role_def *d = module_role(role);
		const char *what = d && (d->flags & ROLE_QUALIFIED) && p ? p->label : rl ? rl : nz(role);
		json_object_set_new(g, "permission", p ? json_string_nocheck(p->key) : json_null());
		json_object_set_new(g, "permission_label", json_string_nocheck(what));
		const char *where = json_string_value(json_object_get(g, "school_name"));
		if (!where)
			where = json_string_value(json_object_get(g, "work_group_name"));
		if (!where)
			where = json_string_value(json_object_get(g, "area_name"));
		/* the switcher names a qualified role by its part, in words:
		 * "เจ้าหน้าที่ผู้ให้บริการ (จองห้องประชุม) · สพป.ยโสธร เขต 2" */
		const char *part = d && (d->flags & ROLE_QUALIFIED) && p && p->part ? p->part : NULL;
		json_object_set_new(g, "part", part ? json_string_nocheck(part) : json_null());
		struct buf b = BUF_INIT;
		if (part)
			buf_addf(&b, "%s (%s)", rl ? rl : nz(role), part);
		else
			buf_adds(&b, what);
		if (where && *where)
			buf_addf(&b, " · %s", where);
		json_object_set_new(g, "label", json_string_nocheck(buf_cstr(&b)));
		buf_release(&b);
	}
	return rows;
}

/* --- demo --------------------------------------------------------------- */

/* A citizen ID from 12 digits, with its check digit (ORG-2). */
static void demo_citizen_id(const char *first12, char out[14])
{
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += (first12[i] - '0') * (13 - i);
	snprintf(out, 14, "%s%d", first12, (11 - s % 11) % 10);
}

/* The demo password is hashed once per process: argon2id costs tens of
 * milliseconds and 64 MB a hash, and every demo account shares it. */
static pthread_once_t demo_hash_once = PTHREAD_ONCE_INIT;
static char demo_hash[crypto_pwhash_STRBYTES];

static void demo_hash_make(void)
{
	struct err e = ERR_INIT;
	if (acc_password_hash(ACC_DEMO_PASSWORD, demo_hash, &e) < 0)
		demo_hash[0] = 0;
}

long long acc_demo_person(struct db *db, const struct acc_demo_person *d, struct err *e)
{
	long long id = 0;
	int rc = db_int_value(db, "SELECT id FROM users WHERE username = $1", DB_ARGS(DB_TEXT(d->username)), &id, e);
	if (rc)
		return rc < 0 ? -1 : id;
	pthread_once(&demo_hash_once, demo_hash_make);
	if (!demo_hash[0])
		return err_set(e, 500, "acc_demo_person: cannot hash the demo password");
	char cid[14];
	demo_citizen_id(d->id12, cid);
	struct acc_user_new u = {
	    .citizen_id = cid,
	    .email = d->email,
	    .username = d->username,
	    .title = d->title,
	    .first_name = d->first,
	    .last_name = d->last,
	    .phone = d->phone,
	    .personnel_type = d->ptype,
	    .password_hash = demo_hash,
	};
	return acc_user_create(db, &u, e);
}

int acc_demo_grant(struct db *db, const struct acc_grant *g, struct err *e)
{
	long long one = 0;
	int rc = db_int_value(db,
			      "SELECT 1 FROM grants WHERE user_id = $1 AND role = $2 AND COALESCE(service, '') = $3 "
			      "AND revoked_at IS NULL",
			      DB_ARGS(DB_INT(g->user_id), DB_TEXT(g->role), DB_TEXT(g->service)), &one, e);
	if (rc)
		return rc < 0 ? -1 : 0;
	return acc_grant_add_full(db, g, 0, e) < 0 ? -1 : 0;
}

static int demo_grant(struct db *db, long long user, const char *role, long long area, long long school,
		      struct err *e)
{
	struct acc_grant g = {0};
	g.user_id = user;
	snprintf(g.role, sizeof g.role, "%s", role);
	g.area_id = area;
	g.school_id = school;
	return acc_demo_grant(db, &g, e);
}

long long acc_demo_area(struct db *db, const char *code, struct err *e)
{
	long long id = 0;
	int rc = db_int_value(db, "SELECT id FROM areas WHERE code = $1", DB_ARGS(DB_TEXT(code)), &id, e);
	if (rc == 0)
		err_set(e, 400, "ยังไม่มีเขตพื้นที่ตัวอย่าง %s: เรียก org_demo ก่อน", code);
	return rc == 1 ? id : -1;
}

/* The n-th school (from 0) of an area in the order of its OBEC code. */
static long long demo_school_id(struct db *db, long long area, int n, struct err *e)
{
	long long id = 0;
	int rc = db_int_value(db, "SELECT id FROM schools WHERE area_id = $1 ORDER BY obec_code LIMIT 1 OFFSET $2",
			      DB_ARGS(DB_INT(area), DB_INT(n)), &id, e);
	if (rc == 0)
		err_set(e, 400, "เขตพื้นที่ตัวอย่างยังไม่มีโรงเรียน (khet demo --schools 2 ขึ้นไป)");
	return rc == 1 ? id : -1;
}

static const struct acc_demo_person demo_users[] = {
    {"areaadmin1", "310010000001", "นาย", "สมชาย", "รักษ์เขต", "areaadmin1@example.org", "0810000001", "civil_servant"},
    {"areaadmin2", "310010000002", "นาง", "สุพิศ", "กำแพงทอง", "areaadmin2@example.org", "0810000002", "civil_servant"},
    {"schooladmin", "310010000003", "นางสาว", "สมทรง", "นิษมาดี", "schooladmin@example.org", "0810000003",
     "civil_servant"},
    {"teacher", "310010000004", "นาย", "ครูดี", "ใจงาม", "teacher@example.org", "0810000004", "civil_servant"},
    {"citizen", "310010000006", "นาย", "ประชา", "ชาวบ้าน", "citizen@example.org", "0810000006", "general"},
    {"schooladmin2", "310010000007", "นาย", "วีระ", "ผู้ดูแล", "schooladmin2@example.org", "0810000007", "civil_servant"},
};

int acc_demo(struct db *db, struct err *e)
{
	if (db_begin(db, e) < 0)
		return -1;
	long long ids[N(demo_users)];
	long long a1, a2, s1, s2;
	if ((a1 = acc_demo_area(db, "3502", e)) < 0 || (a2 = acc_demo_area(db, "6201", e)) < 0 ||
	    (s1 = demo_school_id(db, a1, 0, e)) < 0 || (s2 = demo_school_id(db, a1, 1, e)) < 0)
		goto fail;
	for (size_t i = 0; i < N(demo_users); i++)
		if ((ids[i] = acc_demo_person(db, &demo_users[i], e)) < 0)
			goto fail;
	if (demo_grant(db, ids[0], "area_admin", a1, 0, e) || demo_grant(db, ids[1], "area_admin", a2, 0, e) ||
	    demo_grant(db, ids[2], "school_admin", 0, s1, e) || demo_grant(db, ids[2], "homeroom", 0, s1, e) ||
	    demo_grant(db, ids[3], "teacher", 0, s1, e) || demo_grant(db, ids[5], "school_admin", 0, s2, e))
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
