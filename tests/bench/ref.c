/*
 * ref.c: the reference programs scripts/bench runs beside scimlet, to
 * show what the machine allows on the same lighttpd (issue: performance
 * close to the machine's limits).  One source, three FastCGI responders
 * chosen at build time:
 *
 *   ref_hello  answers every request with the same 1 KB SCIM user;
 *   ref_get    reads the 1 KB record named by the last path segment
 *              (a number) from LMDB in a read transaction, parses it
 *              with cJSON and prints it: the least a GET by id can do;
 *   ref_put    stores the request body (a POSTed user) under a fresh
 *              key in one write transaction with a durable commit and
 *              answers 201 with it: the least a durable create can do.
 *
 * `ref_get --load DIR N` makes DIR's database of N such records.  The
 * database is $SCIMLET_DB, so the lighttpd configuration is scimlet's.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <fcgiapp.h>
#include <lmdb.h>

static char	user[1600];

static void
make_user(unsigned long n)
{
	snprintf(user, sizeof(user),
	    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\","
	    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
	    "\"id\":\"6f0d4c7e-0000-4000-8000-%012lu\",\"externalId\":\"ext-%lu\","
	    "\"userName\":\"user%lu@contoso.example\",\"active\":true,"
	    "\"displayName\":\"Reference User %lu\",\"name\":{\"formatted\":"
	    "\"Reference User\",\"familyName\":\"User\",\"givenName\":"
	    "\"Reference\"},\"title\":\"Engineer\",\"emails\":[{\"value\":"
	    "\"user%lu@contoso.example\",\"type\":\"work\",\"primary\":true}],"
	    "\"addresses\":[{\"type\":\"work\",\"streetAddress\":\"1 Example "
	    "Way\",\"locality\":\"Redmond\",\"region\":\"WA\",\"postalCode\":"
	    "\"98052\",\"country\":\"US\",\"primary\":true}],\"phoneNumbers\":"
	    "[{\"value\":\"+1 555 0100\",\"type\":\"work\"}],\"urn:ietf:params:"
	    "scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":"
	    "\"%lu\",\"department\":\"Research and Development\","
	    "\"costCenter\":\"CC-1000\",\"organization\":\"Contoso\"},"
	    "\"meta\":{\"resourceType\":\"User\",\"created\":"
	    "\"2026-11-28T00:00:00.000Z\",\"lastModified\":"
	    "\"2026-11-28T00:00:00.000Z\",\"version\":\"W/\\\"0123456789abcdef\\\"\","
	    "\"location\":\"https://scim.example/scim/v2/Users/6f0d4c7e-0000-"
	    "4000-8000-%012lu\"}}", n, n, n, n, n, n, n);
}

static void
key_of(unsigned long n, unsigned char k[8])
{
	int	i;

	for (i = 7; i >= 0; i--) {
		k[i] = n & 0xff;
		n >>= 8;
	}
}

static MDB_env *
open_env(const char *dir, unsigned int flags)
{
	MDB_env	*env;

	if (mdb_env_create(&env) != 0 ||
	    mdb_env_set_mapsize(env, (size_t)4 << 30) != 0 ||
	    mdb_env_open(env, dir, flags, 0600) != 0) {
		fprintf(stderr, "ref: cannot open %s\n", dir);
		exit(1);
	}
	return env;
}

static int
load(const char *dir, unsigned long n)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	unsigned char	 key[8];
	unsigned long	 i;

	mkdir(dir, 0700);
	env = open_env(dir, MDB_NOSYNC);
	for (i = 0; i < n; i++) {
		if (i % 10000 == 0 && (i > 0 && mdb_txn_commit(txn) != 0))
			return 1;
		if (i % 10000 == 0 && (mdb_txn_begin(env, NULL, 0, &txn) != 0 ||
		    mdb_dbi_open(txn, NULL, 0, &dbi) != 0))
			return 1;
		make_user(i);
		key_of(i, key);
		k.mv_data = key;
		k.mv_size = sizeof(key);
		v.mv_data = user;
		v.mv_size = strlen(user);
		if (mdb_put(txn, dbi, &k, &v, MDB_APPEND) != 0)
			return 1;
	}
	if (n > 0 && mdb_txn_commit(txn) != 0)
		return 1;
	mdb_env_sync(env, 1);
	mdb_env_close(env);
	return 0;
}

/* libfcgi's own printf knows no %zu: the head is made here. */
static void
respond(FCGX_Request *rq, const char *status, const char *body, size_t len)
{
	char	head[256];
	int	n;

	n = snprintf(head, sizeof(head), "Status: %s\r\nContent-Type: "
	    "application/scim+json\r\nContent-Length: %zu\r\n\r\n", status,
	    len);
	FCGX_PutStr(head, n, rq->out);
	if (len > 0)
		FCGX_PutStr(body, (int)len, rq->out);
}

