/*
 * Conformance tests for channels: elements and creation. Elements of any size round-trip
 * exactly and a receive writes exactly elem_size bytes; a channel of zero-byte elements cannot
 * be made. Run over every registered channel implementation.
 */
#include "chan_util.h"

#include <errno.h>
#include <string.h>

enum {
	ELEM_MAX = 257, /* largest element size tried */
	ELEM_GUARD = 16, /* bytes after a receive buffer that must stay untouched */
	ELEM_MSGS = 8,
	GUARD_BYTE = 0xA5,
};

static void elem_pattern(unsigned char *p, size_t size, int msg)
{
	for (size_t j = 0; j < size; j++)
		p[j] = (unsigned char)(msg * 37 + (int)j * 11 + 1);
}

struct pattern_sender {
	tctx *t;
	csp_chan *c;
	size_t size;
};

static void pattern_sender_task(void *arg)
{
	struct pattern_sender *s = arg;
	unsigned char buf[ELEM_MAX];
	for (int m = 0; m < ELEM_MSGS; m++) {
		elem_pattern(buf, s->size, m);
		T_CHECK(s->t, csp_chan_send(s->c, buf) == CSP_OK, "send of element %d", m);
	}
}

/* Receive one element into a guarded buffer: the element must be `want` (or zero when want is
 * NULL) and the guard bytes after it untouched. */
static void expect_elem(tctx *t, csp_chan *c, size_t size, const unsigned char *want,
	int want_status)
{
	unsigned char got[ELEM_MAX + ELEM_GUARD];
	memset(got, GUARD_BYTE, sizeof got);
	int st = csp_chan_recv(c, got, NULL);
	T_CHECK(t, st == want_status, "size %zu: receive: %s", size, csp_status_str(st));
	for (size_t j = 0; j < size; j++)
		T_CHECK(t, got[j] == (want ? want[j] : 0), "size %zu: byte %zu is %#x, want %#x", size,
			j, got[j], want ? want[j] : 0);
	for (size_t j = size; j < size + ELEM_GUARD; j++)
		T_CHECK(t, got[j] == GUARD_BYTE, "size %zu: receive wrote past the element (byte %zu)",
			size, j);
}

/* Elements of any size round-trip exactly, through a blocked partner and through the buffer:
 * 1 and 3 bytes, a 40-byte struct, 257 bytes. A receive writes exactly elem_size bytes, and a
 * receive from a closed channel zeroes exactly those. */
static void test_elem_sizes(tctx *t)
{
	static const size_t sizes[] = { 1, 3, 40, ELEM_MAX };
	for (size_t k = 0; k < 2 * (sizeof sizes / sizeof sizes[0]) && !t_failed(t); k++) {
		t_progress(t, "ChanElemSizes");
		size_t size = sizes[k / 2], cap = k % 2 ? 3 : 0;
		csp_chan *c = t_chan(t, size, cap);
		if (!c)
			return;
		T_CHECK(t, csp_chan_elem_size(c) == size && csp_chan_cap(c) == cap,
			"elem_size %zu cap %zu for a channel made with %zu, %zu", csp_chan_elem_size(c),
			csp_chan_cap(c), size, cap);
		tgroup g = { 0 };
		struct pattern_sender s = { t, c, size };
		if (!t_go(t, &g, pattern_sender_task, &s))
			return;
		unsigned char want[ELEM_MAX];
		for (int m = 0; m < ELEM_MSGS && !t_failed(t); m++) {
			elem_pattern(want, size, m);
			expect_elem(t, c, size, want, CSP_OK);
		}
		if (t_failed(t))
			csp_chan_close(c);
		if (!t_wait(t, &g, "element sender"))
			return;
		csp_chan_close(c);
		expect_elem(t, c, size, NULL, CSP_CLOSED);
	}
}

/* A channel of zero-byte elements cannot be made: NULL and EINVAL. */
static void test_make_zero_elem(tctx *t)
{
	t_progress(t, "ChanMakeZeroElem");
	errno = 0;
	csp_chan *c = csp_chan_make(t->impl->name, 0, 1);
	int err = errno;
	csp_chan_free(c);
	T_CHECK(t, c == NULL && err == EINVAL, "csp_chan_make with elem_size 0: %p, errno %d",
		(void *)c, err);
}

static const struct tcase chan_elem_tests[] = {
	{ .name = "ChanElemSizes", .prim = CSP_PRIM_CHAN, .body = test_elem_sizes },
	{ .name = "ChanMakeZeroElem", .prim = CSP_PRIM_CHAN, .body = test_make_zero_elem },
	{ 0 },
};
T_REGISTER(chan_elem_tests);
