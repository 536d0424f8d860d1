/*
 * csplab-list: print the registry, one line per implementation: <primitive> <name> <family>.
 *
 *   csplab-list [--impl=NAME] [--long] [--help] [--version]
 *
 * --impl keeps the implementations with that name (exit 2 with a message if there is none);
 * --long adds the properties and the one-line summary.
 */
#include <csplab/impl.h>
#include <csplab/version.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *to)
{
	fprintf(to,
		"usage: csplab-list [--impl=NAME] [--long]\n"
		"Print the registered implementations, one per line: <primitive> <name> <family>.\n"
		"\n"
		"  -i, --impl=NAME  only the implementations named NAME (exit 2 if there is none)\n"
		"  -l, --long       add the properties and the one-line summary\n"
		"  -h, --help       this help\n"
		"  -V, --version    print csplab's version\n"
		"\n"
		"Environment: none.\n");
}

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
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' },
		{ "long", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *impl = NULL;
	bool lng = false;
	for (int c; (c = getopt_long(argc, argv, "i:lhV", opts, NULL)) != -1;) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'l': lng = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("csplab-list (csplab) %s\n", CSPLAB_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || (impl && !impl[0])) {
		usage(stderr);
		return 2;
	}
	int shown = 0;
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if ((e->info->props & CSP_PROPS_HARNESS) || (impl && strcmp(impl, e->info->name) != 0))
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
			if (!(e->info->props & CSP_PROPS_HARNESS))
				fprintf(stderr, "  %s %s\n", csp_prim_name(e->prim), e->info->name);
		}
		return 2;
	}
	return 0;
}
