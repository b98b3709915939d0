/* token: single-use e-mailed secrets (ACC-8), links and OTP codes, kept in
 * the tokens table (migration 0004) so that any instance can check what
 * another issued.
 *
 * A link carries 32 random bytes; the table holds their SHA-256, found by
 * an index lookup on the hash, so a guess is compared with nothing
 * byte-by-byte in C and a copy of the database opens no link. An OTP is
 * only 6 digits: whatever the hash, anyone holding the row can try all
 * 10^6 codes offline in well under a second — even argon2id would only make
 * that minutes, while costing every honest check tens of milliseconds. So
 * the hash (BLAKE2b keyed with 16 random bytes of the row, so that equal
 * codes do not look equal) merely keeps codes out of plain sight; what
 * protects a code is that it lives 30 minutes, goes to the user's mailbox,
 * and dies after 5 wrong guesses online.
 *
 * The guess counter is claimed before the code is compared: one UPDATE
 * adds 1 only while attempts < 5, and only a guess that got its increment
 * is compared. Fifty guesses sent at once therefore still get five
 * comparisons, on either engine (SQLite serialises writers; PostgreSQL's
 * UPDATE waits for the row lock and re-checks attempts < 5). A right guess
 * gives its increment back when it marks the code used, so attempts counts
 * wrong guesses only. Marking used is likewise conditional (used_at IS
 * NULL, one row changed), so two uses of one link cannot both succeed. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/token.h"

#define LINK_BYTES 32
#define LINK_CHARS 43 /* base64url of 32 bytes, no padding */
#define OTP_SALT_BYTES 16
#define PURPOSE_MAX 64
#define PURGE_AFTER (30LL * 24 * 60 * 60)

static const char link_invalid[] = "ลิงก์ไม่ถูกต้อง กรุณาเปิดลิงก์จากอีเมลฉบับล่าสุดโดยคัดลอกให้ครบทั้งบรรทัด หรือขอลิงก์ใหม่";
static const char link_expired[] = "ลิงก์หมดอายุแล้ว กรุณาขอลิงก์ใหม่";
static const char link_used[] = "ลิงก์นี้ถูกใช้ไปแล้ว หากยังต้องการใช้งาน กรุณาขอลิงก์ใหม่";
static const char link_superseded[] = "ลิงก์นี้ใช้ไม่ได้แล้ว เพราะมีการส่งลิงก์ใหม่ให้ภายหลัง กรุณาใช้ลิงก์จากอีเมลฉบับล่าสุด หรือขอลิงก์ใหม่";
static const char otp_format[] = "กรุณากรอกรหัส OTP เป็นตัวเลข 6 หลักตามที่ได้รับทางอีเมล";
static const char otp_none[] = "ไม่มีรหัส OTP ที่รอการยืนยัน กรุณาขอรหัสใหม่";
static const char otp_used[] = "รหัส OTP นี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่";
static const char otp_expired[] = "รหัส OTP หมดอายุแล้ว กรุณาขอรหัสใหม่";
static const char otp_dead[] = "ใส่รหัส OTP ผิดครบ 5 ครั้งแล้ว กรุณาขอรหัสใหม่";

_Static_assert(TOKEN_OTP_MAX_ATTEMPTS == 5, "otp_dead says 5");

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* Checks what the calling code passes: a mistake there is a 500. */
static int args_ok(const char *purpose, long long user_id, int ttl, struct err *e)
{
	if (!purpose || !*purpose || strlen(purpose) > PURPOSE_MAX)
		return err_set(e, 500, "token: purpose must be 1 to %d characters", PURPOSE_MAX);
	if (user_id <= 0)
		return err_set(e, 500, "token: no user");
	if (ttl <= 0)
		return err_set(e, 500, "token: the lifetime must be positive");
	return 0;
}

/* Marks the live tokens of user/purpose/kind superseded, so only the one
 * issued next works (re-issue). */
