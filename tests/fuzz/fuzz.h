/*
 * fuzz.h: what the fuzz harnesses share.  Each harness defines the
 * libFuzzer entry point; `make check` links it with replay.c, which
 * feeds it every file of its corpus (tests/fuzz/corpus/<harness>/), and
 * scripts/fuzz links it with libFuzzer.  A harness frees everything it
 * made for an input; only the fixtures below outlive it.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A NUL-terminated copy of data (free it), or NULL when out of memory. */
char	*fx_string(const uint8_t *data, size_t size);

/*
 * The tenant User schema the harnesses run against: the static one plus
 * declared attributes (two in the core schema, the rest in two custom
 * extensions), and a stored User and Group as the store keeps them.
 * Built on first use and kept (read-only) for the whole run: parsing
 * them again for every input would cost more than most inputs.  What
 * normalisation records for declaration goes: fx_found_clear() after
 * each use of the schema.  abort() when they cannot be built.
 */
const struct schema	*fx_user_schema(void);
void			 fx_found_clear(void);
const cJSON		*fx_user(void);
/* The User as a filter without a store sees it: with its "groups". */
const cJSON		*fx_user_view(void);
const cJSON		*fx_group(void);

/*
 * Answer err as main.c would (scim_error_respond()) and check the Error
 * body: valid UTF-8, one JSON object, its detail a string; write it to
 * io when given.  abort() otherwise.  Frees what the response holds.
 */
struct scim_resp;
struct http_io;
void	 fx_error(struct scim_resp *, enum scim_err,
	    const struct http_io *);

/*
 * 0 when FUZZ_NO_FIXPOINT is set: the normal-form checks of fuzz_body and
 * fuzz_patch are off, so that a known violation (open/) does not stop a
 * run from finding crashes further on.
 */
int	 fx_fixpoint(void);

/* Print two trees that should be equal (b may be NULL), then abort(). */
void	 fx_differ(const char *, const cJSON *a, const char *,
	    const cJSON *b, const char *detail) __attribute__((noreturn));

#define FX_ACME	"urn:ietf:params:scim:schemas:extension:Acme:2.0:User"

#endif /* FUZZ_H */
