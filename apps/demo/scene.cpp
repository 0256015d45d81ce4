/* SPDX-License-Identifier: MIT */
#include "scene.h"

#include <cerrno>

#include <GLES2/gl2.h>

namespace scanout::demo {

Layout layoutFor(uint32_t width, uint32_t height, uint64_t frame)
{
    Layout l{};
    uint32_t barsHeight = height * 3 / 4;
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t x0 = width * i / 8, x1 = width * (i + 1) / 8;
        l.bars[i] = {x0, 0, x1 - x0, barsHeight};
    }
    l.band = {0, barsHeight, width, height - barsHeight};

    uint32_t size = l.band.h / 2;
    uint32_t travel = width > size ? width - size : 1;
    uint32_t x = static_cast<uint32_t>((frame * kBlockStep) % travel);
    l.block = {x, l.band.y + (l.band.h - size) / 2, size, size};
    return l;
}

namespace {

const char *const kVertexShader = R"(
attribute vec2 position;   // pixels, top-left origin
uniform vec2 viewport;
void main()
{
    vec2 ndc = position / viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
)";

const char *const kFragmentShader = R"(
precision mediump float;
uniform vec4 color;
void main()
{
    gl_FragColor = color;
}
)";

Result<GLuint> compile(GLenum type, const char *source)
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
        return makeError(EINVAL, "compile %s shader: %s",
                         type == GL_VERTEX_SHADER ? "vertex" : "fragment", log);
    }
    return shader;
}

void clearRect(const Rect &r, uint32_t screenHeight, const Rgb &c)
{
    /* GL's scissor origin is bottom-left. */
    glScissor(static_cast<GLint>(r.x), static_cast<GLint>(screenHeight - r.y - r.h),
              static_cast<GLsizei>(r.w), static_cast<GLsizei>(r.h));
    glClearColor(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
}

/* The frame's rectangle under a logical one: a turn by a multiple of 90 degrees keeps it one. */
Rect toFrame(const OutputTransform &turn, const Rect &r)
{
    scanout::Rect p = turn.toPhysical(
        scanout::Rect{static_cast<int32_t>(r.x), static_cast<int32_t>(r.y), r.w, r.h});
    return {static_cast<uint32_t>(p.x), static_cast<uint32_t>(p.y), p.width, p.height};
}

} /* namespace */

Result<std::unique_ptr<Scene>> Scene::create(const OutputTransform &turn)
{
    std::unique_ptr<Scene> scene(new Scene());
    scene->turn_ = turn;

    Result<GLuint> vs = compile(GL_VERTEX_SHADER, kVertexShader);
    if (!vs)
        return vs.error();
    Result<GLuint> fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
    if (!fs) {
        glDeleteShader(*vs);
        return fs.error();
    }

    GLuint program = glCreateProgram();
    glAttachShader(program, *vs);
    glAttachShader(program, *fs);
    glBindAttribLocation(program, 0, "position");
    glLinkProgram(program);
    glDeleteShader(*vs);
    glDeleteShader(*fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[512] = {};
        glGetProgramInfoLog(program, sizeof(log), nullptr, log);
        glDeleteProgram(program);
        return makeError(EINVAL, "link shader program: %s", log);
    }
    scene->program_ = program;
    scene->sizeLoc_ = glGetUniformLocation(program, "viewport");
    scene->colorLoc_ = glGetUniformLocation(program, "color");
    scene->posLoc_ = 0;
    return scene;
}

Scene::~Scene()
{
    if (program_)
        glDeleteProgram(program_);
}

void Scene::draw(uint64_t frame)
{
    Layout l = layoutFor(turn_.logicalWidth(), turn_.logicalHeight(), frame);
    uint32_t width = turn_.physicalWidth(), height = turn_.physicalHeight();

    glViewport(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height));
    glEnable(GL_SCISSOR_TEST);
    for (size_t i = 0; i < l.bars.size(); i++)
        clearRect(toFrame(turn_, l.bars[i]), height, kBarColors[i]);
    clearRect(toFrame(turn_, l.band), height, kBandColor);
    glDisable(GL_SCISSOR_TEST);

    const Rect b = toFrame(turn_, l.block);
    const GLfloat quad[] = {
        float(b.x), float(b.y),       float(b.x + b.w), float(b.y),
        float(b.x), float(b.y + b.h), float(b.x + b.w), float(b.y + b.h),
    };
    glUseProgram(program_);
    glUniform2f(sizeLoc_, float(width), float(height));
    glUniform4f(colorLoc_, kBlockColor.r / 255.0f, kBlockColor.g / 255.0f, kBlockColor.b / 255.0f,
                1.0f);
    glVertexAttribPointer(static_cast<GLuint>(posLoc_), 2, GL_FLOAT, GL_FALSE, 0, quad);
    glEnableVertexAttribArray(static_cast<GLuint>(posLoc_));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glDisableVertexAttribArray(static_cast<GLuint>(posLoc_));
}

} /* namespace scanout::demo */
