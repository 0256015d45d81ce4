/* SPDX-License-Identifier: MIT */
#include "kiosk/painter.h"
#include "kiosk/ui.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "unity.h"

using namespace scanout;
using namespace scanout::kiosk;

namespace {

struct Size {
    uint32_t w, h;
};

constexpr Size kSizes[] = {{1024, 768}, {640, 480}, {320, 240}, {480, 640}};
constexpr Layout kLayouts[] = {Layout::Beside, Layout::CameraFull};

bool inside(const Rect &r, uint32_t w, uint32_t h)
{
    return r.x >= 0 && r.y >= 0 && int64_t{r.x} + r.width <= w && int64_t{r.y} + r.height <= h;
}

bool within(const Rect &r, const Rect &box)
{
    return r.x >= box.x && r.y >= box.y && int64_t{r.x} + r.width <= int64_t{box.x} + box.width &&
           int64_t{r.y} + r.height <= int64_t{box.y} + box.height;
}

bool overlap(const Rect &a, const Rect &b)
{
    if (a.empty() || b.empty())
        return false;
    return a.x < b.x + int64_t{b.width} && b.x < a.x + int64_t{a.width} &&
           a.y < b.y + int64_t{b.height} && b.y < a.y + int64_t{a.height};
}

PointF centre(const Rect &r)
{
    return {r.x + r.width / 2.0, r.y + r.height / 2.0};
}

bool contains(const Rect &r, double x, double y)
{
    return x >= r.x && x < r.x + double(r.width) && y >= r.y && y < r.y + double(r.height);
}

/* What the painter leaves at (x, y): the last fill over it, if any. */
std::optional<Colour> colourAt(const std::vector<Fill> &fills, double x, double y)
{
    std::optional<Colour> c;
    for (const Fill &f : fills) {
        if (contains(f.rect, x, y))
            c = f.colour;
    }
    return c;
}

bool sameColour(std::optional<Colour> got, Colour want)
{
    return got && *got == want;
}

std::string describe(Size s, Layout layout)
{
    return std::to_string(s.w) + "x" + std::to_string(s.h) +
           (layout == Layout::Beside ? " beside" : " camera-full");
}

UiState stateFor(Layout layout)
{
    UiState state;
    state.layout = layout;
    state.fps = 59.94;
    state.cameraPath = "export";
    state.dropped = 3;
    return state;
}

} /* namespace */

static void test_buttons_inside_apart_and_off_the_camera()
{
    for (Size s : kSizes) {
        KioskUi ui(s.w, s.h);
        for (Layout layout : kLayouts) {
            std::string what = describe(s, layout);
            UiState state = stateFor(layout);
            const std::vector<Button> &buttons = ui.buttons(state);
            Rect camera = ui.cameraRect(state);
            TEST_ASSERT_EQUAL_UINT(3, buttons.size());
            TEST_ASSERT_TRUE_MESSAGE(!camera.empty() && inside(camera, s.w, s.h), what);
            TEST_ASSERT_TRUE_MESSAGE(camera.x % 2 == 0 && camera.y % 2 == 0, what);
            TEST_ASSERT_TRUE_MESSAGE(camera.width % 2 == 0 && camera.height % 2 == 0, what);
            TEST_ASSERT_FALSE(overlap(camera, ui.statusRect()));
            for (size_t i = 0; i < buttons.size(); i++) {
                TEST_ASSERT_TRUE_MESSAGE(!buttons[i].rect.empty(), what);
                TEST_ASSERT_TRUE_MESSAGE(inside(buttons[i].rect, s.w, s.h), what);
                TEST_ASSERT_FALSE(overlap(buttons[i].rect, camera));
                for (size_t j = i + 1; j < buttons.size(); j++)
                    TEST_ASSERT_FALSE(overlap(buttons[i].rect, buttons[j].rect));
            }
        }
    }
}

static void test_status_strip_spans_the_bottom()
{
    KioskUi ui(1024, 768);
    TEST_ASSERT_TRUE((ui.statusRect() == Rect{0, 704, 1024, 64}));
    ui.resize(320, 240);
    TEST_ASSERT_TRUE((ui.statusRect() == Rect{0, 216, 320, 24})); /* never under 24 */
    ui.resize(480, 640);
    TEST_ASSERT_TRUE((ui.statusRect() == Rect{0, 588, 480, 52})); /* 640 / 12 = 53, made even */
}

