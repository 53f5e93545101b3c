/*
 * scimlet.h: read scimlet's database from an application on the same
 * host, in C: who has access, with which roles, and every change in
 * order.  Link with `pkg-config --cflags --libs scimlet`.
 *
 * The database is opened read-only; the workers and `scimlet` write it
 * meanwhile, and every call sees one consistent state of it (one LMDB
 * read transaction per call).
 *
 * Threads: open ONE handle per process and share it between threads; any
 * number of threads may call the functions below on it at once.  LMDB
 * forbids opening the same database twice in one process (closing one
 * handle would drop the other's locks), so one handle per thread is not
 * allowed.  scimlet_close() must not run while another call is running.
 *
 * Ownership: what a function returns through a pointer argument belongs
 * to the caller and is freed with the matching _free (a NULL is fine).
 * What a callback is given lives until the callback returns: copy what
 * you keep.  No function keeps global state.
 *
 * Results: SCIMLET_OK (0), SCIMLET_NOTFOUND (no such tenant or user),
 * SCIMLET_GONE (changes asked for were pruned: read everything again),
 * SCIMLET_ERROR (out of memory, or the database could not be read: an
 * unexpected LMDB error is also told on standard error).
 */
#ifndef SCIMLET_H
#define SCIMLET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCIMLET_API_VERSION	1

#define SCIMLET_OK		0
#define SCIMLET_NOTFOUND	1
#define SCIMLET_GONE		3
#define SCIMLET_ERROR		(-1)

typedef struct scimlet scimlet;

struct scimlet_user {
	char		  id[37];	/* lowercase 8-4-4-4-12 */
	char		 *userName;
	char		 *externalId;	/* NULL when it has none */
	int		  active;	/* 0 or 1 */
	char		**appRoles;	/* its application roles */
	size_t		  nappRoles;
	char		(*groups)[37];	/* the ids of the groups it is in */
	size_t		  ngroups;
};

/*
 * Open the database in directory dir (SCIMLET_DB) read-only.  On
 * failure returns NULL and, when err is given, a message in it.
 */
scimlet		*scimlet_open(const char *dir, char *err, size_t errlen);
void		 scimlet_close(scimlet *);

/*
 * The user of tenant whose id, or else userName (compared without
 * regard to case), is who, into *out (free with scimlet_user_free()).
 */
int		 scimlet_user_get(scimlet *, const char *tenant,
		    const char *who, struct scimlet_user **out);
void		 scimlet_user_free(struct scimlet_user *);

/* Does the user hold application role role (exactly)?  1 or 0. */
int		 scimlet_user_has_role(const struct scimlet_user *,
		    const char *role);

/*
 * Each user of tenant, in id order, to cb; cb returns non-zero to stop
 * (then so does this, with SCIMLET_OK).  The user lives until cb returns.
 */
int		 scimlet_users_each(scimlet *, const char *tenant,
		    int (*cb)(const struct scimlet_user *, void *arg),
		    void *arg);

/*
 * The tenant's change feed after seq since, oldest first, to cb: each
 * record's seq and its JSON (not NUL-terminated; valid until cb
 * returns), as GET /.changes gives it.  SCIMLET_GONE when records after
 * since were pruned.
 */
int		 scimlet_changes_each(scimlet *, const char *tenant,
		    uint64_t since, int (*cb)(uint64_t seq, const char *json,
		    size_t len, void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* SCIMLET_H */
