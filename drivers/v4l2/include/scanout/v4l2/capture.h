/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <scanout/dma_buf.h>
#include <scanout/event_loop.h>
#include <scanout/result.h>
#include <scanout/unique_fd.h>

namespace scanout::v4l2 {

/** What S_FMT settled on: the driver may change size, pitch or even the format. */
struct CaptureFormat {
    uint32_t fourcc = 0; /* V4L2 fourcc */
    uint32_t width = 0, height = 0;
    /** Memory planes: 1 on the single-planar API and for packed multi-planar formats. */
    uint32_t memPlanes = 1;
    uint32_t bytesperline[4] = {};
    uint32_t sizeimage[4] = {};
};

struct FrameSize {
    uint32_t width = 0, height = 0;
};

enum class Memory {
    Mmap,   /* the camera allocates; buffers are exported with VIDIOC_EXPBUF */
    DmaBuf, /* the camera imports dma_bufs someone else allocated */
};

/** A filled buffer, handed to the frame callback. */
struct CapturedFrame {
    uint32_t index = 0;
    uint32_t sequence = 0;
    /** The buffer's timestamp, CLOCK_MONOTONIC in ns (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC). */
    uint64_t timestampNs = 0;
    uint32_t bytesused[4] = {};
    /** Multi-planar data_offset per memory plane: where the payload starts. */
    uint32_t dataOffset[4] = {};
};

struct CaptureStats {
    uint64_t captured = 0; /* frames dequeued without error */
    uint64_t dropped = 0;  /* gaps in the sequence numbers */
    uint64_t errors = 0;   /* buffers flagged V4L2_BUF_FLAG_ERROR, requeued */
};

/**
 * One V4L2 video capture node, single- or multi-planar, streaming through
 * the runtime's event loop. Non-blocking throughout: DQBUF happens when the
 * fd polls readable.
 *
 * Buffer ownership: after start(), each buffer is either queued in the
 * driver or handed to the frame callback. A buffer handed out belongs to
 * the app until it calls queue() with its index: the display requeues it
 * only once it has left the screen.
 */
class CaptureDevice
{
public:
    using FrameCallback = std::function<void(const CapturedFrame &frame)>;
    /** The device failed (ENODEV: unplugged); streaming has stopped. */
    using ErrorCallback = std::function<void(const Error &error)>;

    /** Video capture nodes, /dev/video0 first, in numeric order. */
    static std::vector<std::string> list();

    /** Opens \a path, or the first capture node when empty. */
    static Result<std::unique_ptr<CaptureDevice>> open(const std::string &path);
    /** Stops streaming, frees the buffers (and exported fds) and closes the node. */
    ~CaptureDevice();

    CaptureDevice(const CaptureDevice &) = delete;
    CaptureDevice &operator=(const CaptureDevice &) = delete;

    const std::string &path() const;
    int fd() const;
    /** QUERYCAP's driver and card names. */
    const std::string &driver() const;
    const std::string &card() const;
    bool multiplanar() const;

    /** ENUM_FMT: the V4L2 fourccs the node offers. */
    Result<std::vector<uint32_t>> formats() const;
    /** ENUM_FRAMESIZES: discrete sizes, or the min and max of a stepwise range. */
    Result<std::vector<FrameSize>> frameSizes(uint32_t fourcc) const;

    /** S_FMT; 0 for width or height keeps the current one. */
    Result<CaptureFormat> setFormat(uint32_t fourcc, uint32_t width, uint32_t height);
    const CaptureFormat &format() const;

    /**
     * S_PARM: asks for \a fps frames per second; returns the rate the driver
     * settled on. ENOTTY where the driver has no frame interval control.
     */
    Result<double> setFrameRate(uint32_t fps);

    /**
     * REQBUFS: \a count buffers in \a memory mode. Returns the count the
     * driver granted. For Mmap the buffers are exported (EXPBUF) right away;
     * the CPU maps them only through mapping(). A count of 0 frees them
     * (and succeeds on a node that is gone).
     */
    Result<uint32_t> requestBuffers(Memory memory, uint32_t count);
    Memory memory() const;
    uint32_t bufferCount() const;

    /**
     * An Mmap buffer as DMA-BUF fds (exported once, owned by this object),
     * with DRM's fourcc, the pitches from bytesperline and the colour plane
     * offsets. Fails with EINVAL for formats not in the table.
     */
    Result<DmaBufDescription> exportedBuffer(uint32_t index) const;
    /**
     * Read-only CPU view of an Mmap buffer's memory plane, for the copy
     * path. Mapped on the first call and kept until the buffers are
     * released, so paths that never read the pixels never pay for the
     * mapping. EINVAL for DMABUF buffers and for an index or plane out of
     * range; mmap's errno when mapping fails.
     */
    Result<const uint8_t *> mapping(uint32_t index, uint32_t memPlane);
    /** The memory plane's length from QUERYBUF, mapped or not; 0 where mapping() fails EINVAL. */
    size_t mappingSize(uint32_t index, uint32_t memPlane) const;

    /**
     * Attaches the dma_buf fds the camera writes into buffer \a index
     * (Memory::DmaBuf). \a fds are borrowed and must stay open while the
     * buffer is in use; \a lengths are each fd's size.
     */
    Result<void> attachDmaBuf(uint32_t index, const std::vector<int> &fds,
                              const std::vector<uint32_t> &lengths);

    /** QBUF: gives buffer \a index back to the driver. */
    Result<void> queue(uint32_t index);

    /** Queues every buffer not yet queued, then STREAMON, and watches the fd on \a loop. */
    Result<void> start(EventLoop &loop, FrameCallback onFrame, ErrorCallback onError);
    /** STREAMOFF: every buffer returns to the app; no more callbacks. */
    void stop();
    bool streaming() const;

    const CaptureStats &stats() const;

private:
    CaptureDevice();
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} /* namespace scanout::v4l2 */