static void test_beside_landscape_puts_the_buttons_left_of_the_camera()
{
    KioskUi ui(1024, 768);
    UiState state = stateFor(Layout::Beside);
    /* Column 340 wide, margin 21, content 704 high. */
    const std::vector<Button> &b = ui.buttons(state);
    TEST_ASSERT_TRUE((b[0].rect == Rect{21, 21, 298, 206}));
    TEST_ASSERT_TRUE((b[1].rect == Rect{21, 248, 298, 206}));
    TEST_ASSERT_TRUE((b[2].rect == Rect{21, 475, 298, 206}));
    TEST_ASSERT_TRUE((ui.cameraRect(state) == Rect{340, 0, 684, 704}));
    TEST_ASSERT_EQUAL_INT(int(Action::ToggleCamera), int(b[0].action));
    TEST_ASSERT_EQUAL_INT(int(Action::SwitchLayout), int(b[1].action));
    TEST_ASSERT_EQUAL_INT(int(Action::Screenshot), int(b[2].action));
    TEST_ASSERT_EQUAL_STRING("CAMERA", b[0].label);
    TEST_ASSERT_EQUAL_STRING("LAYOUT", b[1].label);
    TEST_ASSERT_EQUAL_STRING("SHOT", b[2].label);
    TEST_ASSERT_TRUE(b[0].colour == kCameraButtonColour);
    TEST_ASSERT_TRUE(b[1].colour == kLayoutButtonColour);
    TEST_ASSERT_TRUE(b[2].colour == kShotButtonColour);

    ui.resize(320, 240);
    TEST_ASSERT_TRUE((ui.buttons(state)[0].rect == Rect{6, 6, 94, 64}));
    TEST_ASSERT_TRUE((ui.buttons(state)[2].rect == Rect{6, 146, 94, 64}));
    TEST_ASSERT_TRUE((ui.cameraRect(state) == Rect{106, 0, 214, 216}));
}

static void test_beside_portrait_stacks_the_buttons_above_the_camera()
{
    KioskUi ui(480, 640);
    UiState state = stateFor(Layout::Beside);
    const std::vector<Button> &b = ui.buttons(state);
    TEST_ASSERT_TRUE((b[0].rect == Rect{12, 12, 144, 172}));
    TEST_ASSERT_TRUE((b[1].rect == Rect{168, 12, 144, 172}));
    TEST_ASSERT_TRUE((b[2].rect == Rect{324, 12, 144, 172}));
    TEST_ASSERT_TRUE((ui.cameraRect(state) == Rect{0, 196, 480, 392}));
}

static void test_camera_full_docks_the_buttons_in_the_status_strip()
{
    KioskUi ui(1024, 768);
    UiState state = stateFor(Layout::CameraFull);
    TEST_ASSERT_TRUE((ui.cameraRect(state) == Rect{0, 0, 1024, 704}));
    const std::vector<Button> &b = ui.buttons(state);
    TEST_ASSERT_TRUE((b[0].rect == Rect{784, 704, 64, 64}));
    TEST_ASSERT_TRUE((b[1].rect == Rect{864, 704, 64, 64}));
    TEST_ASSERT_TRUE((b[2].rect == Rect{944, 704, 64, 64}));
    TEST_ASSERT_EQUAL_STRING("C", b[0].label);
    TEST_ASSERT_EQUAL_STRING("L", b[1].label);
    TEST_ASSERT_EQUAL_STRING("S", b[2].label);

    for (Size s : kSizes) {
        ui.resize(s.w, s.h);
        for (const Button &button : ui.buttons(state))
            TEST_ASSERT_TRUE(within(button.rect, ui.statusRect()));
        Rect camera = ui.cameraRect(state);
        TEST_ASSERT_EQUAL_UINT(s.w, camera.width);
        TEST_ASSERT_EQUAL_UINT(ui.statusRect().y, camera.height);
    }
}

