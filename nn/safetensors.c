/* safetensors.c: the safetensors format (8-byte little-endian header length, a JSON header
 * {"NAME": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then
 * the raw little-endian data) and checkpoints on top of it.
 * Invariants: the reader validates every field before handing out a pointer (lengths, offsets
 * within the data section, byte counts matching shapes, no overlapping tensors), so a truncated
 * or corrupted file is a STATUS_PARSE naming the file and field, never a crash. Tensor data is
 * copied into an aligned buffer, so views are valid float arrays. Writes are atomic. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "nn/nn.h"

#define TAG "nn"
#define ST_MAX_HEADER (100u << 20)

static Status st_fail(const char *where, const char *fmt, const char *a, const char *b) {
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b);
    LOG_ERROR(TAG, "%s: %s", where, msg);
    return STATUS_PARSE;
}

static int cmp_entry_begin(const void *a, const void *b) {
    const NnStEntry *x = a, *y = b;
    return x->data < y->data ? -1 : x->data > y->data;
}

static Status st_parse_entry(const char *where, const char *name, json_t *val, const char *data,
                             size_t data_len, NnStEntry *e) {
    if (strlen(name) >= sizeof e->name)
        return st_fail(where, "tensor name too long: %.60s%s", name, "");
    snprintf(e->name, sizeof e->name, "%s", name);
    if (!json_is_object(val))
        return st_fail(where, "tensor '%s': %s is not an object", name, "entry");
    const char *dtype = json_string_value(json_object_get(val, "dtype"));
    if (!dtype) return st_fail(where, "tensor '%s': missing field %s", name, "dtype");
    if (strcmp(dtype, "F32") != 0)
        return st_fail(where, "tensor '%s': dtype %s not supported (F32 only)", name, dtype);
    json_t *shape = json_object_get(val, "shape");
    if (!json_is_array(shape) || json_array_size(shape) > NN_MAX_DIMS)
        return st_fail(where, "tensor '%s': field %s must be an array of at most 4 ints", name,
                       "shape");
    e->ndim = (int)json_array_size(shape);
    int64_t count = 1;
    for (int i = 0; i < e->ndim; i++) {
        json_t *d = json_array_get(shape, (size_t)i);
        if (!json_is_integer(d) || json_integer_value(d) < 0 || json_integer_value(d) > (1LL << 40))
            return st_fail(where, "tensor '%s': bad %s entry", name, "shape");
        e->shape[i] = json_integer_value(d);
        count *= e->shape[i];
        if (count > (1LL << 40)) return st_fail(where, "tensor '%s': %s too large", name, "shape");
    }
    e->size = count;
    json_t *offs = json_object_get(val, "data_offsets");
    if (!json_is_array(offs) || json_array_size(offs) != 2 ||
        !json_is_integer(json_array_get(offs, 0)) || !json_is_integer(json_array_get(offs, 1)))
        return st_fail(where, "tensor '%s': field %s must be [begin, end]", name, "data_offsets");
    json_int_t b = json_integer_value(json_array_get(offs, 0));
    json_int_t en = json_integer_value(json_array_get(offs, 1));
    if (b < 0 || en < b || (uint64_t)en > data_len)
        return st_fail(where, "tensor '%s': %s out of the file's data range", name, "data_offsets");
    if ((uint64_t)(en - b) != (uint64_t)count * 4u)
        return st_fail(where, "tensor '%s': %s length does not match shape x 4 bytes", name,
                       "data_offsets");
    e->data = (const float *)(data + b);
    return STATUS_OK;
}

Status nn_st_parse(const char *where, char *buf, size_t len, NnStFile *out) {
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", where);
    Status st = STATUS_PARSE;
    json_t *root = NULL;
    char *data = NULL;
    if (len < 8) {
        st = st_fail(where, "truncated: %s%s", "no 8-byte header length", "");
        goto fail;
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | (unsigned char)buf[i];
    if (hlen > ST_MAX_HEADER || hlen > len - 8) {
        st = st_fail(where, "truncated or corrupt: %s%s", "header length exceeds the file", "");
        goto fail;
    }
    json_error_t err;
    root = json_loadb(buf + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &err);
    if (!root || !json_is_object(root)) {
        st = st_fail(where, "header is not a JSON object: %s%s", root ? "" : err.text, "");
        goto fail;
    }
    size_t data_len = len - 8 - (size_t)hlen;
    data = mem_alloc_aligned(64, data_len ? data_len : 1);
    memcpy(data, buf + 8 + hlen, data_len);
    out->entries = MEM_NEW_ARRAY(NnStEntry, json_object_size(root) + 1);
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            const char *mk;
            json_t *mv;
            if (!json_is_object(val)) {
                st = st_fail(where, "field %s must be an object%s", "__metadata__", "");
                goto fail;
            }
            json_object_foreach(val, mk, mv) {
                if (!json_is_string(mv)) {
                    st = st_fail(where, "__metadata__.%s: value must be a string%s", mk, "");
                    goto fail;
                }
            }
            out->metadata = json_incref(val);
            continue;
        }
        st = st_parse_entry(where, key, val, data, data_len, &out->entries[out->count]);
        if (st != STATUS_OK) goto fail;
        out->count++;
    }
    /* tensors must not overlap */
    NnStEntry *sorted = MEM_NEW_ARRAY(NnStEntry, out->count + 1);
    memcpy(sorted, out->entries, (size_t)out->count * sizeof *sorted);
    qsort(sorted, (size_t)out->count, sizeof *sorted, cmp_entry_begin);
    for (int i = 1; i < out->count; i++) {
        if ((const char *)sorted[i].data <
            (const char *)(sorted[i - 1].data + sorted[i - 1].size)) {
            st =
                st_fail(where, "tensors '%s' and '%s' overlap", sorted[i - 1].name, sorted[i].name);
            mem_free(sorted);
            goto fail;
        }
    }
    mem_free(sorted);
    json_decref(root);
    mem_free(buf);
    out->buf = data;
    out->len = data_len;
    return STATUS_OK;
