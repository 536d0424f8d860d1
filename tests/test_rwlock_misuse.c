/*
 * Conformance tests of Go's sync.RWMutex: misuse. The RWMutex cases of sync/mutex_test.go
 * TestMutexMisuse, each played in a forked child that must die with Go's message, run over every
 * registered RW lock implementation.
 */
#include "rwlock_util.h"

#include <stdio.h>
#include <stdlib.h>

struct misuse {
	const char *impl;
	const char *script;
};

/* In the forked child: play the script on a new RW lock; it should die before the end. */
static void misuse_child(void *arg)
{
	const struct misuse *c = arg;
	csp_rwlock *l = csp_rwlock_new(c->impl);
	if (!l)
		return;
	for (const char *op = c->script; *op; op++)
		rw_apply(l, *op);
	/* Say which script got through, for the harness's failure message. */
	fprintf(stderr, "rwlock script \"%s\" completed without a fatal error\n", c->script);
	exit(3);
}

static void expect_misuse_fatal(tctx *t, const char *const *scripts, const char *message)
{
	for (; *scripts && !t_failed(t); scripts++) {
		struct misuse c = { t->impl->name, *scripts };
		t_expect_fatal(t, misuse_child, &c, message);
	}
}

/* sync/mutex_test.go TestMutexMisuse, the RWMutex cases on an unlocked lock (Unlock, Unlock3,
 * RUnlock, RUnlock3), plus the same after a try: each must die with Go's message. */
static void test_rwmutex_misuse(tctx *t)
{
	static const char *const unlock[] = { "U", "LUU", "TUU", NULL };
	static const char *const runlock[] = { "r", "Rrr", "trr", NULL };
	expect_misuse_fatal(t, unlock, CSP_MSG_RWUNLOCK_UNLOCKED);
	expect_misuse_fatal(t, runlock, CSP_MSG_RUNLOCK_UNLOCKED);
}

/* sync/mutex_test.go TestMutexMisuse, the cases that release the other side (Unlock2: RLock then
 * Unlock; RUnlock2: Lock then RUnlock): Go finds them fatal too. */
static void test_rwmutex_misuse_mixed(tctx *t)
{
	static const char *const unlock[] = { "RU", NULL };
	static const char *const runlock[] = { "Lr", NULL };
	expect_misuse_fatal(t, unlock, CSP_MSG_RWUNLOCK_UNLOCKED);
	expect_misuse_fatal(t, runlock, CSP_MSG_RUNLOCK_UNLOCKED);
}

static const struct tcase rwlock_misuse_tests[] = {
	{ .name = "TestRWMutexMisuse", .prim = CSP_PRIM_RWLOCK, .body = test_rwmutex_misuse,
		.direct = true },
	{ .name = "TestRWMutexMisuseMixed", .prim = CSP_PRIM_RWLOCK,
		.body = test_rwmutex_misuse_mixed, .direct = true },
	{ 0 },
};
T_REGISTER(rwlock_misuse_tests);
