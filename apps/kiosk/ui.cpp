/* SPDX-License-Identifier: MIT */
#include "ui.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace scanout::kiosk {

namespace {

/* XKB keysyms; the values are fixed by the X11 protocol, so no need for xkbcommon. */
constexpr uint32_t kKeyEscape = 0xff1b;
constexpr uint32_t kKeyTab = 0xff09;
constexpr uint32_t kKeyPrint = 0xff61;
constexpr uint32_t kKeyF1 = 0xffbe;
constexpr uint32_t kKeyF2 = 0xffbf;
constexpr uint32_t kKeyF3 = 0xffc0;

/* Sized so the usual status line fits without the scale jumping as the numbers change. */
constexpr std::string_view kStatusReference = "FPS 99.9  CAM EXPORT  DROP 999";
constexpr std::string_view kPlaceholderText = "CAMERA LOST";

uint32_t even(uint32_t v)
{
    return v & ~1u;
}

uint32_t minus(uint32_t a, uint32_t b)
{
    return a > b ? a - b : 0;
}

int32_t right(const Rect &r)
{
    return r.x + static_cast<int32_t>(r.width);
}

int32_t bottom(const Rect &r)
{
    return r.y + static_cast<int32_t>(r.height);
}

/* Seven rows of five columns, the most significant of the five bits on the left. */
using Glyph = std::array<uint8_t, kGlyphHeight>;

constexpr std::array<Glyph, 10> kDigits = {{
    {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110}, /* 0 */
    {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}, /* 1 */
    {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111}, /* 2 */
    {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110}, /* 3 */
    {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010}, /* 4 */
    {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110}, /* 5 */
    {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110}, /* 6 */
    {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000}, /* 7 */
    {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110}, /* 8 */
    {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100}, /* 9 */
}};

constexpr std::array<Glyph, 26> kLetters = {{
    {0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}, /* A */
    {0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110}, /* B */
    {0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110}, /* C */
    {0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100}, /* D */
    {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111}, /* E */
    {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000}, /* F */
    {0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111}, /* G */
    {0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}, /* H */
    {0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}, /* I */
    {0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100}, /* J */
    {0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001}, /* K */
    {0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111}, /* L */
    {0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001}, /* M */
    {0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001}, /* N */
    {0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}, /* O */
    {0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000}, /* P */
    {0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101}, /* Q */
    {0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001}, /* R */
    {0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110}, /* S */
    {0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}, /* T */
    {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}, /* U */
    {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}, /* V */
    {0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010}, /* W */
    {0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001}, /* X */
    {0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100}, /* Y */
    {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111}, /* Z */
}};

constexpr Glyph kBlank = {};
constexpr Glyph kDot = {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100};
constexpr Glyph kColon = {0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000};
constexpr Glyph kSlash = {0b00000, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b00000};
constexpr Glyph kDash = {0b00000, 0b00000, 0b00000, 0b11111, 0b00000, 0b00000, 0b00000};
constexpr Glyph kPercent = {0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011};

const Glyph &glyphFor(char c)
{
    if (c >= '0' && c <= '9')
        return kDigits[c - '0'];
    if (c >= 'A' && c <= 'Z')
        return kLetters[c - 'A'];
    if (c >= 'a' && c <= 'z')
        return kLetters[c - 'a'];
    switch (c) {
    case '.':
        return kDot;
    case ':':
        return kColon;
    case '/':
        return kSlash;
    case '-':
        return kDash;
    case '%':
        return kPercent;
    default:
        return kBlank;
    }
}

/*
 * One glyph as few rectangles: each row's runs of lit pixels, a run grown
 * downwards while the rows below repeat it. Every fill is a scissored clear
 * in the painter, so fewer is faster.
 */
void appendGlyph(std::vector<Fill> &out, const Glyph &glyph, int32_t x, int32_t y, uint32_t scale,
                 Colour colour)
{
    struct Run {
        uint32_t first, last, top; /* columns [first, last), from row top down */
    };
    /* Five columns hold at most three runs. */
    std::array<Run, 3> open{};
    size_t openCount = 0;
    auto emit = [&](const Run &r, uint32_t endRow) {
        out.push_back({Rect{x + static_cast<int32_t>(r.first * scale),
                            y + static_cast<int32_t>(r.top * scale), (r.last - r.first) * scale,
                            (endRow - r.top) * scale},
                       colour});
    };

    /* One empty row past the glyph closes the runs still open. */
    for (uint32_t row = 0; row <= kGlyphHeight; row++) {
        uint8_t bits = row < kGlyphHeight ? glyph[row] : 0;
        std::array<Run, 3> next{};
        size_t nextCount = 0;
        std::array<bool, 3> continued{};
        for (uint32_t col = 0; col < kGlyphWidth; col++) {
            if (!(bits & (0x10 >> col)))
                continue;
            Run run{col, col, row};
            while (run.last < kGlyphWidth && (bits & (0x10 >> run.last)))
                run.last++;
            col = run.last;
            for (size_t i = 0; i < openCount; i++) {
                if (open[i].first == run.first && open[i].last == run.last) {
                    run.top = open[i].top;
                    continued[i] = true;
                }
            }
            next[nextCount++] = run;
        }
        for (size_t i = 0; i < openCount; i++) {
            if (!continued[i])
                emit(open[i], row);
        }
        open = next;
        openCount = nextCount;
    }
}

Rect inset(const Rect &r, uint32_t by)
{
    return Rect{r.x + static_cast<int32_t>(by), r.y + static_cast<int32_t>(by),
                minus(r.width, 2 * by), minus(r.height, 2 * by)};
}

/* The label scale shared by all buttons: the largest at which every label fits every button. */
uint32_t labelScale(const std::vector<Button> &buttons)
{
    uint32_t scale = UINT32_MAX;
    for (const Button &b : buttons) {
        uint32_t pad = std::min(b.rect.width, b.rect.height) / 8;
        Rect box = inset(b.rect, pad);
        uint32_t maxScale = std::max(1u, b.rect.height / 2 / kGlyphHeight);
        scale = std::min(scale, fitTextScale(b.label, box.width, box.height, maxScale));
    }
    return buttons.empty() ? 0 : scale;
}

struct ButtonSpec {
    Action action;
    Colour colour;
    const char *label;
};

constexpr std::array<ButtonSpec, 3> kButtons = {{
    {Action::ToggleCamera, kCameraButtonColour, "CAMERA"},
    {Action::SwitchLayout, kLayoutButtonColour, "LAYOUT"},
    {Action::Screenshot, kShotButtonColour, "SHOT"},
}};

/* Labels as words where they fit, else every button shows its shortcut letter. */
uint32_t labelButtons(std::vector<Button> &buttons, bool words)
{
    for (size_t i = 0; i < buttons.size(); i++) {
        buttons[i].label = kButtons[i].label;
        if (!words)
            buttons[i].label.resize(1);
    }
    uint32_t scale = labelScale(buttons);
    if (scale || !words)
        return scale;
    return labelButtons(buttons, false);
}

/* Appends the parts of \a area outside \a hole, which lies within it. */
void appendAround(std::vector<Fill> &out, const Rect &area, const Rect &hole, Colour colour)
{
    if (hole.empty()) {
        if (!area.empty())
            out.push_back({area, colour});
        return;
    }
    Rect parts[] = {
        {area.x, area.y, area.width, static_cast<uint32_t>(hole.y - area.y)},
        {area.x, bottom(hole), area.width, static_cast<uint32_t>(bottom(area) - bottom(hole))},
        {area.x, hole.y, static_cast<uint32_t>(hole.x - area.x), hole.height},
        {right(hole), hole.y, static_cast<uint32_t>(right(area) - right(hole)), hole.height},
    };
    for (const Rect &r : parts) {
        if (!r.empty())
            out.push_back({r, colour});
    }
}

} /* namespace */

