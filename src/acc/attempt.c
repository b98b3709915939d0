/* attempt: the limit on how often a form may be posted from one network or
 * for one account (ratelimit.h), as the module's public forms apply it:
 * each allowed attempt counts, one over the limit waits; and what "one
 * network" is for the sign-in limits (an IPv6 /64 is one client, or a
 * single host could try from 2^64 addresses). */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "acc/acc_internal.h"
#include "core/buf.h"
#include "core/ratelimit.h"
#include "core/thai.h"

int acc_attempt(struct req *r, struct db *db, int max, int window, long long now, long long *minutes, struct err *e,
		const char *key_fmt, ...)
{
	struct buf key = BUF_INIT;
	va_list ap;
	va_start(ap, key_fmt);
	buf_vaddf(&key, key_fmt, ap);
	va_end(ap);
	long long retry = 0;
	int blocked = ratelimit_check(db, buf_cstr(&key), max, window, now, &retry, e);
	if (blocked == 0 && ratelimit_hit(db, buf_cstr(&key), now, e) < 0)
		blocked = -1;
	buf_release(&key);
	if (blocked > 0) {
		char secs[24];
		snprintf(secs, sizeof secs, "%lld", retry);
		req_add_header(r, "Retry-After", secs);
		*minutes = (retry + 59) / 60;
	}
	return blocked;
}

long long acc_mail_account(struct db *db, const char *login, const char *what, int max, int window, long long now,
			   struct err *e)
{
	char cid[14];
	if (thai_citizen_id_normalize(login, cid) == 0 && strspn(cid, "0123456789") == 13)
		login = cid;
	long long uid = 0, retry = 0;
	char status[16] = "", hash[128] = "";
	int found = acc_user_find_login(db, login, &uid, status, hash, e);
	sodium_memzero(hash, sizeof hash);
	if (found < 0)
		return -1;
	if (!found || strcmp(status, "active"))
		return 0;
	struct buf key = BUF_INIT;
	buf_addf(&key, "%s:user:%lld", what, uid);
	int blocked = ratelimit_check(db, buf_cstr(&key), max, window, now, &retry, e);
	if (blocked == 0 && ratelimit_hit(db, buf_cstr(&key), now, e) < 0)
		blocked = -1;
	buf_release(&key);
	return blocked < 0 ? -1 : blocked ? 0 : uid;
}

void acc_client_net(const char *ip, struct buf *out)
{
	struct in6_addr a;
	char text[INET6_ADDRSTRLEN];
	if (ip && strchr(ip, ':') && inet_pton(AF_INET6, ip, &a) == 1 && !(IN6_IS_ADDR_V4MAPPED(&a))) {
		memset(&a.s6_addr[8], 0, 8);
		if (inet_ntop(AF_INET6, &a, text, sizeof text)) {
			buf_addf(out, "%s/64", text);
			return;
		}
	}
	buf_adds(out, ip ? ip : "");
}
