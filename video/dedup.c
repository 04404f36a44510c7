/* dedup.c: near-duplicate segments by thumbnail features, LSH buckets, then pairwise checks
 * (see dedup.h). Costs: one 8x8 decode pass over every episode; comparisons only inside
 * buckets, so far below n^2 for varied footage. */
#include "video/dedup.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/rng.h"
#include "video/codec.h"
#include "video/dataset.h"

enum { THUMB = 8 };

void video_dedup_defaults(VideoDedupOptions *o) {
    if (o->segment_frames <= 0) o->segment_frames = 100;
    if (o->sample_every <= 0) o->sample_every = 10;
    if (o->threshold <= 0) o->threshold = 4.0;
    if (o->tables <= 0) o->tables = 4;
    if (o->bits <= 0 || o->bits > 16) o->bits = 8;
}

typedef struct Features {
    float *data; /* (n, dim) */
    int n, cap, dim;
    VideoDedupSegment *segs;
} Features;

static void add_segment(Features *f, const float *feat, int episode, int64_t start) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->data = mem_realloc(f->data, (size_t)f->cap * f->dim * sizeof(float));
        f->segs = mem_realloc(f->segs, (size_t)f->cap * sizeof(VideoDedupSegment));
    }
    float mean = 0;
    for (int i = 0; i < f->dim; i++) mean += feat[i];
    mean /= (float)f->dim;
    for (int i = 0; i < f->dim; i++) f->data[(size_t)f->n * f->dim + i] = feat[i] - mean;
    f->segs[f->n] = (VideoDedupSegment){episode, start, -1};
    f->n++;
}

static Status episode_features(const char *dir, const char *name, int ep,
                               const VideoDedupOptions *o, Features *f) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.mp4", dir, name);
    VideoDecoderOptions dopt = {.width = THUMB, .height = THUMB};
    VideoDecoder *d = NULL;
    Status st = video_decoder_open(&d, path, &dopt);
    if (st != STATUS_OK) return st;
    float *feat = mem_calloc((size_t)f->dim, sizeof(float));
    uint8_t rgb[THUMB * THUMB * 3];
    int got = 1;
    int64_t i = 0;
    while ((st = video_decoder_next(d, rgb, &got)) == STATUS_OK && got) {
        int64_t in_seg = i % o->segment_frames;
        if (in_seg % o->sample_every == 0) {
            float *dst = feat + (in_seg / o->sample_every) * THUMB * THUMB;
            for (int p = 0; p < THUMB * THUMB; p++)
                dst[p] = 0.299f * rgb[p * 3] + 0.587f * rgb[p * 3 + 1] + 0.114f * rgb[p * 3 + 2];
        }
        if (in_seg == o->segment_frames - 1) add_segment(f, feat, ep, i - in_seg);
        i++;
    }
    mem_free(feat);
    video_decoder_destroy(d);
    return st;
}