const char *actionName(Action action)
{
    switch (action) {
    case Action::None:
        return "none";
    case Action::ToggleCamera:
        return "toggle-camera";
    case Action::SwitchLayout:
        return "switch-layout";
    case Action::Screenshot:
        return "screenshot";
    case Action::Quit:
        return "quit";
    }
    return "none";
}

Colour pressedColour(Colour c)
{
    auto lift = [](uint8_t v) { return static_cast<uint8_t>((v + 255) / 2); };
    return {lift(c.r), lift(c.g), lift(c.b)};
}

std::string statusText(const UiState &state)
{
    /* A NaN or a negative rate means nothing was measured yet. */
    double fps = std::isfinite(state.fps) && state.fps > 0 ? std::min(state.fps, 99999.0) : 0;
    char rate[16];
    std::snprintf(rate, sizeof(rate), "%.1f", fps);

    std::string camera;
    if (!state.cameraOn) {
        camera = "OFF";
    } else if (state.cameraLost) {
        camera = "LOST";
    } else if (state.cameraPath.empty()) {
        camera = "-";
    } else {
        camera = state.cameraPath;
        std::transform(camera.begin(), camera.end(), camera.begin(), [](char c) {
            return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        });
    }
    return std::string("FPS ") + rate + "  CAM " + camera + "  DROP " +
           std::to_string(state.dropped);
}

