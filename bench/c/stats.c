/* Sorting a sample and reading percentiles from it (see stats.h). */
#include "stats.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void bench_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_double);
}

double bench_percentile(double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	p = p < 0 ? 0 : p > 100 ? 100 : p;
	double rank = p / 100 * (double)(n - 1);
	size_t lo = (size_t)rank; /* floor: rank >= 0 */
	if (lo + 1 >= n)
		return sorted[n - 1];
	double frac = rank - (double)lo;
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}
