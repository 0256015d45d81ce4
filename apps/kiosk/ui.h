/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/transform.h>

/*
 * The kiosk's user interface as data: where the buttons, the camera and the
 * status strip are, what to paint and which action a point or a key means.
 * Nothing here touches GL, so a test can predict every pixel. Coordinates
 * are logical (the output as the user sees it, top-left origin).
 *
 * Layout rules for a W x H output (integer division; even(v) rounds v down
 * to a multiple of 2):
 *  - status strip: S = even(max(24, H / 12)) high (at most H), across the
 *    full width at the bottom. The content area above it is C = H - S high.
 *  - Beside, landscape (W >= H): a UI column of U = even(W / 3) on the
 *    left; the camera at {U, 0, even(W - U), even(C)}. The three buttons
 *    are stacked in the column with a margin M = max(4, min(U, C) / 16)
 *    around and between them: each is U - 2M wide, (C - 4M) / 3 high.
 *  - Beside, portrait (H > W): the same UI as a row U = even(C / 3) high
 *    above the camera at {0, U, even(W), even(C - U)}; the buttons sit side
 *    by side, each (W - 4M) / 3 wide and U - 2M high, M = max(4, min(W, U) / 16).
 *  - CameraFull: the camera gets the whole content area,
 *    {0, 0, even(W), even(C)}. The buttons move into the status strip, so
 *    nothing is ever drawn over the camera (it may be a KMS plane): S x S
 *    squares (narrower when W is too small) at the strip's right end, with
 *    S / 4 between them and after the last, labelled with their shortcut
 *    letter. The status text keeps the
 *    rest of the strip.
 * Buttons are in the order Camera, Layout, Shot (top to bottom, or left to
 * right).
 *
 * Text uses the built-in font below at an integer scale:
 *  - button labels ("CAMERA", "LAYOUT", "SHOT" in Beside; "C", "L", "S",
 *    also where the words do not fit) share one scale, the largest up to
 *    max(1, button height / 14) at which every label fits its button inset
 *    by min(width, height) / 8; they are centred on the button;
 *  - the status text's scale is the largest up to max(1, S * 3 / 5 / 7) at
 *    which "FPS 99.9  CAM EXPORT  DROP 999" fits CameraFull's text area, the
 *    same in both layouts (1 when even that does not fit), smaller only
 *    when the actual text needs it.
 */

namespace scanout::kiosk {

enum class Layout { Beside, CameraFull };

enum class Action { None, ToggleCamera, SwitchLayout, Screenshot, Quit };

/** "toggle-camera", "switch-layout", "screenshot", "quit" ("none" for None). */
const char *actionName(Action action);

struct Colour {
    uint8_t r, g, b;
    bool operator==(const Colour &) const = default;
};

struct Fill {
    Rect rect;
    Colour colour;
};

/* The palette: flat and distinct, so screenshots can be checked pixel by pixel. */
inline constexpr Colour kBackgroundColour = {24, 24, 32};
inline constexpr Colour kStatusColour = {40, 40, 40};
inline constexpr Colour kStatusTextColour = {230, 230, 230};
inline constexpr Colour kCameraButtonColour = {220, 60, 60};
inline constexpr Colour kLayoutButtonColour = {60, 180, 60};
inline constexpr Colour kShotButtonColour = {60, 90, 220};
inline constexpr Colour kLabelColour = {255, 255, 255};
/* Fills the camera rectangle while the camera is on but delivers no frames. */
inline constexpr Colour kPlaceholderColour = {128, 128, 128};
inline constexpr Colour kPlaceholderTextColour = {230, 230, 230};

/** A held button is drawn halfway to white: each channel (c + 255) / 2. */
Colour pressedColour(Colour colour);

struct UiState {
    Layout layout = Layout::Beside;
    bool cameraOn = true;
    double fps = 0;
    std::string cameraPath; /* "export", "gl", "none"... */
    uint64_t dropped = 0;
    bool cameraLost = false;       /* on, but no frames are coming */
    std::optional<Action> pressed; /* the button highlighted while held */
};

struct Button {
    Action action;
    Rect rect;
    Colour colour;     /* when not pressed */
    std::string label; /* as drawn: the word, or its first letter where it does not fit */
};

/**
 * "FPS 59.9  CAM EXPORT  DROP 3": frames per second with one decimal, the
 * camera path in upper case ("CAM OFF" when off, "CAM LOST" when lost, "CAM -"
 * when the path is not known yet) and the dropped frame count.
 */
std::string statusText(const UiState &state);

/** The action bound to an XKB keysym, None for any other key. */
Action actionForKey(uint32_t keysym);

/*
 * The built-in font: 5x7 glyphs on a 6 pixel advance, for digits, A-Z
 * (lower case is drawn upper case), space, '.', ':', '/', '-' and '%'.
 * Any other character is drawn as a space.
 */
inline constexpr uint32_t kGlyphWidth = 5, kGlyphHeight = 7, kGlyphAdvance = 6;

/** Width of \a text at \a scale, without the gap after the last glyph. */
uint32_t textWidth(std::string_view text, uint32_t scale);

/** The largest scale up to \a maxScale at which \a text fits \a width x \a height; 0 if none. */
uint32_t fitTextScale(std::string_view text, uint32_t width, uint32_t height, uint32_t maxScale);

/** Appends the lit pixels of \a text at \a scale, its top-left at (x, y), as a few rectangles. */
void appendText(std::vector<Fill> &out, std::string_view text, int32_t x, int32_t y, uint32_t scale,
                Colour colour);

enum class Align { Left, Centre };

/**
 * Appends \a text inside \a box, vertically centred, at the largest scale
 * up to \a maxScale that fits. When it does not fit even at scale 1, draws
 * as many characters as fit. Returns the scale used, 0 when nothing fits.
 */
uint32_t appendTextIn(std::vector<Fill> &out, std::string_view text, const Rect &box, Colour colour,
                      Align align, uint32_t maxScale);

class KioskUi
{
public:
    KioskUi(uint32_t logicalWidth, uint32_t logicalHeight);
    void resize(uint32_t logicalWidth, uint32_t logicalHeight);

