/*
 * csplab-list: print the registry, one line per implementation: <primitive> <name> <family>.
 *
 *   csplab-list [--impl NAME] [--long]
 *
 * --impl keeps the implementations with that name (exit 2 with a message if there is none);
 * --long adds the properties and the one-line summary.
 */
#include <csplab/impl.h>

#include <stdio.h>
#include <string.h>

static void print_props(unsigned props)
{
	const char *sep = "";
	printf(" [");
	for (unsigned bit = 1; bit; bit <<= 1) {
		if (props & bit) {
			printf("%s%s", sep, csp_prop_name(bit));
			sep = ",";
		}
	}
	printf("]");
}

int main(int argc, char **argv)
{
	const char *impl = NULL;
	bool lng = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--impl") == 0 && i + 1 < argc && argv[i + 1][0]) {
			impl = argv[++i];
		} else if (strcmp(argv[i], "--long") == 0) {
			lng = true;
		} else {
			fprintf(stderr, "usage: csplab-list [--impl NAME] [--long]\n");
			return 2;
		}
	}
	int shown = 0;
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if ((e->info->props & (CSP_PROP_BROKEN | CSP_PROP_NULL)) || (impl && strcmp(impl, e->info->name) != 0))
			continue;
		printf("%s %s %s", csp_prim_name(e->prim), e->info->name, e->info->family);
		if (lng) {
			print_props(e->info->props);
			printf(" %s", e->info->summary ? e->info->summary : "");
		}
		printf("\n");
		shown++;
	}
	if (impl && shown == 0) {
		fprintf(stderr, "csplab: no implementation named '%s'; the registered ones are:\n", impl);
		for (size_t i = 0; i < csp_registry_count(); i++) {
			const csp_entry *e = csp_registry_at(i);
			if (!(e->info->props & (CSP_PROP_BROKEN | CSP_PROP_NULL)))
				fprintf(stderr, "  %s %s\n", csp_prim_name(e->prim), e->info->name);
		}
		return 2;
	}
	return 0;
}
