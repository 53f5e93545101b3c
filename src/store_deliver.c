/*
 * store_deliver.c: the cursors of `scimlet deliver`, one per tenant and
 * receiver: meta "deliver:" tenant(4) SHA-256(url)(32) -> the last
 * sequence of the tenant's feed that receiver acknowledged (8 bytes,
 * big-endian).  The URL is hashed so that any length fits in a key.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "scim.h"
#include "store.h"
#include "store_int.h"

static void
deliver_key(struct skey *k, uint32_t tenant, const char *url)
{
	unsigned char	md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)url, strlen(url));
	skey_pack(k, "sts", "deliver:", (size_t)8, tenant, md, sizeof(md));
}

enum scim_err
store_deliver_get(struct store_txn *tx, uint32_t tenant, const char *url,
    uint64_t *seq)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	*seq = 0;
	deliver_key(&sk, tenant, url);
	k = skey_val(&sk);
	if ((rc = s_get(tx, tx->tx_store->st_meta, &k, &v)) == MDB_NOTFOUND)
		return SCIM_OK;
	if (rc != 0)
		return store_err(rc, "deliver cursor");
	if (v.mv_size == 8)
		*seq = skey_uint(v.mv_data, 8);
	return SCIM_OK;
}

enum scim_err
store_deliver_set(struct store_txn *tx, uint32_t tenant, const char *url,
    uint64_t seq)
{
	struct skey	sk = { 0 }, num = { 0 };
	MDB_val		k, v;

	deliver_key(&sk, tenant, url);
	skey_pack(&num, "q", seq);	/* 8 bytes, big-endian */
	k = skey_val(&sk);
	v = skey_val(&num);
	return store_err(s_put(tx, tx->tx_store->st_meta, &k, &v, 0),
	    "deliver cursor");
}

enum scim_err
store_deliver_clear(struct store_txn *tx, uint32_t tenant, uint64_t *n)
{
	struct skey	prefix = { 0 };

	skey_pack(&prefix, "st", "deliver:", (size_t)8, tenant);
	return store_drop_prefix(tx, tx->tx_store->st_meta, prefix.sk_buf,
	    prefix.sk_len, n, "deliver clear");
}
