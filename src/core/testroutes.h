/* testroutes: routes that exist only when the server runs with
 * KHET_TEST_ROUTES=1, so the HTTP tests can drive the core form layer
 * (every field type, uploads, limits) apart from any module's rules. */
#ifndef KHET_TESTROUTES_H
#define KHET_TESTROUTES_H

#include "core/http.h"

extern const struct route_table test_routes;

#endif
