/*
 * The coro scheduler: picking tasks, switching, park/ready/yield, idle workers (see sched.h).
 *
 * Task states: RUNNABLE (in a queue or a run-next slot) -> RUNNING -> PARKED / RUNNABLE (yield) /
 * DEAD. A task leaves the CPU only through leave(): it records why, names itself the worker's
 * `pending` task, and switches — straight to the next runnable task of its worker when there is
 * one (no detour through the scheduler loop), else to the scheduler loop. Whoever runs next on
 * that worker first finishes the pending task's switch (finish_pending): re-queue a yielder, run a
 * parker's commit (Go's unlockf), free the dead. So a task is never queued, readied or freed while
 * its registers are still live on a CPU.
 *
 * Queues (queues.c): each worker's ring (runq.c) and run-next slot, and one global queue under a
 * lock for tasks from outside the scheduler and overflow. Deterministic mode and the strict TSan
 * build switch only through the scheduler loop; deterministic mode also queues everything
 * globally and picks at random there.
 */
#define _GNU_SOURCE
#include "sched_internal.h"

#include "fiber.h"

#include <sched.h>
#include <stdlib.h>

#if defined(CSPLAB_TSAN) && defined(CSPLAB_CORO_STRICT)
#define DIRECT_SWITCH 0 /* the scheduler loop is where strict TSan ignores bookkeeping */
#else
#define DIRECT_SWITCH 1
#endif

#define GLOBAL_EVERY 61 /* as Go: the global queue (and due timers) first every 61st pick */
#define IDLE_SPINS 64

struct coro_sched coro_S;

static _Thread_local struct worker *tls_worker;
static _Thread_local struct coro_task *tls_task;

/* Read the thread-locals through calls the compiler cannot merge: a coroutine that parks may
 * resume on another worker thread, and a TLS address computed before the switch would be stale. */
__attribute__((noinline)) struct worker *coro_current_worker(void)
{
	return tls_worker;
}

__attribute__((noinline)) struct coro_task *coro_self(void)
{
	return tls_task;
}

__attribute__((noinline)) void coro_set_current_task(struct coro_task *t)
{
	tls_task = t;
}

/* ---- Picking and idling ---------------------------------------------------------------------- */

/*
 * Owner: the run-next task, then the ring. Every GLOBAL_EVERY picks: due timers, then the global
 * queue, then the ring, and only then run next. Without that turn the ring could starve: two
 * tasks that hand off to each other (a ping-pong) refill the run-next slot at every pick, and a
 * task that yielded into the ring behind them would never run again while the other workers
 * sleep (nobody wakes them for a yield). Go breaks such chains by preempting the time slice they
 * share (runtime/proc.go: runnext "inherits the time slice"); without preemption, this turn is
 * the bound: a ring task waits at most GLOBAL_EVERY picks per task ahead of it.
 */
static struct coro_task *next_local(struct worker *w)
{
	struct coro_task *t = NULL;
	if (--w->ticks == 0) {
		w->ticks = GLOBAL_EVERY;
		coro_timers_run(); /* may ready tasks into our run-next slot */
		t = coro_global_pop(NULL);
		if (!t)
			t = runq_get(&w->q);
	}
	/* The load is a cheap test before the exchange; thieves only ever clear the slot. */
	if (!t && atomic_load_explicit(&w->runnext, memory_order_relaxed))
		t = atomic_exchange(&w->runnext, NULL);
	if (!t)
		t = runq_get(&w->q);
	return t;
}

/* A seq_cst fence. Under ThreadSanitizer GCC 12 rejects atomic_thread_fence where it gets
 * inlined (-Wtsan: "not supported"); the legacy full barrier is the same fence, and both compilers
 * pass it to TSan as __tsan_atomic_thread_fence. */
static inline void sc_fence(void)
{
#if defined(CSPLAB_TSAN)
	__sync_synchronize();
#else
	atomic_thread_fence(memory_order_seq_cst);
#endif
}

