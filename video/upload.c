/* upload.c: `vpt upload DIR URL`: PUT every episode file, confirm what the server holds, record
 * confirmed episodes, and only then (and only with delete_after) remove local copies. See
 * transfer.h for the contract.
 *
 * Invariant: a local file is deleted only if its episode is confirmed (all three files: 2xx PUT,
 * server size = local size, and the SHA-256 of the bytes read back = the manifest's), and the
 * local manifest no longer lists it (rewritten atomically before any unlink). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/sha256.h"
#include "video/dataset.h"
#include "video/transfer_internal.h"

#define UPLOADED "uploaded.jsonl"

typedef struct Req {
    CURL *e;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
    Sha256 sha;
    long code;
} Req;

static size_t on_discard(char *data, size_t size, size_t n, void *user) {
    (void)data;
    (void)user;
    return size * n;
}

static void req_init(Req *r, const VideoTransferOptions *o, const char *url) {
    memset(r, 0, sizeof *r);
    r->e = curl_easy_init();
    curl_easy_setopt(r->e, CURLOPT_WRITEFUNCTION, on_discard); /* response bodies */
    video_curl_common(r->e, o, r->errbuf, &r->headers);
    curl_easy_setopt(r->e, CURLOPT_URL, url);
}

/* Performs the request; returns CURLE_OK and sets r->code, or the curl error (logged). */
static CURLcode req_run(Req *r, const char *what, const char *url) {
    CURLcode rc = curl_easy_perform(r->e);
    curl_easy_getinfo(r->e, CURLINFO_RESPONSE_CODE, &r->code);
    if (rc != CURLE_OK)
        LOG_WARN("video", "%s %s: %s", what, url,
                 r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
    else if (r->code < 200 || r->code >= 300)
        LOG_WARN("video", "%s %s: HTTP %ld", what, url, r->code);
    return rc;
}

static void req_free(Req *r) {
    curl_easy_cleanup(r->e);
    curl_slist_free_all(r->headers);
}

static size_t on_hash(char *data, size_t size, size_t n, void *user) {
    sha256_update(&((Req *)user)->sha, data, size * n);
    return size * n;
}

/* 1 delivered, 0 retry, -1 give up. */
static int put_once(const char *path, const char *url, const char *sha, long long bytes,
                    const VideoTransferOptions *o) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("video", "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    Req r;
    req_init(&r, o, url);
    curl_easy_setopt(r.e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(r.e, CURLOPT_READDATA, f);
    curl_easy_setopt(r.e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)bytes);
    CURLcode rc = req_run(&r, "PUT", url);
    fclose(f);
    long code = r.code;
    req_free(&r);
    if (rc != CURLE_OK) return 0;
    if (code < 200 || code >= 300) return video_http_retryable(code) ? 0 : -1;
    /* Confirm: the size the server reports, then the bytes themselves. */
    req_init(&r, o, url);
    curl_easy_setopt(r.e, CURLOPT_NOBODY, 1L);
    rc = req_run(&r, "HEAD", url);
    curl_off_t len = -1;
    curl_easy_getinfo(r.e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
    code = r.code;
    req_free(&r);
    if (rc != CURLE_OK || code < 200 || code >= 300 || len != bytes) {
        if (rc == CURLE_OK && code >= 200 && code < 300)
            LOG_WARN("video", "%s: server holds %lld bytes, expected %lld", url, (long long)len,
                     bytes);
        return 0;
    }
    if (o->verify_hash < 0) return 1;
    req_init(&r, o, url);
    sha256_init(&r.sha);
    curl_easy_setopt(r.e, CURLOPT_WRITEFUNCTION, on_hash);
    curl_easy_setopt(r.e, CURLOPT_WRITEDATA, &r);
    rc = req_run(&r, "GET", url);
    uint8_t dig[32];
    char hex[65];
    sha256_final(&r.sha, dig);
    sha256_hex(dig, hex);
    code = r.code;
    req_free(&r);
    if (rc != CURLE_OK || code < 200 || code >= 300) return 0;
    if (strcmp(hex, sha) != 0) {
        LOG_WARN("video", "%s: server copy has SHA-256 %s, expected %s", url, hex, sha);
        return 0;
    }
    return 1;
}

static int put_file(const char *dir, const char *base, const VideoEpisodeFile *f,
                    const VideoTransferOptions *o, int *retries) {
    char path[4400], url[4400];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    snprintf(url, sizeof url, "%s/%s", base, f->name);
    for (int attempt = 1;; attempt++) {
        int v = put_once(path, url, f->sha256, f->bytes, o);
        if (v == 1) return 1;
        if (v < 0 || attempt > o->retries) {
            LOG_ERROR("video", "%s: upload not confirmed after %d attempt(s)", url, attempt);
            return 0;
        }
        (*retries)++;
        clock_sleep(video_backoff(o, attempt));
    }
}

/* Names of episodes already confirmed (from DIR/uploaded.jsonl), as a json array of objects. */
static json_t *load_uploaded(const char *dir) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, UPLOADED);
    json_t *arr = json_array();
    FILE *f = fopen(path, "r");
    if (!f) return arr;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        if (json_is_object(o)) json_array_append(arr, o);
        json_decref(o);
    }
    fclose(f);
    return arr;
}