static void test_hit_finds_buttons_and_nothing_else()
{
    for (Size s : kSizes) {
        KioskUi ui(s.w, s.h);
        for (Layout layout : kLayouts) {
            std::string what = describe(s, layout);
            UiState state = stateFor(layout);
            for (const Button &b : ui.buttons(state)) {
                TEST_ASSERT_TRUE_MESSAGE(ui.hit(state, centre(b.rect)) == b.action, what);
                PointF past{b.rect.x + double(b.rect.width), centre(b.rect).y};
                TEST_ASSERT_TRUE_MESSAGE(ui.hit(state, past) != b.action, what);
            }
            Rect camera = ui.cameraRect(state);
            TEST_ASSERT_TRUE_MESSAGE(ui.hit(state, centre(camera)) == Action::None, what);
            TEST_ASSERT_TRUE_MESSAGE(
                ui.hit(state, {camera.x + 1.0, camera.y + 1.0}) == Action::None, what);
            /* The status text's end of the strip. */
            Rect strip = ui.statusRect();
            TEST_ASSERT_TRUE_MESSAGE(ui.hit(state, {2.0, centre(strip).y}) == Action::None, what);
            TEST_ASSERT_TRUE_MESSAGE(ui.hit(state, {-5.0, -5.0}) == Action::None, what);
        }
    }
}

static void test_paint_shows_buttons_and_leaves_the_live_camera_alone()
{
    for (Size s : kSizes) {
        KioskUi ui(s.w, s.h);
        for (Layout layout : kLayouts) {
            std::string what = describe(s, layout);
            UiState state = stateFor(layout);
            std::vector<Fill> fills = ui.paint(state);
            Rect camera = ui.cameraRect(state);
            for (const Fill &f : fills) {
                TEST_ASSERT_TRUE_MESSAGE(inside(f.rect, s.w, s.h), what);
                TEST_ASSERT_FALSE(overlap(f.rect, camera));
                TEST_ASSERT_FALSE(f.colour == kPlaceholderColour);
            }
            /* Just inside the corners, clear of the centred label. */
            for (const Button &b : ui.buttons(state)) {
                const Rect &r = b.rect;
                TEST_ASSERT_TRUE_MESSAGE(sameColour(colourAt(fills, r.x + 1, r.y + 1), b.colour),
                                         what);
                TEST_ASSERT_TRUE_MESSAGE(
                    sameColour(colourAt(fills, r.x + r.width - 2.0, r.y + r.height - 2.0),
                               b.colour),
                    what);
            }
            Rect strip = ui.statusRect();
            TEST_ASSERT_TRUE_MESSAGE(sameColour(colourAt(fills, 1, strip.y + 1), kStatusColour),
                                     what);
            TEST_ASSERT_FALSE(colourAt(fills, centre(camera).x, centre(camera).y));
        }
    }
}

static void test_paint_background_and_labels()
{
    KioskUi ui(1024, 768);
    UiState state = stateFor(Layout::Beside);
    std::vector<Fill> fills = ui.paint(state);
    /* The margin around the buttons, and the camera area when the camera is off. */
    TEST_ASSERT_TRUE(sameColour(colourAt(fills, 5, 5), kBackgroundColour));
    TEST_ASSERT_TRUE(sameColour(colourAt(fills, 330, 400), kBackgroundColour));
    TEST_ASSERT_FALSE(colourAt(fills, 1000, 10));

    size_t labelFills = 0;
    for (const Fill &f : fills) {
        if (!(f.colour == kLabelColour))
            continue;
        labelFills++;
        bool onAButton = false;
        for (const Button &b : ui.buttons(state))
            onAButton = onAButton || within(f.rect, b.rect);
        TEST_ASSERT_TRUE(onAButton);
    }
    TEST_ASSERT_TRUE(labelFills > 0);

    state.cameraOn = false;
    TEST_ASSERT_TRUE(ui.cameraRect(state).empty());
    fills = ui.paint(state);
    TEST_ASSERT_TRUE(sameColour(colourAt(fills, 1000, 10), kBackgroundColour));
    TEST_ASSERT_TRUE(sameColour(colourAt(fills, 700, 350), kBackgroundColour));
}

static void test_pressed_button_is_lighter()
{
    TEST_ASSERT_TRUE((pressedColour(kCameraButtonColour) == Colour{237, 157, 157}));
    KioskUi ui(640, 480);
    UiState state = stateFor(Layout::Beside);
    state.pressed = Action::SwitchLayout;
    std::vector<Fill> fills = ui.paint(state);
    const std::vector<Button> &b = ui.buttons(state);
    TEST_ASSERT_TRUE(
        sameColour(colourAt(fills, b[1].rect.x + 1, b[1].rect.y + 1), pressedColour(b[1].colour)));
    TEST_ASSERT_TRUE(sameColour(colourAt(fills, b[0].rect.x + 1, b[0].rect.y + 1), b[0].colour));
}