fail:
    json_decref(root);
    mem_free(data);
    mem_free(buf);
    if (out->metadata) json_decref(out->metadata);
    mem_free(out->entries);
    memset(out, 0, sizeof *out);
    return st;
}

Status nn_st_load(const char *path, NnStFile *out) {
    char *buf = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    Status st = fs_read_file(path, &buf, &len);
    if (st != STATUS_OK) return st;
    return nn_st_parse(path, buf, len, out);
}

void nn_st_free(NnStFile *f) {
    if (!f) return;
    mem_free(f->buf);
    mem_free(f->entries);
    if (f->metadata) json_decref(f->metadata);
    memset(f, 0, sizeof *f);
}

const NnStEntry *nn_st_find(const NnStFile *f, const char *name) {
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->entries[i].name, name) == 0) return &f->entries[i];
    return NULL;
}

const char *nn_st_meta(const NnStFile *f, const char *key) {
    if (!f->metadata) return NULL;
    return json_string_value(json_object_get(f->metadata, key));
}

/* ---------------------------------------------------------------- writer */

typedef struct WriterItem {
    char *name;
    const float *data;
    int ndim;
    int64_t shape[NN_MAX_DIMS];
} WriterItem;

struct NnStWriter {
    WriterItem *items;
    int count, cap;
    json_t *meta;
};

NnStWriter *nn_st_writer_create(void) {
    NnStWriter *w = mem_calloc(1, sizeof *w);
    w->meta = json_object();
    return w;
}

void nn_st_writer_destroy(NnStWriter *w) {
    if (!w) return;
    for (int i = 0; i < w->count; i++) mem_free(w->items[i].name);
    mem_free(w->items);
    json_decref(w->meta);
    mem_free(w);
}

