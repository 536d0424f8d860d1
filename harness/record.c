/* The first failure of a test or run, recorded from any thread or task (hx.h). */
#include "hx.h"

#include <stdio.h>
#include <string.h>

bool hx_fail_v(hx_first *f, enum hx_why why, const char *prefix, const char *file, int line,
	const char *fmt, va_list ap)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&f->failed, &expected, 1))
		return false; /* keep the first failure: later ones are usually its consequences */
	const char *base = strrchr(file, '/');
	f->why = why;
	int n = snprintf(f->msg, sizeof f->msg, "%s%s:%d: ", prefix ? prefix : "",
		base ? base + 1 : file, line);
	if (n > 0 && (size_t)n < sizeof f->msg) {
		f->at = n;
		vsnprintf(f->msg + n, sizeof f->msg - (size_t)n, fmt, ap);
	}
	/* release: publishes why and msg; pairs with the acquire load in hx_first_msg */
	atomic_store_explicit(&f->ready, 1, memory_order_release);
	return true;
}

const char *hx_first_msg(hx_first *f)
{
	/* acquire: pairs with the release store in hx_fail_v */
	return atomic_load_explicit(&f->ready, memory_order_acquire) ? f->msg : NULL;
}
