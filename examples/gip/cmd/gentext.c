/*
 * gentext FILE BYTES [SEED]: write BYTES of the programs' deterministic pseudo-random text
 * (examples/gip/text.c) to FILE. The tests' input maker; not one of the chapter's programs.
 */
#include "../gip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	gip_prog = "gentext";
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: %s FILE BYTES [SEED]\n", gip_prog);
		return 0;
	}
	if (argc < 3 || argc > 4)
		gip_usage_error("usage: %s FILE BYTES [SEED]", gip_prog);
	long bytes = gip_parse_long(argv[2], 0, 1L << 30, "BYTES");
	long seed = argc == 4 ? gip_parse_long(argv[3], 0, 1L << 62, "SEED") : 1;
	char *buf = malloc((size_t)bytes + 1);
	FILE *f = fopen(argv[1], "wb");
	if (!buf || !f) {
		perror(argv[1]);
		return 1;
	}
	gip_text(buf, (size_t)bytes, (uint64_t)seed);
	if (fwrite(buf, 1, (size_t)bytes, f) != (size_t)bytes || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(buf);
	return 0;
}
