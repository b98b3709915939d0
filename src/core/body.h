/* body: the request body parser — application/x-www-form-urlencoded and
 * multipart/form-data — as a plain streaming function over bytes, so the
 * form layer feeds it what the connection delivers and a fuzzer or a unit
 * test feeds it a buffer, with no connection at all (issue 11 item 12).
 *
 * It replaces libmicrohttpd's post processor, whose constructor needs a
 * live MHD connection, and keeps its calling convention: the callback gets
 * each value in pieces, with off the number of bytes of that value already
 * delivered (0 on its first piece, so a new piece with off 0 starts a new
 * value even when the name repeats), and a value with no bytes is
 * delivered once with size 0. Names and part headers are bounded; a body
 * that breaks the grammar (no boundary where one must be, a part header
 * without a name, a name too long) makes feed or finish fail, and the
 * caller answers 400. */
#ifndef KHET_BODY_H
#define KHET_BODY_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* key: the field name (NUL-terminated); filename: the part's file name as
 * sent (NULL when the part has none, "" when the browser sent an empty
 * one); content_type: the part's Content-Type or NULL. Returns 0 to go
 * on, -1 to stop parsing (feed then fails). */
/* A JSON body's values come with one of these as content_type, saying
 * which JSON type the value was, so the form layer can name a field sent
 * as the wrong type (the API's integrators; issue 15): a string or a
 * number; true; a string or number inside an array; an object or an
 * array inside an array (no form value: delivered with no data). */
#define BODY_JSON_VALUE "application/json"
#define BODY_JSON_TRUE "application/json; json=true"
#define BODY_JSON_ITEM "application/json; json=item"
#define BODY_JSON_NESTED "application/json; json=nested"

typedef int (*body_value_fn)(void *cls, const char *key, const char *filename, const char *content_type,
			     const char *data, uint64_t off, size_t size);

struct body_parser;

/* A parser for a body of this Content-Type header value; NULL when it is
 * neither urlencoded nor multipart/form-data with a usable boundary. */
struct body_parser *body_parser_new(const char *content_type, body_value_fn fn, void *cls);
/* Feeds the next bytes; 0, or -1 once the body is malformed (every later
 * call fails too). */
int body_parser_feed(struct body_parser *p, const char *data, size_t size);
/* The body ended: delivers the last value; -1 when the body was malformed
 * or cut off inside a multipart part. */
int body_parser_finish(struct body_parser *p);
/* A JSON body that is no JSON at all: where it went wrong (line and
 * column, from 1), for the error that says so; false otherwise. */
bool body_parser_json_error(const struct body_parser *p, int *line, int *column);
void body_parser_free(struct body_parser *p);

/* Longest field name, and longest header block of one multipart part. */
#define BODY_KEY_MAX 1024
#define BODY_PART_HEADERS_MAX 8192
/* Largest application/json body (the API's; files come by multipart). */
#define BODY_JSON_MAX (1024 * 1024)

#endif
