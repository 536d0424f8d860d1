/*
 * The registry of implementations and task runtimes.
 *
 * Filled by CSP_REGISTER constructors before main() runs, read-only afterwards: no locking.
 * Registration checks each table and stops the program with a message naming the mistake, so a
 * plug-in with a missing function fails at start-up rather than with a crash mid-test.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static csp_entry *entries;
static size_t n_entries, cap_entries;

static const csp_runtime_ops *runtimes[16];
static size_t n_runtimes;

const char *csp_prim_name(enum csp_prim p)
{
	static const char *const names[CSP_PRIM_COUNT] = { "chan", "mutex", "rwlock", "waitgroup" };
	return (unsigned)p < CSP_PRIM_COUNT ? names[p] : "?";
}

const char *csp_prop_name(unsigned prop)
{
	switch (prop) {
	case CSP_PROP_SPINS: return "spins";
	case CSP_PROP_STARVATION_FREE: return "starvation-free";
	case CSP_PROP_OWNED: return "owned";
	case CSP_PROP_READERS_MAY_STARVE: return "readers-may-starve";
	case CSP_PROP_WAITERS_UNORDERED: return "waiters-unordered";
	default: return prop & CSP_PROPS_HARNESS ? "harness-only" : "?";
	}
}

static _Noreturn void reject(enum csp_prim prim, const char *name, const char *why)
{
	fprintf(stderr, "csplab: cannot register %s implementation '%s': %s\n", csp_prim_name(prim),
		name ? name : "(unnamed)", why);
	exit(2);
}

/* Which required members are missing: the first one's name, or NULL if complete. */
static const char *missing_member(enum csp_prim prim, const void *ops)
{
	switch (prim) {
	case CSP_PRIM_MUTEX: {
		const csp_mutex_ops *o = ops;
		return !o->init ? "init" : !o->lock ? "lock" : !o->trylock ? "trylock"
			: !o->unlock ? "unlock" : NULL;
	}
	case CSP_PRIM_RWLOCK: {
		const csp_rwlock_ops *o = ops;
		return !o->init ? "init" : !o->rlock ? "rlock" : !o->tryrlock ? "tryrlock"
			: !o->runlock ? "runlock" : !o->lock ? "lock" : !o->trylock ? "trylock"
			: !o->unlock ? "unlock" : NULL;
	}
	case CSP_PRIM_WAITGROUP: {
		const csp_waitgroup_ops *o = ops;
		return !o->init ? "init" : !o->add ? "add" : !o->wait ? "wait" : NULL;
	}
	case CSP_PRIM_CHAN: {
		const csp_chan_ops *o = ops;
		return !o->size ? "size" : !o->init ? "init" : !o->send ? "send" : !o->recv ? "recv"
			: !o->close ? "close" : !o->len ? "len" : !o->select ? "select" : NULL;
	}
	default:
		return "primitive";
	}
}

/* Families in the order reports list them; others follow, alphabetically. This list is that
 * order's one owner: the registry iterates in it, so `make list`, the suites and csplab-bench
 * print implementations in it, and a report should take its order from those listings. */
static int family_rank(const char *family)
{
	static const char *const order[] = { "pthread", "futex", "lockfree", "coro", "ck" };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strcmp(family, order[i]) == 0)
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

static int entry_cmp(const csp_entry *a, const csp_entry *b)
{
	if (a->prim != b->prim)
		return (int)a->prim - (int)b->prim;
	int ra = family_rank(a->info->family), rb = family_rank(b->info->family);
	if (ra != rb)
		return ra - rb;
	int c = strcmp(a->info->family, b->info->family);
	return c ? c : strcmp(a->info->name, b->info->name);
}

void csp_register(enum csp_prim prim, const void *ops)
{
	const csp_info *info = ops;
	if ((unsigned)prim >= CSP_PRIM_COUNT)
		reject(prim, info ? info->name : NULL, "unknown primitive");
	if (!info || !info->name || !info->name[0] || !info->family || !info->family[0])
		reject(prim, info ? info->name : NULL, "info.name and info.family are required");
	for (const char *c = info->name; *c; c++)
		if (*c == ' ' || *c == '/' || *c == '\t')
			reject(prim, info->name, "names may not contain spaces or '/'");
	const char *missing = missing_member(prim, ops);
	if (missing) {
		char why[96];
		snprintf(why, sizeof why, "required member '%s' is NULL", missing);
		reject(prim, info->name, why);
	}
	if (csp_lookup(prim, info->name))
		reject(prim, info->name, "another implementation has this name");

	if (n_entries == cap_entries) {
		cap_entries = cap_entries ? 2 * cap_entries : 32;
		entries = realloc(entries, cap_entries * sizeof *entries);
		if (!entries)
			reject(prim, info->name, "out of memory");
	}
	/* Insertion keeps the array sorted; registrations are few and happen once. */
	csp_entry e = { prim, info };
	size_t i = n_entries++;
	while (i > 0 && entry_cmp(&entries[i - 1], &e) > 0) {
		entries[i] = entries[i - 1];
		i--;
	}
	entries[i] = e;
}

size_t csp_registry_count(void)
{
	return n_entries;
}

const csp_entry *csp_registry_at(size_t i)
{
	return i < n_entries ? &entries[i] : NULL;
}

const void *csp_lookup(enum csp_prim prim, const char *name)
{
	for (size_t i = 0; i < n_entries; i++)
		if (entries[i].prim == prim && strcmp(entries[i].info->name, name) == 0)
			return entries[i].info;
	return NULL;
}

const void *csp__resolve(enum csp_prim prim, const char *impl)
{
	const char *name = impl ? impl : "pthread";
	const void *ops = csp_lookup(prim, name);
	if (!ops) {
		fprintf(stderr, "csplab: no %s implementation named '%s' (`make list` shows them)\n",
			csp_prim_name(prim), name);
		errno = EINVAL;
	}
	return ops;
}

void csp_register_runtime(const csp_runtime_ops *rt)
{
	if (!rt || !rt->name || !rt->family || !rt->spawn || !rt->yield || !rt->sleep) {
		fprintf(stderr, "csplab: cannot register runtime '%s': name, family, spawn, yield and "
				"sleep are required\n", rt && rt->name ? rt->name : "(unnamed)");
		exit(2);
	}
	if (n_runtimes == sizeof runtimes / sizeof runtimes[0]) {
		fprintf(stderr, "csplab: cannot register runtime '%s': too many runtimes\n", rt->name);
		exit(2);
	}
	runtimes[n_runtimes++] = rt;
}

const csp_runtime_ops *csp_runtime_for(const char *family)
{
	for (size_t i = 0; family && i < n_runtimes; i++)
		if (strcmp(runtimes[i]->family, family) == 0)
			return runtimes[i];
	return &csp__threads_runtime;
}
