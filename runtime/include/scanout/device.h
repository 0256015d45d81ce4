/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/unique_fd.h>

namespace scanout {

class Session;

struct DeviceOptions {
    /**
     * Which device: empty for the first KMS-capable primary node, a path
     * ("/dev/dri/card1"), or a kernel driver name ("vc4", "virtio_gpu").
     */
    std::string device;
    /**
     * With no device or a driver name: only a device with a connector of
     * this name ("HDMI-A-1"), so that one of several devices of a driver
     * (the i.MX 8M Plus has three imx-lcdif) is found by its output.
     * Empty: any. A path is opened whatever it has.
     */
    std::string connector;
    /** Ask for the atomic client cap; without it (or when refused) commits are legacy. */
    bool atomic = true;
    /** Expose writeback connectors (only when asked: they confuse naive clients). */
    bool writeback = false;
    /** Become DRM master and fail clearly when another process holds it. */
    bool master = true;
    /**
     * Open (and close) the nodes through this session, e.g. a seat daemon's
     * for a process that is not root. It must outlive the Device. Master
     * then follows the session: dropped while it is disabled, taken back
     * when it is enabled. With `master`, a device without master while the
     * session is enabled is an error; without it, master is left alone.
     */
    Session *session = nullptr;
};

/** A primary node found by enumeration, whether or not it can drive a display. */
struct DeviceCandidate {
    std::string path;
    std::string driver;
    std::string busInfo;
    bool kms = false; /* has CRTCs and connectors; render-only devices have none */
    std::vector<std::string> connectors; /* their names ("HDMI-A-1"), for KMS devices */
};

/** An open KMS device: the fd, its identity and capabilities. */
class Device
{
public:
    /**
     * Every DRM primary node on the system, in drmGetDevices2 order. Each is
     * opened to read its driver, through \a session when given.
     */
    static Result<std::vector<DeviceCandidate>> enumerate(Session *session = nullptr);

    static Result<std::unique_ptr<Device>> open(const DeviceOptions &options);
    ~Device();

    Device(const Device &) = delete;
    Device &operator=(const Device &) = delete;

    int fd() const { return fd_.get(); }
    const DeviceInfo &info() const { return info_; }
    const std::string &path() const { return info_.path; }

    /** Reads connectors, encoders, CRTCs and planes as they are now. */
    Result<Snapshot> snapshot() const;

private:
    Device() = default;

    /* Opened through session_ when it is set, and given back to it (~Device). */
    UniqueFd fd_;
    Session *session_ = nullptr;
    DeviceInfo info_;
};

} /* namespace scanout */
