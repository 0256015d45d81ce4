/* SPDX-License-Identifier: MIT */
#include <scanout/board_config.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include <scanout/kms_types.h>
#include <scanout/select.h>
#include <scanout/unique_fd.h>

namespace scanout {

namespace {

constexpr uint32_t kMaxSize = 16384; /* V4L2 and KMS limits are well below */
constexpr uint32_t kMaxZpos = 255;
constexpr double kMaxCalibration = 16.0;
constexpr off_t kMaxFileSize = 1 << 20; /* a board config is a page or two of text */

const char *const kSections[] = {"board", "display", "camera", "input", "log"};

/*
 * The parse state: inih calls back into it for each line read (readLine)
 * and each key (onValue). Only the first error is kept; once there is one,
 * readLine ends the input so nothing after it is looked at.
 */
struct Parser {
    std::string_view text;
    size_t pos = 0;
    unsigned line = 0;
    std::string file;
    BoardConfig config;
    std::optional<Error> error;
    unsigned errorLine = 0;
    /* "section.key" -> the line it was first given on */
    std::map<std::string, unsigned> seen;
    unsigned seatLine = 0, devicesLine = 0;

    void fail(unsigned at, const std::string &message)
    {
        if (error)
            return;
        error = Error(0, format("%s:%u: %s", file.c_str(), at, message.c_str()));
        errorLine = at;
    }
};

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t at = s.find(sep, start);
        out.push_back(trim(s.substr(start, at == std::string_view::npos ? at : at - start)));
        if (at == std::string_view::npos)
            return out;
        start = at + 1;
    }
}

bool allOf(std::string_view s, const char *extra)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr(extra, c)))
            return false;
    return true;
}

bool parseUint(std::string_view s, uint64_t max, uint64_t &out, int base = 10)
{
    if (s.empty() || s.size() > 20 || !std::isxdigit(static_cast<unsigned char>(s[0])))
        return false;
    std::string copy(s);
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(copy.c_str(), &end, base);
    if (errno || *end || v > max)
        return false;
    out = v;
    return true;
}

/* WxH, each 1..kMaxSize. */
bool parseSize(std::string_view s, uint32_t &w, uint32_t &h)
{
    size_t x = s.find('x');
    uint64_t a, b;
    if (x == std::string_view::npos || !parseUint(s.substr(0, x), kMaxSize, a) ||
        !parseUint(s.substr(x + 1), kMaxSize, b) || !a || !b)
        return false;
    w = static_cast<uint32_t>(a);
    h = static_cast<uint32_t>(b);
    return true;
}

/* A four-character code as scanout-info and v4l2-ctl print it: "XR24", "NV12", "YUYV". */
bool parseFourcc(std::string_view s, uint32_t &out)
{
    if (s.size() != 4 || !allOf(s, "_"))
        return false;
    out = fourcc(s[0], s[1], s[2], s[3]);
    return true;
}

/* As modifierName() prints them: LINEAR, INVALID, VENDOR:0xVALUE, or 0x and 16 hex digits. */
bool parseModifier(std::string_view s, uint64_t &out)
{
    if (s == "LINEAR") {
        out = kModifierLinear;
        return true;
    }
    if (s == "INVALID") {
        out = kModifierInvalid;
        return true;
    }
    static const char *const vendors[] = {"NONE",    "INTEL",     "AMD",     "NVIDIA",
                                          "SAMSUNG", "QCOM",      "VIVANTE", "BROADCOM",
                                          "ARM",     "ALLWINNER", "AMLOGIC"};
    size_t colon = s.find(':');
    if (colon != std::string_view::npos) {
        std::string_view vendor = s.substr(0, colon), value = s.substr(colon + 1);
        for (uint64_t i = 0; i < std::size(vendors); i++) {
            if (vendor != vendors[i])
                continue;
            uint64_t v;
            if (value.substr(0, 2) != "0x" || !parseUint(value.substr(2), (1ULL << 56) - 1, v, 16))
                return false;
            out = (i << 56) | v;
            return true;
        }
        return false;
    }
    return s.substr(0, 2) == "0x" && s.size() > 2 && parseUint(s.substr(2), UINT64_MAX, out, 16);
}

