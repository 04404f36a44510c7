/* transfer.c: `vpt fetch`: parallel, resumable, verified downloads on a curl multi handle (see
 * transfer.h for the guarantees).
 *
 * Each job cycles PENDING -> RUNNING -> (DONE | PENDING again after a backoff | FAILED). Bytes
 * only ever go to NAME.part; NAME appears through rename() after verification, so an
 * interrupted or failed fetch never leaves a wrong file under the final name. */
#include "video/transfer.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/sha256.h"
#include "video/dataset.h"
#include "video/transfer_internal.h"

enum { JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_FAILED };

typedef struct Job {
    const VideoFetchItem *it;
    char part[4400], dest[4400];
    FILE *f;
    CURL *easy;
    struct curl_slist *headers;
    int state, attempts, checked_code;
    double next_time;
    long long resume_from, written;
    char errbuf[CURL_ERROR_SIZE];
} Job;

void video_transfer_defaults(VideoTransferOptions *o) {
    if (o->parallel <= 0) o->parallel = 4;
    if (o->retries < 0) o->retries = 0;
    if (o->retries == 0 && o->backoff_s == 0) o->retries = 5;
    if (o->backoff_s <= 0) o->backoff_s = 0.5;
    if (o->timeout_s <= 0) o->timeout_s = 30;
    if (o->verify_hash == 0) o->verify_hash = 1;
}

double video_backoff(const VideoTransferOptions *o, int attempt) {
    double d = o->backoff_s;
    for (int i = 1; i < attempt && d < 30; i++) d *= 2;
    return d < 30 ? d : 30;
}

void video_curl_common(CURL *e, const VideoTransferOptions *o, char *errbuf,
                       struct curl_slist **headers) {
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->timeout_s * 1000));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)(o->timeout_s + 0.5));
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "vpt/0.1");
    if (o->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
    if (o->token) {
        char h[1024];
        snprintf(h, sizeof h, "Authorization: Bearer %s", o->token);
        *headers = curl_slist_append(*headers, h);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, *headers);
    }
}

int video_http_retryable(long code) { return code >= 500 || code == 408 || code == 429; }

static size_t on_data(char *data, size_t size, size_t n, void *user) {
    Job *j = user;
    if (!j->checked_code) {
        long code = 0;
        curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
        j->checked_code = 1;
        if (j->resume_from > 0 && code == 200) {
            /* The server ignored our Range: start the part over. */
            LOG_INFO("video", "%s: server ignored the resume request; restarting", j->it->url);
            if (fflush(j->f) != 0 || ftruncate(fileno(j->f), 0) != 0) return 0;
            fseek(j->f, 0, SEEK_SET);
            j->resume_from = 0;
        }
    }
    size_t len = size * n;
    if (fwrite(data, 1, len, j->f) != len) {
        LOG_ERROR("video", "%s: write failed: %s", j->part, strerror(errno));
        return 0;
    }
    j->written += (long long)len;
    return len;
}

static Status job_start(Job *j, CURLM *multi, const VideoTransferOptions *o) {
    j->f = fopen(j->part, "ab");
    if (!j->f) {
        LOG_ERROR("video", "%s: cannot open for writing: %s", j->part, strerror(errno));
        return STATUS_IO;
    }
    fseek(j->f, 0, SEEK_END);
    j->resume_from = ftell(j->f);
    j->written = 0;
    j->checked_code = 0;
    j->errbuf[0] = 0;
    j->easy = curl_easy_init();
    CURL *e = j->easy;
    video_curl_common(e, o, j->errbuf, &j->headers);
    curl_easy_setopt(e, CURLOPT_URL, j->it->url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
    if (j->resume_from > 0)
        curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)j->resume_from);
    curl_multi_add_handle(multi, e);
    j->state = JOB_RUNNING;
    j->attempts++;
    return STATUS_OK;
}

/* Size and hash of the finished part against what the item promises. */
static int part_verified(Job *j) {
    long long size = fs_file_size(j->part);
    if (j->it->bytes >= 0 && size != j->it->bytes) {
        LOG_WARN("video", "%s: %lld bytes, expected %lld", j->it->url, size, j->it->bytes);
        return 0;
    }
    if (j->it->sha256) {
        char hex[65];
        if (sha256_file(j->part, hex) != STATUS_OK) return 0;
        if (strcmp(hex, j->it->sha256) != 0) {
            LOG_WARN("video", "%s: SHA-256 mismatch (got %s, expected %s)", j->it->url, hex,
                     j->it->sha256);
            return -1;
        }
    }
    return 1;
}

static Status commit_part(Job *j) {
    int fd = open(j->part, O_RDONLY);
    int ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    if (!ok || rename(j->part, j->dest) != 0) {
        LOG_ERROR("video", "%s: cannot move into place: %s", j->dest, strerror(errno));
        return STATUS_IO;
    }
    char dir[4400];
    snprintf(dir, sizeof dir, "%s", j->dest);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return STATUS_OK;
}

