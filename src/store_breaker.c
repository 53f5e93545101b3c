/*
 * store_breaker.c: the state of a tenant's mass-deprovisioning breaker
 * (breaker.h): meta "brk:" tenant(4) -> the bytes breaker.c packs.  The
 * store keeps them opaque; breaker.c alone reads and writes them.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "scim.h"
#include "store.h"
#include "store_int.h"

static MDB_val
breaker_key(struct skey *k, uint32_t tenant)
{
	skey_pack(k, "st", "brk:", (size_t)4, tenant);
	return skey_val(k);
}

enum scim_err
store_breaker_get(struct store_txn *tx, uint32_t tenant, void *buf,
    size_t cap, size_t *len)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	*len = 0;
	k = breaker_key(&sk, tenant);
	if ((rc = s_get(tx, tx->tx_store->st_meta, &k, &v)) == MDB_NOTFOUND)
		return SCIM_OK;
	if (rc != 0)
		return store_err(rc, "breaker get");
	if (v.mv_size > cap)
		return SCIM_ESTORE;
	memcpy(buf, v.mv_data, v.mv_size);
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_breaker_put(struct store_txn *tx, uint32_t tenant, const void *buf,
    size_t len)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;

	k = breaker_key(&sk, tenant);
	v.mv_data = (void *)buf;
	v.mv_size = len;
	return store_err(s_put(tx, tx->tx_store->st_meta, &k, &v, 0),
	    "breaker put");
}

enum scim_err
store_breaker_clear(struct store_txn *tx, uint32_t tenant, uint64_t *n)
{
	struct skey	sk = { 0 };
	MDB_val		k;
	int		rc;

	k = breaker_key(&sk, tenant);
	if ((rc = s_del(tx, tx->tx_store->st_meta, &k, NULL)) == MDB_NOTFOUND)
		return SCIM_OK;
	if (rc != 0)
		return store_err(rc, "breaker clear");
	(*n)++;
	return SCIM_OK;
}