bool parsePlane(std::string_view s, PlaneChoice &out)
{
    uint64_t id;
    if (s == "auto")
        out = {PlaneChoice::Kind::Auto, 0};
    else if (s == "primary")
        out = {PlaneChoice::Kind::Primary, 0};
    else if (s == "overlay")
        out = {PlaneChoice::Kind::Overlay, 0};
    else if (parseUint(s, UINT32_MAX, id) && id)
        out = {PlaneChoice::Kind::Id, static_cast<uint32_t>(id)};
    else
        return false;
    return true;
}

template <typename E, size_t N>
bool parseEnum(std::string_view s, const std::pair<const char *, E> (&table)[N], E &out)
{
    for (const auto &[name, value] : table) {
        if (s == name) {
            out = value;
            return true;
        }
    }
    return false;
}

const std::pair<const char *, CommitApi> kApis[] = {
    {"auto", CommitApi::Auto}, {"atomic", CommitApi::Atomic}, {"legacy", CommitApi::Legacy}};
const std::pair<const char *, CameraPath> kPaths[] = {{"auto", CameraPath::Auto},
                                                      {"export", CameraPath::Export},
                                                      {"import", CameraPath::Import},
                                                      {"gl", CameraPath::Gl},
                                                      {"copy", CameraPath::Copy}};
const std::pair<const char *, LogLevel> kLevels[] = {{"error", LogLevel::Error},
                                                     {"warn", LogLevel::Warn},
                                                     {"info", LogLevel::Info},
                                                     {"debug", LogLevel::Debug}};

/*
 * One handler per key. Each returns an empty string when the value is good,
 * else what the key expects (the caller adds file:line, key and value).
 */
using KeyFn = std::string (*)(Parser &p, std::string_view v);

struct Key {
    const char *section;
    const char *name;
    KeyFn parse;
};

#define EXPECT(cond, what)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return what;                                                                           \
    } while (0)

std::string boardName(Parser &p, std::string_view v)
{
    EXPECT(v.size() <= 80, "a name of at most 80 characters");
    p.config.name = v;
    return {};
}

std::string displayDevice(Parser &p, std::string_view v)
{
    const char *what = "a driver name (vc4, imx-lcdif, rockchip, tidss, stm, virtio_gpu, vkms), "
                       "a /dev/dri/cardN path or a /sys path";
    if (v.front() == '/')
        EXPECT((v.starts_with("/dev/") || v.starts_with("/sys/")) && allOf(v, "/_-.:+,@"), what);
    else
        EXPECT(allOf(v, "_-."), what);
    p.config.display.device = v;
    return {};
}

std::string displayConnector(Parser &p, std::string_view v)
{
    EXPECT(allOf(v, "-_"), "a connector name as scanout-info prints it, e.g. HDMI-A-1, DSI-1");
    p.config.display.connector = v;
    return {};
}

std::string displayMode(Parser &p, std::string_view v)
{
    const char *what = "preferred, WxH or WxH@Hz with sides 1..16384 and up to 1000 Hz, "
                       "e.g. 1920x1080@60";
    if (v == "preferred") {
        p.config.display.mode.clear();
        return {};
    }
    Result<ModeRequest> m = parseModeRequest(v);
    EXPECT(m.ok(), what);
    EXPECT(m->width <= kMaxSize && m->height <= kMaxSize, what);
    EXPECT(!m->refreshMilliHz || (*m->refreshMilliHz >= 1000 && *m->refreshMilliHz <= 1000000),
           what);
    p.config.display.mode = v;
    return {};
}

std::string displayApi(Parser &p, std::string_view v)
{
    EXPECT(parseEnum(v, kApis, p.config.display.api), "auto, atomic or legacy");
    return {};
}

std::string displayRotation(Parser &p, std::string_view v)
{
    uint64_t deg;
    EXPECT(parseUint(v, 270, deg) && deg % 90 == 0, "0, 90, 180 or 270");
    p.config.display.rotation = static_cast<uint32_t>(deg);
    return {};
}

std::string displayReflect(Parser &p, std::string_view v)
{
    EXPECT(reflectionFromName(std::string(v), &p.config.display.reflection), "none, x, y or xy");
    return {};
}

std::string planeKey(PlaneChoice &out, std::string_view v)
{
    EXPECT(parsePlane(v, out), "auto, primary, overlay or a plane id from scanout-info");
    return {};
}

std::string zposKey(std::optional<uint32_t> &out, std::string_view v)
{
    uint64_t z;
    EXPECT(parseUint(v, kMaxZpos, z),
           "a zpos from 0 to 255 (scanout-info shows each plane's range)");
    out = static_cast<uint32_t>(z);
    return {};
}

