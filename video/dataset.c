/* dataset.c: episode scanning, the manifest (load/save), `vpt dataset index` and `check`.
 *
 * Invariant: the manifest on disk is always whole (atomic rewrite) and lists only episodes whose
 * three files were verified when they were added. */
#include "video/dataset.h"

#include <dirent.h>
#include <jansson.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/sha256.h"
#include "video/actionlog.h"
#include "video/codec.h"

static const char *const SUFFIX[3] = {".mp4", ".jsonl", "-options.json"};

int video_provenance_valid(const char *p) {
    return strcmp(p, "contractor") == 0 || strcmp(p, "web") == 0 || strcmp(p, "idm-labeled") == 0 ||
           strcmp(p, "human") == 0;
}

void video_manifest_free(VideoManifest *m) {
    if (!m) return;
    mem_free(m->episodes);
    m->episodes = NULL;
    m->n = 0;
}

int video_manifest_find(const VideoManifest *m, const char *name) {
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->episodes[i].name, name) == 0) return i;
    return -1;
}

static Status parse_entry(json_t *o, const char *where, VideoEpisode *ep) {
    const char *name = NULL, *prov = NULL;
    long long frames = 0;
    Status st = jsonio_get_string(o, where, "episode", 1, &name);
    if (st == STATUS_OK) st = jsonio_get_string(o, where, "provenance", 1, &prov);
    if (st == STATUS_OK) st = jsonio_get_int(o, where, "frames", 1, 0, (long long)1 << 40, &frames);
    if (st != STATUS_OK) return STATUS_PARSE;
    if (strlen(name) >= sizeof ep->name || strchr(name, '/') || name[0] == '.' || !name[0]) {
        LOG_ERROR("video", "%s: field 'episode': bad episode name '%s'", where, name);
        return STATUS_PARSE;
    }
    if (!video_provenance_valid(prov)) {
        LOG_ERROR("video", "%s: field 'provenance': '%s' is not contractor|web|idm-labeled|human",
                  where, prov);
        return STATUS_PARSE;
    }
    snprintf(ep->name, sizeof ep->name, "%s", name);
    snprintf(ep->provenance, sizeof ep->provenance, "%s", prov);
    ep->frames = frames;
    json_t *files = json_object_get(o, "files");
    if (!json_is_object(files)) {
        LOG_ERROR("video", "%s: field 'files': expected an object", where);
        return STATUS_PARSE;
    }
    char jsonl_name[300];
    snprintf(jsonl_name, sizeof jsonl_name, "%s%s", name, SUFFIX[1]);
    int video_only = strcmp(prov, "web") == 0 && !json_object_get(files, jsonl_name);
    ep->n_files = video_only ? 2 : 3;
    for (int k = 0; k < ep->n_files; k++) {
        VideoEpisodeFile *f = &ep->files[k];
        snprintf(f->name, sizeof f->name, "%s%s", name, SUFFIX[video_only && k == 1 ? 2 : k]);
        json_t *fo = json_object_get(files, f->name);
        const char *hex = NULL;
        long long bytes = 0;
        char fwhere[4800];
        snprintf(fwhere, sizeof fwhere, "%s: files.%s", where, f->name);
        if (!json_is_object(fo)) {
            LOG_ERROR("video", "%s: missing", fwhere);
            return STATUS_PARSE;
        }
        st = jsonio_get_int(fo, fwhere, "bytes", 1, 0, (long long)1 << 50, &bytes);
        if (st == STATUS_OK) st = jsonio_get_string(fo, fwhere, "sha256", 1, &hex);
        if (st != STATUS_OK) return STATUS_PARSE;
        if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64) {
            LOG_ERROR("video", "%s: field 'sha256': expected 64 lowercase hex digits", fwhere);
            return STATUS_PARSE;
        }
        f->bytes = bytes;
        memcpy(f->sha256, hex, 65);
    }
    return STATUS_OK;
}

Status video_manifest_load(const char *dir, VideoManifest *out) {
    memset(out, 0, sizeof *out);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, VIDEO_MANIFEST);
    if (!fs_exists(path)) {
        LOG_ERROR("video", "%s: no manifest (run `vpt dataset index %s` first)", path, dir);
        return STATUS_NOT_FOUND;
    }
    return video_manifest_load_file(path, out);
}

