/* transfer.h: moving recordings and corpora over the network with libcurl.
 *
 * Fetch (`vpt fetch SRC DIR`): parallel downloads on one curl multi handle; every file goes to
 * DIR/NAME.part, resumes with a Range request when a .part exists (a server that answers 200
 * instead of 206 restarts it from zero), is checked against its size and SHA-256 when known,
 * fsync'ed and renamed over DIR/NAME (atomic): DIR/NAME is either absent, the old file, or the
 * verified new one. Failures (network errors, 5xx, 429, checksum mismatch) are retried with
 * exponential backoff; a checksum mismatch discards the .part first. http, https and file URLs.
 *
 * SRC is either a URL list (one "URL [SHA256]" per line, '#' comments) or a dataset manifest
 * (a path or URL ending in manifest.jsonl): then every episode file is fetched from the
 * manifest's folder (or base_url) with its size and hash, and the manifest is written last.
 *
 * Upload (`vpt upload DIR URL`): every episode of DIR's manifest is PUT file by file to
 * URL/FILE (optional bearer token). A file counts as delivered only after a 2xx PUT and a check
 * of what the server holds: its size (HEAD Content-Length) and, unless verify_hash is 0, the
 * SHA-256 of the bytes read back. An episode is recorded in DIR/uploaded.jsonl once all three
 * files are delivered; the manifest is uploaded after the episodes. Nothing local is deleted
 * unless delete_after is set, and then only the files of confirmed episodes (the local manifest
 * is rewritten without them, atomically, before the files go). */
#ifndef VIDEO_TRANSFER_H
#define VIDEO_TRANSFER_H

#include "core/status.h"

typedef struct VideoTransferOptions {
    int parallel;         /* concurrent downloads (default 4) */
    int retries;          /* retries after the first attempt (default 5; a zeroed struct,
                             retries 0 and backoff_s 0, also means 5) */
    double backoff_s;     /* first retry delay, doubled each time, capped at 30 s (default 0.5) */
    double timeout_s;     /* connect timeout, and abort when under 1 byte/s this long (30) */
    const char *token;    /* bearer token (NULL: none) */
    const char *ca_file;  /* PEM file of CA certificates for https (NULL: the system's) */
    const char *base_url; /* for a local manifest: where its files live */
    int delete_after;     /* upload: delete confirmed episodes' local files */
    int verify_hash;      /* upload: read back and hash (default 1; -1 means 0) */
} VideoTransferOptions;

typedef struct VideoFetchItem {
    const char *url;
    const char *name;   /* file name inside the destination folder */
    const char *sha256; /* expected hex digest, or NULL */
    long long bytes;    /* expected size, or -1 */
} VideoFetchItem;

typedef struct VideoTransferReport {
    int files, ok, failed, retries;
    long long bytes;
} VideoTransferReport;

/* Downloads items into dir (created if needed). STATUS_OK when every file arrived verified. */
Status video_fetch(const VideoFetchItem *items, int n, const char *dir,
                   const VideoTransferOptions *opt, VideoTransferReport *rep);
/* `vpt fetch`: a URL list or manifest (path or URL), see above. */
Status video_fetch_source(const char *src, const char *dir, const VideoTransferOptions *opt,
                          VideoTransferReport *rep);
/* `vpt upload`. rep counts episodes (files = episodes). */
Status video_upload(const char *dir, const char *url, const VideoTransferOptions *opt,
                    VideoTransferReport *rep);

/* Fills defaults into zero fields. */
void video_transfer_defaults(VideoTransferOptions *o);

#endif
