/*
 * The values the channel scenarios send, and the tallies that prove exactly-once delivery.
 *
 * An item names its source (a producer task), a per-source sequence number and a check word
 * derived from both, so a torn or invented value is caught on receipt. Each receiver keeps, per
 * source, a tally: how many items, the sum and the sum of squares of their sequence numbers, and
 * the last one seen. Sources number their items 0, 1, 2, ...; when the tallies of all receivers
 * for a source add up to n items with the sums of 0..n-1, every item was delivered once (a loss
 * and a duplicate that kept count, sum and sum of squares all equal would take a coincidence no
 * real bug produces), and a receiver that sees a number not above the last one from the same
 * source has seen that source's FIFO order broken.
 */
#ifndef CSPLAB_STRESS_ITEM_H
#define CSPLAB_STRESS_ITEM_H

#include "stress.h"

#include <string.h>

struct item {
	uint32_t src;   /* the sending task */
	uint32_t check; /* item_check(src, seq, tag) */
	uint64_t seq;   /* per source: 0, 1, 2, ... */
	uint64_t tag;   /* scenario's own: round, case index ... */
};

struct tally {
	int64_t count;
	uint64_t sum, sumsq; /* of the sequence numbers, modulo 2^64 */
	int64_t last;        /* the last sequence number seen; -1: none */
};

static inline uint32_t item_check(uint32_t src, uint64_t seq, uint64_t tag)
{
	uint64_t z = (seq ^ ((uint64_t)src << 40) ^ (tag * 0x9e3779b97f4a7c15ULL)) + 0x632be59bd9b4e019ULL;
	z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(z ^ (z >> 32));
}

static inline struct item item_make(uint32_t src, uint64_t seq, uint64_t tag)
{
	return (struct item){ src, item_check(src, seq, tag), seq, tag };
}

static inline bool item_valid(const struct item *v, uint32_t nsrc)
{
	return v->src < nsrc && v->check == item_check(v->src, v->seq, v->tag);
}

static inline bool item_is_zero(const struct item *v)
{
	static const struct item zero;
	return memcmp(v, &zero, sizeof zero) == 0;
}

static inline void tally_init(struct tally *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] = (struct tally){ .last = -1 };
}

/* Count one item; false if it breaks its source's FIFO order as this receiver sees it. */
static inline bool tally_add(struct tally *t, uint64_t seq)
{
	bool in_order = (int64_t)seq > t->last;
	t->count++;
	t->sum += seq;
	t->sumsq += seq * seq;
	t->last = (int64_t)seq;
	return in_order;
}

/* Add tally b into a (order is not checked across receivers). */
static inline void tally_merge(struct tally *a, const struct tally *b)
{
	a->count += b->count;
	a->sum += b->sum;
	a->sumsq += b->sumsq;
}

/* True if a holds exactly the sequence numbers 0..n-1. */
static inline bool tally_exact(const struct tally *a, int64_t n)
{
	unsigned __int128 m = (unsigned __int128)n;
	uint64_t sum = (uint64_t)(n > 0 ? m * (m - 1) / 2 : 0);
	uint64_t sumsq = (uint64_t)(n > 0 ? (m - 1) * m * (2 * m - 1) / 6 : 0);
	return a->count == n && a->sum == sum && a->sumsq == sumsq;
}

#endif /* CSPLAB_STRESS_ITEM_H */
