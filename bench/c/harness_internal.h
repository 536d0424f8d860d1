/* Between the driver and the scenario-side harness; not for scenario bodies. */
#ifndef CSPLAB_BENCH_HARNESS_INTERNAL_H
#define CSPLAB_BENCH_HARNESS_INTERNAL_H

#include "bench.h"

void bench_free_objects(bench_b *b);

#endif /* CSPLAB_BENCH_HARNESS_INTERNAL_H */