Status video_manifest_load_file(const char *path, VideoManifest *out) {
    memset(out, 0, sizeof *out);
    char *data = NULL;
    size_t len = 0;
    Status st = fs_read_file(path, &data, &len);
    if (st != STATUS_OK) return st;
    int cap = 0, line_no = 0;
    char *p = data;
    while (st == STATUS_OK && *p) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        line_no++;
        if (n > 0) {
            char where[4200];
            snprintf(where, sizeof where, "%s:%d", path, line_no);
            json_t *o = NULL;
            st = jsonio_load_buffer(p, n, path, line_no - 1, &o);
            if (st == STATUS_OK && !json_is_object(o)) {
                LOG_ERROR("video", "%s: expected a JSON object", where);
                st = STATUS_PARSE;
            }
            if (st == STATUS_OK) {
                if (out->n == cap) {
                    cap = cap ? cap * 2 : 16;
                    out->episodes = mem_realloc(out->episodes, (size_t)cap * sizeof(VideoEpisode));
                }
                VideoEpisode *ep = &out->episodes[out->n];
                memset(ep, 0, sizeof *ep);
                st = parse_entry(o, where, ep);
                if (st == STATUS_OK && video_manifest_find(out, ep->name) >= 0) {
                    LOG_ERROR("video", "%s: field 'episode': '%s' listed twice", where, ep->name);
                    st = STATUS_PARSE;
                }
                if (st == STATUS_OK) out->n++;
            }
            json_decref(o);
        }
        p += n + (nl ? 1 : 0);
    }
    mem_free(data);
    if (st != STATUS_OK) video_manifest_free(out);
    return st;
}

Status video_manifest_save(const char *dir, const VideoManifest *m) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, VIDEO_MANIFEST);
    AtomicFile *af = fs_atomic_open(path);
    if (!af) return STATUS_IO;
    FILE *f = fs_atomic_file(af);
    for (int i = 0; i < m->n; i++) {
        const VideoEpisode *ep = &m->episodes[i];
        json_t *o = json_object();
        json_object_set_new(o, "episode", json_string(ep->name));
        json_object_set_new(o, "provenance", json_string(ep->provenance));
        json_object_set_new(o, "frames", json_integer(ep->frames));
        json_object_set_new(o, "duration_s", json_real((double)ep->frames / VIDEO_FPS));
        json_object_set_new(o, "fps", json_integer(VIDEO_FPS));
        json_t *files = json_object();
        for (int k = 0; k < ep->n_files; k++) {
            json_t *fo = json_object();
            json_object_set_new(fo, "bytes", json_integer(ep->files[k].bytes));
            json_object_set_new(fo, "sha256", json_string(ep->files[k].sha256));
            json_object_set_new(files, ep->files[k].name, fo);
        }
        json_object_set_new(o, "files", files);
        json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', f);
        json_decref(o);
    }
    return fs_atomic_commit(af);
}

Status video_episode_scan(const char *dir, const char *name, const char *provenance,
                          VideoEpisode *ep) {
    memset(ep, 0, sizeof *ep);
    snprintf(ep->name, sizeof ep->name, "%s", name);
    snprintf(ep->provenance, sizeof ep->provenance, "%s", provenance);
    char path[3][4096];
    snprintf(path[1], sizeof path[1], "%s/%s%s", dir, name, SUFFIX[1]);
    /* The unlabeled corpus keeps its actions elsewhere: video and options only. */
    int video_only = strcmp(provenance, "web") == 0 && !fs_exists(path[1]);
    ep->n_files = video_only ? 2 : 3;
    for (int k = 0; k < ep->n_files; k++) {
        int kind = video_only && k == 1 ? 2 : k;
        snprintf(ep->files[k].name, sizeof ep->files[k].name, "%s%s", name, SUFFIX[kind]);
        snprintf(path[k], sizeof path[k], "%s/%s", dir, ep->files[k].name);
        if (!fs_exists(path[k])) {
            LOG_ERROR("video", "%s: missing (episode '%s' needs .mp4, .jsonl and -options.json)",
                      path[k], name);
            return STATUS_NOT_FOUND;
        }
        ep->files[k].bytes = fs_file_size(path[k]);
        Status st = sha256_file(path[k], ep->files[k].sha256);
        if (st != STATUS_OK) return st;
    }
    const char *opt_path = path[ep->n_files - 1];
    json_t *opt = NULL;
    Status st = jsonio_load_file(opt_path, &opt);
    if (st != STATUS_OK) return st;
    int is_obj = json_is_object(opt);
    json_decref(opt);
    if (!is_obj) {
        LOG_ERROR("video", "%s: expected a JSON object", opt_path);
        return STATUS_PARSE;
    }
    int64_t vframes = 0, lines = 0;
    st = video_count_frames(path[0], &vframes);
    if (st == STATUS_OK && !video_only) st = video_actionlog_count(path[1], &lines);
    if (st != STATUS_OK) return st;
    if (!video_only && vframes != lines) {
        LOG_ERROR("video", "%s: %lld video frames but %s has %lld action lines", path[0],
                  (long long)vframes, ep->files[1].name, (long long)lines);
        return STATUS_PARSE;
    }
    ep->frames = vframes;
    return STATUS_OK;
}

