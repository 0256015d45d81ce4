/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <scanout/result.h>
#include <scanout/unique_fd.h>

namespace scanout {

/**
 * The one event loop of a scanout process: DRM events, timers, signals and
 * later V4L2 and input all share one epoll set. Callbacks run on the thread
 * that calls run(); nothing in it blocks waiting for a flip.
 */
class EventLoop
{
public:
    using Callback = std::function<void()>;
    using FdCallback = std::function<void(uint32_t events)>;
    using Id = uint64_t;

    static Result<std::unique_ptr<EventLoop>> create();
    ~EventLoop();

    EventLoop(const EventLoop &) = delete;
    EventLoop &operator=(const EventLoop &) = delete;

    /** Watches \a fd (not owned) for \a events (EPOLLIN, ...). */
    Result<Id> addFd(int fd, uint32_t events, FdCallback callback);

    /** A timer firing once after \a delayNs, or every \a intervalNs if non-zero. */
    Result<Id> addTimer(uint64_t delayNs, uint64_t intervalNs, Callback callback);

    /**
     * Delivers \a signal through the loop (signalfd) instead of as an
     * asynchronous handler. The signal is blocked for the whole process;
     * the original mask is restored when the loop is destroyed.
     */
    Result<Id> addSignal(int signal, Callback callback);

    /**
     * Makes the fd source \a id lazy (or wake the loop again): a lazy fd
     * never wakes the loop. Its callback runs instead, with events 0, at
     * the end of every round the loop woke up for, and when a sleep that
     * wakeWithin() bounded ends. For events that can wait for the next
     * wake-up (a page-flip event while a camera frame comes anyway): one
     * sleep and wake-up fewer each time. The callback must expect the fd
     * not to be ready, so the fd should be non-blocking.
     */
    Result<void> setLazy(Id id, bool lazy);
    /**
     * Bounds the next sleep of the loop to \a ms (the shortest asked for
     * wins), so that lazy sources are looked at by then. For the next
     * sleep only: a lazy callback that still waits asks again.
     */
    void wakeWithin(int ms);
    /**
     * A callback that runs, once schedule() asked for it, where a posted
     * one would: for work a frame asks for every time (a commit). It is
     * stored once, so scheduling it allocates nothing, and removing the
     * source cancels a pending run. The callback may remove its own source.
     */
    Result<Id> addDeferred(Callback callback);
    /** Asks for one run of the deferred source \a id; asking again before it runs adds nothing. */
    void schedule(Id id);
    /** Removes a source added by addFd(), addTimer(), addSignal() or addDeferred(). */
    void remove(Id id);

    /**
     * Runs \a callback once the callbacks of the events being dispatched
     * have returned, before the loop sleeps again. Posted callbacks run in
     * the order posted; one posted by a posted callback runs in the next
     * round, after the fds that are ready by then. Posted before run(), it
     * runs when run() starts; posted after exit(), at the next run().
     *
     * Only for the loop's own thread: a post does not wake a sleeping loop.
     */
    void post(Callback callback);

    /** Dispatches until exit() is called (or was, before run()); returns its code. */
    int run();
    void exit(int code);

private:
    EventLoop() = default;
    struct Source;

    Result<Id> addSource(std::unique_ptr<Source> source, uint32_t events);
    void dispatchPosted();
    void dispatchScheduled();
    void dispatchLazy();
    void updateSignalMask();

    UniqueFd epoll_;
    std::map<Id, std::unique_ptr<Source>> sources_;
    std::vector<Callback> posted_;
    std::vector<Callback> postedRound_; /* dispatchPosted()'s batch, kept for its storage */
    std::vector<Id> lazy_;
    std::vector<Id> scheduled_;      /* deferred sources asked for, in order */
    std::vector<Id> scheduledRound_; /* dispatchScheduled()'s batch, kept for its storage */
    /* A deferred source removed from inside its own callback: freed once that returns. */
    std::vector<std::unique_ptr<Source>> removedWhileRunning_;
    Id runningDeferred_ = 0;    /* the deferred source whose callback runs now */
    std::vector<Id> lazyRound_; /* dispatchLazy()'s copy of lazy_ */
    int wakeWithinMs_ = -1;
    Id nextId_ = 1;
    bool quit_ = false;
    int exitCode_ = 0;
    std::vector<int> signals_;
    struct SavedMask;
    std::unique_ptr<SavedMask> savedMask_;
};

} /* namespace scanout */
