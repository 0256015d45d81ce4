/* SPDX-License-Identifier: MIT */
/*
 * VM helper for the V4L2 capture device, run against vivid in the guest.
 * Each command prints machine-readable lines that test_vm_v4l2.py checks:
 *
 *   info                         node, formats and frame sizes of every capture node
 *   rgb DEV WxH N F1,F2,..       per RGB format: N frames (MMAP), the bars decoded as the
 *                                DRM format the table maps it to, EXPBUF fds checked
 *   yuv DEV WxH N F1,F2,..       per YUV format: N frames, Y'CbCr of the bars per plane
 *   dmabuf DEV WxH N             virtio-gpu dumb buffers imported as DMABUF, bars read back
 *   faults DEV WxH N             vivid drops half the frames and flags one buffer ERROR
 *   disconnect DEV WxH           vivid's Disconnect control pulled while streaming
 *
 * Bars are sampled at the centre of each of the 8 bars, below vivid's text
 * (its OSD lines end at row 144), on two rows.
 */
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <drm_fourcc.h>

#include <scanout/event_loop.h>
#include <scanout/log.h>
#include <scanout/v4l2/capture.h>
#include <scanout/v4l2/formats.h>

#include "common/fd_count.h"

using namespace scanout;
using namespace scanout::v4l2;

namespace {

constexpr uint64_t kSecond = 1000000000ull;

uint64_t monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * kSecond + static_cast<uint64_t>(ts.tv_nsec);
}

int fail(const Error &e)
{
    std::printf("error %s\n", e.describe().c_str());
    std::fflush(stdout);
    return 1;
}

std::vector<std::string> split(const std::string &text, char sep)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty())
            out.push_back(item);
    return out;
}

bool parseSize(const std::string &text, uint32_t &w, uint32_t &h)
{
    return std::sscanf(text.c_str(), "%ux%u", &w, &h) == 2 && w && h;
}

/* The sample points: the centre of each bar on two rows below vivid's text. */
struct Sample {
    unsigned bar;
    uint32_t x, y;
};
std::vector<Sample> samplePoints(uint32_t w, uint32_t h)
{
    std::vector<Sample> out;
    for (uint32_t y : {h * 3 / 4, h - 8})
        for (unsigned i = 0; i < 8; i++)
            out.push_back({i, (2 * i + 1) * w / 16, y});
    return out;
}

/* R, G, B of one pixel read as DRM format \a drm: what a display would show. */
bool decodeDrm(uint32_t drm, const uint8_t *px, unsigned rgb[3])
{
    uint32_t w = px[0] | px[1] << 8 | px[2] << 16 | static_cast<uint32_t>(px[3]) << 24;
    switch (drm) {
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
        rgb[0] = (w >> 16) & 0xff, rgb[1] = (w >> 8) & 0xff, rgb[2] = w & 0xff;
        return true;
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
        rgb[0] = w & 0xff, rgb[1] = (w >> 8) & 0xff, rgb[2] = (w >> 16) & 0xff;
        return true;
    case DRM_FORMAT_RGBX8888:
    case DRM_FORMAT_RGBA8888:
        rgb[0] = w >> 24, rgb[1] = (w >> 16) & 0xff, rgb[2] = (w >> 8) & 0xff;
        return true;
    case DRM_FORMAT_BGRX8888:
    case DRM_FORMAT_BGRA8888:
        rgb[0] = (w >> 8) & 0xff, rgb[1] = (w >> 16) & 0xff, rgb[2] = w >> 24;
        return true;
    case DRM_FORMAT_RGB565: {
        unsigned r = (w >> 11) & 0x1f, g = (w >> 5) & 0x3f, b = w & 0x1f;
        rgb[0] = r << 3 | r >> 2, rgb[1] = g << 2 | g >> 4, rgb[2] = b << 3 | b >> 2;
        return true;
    }
    default:
        return false;
    }
}

/* A captured buffer's memory planes as the library maps them for the CPU. */
using Mapped = std::array<const uint8_t *, VIDEO_MAX_PLANES>;

Result<Mapped> mapBuffer(CaptureDevice &cam, uint32_t index)
{
    Mapped out{};
    for (uint32_t m = 0; m < cam.format().memPlanes; m++) {
        Result<const uint8_t *> map = cam.mapping(index, m);
        if (!map)
            return map.error();
        out[m] = *map;
    }
    return out;
}

