/* Freeing the objects a run made, for every harness (hx.h). */
#include "hx.h"

bool hx_obj_free(enum csp_prim prim, void *obj)
{
	switch (prim) {
	case CSP_PRIM_CHAN: csp_chan_free(obj); return true;
	case CSP_PRIM_MUTEX: csp_mutex_free(obj); return true;
	case CSP_PRIM_RWLOCK: csp_rwlock_free(obj); return true;
	case CSP_PRIM_WAITGROUP: csp_wg_free(obj); return true;
	default: return false;
	}
}