std::string displayUiPlane(Parser &p, std::string_view v)
{
    return planeKey(p.config.display.uiPlane, v);
}

std::string displayUiZpos(Parser &p, std::string_view v)
{
    return zposKey(p.config.display.uiZpos, v);
}

std::string displayCameraPlane(Parser &p, std::string_view v)
{
    return planeKey(p.config.display.cameraPlane, v);
}

std::string displayCameraZpos(Parser &p, std::string_view v)
{
    return zposKey(p.config.display.cameraZpos, v);
}

std::string displayFormat(Parser &p, std::string_view v)
{
    std::vector<uint32_t> formats;
    for (std::string_view f : split(v, ',')) {
        uint32_t code;
        EXPECT(parseFourcc(f, code), "a comma list of DRM fourcc codes as scanout-info prints "
                                     "them, e.g. XR24, AR24, RG16");
        formats.push_back(code);
    }
    p.config.display.formats = std::move(formats);
    return {};
}

std::string displayModifiers(Parser &p, std::string_view v)
{
    std::vector<uint64_t> modifiers;
    for (std::string_view m : split(v, ',')) {
        uint64_t mod;
        EXPECT(parseModifier(m, mod), "a comma list of modifiers as scanout-info prints them: "
                                      "LINEAR, INVALID (implicit layout), VENDOR:0xVALUE or 0xHEX");
        modifiers.push_back(mod);
    }
    p.config.display.modifiers = std::move(modifiers);
    return {};
}

std::string cameraDevice(Parser &p, std::string_view v)
{
    const char *what = "a /dev/videoN path or a V4L2 driver or card name";
    if (v.front() == '/')
        EXPECT(v.starts_with("/dev/") && allOf(v, "/_-.:"), what);
    else
        EXPECT(allOf(v, "_-. "), what);
    p.config.camera.device = v;
    return {};
}

std::string cameraFormat(Parser &p, std::string_view v)
{
    EXPECT(parseFourcc(v, p.config.camera.format),
           "a V4L2 fourcc code as v4l2-ctl prints it, e.g. YUYV, NV12, MJPG");
    return {};
}

std::string cameraSize(Parser &p, std::string_view v)
{
    EXPECT(parseSize(v, p.config.camera.width, p.config.camera.height),
           "WxH with sides 1..16384, e.g. 1280x720");
    return {};
}

std::string cameraPath(Parser &p, std::string_view v)
{
    EXPECT(parseEnum(v, kPaths, p.config.camera.path), "auto, export, import, gl or copy");
    return {};
}

std::string inputSeat(Parser &p, std::string_view v)
{
    EXPECT(allOf(v, "_-"), "a udev seat name, e.g. seat0");
    EXPECT(!p.devicesLine,
           format("either seat or devices, not both (devices is at line %u)", p.devicesLine));
    p.config.input.seat = v;
    p.seatLine = p.line;
    return {};
}

std::string inputDevices(Parser &p, std::string_view v)
{
    std::vector<std::string> devices;
    for (std::string_view d : split(v, ',')) {
        EXPECT(d.starts_with("/dev/") && allOf(d, "/_-.:"),
               "a comma list of event device paths, e.g. /dev/input/event0, "
               "/dev/input/by-path/platform-ts-event");
        devices.emplace_back(d);
    }
    EXPECT(!p.seatLine,
           format("either seat or devices, not both (seat is at line %u)", p.seatLine));
    p.config.input.devices = std::move(devices);
    p.devicesLine = p.line;
    return {};
}

std::string inputCalibration(Parser &p, std::string_view v)
{
    const char *what = "six numbers a b c d e f separated by spaces (libinput's calibration "
                       "matrix, as LIBINPUT_CALIBRATION_MATRIX), each from -16 to 16";
    std::array<float, 6> m{};
    std::string copy(v);
    const char *s = copy.c_str();
    for (float &f : m) {
        char *end = nullptr;
        errno = 0;
        double d = std::strtod(s, &end);
        EXPECT(end != s && !errno && std::isfinite(d) && std::fabs(d) <= kMaxCalibration, what);
        EXPECT(*end == ' ' || *end == '\t' || *end == '\0', what);
        f = static_cast<float>(d);
        s = end;
    }
    EXPECT(trim(s).empty(), what);
    p.config.input.touchCalibration = m;
    return {};
}

