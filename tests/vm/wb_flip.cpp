/* SPDX-License-Identifier: MIT */
/*
 * VM helper: captureWriteback between page flips of the same fd, as the
 * Display will call it. Sets 640x480 on the vkms CRTC with a primary plane
 * and an opaque overlay plane, then for each round page-flips the primary to
 * the next of three solid buffers (red, green, blue), waits for the flip
 * event, captures the CRTC and saves it as DIR/flip-N.png. A last flip after
 * the final capture shows that flipping still works. Prints one line per
 * capture ("wb_flip: capture N shows buffer K in T ms") and a summary.
 *
 *   wb_flip DIR ROUNDS
 */
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <string>
#include <xf86drm.h>

#include <scanout/device.h>
#include <scanout/image.h>
#include <scanout/select.h>

#include "common/fd_count.h"
#include "kms/commit.h"
#include "kms/framebuffer.h"
#include "kms/properties.h"
#include "kms/writeback.h"

using namespace scanout;

namespace {

constexpr uint32_t kPrimaryColours[] = {0x00ff0000, 0x0000ff00, 0x000000ff};
constexpr uint32_t kOverlayColour = 0x00ffff00;

void fill(const DumbBuffer &buf, uint32_t w, uint32_t h, uint32_t colour)
{
    for (uint32_t y = 0; y < h; y++) {
        auto *row = reinterpret_cast<uint32_t *>(buf.data() + size_t{y} * buf.pitch());
        for (uint32_t x = 0; x < w; x++)
            row[x] = colour;
    }
}

int fail(const Error &e)
{
    std::fprintf(stderr, "wb_flip: %s\n", e.describe().c_str());
    return 1;
}

void onFlip(int, unsigned, unsigned, unsigned, unsigned, void *user)
{
    *static_cast<bool *>(user) = true;
}

/* Waits up to 2 s for the page-flip event that sets \a done (the commit's user data). */
Result<void> waitFlip(int fd, bool &done)
{
    drmEventContext ctx{};
    ctx.version = 3;
    ctx.page_flip_handler2 = onFlip;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done) {
        int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        deadline - std::chrono::steady_clock::now())
                                        .count());
        if (left <= 0)
            return makeError(ETIMEDOUT, "no page-flip event on fd %d within 2 s", fd);
        pollfd p{fd, POLLIN, 0};
        int n = poll(&p, 1, left);
        if (n < 0 && errno != EINTR)
            return makeError(errno, "poll fd %d", fd);
        if (n > 0 && drmHandleEvent(fd, &ctx) < 0)
            return makeError(errno, "drmHandleEvent fd %d", fd);
    }
    return {};
}

int run(const std::string &dir, int rounds)
{
    DeviceOptions options;
    options.device = "vkms";
    options.writeback = true;
    Result<std::unique_ptr<Device>> device = Device::open(options);
    if (!device)
        return fail(device.error());
    int fd = (*device)->fd();
    Result<Snapshot> snap = (*device)->snapshot();
    if (!snap)
        return fail(snap.error());
    Result<const ConnectorInfo *> conn = selectConnector(*snap, "");
    if (!conn)
        return fail(conn.error());
    Result<ModeInfo> mode = selectMode(**conn, ModeRequest{640, 480, std::nullopt});
    if (!mode)
        return fail(mode.error());
    Result<uint32_t> crtc = selectCrtc(*snap, **conn);
    if (!crtc)
        return fail(crtc.error());
    Result<const PlaneInfo *> primary = selectPrimaryPlane(*snap, *crtc, kFormatXrgb8888);
    if (!primary)
        return fail(primary.error());
    uint32_t bit = 1u << *crtcIndex(*snap, *crtc);
    const PlaneInfo *overlay = nullptr;
    for (const PlaneInfo &p : snap->planes)
        if (!overlay && p.type == PlaneType::Overlay && (p.possibleCrtcs & bit) &&
            p.supportsFormat(kFormatXrgb8888))
            overlay = &p;
    if (!overlay)
        return fail(makeError(ENOENT, "no XR24 overlay plane for CRTC %u", *crtc));
    PropertyCache properties(fd);
    Result<PropertyTable> props = readPropertyTable(properties, *snap);
    if (!props)
        return fail(props.error());

    uint32_t w = mode->hdisplay, h = mode->vdisplay;
    std::unique_ptr<DumbBuffer> buffers[3];
    for (int i = 0; i < 3; i++) {
        Result<std::unique_ptr<DumbBuffer>> b = DumbBuffer::create(fd, w, h, kFormatXrgb8888);
        if (!b)
            return fail(b.error());
        buffers[i] = std::move(*b);
        fill(*buffers[i], w, h, kPrimaryColours[i]);
    }
    Result<std::unique_ptr<DumbBuffer>> ov = DumbBuffer::create(fd, w / 4, h / 4, kFormatXrgb8888);
    if (!ov)
        return fail(ov.error());
    fill(**ov, w / 4, h / 4, kOverlayColour);

    std::unique_ptr<KmsIo> io = createDrmIo(fd);
    std::unique_ptr<CommitBackend> backend = createAtomicBackend(*io, *props);
    auto state = [&](int k) {
        OutputState s;
        s.crtcId = *crtc;
        s.connectorId = (*conn)->id;
        s.mode = *mode;
        s.planes.push_back(fullScreenPlane((*primary)->id, buffers[k]->framebuffer().id(), w, h));
        PlaneState o = fullScreenPlane(overlay->id, (*ov)->framebuffer().id(), w / 4, h / 4);
        o.crtcX = static_cast<int32_t>(w / 4);
        o.crtcY = static_cast<int32_t>(h / 4);
        s.planes.push_back(o);
        return s;
    };
    if (Result<void> r = backend->commit(state(0), CommitKind::Modeset, nullptr); !r)
        return fail(r.error());
    std::printf("wb_flip: %ux%u on CRTC %u, primary %u, overlay %u at %u,%u\n", w, h, *crtc,
                (*primary)->id, overlay->id, w / 4, h / 4);

    bool flipped = false;
    int flips = 0;
    for (int i = 1; i <= rounds + 1; i++) {
        int k = i % 3;
        flipped = false;
        if (Result<void> r = backend->commit(state(k), CommitKind::Flip, &flipped); !r)
            return fail(r.error());
        if (Result<void> r = waitFlip(fd, flipped); !r)
            return fail(r.error());
        flips++;
        if (i > rounds)
            break; /* the flip after the last capture */
        auto t0 = std::chrono::steady_clock::now();
        Result<Image> image = captureWriteback(fd, *snap, *props, *crtc, *mode);
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                      .count();
        if (!image)
            return fail(image.error());
        std::string path = dir + "/flip-" + std::to_string(i) + ".png";
        if (Result<void> r = savePng(*image, path); !r)
            return fail(r.error());
        std::printf("wb_flip: capture %d shows buffer %d in %.1f ms\n", i, k, ms);
        std::fflush(stdout);
    }
    std::printf("wb_flip: %d captures, %d flips completed\n", rounds, flips);
    return 0;
}

} /* namespace */

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: wb_flip DIR ROUNDS\n");
        return 2;
    }
    int start = apps::countOpenFds();
    int status = run(argv[1], std::atoi(argv[2]));
    int end = apps::countOpenFds();
    std::printf("wb_flip: open fds at start %d, at exit %d\n", start, end);
    return status;
}
