/*
 * cache: readers look entries up in a shared table under an RWMutex while an occasional
 * refresh rewrites one (Go in Practice, ch. 3: many reads, one write). Prints
 *   readers=R reads=N writes=W hits=H torn=T ms=... family=... rwlock=...
 * and exits 1 if any read was torn (saw an entry half-way through a write).
 */
#include "../gip.h"

#include <getopt.h>
#include <stdio.h>

static void usage(void)
{
	printf("usage: %s [--impl NAME] [--readers N] [--reads N] [--slots N] [--write-every N]\n"
	       "readers look up a shared table under an RWMutex; every N-th lookup rewrites an entry.\n"
	       "  --impl NAME       implementation or family (default $CSPLAB_IMPL, else pthread)\n"
	       "  --readers N       reader tasks (default 4 per core)\n"
	       "  --reads N         lookups per reader (default 20000)\n"
	       "  --slots N         table entries (default 256)\n"
	       "  --write-every N   every N-th lookup of a reader is a refresh (default 100; 0: none)\n",
	       gip_prog);
}

struct run {
	struct gip_impls im;
	long readers, reads, slots, write_every;
	struct gip_cache_stats st;
};

static void run_main(void *p)
{
	struct run *r = p;
	gip_cache_run(&r->im, (int)r->readers, r->reads, (int)r->slots, r->write_every, &r->st);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "impl", required_argument, NULL, 'i' },    { "readers", required_argument, NULL, 'r' },
		{ "reads", required_argument, NULL, 'n' },   { "slots", required_argument, NULL, 's' },
		{ "write-every", required_argument, NULL, 'w' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gip_prog = "cache";
	const char *impl = NULL;
	struct run r = { .readers = 0, .reads = 20000, .slots = 256, .write_every = 100 };
	int c;
	while ((c = getopt_long(argc, argv, "i:r:n:s:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impl = optarg; break;
		case 'r': r.readers = gip_parse_long(optarg, 1, 100000, "--readers"); break;
		case 'n': r.reads = gip_parse_long(optarg, 1, 1000000000, "--reads"); break;
		case 's': r.slots = gip_parse_long(optarg, 1, 1 << 24, "--slots"); break;
		case 'w': r.write_every = gip_parse_long(optarg, 0, 1000000000, "--write-every"); break;
		case 'h': usage(); return 0;
		default: gip_usage_error("bad option");
		}
	}
	gip_no_operands(argc, argv);
	if (!r.readers)
		r.readers = gip_workers(4);
	gip_impls_from_cli(impl, &r.im);
	int64_t ns = gip_run(&r.im, run_main, &r);
	char desc[256];
	gip_describe(&r.im, GIP_PRIM(CSP_PRIM_RWLOCK), desc, sizeof desc);
	printf("readers=%ld reads=%lld writes=%lld hits=%lld torn=%lld ms=%.1f %s\n", r.readers,
	       (long long)r.st.reads, (long long)r.st.writes, (long long)r.st.hits,
	       (long long)r.st.torn, (double)ns / 1e6, desc);
	if (r.st.torn)
		fprintf(stderr, "%s: %lld torn reads: the RWMutex let a reader in during a write\n",
			gip_prog, (long long)r.st.torn);
	return r.st.torn ? 1 : 0;
}