static Status save_uploaded(const char *dir, json_t *arr) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, UPLOADED);
    AtomicFile *af = fs_atomic_open(path);
    if (!af) return STATUS_IO;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        json_dumpf(o, fs_atomic_file(af), JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', fs_atomic_file(af));
    }
    return fs_atomic_commit(af);
}

/* 1 if `ep` with these exact hashes was confirmed for `url` before. */
static int already_uploaded(json_t *arr, const VideoEpisode *ep, const char *url) {
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *name = json_string_value(json_object_get(o, "episode"));
        const char *u = json_string_value(json_object_get(o, "url"));
        json_t *files = json_object_get(o, "files");
        if (!name || !u || strcmp(name, ep->name) || strcmp(u, url) ||
            json_array_size(files) != (size_t)ep->n_files)
            continue;
        int same = 1;
        for (int k = 0; k < ep->n_files; k++) {
            const char *h =
                json_string_value(json_object_get(json_array_get(files, (size_t)k), "sha256"));
            same &= h && strcmp(h, ep->files[k].sha256) == 0;
        }
        if (same) return 1;
    }
    return 0;
}

/* The record keeps the whole manifest entry, so the server's manifest can list episodes whose
 * local copies were deleted since. */
static void mark_uploaded(json_t *arr, const VideoEpisode *ep, const char *url) {
    json_t *o = json_object();
    json_object_set_new(o, "episode", json_string(ep->name));
    json_object_set_new(o, "url", json_string(url));
    json_object_set_new(o, "provenance", json_string(ep->provenance));
    json_object_set_new(o, "frames", json_integer(ep->frames));
    json_t *files = json_array();
    for (int k = 0; k < ep->n_files; k++) {
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(ep->files[k].name));
        json_object_set_new(f, "bytes", json_integer(ep->files[k].bytes));
        json_object_set_new(f, "sha256", json_string(ep->files[k].sha256));
        json_array_append_new(files, f);
    }
    json_object_set_new(o, "files", files);
    json_array_append_new(arr, o);
}

/* Every episode ever confirmed for `url`, as a manifest. */
static void uploaded_manifest(json_t *arr, const char *url, VideoManifest *m) {
    m->episodes = MEM_NEW_ARRAY(VideoEpisode, json_array_size(arr) + 1);
    m->n = 0;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *u = json_string_value(json_object_get(o, "url"));
        json_t *files = json_object_get(o, "files");
        size_t nf = json_array_size(files);
        if (!u || strcmp(u, url) || nf < 2 || nf > 3) continue;
        VideoEpisode *ep = &m->episodes[m->n];
        const char *name = json_string_value(json_object_get(o, "episode"));
        const char *prov = json_string_value(json_object_get(o, "provenance"));
        snprintf(ep->name, sizeof ep->name, "%s", name ? name : "");
        snprintf(ep->provenance, sizeof ep->provenance, "%s", prov ? prov : "contractor");
        ep->frames = json_integer_value(json_object_get(o, "frames"));
        ep->n_files = (int)nf;
        for (int k = 0; k < ep->n_files; k++) {
            json_t *f = json_array_get(files, (size_t)k);
            const char *fn = json_string_value(json_object_get(f, "name"));
            const char *h = json_string_value(json_object_get(f, "sha256"));
            snprintf(ep->files[k].name, sizeof ep->files[k].name, "%s", fn ? fn : "");
            snprintf(ep->files[k].sha256, sizeof ep->files[k].sha256, "%s", h ? h : "");
            ep->files[k].bytes = json_integer_value(json_object_get(f, "bytes"));
        }
        if (video_manifest_find(m, ep->name) < 0) m->n++;
    }
}

