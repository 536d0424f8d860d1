/*
 * Conformance tests for channels: hostile sizes. The limits of csplab.h (an element of 1 to
 * CSP_CHAN_ELEM_MAX bytes; a state of at most CSP_CHAN_BYTES_MAX bytes, the implementation's
 * per-slot and per-channel bytes included) hold in every implementation: beyond them
 * csp_chan_make fails with EINVAL, near them it fails cleanly (EINVAL from the implementation's
 * own arithmetic, or ENOMEM) and never hands out a channel smaller than it claims; the largest
 * element round-trips. Every request that reaches the allocator here is above 2^47 bytes (more
 * than a 64-bit Linux process can map), so no machine grants it and no test touches it.
 */
#include "chan_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT CSP_CHAN_BYTES_MAX
#define ELEM_MAX CSP_CHAN_ELEM_MAX

struct req {
	size_t elem, cap;
	const char *what;
};

/* Beyond the limits the core checks: EINVAL everywhere. */
static const struct req beyond[] = {
	{ 1, SIZE_MAX / 2, "elem 1, cap SIZE_MAX/2" },
	{ 1, (size_t)1 << 60, "elem 1, cap 2^60" },
	{ 8, (SIZE_MAX / 2) / 8, "elem 8, cap (SIZE_MAX/2)/8" },
	{ 1, SIZE_MAX / 4, "elem 1, cap SIZE_MAX/4" },
	{ 1, SIZE_MAX, "elem 1, cap SIZE_MAX" },
	{ 2, SIZE_MAX / 2 + 1, "elem 2, cap SIZE_MAX/2+1 (the product wraps to 0)" },
	{ 16, ((size_t)1 << 60) + 1, "elem 16, cap 2^60+1 (the product wraps to 16)" },
	{ 1, LIMIT + 1, "elem 1, cap limit+1" },
	{ 8, LIMIT / 8 + 1, "elem 8, cap limit/8+1" },
	{ ELEM_MAX, LIMIT / ELEM_MAX + 1, "elem max, cap limit/elem+1" },
	{ SIZE_MAX, 0, "elem SIZE_MAX, unbuffered" },
	{ SIZE_MAX, 1, "elem SIZE_MAX, cap 1" },
	{ SIZE_MAX / 2, 3, "elem SIZE_MAX/2, cap 3" },
	{ ELEM_MAX + 1, 0, "elem max+1, unbuffered" },
	{ ELEM_MAX + 1, 1, "elem max+1, cap 1" },
	{ (size_t)ELEM_MAX * 4096, 0, "elem max*4096, unbuffered" },
	{ 0, SIZE_MAX, "elem 0, cap SIZE_MAX" },
	{ 0, (size_t)1 << 40, "elem 0, cap 2^40" },
	{ 0, 0, "elem 0, unbuffered" },
};

/* Within the core's limits, but too big for any machine: the implementation's own bytes decide
 * between EINVAL (its size() reports SIZE_MAX) and ENOMEM. */
static const struct req near[] = {
	{ 1, LIMIT, "elem 1, cap limit" },
	{ 1, LIMIT - 1, "elem 1, cap limit-1" },
	{ 8, LIMIT / 8, "elem 8, cap limit/8" },
	{ ELEM_MAX, LIMIT / ELEM_MAX, "elem max, cap limit/elem" },
	{ 1, LIMIT / 2 + 1, "elem 1, cap limit/2+1" },
};

/* Make the channel; NULL with *err set, or a channel (which the caller frees). */
static csp_chan *try_make(tctx *t, size_t elem, size_t cap, int *err)
{
	errno = 0;
	csp_chan *c = csp_chan_make_ops((const csp_chan_ops *)t->impl, elem, cap);
	*err = errno;
	return c;
}

