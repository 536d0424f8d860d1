/* Registration of what a harness runs, the property gap, and the harness-only properties. */
#include "hx.h"

#include <stdio.h>
#include <stdlib.h>

const char *hx_prop_name(unsigned prop)
{
	switch (prop) {
	case CSP_PROP_NULL: return "null";
	case CSP_PROP_BROKEN: return "broken";
	default: return csp_prop_name(prop);
	}
}

void hx_register(hx_suite *suite, const void *item)
{
	if (suite->n == suite->cap) {
		suite->cap = suite->cap ? 2 * suite->cap : 16;
		suite->items = realloc(suite->items, suite->cap * sizeof *suite->items);
		if (!suite->items) {
			fprintf(stderr, "csplab harness: out of memory registering in '%s'\n",
				suite->name);
			exit(HX_EXIT_USAGE);
		}
	}
	suite->items[suite->n++] = item;
}

unsigned hx_prop_gap(unsigned requires, unsigned forbids, unsigned props, bool *missing)
{
	unsigned gap = (requires & ~props) | (forbids & props);
	unsigned bit = gap & -gap;
	*missing = (requires & bit) != 0;
	return bit;
}

const char *hx_why_name(enum hx_why why)
{
	static const char *const names[] = { NULL, "check", "hang", "race", "crash" };
	return (unsigned)why < sizeof names / sizeof names[0] ? names[why] : NULL;
}
