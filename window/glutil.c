/* glutil.c: shader compilation with logs, texture helpers, read-back. */
#include "window/glutil.h"

#include <string.h>

#include "core/alloc.h"
#include "core/log.h"

static Status compile(const char *name, GLenum type, const char *src, GLuint *out) {
    GLuint sh = glCreateShader(type);
    glShaderSource(sh, 1, &src, NULL);
    glCompileShader(sh);
    GLint ok = 0;
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[4096];
        glGetShaderInfoLog(sh, sizeof log, NULL, log);
        LOG_ERROR("gl", "%s: %s shader does not compile: %s", name,
                  type == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
        glDeleteShader(sh);
        return STATUS_INTERNAL;
    }
    *out = sh;
    return STATUS_OK;
}

Status glu_program_create(const char *name, const char *vs_src, const char *fs_src, GLuint *out) {
    GLuint vs = 0, fs = 0;
    if (compile(name, GL_VERTEX_SHADER, vs_src, &vs) != STATUS_OK) return STATUS_INTERNAL;
    if (compile(name, GL_FRAGMENT_SHADER, fs_src, &fs) != STATUS_OK) {
        glDeleteShader(vs);
        return STATUS_INTERNAL;
    }
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[4096];
        glGetProgramInfoLog(prog, sizeof log, NULL, log);
        LOG_ERROR("gl", "%s: program does not link: %s", name, log);
        glDeleteProgram(prog);
        return STATUS_INTERNAL;
    }
    *out = prog;
    return STATUS_OK;
}

GLuint glu_fullscreen_vao(void) {
    GLuint vao = 0;
    glGenVertexArrays(1, &vao);
    return vao;
}

GLuint glu_texture_rgba(int w, int h, const uint8_t *rgba) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    return tex;
}

void glu_texture_upload_rgb(GLuint tex, int w, int h, const uint8_t *rgb) {
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb);
}

void glu_texture_upload_rgba(GLuint tex, int w, int h, const uint8_t *rgba) {
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void glu_read_rgb(int w, int h, uint8_t *rgb) {
    uint8_t *tmp = mem_alloc((size_t)w * h * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, tmp);
    /* GL's rows start at the bottom; ours at the top. */
    for (int y = 0; y < h; y++)
        memcpy(rgb + (size_t)y * w * 3, tmp + (size_t)(h - 1 - y) * w * 3, (size_t)w * 3);
    mem_free(tmp);
}

Status glu_check(const char *what) {
    GLenum err = glGetError();
    if (err == GL_NO_ERROR) return STATUS_OK;
    LOG_ERROR("gl", "%s: GL error 0x%04x", what, err);
    while (glGetError() != GL_NO_ERROR) {
    }
    return STATUS_INTERNAL;
}