void nn_st_writer_add(NnStWriter *w, const char *name, const float *data, int ndim,
                      const int64_t *shape) {
    ASSERT(ndim >= 0 && ndim <= NN_MAX_DIMS);
    if (w->count == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->items = mem_realloc(w->items, (size_t)w->cap * sizeof *w->items);
    }
    WriterItem *it = &w->items[w->count++];
    it->name = mem_strdup(name);
    it->data = data;
    it->ndim = ndim;
    for (int i = 0; i < ndim; i++) it->shape[i] = shape[i];
}

void nn_st_writer_meta(NnStWriter *w, const char *key, const char *value) {
    json_object_set_new(w->meta, key, json_string(value));
}

Status nn_st_writer_save(NnStWriter *w, const char *path) {
    json_t *hdr = json_object();
    if (json_object_size(w->meta) > 0) json_object_set(hdr, "__metadata__", w->meta);
    int64_t off = 0;
    for (int i = 0; i < w->count; i++) {
        WriterItem *it = &w->items[i];
        int64_t bytes = nn_shape_size(it->ndim, it->shape) * 4;
        json_t *shape = json_array();
        for (int d = 0; d < it->ndim; d++) json_array_append_new(shape, json_integer(it->shape[d]));
        json_t *e = json_pack("{s:s, s:o, s:[I,I]}", "dtype", "F32", "shape", shape, "data_offsets",
                              (json_int_t)off, (json_int_t)(off + bytes));
        json_object_set_new(hdr, it->name, e);
        off += bytes;
    }
    char *text = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(hdr);
    size_t tlen = strlen(text), padded = (tlen + 7) / 8 * 8;
    AtomicFile *af = fs_atomic_open(path);
    if (!af) {
        free(text);
        return STATUS_IO;
    }
    FILE *f = fs_atomic_file(af);
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    int ok = fwrite(len8, 1, 8, f) == 8 && fwrite(text, 1, tlen, f) == tlen;
    for (size_t i = tlen; i < padded && ok; i++) ok = fputc(' ', f) != EOF;
    free(text);
    for (int i = 0; i < w->count && ok; i++) {
        size_t n = (size_t)nn_shape_size(w->items[i].ndim, w->items[i].shape);
        ok = fwrite(w->items[i].data, sizeof(float), n, f) == n; /* x86: little-endian */
    }
    if (!ok) {
        LOG_ERROR(TAG, "%s: write failed", path);
        fs_atomic_abort(af);
        return STATUS_IO;
    }
    return fs_atomic_commit(af);
}

/* ---------------------------------------------------------------- checkpoints */

Status nn_checkpoint_save(const char *path, const NnParams *p, const char *config_json,
                          int with_optimizer) {
    NnStWriter *w = nn_st_writer_create();
    char name[NN_NAME_MAX + 16], step[32];
    for (int i = 0; i < p->count; i++)
        nn_st_writer_add(w, p->info[i].name, nn_param(p, i), p->info[i].ndim, p->info[i].shape);
    if (with_optimizer) {
        for (int i = 0; i < p->count; i++) {
            snprintf(name, sizeof name, "optim.m.%s", p->info[i].name);
            nn_st_writer_add(w, name, p->opt + p->info[i].offset, p->info[i].ndim,
                             p->info[i].shape);
            snprintf(name, sizeof name, "optim.v.%s", p->info[i].name);
            nn_st_writer_add(w, name, p->opt + p->total + p->info[i].offset, p->info[i].ndim,
                             p->info[i].shape);
        }
    }
    snprintf(step, sizeof step, "%" PRId64, p->step);
    nn_st_writer_meta(w, "format", "vpt-nn/1");
    nn_st_writer_meta(w, "config", config_json ? config_json : "{}");
    nn_st_writer_meta(w, "step", step);
    Status st = nn_st_writer_save(w, path);
    nn_st_writer_destroy(w);
    return st;
}

static int shape_equal(const NnStEntry *e, const NnParamInfo *in) {
    if (e->ndim != in->ndim) return 0;
    for (int d = 0; d < e->ndim; d++)
        if (e->shape[d] != in->shape[d]) return 0;
    return 1;
}

