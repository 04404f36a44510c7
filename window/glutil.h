/* glutil.h: small OpenGL 3.3 core helpers: shader programs with their compile logs, a
 * fullscreen triangle, RGB(A) texture upload and framebuffer read-back. GL calls happen on the
 * main thread only. Functions that can fail return Status and log the GL info log. */
#ifndef WINDOW_GLUTIL_H
#define WINDOW_GLUTIL_H

#include <GL/glew.h>
#include <stdint.h>

#include "core/status.h"

/* Compiles and links a vertex + fragment program; `name` labels error messages. */
Status glu_program_create(const char *name, const char *vs_src, const char *fs_src, GLuint *out);

/* An empty VAO for drawing a fullscreen triangle with gl_VertexID (3 vertices). */
GLuint glu_fullscreen_vao(void);

/* Creates a 2D RGBA8 texture of w x h with nearest filtering (pixels may be NULL). */
GLuint glu_texture_rgba(int w, int h, const uint8_t *rgba);
/* Uploads tightly packed RGB8 rows (top row first) into a texture of the same size. */
void glu_texture_upload_rgb(GLuint tex, int w, int h, const uint8_t *rgb);
void glu_texture_upload_rgba(GLuint tex, int w, int h, const uint8_t *rgba);

/* Reads the current framebuffer's w x h pixels into RGB rows, top row first. */
void glu_read_rgb(int w, int h, uint8_t *rgb);

/* Logs and returns STATUS_INTERNAL if glGetError reports anything; `what` names the step. */
Status glu_check(const char *what);

#endif
