/*
 * Conformance test for channels: a port of Go's test/chan/nonblock.go (non-blocking sends and
 * receives of several element types), run over every registered channel implementation.
 */
#include "chan_util.h"

#include <string.h>

#define PATIENCE (5 * CSP_SECOND) /* nonblock.go: how long to retry a try-operation */

/* An element type of nonblock.go: its size, the value the program sends to a receiver task and
 * the value a sender task sends to the program. */
struct nb_type {
	const char *name;
	size_t size;
	const void *to_task, *from_task;
};

enum { NB_MAX_SIZE = 16 };

struct nb_peer {
	tctx *t;
	const struct nb_type *ty;
	csp_chan *c, *strobe;
};

static void nb_receiver_task(void *arg)
{
	struct nb_peer *p = arg;
	unsigned char buf[NB_MAX_SIZE] = { 0 };
	int st = csp_chan_recv(p->c, buf, NULL);
	if (st != CSP_OK || memcmp(buf, p->ty->to_task, p->ty->size) != 0)
		t_fail(p->t, "%s receiver: status %s, or a wrong value", p->ty->name, csp_status_str(st));
	bool b = true;
	csp_chan_send(p->strobe, &b);
}

static void nb_sender_task(void *arg)
{
	struct nb_peer *p = arg;
	int st = csp_chan_send(p->c, p->ty->from_task);
	if (st != CSP_OK)
		t_fail(p->t, "%s sender: status %s", p->ty->name, csp_status_str(st));
	bool b = true;
	csp_chan_send(p->strobe, &b);
}

/* Retry a try-operation until it succeeds, yielding between tries (nonblock.go sleeps). */
static int retry_nonblocking(csp_chan *c, bool send, void *elem)
{
	int64_t give_up = csp_now() + PATIENCE;
	for (;;) {
		int st = send ? csp_chan_trysend(c, elem) : csp_chan_tryrecv(c, elem, NULL);
		if (st != CSP_WOULDBLOCK || csp_now() > give_up)
			return st;
		csp_yield();
	}
}

/* One type, one capacity: a try-receive on an empty channel fails; a retried try-send meets a
 * receiver task; a retried try-receive meets a sender task. */
static void nonblock_round(tctx *t, const struct nb_type *ty, size_t cap, csp_chan *strobe)
{
	csp_chan *c = t_chan(t, ty->size, cap);
	if (!c)
		return;
	unsigned char buf[NB_MAX_SIZE] = { 0 };
	int st = csp_chan_tryrecv(c, buf, NULL);
	T_CHECK(t, st == CSP_WOULDBLOCK, "%s cap %zu: tryrecv on an empty channel: %s", ty->name,
		cap, csp_status_str(st));
	tgroup g = { 0 };
	struct nb_peer p = { t, ty, c, strobe };
	if (!t_go(t, &g, nb_receiver_task, &p))
		return;
	memcpy(buf, ty->to_task, ty->size);
	st = retry_nonblocking(c, true, buf);
	if (st != CSP_OK) {
		t_fail(t, "%s cap %zu: trysend never met the receiver: %s", ty->name, cap,
			csp_status_str(st));
		csp_chan_close(c); /* release the receiver */
	}
	csp_chan_recv(strobe, NULL, NULL);
	if (!t_wait(t, &g, "nonblock.go receiver") || t_failed(t))
		return;
	if (!t_go(t, &g, nb_sender_task, &p))
		return;
	if (cap > 0)
		csp_chan_recv(strobe, NULL, NULL);
	memset(buf, 0, sizeof buf);
	st = retry_nonblocking(c, false, buf);
	if (st != CSP_OK) {
		t_fail(t, "%s cap %zu: tryrecv never met the sender: %s", ty->name, cap,
			csp_status_str(st));
		csp_chan_close(c); /* release the sender */
	}
	if (cap == 0)
		csp_chan_recv(strobe, NULL, NULL);
	if (!t_wait(t, &g, "nonblock.go sender"))
		return;
	T_CHECK(t, st != CSP_OK || memcmp(buf, ty->from_task, ty->size) == 0,
		"%s cap %zu: received a wrong value", ty->name, cap);
}

/* test/chan/nonblock.go: non-blocking sends and receives of several element types on
 * unbuffered and 1-buffered channels fail while no partner is there and succeed once one is. */
static void test_nonblock_go(tctx *t)
{
	static const int32_t i32_to = 123, i32_from = 234;
	static const int64_t i64_to = 123456, i64_from = 234567;
	static const bool b_to = true, b_from = true;
	static const char s_to[NB_MAX_SIZE] = "hello", s_from[NB_MAX_SIZE] = "hello again";
	const struct nb_type types[] = {
		{ "int32", sizeof i32_to, &i32_to, &i32_from },
		{ "int64", sizeof i64_to, &i64_to, &i64_from },
		{ "bool", sizeof b_to, &b_to, &b_from },
		{ "string", sizeof s_to, s_to, s_from },
	};
	t_progress(t, "nonblock.go");
	csp_chan *strobe = t_chan(t, sizeof(bool), 0);
	if (!strobe)
		return;
	for (size_t cap = 0; cap < 2; cap++)
		for (size_t i = 0; i < sizeof types / sizeof types[0] && !t_failed(t); i++)
			nonblock_round(t, &types[i], cap, strobe);
}

static const struct tcase chan_nonblock_tests[] = {
	{ .name = "GoChanNonblock", .prim = CSP_PRIM_CHAN, .body = test_nonblock_go },
	{ 0 },
};
T_REGISTER(chan_nonblock_tests);
