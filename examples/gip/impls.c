/*
 * The programs' shared plumbing: one implementation name -> one implementation per primitive
 * (gip_resolve, the rules in gip.h), the family runtime, and the command-line helpers every
 * program uses so that they fail alike (message, "Try --help", exit 2).
 */
#include "gip.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gip_prog = "gip";

static bool usable(const csp_info *info)
{
	return !(info->props & CSP_PROPS_HARNESS);
}

/* The implementation of prim that stands for `family`: the one named like the family, else
 * the first registered. NULL if the family has none. */
static const char *family_member(enum csp_prim prim, const char *family)
{
	const char *first = NULL;
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (e->prim != prim || !usable(e->info) || strcmp(e->info->family, family) != 0)
			continue;
		if (strcmp(e->info->name, family) == 0)
			return e->info->name;
		if (!first)
			first = e->info->name;
	}
	return first;
}

static void fill(const char *family, enum csp_prim fixed, const char *fixed_name,
		 struct gip_impls *out)
{
	memset(out, 0, sizeof *out);
	out->family = family;
	for (int p = 0; p < CSP_PRIM_COUNT; p++) {
		const csp_info *own = fixed_name ? csp_lookup((enum csp_prim)p, fixed_name) : NULL;
		if ((enum csp_prim)p == fixed || (own && usable(own) && strcmp(own->family, family) == 0))
			out->name[p] = fixed_name;
		else
			out->name[p] = family_member((enum csp_prim)p, family);
		if (!out->name[p]) {
			out->name[p] = "pthread";
			out->fallback[p] = true;
		}
	}
}

int gip_resolve(const char *name, struct gip_impls *out, char *err, size_t errlen)
{
	const char *family = NULL;
	for (size_t i = 0; i < csp_registry_count() && !family; i++) {
		const csp_entry *e = csp_registry_at(i);
		if (usable(e->info) && strcmp(e->info->name, name) == 0)
			family = e->info->family;
	}
	if (family) {
		fill(family, CSP_PRIM_COUNT, name, out);
		return 0;
	}
	for (size_t i = 0; i < csp_registry_count(); i++) {
		const csp_entry *e = csp_registry_at(i);
		if (usable(e->info) && strcmp(e->info->family, name) == 0) {
			fill(e->info->family, CSP_PRIM_COUNT, NULL, out);
			return 0;
		}
	}
	size_t at = (size_t)snprintf(err, errlen, "no implementation or family named '%s'; one of:",
				     name);
	for (size_t i = 0; i < csp_registry_count() && at < errlen; i++) {
		const csp_entry *e = csp_registry_at(i);
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(csp_registry_at(j)->info->name, e->info->name) == 0;
		if (usable(e->info) && !seen)
			at += (size_t)snprintf(err + at, errlen - at, " %s", e->info->name);
	}
	return -1;
}

void gip_resolve_info(enum csp_prim prim, const csp_info *info, struct gip_impls *out)
{
	fill(info->family, prim, info->name, out);
}

void gip_describe(const struct gip_impls *im, unsigned prims, char *buf, size_t len)
{
	size_t at = (size_t)snprintf(buf, len, "family=%s", im->family);
	for (int p = 0; p < CSP_PRIM_COUNT && at < len; p++)
		if (prims & GIP_PRIM(p))
			at += (size_t)snprintf(buf + at, len - at, " %s=%s%s",
					       csp_prim_name((enum csp_prim)p), im->name[p],
					       im->fallback[p] ? "(no such primitive in the family)" : "");
}

int64_t gip_run(const struct gip_impls *im, csp_task_fn fn, void *arg)
{
	int64_t t0 = csp_now();
	int rc = csp_run(im->family, fn, arg);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot start the %s runtime: %s\n", gip_prog, im->family,
			strerror(rc));
		exit(1);
	}
	return csp_now() - t0;
}

void gip_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", gip_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", gip_prog);
	exit(2);
}

void gip_impls_from_cli(const char *opt, struct gip_impls *out)
{
	const char *name = opt;
	if (!name)
		name = getenv("CSPLAB_IMPL");
	if (!name || !*name)
		name = "pthread";
	char err[1024];
	if (gip_resolve(name, out, err, sizeof err) != 0)
		gip_usage_error("%s", err);
}

void gip_no_operands(int argc, char **argv)
{
	if (optind < argc)
		gip_usage_error("unexpected argument '%s'", argv[optind]);
}

long gip_parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		gip_usage_error("%s must be a whole number from %ld to %ld, not '%s'", what, min, max,
				s);
	return v;
}

int gip_workers(int per_core)
{
	return csp_ncpu() * per_core;
}
