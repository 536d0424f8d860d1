/*
 * cache: a read-mostly table under an RWMutex. Go in Practice, ch. 3 (the "many reads, one
 * write" case that sync.RWMutex is for, which the chapter discusses after the word counter).
 *
 * Readers look entries up under RLock; now and then a lookup is a refresh instead, which writes
 * a new version of one entry under Lock, field by field. Every field of an entry is a function
 * of its version, so a reader that was let in while a writer was half-way through sees an entry
 * whose fields disagree: a torn read, which a correct RWMutex never allows.
 */
#include "gip.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { FIELDS = 6 };

struct entry {
	uint64_t key, version;
	uint64_t field[FIELDS]; /* field[k] = mix(key, version, k) */
};

struct cache {
	csp_rwlock *lock;
	struct entry *e;
	int slots;
	int64_t reads, write_every;
	csp_waitgroup *wg;
	_Atomic int64_t torn, writes, hits; /* summed once per reader: seq_cst is cheap enough */
};

static uint64_t mix(uint64_t key, uint64_t version, int k)
{
	uint64_t x = key * 0x9E3779B97F4A7C15ull ^ (version + (uint64_t)k) * 0xBF58476D1CE4E5B9ull;
	return x ^ (x >> 31);
}

static uint64_t next_rand(uint64_t *s) /* xorshift64 */
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct reader {
	struct cache *c;
	uint64_t seed;
};

static void reader_task(void *arg)
{
	struct reader *r = arg;
	struct cache *c = r->c;
	uint64_t s = r->seed;
	int64_t torn = 0, writes = 0, hits = 0;
	for (int64_t i = 1; i <= c->reads; i++) {
		uint64_t key = next_rand(&s) % ((uint64_t)c->slots * 2); /* half of them miss */
		struct entry *e = &c->e[key % (uint64_t)c->slots];
		if (c->write_every > 0 && i % c->write_every == 0) {
			csp_rwlock_lock(c->lock);
			e->key = key;
			e->version++;
			for (int k = 0; k < FIELDS; k++)
				e->field[k] = mix(key, e->version, k);
			csp_rwlock_unlock(c->lock);
			writes++;
			continue;
		}
		struct entry copy;
		csp_rwlock_rlock(c->lock);
		copy = *e;
		csp_rwlock_runlock(c->lock);
		hits += copy.key == key;
		for (int k = 0; k < FIELDS; k++)
			if (copy.field[k] != mix(copy.key, copy.version, k)) {
				torn++;
				break;
			}
	}
	atomic_fetch_add(&c->torn, torn);
	atomic_fetch_add(&c->writes, writes);
	atomic_fetch_add(&c->hits, hits);
}

void gip_cache_run(const struct gip_impls *im, int readers, int64_t reads, int slots,
		   int64_t write_every, struct gip_cache_stats *st)
{
	struct cache c = { .slots = slots, .reads = reads, .write_every = write_every };
	c.lock = csp_rwlock_new(im->name[CSP_PRIM_RWLOCK]);
	c.wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	c.e = calloc((size_t)slots, sizeof *c.e);
	struct reader *rs = calloc((size_t)readers, sizeof *rs);
	if (!c.lock || !c.wg || !c.e || !rs) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	for (int i = 0; i < slots; i++) {
		c.e[i].key = (uint64_t)i;
		for (int k = 0; k < FIELDS; k++)
			c.e[i].field[k] = mix((uint64_t)i, 0, k);
	}
	for (int i = 0; i < readers; i++) {
		rs[i] = (struct reader){ &c, 0x2545F4914F6CDD1Dull * (uint64_t)(i + 1) };
		if (csp_wg_go(c.wg, reader_task, &rs[i]) != 0)
			reader_task(&rs[i]);
	}
	csp_wg_wait(c.wg);
	*st = (struct gip_cache_stats){ .reads = (int64_t)readers * reads - atomic_load(&c.writes),
					.writes = atomic_load(&c.writes),
					.torn = atomic_load(&c.torn),
					.hits = atomic_load(&c.hits) };
	free(rs);
	free(c.e);
	csp_wg_free(c.wg);
	csp_rwlock_free(c.lock);
}
