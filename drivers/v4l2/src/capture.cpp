/* SPDX-License-Identifier: MIT */
#include <scanout/v4l2/capture.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scanout/log.h>
#include <scanout/v4l2/formats.h>

namespace scanout::v4l2 {

namespace {

int xioctl(int fd, unsigned long request, void *arg)
{
    int ret;
    do {
        ret = ::ioctl(fd, request, arg);
    } while (ret < 0 && errno == EINTR);
    return ret;
}

/* QUERYCAP's answer for the node itself: device_caps where the driver gives it. */
uint32_t nodeCaps(const v4l2_capability &cap)
{
    return (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
}

bool isCapture(uint32_t caps)
{
    return caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE);
}

std::string fixedString(const __u8 *bytes, size_t size)
{
    const char *text = reinterpret_cast<const char *>(bytes);
    return std::string(text, strnlen(text, size));
}

/* /dev/videoN's N, or -1 for other names. */
int videoNumber(const char *name)
{
    if (std::strncmp(name, "video", 5) != 0 || !name[5])
        return -1;
    char *end = nullptr;
    long n = std::strtol(name + 5, &end, 10);
    return (*end || n < 0) ? -1 : static_cast<int>(n);
}

uint32_t v4l2Memory(Memory memory)
{
    return memory == Memory::Mmap ? V4L2_MEMORY_MMAP : V4L2_MEMORY_DMABUF;
}

const char *memoryName(Memory memory)
{
    return memory == Memory::Mmap ? "MMAP" : "DMABUF";
}

} /* namespace */

/*
 * Ownership: the node fd, every mapping and every exported dma_buf fd belong
 * to this object. The dma_buf fds attached for Memory::DmaBuf are borrowed.
 * A buffer is either queued in the driver (queued) or the app's.
 */
class CaptureDevice::Impl
{
public:
    struct Buffer {
        bool queued = false;
        /*
         * Memory::Mmap, per memory plane: QUERYBUF's length and mmap offset,
         * the read-only mapping once mapping() asked for it (null until
         * then), and the exported dma_bufs.
         */
        std::array<size_t, VIDEO_MAX_PLANES> length{};
        std::array<uint32_t, VIDEO_MAX_PLANES> memOffset{};
        std::array<const uint8_t *, VIDEO_MAX_PLANES> map{};
        std::array<UniqueFd, VIDEO_MAX_PLANES> exported;
        /* Memory::DmaBuf: the attached fds and their sizes. */
        bool attached = false;
        std::array<int, VIDEO_MAX_PLANES> dmaFd{};
        std::array<uint32_t, VIDEO_MAX_PLANES> dmaLength{};
        /* data_offset per memory plane when the buffer was last dequeued. */
        std::array<uint32_t, VIDEO_MAX_PLANES> dataOffset{};
    };

    std::string path;
    UniqueFd fd;
    std::string driver, card;
    bool mplane = false;
    uint32_t type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

    CaptureFormat format;
    Memory memory = Memory::Mmap;
    std::vector<Buffer> buffers;
    int exportErrno = 0; /* EXPBUF's errno when the driver cannot export */

    EventLoop *loop = nullptr;
    EventLoop::Id watch = 0;
    bool streaming = false;
    bool gone = false; /* ENODEV seen: the node no longer answers */
    /* Shared so that a callback which stops (or restarts) the stream survives its own call. */
    std::shared_ptr<FrameCallback> onFrame;
    ErrorCallback onError;
    /* Set while a frame callback runs: tells onEvents() the callback destroyed the device. */
    bool *destroyed = nullptr;

    CaptureStats stats;
    bool haveSequence = false;
    uint32_t lastSequence = 0;
    bool warnedClock = false;

    ~Impl()
    {
        if (destroyed)
            *destroyed = true;
    }