Action actionForKey(uint32_t keysym)
{
    switch (keysym) {
    case kKeyEscape:
        return Action::Quit;
    case 'c':
    case 'C':
    case kKeyF1:
        return Action::ToggleCamera;
    case 'l':
    case 'L':
    case kKeyTab:
    case kKeyF2:
        return Action::SwitchLayout;
    case 's':
    case 'S':
    case kKeyF3:
    case kKeyPrint:
        return Action::Screenshot;
    default:
        return Action::None;
    }
}

uint32_t textWidth(std::string_view text, uint32_t scale)
{
    if (text.empty())
        return 0;
    return static_cast<uint32_t>(text.size() * kGlyphAdvance - (kGlyphAdvance - kGlyphWidth)) *
           scale;
}

uint32_t fitTextScale(std::string_view text, uint32_t width, uint32_t height, uint32_t maxScale)
{
    uint32_t scale = std::min(maxScale, height / kGlyphHeight);
    uint32_t unit = textWidth(text, 1);
    if (unit)
        scale = std::min(scale, width / unit);
    return scale;
}

void appendText(std::vector<Fill> &out, std::string_view text, int32_t x, int32_t y, uint32_t scale,
                Colour colour)
{
    int32_t advance = static_cast<int32_t>(kGlyphAdvance * scale);
    for (char c : text) {
        appendGlyph(out, glyphFor(c), x, y, scale, colour);
        x += advance;
    }
}

uint32_t appendTextIn(std::vector<Fill> &out, std::string_view text, const Rect &box, Colour colour,
                      Align align, uint32_t maxScale)
{
    uint32_t scale = fitTextScale(text, box.width, box.height, maxScale);
    if (!scale) {
        /* Too long even at scale 1: keep the characters that fit. */
        if (!maxScale || box.height < kGlyphHeight)
            return 0;
        size_t fits = (box.width + kGlyphAdvance - kGlyphWidth) / kGlyphAdvance;
        if (!fits)
            return 0;
        text = text.substr(0, fits);
        scale = 1;
    }
    uint32_t width = textWidth(text, scale);
    int32_t x = box.x;
    if (align == Align::Centre)
        x += static_cast<int32_t>((box.width - width) / 2);
    int32_t y = box.y + static_cast<int32_t>((box.height - kGlyphHeight * scale) / 2);
    appendText(out, text, x, y, scale, colour);
    return scale;
}