static int supersede(struct db *db, const char *kind, const char *purpose, long long user_id, long long now,
		     struct err *e)
{
	return db_exec(db,
		       "UPDATE tokens SET superseded_at = $4 WHERE user_id = $1 AND purpose = $2 AND kind = $3 "
		       "AND used_at IS NULL AND superseded_at IS NULL",
		       DB_ARGS(DB_INT(user_id), DB_TEXT(purpose), DB_TEXT(kind), DB_INT(now)), e) < 0
		   ? -1
		   : 0;
}

static int insert(struct db *db, const char *kind, const char *purpose, long long user_id, const char *hash,
		  const char *salt, long long expires_at, long long now, struct err *e)
{
	return db_exec(db,
		       "INSERT INTO tokens (kind, purpose, user_id, hash, salt, expires_at, created_at) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		       DB_ARGS(DB_TEXT(kind), DB_TEXT(purpose), DB_INT(user_id), DB_TEXT(hash), DB_TEXT(salt),
			       DB_INT(expires_at), DB_INT(now)),
		       e) < 0
		   ? -1
		   : 0;
}

/* --- links ------------------------------------------------------------- */

static int link_shape_ok(const char *s)
{
	if (!s || strlen(s) != LINK_CHARS)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

static void link_hash(const char *secret, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, 65, h, sizeof h);
}

int token_issue_link(struct db *db, const char *purpose, long long user_id, int ttl_seconds, struct buf *secret_out,
		     struct err *e)
{
	if (args_ok(purpose, user_id, ttl_seconds, e))
		return -1;
	unsigned char raw[LINK_BYTES];
	char secret[LINK_CHARS + 1], hash[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(secret, sizeof secret, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	link_hash(secret, hash);
	long long now = now_s();
	int rc = supersede(db, "link", purpose, user_id, now, e) ||
		 insert(db, "link", purpose, user_id, hash, "", now + ttl_seconds, now, e);
	if (!rc)
		buf_adds(secret_out, secret);
	sodium_memzero(secret, sizeof secret);
	return rc ? -1 : 0;
}

/* Finds a link and says whether it may be used now: 0 with its id and
 * user, or -1 with the Thai reason. */
static int link_find(struct db *db, const char *purpose, const char *secret, long long now, long long *id,
		     long long *user_id, struct err *e)
{
	if (!purpose || !link_shape_ok(secret))
		return err_set(e, 400, "%s", link_invalid);
	char hash[65];
	link_hash(secret, hash);
	struct db_res *r = NULL;
	if (db_query(db,
		     "SELECT id, user_id, expires_at, used_at, superseded_at FROM tokens "
		     "WHERE hash = $1 AND kind = 'link' AND purpose = $2",
		     DB_ARGS(DB_TEXT(hash), DB_TEXT(purpose)), &r, e))
		return -1;
	int rc = db_next(r, e);
	if (rc == 1) {
		*id = db_int(r, 0);
		*user_id = db_int(r, 1);
		if (!db_isnull(r, 3))
			rc = err_set(e, 410, "%s", link_used);
		else if (!db_isnull(r, 4))
			rc = err_set(e, 410, "%s", link_superseded);
		else if (db_int(r, 2) <= now)
			rc = err_set(e, 410, "%s", link_expired);
		else
			rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, 400, "%s", link_invalid);
	}
	db_res_free(r);
	return rc;
}

int token_check_link(struct db *db, const char *purpose, const char *secret, long long *user_id_out, struct err *e)
{
	long long id = 0, uid = 0;
	if (link_find(db, purpose, secret, now_s(), &id, &uid, e))
		return -1;
	*user_id_out = uid;
	return 0;
}

int token_use_link(struct db *db, const char *purpose, const char *secret, long long *user_id_out, struct err *e)
{
	long long id = 0, uid = 0, now = now_s();
	if (link_find(db, purpose, secret, now, &id, &uid, e))
		return -1;
	long long n = db_exec(db,
			      "UPDATE tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL "
			      "AND superseded_at IS NULL AND expires_at > $2",
			      DB_ARGS(DB_INT(id), DB_INT(now)), e);
	if (n < 0)
		return -1;
	if (n == 0) {
		/* Another request used (or a re-issue superseded) it between
		 * our read and our write: say which. */
		if (link_find(db, purpose, secret, now, &id, &uid, e))
			return -1;
		return err_set(e, 410, "%s", link_used);
	}
	*user_id_out = uid;
	return 0;
}

/* --- OTP codes ---------------------------------------------------------- */

static void otp_hash(const char code[7], const unsigned char salt[OTP_SALT_BYTES], char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)code, 6, salt, OTP_SALT_BYTES);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int token_issue_otp(struct db *db, const char *purpose, long long user_id, int ttl_seconds, char code_out[7],
		    struct err *e)
{
	code_out[0] = 0;
	if (args_ok(purpose, user_id, ttl_seconds, e))
		return -1;
	unsigned char salt[OTP_SALT_BYTES];
	char salt_hex[2 * OTP_SALT_BYTES + 1], hash[65], code[7];
	/* randombytes_uniform has no modulo bias: every code equally likely */
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	randombytes_buf(salt, sizeof salt);
	sodium_bin2hex(salt_hex, sizeof salt_hex, salt, sizeof salt);
	otp_hash(code, salt, hash);
	long long now = now_s();
	if (supersede(db, "otp", purpose, user_id, now, e) ||
	    insert(db, "otp", purpose, user_id, hash, salt_hex, now + ttl_seconds, now, e)) {
		sodium_memzero(code, sizeof code);
		return -1;
	}
	memcpy(code_out, code, sizeof code);
	sodium_memzero(code, sizeof code);
	return 0;
}

