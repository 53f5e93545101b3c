/*
 * libbench.c: the library's lookup by userName (scimlet_user_get(), the
 * user with its roles and groups) against a raw LMDB get of the same
 * index key, for scripts/bench.  Links the library as installed
 * (src/lib/libscimlet.a) and LMDB itself.
 *
 *   libbench DB TENANT-ID TENANT USERS N
 *
 * Looks up N random users bench-K@example.com (K < USERS) both ways and
 * prints µs per call of each and the ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "lib/scimlet.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct scimlet_user	*u;
	scimlet			*sl;
	MDB_env			*env;
	MDB_txn			*txn;
	MDB_dbi			 dbi;
	MDB_val			 k, v;
	unsigned char		 key[300];
	char			 name[64], err[256];
	unsigned long		 tid, users, n, i, found = 0;
	size_t			 len;
	double			 t0, tlib, traw;

	if (argc != 6)
		return 2;
	tid = strtoul(argv[2], NULL, 10);
	users = strtoul(argv[4], NULL, 10);
	n = strtoul(argv[5], NULL, 10);
	if ((sl = scimlet_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "libbench: %s\n", err);
		return 1;
	}
	srand(7);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench-%lu@example.com",
		    (unsigned long)rand() % users);
		if (scimlet_user_get(sl, argv[3], name, &u) == SCIMLET_OK)
			found++;
		scimlet_user_free(u);
	}
	tlib = now() - t0;
	scimlet_close(sl);
	if (found != n)
		fprintf(stderr, "libbench: %lu of %lu found\n", found, n);

	/* The same keys, raw: tenant(4) 'U' attr 1 (userName) folded. */
	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 16) ||
	    mdb_env_set_mapsize(env, 17179869184ULL) ||
	    mdb_env_open(env, argv[1], MDB_RDONLY, 0600) ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
	    mdb_dbi_open(txn, "index", MDB_DUPSORT, &dbi) ||
	    mdb_txn_commit(txn) ||	/* keeps the handle */
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))
		return 1;
	mdb_txn_reset(txn);
	srand(7);
	found = 0;
	t0 = now();
	for (i = 0; i < n; i++) {
		len = (size_t)snprintf(name, sizeof(name),
		    "bench-%lu@example.com", (unsigned long)rand() % users);
		key[0] = tid >> 24;
		key[1] = tid >> 16;
		key[2] = tid >> 8;
		key[3] = tid;
		key[4] = 'U';
		key[5] = 1;
		memcpy(key + 6, name, len);
		k.mv_data = key;
		k.mv_size = 6 + len;
		mdb_txn_renew(txn);
		if (mdb_get(txn, dbi, &k, &v) == 0)
			found++;
		mdb_txn_reset(txn);
	}
	traw = now() - t0;
	mdb_txn_abort(txn);
	mdb_env_close(env);
	printf("library lookup by userName %.2f us/call, raw LMDB get of the "
	    "index key %.2f us/call, ratio %.1f (%lu of %lu found raw)\n",
	    tlib / n * 1e6, traw / n * 1e6, tlib / traw, found, n);
	return 0;
}
