/* fuzz_router: the router over every module's routes, and the decoding of
 * the path parameters it returns (libmicrohttpd's unescape, then the UTF-8
 * and NUL checks the server applies before a handler sees a value). The
 * first byte picks the method; the rest is the path. */
#include "fuzz.h"

#include <microhttpd.h>

#include "core/module.h"
#include "core/router.h"
#include "core/thai.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	struct err e = ERR_INIT;
	if (module_check(&e) < 0)
		abort();
	for (int i = 0; khet_modules[i]; i++)
		for (const struct route_table *const *t = khet_modules[i]->routes; t && *t; t++)
			router_add(*t);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "get"};
	if (size < 1)
		return 0;
	const char *method = methods[data[0] % 8];
	char *path = fuzz_cstr(data + 1, size - 1);
	struct route_match m;
	char allow[64];
	int rc = router_match(method, path, &m, allow, sizeof allow);
	if (rc == 0) {
		if (m.index < 0 || m.index >= router_count() || m.nparams > ROUTER_MAX_PARAMS)
			abort();
		for (int i = 0; i < m.nparams; i++) {
			/* a value lies inside the path, a name inside the pattern */
			if (m.values[i] < path || m.values[i] + m.value_lens[i] > path + strlen(path))
				abort();
			char *v = xstrndup(m.values[i], m.value_lens[i]);
			size_t len = MHD_http_unescape(v);
			if (len > m.value_lens[i])
				abort();
			(void)thai_utf8_valid(v, len);
			free(v);
		}
	} else if (rc != 404 && rc != 405) {
		abort();
	} else if (rc == 405 && !memchr(allow, 0, sizeof allow)) {
		abort(); /* the Allow list always ends inside its buffer */
	}
	free(path);
	return 0;
}
