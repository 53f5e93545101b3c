/*
 * main.c: the worker, scimlet.fcgi.  Under a FastCGI server it loops on
 * FCGX_Accept_r; when its heap in use grew by SCIMLET_MAX_HEAP_GROWTH, or
 * after SCIMLET_MAX_REQUESTS requests if set, it starts afresh by
 * executing itself again on the same listening socket (see recycle());
 * run as plain CGI it serves one request.  The LMDB environment is opened
 * once per process image, after the web server started it.
 */
#include "config.h"

#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#if defined(__SANITIZE_ADDRESS__)
#include <stddef.h>
/* The ASan runtime's (its header is not always installed). */
size_t	__sanitizer_get_current_allocated_bytes(void);
#elif defined(HAVE_MALLINFO2)
#include <malloc.h>
#endif
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "activity.h"
#include "admin.h"
#include "auth.h"
#include "ctx.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "plan.h"
#include "router.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

struct worker {
	struct store	*wk_store;
	const char	*wk_cfgerr;	/* set: answer every request with 500 */
	int		 wk_admin;	/* SCIMLET_MOUNT=admin in the environment */
	char		 wk_errbuf[512];
	size_t		 wk_maxbody;
	long long	 wk_maxreq;	/* 0: no limit */
	size_t		 wk_maxgrowth;	/* bytes of heap in use */
	size_t		 wk_heapbase;	/* in use once warm; 0: not yet */
	struct auth_cache wk_auth;	/* token records read (auth.h) */
#ifdef SCIMLET_FAULTS
	size_t		 wk_leak;	/* test build: bytes kept a request */
	void		*wk_held;	/* ... chained here */
#endif
};

static volatile sig_atomic_t stopping;

/*
 * SIGTERM or SIGUSR1: stop after the request in hand.  Both are blocked
 * while a request is served, so they never cut a body read short; they
 * land between requests, where they make the accept fail (no SA_RESTART,
 * FCGI_FAIL_ACCEPT_ON_INTR).  FCGX_ShutdownPending() is not called: it
 * would make libfcgi fail every later read, that of a request just
 * accepted included.
 */
