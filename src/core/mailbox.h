/* mailbox: the development mailbox — GET /dev/mailbox lists the outbox,
 * GET /dev/mailbox/:id shows one mail — so a developer, or a test, can read
 * the mail Khet would have sent when no SMTP URL is configured. */
#ifndef KHET_MAILBOX_H
#define KHET_MAILBOX_H

#include "core/http.h"

extern const struct route_table mailbox_routes;

#endif
