/*
 * The null implementations (family "null"): a mutex, RW lock and waitgroup that do nothing. Run
 * through the same scenarios, they measure what the harness itself costs per operation (the
 * dispatch through the ops table, the RunParallel loop, the timer), which the report shows beside
 * the real results. Built into csplab-bench only: they synchronise nothing.
 */
#include "hx.h" /* CSP_PROP_NULL */

#include <csplab/impl.h>

static int init(void *self) { (void)self; return 0; }
static void nop(void *self) { (void)self; }
static bool yes(void *self) { (void)self; return true; }
static void add(void *self, int64_t delta) { (void)self; (void)delta; }

#define NULL_INFO(summary) { "null", "null", summary, CSP_PROP_NULL }

static const csp_mutex_ops null_mutex = {
	.info = NULL_INFO("no-op: harness overhead"),
	.size = 1, .init = init, .lock = nop, .trylock = yes, .unlock = nop,
};
CSP_REGISTER(mutex, null_mutex);

static const csp_rwlock_ops null_rwlock = {
	.info = NULL_INFO("no-op: harness overhead"),
	.size = 1, .init = init, .rlock = nop, .tryrlock = yes, .runlock = nop,
	.lock = nop, .trylock = yes, .unlock = nop,
};
CSP_REGISTER(rwlock, null_rwlock);

static const csp_waitgroup_ops null_waitgroup = {
	.info = NULL_INFO("no-op: harness overhead"),
	.size = 1, .init = init, .add = add, .wait = nop,
};
CSP_REGISTER(waitgroup, null_waitgroup);