static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Is a connection waiting on the listening socket (fd 0)? */
static int
request_waiting(void)
{
	struct pollfd	pfd;

	pfd.fd = 0;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

/* CGI transport: the environment and stdio. */
static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static long
cgi_read(void *ctx, char *buf, size_t len)
{
	size_t	n;

	(void)ctx;
	n = fread(buf, 1, len, stdin);
	return n == 0 && ferror(stdin) ? -1 : (long)n;
}

static int
cgi_write(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

/*
 * FastCGI transport: libfcgi's request streams.  The parameters a
 * request is read by are found in one pass over its environment, not one
 * pass each (FCGX_GetParam()); any other name is looked up as before.
 */
static const struct {
	const char	*name;
	size_t		 len;
} fcgi_known[] = {
#define K(s)	{ s, sizeof(s) - 1 }
	K("CONTENT_LENGTH"), K("CONTENT_TYPE"), K("HTTPS"),
	K("HTTP_AUTHORIZATION"), K("HTTP_HOST"), K("HTTP_IF_MATCH"),
	K("HTTP_IF_NONE_MATCH"), K("HTTP_USER_AGENT"), K("PATH_INFO"),
	K("QUERY_STRING"), K("REMOTE_ADDR"), K("REQUEST_METHOD"),
	K("REQUEST_SCHEME"), K("REQUEST_URI"), K("SCRIPT_NAME"),
	K("SERVER_NAME"), K("SERVER_PORT"), K("SCIMLET_MOUNT"),
#undef K
};
#define FCGI_KNOWN	(sizeof(fcgi_known) / sizeof(fcgi_known[0]))

struct fcgi_req {
	FCGX_Request	 fq_req;
	int		 fq_indexed;	/* fq_val filled for this request */
	const char	*fq_val[FCGI_KNOWN];
};

/* Which known name name[0..len) is, by length first; -1: none. */
static int
fcgi_index_of(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < FCGI_KNOWN; i++)
		if (fcgi_known[i].len == len &&
		    memcmp(fcgi_known[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static const char *
fcgi_param(void *ctx, const char *name)
{
	struct fcgi_req	 *fq = ctx;
	char		**ev;
	const char	 *eq;
	int		  i;

	if (!fq->fq_indexed) {
		memset(fq->fq_val, 0, sizeof(fq->fq_val));
		for (ev = fq->fq_req.envp; ev != NULL && *ev != NULL; ev++)
			if ((eq = strchr(*ev, '=')) != NULL &&
			    (i = fcgi_index_of(*ev, (size_t)(eq - *ev))) >= 0 &&
			    fq->fq_val[i] == NULL)
				fq->fq_val[i] = eq + 1;
		fq->fq_indexed = 1;
	}
	if ((i = fcgi_index_of(name, strlen(name))) >= 0)
		return fq->fq_val[i];
	return FCGX_GetParam(name, fq->fq_req.envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t len)
{
	int	n;

	n = FCGX_GetStr(buf, len > INT_MAX ? INT_MAX : (int)len,
	    ((struct fcgi_req *)ctx)->fq_req.in);
	return n < 0 ? -1 : n;
}

static int
fcgi_write(void *ctx, const char *buf, size_t len)
{
	FCGX_Stream	*out = ((struct fcgi_req *)ctx)->fq_req.out;
	int		 n;

	while (len > 0) {
		n = FCGX_PutStr(buf, len > INT_MAX ? INT_MAX : (int)len, out);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Authenticate and build the request context, in one read transaction:
 * the token names the tenant, ctx_open() reads its record.
 */
static enum scim_err
open_ctx(struct worker *wk, struct scim_req *req, struct ctx *cx,
    struct activity *act, struct scim_resp *resp)
{
	struct store_txn	*tx = NULL;
	char			 tenant[SCIM_TENANT_MAX + 1];
	char			 tokenid[AUTH_ID_LEN + 1];
	char			 label[AUTH_LABEL_MAX + 1];
	enum auth_scope		 scope;
	enum scim_err		 e;

	if ((e = store_begin(wk->wk_store, 0, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	e = auth_check_cached(tx, &wk->wk_auth, req->rq_auth, tenant,
	    tokenid, label, &scope, resp);
	util_strlcpy(act->at_token, tokenid, sizeof(act->at_token));
	util_strlcpy(act->at_label, label, sizeof(act->at_label));
	if (e == SCIM_OK) {
		e = ctx_open(cx, wk->wk_store, tx, tenant, tokenid,
		    act->at_reqid, act->at_client, act->at_agent);
		/* A token whose tenant is gone authenticates nobody. */
		if (e == SCIM_ENOTFOUND)
			e = scim_fail(resp, SCIM_EAUTH,
			    "invalid or revoked token");
		if (e == SCIM_OK) {
			act->at_tenant = cx->cx_tenant;
			/* Its activity stays under its number; a preview's
			 * data is under the preview's (src/preview.h). */
			ctx_preview(cx);
			cx->cx_act = act;
			cx->cx_scope = scope;
		}
	} else if (tenant[0] != '\0' &&
	    store_tenant_get(tx, tenant, &act->at_tenant) != SCIM_OK)
		/* A revoked token's requests go to its tenant's log. */
		memset(&act->at_tenant, 0, sizeof(act->at_tenant));
	store_abort(&tx);
	return e;
}

/*
 * A request refused before authentication (a body too large, a media
 * type not JSON...): whose token it carried, for its activity record
 * only.  It authenticates nothing: the request is answered with its
 * error all the same.
 */
static void
attribute(struct worker *wk, struct scim_req *req, struct activity *act)
{
	struct store_txn	*tx = NULL;
	struct scim_resp	 scratch;
	char			 tenant[SCIM_TENANT_MAX + 1];
	char			 tokenid[AUTH_ID_LEN + 1];
	char			 label[AUTH_LABEL_MAX + 1];

	if (wk->wk_store == NULL || wk->wk_cfgerr != NULL ||
	    req->rq_auth == NULL || store_begin(wk->wk_store, 0, &tx) !=
	    SCIM_OK)
		return;
	memset(&scratch, 0, sizeof(scratch));
	auth_check_cached(tx, &wk->wk_auth, req->rq_auth, tenant, tokenid,
	    label, NULL, &scratch);
	util_strlcpy(act->at_token, tokenid, sizeof(act->at_token));
	util_strlcpy(act->at_label, label, sizeof(act->at_label));
	if (tenant[0] != '\0' &&
	    store_tenant_get(tx, tenant, &act->at_tenant) != SCIM_OK)
		memset(&act->at_tenant, 0, sizeof(act->at_tenant));
	store_abort(&tx);
}

#ifdef SCIMLET_FAULTS
/*
 * Test build only: "X-Scimlet-Fault: N KIND" makes the Nth LMDB call of
 * the request fail (store.h); N 0 only counts.  The response says how
 * many calls counted, what failed and how many transactions the request
 * left open, in a header of its own.
 */
static void
fault_arm(struct worker *wk, const struct http_io *io)
{
	const char	*v, *sp;
	char		 num[16];
	long long	 n;
	int		 kind = 0;

	if (wk->wk_store == NULL ||
	    (v = io->io_param(io->io_ctx, "HTTP_X_SCIMLET_FAULT")) == NULL ||
	    (sp = strchr(v, ' ')) == NULL || (size_t)(sp - v) >= sizeof(num))
		return;
	memcpy(num, v, (size_t)(sp - v));
	num[sp - v] = '\0';
	if (util_strtonum(num, 0, UINT_MAX, &n) == -1)
		return;
	if (strcmp(sp + 1, "MAP_FULL") == 0)
		kind = STORE_FAULT_MAPFULL;
	else if (strcmp(sp + 1, "EIO") == 0)
		kind = STORE_FAULT_EIO;
	else if (strcmp(sp + 1, "CORRUPT") == 0)
		kind = STORE_FAULT_CORRUPT;
	if (kind != 0)
		store_fault_arm(wk->wk_store, (unsigned)n, kind);
}

static void
fault_report(struct worker *wk, const struct http_io *io, int leaked)
{
	const char	*fired = NULL;
	char		 line[128];
	unsigned	 calls;
	int		 n;

	if (wk->wk_store == NULL)
		return;
	calls = store_fault_disarm(wk->wk_store, &fired);
	n = snprintf(line, sizeof(line), "X-Scimlet-Fault: calls=%u "
	    "fired=%s leaked=%d\r\n", calls, fired != NULL ? fired : "-",
	    leaked);
	if (n > 0 && (size_t)n < sizeof(line))
		io->io_write(io->io_ctx, line, (size_t)n);
}
#endif

/*
 * Serve one request.  Returns 0, or -1 when the worker must exit after
 * it (out of memory: let the web server start a clean process).
 */
static int
serve(struct worker *wk, const struct http_io *io)
{
	struct scim_req		req;
	struct scim_resp	resp;
	struct ctx		cx;
	struct activity		act;
	enum scim_err		e;
	uint8_t			rid[8];
	char			path[128], detail[SCIM_MAX_DETAIL], reqid[20];
	int			leaked = 0, lost, health = 0, admin;

	memset(&resp, 0, sizeof(resp));
	memset(&cx, 0, sizeof(cx));
	/* A request id: in the response, the audit log and the error log. */
	if (util_random(rid, sizeof(rid)) == 0)
		util_hex(rid, sizeof(rid), reqid);
	else {
		memset(rid, 0, sizeof(rid));
		util_strlcpy(reqid, "-", sizeof(reqid));
	}
	activity_start(&act, rid, reqid);
	/*
	 * The console's mount (admin.h): the same worker, another door.  A
	 * CGI request's parameters are the environment, read once already.
	 */
	admin = wk->wk_admin || (io->io_param != cgi_param &&
	    admin_mounted(io));
	resp.rp_console = admin;
	/* Known to a handler that writes its response in parts. */
	util_strlcpy(resp.rp_reqid, reqid, sizeof(resp.rp_reqid));
	activity_client(&act, io->io_param(io->io_ctx, "REMOTE_ADDR"),
	    io->io_param(io->io_ctx, "HTTP_USER_AGENT"));
	e = http_request_read(io, wk->wk_maxbody, &req, &resp);
	if (e != SCIM_OK && e != SCIM_ENOMEM && !admin)
		attribute(wk, &req, &act);
#ifdef SCIMLET_FAULTS
	fault_arm(wk, io);
#endif
	if (e == SCIM_OK && (health = health_path(req.rq_path)))
		/* No token, no tenant; misconfigured: 503 (health.c). */
		e = health_serve(wk->wk_cfgerr == NULL ? wk->wk_store : NULL,
		    &req, &resp);
	else if (e == SCIM_OK && wk->wk_cfgerr != NULL)
		e = scim_fail(&resp, SCIM_ECONFIG, "%s", wk->wk_cfgerr);
	else if (e == SCIM_OK && admin)
		e = admin_serve(wk->wk_store, io, &req, &resp, rid);
	else if (e == SCIM_OK &&
	    (e = open_ctx(wk, &req, &cx, &act, &resp)) == SCIM_OK &&
	    (e = plan_rate(&cx, &resp)) == SCIM_OK) {
		req.rq_cx = &cx;
		e = router_dispatch(&req, &resp);
	}
	ctx_close(&cx);
	/*
	 * No transaction outlives its request (a handler that left one
	 * open would hold the writer lock).  A write left uncommitted is
	 * undone: the request did not do what a success would claim.
	 */
	if (wk->wk_store != NULL &&
	    (leaked = store_reclaim(wk->wk_store, &lost)) > 0) {
		log_warnx("request %s: %d transaction(s) left open", reqid,
		    leaked);
		if (lost && e == SCIM_OK)
			e = SCIM_ESTORE;
	}
	if (e != SCIM_OK) {
		/* Every failure, with its request id (the client has it). */
		if (scim_err_status(e) >= 400)
			log_warnx("request %s: %s: %d %s", reqid,
			    log_escape(req.rq_path != NULL ? req.rq_path : "-",
			    path, sizeof(path)), scim_err_status(e),
			    log_escape(scim_detail(&resp, e), detail,
			    sizeof(detail)));
		/* Begun in parts already: it stays cut short. */
		if (!resp.rp_sent)
			scim_error_respond(&resp, e);
	}
	resp.rp_head = req.rq_method == HTTP_HEAD;
	util_strlcpy(resp.rp_reqid, reqid, sizeof(resp.rp_reqid));
#ifdef SCIMLET_FAULTS
	fault_report(wk, io, leaked);
#endif
	if (!resp.rp_sent && http_response_write(io, &resp) == -1)
		log_warnx("cannot write the response");
	/*
	 * Every request but the monitors' health probes leaves its record;
	 * one that changed something left it with the change.
	 */
	if (!health && !admin && wk->wk_cfgerr == NULL)
		activity_finish(&act, wk->wk_store, &req, &resp, e);
	http_request_free(&req);
	http_response_free(&resp);
	return e == SCIM_ENOMEM ? -1 : 0;
}

/* Read the environment and open the store; problems go to wk_cfgerr. */
static void
configure(struct worker *wk)
{
	const char	*db, *v;
	long long	 n;

	wk->wk_maxbody = SCIM_MAX_BODY_DEFAULT;
	wk->wk_maxreq = SCIM_MAX_REQUESTS_DEFAULT;
	if ((v = getenv("SCIMLET_MOUNT")) != NULL)
		wk->wk_admin = strcmp(v, "admin") == 0;
	if ((v = getenv("SCIMLET_MAX_BODY")) != NULL) {
		if (util_strtonum(v, 1, 1LL << 30, &n) == -1) {
			wk->wk_cfgerr = "SCIMLET_MAX_BODY must be a byte count "
			    "between 1 and 1073741824";
			return;
		}
		wk->wk_maxbody = (size_t)n;
	}
	if ((v = getenv("SCIMLET_MAX_REQUESTS")) != NULL) {
		if (util_strtonum(v, 0, LLONG_MAX, &n) == -1) {
			wk->wk_cfgerr = "SCIMLET_MAX_REQUESTS must be a "
			    "number (0: no limit)";
			return;
		}
		wk->wk_maxreq = n;
	}
	wk->wk_maxgrowth = (size_t)SCIM_MAX_HEAP_GROWTH_DEFAULT << 20;
	if ((v = getenv("SCIMLET_MAX_HEAP_GROWTH")) != NULL) {
		if (util_strtonum(v, 1, 65536, &n) == -1) {
			wk->wk_cfgerr = "SCIMLET_MAX_HEAP_GROWTH must be a "
			    "number of megabytes from 1 to 65536";
			return;
		}
		wk->wk_maxgrowth = (size_t)n << 20;
	}
#ifdef SCIMLET_FAULTS
	if ((v = getenv("SCIMLET_FAULT_LEAK_KB")) != NULL &&
	    util_strtonum(v, 1, 1 << 20, &n) == 0)
		wk->wk_leak = (size_t)n << 10;
#endif
	if ((db = getenv("SCIMLET_DB")) == NULL || *db == '\0') {
		wk->wk_cfgerr = "SCIMLET_DB is not set: the web server must "
		    "pass the database directory in SCIMLET_DB";
		return;
	}
	if (store_open(db, 0, &wk->wk_store, wk->wk_errbuf,
	    sizeof(wk->wk_errbuf)) != SCIM_OK) {
		log_warnx("SCIMLET_DB: %s", wk->wk_errbuf);
		wk->wk_cfgerr = "SCIMLET_DB: cannot open the database (see "
		    "the web server's error log)";
	}
}

/*
 * Whether the heap in use, between requests (when a request holds
 * nothing), grew by more than SCIMLET_MAX_HEAP_GROWTH since the worker
 * was warm: a leak, or fragmentation that keeps memory.  Restarting on a
 * request count instead would throw away a large database's mapped
 * pages for nothing (they fault in again, one by one, in later
 * requests); the heap of a healthy worker stays flat.  Without
 * mallinfo2() (not glibc), never.
 */
static int
heap_grew(struct worker *wk, long long served, size_t *inuse)
{
#if defined(__SANITIZE_ADDRESS__) || defined(HAVE_MALLINFO2)
#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer's allocator: glibc's counts stay 0. */
	if (served % 64 != 63)
		return 0;
	*inuse = __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2	mi;

	if (served % 64 != 63)
		return 0;
	mi = mallinfo2();
	*inuse = mi.uordblks + mi.hblkhd;
#endif
	if (wk->wk_heapbase == 0) {
		wk->wk_heapbase = *inuse;	/* warm after 64 requests */
		return 0;
	}
	return *inuse > wk->wk_heapbase + wk->wk_maxgrowth;
#else
	(void)wk;
	(void)served;
	*inuse = 0;
	return 0;
#endif
}

/*
 * A fresh worker: a new process image (all
 * memory, libfcgi and LMDB state start over), but the same pid and the
 * same listening socket on fd 0.  Exiting instead would leave the socket
 * with nobody accepting until the web server notices and spawns another:
 * lighttpd answers 500 and 503 in that gap (measured).  Requests arriving
 * during the exec wait in the socket's backlog.  If exec fails, exit.
 */
static void
recycle(struct worker *wk, char **argv, long long served, size_t inuse)
{
	sigset_t	set;

	/*
	 * A SIGTERM from here on stays pending across exec (the mask is
	 * inherited); the new image unblocks it once its handler is set.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (stopping)
		return;
	store_close(wk->wk_store);
	wk->wk_store = NULL;
	if (inuse > 0)
		log_warnx("recycling after %lld requests: heap in use grew "
		    "from %zu to %zu KB", served, wk->wk_heapbase >> 10,
		    inuse >> 10);
	else
		log_warnx("recycling after %lld requests", served);
	execv("/proc/self/exe", argv);
	log_warnx("cannot re-execute (%s): exiting", strerror(errno));
}

/*
 * ps and pgrep -x know a process by the name exec gives it, the last part
 * of the file it ran: after recycle() that is "exe", from /proc/self/exe.
 * Keep the name we were started as.
 */
static void
keep_name(int argc, char **argv)
{
	const char	*base;

	if (argc < 1 || argv[0] == NULL)
		return;
	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (*base != '\0')
		prctl(PR_SET_NAME, base, 0, 0, 0);
}

/* stdin, stdout and stderr must exist before anything is opened. */
static void
sane_fds(void)
{
	int	fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			_exit(1);
}

int
main(int argc, char **argv)
{
	struct worker		 wk;
	struct sigaction	 sa;
	struct http_io		 io;
	struct fcgi_req		 fr;
	sigset_t		 hold;
	long long		 served;
	size_t			 inuse = 0;
	int			 fresh = 0, grew = 0, rc;

	sane_fds();
	keep_name(argc, argv);
	log_init("scimlet.fcgi");
	memset(&wk, 0, sizeof(wk));
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: accept returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* Blocked if recycle() executed us; a pending SIGTERM lands now. */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
	hold = sa.sa_mask;

	if (sodium_init() < 0) {
		log_warnx("cannot initialise libsodium");
		return 1;
	}
	if (FCGX_Init() != 0) {
		log_warnx("cannot initialise libfcgi");
		return 1;
	}
	configure(&wk);
	if (wk.wk_cfgerr != NULL)
		log_warnx("%s", wk.wk_cfgerr);

	if (FCGX_IsCGI()) {
		io.io_param = cgi_param;
		io.io_read = cgi_read;
		io.io_write = cgi_write;
		io.io_ctx = NULL;
		sigprocmask(SIG_BLOCK, &hold, NULL);	/* one request, whole */
		serve(&wk, &io);
		fflush(stdout);
		store_close(wk.wk_store);
		return 0;
	}

	if (FCGX_InitRequest(&fr.fq_req, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_warnx("cannot initialise a FastCGI request");
		return 1;
	}
	io.io_param = fcgi_param;
	io.io_read = fcgi_read;
	io.io_write = fcgi_write;
	io.io_ctx = &fr;
	for (served = 0; (wk.wk_maxreq == 0 || served < wk.wk_maxreq) &&
	    !stopping; served++) {
		if (FCGX_Accept_r(&fr.fq_req) < 0)
			break;
		fr.fq_indexed = 0;
		sigprocmask(SIG_BLOCK, &hold, NULL);
		rc = serve(&wk, &io);
		FCGX_Finish_r(&fr.fq_req);
		/*
		 * Activity records of reads wait for their batch (store.h)
		 * while requests wait to be accepted; with none waiting, the
		 * worker has time: they go now.  Still with the stop signals
		 * held: one that came meanwhile lands at the unblock below,
		 * before the loop's test, not in the gap before accept (where
		 * it would be lost and the accept would wait for good).
		 */
		if (wk.wk_store != NULL && store_act_pending(wk.wk_store) > 0 &&
		    !request_waiting())
			store_act_flush(wk.wk_store);
		sigprocmask(SIG_UNBLOCK, &hold, NULL);
		if (rc == -1) {
			fresh = 1;	/* out of memory: start afresh */
			break;
		}
#ifdef SCIMLET_FAULTS
		/* Memory the heap check must see grow; chained from wk, so
		 * LeakSanitizer sees it held, not lost. */
		if (wk.wk_leak > 0) {
			void	**blk;

			if ((blk = malloc(wk.wk_leak)) == NULL)
				fresh = 1;
			else {
				*blk = wk.wk_held;
				wk.wk_held = blk;
			}
		}
#endif
		if (heap_grew(&wk, served, &inuse)) {
			grew = 1;
			served++;
			break;
		}
		if (wk.wk_store != NULL && served % 1000 == 999)
			store_reader_check(wk.wk_store);
	}
	if (((wk.wk_maxreq > 0 && served == wk.wk_maxreq) || fresh || grew) &&
	    !stopping)
		recycle(&wk, argv, served, grew ? inuse : 0);
	store_close(wk.wk_store);
	return 0;
}