static void test_placeholder_only_when_the_camera_is_lost()
{
    for (Size s : kSizes) {
        KioskUi ui(s.w, s.h);
        for (Layout layout : kLayouts) {
            std::string what = describe(s, layout);
            UiState state = stateFor(layout);
            state.cameraLost = true;
            std::vector<Fill> fills = ui.paint(state);
            Rect camera = ui.cameraRect(state);
            TEST_ASSERT_TRUE_MESSAGE(!camera.empty(), what);
            TEST_ASSERT_TRUE_MESSAGE(
                sameColour(colourAt(fills, camera.x + 1, camera.y + 1), kPlaceholderColour), what);
            TEST_ASSERT_TRUE_MESSAGE(sameColour(colourAt(fills, camera.x + camera.width - 2.0,
                                                         camera.y + camera.height - 2.0),
                                                kPlaceholderColour),
                                     what);
            bool text = false;
            for (const Fill &f : fills) {
                TEST_ASSERT_TRUE_MESSAGE(inside(f.rect, s.w, s.h), what);
                if (f.colour == kPlaceholderTextColour && within(f.rect, camera))
                    text = true;
            }
            TEST_ASSERT_TRUE_MESSAGE(text, what);

            state.cameraOn = false;
            for (const Fill &f : ui.paint(state))
                TEST_ASSERT_FALSE(f.colour == kPlaceholderColour);
        }
    }
}

static void test_status_text_stays_in_its_strip()
{
    for (Size s : kSizes) {
        KioskUi ui(s.w, s.h);
        uint32_t heights[2] = {};
        for (Layout layout : kLayouts) {
            std::string what = describe(s, layout);
            UiState state = stateFor(layout);
            Rect textEnd = ui.statusRect();
            if (layout == Layout::CameraFull)
                textEnd.width = static_cast<uint32_t>(ui.buttons(state).front().rect.x);
            size_t count = 0;
            int32_t top = INT32_MAX, bottom = 0;
            for (const Fill &f : ui.paint(state)) {
                if (!(f.colour == kStatusTextColour))
                    continue;
                count++;
                TEST_ASSERT_TRUE_MESSAGE(within(f.rect, textEnd), what);
                top = std::min(top, f.rect.y);
                bottom = std::max(bottom, f.rect.y + int32_t(f.rect.height));
            }
            TEST_ASSERT_TRUE_MESSAGE(count > 0, what);
            heights[layout == Layout::Beside ? 0 : 1] = uint32_t(bottom - top);
        }
        /* Switching layouts does not rescale the text. */
        TEST_ASSERT_EQUAL_UINT(heights[0], heights[1]);
    }
}

static void test_status_text_format()
{
    UiState state = stateFor(Layout::Beside);
    TEST_ASSERT_EQUAL_STRING("FPS 59.9  CAM EXPORT  DROP 3", statusText(state));
    state.cameraPath = "gl";
    state.fps = 0;
    state.dropped = 12345;
    TEST_ASSERT_EQUAL_STRING("FPS 0.0  CAM GL  DROP 12345", statusText(state));
    state.cameraLost = true;
    TEST_ASSERT_EQUAL_STRING("FPS 0.0  CAM LOST  DROP 12345", statusText(state));
    state.cameraOn = false;
    TEST_ASSERT_EQUAL_STRING("FPS 0.0  CAM OFF  DROP 12345", statusText(state));
    state = UiState{};
    state.fps = std::nan("");
    TEST_ASSERT_EQUAL_STRING("FPS 0.0  CAM -  DROP 0", statusText(state));
}

static void test_keys_map_to_actions()
{
    TEST_ASSERT_TRUE(actionForKey(0xff1b) == Action::Quit);
    for (uint32_t key : {uint32_t('c'), uint32_t('C'), 0xffbeu})
        TEST_ASSERT_TRUE(actionForKey(key) == Action::ToggleCamera);
    for (uint32_t key : {uint32_t('l'), uint32_t('L'), 0xff09u, 0xffbfu})
        TEST_ASSERT_TRUE(actionForKey(key) == Action::SwitchLayout);
    for (uint32_t key : {uint32_t('s'), uint32_t('S'), 0xffc0u, 0xff61u})
        TEST_ASSERT_TRUE(actionForKey(key) == Action::Screenshot);
    for (uint32_t key : {uint32_t('q'), uint32_t(' '), 0xff0du, 0u})
        TEST_ASSERT_TRUE(actionForKey(key) == Action::None);

    TEST_ASSERT_EQUAL_STRING("toggle-camera", actionName(Action::ToggleCamera));
    TEST_ASSERT_EQUAL_STRING("switch-layout", actionName(Action::SwitchLayout));
    TEST_ASSERT_EQUAL_STRING("screenshot", actionName(Action::Screenshot));
    TEST_ASSERT_EQUAL_STRING("quit", actionName(Action::Quit));
}

