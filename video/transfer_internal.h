/* transfer_internal.h: curl helpers shared by fetch (transfer.c) and upload (upload.c). */
#ifndef VIDEO_TRANSFER_INTERNAL_H
#define VIDEO_TRANSFER_INTERNAL_H

#include <curl/curl.h>

#include "video/transfer.h"

/* Delay before retry number `attempt` (1-based): backoff_s * 2^(attempt-1), capped at 30 s. */
double video_backoff(const VideoTransferOptions *o, int attempt);
/* Timeouts, protocols (http, https, file), error buffer and the bearer token header (appended
 * to *headers, which the caller frees with curl_slist_free_all). */
void video_curl_common(CURL *e, const VideoTransferOptions *o, char *errbuf,
                       struct curl_slist **headers);
/* 5xx, 408 and 429 are worth retrying; other HTTP errors are not. */
int video_http_retryable(long code);

#endif
