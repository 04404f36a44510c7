/* png.c: PNG encode/decode with libpng (see png.h). Encoding goes to memory first and is
 * then written atomically; libpng errors come back through setjmp and are logged. */
#include "render/png.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"

typedef struct PngBuf {
    uint8_t *data;
    size_t len, cap;
} PngBuf;

static void buf_write(png_structp png, png_bytep data, png_size_t len) {
    PngBuf *b = png_get_io_ptr(png);
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + len) cap *= 2;
        b->data = mem_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void buf_flush(png_structp png) { (void)png; }

static void png_err(png_structp png, png_const_charp msg) {
    LOG_ERROR("render", "libpng: %s", msg);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg) {
    (void)png;
    LOG_DEBUG("render", "libpng warning: %s", msg);
}

Status render_png_write(const char *path, const uint8_t *rgb, int width, int height) {
    ASSERT(rgb && width > 0 && height > 0);
    PngBuf buf = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_err, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        LOG_ERROR("render", "%s: cannot create the PNG encoder", path);
        return STATUS_INTERNAL;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        mem_free(buf.data);
        LOG_ERROR("render", "%s: PNG encoding failed", path);
        return STATUS_INTERNAL;
    }
    png_set_write_fn(png, &buf, buf_write, buf_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++)
        png_write_row(png, (png_const_bytep)(rgb + (size_t)y * width * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    Status st = fs_write_atomic(path, buf.data, buf.len);
    mem_free(buf.data);
    return st;
}

typedef struct PngSrc {
    const uint8_t *data;
    size_t len, pos;
} PngSrc;

static void src_read(png_structp png, png_bytep out, png_size_t len) {
    PngSrc *s = png_get_io_ptr(png);
    if (s->pos + len > s->len) png_error(png, "file is truncated");
    memcpy(out, s->data + s->pos, len);
    s->pos += len;
}

Status render_png_read(const char *path, uint8_t **rgb, int *width, int *height) {
    *rgb = NULL;
    char *file = NULL;
    size_t len = 0;
    Status st = fs_read_file(path, &file, &len);
    if (st != STATUS_OK) return st;
    if (len < 8 || png_sig_cmp((png_const_bytep)file, 0, 8) != 0) {
        LOG_ERROR("render", "%s: not a PNG file", path);
        mem_free(file);
        return STATUS_PARSE;
    }
    PngSrc src = {(const uint8_t *)file, len, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_err, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile pixels = NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        mem_free(file);
        return STATUS_INTERNAL;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        mem_free(pixels);
        mem_free(file);
        LOG_ERROR("render", "%s: cannot decode the PNG", path);
        return STATUS_PARSE;
    }
    png_set_read_fn(png, &src, src_read);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
    png_read_update_info(png, info);
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 3) png_error(png, "unexpected row layout");
    pixels = mem_alloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++) png_read_row(png, pixels + (size_t)y * w * 3, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    mem_free(file);
    *rgb = pixels;
    *width = w;
    *height = h;
    return STATUS_OK;
}