KioskUi::KioskUi(uint32_t logicalWidth, uint32_t logicalHeight)
{
    resize(logicalWidth, logicalHeight);
}

void KioskUi::resize(uint32_t logicalWidth, uint32_t logicalHeight)
{
    width_ = logicalWidth;
    height_ = logicalHeight;

    uint32_t strip = std::min(even(std::max(24u, height_ / 12)), height_);
    status_ = Rect{0, static_cast<int32_t>(height_ - strip), width_, strip};

    layoutBeside();
    layoutCameraFull();

    /* One scale for both layouts, so switching does not resize the text. */
    const Rect &box = cameraFull_.statusText;
    uint32_t maxScale = std::max(1u, strip * 3 / 5 / kGlyphHeight);
    statusScale_ = std::max(1u, fitTextScale(kStatusReference, box.width, box.height, maxScale));
}

void KioskUi::layoutBeside()
{
    Geometry &g = beside_;
    g.buttons.clear();
    uint32_t content = height_ - status_.height;

    if (width_ >= height_) {
        uint32_t column = even(width_ / 3);
        uint32_t margin = std::max(4u, std::min(column, content) / 16);
        uint32_t w = minus(column, 2 * margin);
        uint32_t h = minus(content, 4 * margin) / 3;
        for (size_t i = 0; i < kButtons.size(); i++) {
            int32_t y = static_cast<int32_t>(margin + i * (h + margin));
            g.buttons.push_back({kButtons[i].action,
                                 Rect{static_cast<int32_t>(margin), y, w, h},
                                 kButtons[i].colour,
                                 {}});
        }
        g.camera = Rect{static_cast<int32_t>(column), 0, even(width_ - column), even(content)};
    } else {
        uint32_t row = even(content / 3);
        uint32_t margin = std::max(4u, std::min(width_, row) / 16);
        uint32_t w = minus(width_, 4 * margin) / 3;
        uint32_t h = minus(row, 2 * margin);
        for (size_t i = 0; i < kButtons.size(); i++) {
            int32_t x = static_cast<int32_t>(margin + i * (w + margin));
            g.buttons.push_back({kButtons[i].action,
                                 Rect{x, static_cast<int32_t>(margin), w, h},
                                 kButtons[i].colour,
                                 {}});
        }
        g.camera = Rect{0, static_cast<int32_t>(row), even(width_), even(content - row)};
    }
    g.labelScale = labelButtons(g.buttons, true);

    uint32_t pad = status_.height / 4;
    g.statusText =
        Rect{static_cast<int32_t>(pad), status_.y, minus(width_, 2 * pad), status_.height};
}

void KioskUi::layoutCameraFull()
{
    Geometry &g = cameraFull_;
    g.buttons.clear();
    uint32_t strip = status_.height;

    uint32_t side = strip, gap = strip / 4;
    if (3 * (side + gap) > width_) {
        gap = std::min(gap, width_ / 6);
        side = width_ / 3 - gap;
    }
    for (size_t i = 0; i < kButtons.size(); i++) {
        int32_t x = static_cast<int32_t>(width_ - (kButtons.size() - i) * (side + gap));
        g.buttons.push_back(
            {kButtons[i].action, Rect{x, status_.y, side, strip}, kButtons[i].colour, {}});
    }
    g.labelScale = labelButtons(g.buttons, false);
    g.camera = Rect{0, 0, even(width_), even(height_ - strip)};

    uint32_t pad = strip / 4;
    uint32_t textEnd = static_cast<uint32_t>(g.buttons.front().rect.x);
    g.statusText = Rect{static_cast<int32_t>(pad), status_.y, minus(textEnd, 2 * pad), strip};
}

const KioskUi::Geometry &KioskUi::geometry(Layout layout) const
{
    return layout == Layout::CameraFull ? cameraFull_ : beside_;
}

const std::vector<Button> &KioskUi::buttons(const UiState &state) const
{
    return geometry(state.layout).buttons;
}

