/* fault: the per-request fault countdown (see fault.h). */
#include "core/fault.h"

#include <string.h>

#include "core/num.h"

static _Thread_local struct fault_plan *current;

int fault_parse(const char *spec, struct fault_plan *p)
{
	memset(p, 0, sizeof *p);
	if (!spec || !*spec)
		return -1;
	const char *s = spec;
	while (*s) {
		const char *eq = strchr(s, '='), *comma = strchr(s, ',');
		if (!comma)
			comma = s + strlen(s);
		if (!eq || eq > comma)
			goto bad;
		enum fault_kind k;
		if ((size_t)(eq - s) == 2 && !strncmp(s, "db", 2))
			k = FAULT_DB;
		else if ((size_t)(eq - s) == 5 && !strncmp(s, "write", 5))
			k = FAULT_WRITE;
		else if ((size_t)(eq - s) == 6 && !strncmp(s, "dblost", 6))
			k = FAULT_DB_LOST;
		else
			goto bad;
		long long n;
		if (num_parse_lln(eq + 1, (size_t)(comma - eq - 1), 1, 1000000000LL, &n) < 0)
			goto bad;
		p->at[k] = n;
		if (*comma && !comma[1])
			goto bad; /* "db=1," */
		s = *comma ? comma + 1 : comma;
	}
	return 0;
bad:
	memset(p, 0, sizeof *p);
	return -1;
}

void fault_enter(struct fault_plan *p)
{
	current = p;
}

void fault_leave(void)
{
	current = NULL;
}

bool fault_now(enum fault_kind k)
{
	struct fault_plan *p = current;
	if (!p || !p->at[k])
		return false;
	return ++p->seen[k] == p->at[k];
}
