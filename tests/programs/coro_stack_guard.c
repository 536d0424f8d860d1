/*
 * The coro family's stack guards: a coroutine that runs past the bottom of its stack must die of
 * SIGSEGV on the guard page below it, not write on into the stack below (stacks are carved from
 * slabs, so below a stack's guard lies another coroutine's stack). And the guard must not eat
 * into the stack: a coroutine may use all but a little of it.
 *
 * Each case runs in a child process, forked before the runtime starts (a fork keeps only the
 * calling thread), with 64 KiB stacks. The overflowing coroutine is spawned after 0, 5 and 40
 * others that stay alive, so that its stack sits at different places in a slab. Without
 * sanitizers only: ASan and TSan turn a SIGSEGV into their own report and exit status.
 * Exits 0 when every check holds, 1 with a message otherwise.
 */
#include <csplab/csplab.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK (64 * 1024)
#define FRAME 256 /* bytes a frame touches: well under a guard page, so none is stepped over */

static int failures;

/* Touch FRAME bytes of each frame, down to `depth` bytes below the first. Not a tail call: the
 * sum is used after the call returns. */
static int descend(long depth)
{
	volatile char buf[FRAME];
	for (int i = 0; i < FRAME; i += 64)
		buf[i] = (char)depth;
	int below = depth > FRAME ? descend(depth - FRAME) : 0;
	return below + buf[0];
}

struct job {
	long depth;
	int others;
	csp_chan *hold; /* the others block on it until the end */
	csp_waitgroup *wg;
};

static void other(void *arg)
{
	struct job *j = arg;
	int v;
	(void)csp_chan_recv(j->hold, &v, NULL);
	csp_wg_done(j->wg);
}

static void diver(void *arg)
{
	struct job *j = arg;
	(void)descend(j->depth);
	csp_wg_done(j->wg);
}

static void child_main(void *arg)
{
	struct job *j = arg;
	j->hold = csp_chan_make("coro", sizeof(int), 0);
	j->wg = csp_wg_new("coro");
	csp_wg_add(j->wg, j->others + 1);
	for (int i = 0; i < j->others; i++)
		csp_go(other, j);
	csp_go(diver, j);
	csp_chan_close(j->hold);
	csp_wg_wait(j->wg);
}

/* Run one case in a child; its wait status. */
static int run_child(long depth, int others)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		alarm(30); /* a hang is a failure too, not a stuck test */
		setenv("CSPLAB_CORO_STACK", "65536", 1);
		struct job j = { .depth = depth, .others = others };
		_exit(csp_run("coro", child_main, &j) == 0 ? 0 : 2);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		;
	return status;
}

static void check(bool ok, const char *what, int others)
{
	printf("%s: %s (after %d others)\n", ok ? "ok  " : "FAIL", what, others);
	if (!ok)
		failures++;
}

int main(void)
{
	static const int others[] = { 0, 5, 40 };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		int st = run_child(STACK - 16 * 1024, others[i]);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a coroutine uses its stack to 16 KiB "
			"from the bottom", others[i]);
		st = run_child(STACK + 16 * 1024, others[i]);
		check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a coroutine that runs 16 KiB past "
			"the bottom of its stack dies of SIGSEGV on the guard", others[i]);
	}
	printf("%s\n", failures ? "coro stack guard FAILED" : "coro stack guard passed");
	return failures ? 1 : 0;
}