/* PUTs the manifest of everything confirmed for base (built in DIR/.upload/). */
static Status put_manifest(const char *dir, const char *base, json_t *done,
                           const VideoTransferOptions *o, int *retries) {
    char tdir[4400];
    snprintf(tdir, sizeof tdir, "%s/.upload", dir);
    Status st = fs_mkdir_p(tdir);
    VideoManifest m;
    uploaded_manifest(done, base, &m);
    if (st == STATUS_OK) st = video_manifest_save(tdir, &m);
    video_manifest_free(&m);
    VideoEpisodeFile mf;
    memset(&mf, 0, sizeof mf);
    snprintf(mf.name, sizeof mf.name, "%s", VIDEO_MANIFEST);
    char path[4500];
    snprintf(path, sizeof path, "%s/%s", tdir, VIDEO_MANIFEST);
    mf.bytes = fs_file_size(path);
    if (st == STATUS_OK) st = sha256_file(path, mf.sha256);
    if (st == STATUS_OK && !put_file(tdir, base, &mf, o, retries)) st = STATUS_NETWORK;
    unlink(path);
    rmdir(tdir);
    return st;
}

/* Drops confirmed episodes from the local manifest (atomic), then deletes their files. */
static Status delete_confirmed(const char *dir, VideoManifest *m, const uint8_t *confirmed) {
    VideoManifest keep = {MEM_NEW_ARRAY(VideoEpisode, m->n ? m->n : 1), 0};
    for (int i = 0; i < m->n; i++)
        if (!confirmed[i]) keep.episodes[keep.n++] = m->episodes[i];
    Status st = video_manifest_save(dir, &keep);
    mem_free(keep.episodes);
    if (st != STATUS_OK) return st;
    for (int i = 0; i < m->n; i++) {
        if (!confirmed[i]) continue;
        for (int k = 0; k < m->episodes[i].n_files; k++) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, m->episodes[i].files[k].name);
            if (unlink(path) != 0 && errno != ENOENT)
                LOG_WARN("video", "%s: cannot delete: %s", path, strerror(errno));
        }
    }
    return STATUS_OK;
}

Status video_upload(const char *dir, const char *url, const VideoTransferOptions *opt,
                    VideoTransferReport *rep) {
    VideoTransferOptions o = *opt;
    video_transfer_defaults(&o);
    memset(rep, 0, sizeof *rep);
    char base[4096];
    snprintf(base, sizeof base, "%s", url);
    size_t bl = strlen(base);
    if (bl > 0 && base[bl - 1] == '/') base[bl - 1] = 0;
    VideoManifest m;
    Status st = video_manifest_load(dir, &m);
    if (st != STATUS_OK) return st;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    json_t *done = load_uploaded(dir);
    uint8_t *confirmed = MEM_NEW_ARRAY(uint8_t, m.n ? m.n : 1);
    rep->files = m.n;
    for (int i = 0; i < m.n && st == STATUS_OK; i++) {
        const VideoEpisode *ep = &m.episodes[i];
        int ok = already_uploaded(done, ep, base);
        for (int k = 0; k < ep->n_files && !ok; k++) {
            if (!put_file(dir, base, &ep->files[k], &o, &rep->retries)) break;
            rep->bytes += ep->files[k].bytes;
            if (k == ep->n_files - 1) ok = 1;
        }
        if (ok) {
            confirmed[i] = 1;
            rep->ok++;
            if (!already_uploaded(done, ep, base)) {
                mark_uploaded(done, ep, base);
                st = save_uploaded(dir, done);
            }
        } else {
            rep->failed++;
        }
    }
    if (st == STATUS_OK && rep->failed == 0) /* the manifest last: delivered episodes only */
        st = put_manifest(dir, base, done, &o, &rep->retries);
    if (st == STATUS_OK && o.delete_after && rep->ok > 0) st = delete_confirmed(dir, &m, confirmed);
    if (st == STATUS_OK && rep->failed > 0) st = STATUS_NETWORK;
    mem_free(confirmed);
    json_decref(done);
    video_manifest_free(&m);
    return st;
}