struct otp_row {
	long long id, expires_at, attempts;
	int used;
	char hash[65];
	unsigned char salt[OTP_SALT_BYTES];
};

/* Reads the user's newest code of purpose and says whether it may be
 * guessed now: 0 with the row, or -1 with the Thai reason. */
static int otp_find(struct db *db, const char *purpose, long long user_id, long long now, struct otp_row *o,
		    struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db,
		     "SELECT id, hash, salt, expires_at, used_at, attempts FROM tokens "
		     "WHERE user_id = $1 AND purpose = $2 AND kind = 'otp' AND superseded_at IS NULL "
		     "ORDER BY id DESC LIMIT 1",
		     DB_ARGS(DB_INT(user_id), DB_TEXT(purpose)), &r, e))
		return -1;
	int rc = db_next(r, e);
	if (rc == 1) {
		const char *h = db_text(r, 1), *s = db_text(r, 2);
		size_t saltlen = 0;
		if (strlen(h) != 64 || sodium_hex2bin(o->salt, sizeof o->salt, s, strlen(s), NULL, &saltlen, NULL) ||
		    saltlen != sizeof o->salt) {
			rc = err_set(e, 500, "token %lld: the stored hash or salt is malformed", db_int(r, 0));
		} else {
			o->id = db_int(r, 0);
			memcpy(o->hash, h, 65);
			o->expires_at = db_int(r, 3);
			o->used = !db_isnull(r, 4);
			o->attempts = db_int(r, 5);
			if (o->used)
				rc = err_set(e, 410, "%s", otp_used);
			else if (o->attempts >= TOKEN_OTP_MAX_ATTEMPTS)
				rc = err_set(e, 429, "%s", otp_dead);
			else if (o->expires_at <= now)
				rc = err_set(e, 410, "%s", otp_expired);
			else
				rc = 0;
		}
	} else if (rc == 0) {
		rc = err_set(e, 400, "%s", otp_none);
	}
	db_res_free(r);
	return rc;
}