static void test_make_beyond_limits(tctx *t)
{
	t_progress(t, "ChanMakeHostileSizes: beyond the limits");
	for (size_t k = 0; k < sizeof beyond / sizeof beyond[0]; k++) {
		const struct req *r = &beyond[k];
		int err;
		csp_chan *c = try_make(t, r->elem, r->cap, &err);
		csp_chan_free(c);
		T_CHECK(t, c == NULL && err == EINVAL, "%s: csp_chan_make gave %p, errno %d (%s); "
			"want NULL and EINVAL", r->what, (void *)c, err, strerror(err));
	}
	t_progress(t, "ChanMakeHostileSizes: near the limits");
	const csp_chan_ops *ops = (const csp_chan_ops *)t->impl;
	for (size_t k = 0; k < sizeof near / sizeof near[0]; k++) {
		const struct req *r = &near[k];
		/* The plug-in contract: size() never under-reports, and reports SIZE_MAX rather than
		 * a state beyond the limit. */
		size_t state = ops->size(r->elem, r->cap);
		T_CHECK(t, state == SIZE_MAX || (state >= r->elem * r->cap && state <= LIMIT),
			"%s: size() = %zu bytes for %zu bytes of elements (want SIZE_MAX, or from the "
			"elements' bytes to CSP_CHAN_BYTES_MAX = %zu)", r->what, state,
			r->elem * r->cap, (size_t)LIMIT);
		int err;
		csp_chan *c = try_make(t, r->elem, r->cap, &err);
		int want = state == SIZE_MAX ? EINVAL : ENOMEM;
		if (c) { /* a machine with room for it: it must be what was asked for */
			size_t e = csp_chan_elem_size(c), cap = csp_chan_cap(c);
			csp_chan_free(c);
			T_CHECK(t, e == r->elem && cap == r->cap, "%s: made with elem %zu cap %zu",
				r->what, e, cap);
			continue;
		}
		T_CHECK(t, err == want, "%s: csp_chan_make failed with errno %d (%s); want %s",
			r->what, err, strerror(err), want == EINVAL ? "EINVAL (size() says beyond the "
			"limit)" : "ENOMEM (within the limit: only the allocation can fail)");
	}
}

struct big_sender {
	tctx *t;
	csp_chan *c;
	const unsigned char *msg;
};

static void big_sender_task(void *arg)
{
	struct big_sender *s = arg;
	T_CHECK(s->t, csp_chan_send(s->c, s->msg) == CSP_OK, "send of the largest element");
}

/* The largest element, CSP_CHAN_ELEM_MAX bytes, round-trips through a blocked partner and
 * through the buffer, and a receive writes exactly that many bytes. */
static void test_largest_elem(tctx *t)
{
	enum { GUARD = 64, GUARD_BYTE = 0x5A };
	unsigned char *msg = malloc(ELEM_MAX), *got = malloc(ELEM_MAX + GUARD);
	if (!msg || !got) {
		free(msg);
		free(got);
		t_fail(t, "out of memory");
		return;
	}
	for (size_t j = 0; j < ELEM_MAX; j++)
		msg[j] = (unsigned char)(j * 7 + j / 251 + 3);
	for (size_t cap = 0; cap <= 2 && !t_failed(t); cap += 2) {
		t_progress(t, "ChanLargestElem");
		csp_chan *c = t_chan(t, ELEM_MAX, cap);
		if (!c)
			break;
		tgroup g = { 0 };
		struct big_sender s = { t, c, msg };
		if (cap == 0 && !t_go(t, &g, big_sender_task, &s))
			break;
		if (cap > 0)
			for (size_t i = 0; i < cap; i++)
				if (csp_chan_trysend(c, msg) != CSP_OK)
					t_fail(t, "trysend %zu into a channel of capacity %zu", i, cap);
		for (size_t i = 0; i < (cap ? cap : 1) && !t_failed(t); i++) {
			memset(got, GUARD_BYTE, ELEM_MAX + GUARD);
			int st = csp_chan_recv_timeout(c, got, NULL, 10 * CSP_SECOND);
			if (st != CSP_OK) {
				t_fail(t, "cap %zu: receive of the largest element: %s", cap,
					csp_status_str(st));
				break;
			}
			if (memcmp(got, msg, ELEM_MAX) != 0)
				t_fail(t, "cap %zu: the largest element arrived altered", cap);
			for (size_t j = ELEM_MAX; j < ELEM_MAX + GUARD; j++)
				if (got[j] != GUARD_BYTE) {
					t_fail(t, "cap %zu: receive wrote past the element", cap);
					break;
				}
		}
		t_wait(t, &g, "sender of the largest element");
	}
	free(msg);
	free(got);
}

static const struct tcase chan_size_tests[] = {
	{ .name = "ChanMakeHostileSizes", .prim = CSP_PRIM_CHAN, .body = test_make_beyond_limits },
	{ .name = "ChanLargestElem", .prim = CSP_PRIM_CHAN, .body = test_largest_elem },
	{ 0 },
};
T_REGISTER(chan_size_tests);
