/* mailbox: the development mailbox. Without an SMTP URL the mail job keeps
 * every mail in the outbox (status 'dev'), and these pages show it: the
 * list newest first, and one mail with its text and the links in it, so a
 * developer can follow a sign-up or password-reset link without a mail
 * server. The pages read mail meant for other people, so they exist only
 * where that is harmless: no SMTP URL configured (no real mail flows) and a
 * client on this machine (127.0.0.0/8 or ::1, as the server sees it —
 * behind --trust-proxy that is the proxy's X-Forwarded-For). Anywhere else
 * they answer 404, as if they were not there.
 *
 * The body is shown as escaped text in <pre>; links are not made inside
 * it but listed apart, from a scan for http:// and https:// runs, so no
 * markup is ever built from a mail's text. */
#include "core/mailbox.h"

#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/mail.h"
#include "core/thai.h"
#include "core/view.h"

/* The list shows this many newest mails (the LIMIT of sql_list); older
 * ones stay in the table. */
#define MAILBOX_LIST_MAX 200

/* What the server says for a path it does not know: where the mailbox is
 * off, it is not there. */
static const char not_here[] = "ไม่พบหน้าที่ต้องการ กรุณาตรวจสอบที่อยู่อีกครั้ง";

static const char sql_list[] = "SELECT id, to_addr, subject, status, attempts, created_at, sent_at FROM outbox "
			       "ORDER BY id DESC LIMIT 200";
static const char sql_one[] = "SELECT id, to_addr, subject, body, status, attempts, last_error, created_at, "
			      "sent_at FROM outbox WHERE id = $1";

static bool is_loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncmp(ip, "::ffff:127.", 11);
}

static bool available(struct req *r)
{
	return !mail_smtp_configured() && is_loopback(req_client_ip(r));
}

static const char *status_name(const char *status)
{
	if (!strcmp(status, "queued"))
		return "รอส่ง";
	if (!strcmp(status, "sent"))
		return "ส่งแล้ว";
	if (!strcmp(status, "failed"))
		return "ส่งไม่สำเร็จ";
	return "ไม่ได้ส่งจริง (โหมดพัฒนา)";
}

static const char *status_badge(const char *status)
{
	if (!strcmp(status, "sent"))
		return "badge-ok";
	if (!strcmp(status, "failed"))
		return "badge-error";
	if (!strcmp(status, "queued"))
		return "badge-warn";
	return "badge-info";
}

/* Adds the Thai texts a template needs to one outbox row. */
static void add_texts(json_t *m)
{
	const char *status = json_string_value(json_object_get(m, "status"));
	status = status ? status : "";
	json_object_set_new(m, "status_name", json_string(status_name(status)));
	json_object_set_new(m, "status_badge", json_string(status_badge(status)));
	struct buf b = BUF_INIT;
	thai_datetime_short(&b, json_integer_value(json_object_get(m, "created_at")));
	json_object_set_new(m, "created_at_text", json_string(buf_cstr(&b)));
	json_t *sent = json_object_get(m, "sent_at");
	if (json_is_integer(sent)) {
		buf_reset(&b);
		thai_datetime_short(&b, json_integer_value(sent));
		json_object_set_new(m, "sent_at_text", json_string(buf_cstr(&b)));
	} else {
		json_object_set_new(m, "sent_at_text", json_null());
	}
	buf_reset(&b);
	buf_addf(&b, "/dev/mailbox/%lld", (long long)json_integer_value(json_object_get(m, "id")));
	json_object_set_new(m, "url", json_string(buf_cstr(&b)));
	buf_release(&b);
}

/* The http:// and https:// links in text, in order, each once. A link ends
 * at a space, a quote, an angle bracket or a non-ASCII byte (Thai text
 * right after a link is not part of it), and loses the punctuation that
 * ends a sentence. */
static json_t *find_links(const char *text)
{
	json_t *links = json_array();
	const char *p = text;
	while (*p) {
		const char *start = NULL;
		if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8))
			start = p;
		if (!start) {
			p++;
			continue;
		}
		const char *q = start;
		while (*q && (unsigned char)*q > ' ' && (unsigned char)*q < 0x7f && !strchr("<>\"'`", *q))
			q++;
		const char *end = q;
		while (end > start && strchr(".,;:!?)]}", end[-1]))
			end--;
		size_t n = (size_t)(end - start);
		size_t scheme = start[4] == 's' ? 8 : 7;
		if (n > scheme) {
			json_t *url = json_stringn(start, n);
			bool seen = false;
			size_t i;
			json_t *l;
			json_array_foreach(links, i, l) seen = seen || json_equal(json_object_get(l, "url"), url);
			if (!seen)
				json_array_append_new(links, json_pack("{s:o}", "url", url));
			else
				json_decref(url);
		}
		p = q > p ? q : p + 1;
	}
	return links;
}

static int list_page(struct req *r)
{
	if (!available(r))
		return view_error(r, 404, not_here);
	struct err e = ERR_INIT;
	json_t *mails = db_rows_json(req_db(r), sql_list, NULL, 0, &e);
	if (!mails)
		return view_err(r, &e);
	size_t i;
	json_t *m;
	json_array_foreach(mails, i, m) add_texts(m);
	return view_page(r, 200, "mail/mailbox",
			 json_pack("{s:s, s:b, s:o, s:i}", "page_title", "กล่องจดหมายทดสอบ", "has_mails",
				   json_array_size(mails) > 0, "mails", mails, "limit", MAILBOX_LIST_MAX));
}

static int message_page(struct req *r)
{
	if (!available(r))
		return view_error(r, 404, not_here);
	long long id = req_param_id(r, "id");
	if (id < 0)
		return view_error(r, 404, "ไม่พบอีเมลที่ระบุ");
	struct err e = ERR_INIT;
	json_t *mail = db_row_json(req_db(r), sql_one, DB_ARGS(DB_INT(id)), &e);
	if (!mail) {
		if (e.status == 404)
			return view_error(r, 404, "ไม่พบอีเมลที่ระบุ");
		return view_err(r, &e);
	}
	add_texts(mail);
	json_t *links = find_links(json_string_value(json_object_get(mail, "body")));
	json_t *model = json_pack("{s:O, s:o, s:b, s:o}", "page_title", json_object_get(mail, "subject"), "mail", mail,
				  "has_links", json_array_size(links) > 0, "links", links);
	return view_page(r, 200, "mail/message", model);
}

static const struct route routes[] = {
    {"GET", "/dev/mailbox", list_page, NULL, NULL, ACCESS_PUBLIC, 0},
    {"GET", "/dev/mailbox/:id", message_page, NULL, NULL, ACCESS_PUBLIC, 0},
    {NULL, NULL, NULL, NULL, NULL, 0, 0},
};

const struct route_table mailbox_routes = {"mail", routes};