int token_verify_otp(struct db *db, const char *purpose, long long user_id, const char *code, struct err *e)
{
	if (!purpose || !*purpose || user_id <= 0)
		return err_set(e, 500, "token_verify_otp: no purpose or user");
	/* "123 456" as some mail programs show it is the same code */
	char digits[7];
	size_t n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == 6)
			return err_set(e, 400, "%s", otp_format);
		digits[n++] = *p;
	}
	if (n != 6)
		return err_set(e, 400, "%s", otp_format);
	digits[6] = 0;

	long long now = now_s();
	struct otp_row o;
	if (otp_find(db, purpose, user_id, now, &o, e))
		return -1;
	/* Claim one of the remaining guesses before comparing (see the top of
	 * the file). */
	long long claimed = db_exec(db,
				    "UPDATE tokens SET attempts = attempts + 1 WHERE id = $1 AND used_at IS NULL "
				    "AND superseded_at IS NULL AND attempts < $2 AND expires_at > $3",
				    DB_ARGS(DB_INT(o.id), DB_INT(TOKEN_OTP_MAX_ATTEMPTS), DB_INT(now)), e);
	if (claimed < 0)
		return -1;
	if (claimed == 0) {
		/* A concurrent guess used the last attempt, or the code. */
		if (otp_find(db, purpose, user_id, now, &o, e))
			return -1;
		/* a new code was issued meanwhile */
		return err_set(e, 409, "มีการส่งรหัส OTP ใหม่ระหว่างการตรวจสอบ กรุณากรอกรหัสจากอีเมลฉบับล่าสุด");
	}
	char hash[65];
	otp_hash(digits, o.salt, hash);
	sodium_memzero(digits, sizeof digits);
	if (sodium_memcmp(hash, o.hash, 64) == 0) {
		long long used = db_exec(db,
					 "UPDATE tokens SET used_at = $2, attempts = attempts - 1 "
					 "WHERE id = $1 AND used_at IS NULL",
					 DB_ARGS(DB_INT(o.id), DB_INT(now)), e);
		if (used < 0)
			return -1;
		return used == 1 ? 0 : err_set(e, 410, "%s", otp_used);
	}
	long long attempts = 0;
	if (db_int_value(db, "SELECT attempts FROM tokens WHERE id = $1", DB_ARGS(DB_INT(o.id)), &attempts, e) < 0)
		return -1;
	long long left = TOKEN_OTP_MAX_ATTEMPTS - attempts;
	if (left <= 0)
		return err_set(e, 429, "%s", otp_dead);
	return err_set(e, 400, "รหัส OTP ไม่ถูกต้อง (เหลือโอกาสอีก %lld ครั้ง)", left);
}

/* --- upkeep ------------------------------------------------------------- */

int token_revoke(struct db *db, const char *purpose, long long user_id, struct err *e)
{
	long long now = now_s(), n;
	if (purpose)
		n = db_exec(db,
			    "UPDATE tokens SET superseded_at = $3 WHERE user_id = $1 AND purpose = $2 "
			    "AND used_at IS NULL AND superseded_at IS NULL",
			    DB_ARGS(DB_INT(user_id), DB_TEXT(purpose), DB_INT(now)), e);
	else
		n = db_exec(db,
			    "UPDATE tokens SET superseded_at = $2 WHERE user_id = $1 "
			    "AND used_at IS NULL AND superseded_at IS NULL",
			    DB_ARGS(DB_INT(user_id), DB_INT(now)), e);
	return n < 0 ? -1 : 0;
}

long long token_purge(struct db *db, long long now, struct err *e)
{
	return db_exec(db, "DELETE FROM tokens WHERE expires_at < $1", DB_ARGS(DB_INT(now - PURGE_AFTER)), e);
}

int token_purge_job(struct db *db, struct err *e)
{
	return token_purge(db, now_s(), e) < 0 ? -1 : 0;
}