/* Calls fn(name) for every NAME.mp4 in dir, sorted by name. */
static int list_episodes(const char *dir, char ***names) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0, cap = 0;
    *names = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".mp4") != 0 || e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *names = mem_realloc(*names, (size_t)cap * sizeof(char *));
        }
        (*names)[n] = mem_strdup(e->d_name);
        (*names)[n][len - 4] = 0;
        n++;
    }
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: folders hold few thousand episodes at most */
        for (int j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0; j--) {
            char *t = (*names)[j];
            (*names)[j] = (*names)[j - 1];
            (*names)[j - 1] = t;
        }
    return n;
}

static void free_names(char **names, int n) {
    for (int i = 0; i < n; i++) mem_free(names[i]);
    mem_free(names);
}

Status video_dataset_index(const char *dir, const char *provenance, int *added) {
    *added = 0;
    if (!video_provenance_valid(provenance)) {
        LOG_ERROR("video", "provenance '%s': expected contractor|web|idm-labeled|human",
                  provenance);
        return STATUS_INVALID_ARGUMENT;
    }
    VideoManifest m = {0};
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/%s", dir, VIDEO_MANIFEST);
    if (fs_exists(mpath)) {
        Status st = video_manifest_load(dir, &m);
        if (st != STATUS_OK) return st;
    }
    char **names = NULL;
    int n = list_episodes(dir, &names);
    if (n < 0) {
        LOG_ERROR("video", "%s: cannot list the folder", dir);
        video_manifest_free(&m);
        return STATUS_NOT_FOUND;
    }
    int cap = m.n + n;
    m.episodes = mem_realloc(m.episodes, (size_t)(cap > 0 ? cap : 1) * sizeof(VideoEpisode));
    int broken = 0;
    for (int i = 0; i < n; i++) {
        if (video_manifest_find(&m, names[i]) >= 0) continue;
        if (video_episode_scan(dir, names[i], provenance, &m.episodes[m.n]) == STATUS_OK) {
            m.n++;
            (*added)++;
        } else {
            broken++;
        }
    }
    free_names(names, n);
    Status st = video_manifest_save(dir, &m);
    video_manifest_free(&m);
    if (st == STATUS_OK && broken) {
        LOG_ERROR("video", "%s: %d episode(s) left out of the manifest (see above)", dir, broken);
        return STATUS_PARSE;
    }
    return st;
}

static int check_episode(const char *dir, const VideoEpisode *ep) {
    VideoEpisode now;
    if (video_episode_scan(dir, ep->name, ep->provenance, &now) != STATUS_OK) return 1;
    int bad = 0;
    if (now.n_files != ep->n_files) {
        LOG_ERROR("video", "%s: episode '%s' has %d files, the manifest lists %d", dir, ep->name,
                  now.n_files, ep->n_files);
        return 1;
    }
    for (int k = 0; k < ep->n_files; k++) {
        if (now.files[k].bytes != ep->files[k].bytes ||
            strcmp(now.files[k].sha256, ep->files[k].sha256) != 0) {
            LOG_ERROR("video",
                      "%s/%s: size or SHA-256 differs from the manifest (%lld bytes, "
                      "manifest %lld)",
                      dir, ep->files[k].name, now.files[k].bytes, ep->files[k].bytes);
            bad = 1;
        }
    }
    if (now.frames != ep->frames) {
        LOG_ERROR("video", "%s/%s: %lld frames, manifest says %lld", dir, ep->files[0].name,
                  (long long)now.frames, (long long)ep->frames);
        bad = 1;
    }
    return bad;
}

Status video_dataset_check(const char *dir, VideoDatasetReport *rep) {
    memset(rep, 0, sizeof *rep);
    VideoManifest m;
    Status st = video_manifest_load(dir, &m);
    if (st != STATUS_OK) return st;
    for (int i = 0; i < m.n; i++) {
        rep->episodes++;
        if (check_episode(dir, &m.episodes[i])) {
            rep->problems++;
        } else {
            rep->ok++;
            rep->frames += m.episodes[i].frames;
        }
    }
    char **names = NULL;
    int n = list_episodes(dir, &names);
    for (int i = 0; i < n; i++) {
        if (video_manifest_find(&m, names[i]) < 0) {
            LOG_ERROR("video", "%s/%s.mp4: episode not in the manifest", dir, names[i]);
            rep->problems++;
        }
    }
    if (n > 0) free_names(names, n);
    rep->hours = (double)rep->frames / VIDEO_FPS / 3600.0;
    video_manifest_free(&m);
    return STATUS_OK;
}
