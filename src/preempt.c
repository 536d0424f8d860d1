/* The hook behind the implementations' preemption points (impls/shared/preempt.h): one pointer,
 * set only by the stress runner. Builds without CSPLAB_PREEMPT_POINTS never read it. */
#include <stdatomic.h>

extern void (*_Atomic csp_preempt_hook)(void);
void (*_Atomic csp_preempt_hook)(void);