static void
serve_hello(FCGX_Request *rq)
{
	respond(rq, "200 OK", user, strlen(user));
}

static void
serve_get(FCGX_Request *rq, MDB_env *env, MDB_dbi dbi)
{
	MDB_txn		*txn;
	MDB_val		 k, v;
	unsigned char	 key[8];
	const char	*p;
	char		*out = NULL;
	cJSON		*doc;

	p = FCGX_GetParam("PATH_INFO", rq->envp);
	p = p != NULL && strrchr(p, '/') != NULL ? strrchr(p, '/') + 1 : "0";
	key_of(strtoul(p, NULL, 10), key);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0) {
		if (mdb_get(txn, dbi, &k, &v) == 0 &&
		    (doc = cJSON_ParseWithLength(v.mv_data, v.mv_size)) !=
		    NULL) {
			out = cJSON_PrintUnformatted(doc);
			cJSON_Delete(doc);
		}
		mdb_txn_abort(txn);
	}
	if (out != NULL)
		respond(rq, "200 OK", out, strlen(out));
	else
		respond(rq, "404 Not Found", "", 0);
	free(out);
}

static void
serve_put(FCGX_Request *rq, MDB_env *env, MDB_dbi dbi, unsigned long *next)
{
	MDB_txn		*txn;
	MDB_val		 k, v;
	unsigned char	 key[8];
	char		 body[8192];
	const char	*cl;
	int		 len, n;

	cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	len = cl != NULL ? atoi(cl) : 0;
	if (len < 0 || len > (int)sizeof(body))
		len = 0;
	if ((n = FCGX_GetStr(body, len, rq->in)) < 0)
		n = 0;
	key_of((*next)++, key);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	v.mv_data = body;
	v.mv_size = (size_t)n;
	if (mdb_txn_begin(env, NULL, 0, &txn) == 0 &&
	    mdb_put(txn, dbi, &k, &v, 0) == 0 && mdb_txn_commit(txn) == 0)
		respond(rq, "201 Created", body, (size_t)n);
	else
		respond(rq, "500 Internal Server Error", "", 0);
}

int
main(int argc, char *argv[])
{
	FCGX_Request	 rq;
	const char	*db = getenv("SCIMLET_DB"), *name;
	MDB_env		*env = NULL;
	MDB_dbi		 dbi = 0;
	MDB_txn		*txn;
	unsigned long	 next;
	int		 mode;

	if (argc == 4 && strcmp(argv[1], "--load") == 0)
		return load(argv[2], strtoul(argv[3], NULL, 10));
	/* Which one: the name it is run by (ref_hello, ref_get, ref_put). */
	name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	mode = strcmp(name, "ref_get") == 0 ? 2 :
	    strcmp(name, "ref_put") == 0 ? 3 : 1;
	make_user(1);
	if (mode != 1) {
		if (db == NULL)
			return 1;
		env = open_env(db, 0);
		if (mdb_txn_begin(env, NULL, 0, &txn) != 0 ||
		    mdb_dbi_open(txn, NULL, 0, &dbi) != 0 ||
		    mdb_txn_commit(txn) != 0)
			return 1;
	}
	/* Fresh keys above the loaded ones, apart for each process. */
	next = (1UL << 40) + ((unsigned long)getpid() << 20);
	FCGX_Init();
	FCGX_InitRequest(&rq, 0, 0);
	while (FCGX_Accept_r(&rq) >= 0) {
		if (mode == 1)
			serve_hello(&rq);
		else if (mode == 2)
			serve_get(&rq, env, dbi);
		else
			serve_put(&rq, env, dbi, &next);
		FCGX_Finish_r(&rq);
	}
	if (env != NULL)
		mdb_env_close(env);
	return 0;
}