/* How many of this process's mappings are of \a node: the V4L2 buffers it mmapped. */
int countMappings(const std::string &node)
{
    int count = 0;
    std::ifstream maps("/proc/self/maps");
    std::string line, suffix = " " + node;
    while (std::getline(maps, line))
        if (line.size() > suffix.size() &&
            line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0)
            count++;
    return count;
}

/* Colour plane \a p of a captured buffer: start and pitch, from the library's own view. */
struct PlaneView {
    const uint8_t *base = nullptr;
    uint32_t pitch = 0;
};
PlaneView colourPlane(const CaptureDevice &cam, const Mapped &mem, const FormatInfo &info,
                      const CapturedFrame &f, unsigned p)
{
    const CaptureFormat &fmt = cam.format();
    if (info.memPlanes == 1) {
        PlaneLayout l = packedPlaneLayout(info, fmt.bytesperline[0], fmt.height, p);
        return {mem[0] + f.dataOffset[0] + l.offset, l.pitch};
    }
    return {mem[p] + f.dataOffset[p], fmt.bytesperline[p]};
}

/* Y', Cb, Cr at (x, y) of a captured YUV buffer. */
void sampleYuv(const CaptureDevice &cam, const Mapped &mem, const FormatInfo &info,
               const CapturedFrame &f, uint32_t x, uint32_t y, unsigned out[3])
{
    x &= ~1u; /* the first pixel of a chroma pair */
    PlaneView p0 = colourPlane(cam, mem, info, f, 0);
    const uint8_t *row = p0.base + size_t{y} * p0.pitch;
    if (info.planes == 1) {
        const uint8_t *pair = row + x * 2;
        if (info.v4l2 == V4L2_PIX_FMT_UYVY)
            out[0] = pair[1], out[1] = pair[0], out[2] = pair[2];
        else /* YUYV */
            out[0] = pair[0], out[1] = pair[1], out[2] = pair[3];
        return;
    }
    out[0] = row[x];
    PlaneView p1 = colourPlane(cam, mem, info, f, 1);
    const uint8_t *crow = p1.base + size_t{y / info.vsub} * p1.pitch;
    if (info.planes == 2) {
        const uint8_t *c = crow + (x / info.hsub) * 2;
        bool crFirst = info.drm == DRM_FORMAT_NV21;
        out[1] = crFirst ? c[1] : c[0];
        out[2] = crFirst ? c[0] : c[1];
        return;
    }
    PlaneView p2 = colourPlane(cam, mem, info, f, 2);
    out[1] = crow[x / info.hsub];
    out[2] = p2.base[size_t{y / info.vsub} * p2.pitch + x / info.hsub];
}

/* A V4L2 control found by its name, as in vivid's "Disconnect". */
std::optional<v4l2_query_ext_ctrl> findControl(int fd, const char *name)
{
    v4l2_query_ext_ctrl q{};
    q.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    while (ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
        if (!std::strcmp(q.name, name))
            return q;
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    }
    return std::nullopt;
}

Result<void> setControl(int fd, const char *name, int32_t value)
{
    std::optional<v4l2_query_ext_ctrl> q = findControl(fd, name);
    if (!q)
        return makeError(ENOENT, "control \"%s\" not found on fd %d", name, fd);
    std::printf("control \"%s\" id 0x%08x type %u value %d\n", name, q->id, q->type, value);
    v4l2_control c{};
    c.id = q->id;
    c.value = value;
    if (ioctl(fd, VIDIOC_S_CTRL, &c) < 0)
        return makeError(errno, "S_CTRL \"%s\" (0x%08x) = %d on fd %d", name, q->id, value, fd);
    return {};
}

