/* dedup.h: near-duplicate segment detection over a dataset folder (`vpt dataset dedup DIR`).
 *
 * Each episode is cut into segments of `segment_frames` frames; a segment's feature is the
 * concatenation of 8x8 grey thumbnails (through the one resize function) of every
 * `sample_every`-th frame, mean-centred. Clustering: `tables` locality-sensitive hash tables of
 * `bits` random hyperplanes each (seeded); segments sharing a bucket in any table are compared
 * pairwise, and a pair whose mean absolute thumbnail difference (grey levels, 0..255) is below
 * `threshold` is a duplicate. Segments are grouped by union-find; in each group the first
 * segment (manifest order) is kept and the others are reported as duplicates of it. */
#ifndef VIDEO_DEDUP_H
#define VIDEO_DEDUP_H

#include <stdint.h>

#include "core/status.h"

typedef struct VideoDedupOptions {
    int segment_frames; /* default 100 (5 s) */
    int sample_every;   /* default 10 */
    double threshold;   /* default 4.0 grey levels */
    int tables, bits;   /* default 4 tables x 8 bits */
    uint64_t seed;
} VideoDedupOptions;

typedef struct VideoDedupSegment {
    int episode; /* index in the manifest */
    int64_t start;
    int duplicate_of; /* segment index kept for its group, -1 when this one is kept */
} VideoDedupSegment;

typedef struct VideoDedupResult {
    char (*episodes)[256];
    int n_episodes;
    VideoDedupSegment *segments;
    int n_segments;
    int64_t candidate_pairs, duplicate_pairs;
    int duplicate_segments;
} VideoDedupResult;

/* Fills defaults for zero fields. */
void video_dedup_defaults(VideoDedupOptions *o);
Status video_dataset_dedup(const char *dir, const VideoDedupOptions *opt, VideoDedupResult *out);
/* Writes DIR/dedup.json (atomically): the options, counts and every duplicate segment. */
Status video_dedup_save(const char *dir, const VideoDedupOptions *opt, const VideoDedupResult *res);
void video_dedup_free(VideoDedupResult *r);

#endif