Rect KioskUi::cameraRect(const UiState &state) const
{
    return state.cameraOn ? geometry(state.layout).camera : Rect{};
}

std::vector<Fill> KioskUi::paint(const UiState &state) const
{
    const Geometry &g = geometry(state.layout);
    std::vector<Fill> out;

    Rect content{0, 0, width_, height_ - status_.height};
    Rect camera = cameraRect(state);
    appendAround(out, content, camera, kBackgroundColour);

    if (!camera.empty() && state.cameraLost) {
        out.push_back({camera, kPlaceholderColour});
        Rect box{camera.x + static_cast<int32_t>(camera.width / 6), camera.y,
                 camera.width - camera.width / 6 * 2, camera.height};
        uint32_t maxScale = std::max(1u, camera.height / 8 / kGlyphHeight);
        appendTextIn(out, kPlaceholderText, box, kPlaceholderTextColour, Align::Centre, maxScale);
    }

    if (!status_.empty()) {
        out.push_back({status_, kStatusColour});
        appendTextIn(out, statusText(state), g.statusText, kStatusTextColour, Align::Left,
                     statusScale_);
    }

    for (const Button &b : g.buttons) {
        if (b.rect.empty())
            continue;
        bool held = state.pressed && *state.pressed == b.action;
        out.push_back({b.rect, held ? pressedColour(b.colour) : b.colour});
        if (g.labelScale)
            appendTextIn(out, b.label, b.rect, kLabelColour, Align::Centre, g.labelScale);
    }
    return out;
}

Action KioskUi::hit(const UiState &state, PointF p) const
{
    for (const Button &b : buttons(state)) {
        if (p.x >= b.rect.x && p.x < right(b.rect) && p.y >= b.rect.y && p.y < bottom(b.rect))
            return b.action;
    }
    return Action::None;
}

CornerPress::CornerPress(uint32_t width, uint32_t height, uint32_t cornerPx, uint64_t holdUs)
    : width_(width), height_(height), cornerPx_(cornerPx), holdUs_(holdUs)
{
}

void CornerPress::resize(uint32_t width, uint32_t height)
{
    width_ = width;
    height_ = height;
    armed_ = false;
}

/* 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; -1 outside all four. */
int CornerPress::corner(PointF p) const
{
    double w = width_, h = height_, c = cornerPx_;
    if (p.x < 0 || p.y < 0 || p.x > w || p.y > h)
        return -1;
    bool onLeft = p.x < c, onRight = p.x >= w - c;
    bool onTop = p.y < c, onBottom = p.y >= h - c;
    if (!(onLeft || onRight) || !(onTop || onBottom))
        return -1;
    return (onTop ? 0 : 2) + (onLeft ? 0 : 1);
}

void CornerPress::end(uint64_t timeUs)
{
    if (armed_ && timeUs >= startUs_ + holdUs_)
        fired_ = true;
    armed_ = false;
}

void CornerPress::down(PointF p, uint64_t timeUs)
{
    end(timeUs);
    corner_ = corner(p);
    if (corner_ < 0)
        return;
    armed_ = true;
    startUs_ = timeUs;
}

void CornerPress::motion(PointF p, uint64_t timeUs)
{
    if (!armed_)
        return;
    /* On a tiny output the squares overlap; staying inside the first one is what counts. */
    double w = width_, h = height_, c = cornerPx_;
    bool inX = corner_ % 2 == 0 ? p.x >= 0 && p.x < c : p.x >= w - c && p.x <= w;
    bool inY = corner_ < 2 ? p.y >= 0 && p.y < c : p.y >= h - c && p.y <= h;
    if (!inX || !inY)
        end(timeUs);
}

void CornerPress::up(uint64_t timeUs)
{
    end(timeUs);
}

bool CornerPress::fired(uint64_t nowUs) const
{
    return fired_ || (armed_ && nowUs >= startUs_ + holdUs_);
}

} /* namespace scanout::kiosk */
