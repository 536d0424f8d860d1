/* The futex wrapper lives in impls/shared/ (the coro family parks idle workers with it too). */
#include "../shared/futex.h"