static void shape_str(char *buf, size_t n, int ndim, const int64_t *shape) {
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int d = 0; d < ndim && used < n; d++)
        used += (size_t)snprintf(buf + used, n - used, d ? ", %" PRId64 : "%" PRId64, shape[d]);
    if (used < n) snprintf(buf + used, n - used, "]");
}

/* Finds `prefix+name` and checks its shape against the parameter. */
static Status ckpt_lookup(const NnStFile *f, const char *prefix, const NnParamInfo *in,
                          const NnStEntry **out) {
    char name[NN_NAME_MAX + 16], a[96], b[96];
    snprintf(name, sizeof name, "%s%s", prefix, in->name);
    *out = nn_st_find(f, name);
    if (!*out) {
        LOG_ERROR(TAG, "%s: tensor '%s' missing from the checkpoint", f->path, name);
        return STATUS_INVALID_ARGUMENT;
    }
    if (!shape_equal(*out, in)) {
        shape_str(a, sizeof a, (*out)->ndim, (*out)->shape);
        shape_str(b, sizeof b, in->ndim, in->shape);
        LOG_ERROR(TAG, "%s: tensor '%s' has shape %s, the model expects %s", f->path, name, a, b);
        return STATUS_INVALID_ARGUMENT;
    }
    return STATUS_OK;
}

Status nn_checkpoint_load(const char *path, NnParams *p, int with_optimizer, char **config_out) {
    ASSERT(p->value);
    NnStFile f;
    Status st = nn_st_load(path, &f);
    if (st != STATUS_OK) return st;
    const NnStEntry **src = MEM_NEW_ARRAY(const NnStEntry *, 3 * (size_t)p->count + 1);
    int64_t step = 0;
    /* validate everything first: nothing is changed unless the whole file fits */
    for (int i = 0; i < p->count && st == STATUS_OK; i++) {
        st = ckpt_lookup(&f, "", &p->info[i], &src[3 * i]);
        if (st == STATUS_OK && with_optimizer)
            st = ckpt_lookup(&f, "optim.m.", &p->info[i], &src[3 * i + 1]);
        if (st == STATUS_OK && with_optimizer)
            st = ckpt_lookup(&f, "optim.v.", &p->info[i], &src[3 * i + 2]);
    }
    for (int i = 0; i < f.count && st == STATUS_OK; i++) {
        const char *n = f.entries[i].name;
        const char *base = strncmp(n, "optim.", 6) == 0 && strlen(n) > 8 ? n + 8 : n;
        if (nn_params_find(p, base) < 0) {
            LOG_ERROR(TAG, "%s: unexpected tensor '%s' (not in the model)", path, n);
            st = STATUS_INVALID_ARGUMENT;
        }
    }
    if (st == STATUS_OK && with_optimizer) {
        const char *s = nn_st_meta(&f, "step");
        char *end = NULL;
        step = s ? strtoll(s, &end, 10) : -1;
        if (!s || *end || step < 0) {
            LOG_ERROR(TAG, "%s: __metadata__.step missing or not a non-negative integer", path);
            st = STATUS_PARSE;
        }
    }
    if (st == STATUS_OK) {
        for (int i = 0; i < p->count; i++) {
            size_t bytes = (size_t)p->info[i].size * sizeof(float);
            memcpy(nn_param(p, i), src[3 * i]->data, bytes);
            if (!with_optimizer) continue;
            memcpy(p->opt + p->info[i].offset, src[3 * i + 1]->data, bytes);
            memcpy(p->opt + p->total + p->info[i].offset, src[3 * i + 2]->data, bytes);
        }
        if (with_optimizer) p->step = step;
        if (config_out) {
            const char *c = nn_st_meta(&f, "config");
            *config_out = mem_strdup(c ? c : "{}");
        }
    }
    mem_free(src);
    nn_st_free(&f);
    return st;
}