Result<std::unique_ptr<CaptureDevice>> openAndConfigure(const std::string &path, uint32_t fourcc,
                                                        uint32_t w, uint32_t h, Memory memory,
                                                        uint32_t count)
{
    Result<std::unique_ptr<CaptureDevice>> cam = CaptureDevice::open(path);
    if (!cam)
        return cam.error();
    Result<CaptureFormat> fmt = (*cam)->setFormat(fourcc, w, h);
    if (!fmt)
        return fmt.error();
    std::printf("format %s %s %ux%u memplanes %u", path.c_str(), fourccName(fmt->fourcc).c_str(),
                fmt->width, fmt->height, fmt->memPlanes);
    for (uint32_t p = 0; p < fmt->memPlanes; p++)
        std::printf(" plane %u bpl %u sizeimage %u", p, fmt->bytesperline[p], fmt->sizeimage[p]);
    std::printf("\n");
    if (fmt->fourcc != fourcc || fmt->width != w || fmt->height != h)
        return makeError(EINVAL, "%s: wanted %s %ux%u", path.c_str(), fourccName(fourcc).c_str(), w,
                         h);
    Result<uint32_t> n = (*cam)->requestBuffers(memory, count);
    if (!n)
        return n.error();
    std::printf("buffers %u memory %s\n", *n, memory == Memory::Mmap ? "mmap" : "dmabuf");
    return cam;
}

/*
 * Streams until \a frames good frames arrived, requeueing all but the last,
 * which stays the app's for sampling (its index is returned). \a perFrame
 * runs for each frame, before requeueing.
 */
Result<CapturedFrame> capture(CaptureDevice &cam, uint32_t frames,
                              const std::function<void(const CapturedFrame &, uint32_t)> &perFrame)
{
    Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
    if (!loop)
        return loop.error();
    std::optional<Error> error;
    CapturedFrame last;
    uint32_t count = 0;
    auto onFrame = [&](const CapturedFrame &f) {
        uint64_t now = monotonicNs();
        count++;
        std::printf("frame %u index %u seq %u ts %llu age_us %lld", count, f.index, f.sequence,
                    static_cast<unsigned long long>(f.timestampNs),
                    static_cast<long long>(now - f.timestampNs) / 1000);
        for (uint32_t p = 0; p < cam.format().memPlanes; p++)
            std::printf(" plane %u bytesused %u dataoffset %u", p, f.bytesused[p], f.dataOffset[p]);
        std::printf("\n");
        if (perFrame)
            perFrame(f, count);
        if (count >= frames) {
            /* Stopped here, not after run(): no later frame of this wake-up may follow. */
            last = f;
            cam.stop();
            (*loop)->exit(0);
            return;
        }
        if (Result<void> r = cam.queue(f.index); !r) {
            error = r.error();
            (*loop)->exit(1);
        }
    };
    auto onError = [&](const Error &e) {
        error = e;
        (*loop)->exit(1);
    };
    if (Result<void> r = cam.start(**loop, onFrame, onError); !r)
        return r.error();
    Result<EventLoop::Id> timeout = (*loop)->addTimer(60 * kSecond, 0, [&] {
        error =
            makeError(ETIMEDOUT, "%s: %u of %u frames in 60 s", cam.path().c_str(), count, frames);
        (*loop)->exit(1);
    });
    if (!timeout)
        return timeout.error();
    (*loop)->run();
    (*loop)->remove(*timeout);
    /* Sampling happens with the stream off: STREAMOFF returned every buffer to us. */
    cam.stop();
    const CaptureStats &s = cam.stats();
    std::printf("stats captured %llu dropped %llu errors %llu\n",
                static_cast<unsigned long long>(s.captured),
                static_cast<unsigned long long>(s.dropped),
                static_cast<unsigned long long>(s.errors));
    if (error)
        return *error;
    return last;
}

/*
 * Maps the buffer to sample. Streaming and exporting must not have mapped
 * any: the zero-copy paths never read pixels, so they never pay for a
 * mapping. Prints the count before and after.
 */
Result<Mapped> mapSampled(CaptureDevice &cam, const CapturedFrame &last)
{
    int before = countMappings(cam.path());
    Result<Mapped> mem = mapBuffer(cam, last.index);
    std::printf("mappings before_read %d after_read %d\n", before, countMappings(cam.path()));
    return mem;
}

const char *accessName(int fd)
{
    switch (fcntl(fd, F_GETFL) & O_ACCMODE) {
    case O_RDONLY:
        return "rdonly";
    case O_WRONLY:
        return "wronly";
    default:
        return "rdwr";
    }
}

