/*
 * replay.c: runs a fuzz harness on its corpus without libFuzzer, so that
 * `make check` (and its sanitized pass) replays every corpus file on
 * every build.  One TAP test point per input; a crash, a sanitizer
 * report or an abort() in the harness ends the run without its plan,
 * which the TAP driver counts as a failure.
 *
 *	replay_NAME [file | directory ...]
 *
 * Without arguments it reads every file of
 * $SCIMLET_SRCDIR/tests/fuzz/corpus/fuzz_NAME (NAME from the program's
 * own name; SCIMLET_SRCDIR defaults to ".").
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tap.h"

#define REPLAY_MAX	(1024 * 1024)

/* Feed one file to the harness, in a buffer of exactly its size. */
static void
run_file(const char *path)
{
	FILE	*fp;
	uint8_t	*buf;
	size_t	 len;
	long	 sz;

	if ((fp = fopen(path, "rb")) == NULL) {
		ok(0, "%s: %s", path, strerror(errno));
		return;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (sz = ftell(fp)) < 0 ||
	    sz > REPLAY_MAX || fseek(fp, 0, SEEK_SET) == -1) {
		fclose(fp);
		ok(0, "%s: unreadable or over %d bytes", path, REPLAY_MAX);
		return;
	}
	/* malloc(0) may be NULL: keep one byte, pass the true size. */
	if ((buf = malloc((size_t)sz + 1)) == NULL) {
		fclose(fp);
		ok(0, "%s: out of memory", path);
		return;
	}
	len = fread(buf, 1, (size_t)sz, fp);
	fclose(fp);
	if (len != (size_t)sz) {
		free(buf);
		ok(0, "%s: short read", path);
		return;
	}
	printf("# %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	ok(1, "%s", path);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void
run(const char *path)
{
	struct stat	  st;
	struct dirent	**ents;
	char		  file[4096];
	int		  i, n;

	if (stat(path, &st) == -1) {
		ok(0, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((n = scandir(path, &ents, visible, alphasort)) == -1) {
		ok(0, "%s: %s", path, strerror(errno));
		return;
	}
	if (n == 0)
		ok(0, "%s: an empty corpus", path);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(file, sizeof(file), "%s/%s", path,
		    ents[i]->d_name) >= sizeof(file))
			ok(0, "%s/%s: name too long", path, ents[i]->d_name);
		else
			run_file(file);
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char *argv[])
{
	const char	*me, *src;
	char		 dir[4096];
	int		 i;

	/* The empty input, which libFuzzer always tries first. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	ok(1, "the empty input");
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			run(argv[i]);
		return tap_done();
	}
	me = (me = strrchr(argv[0], '/')) != NULL ? me + 1 : argv[0];
	if (strncmp(me, "replay_", 7) == 0)
		me += 7;
	if ((src = getenv("SCIMLET_SRCDIR")) == NULL || *src == '\0')
		src = ".";
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/fuzz_%s", src, me);
	run(dir);
	return tap_done();
}