/* What to do with a finished transfer: 1 done, 0 retry, -1 give up. */
static int job_finish(Job *j, CURLcode rc, const VideoTransferOptions *o) {
    long code = 0;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
    int flushed = fflush(j->f) == 0;
    fclose(j->f);
    j->f = NULL;
    if (rc == CURLE_OK && !flushed) rc = CURLE_WRITE_ERROR;
    int verdict;
    if (rc == CURLE_OK || (rc == CURLE_HTTP_RETURNED_ERROR && code == 416)) {
        int v = part_verified(j);
        if (v == 1) return commit_part(j) == STATUS_OK ? 1 : -1;
        unlink(j->part); /* wrong bytes: never resume from them */
        verdict = 0;
    } else if (rc == CURLE_RANGE_ERROR) {
        /* The server ignores Range: our part cannot be continued, start it over. */
        LOG_WARN("video", "%s: server cannot resume; restarting from zero", j->it->url);
        unlink(j->part);
        verdict = 0;
    } else if (rc == CURLE_HTTP_RETURNED_ERROR) {
        LOG_WARN("video", "%s: HTTP %ld", j->it->url, code);
        verdict = video_http_retryable(code) ? 0 : -1;
    } else if (rc == CURLE_FILE_COULDNT_READ_FILE || rc == CURLE_UNSUPPORTED_PROTOCOL ||
               rc == CURLE_URL_MALFORMAT || rc == CURLE_REMOTE_FILE_NOT_FOUND ||
               rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
        LOG_WARN("video", "%s: %s", j->it->url, j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
        verdict = -1;
    } else {
        LOG_WARN("video", "%s: %s (after %lld new bytes)", j->it->url,
                 j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc), j->written);
        verdict = 0;
    }
    if (verdict == 0 && j->attempts > o->retries) verdict = -1;
    return verdict;
}

static void job_release(Job *j, CURLM *multi) {
    curl_multi_remove_handle(multi, j->easy);
    curl_easy_cleanup(j->easy);
    curl_slist_free_all(j->headers);
    j->easy = NULL;
    j->headers = NULL;
}

static void run_loop(Job *jobs, int n, const VideoTransferOptions *o, VideoTransferReport *rep) {
    CURLM *multi = curl_multi_init();
    long long total = 0;
    for (int i = 0; i < n; i++) total += jobs[i].it->bytes > 0 ? jobs[i].it->bytes : 0;
    Progress *prog = progress_create("fetch", (double)total, "bytes");
    int running = 0, left = n;
    while (left > 0) {
        double now = clock_now();
        for (int i = 0; i < n && running < o->parallel; i++) {
            Job *j = &jobs[i];
            if (j->state != JOB_PENDING || j->next_time > now) continue;
            if (job_start(j, multi, o) == STATUS_OK) {
                running++;
            } else {
                j->state = JOB_FAILED;
                rep->failed++;
                left--;
            }
        }
        int still = 0;
        curl_multi_perform(multi, &still);
        CURLMsg *msg;
        int q;
        while ((msg = curl_multi_info_read(multi, &q)) != NULL) {
            if (msg->msg != CURLMSG_DONE) continue;
            Job *j = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            int v = job_finish(j, msg->data.result, o);
            rep->bytes += j->written;
            job_release(j, multi);
            running--;
            if (v == 1) {
                j->state = JOB_DONE;
                rep->ok++;
                left--;
            } else if (v < 0) {
                LOG_ERROR("video", "%s: giving up after %d attempt(s)", j->it->url, j->attempts);
                j->state = JOB_FAILED;
                rep->failed++;
                left--;
            } else {
                j->state = JOB_PENDING;
                j->next_time = clock_now() + video_backoff(o, j->attempts);
                rep->retries++;
            }
        }
        long long done = rep->bytes; /* finished attempts plus the running ones */
        for (int i = 0; i < n; i++)
            if (jobs[i].state == JOB_RUNNING) done += jobs[i].written;
        progress_update(prog, (double)done);
        if (left > 0) curl_multi_poll(multi, NULL, 0, 50, NULL);
    }
    progress_finish(prog);
    curl_multi_cleanup(multi);
}

