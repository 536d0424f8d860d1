/*
 * wordcount: count the words of many files, one task per file, into one shared hash table
 * guarded by a Mutex. Go in Practice, ch. 3 (the word counter whose
 * map is shared by goroutines and locked with sync.Mutex around each update).
 *
 * The table is a plain open-addressing hash table that knows nothing of tasks: the lock is
 * taken by the caller around every single update, as the chapter's `add` does, so the
 * mutex is hit once per word - which is what makes this program a measure of the mutex.
 */
#include "gip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *word; /* NULL: empty */
	size_t len;
	uint64_t hash;
	int64_t count;
};

struct gip_wc_table {
	struct slot *slots;
	size_t cap, used; /* cap: a power of two; grown past 70 % full */
	int64_t total;
};

enum { INITIAL_SLOTS = 1024, WORD_STACK = 128 };

struct gip_wc_table *gip_wc_new(void)
{
	struct gip_wc_table *t = calloc(1, sizeof *t);
	if (t)
		t->slots = calloc(INITIAL_SLOTS, sizeof *t->slots);
	if (!t || !t->slots) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	t->cap = INITIAL_SLOTS;
	return t;
}

void gip_wc_free(struct gip_wc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].word);
	free(t->slots);
	free(t);
}

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a 64-bit offset basis and prime */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static struct slot *find(struct slot *slots, size_t cap, const char *w, size_t len, uint64_t h)
{
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		struct slot *s = &slots[i];
		if (!s->word || (s->hash == h && s->len == len && memcmp(s->word, w, len) == 0))
			return s;
	}
}

static void grow(struct gip_wc_table *t)
{
	size_t cap = t->cap * 2;
	struct slot *slots = calloc(cap, sizeof *slots);
	if (!slots) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].word)
			*find(slots, cap, t->slots[i].word, t->slots[i].len, t->slots[i].hash) =
				t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

/* words[w] += 1. The caller holds the table's mutex, if there is one. */
static void add(struct gip_wc_table *t, const char *w, size_t len)
{
	uint64_t h = fnv1a(w, len);
	struct slot *s = find(t->slots, t->cap, w, len, h);
	if (!s->word) {
		if ((t->used + 1) * 10 > t->cap * 7) {
			grow(t);
			s = find(t->slots, t->cap, w, len, h);
		}
		s->word = malloc(len + 1);
		if (!s->word) {
			fprintf(stderr, "%s: out of memory\n", gip_prog);
			exit(1);
		}
		memcpy(s->word, w, len);
		s->word[len] = 0;
		s->len = len;
		s->hash = h;
		t->used++;
	}
	s->count++;
	t->total++;
}

static bool letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void gip_wc_count_buf(struct gip_wc_table *t, csp_mutex *mu, const char *buf, size_t len)
{
	char stack[WORD_STACK];
	size_t i = 0;
	while (i < len) {
		while (i < len && !letter((unsigned char)buf[i]))
			i++;
		size_t start = i;
		while (i < len && letter((unsigned char)buf[i]))
			i++;
		size_t n = i - start;
		if (n == 0)
			break;
		char *w = n <= sizeof stack ? stack : malloc(n);
		if (!w) {
			fprintf(stderr, "%s: out of memory\n", gip_prog);
			exit(1);
		}
		for (size_t k = 0; k < n; k++)
			w[k] = (char)(buf[start + k] | 0x20); /* ASCII letters: lower case */
		if (mu)
			csp_mutex_lock(mu);
		add(t, w, n);
		if (mu)
			csp_mutex_unlock(mu);
		if (w != stack)
			free(w);
	}
}

char *gip_read_file(const char *path, size_t *len, int *err)
{
	/* errno is read once, right after the call that failed: in a coroutine it belongs to the
	 * worker thread, which other tasks share between our calls. */
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno;
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	*err = buf ? 0 : ENOMEM;
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				*err = ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
		*err = EIO;
	}
	fclose(f);
	*len = n;
	return buf;
}

struct job {
	struct gip_wc_table *t;
	csp_mutex *mu;
	const char *path; /* the file, or NULL: count buf */
	const char *buf;
	size_t len;
	bool failed;
};

static void count_task(void *arg)
{
	struct job *j = arg;
	if (!j->path) {
		gip_wc_count_buf(j->t, j->mu, j->buf, j->len);
		return;
	}
	size_t len;
	int err;
	char *buf = gip_read_file(j->path, &len, &err);
	if (!buf) {
		fprintf(stderr, "%s: %s: %s\n", gip_prog, j->path, strerror(err));
		j->failed = true;
		return;
	}
	gip_wc_count_buf(j->t, j->mu, buf, len);
	free(buf);
}

int gip_wc_count_all(const struct gip_impls *im, struct gip_wc_table *t, char *const files[],
		     const char *const bufs[], const size_t lens[], int n)
{
	csp_mutex *mu = csp_mutex_new(im->name[CSP_PRIM_MUTEX]);
	csp_waitgroup *wg = csp_wg_new(im->name[CSP_PRIM_WAITGROUP]);
	struct job *jobs = calloc((size_t)(n > 0 ? n : 1), sizeof *jobs);
	if (!mu || !wg || !jobs) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		jobs[i] = (struct job){ .t = t, .mu = mu, .path = bufs ? NULL : files[i],
					.buf = bufs ? bufs[i] : NULL, .len = bufs ? lens[i] : 0 };
		if (csp_wg_go(wg, count_task, &jobs[i]) != 0)
			count_task(&jobs[i]); /* no task: count it here */
	}
	csp_wg_wait(wg);
	int failed = 0;
	for (int i = 0; i < n; i++)
		failed += jobs[i].failed;
	free(jobs);
	csp_wg_free(wg);
	csp_mutex_free(mu);
	return failed;
}

static int by_count(const void *a, const void *b)
{
	const struct gip_wc_entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->word, y->word);
}

struct gip_wc_entry *gip_wc_sorted(const struct gip_wc_table *t, size_t *n)
{
	struct gip_wc_entry *e = malloc((t->used ? t->used : 1) * sizeof *e);
	if (!e) {
		fprintf(stderr, "%s: out of memory\n", gip_prog);
		exit(1);
	}
	size_t k = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].word)
			e[k++] = (struct gip_wc_entry){ t->slots[i].word, t->slots[i].count };
	qsort(e, k, sizeof *e, by_count);
	*n = k;
	return e;
}

int64_t gip_wc_total(const struct gip_wc_table *t)
{
	return t->total;
}
