/*
 * check_store.c: the LMDB keyspace: opening, tenants, resources, index,
 * membership, transactions, a writer killed mid-transaction, map full.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"
#include "util.h"

static char	dir[64];

static void
fresh(void)
{
	char	cmd[128];

	if (dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			tap_diag("cannot remove %s", dir);
	}
	snprintf(dir, sizeof(dir), "/tmp/check_store.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
}

static struct store *
open_new(void)
{
	struct store	*st = NULL;
	char		 err[256];

	fresh();
	if (store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		tap_diag("open: %s", err);
	return st;
}

static int
count_res(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	(void)id;
	(void)json;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

struct ids {
	uint8_t	ids[8][16];
	int	n;
};

static int
collect(const uint8_t id[16], enum res_type type, const char *d, size_t dl,
    void *arg)
{
	struct ids *x = arg;

	(void)type;
	(void)d;
	(void)dl;
	memcpy(x->ids[x->n++], id, 16);
	return x->n == 8;
}

static int
collect_of(const uint8_t id[16], void *arg)
{
	struct ids *x = arg;

	memcpy(x->ids[x->n++], id, 16);
	return x->n == 8;
}

/* Can another process take the writer lock within secs seconds? */
static int
writer_within(int secs)
{
	struct store		*cs;
	struct store_txn	*tx;
	char			 err[256];
	pid_t			 pid;
	int			 status;

	if ((pid = fork()) == 0) {
		alarm(secs);
		if (store_open(dir, 0, &cs, err, sizeof(err)) != SCIM_OK ||
		    store_begin(cs, 1, &tx) != SCIM_OK ||
		    store_commit(&tx) != SCIM_OK)
			_exit(2);
		store_close(cs);
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * store_open's message for a process that may not use the database: a
 * child that drops root's rights (or, not root, a directory made
 * unreadable).  *who is the user it ran as.
 */
static void
open_as_other(char *msg, size_t len, char *who, size_t wholen)
{
	struct store	*os;
	struct passwd	*pw;
	char		 err[256];
	int		 fd[2];
	size_t		 got;
	ssize_t		 n;
	pid_t		 pid;

	msg[0] = who[0] = '\0';
	if (pipe(fd) == -1)
		return;
	if ((pid = fork()) == 0) {
		close(fd[0]);
		if (geteuid() == 0 && (setgid(65534) == -1 ||
		    setuid(65534) == -1))
			_exit(2);
		pw = getpwuid(geteuid());
		dprintf(fd[1], "%s\n", pw != NULL ? pw->pw_name : "?");
		if (store_open(dir, 0, &os, err, sizeof(err)) == SCIM_OK)
			dprintf(fd[1], "opened");
		else
			dprintf(fd[1], "%s", err);
		_exit(0);
	}
	close(fd[1]);
	for (got = 0; got < len - 1 && (n = read(fd[0], msg + got,
	    len - 1 - got)) > 0; got += (size_t)n)
		;
	msg[got] = '\0';
	close(fd[0]);
	waitpid(pid, NULL, 0);
	if (strchr(msg, '\n') != NULL) {
		*strchr(msg, '\n') = '\0';
		util_strlcpy(who, msg, wholen);
		memmove(msg, msg + strlen(msg) + 1, strlen(msg + strlen(msg) +
		    1) + 1);
	}
}

/* A process with the database open until killed. */
static pid_t
hold_open(void)
{
	struct store	*hs;
	char		 err[256];
	pid_t		 pid;

	if ((pid = fork()) == 0) {
		if (store_open(dir, 0, &hs, err, sizeof(err)) != SCIM_OK)
			_exit(2);
		for (;;)
			pause();
	}
	usleep(100000);
	return pid;
}

int
main(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx;
	struct tenant		 t1, t2, t;
	uint8_t			 a[16], b[16], c[16], ids[4][16];
	const char		*json;
	char			 err[256], longv[3000], msg[512], who[64];
	size_t			 len, n;
	int			 cnt, i, added, removed, status, lost;
	pid_t			 pid, holder;
	enum scim_err		 e;
	struct ids		 got;

	/* Opening. */
	fresh();
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_ECONFIG,
	    "no database: SCIM_ECONFIG");
	ok(strstr(err, "init") != NULL, "the message says to run init: %s", err);
	st = open_new();
	ok(st != NULL, "STORE_CREATE makes a database");
	store_close(st);
	ok(store_open(dir, STORE_CREATE, &st, err, sizeof(err)) == SCIM_OK,
	    "STORE_CREATE again is fine (idempotent)");
	store_close(st);
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK,
	    "then it opens without STORE_CREATE");

	/*
	 * A database the process may not reach is not "no database": the
	 * operator is told the permission problem and who we run as.
	 */
	store_close(st);
	if (geteuid() != 0)
		chmod(dir, 0);
	open_as_other(msg, sizeof(msg), who, sizeof(who));
	ok(strstr(msg, "Permission denied") != NULL && strstr(msg, who) !=
	    NULL && strstr(msg, "init") == NULL, "a directory we may not "
	    "enter: %s (as %s)", msg, who);
	chmod(dir, 0755);
	if (geteuid() == 0) {
		/* The files, not the directory: mdb_env_open says it. */
		open_as_other(msg, sizeof(msg), who, sizeof(who));
		ok(strstr(msg, "Permission denied") != NULL &&
		    strstr(msg, who) != NULL, "files we may not open: %s (as "
		    "%s)", msg, who);
	}
	chmod(dir, 0700);
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK, "reopened");

	/* Tenants. */
	store_begin(st, 1, &tx);
	ok(store_tenant_add(tx, "acme", "2026-01-01T00:00:00.000Z", &t1) ==
	    SCIM_OK, "tenant add");
	ok(store_tenant_add(tx, "globex", "2026-01-01T00:00:00.000Z", &t2) ==
	    SCIM_OK, "second tenant");
	ok(store_tenant_add(tx, "acme", "x", &t) == SCIM_EUNIQUE,
	    "duplicate tenant: SCIM_EUNIQUE");
	ok(t1.tn_id != t2.tn_id && t2.tn_id > t1.tn_id, "tenant ids increase");
	ok(store_tenant_set(tx, "acme", "patch-response", "no-content") ==
	    SCIM_OK, "tenant setting");
	store_commit(&tx);
	store_begin(st, 0, &tx);
	ok(store_tenant_get(tx, "acme", &t) == SCIM_OK && t.tn_id == t1.tn_id,
	    "tenant get");
	ok(t.tn_flags & TENANT_PATCH_204, "setting read back as a flag");
	ok(store_tenant_get(tx, "nobody", &t) == SCIM_ENOTFOUND,
	    "unknown tenant: SCIM_ENOTFOUND");
	store_abort(&tx);

	/* A record that would not fit its buffer is refused, not cut. */
	memset(longv, '9', 300);
	longv[300] = '\0';
	store_begin(st, 1, &tx);
	ok(store_tenant_add(tx, "toolong", longv, &t) != SCIM_OK &&
	    store_tenant_get(tx, "toolong", &t) == SCIM_ENOTFOUND,
	    "a tenant record longer than its buffer is refused");
	store_abort(&tx);

	/* max-results: a number `tenant set` accepts, or no cap of its own. */
	{
		static const struct {
			const char	*v;
			long long	 want;
		} mr[] = {
			{ "500", 500 }, { "10000", 10000 }, { "50x", 0 },
			{ " 7", 0 }, { "-5", 0 }, { "0", 0 }, { "10001", 0 },
			{ "99999999999999999999999", 0 }, { "", 0 },
		};
		size_t	j;

		for (j = 0; j < sizeof(mr) / sizeof(mr[0]); j++) {
			store_begin(st, 1, &tx);
			store_tenant_set(tx, "globex", "max-results", mr[j].v);
			t.tn_maxresults = -1;
			store_tenant_get(tx, "globex", &t);
			store_abort(&tx);
			ok(t.tn_maxresults == mr[j].want, "max-results \"%s\": "
			    "%lld", mr[j].v, t.tn_maxresults);
		}
	}

	/* Resources, isolated per tenant. */
	util_uuid_new(a);
	util_uuid_new(b);
	store_begin(st, 1, &tx);
	ok(store_res_put(tx, t1.tn_id, RES_USER, a, "{\"n\":1}", 7, 1) ==
	    SCIM_OK, "put a resource");
	ok(store_res_put(tx, t1.tn_id, RES_USER, a, "{\"n\":2}", 7, 1) ==
	    SCIM_EUNIQUE, "create over an existing id: SCIM_EUNIQUE");
	ok(store_res_put(tx, t2.tn_id, RES_USER, a, "{\"n\":3}", 7, 1) ==
	    SCIM_OK, "the same id in another tenant is another record");
	ok(store_res_put(tx, t1.tn_id, RES_USER, b, "{\"n\":4}", 7, 1) ==
	    SCIM_OK, "second resource");
	ok(store_res_put(tx, t1.tn_id, RES_GROUP, b, "{\"g\":1}", 7, 1) ==
	    SCIM_OK, "a group with the same id bytes");
	store_commit(&tx);
	store_begin(st, 0, &tx);
	ok(store_res_get(tx, t1.tn_id, RES_USER, a, &json, &len) == SCIM_OK &&
	    len == 7 && memcmp(json, "{\"n\":1}", 7) == 0, "get tenant 1's");
	ok(store_res_get(tx, t2.tn_id, RES_USER, a, &json, &len) == SCIM_OK &&
	    memcmp(json, "{\"n\":3}", 7) == 0, "get tenant 2's");
	cnt = 0;
	store_res_each(tx, t1.tn_id, RES_USER, count_res, &cnt);
	is_int(cnt, 2, "tenant 1 lists its two users only");
	cnt = 0;
	store_res_each(tx, t2.tn_id, RES_USER, count_res, &cnt);
	is_int(cnt, 1, "tenant 2 lists its one user only");
	cnt = 0;
	store_res_each(tx, t1.tn_id, RES_GROUP, count_res, &cnt);
	is_int(cnt, 1, "groups are listed apart from users");
	store_abort(&tx);

	/* An aborted write leaves nothing. */
	util_uuid_new(c);
	store_begin(st, 1, &tx);
	store_res_put(tx, t1.tn_id, RES_USER, c, "{}", 2, 1);
	store_idx_add(tx, t1.tn_id, RES_USER, IDX_USERNAME, "gone", 4, c);
	store_abort(&tx);
	store_begin(st, 0, &tx);
	ok(store_res_get(tx, t1.tn_id, RES_USER, c, &json, &len) ==
	    SCIM_ENOTFOUND, "aborted put is not there");
	store_idx_find(tx, t1.tn_id, RES_USER, IDX_USERNAME, "gone", 4, ids, 4,
	    &n);
	is_int((long long)n, 0, "aborted index entry is not there");
	store_abort(&tx);

	/* Index: several ids per value, sorted, no duplicates, long values. */
	memset(longv, 'x', sizeof(longv));
	store_begin(st, 1, &tx);
	store_idx_add(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, b);
	store_idx_add(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, a);
	store_idx_add(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, a);
	store_idx_add(tx, t1.tn_id, RES_USER, IDX_EMAIL, longv, sizeof(longv),
	    a);
	store_commit(&tx);
	store_begin(st, 0, &tx);
	store_idx_find(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, ids, 4,
	    &n);
	is_int((long long)n, 2, "two ids under one value, the duplicate once");
	ok(n == 2 && memcmp(ids[0], ids[1], 16) < 0, "ids come sorted");
	store_idx_find(tx, t2.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, ids, 4,
	    &n);
	is_int((long long)n, 0, "another tenant's index is separate");
	e = store_idx_find(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3,
	    ids, 1, &n);
	ok(e == SCIM_ETOOMANY, "more hits than room: SCIM_ETOOMANY");
	store_idx_find(tx, t1.tn_id, RES_USER, IDX_EMAIL, longv, sizeof(longv),
	    ids, 4, &n);
	ok(n == 1 && memcmp(ids[0], a, 16) == 0,
	    "a 3000-byte value is found through its hash");
	longv[2999] = 'y';
	store_idx_find(tx, t1.tn_id, RES_USER, IDX_EMAIL, longv, sizeof(longv),
	    ids, 4, &n);
	is_int((long long)n, 0, "a different long value is not");
	store_abort(&tx);
	store_begin(st, 1, &tx);
	ok(store_idx_del(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, a) ==
	    SCIM_OK, "index delete");
	ok(store_idx_del(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, a) ==
	    SCIM_OK, "deleting an absent entry is fine");
	store_idx_find(tx, t1.tn_id, RES_USER, IDX_EXTERNALID, "ext", 3, ids, 4,
	    &n);
	ok(n == 1 && memcmp(ids[0], b, 16) == 0, "the other id stays");
	store_commit(&tx);

	/* Membership. */
	store_begin(st, 1, &tx);
	store_member_put(tx, t1.tn_id, b, a, RES_USER, "Ada", &added);
	is_int(added, 1, "member added");
	store_member_put(tx, t1.tn_id, b, a, RES_USER, "Ada L", &added);
	is_int(added, 0, "adding again is no new member");
	store_member_put(tx, t1.tn_id, b, c, RES_USER, "C", &added);
	store_member_put(tx, t2.tn_id, b, c, RES_USER, "other", NULL);
	store_commit(&tx);
	store_begin(st, 0, &tx);
	memset(&got, 0, sizeof(got));
	store_member_each(tx, t1.tn_id, b, collect, &got);
	is_int(got.n, 2, "two members");
	memset(&got, 0, sizeof(got));
	store_memberof_each(tx, t1.tn_id, a, collect_of, &got);
	ok(got.n == 1 && memcmp(got.ids[0], b, 16) == 0, "memberof mirrors it");
	store_abort(&tx);
	store_begin(st, 1, &tx);
	store_member_del(tx, t1.tn_id, b, a, &removed);
	is_int(removed, 1, "member removed");
	store_member_del(tx, t1.tn_id, b, a, &removed);
	is_int(removed, 0, "removing again: not a member");
	memset(&got, 0, sizeof(got));
	store_memberof_each(tx, t1.tn_id, a, collect_of, &got);
	is_int(got.n, 0, "memberof entry gone with it");
	for (i = 0; i < 5; i++) {
		uint8_t m[16];
		util_uuid_new(m);
		store_member_put(tx, t1.tn_id, b, m, RES_USER, "m", NULL);
	}
	ok(store_member_clear(tx, t1.tn_id, b) == SCIM_OK, "clear a group");
	memset(&got, 0, sizeof(got));
	store_member_each(tx, t1.tn_id, b, collect, &got);
	is_int(got.n, 0, "no members left");
	memset(&got, 0, sizeof(got));
	store_memberof_each(tx, t1.tn_id, c, collect_of, &got);
	is_int(got.n, 0, "and no memberof entries");
	memset(&got, 0, sizeof(got));
	store_member_each(tx, t2.tn_id, b, collect, &got);
	is_int(got.n, 1, "the other tenant's group is untouched");
	store_commit(&tx);
	store_close(st);

	/* A writer killed in the middle of a transaction. */
	if ((pid = fork()) == 0) {
		struct store *cs;
		uint8_t id[16];
		if (store_open(dir, 0, &cs, err, sizeof(err)) != SCIM_OK)
			_exit(2);
		store_begin(cs, 1, &tx);
		for (i = 0; i < 1000; i++) {
			util_uuid_new(id);
			store_res_put(tx, 99, RES_USER, id, "{\"dead\":1}", 10, 1);
		}
		kill(getpid(), SIGKILL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status), "the writer was killed mid-transaction");
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK,
	    "the database opens after it");
	store_reader_check(st);
	store_begin(st, 0, &tx);
	cnt = 0;
	store_res_each(tx, 99, RES_USER, count_res, &cnt);
	is_int(cnt, 0, "none of its writes are there");
	ok(store_res_get(tx, t1.tn_id, RES_USER, a, &json, &len) == SCIM_OK,
	    "committed data is intact");
	store_abort(&tx);
	store_begin(st, 1, &tx);
	ok(store_res_put(tx, t1.tn_id, RES_USER, c, "{}", 2, 1) == SCIM_OK &&
	    store_commit(&tx) == SCIM_OK, "and writes go on");
	store_close(st);

	/*
	 * A write transaction a caller forgot to end: closing the store
	 * must not leave the writer lock held (its memory unmapped, the
	 * lock could never be recovered, not even once the process dies).
	 */
	holder = hold_open();	/* as other workers keep it open */
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK, "reopened");
	store_begin(st, 1, &tx);
	store_res_put(tx, t1.tn_id, RES_USER, c, "{\"n\":5}", 7, 0);
	store_close(st);
	ok(writer_within(3), "a transaction left open: after store_close "
	    "another process writes");
	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK &&
	    store_begin(st, 0, &tx) == SCIM_OK &&
	    store_res_get(tx, t1.tn_id, RES_USER, c, &json, &len) == SCIM_OK &&
	    len == 2, "and what it wrote is not there");
	ok(store_reclaim(st, &lost) == 1 && lost == 0,
	    "store_reclaim ends a read transaction left open");
	store_begin(st, 1, &tx);
	ok(store_reclaim(st, &lost) == 1 && lost == 1,
	    "and a write transaction, saying its changes are lost");
	ok(store_reclaim(st, &lost) == 0, "nothing left open");
	store_close(st);

	/* Map full: a clear error, and the database stays usable. */
	setenv("SCIMLET_MAP_SIZE", "1048576", 1);
	st = open_new();
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "small", "x", &t);
	store_commit(&tx);
	{
		char big[4000];
		memset(big, 'z', sizeof(big));
		e = SCIM_OK;
		for (i = 0; i < 10000 && e == SCIM_OK; i++) {
			uint8_t id[16];
			util_uuid_new(id);
			store_begin(st, 1, &tx);
			e = store_res_put(tx, t.tn_id, RES_USER, id, big,
			    sizeof(big), 1);
			if (e == SCIM_OK)
				e = store_commit(&tx);
			else
				store_abort(&tx);
		}
	}
	ok(e == SCIM_EFULL, "writing past the map size: SCIM_EFULL");
	store_close(st);
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK,
	    "a full database still opens");
	store_begin(st, 0, &tx);
	ok(store_tenant_get(tx, "small", &t) == SCIM_OK, "and reads");
	store_abort(&tx);
	store_close(st);
	unsetenv("SCIMLET_MAP_SIZE");
	setenv("SCIMLET_MAP_SIZE", "12", 1);
	ok(store_open(dir, 0, &st, err, sizeof(err)) == SCIM_ECONFIG,
	    "a nonsense SCIMLET_MAP_SIZE is refused");
	unsetenv("SCIMLET_MAP_SIZE");

	/*
	 * Another process, with a larger map, grows the database past ours:
	 * we adopt its size and go on, rather than fail every transaction
	 * (MDB_MAP_RESIZED) until restarted.
	 */
	setenv("SCIMLET_MAP_SIZE", "1048576", 1);
	st = open_new();
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "grown", "x", &t);
	store_commit(&tx);
	if ((pid = fork()) == 0) {
		struct store *gs;
		char big[4000];
		setenv("SCIMLET_MAP_SIZE", "67108864", 1);
		if (store_open(dir, 0, &gs, err, sizeof(err)) != SCIM_OK)
			_exit(2);
		memset(big, 'g', sizeof(big));
		for (i = 0; i < 1000; i++) {
			uint8_t id[16];
			util_uuid_new(id);
			if (store_begin(gs, 1, &tx) != SCIM_OK ||
			    store_res_put(tx, t.tn_id,
			    RES_USER, id, big, sizeof(big), 1) != SCIM_OK ||
			    store_commit(&tx) != SCIM_OK)
				_exit(3);
		}
		store_close(gs);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "another process wrote 4 MB past our 1 MiB map");
	ok(store_begin(st, 0, &tx) == SCIM_OK,
	    "a transaction begins: the new size is adopted");
	cnt = 0;
	store_res_each(tx, t.tn_id, RES_USER, count_res, &cnt);
	is_int(cnt, 1000, "and sees all it wrote");
	store_abort(&tx);
	ok(store_begin(st, 1, &tx) == SCIM_OK &&
	    store_res_put(tx, t.tn_id, RES_USER, a, "{}", 2, 1) == SCIM_OK &&
	    store_commit(&tx) == SCIM_OK, "and writes go on");
	store_close(st);
	unsetenv("SCIMLET_MAP_SIZE");

	fresh();
	rmdir(dir);
	return tap_done();
}