Status video_fetch(const VideoFetchItem *items, int n, const char *dir,
                   const VideoTransferOptions *opt, VideoTransferReport *rep) {
    VideoTransferOptions o = *opt;
    video_transfer_defaults(&o);
    memset(rep, 0, sizeof *rep);
    rep->files = n;
    Status st = fs_mkdir_p(dir);
    if (st != STATUS_OK) return st;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Job *jobs = MEM_NEW_ARRAY(Job, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        ASSERT(items[i].url && items[i].name);
        jobs[i].it = &items[i];
        snprintf(jobs[i].dest, sizeof jobs[i].dest, "%s/%s", dir, items[i].name);
        snprintf(jobs[i].part, sizeof jobs[i].part, "%s/%s.part", dir, items[i].name);
    }
    run_loop(jobs, n, &o, rep);
    mem_free(jobs);
    return rep->ok == n ? STATUS_OK : STATUS_NETWORK;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static Status fetch_manifest(const char *src, const char *dir, const VideoTransferOptions *o,
                             VideoTransferReport *rep) {
    char base[4096], mpath[4400];
    int remote = strstr(src, "://") != NULL;
    if (remote) {
        snprintf(base, sizeof base, "%s", src);
        *strrchr(base, '/') = 0;
        VideoFetchItem m = {src, ".manifest.jsonl.fetch", NULL, -1};
        Status st = video_fetch(&m, 1, dir, o, rep);
        if (st != STATUS_OK) return st;
        snprintf(mpath, sizeof mpath, "%s/.manifest.jsonl.fetch", dir);
    } else {
        if (!o->base_url) {
            LOG_ERROR("video", "%s: a local manifest needs --base-url (where its files live)", src);
            return STATUS_INVALID_ARGUMENT;
        }
        snprintf(base, sizeof base, "%s", o->base_url);
        size_t n = strlen(base);
        if (n > 0 && base[n - 1] == '/') base[n - 1] = 0;
        snprintf(mpath, sizeof mpath, "%s", src);
    }
    VideoManifest m;
    Status st = video_manifest_load_file(mpath, &m);
    if (st != STATUS_OK) return st;
    int n = 0;
    for (int e = 0; e < m.n; e++) n += m.episodes[e].n_files;
    VideoFetchItem *items = MEM_NEW_ARRAY(VideoFetchItem, n > 0 ? n : 1);
    char(*urls)[4400] = mem_calloc((size_t)(n > 0 ? n : 1), sizeof *urls);
    for (int e = 0, i = 0; e < m.n; e++)
        for (int k = 0; k < m.episodes[e].n_files; k++, i++) {
            VideoEpisodeFile *f = &m.episodes[e].files[k];
            snprintf(urls[i], sizeof urls[i], "%s/%s", base, f->name);
            items[i] = (VideoFetchItem){urls[i], f->name, f->sha256, f->bytes};
        }
    st = video_fetch(items, n, dir, o, rep);
    if (st == STATUS_OK) {
        /* The manifest goes last: its presence says every listed file is here and verified. */
        char *data = NULL;
        size_t len = 0;
        char dest[4400];
        snprintf(dest, sizeof dest, "%s/%s", dir, VIDEO_MANIFEST);
        st = fs_read_file(mpath, &data, &len);
        if (st == STATUS_OK) st = fs_write_atomic(dest, data, len);
        mem_free(data);
    }
    if (remote) unlink(mpath);
    mem_free(urls);
    mem_free(items);
    video_manifest_free(&m);
    return st;
}

/* One "URL [SHA256]" per line. */
static Status parse_url_list(const char *src, char *data, VideoFetchItem **items, int *n) {
    int cap = 0, line_no = 0;
    *n = 0;
    *items = NULL;
    for (char *save = NULL, *line = strtok_r(data, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        line_no++; /* blank lines are skipped by strtok: numbers count non-empty lines */
        char *save2 = NULL;
        char *url = strtok_r(line, " \t\r", &save2);
        char *hash = url ? strtok_r(NULL, " \t\r", &save2) : NULL;
        if (!url || url[0] == '#') continue;
        if (!strstr(url, "://")) {
            LOG_ERROR("video", "%s: entry %d: '%s' is not a URL", src, line_no, url);
            return STATUS_PARSE;
        }
        if (hash && (strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)) {
            LOG_ERROR("video", "%s: entry %d: SHA-256 must be 64 lowercase hex digits", src,
                      line_no);
            return STATUS_PARSE;
        }
        char *full = mem_strdup(url); /* the request keeps any query string */
        char *name = strrchr(url, '/') + 1;
        char *q = strchr(name, '?');
        if (q) *q = 0;
        if (!*name || strcmp(name, "..") == 0 || strcmp(name, ".") == 0) {
            LOG_ERROR("video", "%s: entry %d: the URL names no file", src, line_no);
            mem_free(full);
            return STATUS_PARSE;
        }
        for (int i = 0; i < *n; i++)
            if (strcmp((*items)[i].name, name) == 0) {
                LOG_ERROR("video", "%s: entry %d: file name '%s' appears twice", src, line_no,
                          name);
                mem_free(full);
                return STATUS_PARSE;
            }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *items = mem_realloc(*items, (size_t)cap * sizeof **items);
        }
        (*items)[(*n)++] = (VideoFetchItem){full, name, hash, -1};
    }
    return STATUS_OK;
}

Status video_fetch_source(const char *src, const char *dir, const VideoTransferOptions *opt,
                          VideoTransferReport *rep) {
    memset(rep, 0, sizeof *rep);
    if (ends_with(src, VIDEO_MANIFEST)) return fetch_manifest(src, dir, opt, rep);
    char *data = NULL;
    size_t len = 0;
    Status st = fs_read_file(src, &data, &len);
    if (st != STATUS_OK) return st;
    VideoFetchItem *items = NULL;
    int n = 0;
    st = parse_url_list(src, data, &items, &n);
    if (st == STATUS_OK && n == 0) {
        LOG_ERROR("video", "%s: no URL in the list", src);
        st = STATUS_PARSE;
    }
    if (st == STATUS_OK) st = video_fetch(items, n, dir, opt, rep);
    for (int i = 0; i < n; i++) mem_free((char *)items[i].url);
    mem_free(items);
    mem_free(data);
    return st;
}