std::string keymapPart(std::string &out, std::string_view v, const char *what)
{
    EXPECT(allOf(v, "_-,:+()"), what);
    out = v;
    return {};
}

std::string inputLayout(Parser &p, std::string_view v)
{
    return keymapPart(p.config.input.keymapLayout, v, "XKB layouts, e.g. us or de,us");
}

std::string inputVariant(Parser &p, std::string_view v)
{
    return keymapPart(p.config.input.keymapVariant, v, "XKB variants, e.g. nodeadkeys");
}

std::string inputOptions(Parser &p, std::string_view v)
{
    return keymapPart(p.config.input.keymapOptions, v,
                      "XKB options, e.g. ctrl:nocaps,compose:ralt");
}

std::string logLevelKey(Parser &p, std::string_view v)
{
    LogLevel level;
    EXPECT(parseEnum(v, kLevels, level), "error, warn, info or debug");
    p.config.logLevel = level;
    return {};
}

#undef EXPECT

const Key kKeys[] = {
    {"board", "name", boardName},
    {"display", "device", displayDevice},
    {"display", "connector", displayConnector},
    {"display", "mode", displayMode},
    {"display", "api", displayApi},
    {"display", "rotation", displayRotation},
    {"display", "reflect", displayReflect},
    {"display", "ui-plane", displayUiPlane},
    {"display", "ui-zpos", displayUiZpos},
    {"display", "camera-plane", displayCameraPlane},
    {"display", "camera-zpos", displayCameraZpos},
    {"display", "format", displayFormat},
    {"display", "modifiers", displayModifiers},
    {"camera", "device", cameraDevice},
    {"camera", "format", cameraFormat},
    {"camera", "size", cameraSize},
    {"camera", "path", cameraPath},
    {"input", "seat", inputSeat},
    {"input", "devices", inputDevices},
    {"input", "touch-calibration", inputCalibration},
    {"input", "keymap-layout", inputLayout},
    {"input", "keymap-variant", inputVariant},
    {"input", "keymap-options", inputOptions},
    {"log", "level", logLevelKey},
};

std::string keysOf(std::string_view section)
{
    std::string out;
    for (const Key &k : kKeys)
        if (section == k.section)
            out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

/* inih's ini_handler: one key = value, already stripped of blanks and inline comments. */
int onValue(void *user, const char *section, const char *name, const char *value)
{
    Parser &p = *static_cast<Parser *>(user);
    if (p.error)
        return 0;
    if (!*section) {
        p.fail(p.line, format("'%s' is outside a section; keys go below [board], [display], "
                              "[camera], [input] or [log]",
                              name));
        return 0;
    }
    const Key *key = nullptr;
    for (const Key &k : kKeys)
        if (!std::strcmp(k.section, section) && !std::strcmp(k.name, name))
            key = &k;
    if (!key) {
        p.fail(p.line,
               format("[%s] has no key '%s' (keys: %s)", section, name, keysOf(section).c_str()));
        return 0;
    }
    /* A continuation line (inih's multi-line values) arrives as the same key again. */
    auto [it, first] = p.seen.emplace(format("%s.%s", section, name), p.line);
    if (!first) {
        p.fail(p.line,
               format("[%s] %s is given twice (first at line %u)", section, name, it->second));
        return 0;
    }
    std::string_view v = value;
    if (v.empty()) {
        p.fail(p.line,
               format("[%s] %s has no value; leave the key out for the default", section, name));
        return 0;
    }
    std::string expected = key->parse(p, v);
    if (!expected.empty()) {
        p.fail(p.line,
               format("[%s] %s = '%s': expected %s", section, name, value, expected.c_str()));
        return 0;
    }
    return 1;
}

/* Section headers are checked here: inih reports only keys, so an empty unknown section would pass.
 */
void checkSection(Parser &p, std::string_view line)
{
    line = trim(line);
    if (line.empty() || line.front() != '[')
        return;
    size_t close = line.find(']');
    if (close == std::string_view::npos)
        return; /* inih reports the syntax error */
    std::string_view name = line.substr(1, close - 1);
    for (const char *s : kSections)
        if (name == s)
            return;
    p.fail(p.line, format("unknown section [%.*s]; expected [board], [display], [camera], "
                          "[input] or [log]",
                          static_cast<int>(name.size()), name.data()));
}

/* inih's ini_reader: hands inih one line at a time, so p.line is the line inih works on. */
char *readLine(char *str, int num, void *stream)
{
    Parser &p = *static_cast<Parser *>(stream);
    if (p.error || p.pos >= p.text.size())
        return nullptr;
    size_t end = p.text.find('\n', p.pos);
    size_t len = (end == std::string_view::npos ? p.text.size() : end + 1) - p.pos;
    std::string_view line = p.text.substr(p.pos, len);
    p.pos += len;
    p.line++;
    if (len + 1 > static_cast<size_t>(num)) {
        p.fail(p.line, format("line is longer than %d characters", num - 2));
        return nullptr;
    }
    if (line.find('\0') != std::string_view::npos) {
        p.fail(p.line, "line contains a NUL byte; a board config is text");
        return nullptr;
    }
    checkSection(p, line);
    if (p.error)
        return nullptr;
    std::memcpy(str, line.data(), len);
    str[len] = '\0';
    return str;
}

} /* namespace */