static int find_root(int *parent, int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

static double mean_abs_diff(const float *a, const float *b, int dim) {
    double s = 0;
    for (int i = 0; i < dim; i++) s += fabsf(a[i] - b[i]);
    return s / dim;
}

/* Sorts segment indices by their bucket key (counting sort on `bits` bits). */
static void bucket_sort(const uint32_t *key, int n, int bits, int *order) {
    int nb = 1 << bits;
    int *count = MEM_NEW_ARRAY(int, nb + 1);
    for (int i = 0; i < n; i++) count[key[i] + 1]++;
    for (int b = 0; b < nb; b++) count[b + 1] += count[b];
    for (int i = 0; i < n; i++) order[count[key[i]]++] = i;
    mem_free(count);
}

static void cluster_and_compare(Features *f, const VideoDedupOptions *o, VideoDedupResult *res,
                                int *parent) {
    Rng rng;
    rng_seed(&rng, o->seed);
    float *planes = mem_alloc((size_t)o->bits * f->dim * sizeof(float));
    uint32_t *key = MEM_NEW_ARRAY(uint32_t, f->n);
    int *order = MEM_NEW_ARRAY(int, f->n);
    uint8_t *done =
        MEM_NEW_ARRAY(uint8_t, (size_t)f->n * f->n > (1u << 26) ? 1 : (size_t)f->n * f->n);
    int track = (size_t)f->n * f->n <= (1u << 26);
    for (int t = 0; t < o->tables; t++) {
        for (int i = 0; i < o->bits * f->dim; i++) planes[i] = (float)rng_normal(&rng);
        for (int s = 0; s < f->n; s++) {
            uint32_t k = 0;
            for (int b = 0; b < o->bits; b++) {
                double dot = 0;
                for (int i = 0; i < f->dim; i++)
                    dot += planes[b * f->dim + i] * f->data[(size_t)s * f->dim + i];
                k = (k << 1) | (dot > 0);
            }
            key[s] = k;
        }
        bucket_sort(key, f->n, o->bits, order);
        for (int i = 0; i < f->n;) {
            int j = i;
            while (j < f->n && key[order[j]] == key[order[i]]) j++;
            for (int a = i; a < j; a++)
                for (int b = a + 1; b < j; b++) {
                    int x = order[a] < order[b] ? order[a] : order[b];
                    int y = order[a] < order[b] ? order[b] : order[a];
                    if (track) {
                        if (done[(size_t)x * f->n + y]) continue;
                        done[(size_t)x * f->n + y] = 1;
                    }
                    res->candidate_pairs++;
                    if (mean_abs_diff(f->data + (size_t)x * f->dim, f->data + (size_t)y * f->dim,
                                      f->dim) < o->threshold) {
                        res->duplicate_pairs++;
                        int rx = find_root(parent, x), ry = find_root(parent, y);
                        if (rx != ry) parent[rx > ry ? rx : ry] = rx < ry ? rx : ry;
                    }
                }
            i = j;
        }
    }
    mem_free(planes);
    mem_free(key);
    mem_free(order);
    mem_free(done);
}

Status video_dataset_dedup(const char *dir, const VideoDedupOptions *opt, VideoDedupResult *res) {
    memset(res, 0, sizeof *res);
    VideoDedupOptions o = *opt;
    video_dedup_defaults(&o);
    VideoManifest m;
    Status st = video_manifest_load(dir, &m);
    if (st != STATUS_OK) return st;
    Features f = {.dim =
                      THUMB * THUMB * ((o.segment_frames + o.sample_every - 1) / o.sample_every)};
    res->episodes = mem_calloc((size_t)(m.n ? m.n : 1), sizeof *res->episodes);
    res->n_episodes = m.n;
    for (int e = 0; e < m.n && st == STATUS_OK; e++) {
        snprintf(res->episodes[e], 256, "%s", m.episodes[e].name);
        st = episode_features(dir, m.episodes[e].name, e, &o, &f);
    }
    video_manifest_free(&m);
    if (st == STATUS_OK) {
        int *parent = MEM_NEW_ARRAY(int, f.n ? f.n : 1);
        for (int i = 0; i < f.n; i++) parent[i] = i;
        cluster_and_compare(&f, &o, res, parent);
        for (int i = 0; i < f.n; i++) {
            int r = find_root(parent, i);
            f.segs[i].duplicate_of = r == i ? -1 : r;
            res->duplicate_segments += r != i;
        }
        mem_free(parent);
    }
    res->segments = f.segs;
    res->n_segments = f.n;
    mem_free(f.data);
    if (st != STATUS_OK) video_dedup_free(res);
    return st;
}

Status video_dedup_save(const char *dir, const VideoDedupOptions *opt, const VideoDedupResult *r) {
    VideoDedupOptions o = *opt;
    video_dedup_defaults(&o);
    json_t *root = json_object();
    json_object_set_new(root, "segment_frames", json_integer(o.segment_frames));
    json_object_set_new(root, "threshold", json_real(o.threshold));
    json_object_set_new(root, "segments", json_integer(r->n_segments));
    json_object_set_new(root, "duplicate_segments", json_integer(r->duplicate_segments));
    json_t *dups = json_array();
    for (int i = 0; i < r->n_segments; i++) {
        const VideoDedupSegment *s = &r->segments[i];
        if (s->duplicate_of < 0) continue;
        const VideoDedupSegment *k = &r->segments[s->duplicate_of];
        json_t *d = json_object();
        json_object_set_new(d, "episode", json_string(r->episodes[s->episode]));
        json_object_set_new(d, "start", json_integer(s->start));
        json_object_set_new(d, "duplicate_of_episode", json_string(r->episodes[k->episode]));
        json_object_set_new(d, "duplicate_of_start", json_integer(k->start));
        json_array_append_new(dups, d);
    }
    json_object_set_new(root, "duplicates", dups);
    char path[4400];
    snprintf(path, sizeof path, "%s/dedup.json", dir);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    Status st = fs_write_atomic(path, s, strlen(s));
    free(s);
    return st;
}

void video_dedup_free(VideoDedupResult *r) {
    if (!r) return;
    mem_free(r->episodes);
    mem_free(r->segments);
    memset(r, 0, sizeof *r);
}
