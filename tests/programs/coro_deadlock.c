/*
 * A program that deadlocks on purpose: two coroutines each wait to receive from the channel the
 * other would send on. The coro scheduler must print Go's "all goroutines are asleep - deadlock!"
 * with both tasks and what they wait on, and abort, instead of hanging (ctest checks the output).
 */
#include <csplab/csplab.h>

#include <stdio.h>

static csp_chan *ping, *pong;

void ponger(void *arg)
{
	(void)arg;
	int v;
	csp_chan_recv(ping, &v, NULL); /* never sent: the main task waits on pong first */
	csp_chan_send(pong, &v);
}

void main_task(void *arg)
{
	(void)arg;
	ping = csp_chan_make("coro", sizeof(int), 0);
	pong = csp_chan_make("coro", sizeof(int), 0);
	csp_go(ponger, NULL);
	int v;
	csp_chan_recv(pong, &v, NULL); /* deadlock: ponger waits on ping */
	printf("unreachable: the deadlock was not detected\n");
}

void ponger(void *arg);
void main_task(void *arg);

int main(void)
{
	csp_run("coro", main_task, NULL);
	return 0; /* not reached: the scheduler aborts */
}
