/* SPDX-License-Identifier: MIT */
#include "gfx/quad.h"

#include <cerrno>
#include <string>

#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>

#include "gfx/egl.h"

namespace scanout {

namespace {

const char *const kVertexShader = R"(
attribute vec2 position;   // unit square, top-left origin
attribute vec2 texcoord;   // where that corner samples: the square turned by the rotation
uniform vec4 viewport;     // destination x, y, w, h over the frame's w, h: (x/W, y/H, w/W, h/H)
varying vec2 uv;
void main()
{
    uv = texcoord;
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
 * BT.601 limited range (Y 16..235, U and V 16..240 around 128; Kr 0.299,
 * Kb 0.114) to RGB, as columns multiplying Y, U and V. %s is the chroma
 * expression: U and V as a vec2, from one GR88 texture or two R8 ones.
 * Under llvmpipe each texture fetch counts, so U and V sharing a texture
 * are fetched once.
 */
const char *const kYuvShaderFormat = R"(
precision mediump float;
uniform sampler2D plane0;
uniform sampler2D plane1;
uniform sampler2D plane2;
varying vec2 uv;
const mat3 yuvToRgb = mat3(1.16438, 1.16438, 1.16438,
                           0.0, -0.391762, 2.01723,
                           1.59603, -0.812968, 0.0);
const vec3 yuvOffset = vec3(0.0627451, 0.501961, 0.501961);
void main()
{
    vec3 yuv = vec3(texture2D(plane0, uv).r, %s) - yuvOffset;
    gl_FragColor = vec4(yuvToRgb * yuv, 1.0);
}
)";

/* The chroma expression of kYuvShaderFormat for \a layout. */
std::string chromaExpression(const YuvPlaneLayout &layout)
{
    const char channels[] = "rg";
    if (layout.uTexture == layout.vTexture)
        return format("texture2D(plane%u, uv).%c%c", layout.uTexture, channels[layout.uChannel],
                      channels[layout.vChannel]);
    return format("texture2D(plane%u, uv).%c, texture2D(plane%u, uv).%c", layout.uTexture,
                  channels[layout.uChannel], layout.vTexture, channels[layout.vChannel]);
}

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

Result<TextureQuad::Program> TextureQuad::build(const YuvPlaneLayout *layout)
{
    const char *what = layout ? "YUV-planes" : "external-image";
    std::string yuvSource;
    if (layout)
        yuvSource = format(kYuvShaderFormat, chromaExpression(*layout).c_str());
    Result<GLuint> vs = compileShader(GL_VERTEX_SHADER, kVertexShader, what);
    if (!vs)
        return vs.error();
    Result<GLuint> fs =
        compileShader(GL_FRAGMENT_SHADER, layout ? yuvSource.c_str() : kExternalShader, what);
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
    p.layout = layout;
    p.program = program;
    p.position = glGetAttribLocation(program, "position");
    p.texcoord = glGetAttribLocation(program, "texcoord");
    p.viewport = glGetUniformLocation(program, "viewport");
    if (layout) {
        /* -1 for a plane the shader does not read: glUniform1i ignores it. */
        p.samplers[0] = glGetUniformLocation(program, "plane0");
        p.samplers[1] = glGetUniformLocation(program, "plane1");
        p.samplers[2] = glGetUniformLocation(program, "plane2");
    } else {
        p.samplers[0] = glGetUniformLocation(program, "image");
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
        glDeleteProgram(p.program);
}

Result<const TextureQuad::Program *> TextureQuad::program(const YuvPlaneLayout *layout)
{
    for (const Program &p : programs_)
        if (p.layout == layout)
            return &p;
    Result<Program> built = build(layout);
    if (!built)
        return built.error();
    programs_.push_back(*built);
    return &programs_.back();
}

Result<void> TextureQuad::draw(const DmaBufTexture &texture, const Rect &dst, uint32_t width,
                               uint32_t height, const OutputTransform &unit)
{
    Result<const Program *> p = program(texture.yuv());
    if (!p)
        return p.error();
    glDisable(GL_SCISSOR_TEST);
    drawQuad(**p, texture, dst, width, height, unit);
    return {};
}

Result<void> TextureQuad::prepare(const DmaBufTexture &texture, uint32_t width, uint32_t height)
{
    Result<const Program *> p = program(texture.yuv());
    if (!p)
        return p.error();
    GLboolean scissor = glIsEnabled(GL_SCISSOR_TEST);
    GLint box[4] = {};
    glGetIntegerv(GL_SCISSOR_BOX, box);
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 0, 0, 0);
    drawQuad(**p, texture, Rect{0, 0, width, height}, width, height,
             OutputTransform(1, 1, Rotation::R0));
    glScissor(box[0], box[1], box[2], box[3]);
    if (!scissor)
        glDisable(GL_SCISSOR_TEST);
    return {};
}

void TextureQuad::drawQuad(const Program &p, const DmaBufTexture &texture, const Rect &dst,
                           uint32_t width, uint32_t height, const OutputTransform &unit)
{
    static const GLfloat corners[] = {0, 0, 1, 0, 0, 1, 1, 1};
    /* Each corner of the destination samples the picture where the transform put it. */
    GLfloat texcoords[8];
    for (int i = 0; i < 4; i++) {
        PointF uv = unit.toLogical(PointF{corners[2 * i], corners[2 * i + 1]});
        texcoords[2 * i] = static_cast<GLfloat>(uv.x);
        texcoords[2 * i + 1] = static_cast<GLfloat>(uv.y);
    }
    glUseProgram(p.program);
    glViewport(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height));
    glUniform4f(p.viewport, static_cast<float>(dst.x) / width, static_cast<float>(dst.y) / height,
                static_cast<float>(dst.width) / width, static_cast<float>(dst.height) / height);
    GLenum target = texture.target();
    GLuint count = texture.textureCount();
    for (GLuint i = 0; i < count; i++) {
        glActiveTexture(GL_TEXTURE0 + i);
        glBindTexture(target, texture.name(i));
        glUniform1i(p.samplers[i], static_cast<GLint>(i));
    }
    glVertexAttribPointer(static_cast<GLuint>(p.position), 2, GL_FLOAT, GL_FALSE, 0, corners);
    glEnableVertexAttribArray(static_cast<GLuint>(p.position));
    glVertexAttribPointer(static_cast<GLuint>(p.texcoord), 2, GL_FLOAT, GL_FALSE, 0, texcoords);
    glEnableVertexAttribArray(static_cast<GLuint>(p.texcoord));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glDisableVertexAttribArray(static_cast<GLuint>(p.texcoord));
    glDisableVertexAttribArray(static_cast<GLuint>(p.position));
    for (GLuint i = count; i-- > 0;) {
        glActiveTexture(GL_TEXTURE0 + i);
        glBindTexture(target, 0);
    }
}

} /* namespace scanout */
