/* dataset.h: episodes, dataset folders and their manifest (DESIGN.md section 4).
 *
 * An episode NAME is three files in one folder: NAME.mp4 (20 fps video), NAME.jsonl (one action
 * line per frame) and NAME-options.json (world preset, seed, resolution, fps, renderer, version).
 * DIR/manifest.jsonl has one line per episode:
 *   {"episode": NAME, "provenance": "contractor|web|idm-labeled|human", "frames": N,
 *    "duration_s": N/20, "fps": 20,
 *    "files": {"NAME.mp4": {"bytes": B, "sha256": HEX}, "NAME.jsonl": {...},
 *              "NAME-options.json": {...}}}
 * A "web" episode may have no NAME.jsonl (the unlabeled corpus): its files are the video and the
 * options only. The manifest is rewritten atomically; an episode is listed only once all its files
 * are whole and agree (frames of video = lines of actions). */
#ifndef VIDEO_DATASET_H
#define VIDEO_DATASET_H

#include <stdint.h>
#include <stdio.h>

#include "core/status.h"

#define VIDEO_MANIFEST "manifest.jsonl"

typedef struct VideoEpisodeFile {
    char name[288]; /* file name inside the folder */
    long long bytes;
    char sha256[65];
} VideoEpisodeFile;

typedef struct VideoEpisode {
    char name[256];
    char provenance[32];
    int64_t frames;
    /* mp4, jsonl, options; a video-only episode (provenance "web", the unlabeled corpus whose
     * actions are kept apart as ground truth) has n_files 2: mp4, options. */
    VideoEpisodeFile files[3];
    int n_files;
} VideoEpisode;

typedef struct VideoManifest {
    VideoEpisode *episodes;
    int n;
} VideoManifest;

/* Reads DIR/manifest.jsonl (a missing file is STATUS_NOT_FOUND). Errors name file:line:field. */
Status video_manifest_load(const char *dir, VideoManifest *out);
/* Same, from any manifest file (e.g. one just downloaded). */
Status video_manifest_load_file(const char *path, VideoManifest *out);
/* Writes DIR/manifest.jsonl atomically. */
Status video_manifest_save(const char *dir, const VideoManifest *m);
void video_manifest_free(VideoManifest *m);
/* Index of an episode by name, -1 if absent. */
int video_manifest_find(const VideoManifest *m, const char *name);

/* Verifies episode NAME in DIR (files present, video decodes, frames = action lines, options
 * is a JSON object) and fills *ep with its frame count, sizes and hashes. */
Status video_episode_scan(const char *dir, const char *name, const char *provenance,
                          VideoEpisode *ep);

/* Adds every episode of DIR that is not yet in its manifest (found by NAME.mp4 files), with the
 * given provenance. *added counts them. Broken episodes are reported and left out. */
Status video_dataset_index(const char *dir, const char *provenance, int *added);

typedef struct VideoDatasetReport {
    int episodes, ok, problems;
    int64_t frames;
    double hours;
} VideoDatasetReport;

/* Checks every manifest episode (hashes, sizes, decodability, frame count = action lines) and
 * flags episodes on disk that the manifest lacks. Each problem is logged with the file. Returns
 * STATUS_OK when the check ran (problems are counted in the report), an error if it could not. */
Status video_dataset_check(const char *dir, VideoDatasetReport *rep);

/* Valid provenance names. */
int video_provenance_valid(const char *p);

#endif
