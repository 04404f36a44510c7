/* gendata.h: contractor data generation: scripted players' episodes recorded at 20 Hz through
 * the canonical renderer and the video module (NAME.mp4 + NAME.jsonl in the VPT recorder
 * schema + NAME-options.json), with a dataset manifest.
 *
 * Episode i uses seed A + i; its persona is drawn from that seed (rng_stream(seed, persona
 * stream)) among the allowed personas, so the same seed always gives the same episode. Frame t
 * is the observation the player saw before choosing action t (line t of the jsonl); the
 * options file records the world preset, seed, persona, size, a hash of the raw RGB frames and
 * the final state hash, so a replay of the actions can be checked bit for bit.
 * With no_actions (the "unlabeled web video" corpus) the jsonl goes to DIR/ground_truth/ and
 * the manifest lists only the video and options files, with provenance "web". */
#ifndef AGENT_GENDATA_H
#define AGENT_GENDATA_H

#include <jansson.h>
#include <stdint.h>

#include "agent/persona.h"
#include "core/status.h"
#include "sim/action.h"
#include "sim/preset.h"
#include "video/actionlog.h"

typedef struct Env Env;

typedef struct GenDataConfig {
    const char *out_dir;
    const WorldPreset *preset;
    const char *world_name; /* recorded in the options file (a path or "builtin:default") */
    uint64_t seed0;
    int episodes;
    int episode_ticks; /* frames per episode */
    PersonaId personas[PERSONA_COUNT];
    int n_personas;
    int width, height;
    int no_actions;
    int jobs;
    int crf;                 /* < 0: encoder default */
    const char *x264_preset; /* NULL: the encoder's default (VIDEO_DEFAULT_PRESET) */
    const char *version;     /* project version string for the options file */
    int progress;
} GenDataConfig;

typedef struct GenDataReport {
    int episodes;
    int64_t frames;
    double seconds;         /* wall time */
    int64_t reused_frames;  /* frames that kept the last frame's rays (RenderCache) */
    int64_t pixels, traced; /* world pixels drawn, and of them traced */
} GenDataReport;

Status gendata_run(const GenDataConfig *cfg, GenDataReport *rep);

/* Room for the statistics of one action-log line. */
#define GENDATA_MAX_STATS 256

/* Fills one action-log line (VPT recorder schema): the action, then the sim's state after the
 * step (hotbar, GUI flags and cursor, yaw/pitch/position, inventory, statistics). inv (36
 * entries) and stats (max_stats) are caller storage that *f points into; *stats_json owns the
 * statistic names: json_decref it once the line is written. Used by gen-data and by the
 * window's contractor recorder, so both write the same lines. */
void gendata_fill_frame(const Env *env, const Action *a, int64_t tick, VideoActionFrame *f,
                        VideoInvItem *inv, VideoStat *stats, int max_stats, json_t **stats_json);

/* 64-bit hash of an RGB frame buffer chained onto h (what options.frames_hash records). */
uint64_t gendata_frame_hash(uint64_t h, const uint8_t *rgb, size_t n);
/* Persona episode `seed` plays among the allowed ones. */
PersonaId gendata_persona_for_seed(uint64_t seed, const PersonaId *allowed, int n);
/* Episode name "ep000042-speedrunner". */
void gendata_episode_name(uint64_t seed, PersonaId p, char *buf, int n);

#endif
