/*
 * app.c: an application using the installed library (scimlet.h), built
 * by tests/e2e/e2e_lib.py against a staged `make install` through
 * pkg-config, exactly as an application outside this tree would be.
 *
 *   app DB TENANT user WHO          the user: one line of fields
 *   app DB TENANT users             every user, a line each
 *   app DB TENANT changes SINCE     the feed after SINCE, "SEQ JSON" lines
 *   app DB TENANT threads WHO N     N threads look WHO up 2000 times each
 *
 * Exit: 0, 1 not found, 3 gone, 2 anything else.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scimlet.h>

static void
print_user(const struct scimlet_user *u)
{
	size_t	i;

	printf("%s\t%s\t%s\t%s\t", u->id, u->userName,
	    u->externalId != NULL ? u->externalId : "-",
	    u->active ? "active" : "inactive");
	for (i = 0; i < u->nappRoles; i++)
		printf("%s%s", i ? "," : "", u->appRoles[i]);
	printf("%s\t", u->nappRoles == 0 ? "-" : "");
	for (i = 0; i < u->ngroups; i++)
		printf("%s%s", i ? "," : "", u->groups[i]);
	printf("%s\n", u->ngroups == 0 ? "-" : "");
}

static int
each_user(const struct scimlet_user *u, void *arg)
{
	(void)arg;
	print_user(u);
	return 0;
}

static int
each_change(uint64_t seq, const char *json, size_t len, void *arg)
{
	(void)arg;
	printf("%llu %.*s\n", (unsigned long long)seq, (int)len, json);
	return 0;
}

struct job {
	scimlet		*sl;
	const char	*tenant, *who;
	int		 bad;
};

static void *
lookup(void *arg)
{
	struct job		*j = arg;
	struct scimlet_user	*u;
	int			 i;

	for (i = 0; i < 2000; i++) {
		if (scimlet_user_get(j->sl, j->tenant, j->who, &u) !=
		    SCIMLET_OK || strcasecmp(u->userName, j->who) != 0)
			j->bad++;
		scimlet_user_free(u);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct scimlet_user	*u = NULL;
	struct job		 jobs[16];
	pthread_t		 th[16];
	scimlet			*sl;
	char			 err[256];
	int			 rc, i, n, bad = 0;

	if (argc < 4)
		return 2;
	if ((sl = scimlet_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "app: %s\n", err);
		return 2;
	}
	if (strcmp(argv[3], "user") == 0 && argc == 5) {
		if ((rc = scimlet_user_get(sl, argv[2], argv[4], &u)) ==
		    SCIMLET_OK)
			print_user(u);
		scimlet_user_free(u);
	} else if (strcmp(argv[3], "users") == 0)
		rc = scimlet_users_each(sl, argv[2], each_user, NULL);
	else if (strcmp(argv[3], "changes") == 0 && argc == 5)
		rc = scimlet_changes_each(sl, argv[2], strtoull(argv[4], NULL,
		    10), each_change, NULL);
	else if (strcmp(argv[3], "threads") == 0 && argc == 6 &&
	    (n = atoi(argv[5])) > 0 && n <= 16) {
		for (i = 0; i < n; i++) {
			jobs[i].sl = sl;
			jobs[i].tenant = argv[2];
			jobs[i].who = argv[4];
			jobs[i].bad = 0;
			pthread_create(&th[i], NULL, lookup, &jobs[i]);
		}
		for (i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			bad += jobs[i].bad;
		}
		printf("%d lookups, %d wrong\n", n * 2000, bad);
		rc = bad == 0 ? SCIMLET_OK : SCIMLET_ERROR;
	} else
		rc = SCIMLET_ERROR;
	scimlet_close(sl);
	return rc == SCIMLET_OK ? 0 : rc == SCIMLET_NOTFOUND ? 1 :
	    rc == SCIMLET_GONE ? 3 : 2;
}
