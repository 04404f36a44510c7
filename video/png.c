/* png.c: RGB24 -> PNG through libpng, written atomically (temp file + rename). */
#include <png.h>
#include <setjmp.h>

#include "core/fsutil.h"
#include "core/log.h"
#include "video/codec.h"

Status video_png_write(const char *path, const uint8_t *rgb, int w, int h) {
    ASSERT(path && rgb && w > 0 && h > 0);
    AtomicFile *af = fs_atomic_open(path);
    if (!af) return STATUS_IO;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        LOG_ERROR("video", "%s: libpng failed to write the image", path);
        png_destroy_write_struct(&png, &info);
        fs_atomic_abort(af);
        return STATUS_IO;
    }
    png_init_io(png, fs_atomic_file(af));
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * w * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fs_atomic_commit(af);
}

void video_synth_frame(uint8_t *rgb, int w, int h, int64_t i) {
    int sq = h / 4 > 2 ? h / 4 : 2;
    int sx = (int)((i * 3) % (w > sq ? w - sq : 1)), sy = (int)((i * 2) % (h > sq ? h - sq : 1));
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(x * 255 / (w > 1 ? w - 1 : 1));
            p[1] = (uint8_t)(y * 255 / (h > 1 ? h - 1 : 1));
            p[2] = (uint8_t)((i * 4) & 255);
            if (x >= sx && x < sx + sq && y >= sy && y < sy + sq) p[0] = p[1] = p[2] = 240;
        }
    }
}
