/* altcha: the bot check of self-registration (ACC-3) — proof of work that
 * needs no outside service, in the protocol of the ALTCHA widget
 * (altcha-org, "v1" challenges, which widget versions 1 to 3 all solve).
 *
 * The server picks a secret number n ≤ maxnumber and a salt that carries
 * its expiry ("<24 hex>?expires=<unix seconds>"), and sends
 *   challenge = hex SHA-256(salt ‖ decimal n)
 *   signature = hex HMAC-SHA-256(key, challenge)
 * The browser tries 0, 1, 2 … until the hash matches, which costs it on
 * average maxnumber/2 hashes, and posts base64 of the JSON {algorithm,
 * challenge, number, salt, signature}. Checking costs the server one hash
 * and one HMAC: the signature proves the challenge is ours, the hash proves
 * the number was found, and the expiry sits inside the hashed salt, so it
 * cannot be moved. No state is kept per challenge issued — only per
 * challenge solved, in altcha_used until it expires, so that one solution
 * registers one account.
 *
 * The HMAC key is a row of secrets made on the first challenge, so every
 * instance on the database uses the same one; each process keeps a copy
 * once read. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/db.h"

static const char key_name[] = "altcha_hmac_key";

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char key_cache[32];
static bool key_cached;

static const char msg_missing[] = "กรุณายืนยันว่าคุณไม่ใช่บอท: กดช่อง \"ฉันไม่ใช่บอท\" แล้วรอจนขึ้นว่าตรวจสอบแล้ว";
static const char msg_bad[] = "การตรวจสอบว่าไม่ใช่บอทไม่ผ่าน กรุณากดยืนยันใหม่อีกครั้ง";
static const char msg_expired[] = "การตรวจสอบว่าไม่ใช่บอทหมดอายุแล้ว กรุณากดยืนยันใหม่อีกครั้ง";
static const char msg_used[] = "การตรวจสอบว่าไม่ใช่บอทนี้ถูกใช้ไปแล้ว กรุณากดยืนยันใหม่อีกครั้ง";

static int key_parse(const char *hex, unsigned char key[32])
{
	size_t n = 0;
	if (strlen(hex) != 64 || sodium_hex2bin(key, 32, hex, 64, NULL, &n, NULL) != 0 || n != 32)
		return -1;
	return 0;
}

int acc_altcha_key(struct db *db, bool create, unsigned char key[32], struct err *e)
{
	pthread_mutex_lock(&key_lock);
	bool have = key_cached;
	if (have)
		memcpy(key, key_cache, 32);
	pthread_mutex_unlock(&key_lock);
	if (have)
		return 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct db_res *res;
		if (db_query(db, "SELECT value FROM secrets WHERE name = $1", DB_ARGS(DB_TEXT(key_name)), &res, e) < 0)
			return -1;
		int rc = db_next(res, e);
		int bad = rc == 1 ? key_parse(db_text(res, 0), key) : 0;
		db_res_free(res);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			if (bad)
				return err_set(e, 500, "secrets.%s is not 64 hex digits", key_name);
			pthread_mutex_lock(&key_lock);
			memcpy(key_cache, key, 32);
			key_cached = true;
			pthread_mutex_unlock(&key_lock);
			return 0;
		}
		if (!create || attempt)
			return err_set(e, 500, "no ALTCHA key yet");
		/* Two instances may race here: one insert wins, and both read
		 * the winner's key on the next turn. */
		unsigned char raw[32];
		char hex[65];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
		sodium_memzero(raw, sizeof raw);
		if (db_exec(db,
			    "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO "
			    "NOTHING",
			    DB_ARGS(DB_TEXT(key_name), DB_TEXT(hex), DB_INT((long long)time(NULL))), e) < 0)
			return -1;
		sodium_memzero(hex, sizeof hex);
	}
	return err_set(e, 500, "no ALTCHA key");
}

