/* SPDX-License-Identifier: MIT */
/*
 * VM helper: shows a dumb buffer, then the same memory imported as a dma_buf
 * (exported with drmPrimeHandleToFD, imported on a second fd of the device
 * with Framebuffer::fromDmaBuf), stopping itself (SIGSTOP) after each commit
 * so the test can take a screenshot. Restores the CRTC at exit and reports its
 * fd count. Patterns: first red | blue (left | right halves), then green over
 * white (top / bottom halves).
 */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <xf86drm.h>

#include <scanout/device.h>
#include <scanout/select.h>

#include "common/fd_count.h"
#include "kms/commit.h"
#include "kms/framebuffer.h"
#include "kms/properties.h"

using namespace scanout;

namespace {

void fill(const DumbBuffer &buf, uint32_t w, uint32_t h, bool vertical, uint32_t a, uint32_t b)
{
    for (uint32_t y = 0; y < h; y++) {
        auto *row = reinterpret_cast<uint32_t *>(buf.data() + size_t{y} * buf.pitch());
        for (uint32_t x = 0; x < w; x++)
            row[x] = (vertical ? x < w / 2 : y < h / 2) ? a : b;
    }
}

int fail(const Error &e)
{
    std::fprintf(stderr, "fb_sources: %s\n", e.describe().c_str());
    return 1;
}

int run()
{
    Result<std::unique_ptr<Device>> device = Device::open({});
    if (!device)
        return fail(device.error());
    int fd = (*device)->fd();
    Result<Snapshot> snap = (*device)->snapshot();
    if (!snap)
        return fail(snap.error());
    Result<const ConnectorInfo *> conn = selectConnector(*snap, "");
    if (!conn)
        return fail(conn.error());
    Result<ModeInfo> mode = selectMode(**conn, std::nullopt);
    if (!mode)
        return fail(mode.error());
    Result<uint32_t> crtc = selectCrtc(*snap, **conn);
    if (!crtc)
        return fail(crtc.error());
    Result<const PlaneInfo *> primary = selectPrimaryPlane(*snap, *crtc, kFormatXrgb8888);
    if (!primary)
        return fail(primary.error());
    PropertyCache properties(fd);
    Result<PropertyTable> props = readPropertyTable(properties, *snap);
    if (!props)
        return fail(props.error());
    CrtcInfo saved = *snap->crtc(*crtc);

    std::unique_ptr<KmsIo> io = createDrmIo(fd);
    std::unique_ptr<CommitBackend> backend =
        (*device)->info().caps.atomic ? createAtomicBackend(*io, *props) : createLegacyBackend(*io);
    uint32_t w = mode->hdisplay, h = mode->vdisplay;
    auto show = [&](uint32_t fbId, const char *what) -> Result<void> {
        OutputState state;
        state.crtcId = *crtc;
        state.connectorId = (*conn)->id;
        state.mode = *mode;
        state.planes.push_back(fullScreenPlane((*primary)->id, fbId, w, h));
        if (Result<void> r = backend->commit(state, CommitKind::Modeset, nullptr); !r)
            return r;
        std::printf("fb_sources: showing %s framebuffer %u\n", what, fbId);
        std::fflush(stdout);
        raise(SIGSTOP);
        return {};
    };

    Result<std::unique_ptr<DumbBuffer>> dumb = DumbBuffer::create(fd, w, h, kFormatXrgb8888);
    if (!dumb)
        return fail(dumb.error());
    fill(**dumb, w, h, true, 0x00ff0000, 0x000000ff);
    if (Result<void> r = show((*dumb)->framebuffer().id(), "dumb"); !r)
        return fail(r.error());

    int exported = -1;
    if (drmPrimeHandleToFD(fd, (*dumb)->handle(), DRM_CLOEXEC | DRM_RDWR, &exported) < 0)
        return fail(makeError(errno, "drmPrimeHandleToFD dumb handle %u", (*dumb)->handle()));
    UniqueFd dmabuf(exported);
    /* A second open file: its GEM handles are its own, so closing them after AddFB is safe. */
    UniqueFd importer(::open((*device)->path().c_str(), O_RDWR | O_CLOEXEC));
    if (!importer.isValid())
        return fail(makeError(errno, "open %s again", (*device)->path().c_str()));

    DmaBufDescription desc;
    desc.width = w;
    desc.height = h;
    desc.format = kFormatXrgb8888;
    desc.planeCount = 1;
    desc.planes[0] = {dmabuf.get(), 0, (*dumb)->pitch()};
    Result<std::unique_ptr<Framebuffer>> imported =
        Framebuffer::fromDmaBuf(importer.get(), desc, false);
    if (!imported)
        return fail(imported.error());
    fill(**dumb, w, h, false, 0x0000ff00, 0x00ffffff);
    if (Result<void> r = show((*imported)->id(), "dma_buf"); !r)
        return fail(r.error());

    std::vector<uint32_t> connectors;
    for (const ConnectorInfo &c : snap->connectors)
        if (c.crtcId == saved.id)
            connectors.push_back(c.id);
    int ret = saved.mode
                  ? io->setCrtc(saved.id, saved.fbId, saved.x, saved.y, connectors, &*saved.mode)
                  : io->setCrtc(saved.id, 0, 0, 0, {}, nullptr);
    if (ret < 0)
        return fail(makeError(-ret, "restore CRTC %u", saved.id));
    return 0;
}

} /* namespace */

int main()
{
    int start = apps::countOpenFds();
    int status = run();
    int end = apps::countOpenFds();
    std::printf("fb_sources: open fds at start %d, at exit %d\n", start, end);
    return status;
}