/*
 * Wake one idle worker, if any, after publishing work (a queued task or an earlier timer).
 *
 * The publish and the idle check are the two halves of a Dekker handshake with idle(): we store
 * the work then load nidle; a worker going idle stores nidle then loads the work. Both loads may
 * miss the other side's store (store buffering) unless each side has a seq_cst fence between its
 * store and its load: the work itself is published with relaxed stores (a timer's `earliest`,
 * the global queue's `len`) or a release store (a ring's `tail`), which order nothing against a
 * later load. On x86 a locked instruction (the lock release, the run-next exchange) happens to
 * sit between every publish and the load of nidle and acts as that fence; C11 promises nothing of
 * the kind, and arm64 does let the load pass the store.
 */
void coro_wake_idle(void)
{
	/* seq_cst fence: pairs with the one in idle(): either this load sees the idle worker
	 * counted, or that worker's re-check sees our work */
	sc_fence();
	if (atomic_load(&coro_S.nidle) == 0)
		return;
	atomic_fetch_add(&coro_S.idle_seq, 1);
	futex_wake(&coro_S.idle_seq, 1);
}

/* Sleep until woken or the next timer is due. The sequence number is read before announcing
 * idleness and re-checking for work, so a push after the re-check changes it and the futex wait
 * returns at once: no wake-up is lost. The re-check includes the earliest timer, so a timer added
 * after it is either seen here or (being earlier than what we sleep until) wakes us. */
static void idle(void)
{
	uint32_t seq = atomic_load(&coro_S.idle_seq);
	int idle_now = atomic_fetch_add(&coro_S.nidle, 1) + 1;
	/* seq_cst fence: pairs with the one in coro_wake_idle (see there): without it the relaxed
	 * re-check below could read work published before a waker read nidle == 0 */
	sc_fence();
	if (!coro_work_visible()) {
		int64_t next = coro_timers_next();
		if (next == CSP_FOREVER && idle_now == coro_S.nworkers)
			next = coro_deadlock_check();
		futex_wait(&coro_S.idle_seq, seq, next);
	}
	atomic_fetch_sub(&coro_S.nidle, 1);
}

/* The scheduler loop's search: timers, local work, global queue, theft, then sleep. */
static struct coro_task *find_runnable(struct worker *w)
{
	for (;;) {
		coro_timers_run();
		struct coro_task *t;
		if (coro_S.deterministic) {
			t = coro_global_pop(&w->rng);
		} else {
			t = next_local(w);
			if (!t)
				t = coro_global_pop(NULL);
			if (!t)
				t = coro_steal(w);
		}
		if (t)
			return t;
		for (int spin = 0; spin < IDLE_SPINS && !coro_work_visible(); spin++)
			cpu_relax();
		if (!coro_work_visible())
			idle();
	}
}

/* ---- Switching --------------------------------------------------------------------------------- */

/* Complete the switch of the task that left the CPU on this worker (see the top of the file). */
static void finish_pending(struct worker *w)
{
	struct coro_task *t = w->pending;
	if (!t)
		return;
	w->pending = NULL;
	switch (t->switch_reason) {
	case SW_YIELD:
		atomic_store_explicit(&t->state, RUNNABLE, memory_order_relaxed); /* report-only */
		if (coro_S.deterministic) {
			coro_pct_yielded(t); /* PCT: a yield drops below every other task */
			coro_global_push(t);
		} else {
			coro_local_put(w, t);
		}
		break;
	case SW_PARK: {
		void (*commit)(void *) = t->commit;
		void *arg = t->commit_arg;
		t->commit = NULL;
		if (commit)
			commit(arg); /* from here on t may already run elsewhere: do not touch it */
		break;
	}
	default: /* SW_EXIT */
		coro_task_finished(w, t);
	}
}

static void enter(struct coro_task *t)
{
	atomic_store_explicit(&t->state, RUNNING, memory_order_relaxed); /* report-only field */
	coro_set_current_task(t);
}