Result<BoardConfig> parseBoardConfig(std::string_view text, const std::string &file)
{
    Parser p;
    p.text = text;
    p.file = file;
    p.config.file = file;
    int rc = ini_parse_stream(readLine, &p, onValue, &p);
    /* inih goes on after a syntax error, so a later key error may be recorded first. */
    if (rc > 0 && (!p.error || static_cast<unsigned>(rc) < p.errorLine)) {
        p.error.reset();
        p.fail(static_cast<unsigned>(rc), "expected [section], key = value, or a comment "
                                          "starting with ; or #");
    }
    if (rc < 0 && !p.error)
        p.fail(p.line, "inih could not allocate memory");
    if (p.error)
        return *p.error;
    return std::move(p.config);
}

Result<BoardConfig> loadBoardConfig(const std::string &path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.isValid())
        return makeError(errno, "board config %s", path.c_str());
    struct stat st {
    };
    if (fstat(fd.get(), &st) < 0)
        return makeError(errno, "board config %s: fstat", path.c_str());
    if (!S_ISREG(st.st_mode))
        return makeError(EINVAL, "board config %s: not a regular file", path.c_str());
    if (st.st_size > kMaxFileSize)
        return makeError(EFBIG, "board config %s: %lld bytes, more than a board config's %lld",
                         path.c_str(), static_cast<long long>(st.st_size),
                         static_cast<long long>(kMaxFileSize));
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(errno, "read board config %s", path.c_str());
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    return parseBoardConfig(text, path);
}

Result<std::string> resolveDisplayDevice(const std::string &device)
{
    if (!device.starts_with("/sys/"))
        return device;
    auto isCard = [](std::string_view n) {
        return n.size() > 4 && n.starts_with("card") &&
               n.find_first_not_of("0123456789", 4) == std::string_view::npos;
    };
    /* /sys/class/drm/cardN itself, or a device directory with drm/cardN below it. */
    std::string_view base = device;
    while (base.size() > 1 && base.back() == '/')
        base.remove_suffix(1);
    base = base.substr(base.rfind('/') + 1);
    if (isCard(base))
        return format("/dev/dri/%.*s", static_cast<int>(base.size()), base.data());

    std::string drm = device + "/drm";
    std::unique_ptr<DIR, int (*)(DIR *)> dir(opendir(drm.c_str()), closedir);
    if (!dir)
        return makeError(errno, "display device %s: no DRM device below it (open %s)",
                         device.c_str(), drm.c_str());
    while (dirent *e = readdir(dir.get()))
        if (isCard(e->d_name))
            return format("/dev/dri/%s", e->d_name);
    return makeError(ENODEV, "display device %s: no cardN in %s", device.c_str(), drm.c_str());
}

const char *commitApiName(CommitApi api)
{
    for (const auto &[name, value] : kApis)
        if (value == api)
            return name;
    return "?";
}

const char *cameraPathName(CameraPath path)
{
    for (const auto &[name, value] : kPaths)
        if (value == path)
            return name;
    return "?";
}

Result<CameraPath> parseCameraPath(std::string_view text)
{
    CameraPath path = CameraPath::Auto;
    if (!parseEnum(text, kPaths, path))
        return makeError(EINVAL, "path '%.*s': expected auto, export, import, gl or copy",
                         static_cast<int>(text.size()), text.data());
    return path;
}

} /* namespace scanout */