static void test_corner_press_fires_after_the_hold()
{
    constexpr uint64_t kHold = 1500000, kStart = 1000;
    const PointF corners[] = {{10, 10}, {1014, 10}, {10, 758}, {1014, 758}};
    for (PointF p : corners) {
        CornerPress press(1024, 768);
        TEST_ASSERT_EQUAL_UINT64(0, press.deadlineUs());
        press.down(p, kStart);
        TEST_ASSERT_EQUAL_UINT64(kStart + kHold, press.deadlineUs());
        TEST_ASSERT_FALSE(press.fired(kStart + kHold - 1));
        press.motion({p.x + 5, p.y - 5}, kStart + 1000); /* a shaky finger stays in */
        TEST_ASSERT_FALSE(press.fired(kStart + kHold - 1));
        TEST_ASSERT_TRUE(press.fired(kStart + kHold));
    }

    /* Released before the deadline: nothing; released after it: it counts. */
    CornerPress press(640, 480);
    press.down({0, 0}, kStart);
    press.up(kStart + kHold - 1);
    TEST_ASSERT_FALSE(press.fired(kStart + 2 * kHold));
    TEST_ASSERT_EQUAL_UINT64(0, press.deadlineUs());
    press.down({639, 479}, kStart);
    press.up(kStart + kHold);
    TEST_ASSERT_TRUE(press.fired(kStart + kHold));
}

static void test_corner_press_cancels_outside_a_corner()
{
    constexpr uint64_t kHold = 1500000;
    CornerPress press(1024, 768);

    press.down({10, 10}, 0);
    press.motion({100, 10}, 10);
    TEST_ASSERT_EQUAL_UINT64(0, press.deadlineUs());
    TEST_ASSERT_FALSE(press.fired(2 * kHold));

    /* Sliding along the edge into another corner is leaving this one. */
    press.down({1020, 10}, 0);
    press.motion({1020, 700}, 10);
    press.motion({1020, 760}, 20);
    TEST_ASSERT_FALSE(press.fired(2 * kHold));

    press.down({512, 384}, 0);
    TEST_ASSERT_EQUAL_UINT64(0, press.deadlineUs());
    TEST_ASSERT_FALSE(press.fired(2 * kHold));
    press.down({64, 10}, 0); /* just past the 64 px square */
    TEST_ASSERT_FALSE(press.fired(2 * kHold));

    /* A smaller output after a rotation moves the corners. */
    press.resize(480, 640);
    press.down({470, 630}, 0);
    TEST_ASSERT_TRUE(press.fired(kHold));
}

static void test_glyphs_are_merged_rectangles()
{
    std::vector<Fill> out;
    appendText(out, "-", 0, 0, 2, kLabelColour);
    TEST_ASSERT_EQUAL_UINT(1, out.size());
    TEST_ASSERT_TRUE((out[0].rect == Rect{0, 6, 10, 2}));

    /* I: top bar, stem, bottom bar. */
    out.clear();
    appendText(out, "I", 100, 50, 1, kLabelColour);
    TEST_ASSERT_EQUAL_UINT(3, out.size());
    TEST_ASSERT_TRUE((out[0].rect == Rect{101, 50, 3, 1}));
    TEST_ASSERT_TRUE((out[1].rect == Rect{102, 51, 1, 5}));
    TEST_ASSERT_TRUE((out[2].rect == Rect{101, 56, 3, 1}));

    /* Unknown characters and spaces only advance. */
    out.clear();
    appendText(out, " #", 0, 0, 1, kLabelColour);
    TEST_ASSERT_EQUAL_UINT(0, out.size());

    const std::string charset = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.:/-%";
    for (char c : charset) {
        out.clear();
        appendText(out, std::string(1, c), 0, 0, 3, kLabelColour);
        TEST_ASSERT_TRUE_MESSAGE(!out.empty(), std::string(1, c));
        for (size_t i = 0; i < out.size(); i++) {
            TEST_ASSERT_TRUE_MESSAGE(within(out[i].rect, Rect{0, 0, 15, 21}), std::string(1, c));
            for (size_t j = i + 1; j < out.size(); j++)
                TEST_ASSERT_FALSE(overlap(out[i].rect, out[j].rect));
        }
    }
}

