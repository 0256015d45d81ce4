/* SPDX-License-Identifier: MIT */
#include "gfx/quad.h"

#include <cerrno>

#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>

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

const char *const kFragmentShader = R"(
#extension GL_OES_EGL_image_external : require
precision mediump float;
uniform samplerExternalOES image;
varying vec2 uv;
void main()
{
    gl_FragColor = texture2D(image, uv);
}
)";

Result<GLuint> compileShader(GLenum type, const char *source)
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
        return makeError(EINVAL, "compile external-image %s shader: %s",
                         type == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
    }
    return shader;
}

} /* namespace */

Result<std::unique_ptr<TextureQuad>> TextureQuad::create()
{
    Result<GLuint> vs = compileShader(GL_VERTEX_SHADER, kVertexShader);
    if (!vs)
        return vs.error();
    Result<GLuint> fs = compileShader(GL_FRAGMENT_SHADER, kFragmentShader);
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
        return makeError(EINVAL, "link external-image program: %s", log);
    }

    std::unique_ptr<TextureQuad> quad(new TextureQuad());
    quad->program_ = program;
    quad->position_ = glGetAttribLocation(program, "position");
    quad->viewport_ = glGetUniformLocation(program, "viewport");
    quad->sampler_ = glGetUniformLocation(program, "image");
    return quad;
}

TextureQuad::~TextureQuad()
{
    if (program_)
        glDeleteProgram(program_);
}

void TextureQuad::draw(uint32_t texture, const Rect &dst, uint32_t width, uint32_t height)
{
    static const GLfloat corners[] = {0, 0, 1, 0, 0, 1, 1, 1};
    glUseProgram(program_);
    glDisable(GL_SCISSOR_TEST);
    glViewport(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height));
    glUniform4f(viewport_, static_cast<float>(dst.x) / width, static_cast<float>(dst.y) / height,
                static_cast<float>(dst.width) / width, static_cast<float>(dst.height) / height);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_EXTERNAL_OES, texture);
    glUniform1i(sampler_, 0);
    glVertexAttribPointer(static_cast<GLuint>(position_), 2, GL_FLOAT, GL_FALSE, 0, corners);
    glEnableVertexAttribArray(static_cast<GLuint>(position_));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glDisableVertexAttribArray(static_cast<GLuint>(position_));
    glBindTexture(GL_TEXTURE_EXTERNAL_OES, 0);
}

} /* namespace scanout */
