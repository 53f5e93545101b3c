/*
 * nocurl.c: what the CLI links instead of libcurl when configured with
 * --disable-deliver (README, "Static build and package"): the libcurl
 * calls of src/cli/deliver.c, failing from the first one, so that
 * `scimlet deliver` says it is not built and every other command works
 * with no libcurl on the system.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include <curl/curl.h>

CURLcode
curl_global_init(long flags)
{
	(void)flags;
	fputs("scimlet: deliver: this build has no HTTP client "
	    "(configured with --disable-deliver)\n", stderr);
	return CURLE_FAILED_INIT;
}

void
curl_global_cleanup(void)
{
}

CURL *
curl_easy_init(void)
{
	return NULL;
}

void
curl_easy_cleanup(CURL *c)
{
	(void)c;
}

void
curl_easy_reset(CURL *c)
{
	(void)c;
}

/* Parenthesised: curl.h defines these two as macros too. */
CURLcode
(curl_easy_setopt)(CURL *c, CURLoption opt, ...)
{
	(void)c;
	(void)opt;
	return CURLE_FAILED_INIT;
}

CURLcode
(curl_easy_getinfo)(CURL *c, CURLINFO info, ...)
{
	(void)c;
	(void)info;
	return CURLE_FAILED_INIT;
}

CURLcode
curl_easy_perform(CURL *c)
{
	(void)c;
	return CURLE_FAILED_INIT;
}

const char *
curl_easy_strerror(CURLcode code)
{
	(void)code;
	return "no HTTP client in this build";
}

struct curl_slist *
curl_slist_append(struct curl_slist *list, const char *s)
{
	(void)list;
	(void)s;
	return NULL;
}

void
curl_slist_free_all(struct curl_slist *list)
{
	(void)list;
}
