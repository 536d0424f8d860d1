/* gosema (see gosema.h). Invariant: count > 0 implies the queue is empty (release hands its unit
 * to a waiter before it would count it). Progress: FIFO among waiters, except LIFO re-queues. */
#include "gosema.h"
#include "preempt.h"

void gosema_acquire(struct gosema *s, const struct parker_ops *p, bool lifo, const char *reason)
{
	fxlock_lock(&s->lock);
	if (s->count > 0) {
		s->count--;
		fxlock_unlock(&s->lock);
		return;
	}
	struct gosema_waiter w = { .next = NULL };
	p->init(w.parker, reason, s);
	if (!s->head) {
		s->head = s->tail = &w;
	} else if (lifo) {
		w.next = s->head;
		s->head = &w;
	} else {
		s->tail->next = &w;
		s->tail = &w;
	}
	fxlock_unlock(&s->lock);
	CSP_PREEMPT(); /* queued, not yet parked: a release may come first */
	parker_wait(p, w.parker, CSP_FOREVER); /* returns only once release handed us the unit */
	parker_destroy(p, w.parker);
}

void gosema_release(struct gosema *s, const struct parker_ops *p)
{
	fxlock_lock(&s->lock);
	struct gosema_waiter *w = s->head;
	if (!w) {
		s->count++;
		fxlock_unlock(&s->lock);
		return;
	}
	s->head = w->next;
	if (!s->head)
		s->tail = NULL;
	fxlock_unlock(&s->lock);
	CSP_PREEMPT(); /* unlinked, not yet unparked */
	p->unpark(w->parker); /* the last touch of w */
}