    uint32_t width() const { return width_; }
    uint32_t height() const { return height_; }

    /** The buttons of \a state's layout; their colour does not reflect the press. */
    const std::vector<Button> &buttons(const UiState &state) const;
    /** Where the camera shows; empty when the camera is off. */
    Rect cameraRect(const UiState &state) const;
    Rect statusRect() const { return status_; }

    /**
     * Everything to draw, back to front: the background over the content
     * area but not the camera rectangle; when the camera is on but lost, the
     * placeholder over the camera rectangle with "CAMERA LOST" centred on it
     * (at most 1/8 of its height and 2/3 of its width); the status strip
     * with its text, left-aligned S / 4 in and vertically centred; then the
     * buttons (pressedColour() while held) with their labels centred. While
     * the camera is live nothing covers its rectangle: the camera is drawn
     * or scanned out there.
     */
    std::vector<Fill> paint(const UiState &state) const;

    /** The action of the button under \a logical, None elsewhere. */
    Action hit(const UiState &state, PointF logical) const;

private:
    struct Geometry {
        std::vector<Button> buttons;
        Rect camera;
        Rect statusText;
        uint32_t labelScale = 0;
    };

    const Geometry &geometry(Layout layout) const;
    void layoutBeside();
    void layoutCameraFull();

    uint32_t width_ = 0, height_ = 0;
    Rect status_;
    uint32_t statusScale_ = 0;
    Geometry beside_, cameraFull_;
};

/**
 * Quitting by holding a finger (or the mouse button) in a corner of the
 * output. A press counts when it starts inside a cornerPx x cornerPx square
 * at one of the four corners and stays in that square for holdUs. Moving out
 * of it cancels. Once fired it stays fired: the kiosk quits. The app should
 * act on a button at release, and not at all when the press fired, since a
 * corner may overlap a button.
 */
class CornerPress
{
public:
    explicit CornerPress(uint32_t width, uint32_t height, uint32_t cornerPx = 64,
                         uint64_t holdUs = 1500000);
    /** Also drops a press in progress: the corners moved. */
    void resize(uint32_t width, uint32_t height);

    void down(PointF logical, uint64_t timeUs);
    void motion(PointF logical, uint64_t timeUs);
    void up(uint64_t timeUs);

    /** Whether a press has been held in a corner long enough by \a nowUs. */
    bool fired(uint64_t nowUs) const;
    /** When fired() turns true if nothing else happens; 0 when no press is armed. */
    uint64_t deadlineUs() const { return armed_ ? startUs_ + holdUs_ : 0; }

private:
    int corner(PointF p) const;
    void end(uint64_t timeUs);

    uint32_t width_, height_, cornerPx_;
    uint64_t holdUs_;
    bool armed_ = false;
    bool fired_ = false;
    int corner_ = -1;
    uint64_t startUs_ = 0;
};

} /* namespace scanout::kiosk */
