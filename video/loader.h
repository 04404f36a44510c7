/* loader.h: training data loader: random windows of T consecutive (frame, action) pairs from a
 * dataset folder, decoded by background threads, mixed in a shuffle buffer.
 *
 * Split: an episode is in the validation split when hash(seed-independent name) / 2^64 <
 * val_fraction, so adding episodes never moves old ones between splits. Order: each epoch
 * shuffles the episodes with rng_stream(seed, epoch); lane j of `threads` lanes decodes positions
 * j, j+threads, ... of that order, cutting windows at a random offset in [0, T) (rng_stream from
 * seed, epoch and position); the consumer fills the shuffle buffer round-robin over the lanes and
 * draws from it with its own seeded Rng. The sequence of windows is therefore a function of
 * (dataset, seed, threads, shuffle size) only, never of thread timing.
 * Frames go through the decoder's resize (video/resize.h). Actions and VPT null flags come from
 * the episode's jsonl. */
#ifndef VIDEO_LOADER_H
#define VIDEO_LOADER_H

#include <stdint.h>

#include "core/status.h"
#include "sim/action.h"
#include "video/resize.h"

typedef enum VideoSplit { VIDEO_SPLIT_TRAIN = 0, VIDEO_SPLIT_VAL, VIDEO_SPLIT_ALL } VideoSplit;

typedef struct VideoLoaderOptions {
    const char *dir;          /* dataset folder with manifest.jsonl */
    int T;                    /* window length in frames (>= 1) */
    int width, height;        /* model frame size */
    VideoResizeFilter filter; /* default area */
    int threads;              /* decode threads / lanes (>= 1) */
    int shuffle;              /* shuffle buffer size in windows (>= 1) */
    uint64_t seed;
    double val_fraction; /* share of episodes held out for validation, [0, 1] */
    VideoSplit split;
    int epochs;          /* passes over the episodes; 0 means forever */
    int skip_duplicates; /* drop windows that overlap a duplicate segment listed in
                            DIR/dedup.json (`vpt dataset dedup`); no file = nothing dropped */
} VideoLoaderOptions;

typedef struct VideoWindow {
    char episode[256];
    int64_t start; /* index of the first frame in the episode */
    int T, width, height;
    uint8_t *frames;   /* (T, height, width, 3) */
    Action *actions;   /* (T) */
    uint8_t *vpt_null; /* (T) 1 where VPT's null action */
} VideoWindow;

/* Buffers for windows of the loader's shape; free with video_window_free. */
void video_window_alloc(VideoWindow *w, int T, int width, int height);
void video_window_free(VideoWindow *w);

typedef struct VideoLoader VideoLoader;

/* Loads the manifest and starts the threads. Fails if the split holds no episode. */
Status video_loader_create(VideoLoader **out, const VideoLoaderOptions *opt);
/* Next window copied into *w (allocated with the loader's T/width/height); *got = 0 when the
 * epochs are done. */
Status video_loader_next(VideoLoader *l, VideoWindow *w, int *got);
/* Episodes in the loader's split. */
int video_loader_episodes(const VideoLoader *l);
/* Windows dropped because they overlapped a duplicate segment. */
int64_t video_loader_dropped(const VideoLoader *l);
/* Episodes skipped because they failed to decode or parse. */
int video_loader_errors(const VideoLoader *l);
void video_loader_destroy(VideoLoader *l); /* accepts NULL; stops the threads */

/* 1 if `episode` belongs to the validation split for this fraction. */
int video_episode_is_val(const char *episode, double val_fraction);

#endif
