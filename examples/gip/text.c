/*
 * Deterministic pseudo-random text: the input of the tests and the benchmark's programs, so
 * both sides (C and Go: bench/go/prog.go writes the same generator) count and compress the same
 * bytes. Words are drawn from a small vocabulary with a skewed distribution (short common words
 * often, like English), separated by spaces, with a newline every dozen words or so.
 */
#include "gip.h"

#include <string.h>

static const char *const vocab[] = {
	"the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
	"by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
	"an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has",
	"there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "channel",
	"goroutine", "mutex", "select", "waitgroup", "concurrency", "parallelism", "scheduler",
	"compress", "reader", "writer", "pipeline", "sieve", "prime", "deadline", "timeout",
};

/* splitmix64 */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void gip_text(char *buf, size_t len, uint64_t seed)
{
	const size_t nv = sizeof vocab / sizeof vocab[0];
	uint64_t s = seed;
	size_t at = 0;
	while (at < len) {
		uint64_t r = next(&s);
		/* min of two uniform draws: index k with probability falling linearly in k */
		size_t a = (size_t)(r % nv), b = (size_t)((r >> 32) % nv);
		const char *w = vocab[a < b ? a : b];
		size_t wl = strlen(w);
		for (size_t k = 0; k < wl && at < len; k++)
			buf[at++] = w[k];
		if (at < len)
			buf[at++] = (r >> 60) == 0 ? '\n' : ' ';
	}
}
