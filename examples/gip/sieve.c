/*
 * sieve: the concurrent prime sieve, after Go's test/chan/sieve1.go (the classic example that
 * Go in Practice's channel section builds on): a generator task sends 2, 3, 4, ... down an
 * unbuffered channel; for each prime that comes out of the chain, a new filter task is put at
 * its end, passing on only the numbers that prime does not divide.
 *
 * Go's version lets its goroutines block forever when main returns. A benchmark runs the sieve
 * many times, so here the chain is taken down after the last prime: the consumer closes the
 * channel at the chain's end, and each filter whose send fails (CSP_CLOSED) closes its own input
 * and returns, which makes the next one upstream fail in turn, back to the generator.
 */
#include "gip.h"

#include <stdio.h>
#include <stdlib.h>

struct filter {
	csp_chan *in, *out;
	int64_t prime; /* 0: the generator, which has no input */
};

static void generate(void *arg)
{
	struct filter *f = arg;
	for (int64_t i = 2;; i++)
		if (csp_chan_send(f->out, &i) != CSP_OK)
			return; /* the chain was taken down */
}

static void filter(void *arg)
{
	struct filter *f = arg;
	int64_t i;
	while (csp_chan_recv(f->in, &i, NULL) == CSP_OK) {
		if (i % f->prime != 0 && csp_chan_send(f->out, &i) != CSP_OK)
			break;
	}
	csp_chan_close(f->in); /* the upstream task's next send fails: it stops too */
}

int gip_sieve_run(const struct gip_impls *im, int n, int64_t primes[])
{
	const char *ci = im->name[CSP_PRIM_CHAN];
	csp_waitgroup *wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	/* stage k reads chans[k] and writes chans[k + 1]; stage 0 is the generator */
	csp_chan **chans = calloc((size_t)n + 1, sizeof *chans);
	struct filter *st = calloc((size_t)n + 1, sizeof *st);
	if (!wg || !chans || !st) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	int found = 0;
	chans[0] = csp_chan_make(ci, sizeof(int64_t), 0);
	st[0] = (struct filter){ NULL, chans[0], 0 };
	bool ok = chans[0] && csp_wg_go(wg, generate, &st[0]) == 0;
	csp_chan *ch = chans[0];
	while (ok && found < n) {
		int64_t p;
		if (csp_chan_recv(ch, &p, NULL) != CSP_OK)
			break;
		primes[found++] = p;
		if (found == n)
			break;
		csp_chan *next = csp_chan_make(ci, sizeof(int64_t), 0);
		st[found] = (struct filter){ ch, next, p };
		if (!next || csp_wg_go(wg, filter, &st[found]) != 0) {
			fprintf(stderr, "%s: cannot start filter %d\n", gip_prog, found);
			csp_chan_free(next);
			break;
		}
		chans[found] = ch = next;
	}
	if (ch)
		csp_chan_close(ch); /* take the chain down from its end */
	csp_wg_wait(wg);
	for (int k = 0; k <= n; k++)
		csp_chan_free(chans[k]);
	free(chans);
	free(st);
	csp_wg_free(wg);
	return found;
}