    Result<void> readFormat();
    Result<void> queueBuffer(uint32_t index);
    Result<void> queryAndExport(uint32_t index);
    Result<const uint8_t *> map(uint32_t index, uint32_t memPlane);
    void releaseBuffers();
    void stopStreaming();
    void onEvents(uint32_t events);
    void noteSequence(uint32_t sequence, bool errored);
    void fail(const Error &error);
};

Result<void> CaptureDevice::Impl::readFormat()
{
    v4l2_format f{};
    f.type = type;
    if (xioctl(fd.get(), VIDIOC_G_FMT, &f) < 0)
        return makeError(errno, "G_FMT on %s", path.c_str());
    CaptureFormat out;
    if (mplane) {
        const v4l2_pix_format_mplane &mp = f.fmt.pix_mp;
        out.fourcc = mp.pixelformat;
        out.width = mp.width;
        out.height = mp.height;
        out.memPlanes = std::clamp<uint32_t>(mp.num_planes, 1, 4);
        for (uint32_t p = 0; p < out.memPlanes; p++) {
            out.bytesperline[p] = mp.plane_fmt[p].bytesperline;
            out.sizeimage[p] = mp.plane_fmt[p].sizeimage;
        }
    } else {
        const v4l2_pix_format &pix = f.fmt.pix;
        out.fourcc = pix.pixelformat;
        out.width = pix.width;
        out.height = pix.height;
        out.memPlanes = 1;
        out.bytesperline[0] = pix.bytesperline;
        out.sizeimage[0] = pix.sizeimage;
    }
    format = out;
    return {};
}

Result<void> CaptureDevice::Impl::queueBuffer(uint32_t index)
{
    if (index >= buffers.size())
        return makeError(EINVAL, "QBUF on %s: no buffer %u (%zu allocated)", path.c_str(), index,
                         buffers.size());
    Buffer &b = buffers[index];
    if (b.queued)
        return makeError(EBUSY, "QBUF on %s: buffer %u is already queued", path.c_str(), index);
    if (memory == Memory::DmaBuf && !b.attached)
        return makeError(EINVAL, "QBUF on %s: buffer %u has no dma_buf attached", path.c_str(),
                         index);

    v4l2_buffer buf{};
    v4l2_plane planes[VIDEO_MAX_PLANES]{};
    buf.type = type;
    buf.memory = v4l2Memory(memory);
    buf.index = index;
    if (mplane) {
        buf.m.planes = planes;
        buf.length = format.memPlanes;
        if (memory == Memory::DmaBuf) {
            for (uint32_t p = 0; p < format.memPlanes; p++) {
                planes[p].m.fd = b.dmaFd[p];
                planes[p].length = b.dmaLength[p];
            }
        }
    } else if (memory == Memory::DmaBuf) {
        buf.m.fd = b.dmaFd[0];
        buf.length = b.dmaLength[0];
    }
    if (xioctl(fd.get(), VIDIOC_QBUF, &buf) < 0) {
        int err = errno;
        if (err == ENODEV)
            gone = true;
        return makeError(err, "QBUF buffer %u (%s) on %s", index, memoryName(memory), path.c_str());
    }
    b.queued = true;
    return {};
}

Result<void> CaptureDevice::Impl::queryAndExport(uint32_t index)
{
    Buffer &b = buffers[index];
    v4l2_buffer buf{};
    v4l2_plane planes[VIDEO_MAX_PLANES]{};
    buf.type = type;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = index;
    if (mplane) {
        buf.m.planes = planes;
        buf.length = VIDEO_MAX_PLANES;
    }
    if (xioctl(fd.get(), VIDIOC_QUERYBUF, &buf) < 0)
        return makeError(errno, "QUERYBUF buffer %u on %s", index, path.c_str());
    uint32_t count = mplane ? buf.length : 1;
    if (count != format.memPlanes)
        return makeError(EIO, "QUERYBUF buffer %u on %s: %u memory planes, the format has %u",
                         index, path.c_str(), count, format.memPlanes);

    for (uint32_t p = 0; p < count; p++) {
        b.length[p] = mplane ? planes[p].length : buf.length;
        b.memOffset[p] = mplane ? planes[p].m.mem_offset : buf.m.offset;

        if (exportErrno)
            continue;
        /*
         * DRM imports want a writable dma_buf (some exporters refuse a
         * read-only one to the GPU), so ask for O_RDWR first and settle for
         * O_RDONLY where the driver only allows that.
         */
        v4l2_exportbuffer ex{};
        ex.type = type;
        ex.index = index;
        ex.plane = p;
        ex.flags = O_CLOEXEC | O_RDWR;
        if (xioctl(fd.get(), VIDIOC_EXPBUF, &ex) < 0) {
            ex.flags = O_CLOEXEC | O_RDONLY;
            if (xioctl(fd.get(), VIDIOC_EXPBUF, &ex) < 0) {
                exportErrno = errno;
                LOG_WARN("EXPBUF buffer %u plane %u on %s: %s; only the copy path is left", index,
                         p, path.c_str(), strerror(exportErrno));
                continue;
            }
            LOG_DEBUG("EXPBUF on %s: read-only dma_bufs only", path.c_str());
        }
        b.exported[p].reset(ex.fd);
    }
    return {};
}

/*
 * Only when asked: vb2's vmalloc buffers (vivid) are mapped in full at
 * mmap, so mapping every buffer up front would add its whole size to the
 * process's RSS on the zero-copy paths, which never read a pixel.
 */
Result<const uint8_t *> CaptureDevice::Impl::map(uint32_t index, uint32_t memPlane)
{
    if (memory != Memory::Mmap)
        return makeError(EINVAL, "%s: buffers are imported (DMABUF), not mapped", path.c_str());
    if (index >= buffers.size() || memPlane >= format.memPlanes)
        return makeError(EINVAL, "%s: no buffer %u plane %u (%zu buffers of %u planes)",
                         path.c_str(), index, memPlane, buffers.size(), format.memPlanes);
    Buffer &b = buffers[index];
    if (b.map[memPlane])
        return b.map[memPlane];
    /* Read-only: the copy path only reads, and V4L2 capture mappings need no write. */
    void *addr =
        ::mmap(nullptr, b.length[memPlane], PROT_READ, MAP_SHARED, fd.get(), b.memOffset[memPlane]);
    if (addr == MAP_FAILED)
        return makeError(errno, "mmap buffer %u plane %u (%zu bytes) of %s", index, memPlane,
                         b.length[memPlane], path.c_str());
    b.map[memPlane] = static_cast<const uint8_t *>(addr);
    return b.map[memPlane];
}

void CaptureDevice::Impl::releaseBuffers()
{
    for (Buffer &b : buffers) {
        for (size_t p = 0; p < b.map.size(); p++)
            if (b.map[p])
                ::munmap(const_cast<uint8_t *>(b.map[p]), b.length[p]);
        for (UniqueFd &e : b.exported)
            e.reset();
    }
    if (!buffers.empty() && !gone) {
        v4l2_requestbuffers req{};
        req.type = type;
        req.memory = v4l2Memory(memory);
        req.count = 0;
        if (xioctl(fd.get(), VIDIOC_REQBUFS, &req) < 0) {
            if (errno == ENODEV)
                gone = true;
            else
                LOG_WARN("REQBUFS 0 (%s) on %s: %s", memoryName(memory), path.c_str(),
                         strerror(errno));
        }
    }
    buffers.clear();
    exportErrno = 0;
}

void CaptureDevice::Impl::stopStreaming()
{
    if (watch) {
        loop->remove(watch);
        watch = 0;
    }
    if (streaming && !gone) {
        int t = static_cast<int>(type);
        if (xioctl(fd.get(), VIDIOC_STREAMOFF, &t) < 0) {
            if (errno == ENODEV)
                gone = true;
            else
                LOG_WARN("STREAMOFF on %s: %s", path.c_str(), strerror(errno));
        }
    }
    /* STREAMOFF hands every queued buffer back; after ENODEV they are no one's to requeue. */
    for (Buffer &b : buffers)
        b.queued = false;
    streaming = false;
    loop = nullptr;
}

void CaptureDevice::Impl::noteSequence(uint32_t sequence, bool errored)
{
    if (!haveSequence) {
        haveSequence = true;
        lastSequence = sequence;
        return;
    }
    if (sequence > lastSequence) {
        stats.dropped += sequence - lastSequence - 1;
        lastSequence = sequence;
    } else if (!errored) {
        /* Backwards (a wrap or a restarted counter): start counting again from here. */
        lastSequence = sequence;
    }
}

void CaptureDevice::Impl::fail(const Error &error)
{
    if (error.errnum() == ENODEV)
        gone = true;
    stopStreaming();
    onFrame = nullptr;
    /* Moved out first: the callback may well destroy this device. */
    ErrorCallback callback = std::move(onError);
    onError = nullptr;
    if (callback)
        callback(error);
}

/*
 * One buffer per wake-up: the fd is watched level-triggered, so a second
 * finished buffer wakes the loop again at once, and the DQBUF that would
 * only have answered EAGAIN is saved on every frame.
 */
void CaptureDevice::Impl::onEvents(uint32_t events)
{
    if (!streaming)
        return;
    v4l2_buffer buf{};
    v4l2_plane planes[VIDEO_MAX_PLANES]{};
    buf.type = type;
    buf.memory = v4l2Memory(memory);
    if (mplane) {
        buf.m.planes = planes;
        buf.length = format.memPlanes;
    }
    if (xioctl(fd.get(), VIDIOC_DQBUF, &buf) < 0) {
        int err = errno;
        if (err != EAGAIN)
            return fail(makeError(err, "DQBUF on %s", path.c_str()));
        /* An error or hang-up with nothing to dequeue would wake us forever. */
        if (events & (EPOLLERR | EPOLLHUP))
            return fail(makeError(EIO, "%s polls %s%s with no buffer to dequeue", path.c_str(),
                                  (events & EPOLLERR) ? "EPOLLERR " : "",
                                  (events & EPOLLHUP) ? "EPOLLHUP" : ""));
        return;
    }
    if (buf.index >= buffers.size())
        return fail(makeError(EIO, "DQBUF on %s returned buffer %u of %zu", path.c_str(), buf.index,
                              buffers.size()));
    Buffer &b = buffers[buf.index];
    b.queued = false;

    if (buf.flags & V4L2_BUF_FLAG_ERROR) {
        /*
         * The data may be torn: never shown, straight back to the driver.
         * Then nothing more this wake-up. A good buffer behind it keeps the
         * fd readable and the loop comes back for it; another DQBUF here
         * would mostly answer EAGAIN, and errors are rare.
         */
        stats.errors++;
        noteSequence(buf.sequence, true);
        LOG_DEBUG("%s: buffer %u sequence %u flagged ERROR, requeued", path.c_str(), buf.index,
                  buf.sequence);
        if (Result<void> r = queueBuffer(buf.index); !r)
            return fail(r.error());
        return;
    }

    if ((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
        !warnedClock) {
        warnedClock = true;
        LOG_WARN("%s: buffer timestamps are not CLOCK_MONOTONIC (flags 0x%x)", path.c_str(),
                 buf.flags);
    }
    noteSequence(buf.sequence, false);

    CapturedFrame frame;
    frame.index = buf.index;
    frame.sequence = buf.sequence;
    frame.timestampNs = static_cast<uint64_t>(buf.timestamp.tv_sec) * 1000000000u +
                        static_cast<uint64_t>(buf.timestamp.tv_usec) * 1000u;
    if (mplane) {
        for (uint32_t p = 0; p < format.memPlanes; p++) {
            frame.bytesused[p] = planes[p].bytesused;
            frame.dataOffset[p] = planes[p].data_offset;
            b.dataOffset[p] = planes[p].data_offset;
        }
    } else {
        frame.bytesused[0] = buf.bytesused;
    }
    stats.captured++;
    std::shared_ptr<FrameCallback> callback = onFrame;
    bool deviceDestroyed = false;
    destroyed = &deviceDestroyed;
    (*callback)(frame);
    /* The callback may have stopped the stream, or even destroyed the device: then hands off. */
    if (!deviceDestroyed)
        destroyed = nullptr;
}

std::vector<std::string> CaptureDevice::list()
{
    std::vector<std::pair<int, std::string>> nodes;
    if (DIR *dir = ::opendir("/dev")) {
        while (dirent *e = ::readdir(dir)) {
            int n = videoNumber(e->d_name);
            if (n >= 0)
                nodes.emplace_back(n, std::string("/dev/") + e->d_name);
        }
        ::closedir(dir);
    }
    std::sort(nodes.begin(), nodes.end());

    std::vector<std::string> out;
    for (const auto &[n, path] : nodes) {
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
        v4l2_capability cap{};
        if (!fd.isValid() || xioctl(fd.get(), VIDIOC_QUERYCAP, &cap) < 0) {
            LOG_DEBUG("v4l2: skipping %s: %s", path.c_str(), strerror(errno));
            continue;
        }
        if (isCapture(nodeCaps(cap)))
            out.push_back(path);
    }
    return out;
}

CaptureDevice::CaptureDevice() : impl_(std::make_unique<Impl>()) {}

CaptureDevice::~CaptureDevice()
{
    impl_->stopStreaming();
    impl_->releaseBuffers();
}

Result<std::unique_ptr<CaptureDevice>> CaptureDevice::open(const std::string &path)
{
    std::string node = path;
    if (node.empty()) {
        std::vector<std::string> nodes = list();
        if (nodes.empty())
            return makeError(ENODEV, "no V4L2 video capture node in /dev");
        node = nodes.front();
    }

    std::unique_ptr<CaptureDevice> device(new CaptureDevice());
    Impl &d = *device->impl_;
    d.path = node;
    d.fd.reset(::open(node.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!d.fd.isValid())
        return makeError(errno, "open %s", node.c_str());

    v4l2_capability cap{};
    if (xioctl(d.fd.get(), VIDIOC_QUERYCAP, &cap) < 0)
        return makeError(errno, "QUERYCAP on %s (not a V4L2 device?)", node.c_str());
    d.driver = fixedString(cap.driver, sizeof(cap.driver));
    d.card = fixedString(cap.card, sizeof(cap.card));
    uint32_t caps = nodeCaps(cap);
    if (!isCapture(caps))
        return makeError(ENOTSUP, "%s (%s, %s) is not a video capture node (caps 0x%08x)",
                         node.c_str(), d.driver.c_str(), d.card.c_str(), caps);
    if (!(caps & V4L2_CAP_STREAMING))
        return makeError(ENOTSUP, "%s (%s) cannot stream (no V4L2_CAP_STREAMING)", node.c_str(),
                         d.driver.c_str());
    /* Where a node offers both APIs, the multi-planar one also covers the *M formats. */
    d.mplane = caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE;
    d.type = d.mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;

    if (Result<void> r = d.readFormat(); !r)
        return r.error();
    LOG_DEBUG("v4l2: %s: %s, %s, %s-planar, %s %ux%u", node.c_str(), d.driver.c_str(),
              d.card.c_str(), d.mplane ? "multi" : "single", fourccName(d.format.fourcc).c_str(),
              d.format.width, d.format.height);
    return device;
}

const std::string &CaptureDevice::path() const
{
    return impl_->path;
}

int CaptureDevice::fd() const
{
    return impl_->fd.get();
}

const std::string &CaptureDevice::driver() const
{
    return impl_->driver;
}

const std::string &CaptureDevice::card() const
{
    return impl_->card;
}

bool CaptureDevice::multiplanar() const
{
    return impl_->mplane;
}

Result<std::vector<uint32_t>> CaptureDevice::formats() const
{
    std::vector<uint32_t> out;
    for (uint32_t i = 0;; i++) {
        v4l2_fmtdesc desc{};
        desc.index = i;
        desc.type = impl_->type;
        if (xioctl(impl_->fd.get(), VIDIOC_ENUM_FMT, &desc) < 0) {
            if (errno == EINVAL)
                break;
            return makeError(errno, "ENUM_FMT %u on %s", i, impl_->path.c_str());
        }
        out.push_back(desc.pixelformat);
    }
    return out;
}

Result<std::vector<FrameSize>> CaptureDevice::frameSizes(uint32_t fourcc) const
{
    std::vector<FrameSize> out;
    for (uint32_t i = 0;; i++) {
        v4l2_frmsizeenum size{};
        size.index = i;
        size.pixel_format = fourcc;
        if (xioctl(impl_->fd.get(), VIDIOC_ENUM_FRAMESIZES, &size) < 0) {
            if (errno == EINVAL && i > 0)
                break;
            return makeError(errno, "ENUM_FRAMESIZES %s on %s", fourccName(fourcc).c_str(),
                             impl_->path.c_str());
        }
        if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            out.push_back({size.discrete.width, size.discrete.height});
            continue;
        }
        /* Stepwise or continuous: one answer holds the whole range. */
        out.push_back({size.stepwise.min_width, size.stepwise.min_height});
        out.push_back({size.stepwise.max_width, size.stepwise.max_height});
        break;
    }
    return out;
}

Result<CaptureFormat> CaptureDevice::setFormat(uint32_t fourcc, uint32_t width, uint32_t height)
{
    Impl &d = *impl_;
    v4l2_format f{};
    f.type = d.type;
    if (xioctl(d.fd.get(), VIDIOC_G_FMT, &f) < 0)
        return makeError(errno, "G_FMT on %s", d.path.c_str());
    /* Progressive frames only: a display shows whole frames. bytesperline 0: the driver's choice.
     */
    if (d.mplane) {
        v4l2_pix_format_mplane &mp = f.fmt.pix_mp;
        mp.pixelformat = fourcc;
        mp.width = width ? width : mp.width;
        mp.height = height ? height : mp.height;
        mp.field = V4L2_FIELD_NONE;
        mp.num_planes = 0;
        std::memset(mp.plane_fmt, 0, sizeof(mp.plane_fmt));
    } else {
        v4l2_pix_format &pix = f.fmt.pix;
        pix.pixelformat = fourcc;
        pix.width = width ? width : pix.width;
        pix.height = height ? height : pix.height;
        pix.field = V4L2_FIELD_NONE;
        pix.bytesperline = 0;
        pix.sizeimage = 0;
    }
    if (xioctl(d.fd.get(), VIDIOC_S_FMT, &f) < 0)
        return makeError(errno, "S_FMT %s %ux%u on %s", fourccName(fourcc).c_str(), width, height,
                         d.path.c_str());
    if (Result<void> r = d.readFormat(); !r)
        return r.error();
    if (d.format.fourcc != fourcc || (width && d.format.width != width) ||
        (height && d.format.height != height))
        LOG_INFO("%s: asked for %s %ux%u, the driver chose %s %ux%u", d.path.c_str(),
                 fourccName(fourcc).c_str(), width, height, fourccName(d.format.fourcc).c_str(),
                 d.format.width, d.format.height);
    return d.format;
}

Result<double> CaptureDevice::setFrameRate(uint32_t fps)
{
    Impl &d = *impl_;
    v4l2_streamparm parm{};
    parm.type = d.type;
    parm.parm.capture.timeperframe = {1, fps};
    if (xioctl(d.fd.get(), VIDIOC_S_PARM, &parm) < 0)
        return makeError(errno, "S_PARM %u fps on %s", fps, d.path.c_str());
    const v4l2_fract &t = parm.parm.capture.timeperframe;
    if (!(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME) || !t.numerator)
        return makeError(ENOTTY, "%s has no frame rate control", d.path.c_str());
    return static_cast<double>(t.denominator) / t.numerator;
}

const CaptureFormat &CaptureDevice::format() const
{
    return impl_->format;
}

Result<uint32_t> CaptureDevice::requestBuffers(Memory memory, uint32_t count)
{
    Impl &d = *impl_;
    if (d.streaming)
        return makeError(EBUSY, "REQBUFS on %s while streaming", d.path.c_str());
    d.releaseBuffers();
    /* Freeing is done (REQBUFS 0 above); a node already gone has nothing more to free. */
    if (count == 0)
        return 0u;

    v4l2_requestbuffers req{};
    req.type = d.type;
    req.memory = v4l2Memory(memory);
    req.count = count;
    if (xioctl(d.fd.get(), VIDIOC_REQBUFS, &req) < 0)
        return makeError(errno, "REQBUFS %u %s on %s", count, memoryName(memory), d.path.c_str());
    d.memory = memory;
    d.buffers.resize(req.count);
    if (memory == Memory::Mmap) {
        for (uint32_t i = 0; i < req.count; i++) {
            if (Result<void> r = d.queryAndExport(i); !r) {
                d.releaseBuffers();
                return r.error();
            }
        }
    }
    LOG_DEBUG("v4l2: %s: %u %s buffers (asked for %u)", d.path.c_str(), req.count,
              memoryName(memory), count);
    return req.count;
}

Memory CaptureDevice::memory() const
{
    return impl_->memory;
}

uint32_t CaptureDevice::bufferCount() const
{
    return static_cast<uint32_t>(impl_->buffers.size());
}

/*
 * data_offset: V4L2 reports it per buffer at DQBUF (multi-planar API only;
 * the single-planar API has none, so it is 0 there). The offsets below
 * include the data_offset this buffer carried when it was last dequeued,
 * so the description is exact for the frame just handed out; before its
 * first frame a buffer's offsets assume 0. Drivers keep it constant for a
 * format (vivid: 128 bytes on NV16M's first plane), so a display that
 * imports a buffer at its first frame imports it right; one that compares
 * CapturedFrame::dataOffset with what it imported sees any change.
 */
Result<DmaBufDescription> CaptureDevice::exportedBuffer(uint32_t index) const
{
    const Impl &d = *impl_;
    if (d.memory != Memory::Mmap)
        return makeError(EINVAL, "%s: buffers are imported (DMABUF), not exported", d.path.c_str());
    if (index >= d.buffers.size())
        return makeError(EINVAL, "%s: no buffer %u (%zu allocated)", d.path.c_str(), index,
                         d.buffers.size());
    const FormatInfo *info = formatFromV4l2(d.format.fourcc);
    if (!info)
        return makeError(EINVAL, "%s: V4L2 format %s has no DRM equivalent in the table",
                         d.path.c_str(), fourccName(d.format.fourcc).c_str());
    if (info->memPlanes != d.format.memPlanes)
        return makeError(EINVAL, "%s: %s comes in %u memory planes, expected %u", d.path.c_str(),
                         info->name, d.format.memPlanes, info->memPlanes);
    if (d.exportErrno)
        return makeError(d.exportErrno, "%s: EXPBUF failed, no dma_buf for buffer %u",
                         d.path.c_str(), index);

    const Impl::Buffer &b = d.buffers[index];
    DmaBufDescription desc;
    desc.width = d.format.width;
    desc.height = d.format.height;
    desc.format = info->drm;
    desc.modifier = kModifierLinear; /* V4L2 buffers of these formats are plain linear memory */
    desc.planeCount = info->planes;
    for (uint32_t p = 0; p < info->planes; p++) {
        if (info->memPlanes == 1) {
            PlaneLayout l = packedPlaneLayout(*info, d.format.bytesperline[0], d.format.height, p);
            desc.planes[p] = {b.exported[0].get(), b.dataOffset[0] + l.offset, l.pitch};
        } else {
            desc.planes[p] = {b.exported[p].get(), b.dataOffset[p], d.format.bytesperline[p]};
        }
    }
    return desc;
}

Result<const uint8_t *> CaptureDevice::mapping(uint32_t index, uint32_t memPlane)
{
    return impl_->map(index, memPlane);
}

size_t CaptureDevice::mappingSize(uint32_t index, uint32_t memPlane) const
{
    const Impl &d = *impl_;
    if (index >= d.buffers.size() || memPlane >= VIDEO_MAX_PLANES)
        return 0;
    return d.buffers[index].length[memPlane];
}

Result<void> CaptureDevice::attachDmaBuf(uint32_t index, const std::vector<int> &fds,
                                         const std::vector<uint32_t> &lengths)
{
    Impl &d = *impl_;
    if (d.memory != Memory::DmaBuf)
        return makeError(EINVAL, "%s: attachDmaBuf needs DMABUF buffers (REQBUFS was MMAP)",
                         d.path.c_str());
    if (index >= d.buffers.size())
        return makeError(EINVAL, "%s: no buffer %u (%zu allocated)", d.path.c_str(), index,
                         d.buffers.size());
    if (fds.size() != d.format.memPlanes || lengths.size() != d.format.memPlanes)
        return makeError(EINVAL, "%s: buffer %u takes %u dma_buf fds, got %zu fds and %zu lengths",
                         d.path.c_str(), index, d.format.memPlanes, fds.size(), lengths.size());
    Impl::Buffer &b = d.buffers[index];
    if (b.queued)
        return makeError(EBUSY, "%s: buffer %u is queued; attach before queueing", d.path.c_str(),
                         index);
    for (uint32_t p = 0; p < d.format.memPlanes; p++) {
        if (fds[p] < 0)
            return makeError(EBADF, "%s: buffer %u plane %u: invalid dma_buf fd %d", d.path.c_str(),
                             index, p, fds[p]);
        if (lengths[p] < d.format.sizeimage[p])
            return makeError(EINVAL,
                             "%s: buffer %u plane %u: dma_buf fd %d has %u bytes, %u needed",
                             d.path.c_str(), index, p, fds[p], lengths[p], d.format.sizeimage[p]);
        b.dmaFd[p] = fds[p];
        b.dmaLength[p] = lengths[p];
    }
    b.attached = true;
    return {};
}

Result<void> CaptureDevice::queue(uint32_t index)
{
    return impl_->queueBuffer(index);
}

Result<void> CaptureDevice::start(EventLoop &loop, FrameCallback onFrame, ErrorCallback onError)
{
    Impl &d = *impl_;
    if (d.streaming)
        return makeError(EBUSY, "%s is already streaming", d.path.c_str());
    if (d.buffers.empty())
        return makeError(EINVAL, "%s: no buffers to stream into (call requestBuffers)",
                         d.path.c_str());
    auto unwind = [&](Error error) {
        int t = static_cast<int>(d.type);
        /* STREAMOFF also takes back buffers queued without streaming. */
        if (!d.gone)
            xioctl(d.fd.get(), VIDIOC_STREAMOFF, &t);
        for (Impl::Buffer &b : d.buffers)
            b.queued = false;
        return error;
    };
    for (uint32_t i = 0; i < d.buffers.size(); i++) {
        if (d.buffers[i].queued)
            continue;
        if (Result<void> r = d.queueBuffer(i); !r)
            return unwind(r.error());
    }

    int t = static_cast<int>(d.type);
    if (xioctl(d.fd.get(), VIDIOC_STREAMON, &t) < 0)
        return unwind(makeError(errno, "STREAMON on %s", d.path.c_str()));
    Impl *impl = impl_.get();
    Result<EventLoop::Id> watch =
        loop.addFd(d.fd.get(), EPOLLIN, [impl](uint32_t events) { impl->onEvents(events); });
    if (!watch)
        return unwind(watch.error());

    d.loop = &loop;
    d.watch = *watch;
    d.streaming = true;
    d.onFrame = std::make_shared<FrameCallback>(std::move(onFrame));
    d.onError = std::move(onError);
    d.stats = {};
    d.haveSequence = false;
    LOG_DEBUG("v4l2: %s streaming %s %ux%u into %zu %s buffers", d.path.c_str(),
              fourccName(d.format.fourcc).c_str(), d.format.width, d.format.height,
              d.buffers.size(), memoryName(d.memory));
    return {};
}

void CaptureDevice::stop()
{
    impl_->stopStreaming();
    impl_->onFrame = nullptr;
    impl_->onError = nullptr;
}

bool CaptureDevice::streaming() const
{
    return impl_->streaming;
}

const CaptureStats &CaptureDevice::stats() const
{
    return impl_->stats;
}

} /* namespace scanout::v4l2 */