/* hex SHA-256 of salt followed by the decimal number. */
static void challenge_of(const char *salt, long long number, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", number);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)salt, strlen(salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)num, (size_t)n);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void signature_of(const unsigned char key[32], const char *challenge, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)challenge, strlen(challenge));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

int acc_altcha_make(const unsigned char key[32], long long now, long long number, json_t **out)
{
	unsigned char rnd[12];
	char rhex[25], salt[80], challenge[65], signature[65];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(rhex, sizeof rhex, rnd, sizeof rnd);
	snprintf(salt, sizeof salt, "%s?expires=%lld", rhex, now + ACC_ALTCHA_TTL);
	challenge_of(salt, number, challenge);
	signature_of(key, challenge, signature);
	*out = json_pack("{s:s, s:s, s:I, s:s, s:s}", "algorithm", "SHA-256", "challenge", challenge, "maxnumber",
			 (json_int_t)ACC_ALTCHA_MAXNUMBER, "salt", salt, "signature", signature);
	return *out ? 0 : -1;
}

json_t *acc_altcha_challenge(struct db *db, long long now, struct err *e)
{
	unsigned char key[32];
	if (acc_altcha_key(db, true, key, e) < 0)
		return NULL;
	json_t *j = NULL;
	acc_altcha_make(key, now, (long long)randombytes_uniform(ACC_ALTCHA_MAXNUMBER + 1), &j);
	sodium_memzero(key, sizeof key);
	if (!j)
		err_set(e, 500, "altcha: json_pack failed");
	return j;
}

static bool lower_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* The expires=<digits> parameter of the salt's query part, or -1. */
static long long salt_expires(const char *salt)
{
	const char *q = strchr(salt, '?');
	if (!q)
		return -1;
	for (const char *p = q + 1; *p;) {
		if (!strncmp(p, "expires=", 8)) {
			long long v = 0;
			int digits = 0;
			for (p += 8; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
				v = v * 10 + (*p - '0');
			return digits && (!*p || *p == '&') ? v : -1;
		}
		const char *amp = strchr(p, '&');
		if (!amp)
			break;
		p = amp + 1;
	}
	return -1;
}

int acc_altcha_check(const unsigned char key[32], const char *payload, long long now, char challenge[65],
		     long long *expires, struct err *e)
{
	if (!payload || !*payload)
		return err_field(e, "altcha", "%s", msg_missing);
	size_t plen = strlen(payload);
	if (plen > 4000)
		return err_field(e, "altcha", "%s", msg_bad);
	unsigned char *bin = xmalloc(plen + 1);
	size_t blen = 0;
	if (sodium_base642bin(bin, plen, payload, plen, " \r\n", &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bin);
		return err_field(e, "altcha", "%s", msg_bad);
	}
	json_error_t je;
	json_t *j = json_loadb((const char *)bin, blen, JSON_REJECT_DUPLICATES, &je);
	free(bin);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_field(e, "altcha", "%s", msg_bad);
	}
	const char *alg = json_string_value(json_object_get(j, "algorithm"));
	const char *chal = json_string_value(json_object_get(j, "challenge"));
	const char *salt = json_string_value(json_object_get(j, "salt"));
	const char *sig = json_string_value(json_object_get(j, "signature"));
	json_t *num = json_object_get(j, "number");
	json_t *test = json_object_get(j, "test");
	int rc = -1;
	long long exp = salt ? salt_expires(salt) : -1;
	if (!alg || strcmp(alg, "SHA-256") || !lower_hex64(chal) || !lower_hex64(sig) || !salt || strlen(salt) > 200 ||
	    !json_is_integer(num) || json_integer_value(num) < 0 || json_integer_value(num) > 1000000000LL ||
	    json_is_true(test) || exp < 0) {
		err_field(e, "altcha", "%s", msg_bad);
		goto out;
	}
	char want_chal[65], want_sig[65];
	challenge_of(salt, (long long)json_integer_value(num), want_chal);
	signature_of(key, chal, want_sig);
	/* both compared in constant time, and both always computed */
	int bad = sodium_memcmp(want_chal, chal, 64) != 0;
	bad |= sodium_memcmp(want_sig, sig, 64) != 0;
	if (bad) {
		err_field(e, "altcha", "%s", msg_bad);
		goto out;
	}
	if (exp < now) {
		err_field(e, "altcha", "%s", msg_expired);
		goto out;
	}
	memcpy(challenge, chal, 65);
	*expires = exp;
	rc = 0;
out:
	json_decref(j);
	return rc;
}

int acc_altcha_precheck(struct db *db, const char *payload, long long now, struct err *e)
{
	if (!payload || !*payload)
		return err_field(e, "altcha", "%s", msg_missing);
	unsigned char key[32];
	struct err ke = ERR_INIT;
	if (acc_altcha_key(db, false, key, &ke) < 0)
		return err_field(e, "altcha", "%s", msg_bad);
	char chal[65];
	long long exp = 0;
	int rc = acc_altcha_check(key, payload, now, chal, &exp, e);
	sodium_memzero(key, sizeof key);
	if (rc < 0)
		return -1;
	/* a solution used already never reaches the costly work */
	long long one = 0;
	rc = db_int_value(db, "SELECT 1 FROM altcha_used WHERE challenge = $1", DB_ARGS(DB_TEXT(chal)), &one, e);
	if (rc < 0)
		return -1;
	return rc ? err_field(e, "altcha", "%s", msg_used) : 0;
}

int acc_altcha_verify(struct db *db, const char *payload, long long now, struct err *e)
{
	if (!payload || !*payload)
		return err_field(e, "altcha", "%s", msg_missing);
	unsigned char key[32];
	struct err ke = ERR_INIT;
	/* No key yet means no challenge was ever issued: nothing can pass. */
	if (acc_altcha_key(db, false, key, &ke) < 0)
		return err_field(e, "altcha", "%s", msg_bad);
	char chal[65];
	long long exp = 0;
	int rc = acc_altcha_check(key, payload, now, chal, &exp, e);
	sodium_memzero(key, sizeof key);
	if (rc < 0)
		return -1;
	/* looked up first: a failed INSERT would spoil the transaction on
	 * PostgreSQL, which the caller may want to commit (a rate-limit count) */
	long long one = 0;
	rc = db_int_value(db, "SELECT 1 FROM altcha_used WHERE challenge = $1", DB_ARGS(DB_TEXT(chal)), &one, e);
	if (rc < 0)
		return -1;
	if (rc)
		return err_field(e, "altcha", "%s", msg_used);
	struct err ie = ERR_INIT;
	if (db_exec(db, "INSERT INTO altcha_used (challenge, expires_at) VALUES ($1, $2)",
		    DB_ARGS(DB_TEXT(chal), DB_INT(exp)), &ie) < 0) {
		if (ie.status == 409)
			return err_field(e, "altcha", "%s", msg_used);
		*e = ie;
		return -1;
	}
	return 0;
}