/*
 * EXPBUF fds: open, close-on-exec, at least sizeimage long, the same bytes
 * as the mapping (\a lastMem, of buffer \a last).
 */
void checkExports(const CaptureDevice &cam, const CapturedFrame &last, const Mapped &lastMem,
                  int card)
{
    const CaptureFormat &fmt = cam.format();
    for (uint32_t i = 0; i < cam.bufferCount(); i++) {
        Result<DmaBufDescription> desc = cam.exportedBuffer(i);
        if (!desc) {
            std::printf("export %u failed %s\n", i, desc.error().describe().c_str());
            continue;
        }
        std::printf("desc %u drm %s modifier 0x%llx size %ux%u planes %u", i,
                    fourccName(desc->format).c_str(),
                    static_cast<unsigned long long>(desc->modifier), desc->width, desc->height,
                    desc->planeCount);
        for (uint32_t p = 0; p < desc->planeCount; p++)
            std::printf(" plane %u fd %d offset %u pitch %u", p, desc->planes[p].fd,
                        desc->planes[p].offset, desc->planes[p].pitch);
        std::printf("\n");
        for (uint32_t m = 0; m < fmt.memPlanes; m++) {
            /* Memory plane m's fd: colour plane m for *M formats, plane 0 otherwise. */
            int fd = desc->planes[fmt.memPlanes == 1 ? 0 : m].fd;
            off_t size = lseek(fd, 0, SEEK_END);
            int cloexec = (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? 1 : 0;
            int same = -1;
            if (i == last.index) {
                void *map = mmap(nullptr, cam.mappingSize(i, m), PROT_READ, MAP_SHARED, fd, 0);
                if (map != MAP_FAILED) {
                    same = !std::memcmp(map, lastMem[m], fmt.sizeimage[m]);
                    munmap(map, cam.mappingSize(i, m));
                }
            }
            std::printf("export %u plane %u fd %d size %lld sizeimage %u cloexec %d access %s", i,
                        m, fd, static_cast<long long>(size), fmt.sizeimage[m], cloexec,
                        accessName(fd));
            if (same >= 0)
                std::printf(" same_bytes %d", same);
            std::printf("\n");
            if (card >= 0 && i == last.index) {
                /* For the display side to know: can this GPU import the camera's dma_buf? */
                uint32_t handle = 0;
                if (drmPrimeFDToHandle(card, fd, &handle) == 0) {
                    std::printf("drm_import %u plane %u ok\n", i, m);
                    drmCloseBufferHandle(card, handle);
                } else {
                    std::printf("drm_import %u plane %u failed errno %d (%s)\n", i, m, errno,
                                strerror(errno));
                }
            }
        }
    }
}

int cmdInfo()
{
    for (const std::string &path : CaptureDevice::list()) {
        Result<std::unique_ptr<CaptureDevice>> cam = CaptureDevice::open(path);
        if (!cam)
            return fail(cam.error());
        std::printf("node %s driver %s mplane %d card \"%s\"\n", path.c_str(),
                    (*cam)->driver().c_str(), (*cam)->multiplanar() ? 1 : 0,
                    (*cam)->card().c_str());
        Result<std::vector<uint32_t>> formats = (*cam)->formats();
        if (!formats)
            return fail(formats.error());
        std::printf("formats %s", path.c_str());
        for (uint32_t f : *formats)
            std::printf(" %s", fourccName(f).c_str());
        std::printf("\n");
        for (uint32_t f : {V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_YUYV}) {
            Result<std::vector<FrameSize>> sizes = (*cam)->frameSizes(f);
            if (!sizes)
                return fail(sizes.error());
            std::printf("sizes %s %s", path.c_str(), fourccName(f).c_str());
            for (const FrameSize &s : *sizes)
                std::printf(" %ux%u", s.width, s.height);
            std::printf("\n");
        }
    }
    Result<std::unique_ptr<CaptureDevice>> first = CaptureDevice::open("");
    if (!first)
        return fail(first.error());
    std::printf("default %s\n", (*first)->path().c_str());
    return 0;
}

int cmdRgb(const std::string &path, uint32_t w, uint32_t h, uint32_t frames,
           const std::vector<std::string> &formats)
{
    UniqueFd card(open("/dev/dri/card0", O_RDWR | O_CLOEXEC));
    for (const std::string &name : formats) {
        uint32_t fourcc = parseFourcc(name);
        const FormatInfo *info = formatFromV4l2(fourcc);
        if (!info)
            return fail(makeError(EINVAL, "%s is not in the format table", name.c_str()));
        Result<std::unique_ptr<CaptureDevice>> cam =
            openAndConfigure(path, fourcc, w, h, Memory::Mmap, 4);
        if (!cam)
            return fail(cam.error());
        Result<CapturedFrame> last = capture(**cam, frames, nullptr);
        if (!last)
            return fail(last.error());
        Result<Mapped> mem = mapSampled(**cam, *last);
        if (!mem)
            return fail(mem.error());
        checkExports(**cam, *last, *mem, card.get());
        Result<DmaBufDescription> desc = (*cam)->exportedBuffer(last->index);
        if (!desc)
            return fail(desc.error());
        const CaptureFormat &fmt = (*cam)->format();
        for (const Sample &s : samplePoints(w, h)) {
            const uint8_t *px = (*mem)[0] + size_t{s.y} * fmt.bytesperline[0] + s.x * info->cpp[0];
            unsigned rgb[3];
            if (!decodeDrm(desc->format, px, rgb))
                return fail(
                    makeError(EINVAL, "cannot decode DRM %s", fourccName(desc->format).c_str()));
            std::printf("bar %s %u x %u y %u rgb %u %u %u drm %s\n", name.c_str(), s.bar, s.x, s.y,
                        rgb[0], rgb[1], rgb[2], fourccName(desc->format).c_str());
        }
    }
    return 0;
}

int cmdYuv(const std::string &path, uint32_t w, uint32_t h, uint32_t frames,
           const std::vector<std::string> &formats)
{
    for (const std::string &name : formats) {
        uint32_t fourcc = parseFourcc(name);
        const FormatInfo *info = formatFromV4l2(fourcc);
        if (!info || !info->yuv)
            return fail(makeError(EINVAL, "%s is not a YUV format of the table", name.c_str()));
        Result<std::unique_ptr<CaptureDevice>> cam =
            openAndConfigure(path, fourcc, w, h, Memory::Mmap, 4);
        if (!cam)
            return fail(cam.error());
        Result<CapturedFrame> last = capture(**cam, frames, nullptr);
        if (!last)
            return fail(last.error());
        Result<Mapped> mem = mapSampled(**cam, *last);
        if (!mem)
            return fail(mem.error());
        checkExports(**cam, *last, *mem, -1);
        for (const Sample &s : samplePoints(w, h)) {
            unsigned ycc[3];
            sampleYuv(**cam, *mem, *info, *last, s.x, s.y, ycc);
            std::printf("ycbcr %s %u x %u y %u ycbcr %u %u %u\n", name.c_str(), s.bar, s.x, s.y,
                        ycc[0], ycc[1], ycc[2]);
        }
    }
    return 0;
}

/* A dumb buffer on the DRM device, exported as a dma_buf: what a display allocates. */
struct DumbBuffer {
    int card = -1;
    uint32_t handle = 0, pitch = 0;
    uint64_t size = 0;
    uint8_t *map = nullptr;
    UniqueFd dmabuf;
    ~DumbBuffer()
    {
        if (map)
            munmap(map, size);
        dmabuf.reset();
        if (handle)
            drmModeDestroyDumbBuffer(card, handle);
    }
};

int cmdDmabuf(const std::string &path, uint32_t w, uint32_t h, uint32_t frames)
{
    UniqueFd card(open("/dev/dri/card0", O_RDWR | O_CLOEXEC));
    if (!card.isValid())
        return fail(makeError(errno, "open /dev/dri/card0"));
    std::vector<std::unique_ptr<DumbBuffer>> dumbs;
    for (int i = 0; i < 4; i++) {
        auto d = std::make_unique<DumbBuffer>();
        d->card = card.get();
        if (drmModeCreateDumbBuffer(card.get(), w, h, 32, 0, &d->handle, &d->pitch, &d->size) < 0)
            return fail(makeError(errno, "create dumb buffer %ux%u on /dev/dri/card0", w, h));
        uint64_t offset = 0;
        if (drmModeMapDumbBuffer(card.get(), d->handle, &offset) < 0)
            return fail(makeError(errno, "map dumb buffer %u", d->handle));
        void *map = mmap(nullptr, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, card.get(),
                         static_cast<off_t>(offset));
        if (map == MAP_FAILED)
            return fail(makeError(errno, "mmap dumb buffer %u", d->handle));
        d->map = static_cast<uint8_t *>(map);
        /* A marker vivid must overwrite: proves the pixels come from the capture. */
        std::memset(d->map, 0x5a, d->size);
        int fd = -1;
        if (drmPrimeHandleToFD(card.get(), d->handle, DRM_CLOEXEC | DRM_RDWR, &fd) < 0)
            return fail(makeError(errno, "drmPrimeHandleToFD dumb buffer %u", d->handle));
        d->dmabuf.reset(fd);
        std::printf("dumb %d handle %u pitch %u size %llu fd %d\n", i, d->handle, d->pitch,
                    static_cast<unsigned long long>(d->size), fd);
        dumbs.push_back(std::move(d));
    }

    /* The camera goes first: REQBUFS 0 in its destructor detaches the dma_bufs. */
    Result<std::unique_ptr<CaptureDevice>> cam =
        openAndConfigure(path, V4L2_PIX_FMT_XBGR32, w, h, Memory::DmaBuf, 4);
    if (!cam)
        return fail(cam.error());
    const CaptureFormat &fmt = (*cam)->format();
    if (fmt.bytesperline[0] != dumbs[0]->pitch)
        return fail(makeError(EINVAL, "dumb pitch %u differs from bytesperline %u", dumbs[0]->pitch,
                              fmt.bytesperline[0]));
    if ((*cam)->bufferCount() > dumbs.size())
        return fail(makeError(EINVAL, "the driver granted %u buffers", (*cam)->bufferCount()));
    for (uint32_t i = 0; i < (*cam)->bufferCount(); i++) {
        Result<void> r = (*cam)->attachDmaBuf(i, {dumbs[i]->dmabuf.get()},
                                              {static_cast<uint32_t>(dumbs[i]->size)});
        if (!r)
            return fail(r.error());
    }
    Result<DmaBufDescription> exported = (*cam)->exportedBuffer(0);
    std::printf("exported_in_dmabuf_mode %s\n",
                exported ? "ok" : strerror(exported.error().errnum()));
    Result<CapturedFrame> last = capture(**cam, frames, nullptr);
    if (!last)
        return fail(last.error());
    const DumbBuffer &d = *dumbs[last->index];
    for (const Sample &s : samplePoints(w, h)) {
        unsigned rgb[3];
        decodeDrm(DRM_FORMAT_XRGB8888, d.map + size_t{s.y} * d.pitch + s.x * 4, rgb);
        std::printf("bar DMABUF %u x %u y %u rgb %u %u %u drm XR24\n", s.bar, s.x, s.y, rgb[0],
                    rgb[1], rgb[2]);
    }
    cam->reset();
    dumbs.clear();
    return 0;
}

int cmdFaults(const std::string &path, uint32_t w, uint32_t h, uint32_t frames)
{
    Result<std::unique_ptr<CaptureDevice>> cam =
        openAndConfigure(path, V4L2_PIX_FMT_XBGR32, w, h, Memory::Mmap, 4);
    if (!cam)
        return fail(cam.error());
    int fd = (*cam)->fd();
    if (Result<void> r = setControl(fd, "Percentage of Dropped Buffers", 50); !r)
        return fail(r.error());
    std::optional<Error> pressError;
    Result<CapturedFrame> last = capture(**cam, frames, [&](const CapturedFrame &, uint32_t count) {
        if (count == 3) {
            Result<void> r = setControl(fd, "Inject V4L2_BUF_FLAG_ERROR", 1);
            if (!r)
                pressError = r.error();
        }
    });
    Result<void> reset = setControl(fd, "Percentage of Dropped Buffers", 0);
    if (!last)
        return fail(last.error());
    if (pressError)
        return fail(*pressError);
    if (!reset)
        return fail(reset.error());
    return 0;
}

int cmdDisconnect(const std::string &path, uint32_t w, uint32_t h)
{
    Result<std::unique_ptr<CaptureDevice>> cam =
        openAndConfigure(path, V4L2_PIX_FMT_XBGR32, w, h, Memory::Mmap, 4);
    if (!cam)
        return fail(cam.error());
    Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
    if (!loop)
        return fail(loop.error());
    CaptureDevice &c = **cam;
    unsigned frames = 0, framesAfterError = 0, errors = 0;
    std::optional<Error> error;
    std::optional<Error> other;
    auto onFrame = [&](const CapturedFrame &f) {
        frames++;
        if (errors)
            framesAfterError++;
        std::printf("frame %u index %u seq %u\n", frames, f.index, f.sequence);
        if (Result<void> r = c.queue(f.index); !r) {
            std::printf("queue failed %s\n", r.error().describe().c_str());
            return;
        }
        if (frames == 3) {
            if (Result<void> r = setControl(c.fd(), "Disconnect", 1); !r) {
                other = r.error();
                (*loop)->exit(1);
            }
            std::printf("disconnect pressed after frame %u\n", frames);
        }
    };
    auto onError = [&](const Error &e) {
        errors++;
        error = e;
        std::printf("error_callback errno %d streaming %d message \"%s\"\n", e.errnum(),
                    c.streaming() ? 1 : 0, e.describe().c_str());
        /* Keep the loop a second longer: no frame may follow. */
        Result<EventLoop::Id> t = (*loop)->addTimer(kSecond, 0, [&] { (*loop)->exit(0); });
        if (!t)
            (*loop)->exit(1);
    };
    if (Result<void> r = c.start(**loop, onFrame, onError); !r)
        return fail(r.error());
    Result<EventLoop::Id> timeout = (*loop)->addTimer(60 * kSecond, 0, [&] {
        other = makeError(ETIMEDOUT, "no error callback within 60 s (%u frames)", frames);
        (*loop)->exit(1);
    });
    if (!timeout)
        return fail(timeout.error());
    (*loop)->run();
    (*loop)->remove(*timeout);
    if (other)
        return fail(*other);
    std::printf("error_callbacks %u frames_after_error %u streaming %d\n", errors, framesAfterError,
                c.streaming() ? 1 : 0);
    Result<void> q = c.queue(0);
    std::printf("queue_after_error errno %d\n", q ? 0 : q.error().errnum());
    Result<std::unique_ptr<CaptureDevice>> again = CaptureDevice::open(path);
    std::printf("reopen errno %d\n", again ? 0 : again.error().errnum());
    cam->reset();
    std::printf("destroyed\n");
    return 0;
}

int run(int argc, char **argv)
{
    if (argc < 2)
        return fail(makeError(EINVAL, "usage: v4l2_check info|rgb|yuv|dmabuf|faults|disconnect"));
    std::string cmd = argv[1];
    if (cmd == "info")
        return cmdInfo();
    uint32_t w = 0, h = 0, frames = 0;
    if (argc < 4 || !parseSize(argv[3], w, h))
        return fail(makeError(EINVAL, "%s: expected DEVICE WxH", cmd.c_str()));
    std::string device = argv[2];
    if (cmd == "disconnect")
        return cmdDisconnect(device, w, h);
    if (argc < 5 || std::sscanf(argv[4], "%u", &frames) != 1 || !frames)
        return fail(makeError(EINVAL, "%s: expected DEVICE WxH FRAMES", cmd.c_str()));
    if (cmd == "dmabuf")
        return cmdDmabuf(device, w, h, frames);
    if (cmd == "faults")
        return cmdFaults(device, w, h, frames);
    if (argc < 6)
        return fail(makeError(EINVAL, "%s: expected DEVICE WxH FRAMES FORMATS", cmd.c_str()));
    if (cmd == "rgb")
        return cmdRgb(device, w, h, frames, split(argv[5], ','));
    if (cmd == "yuv")
        return cmdYuv(device, w, h, frames, split(argv[5], ','));
    return fail(makeError(EINVAL, "unknown command %s", cmd.c_str()));
}

} /* namespace */

int main(int argc, char **argv)
{
    int start = apps::countOpenFds();
    int status = run(argc, argv);
    int end = apps::countOpenFds();
    std::printf("fds start %d exit %d\n", start, end);
    std::printf("status %d\n", status);
    return status;
}
