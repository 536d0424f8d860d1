/*
 * Queue nodes for mutex/ck-mcs: the slow path of taking a node (a thread's first lock, or all its
 * nodes busy) and the spare list of pools whose threads exited. Why and the rules: mcs_pool.h.
 */
#include "mcs_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

_Thread_local ck_mcs_pool *ck_mcs_mine;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key; /* its destructor retires the exiting thread's pool */
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static ck_mcs_pool *spares; /* guarded by spare_lock */

/* Thread exit: the pool goes to the spare list, busy nodes and all. */
static void pool_retire(void *arg)
{
	ck_mcs_pool *p = arg;
	ck_mcs_mine = NULL; /* a later lock in another destructor adopts a pool again */
	pthread_mutex_lock(&spare_lock);
	p->spare = spares;
	spares = p;
	pthread_mutex_unlock(&spare_lock);
}

static void make_key(void)
{
	if (pthread_key_create(&exit_key, pool_retire) != 0)
		csp_fatal("ck-mcs: pthread_key_create failed");
}

static ck_mcs_pool *pool_new(void)
{
	ck_mcs_pool *p = aligned_alloc(CK_MD_CACHELINE, sizeof *p);
	if (!p)
		csp_fatal("ck-mcs: out of memory for queue nodes");
	memset(p, 0, sizeof *p);
	for (int i = 0; i < CK_MCS_POOL_NODES; i++)
		atomic_init(&p->node[i].busy, false);
	return p;
}

/* This thread's first lock: adopt a spare pool, or make one. */
static ck_mcs_pool *pool_adopt(void)
{
	pthread_once(&key_once, make_key);
	pthread_mutex_lock(&spare_lock);
	ck_mcs_pool *p = spares;
	if (p)
		spares = p->spare;
	pthread_mutex_unlock(&spare_lock);
	if (!p)
		p = pool_new();
	if (pthread_setspecific(exit_key, p) != 0)
		csp_fatal("ck-mcs: pthread_setspecific failed");
	ck_mcs_mine = p;
	return p;
}

ck_spinlock_mcs_context_t *ck_mcs_node_get_slow(void)
{
	ck_mcs_pool *p = ck_mcs_mine ? ck_mcs_mine : pool_adopt();
	for (;;) {
		for (int i = 0; i < CK_MCS_POOL_NODES; i++) {
			ck_mcs_node *n = &p->node[i];
			/* acquire, relaxed: as in ck_mcs_node_get */
			if (!atomic_load_explicit(&n->busy, memory_order_acquire)) {
				atomic_store_explicit(&n->busy, true, memory_order_relaxed);
				return &n->ctx;
			}
		}
		if (!p->more) /* plain: only the pool's owner thread reads or links chunks */
			p->more = pool_new();
		p = p->more;
	}
}