static void test_text_fits_its_box()
{
    TEST_ASSERT_EQUAL_UINT(0, textWidth("", 3));
    TEST_ASSERT_EQUAL_UINT(5, textWidth("A", 1));
    TEST_ASSERT_EQUAL_UINT(46, textWidth("SHOT", 2)); /* (4 * 6 - 1) * 2 */

    const Rect box{10, 20, 100, 30};
    std::vector<Fill> out;
    uint32_t scale = appendTextIn(out, "FPS 59.9", box, kStatusTextColour, Align::Left, 8);
    TEST_ASSERT_EQUAL_UINT(2, scale); /* 47 px wide at 1; 3 would be 141 */
    TEST_ASSERT_TRUE(!out.empty());
    for (const Fill &f : out)
        TEST_ASSERT_TRUE(within(f.rect, box));

    out.clear();
    scale = appendTextIn(out, "SHOT", box, kLabelColour, Align::Centre, 8);
    TEST_ASSERT_EQUAL_UINT(4, scale); /* 7 px high at 1, 30 px box */
    for (const Fill &f : out)
        TEST_ASSERT_TRUE(within(f.rect, box));

    /* Too long even at scale 1: cut, still inside. */
    out.clear();
    scale = appendTextIn(out, "FPS 59.9  CAM EXPORT  DROP 12345", box, kStatusTextColour,
                         Align::Left, 3);
    TEST_ASSERT_EQUAL_UINT(1, scale);
    TEST_ASSERT_TRUE(!out.empty());
    for (const Fill &f : out)
        TEST_ASSERT_TRUE(within(f.rect, box));

    /* Not even one line of pixels high. */
    out.clear();
    TEST_ASSERT_EQUAL_UINT(0,
                           appendTextIn(out, "A", Rect{0, 0, 50, 6}, kLabelColour, Align::Left, 3));
    TEST_ASSERT_EQUAL_UINT(0, out.size());
}

static void test_scissor_boxes_have_a_bottom_left_origin()
{
    OutputTransform straight(640, 480, Rotation::R0);
    TEST_ASSERT_TRUE((scissorBox({10, 20, 30, 40}, straight, true) == Rect{10, 420, 30, 40}));
    TEST_ASSERT_TRUE((scissorBox({10, 20, 30, 40}, straight, false) == Rect{10, 420, 30, 40}));
    TEST_ASSERT_TRUE((scissorBox({-10, -10, 20, 20}, straight, true) == Rect{0, 470, 10, 10}));
    TEST_ASSERT_TRUE(scissorBox({700, 0, 20, 20}, straight, true).empty());

    /* A portrait UI on a landscape mode: the top band of the picture is the mode's left edge. */
    OutputTransform turned(640, 480, Rotation::R90);
    TEST_ASSERT_TRUE((scissorBox({0, 0, 480, 100}, turned, true) == Rect{0, 0, 100, 480}));
    /* KMS turns the plane: the framebuffer is the logical 480x640. */
    TEST_ASSERT_TRUE((scissorBox({0, 0, 480, 100}, turned, false) == Rect{0, 540, 480, 100}));
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_buttons_inside_apart_and_off_the_camera);
    RUN_TEST(test_status_strip_spans_the_bottom);
    RUN_TEST(test_beside_landscape_puts_the_buttons_left_of_the_camera);
    RUN_TEST(test_beside_portrait_stacks_the_buttons_above_the_camera);
    RUN_TEST(test_camera_full_docks_the_buttons_in_the_status_strip);
    RUN_TEST(test_hit_finds_buttons_and_nothing_else);
    RUN_TEST(test_paint_shows_buttons_and_leaves_the_live_camera_alone);
    RUN_TEST(test_paint_background_and_labels);
    RUN_TEST(test_pressed_button_is_lighter);
    RUN_TEST(test_placeholder_only_when_the_camera_is_lost);
    RUN_TEST(test_status_text_stays_in_its_strip);
    RUN_TEST(test_status_text_format);
    RUN_TEST(test_keys_map_to_actions);
    RUN_TEST(test_corner_press_fires_after_the_hold);
    RUN_TEST(test_corner_press_cancels_outside_a_corner);
    RUN_TEST(test_glyphs_are_merged_rectangles);
    RUN_TEST(test_text_fits_its_box);
    RUN_TEST(test_scissor_boxes_have_a_bottom_left_origin);
    return UNITY_END();
}