/* The running task t leaves the CPU for `reason`; returns when t runs again. */
static void leave(struct coro_task *t, int reason)
{
	struct worker *w = coro_current_worker();
	struct coro_task *next = NULL;
	if (DIRECT_SWITCH && !coro_S.deterministic) {
		next = next_local(w);
		if (!next && reason == SW_YIELD &&
			!atomic_load_explicit(&coro_S.global.len, memory_order_relaxed)) /* hint */
			return; /* nobody else is waiting here: keep running */
	}
	t->switch_reason = reason;
	if (DIRECT_SWITCH) /* else the scheduler loop records it: see coro_worker_loop */
		w->pending = t;
	void **fake = reason == SW_EXIT ? NULL : &t->fake_stack;
	if (next) {
		enter(next);
		coro_fiber_before(next->fiber, fake, next->stack.base, next->stack.size, true);
		coro_ctx_switch(&t->ctx, &next->ctx);
	} else { /* the scheduler loop clears the current task once we are switched out */
		coro_fiber_before(w->fiber, fake, w->stack_bottom, w->stack_size, true);
		coro_ctx_switch(&t->ctx, &w->sched_ctx);
	}
	coro_fiber_after(t->fake_stack); /* resumed, perhaps on another worker */
	if (DIRECT_SWITCH) /* else only the scheduler loop switches to tasks, and it finished it */
		finish_pending(coro_current_worker());
}

void coro_task_entry(void *p)
{
	struct coro_task *t = p;
	coro_fiber_after(NULL);
	if (DIRECT_SWITCH) /* we may have been switched to directly */
		finish_pending(coro_current_worker());
	t->fn(t->arg);
	leave(t, SW_EXIT);
	abort(); /* unreachable: a dead task is never resumed */
}

void coro_worker_loop(struct worker *w)
{
	tls_worker = w;
	csp_runtime_set_current(&coro_runtime);
	w->fiber = coro_fiber_current();
	coro_fiber_strict_scheduler();
	for (;;) {
		finish_pending(w);
		struct coro_task *t = find_runnable(w);
		enter(t);
		coro_fiber_before(t->fiber, &w->fake_stack, t->stack.base, t->stack.size, false);
		coro_ctx_switch(&w->sched_ctx, &t->ctx);
		coro_fiber_after(w->fake_stack);
		coro_set_current_task(NULL);
		if (!DIRECT_SWITCH) /* only t can have switched back here; record it on this side,
				     * where the strict TSan build ignores the bookkeeping */
			w->pending = t;
	}
}

/* ---- Park, ready, yield ------------------------------------------------------------------------ */

/* Per-worker counts for the deadlock check (coro_count_add says why relaxed suffices). */
static void count(struct worker *w, long parks)
{
	coro_count_add(&w->parked, parks);
	if (parks < 0)
		coro_count_add(&w->readies, 1);
}

void coro_park(const char *reason, const void *obj, void (*commit)(void *), void *arg)
{
	struct coro_task *t = coro_self();
	if (!t)
		csp_fatal("csplab coro: coro_park called outside a coroutine");
	t->wait_reason = reason;
	t->wait_obj = obj;
	t->commit = commit;
	t->commit_arg = arg;
	atomic_store_explicit(&t->state, PARKED, memory_order_relaxed); /* report-only field */
	count(coro_current_worker(), +1);
	leave(t, SW_PARK);
}

void coro_ready(struct coro_task *t)
{
	atomic_store_explicit(&t->state, RUNNABLE, memory_order_relaxed); /* report-only field */
	struct worker *w = coro_current_worker();
	if (!w) { /* outside the scheduler; several threads may race here */
		atomic_fetch_sub(&coro_S.parked, 1);
		atomic_fetch_add(&coro_S.readies, 1);
		coro_global_push(t);
		coro_wake_idle();
		return;
	}
	count(w, -1);
	if (coro_S.deterministic) {
		coro_global_push(t);
		return;
	}
	/* An empty slot: only its owner (us) ever fills it, so a store does. release: publishes t
	 * (its saved context) to whoever takes it, pairing with the owner's exchange and a thief's
	 * CAS in coro_steal(). A full one: the exchange, since a thief may empty it under us. */
	struct coro_task *old = atomic_load_explicit(&w->runnext, memory_order_relaxed);
	if (!old) {
		atomic_store_explicit(&w->runnext, t, memory_order_release);
		return;
	}
	old = atomic_exchange(&w->runnext, t);
	if (old) { /* the displaced task joins the ring: now there is work to share */
		coro_local_put(w, old);
		coro_wake_idle();
	}
}

void coro_yield(void)
{
	struct coro_task *t = coro_self();
	if (t)
		leave(t, SW_YIELD);
	else
		sched_yield(); /* an OS thread outside the scheduler */
}
