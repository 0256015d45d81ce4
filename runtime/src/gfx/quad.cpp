/* SPDX-License-Identifier: MIT */
#include "gfx/quad.h"

#include <cerrno>

#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>

#include "gfx/egl.h"

namespace scanout {

namespace {

const char *const kVertexShader = R"(
attribute vec2 position;   // unit square, top-left origin
uniform vec4 viewport;     // destination x, y, w, h over the frame's w, h: (x/W, y/H, w/W, h/H)
varying vec2 uv;
void main()
{
    uv = position;
    vec2 p = viewport.xy + position * viewport.zw;
    gl_Position = vec4(p.x * 2.0 - 1.0, 1.0 - p.y * 2.0, 0.0, 1.0);
}
)";

const char *const kExternalShader = R"(
#extension GL_OES_EGL_image_external : require
precision mediump float;
uniform samplerExternalOES image;
varying vec2 uv;
void main()
{
    gl_FragColor = texture2D(image, uv);
}
)";

/*
 * Y from the R channel of plane 0; U and V each from the R or G channel
 * (the picks) of their plane's texture, which may be one and the same.
 * BT.601 limited range: Y 16..235 and U, V 16..240 (scaled by 255/219 and
 * 255/224), Kr 0.299, Kb 0.114.
 */
const char *const kYuvShader = R"(
precision mediump float;
uniform sampler2D planeY;
uniform sampler2D planeU;
uniform sampler2D planeV;
uniform vec2 uPick;
uniform vec2 vPick;
varying vec2 uv;
void main()
{
    float y = 1.16438 * (texture2D(planeY, uv).r - 0.0627451);
    float u = dot(texture2D(planeU, uv).rg, uPick) - 0.501961;
    float v = dot(texture2D(planeV, uv).rg, vPick) - 0.501961;
    gl_FragColor = vec4(clamp(vec3(y + 1.59603 * v,
                                   y - 0.391762 * u - 0.812968 * v,
                                   y + 2.01723 * u), 0.0, 1.0), 1.0);
}
)";

Result<GLuint> compileShader(GLenum type, const char *source, const char *what)
{
    GLuint shader = glCreateShader(type);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[512] = {};
        glGetShaderInfoLog(shader, sizeof(log), nullptr, log);
        glDeleteShader(shader);
        return makeError(EINVAL, "compile %s %s shader: %s", what,
                         type == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
    }
    return shader;
}

} /* namespace */

Result<TextureQuad::Program> TextureQuad::build(Kind kind)
{
    const char *what = kind == External ? "external-image" : "YUV-planes";
    Result<GLuint> vs = compileShader(GL_VERTEX_SHADER, kVertexShader, what);
    if (!vs)
        return vs.error();
    Result<GLuint> fs =
        compileShader(GL_FRAGMENT_SHADER, kind == External ? kExternalShader : kYuvShader, what);
    if (!fs) {
        glDeleteShader(*vs);
        return fs.error();
    }
    GLuint program = glCreateProgram();
    glAttachShader(program, *vs);
    glAttachShader(program, *fs);
    glLinkProgram(program);
    glDeleteShader(*vs);
    glDeleteShader(*fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[512] = {};
        glGetProgramInfoLog(program, sizeof(log), nullptr, log);
        glDeleteProgram(program);
        return makeError(EINVAL, "link %s program: %s", what, log);
    }

    Program p;
    p.program = program;
    p.position = glGetAttribLocation(program, "position");
    p.viewport = glGetUniformLocation(program, "viewport");
    if (kind == External) {
        p.samplers[0] = glGetUniformLocation(program, "image");
    } else {
        p.samplers[0] = glGetUniformLocation(program, "planeY");
        p.samplers[1] = glGetUniformLocation(program, "planeU");
        p.samplers[2] = glGetUniformLocation(program, "planeV");
        p.uPick = glGetUniformLocation(program, "uPick");
        p.vPick = glGetUniformLocation(program, "vPick");
    }
    return p;
}

Result<std::unique_ptr<TextureQuad>> TextureQuad::create()
{
    return std::unique_ptr<TextureQuad>(new TextureQuad());
}

TextureQuad::~TextureQuad()
{
    for (const Program &p : programs_)
        if (p.program)
            glDeleteProgram(p.program);
}

Result<void> TextureQuad::draw(const DmaBufTexture &texture, const Rect &dst, uint32_t width,
                               uint32_t height)
{
    const YuvPlaneLayout *yuv = texture.yuv();
    Kind kind = yuv ? YuvPlanes : External;
    Program &p = programs_[kind];
    if (!p.program) {
        Result<Program> built = build(kind);
        if (!built)
            return built.error();
        p = *built;
    }

    static const GLfloat corners[] = {0, 0, 1, 0, 0, 1, 1, 1};
    glUseProgram(p.program);
    glDisable(GL_SCISSOR_TEST);
    glViewport(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height));
    glUniform4f(p.viewport, static_cast<float>(dst.x) / width, static_cast<float>(dst.y) / height,
                static_cast<float>(dst.width) / width, static_cast<float>(dst.height) / height);

    /* Unit i samples Y, U, V in turn: the texture holding each. */
    GLuint units[3] = {texture.name(0), 0, 0};
    GLsizei unitCount = 1;
    if (yuv) {
        units[1] = texture.name(yuv->uTexture);
        units[2] = texture.name(yuv->vTexture);
        unitCount = 3;
        glUniform2f(p.uPick, yuv->uChannel == 0 ? 1.0f : 0.0f, yuv->uChannel == 1 ? 1.0f : 0.0f);
        glUniform2f(p.vPick, yuv->vChannel == 0 ? 1.0f : 0.0f, yuv->vChannel == 1 ? 1.0f : 0.0f);
    }
    GLenum target = texture.target();
    for (GLsizei i = 0; i < unitCount; i++) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(i));
        glBindTexture(target, units[i]);
        glUniform1i(p.samplers[i], i);
    }
    glVertexAttribPointer(static_cast<GLuint>(p.position), 2, GL_FLOAT, GL_FALSE, 0, corners);
    glEnableVertexAttribArray(static_cast<GLuint>(p.position));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glDisableVertexAttribArray(static_cast<GLuint>(p.position));
    for (GLsizei i = unitCount - 1; i >= 0; i--) {
        glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(i));
        glBindTexture(target, 0);
    }
    return {};
}

} /* namespace scanout */
