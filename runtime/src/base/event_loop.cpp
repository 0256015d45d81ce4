/* SPDX-License-Identifier: MIT */
#include <scanout/event_loop.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <scanout/log.h>

namespace scanout {

struct EventLoop::Source {
    enum class Kind { Fd, Timer, Signal, Deferred } kind;
    int fd = -1; /* the watched fd, owned only for timers and signals; none when deferred */
    bool scheduled = false; /* a deferred source waiting to run */
    UniqueFd owned;
    int signal = 0;
    uint32_t events = 0; /* what an fd source watches while it is not lazy */
    bool oneShot = false;
    FdCallback onFd;
    Callback onEvent;
};

struct EventLoop::SavedMask {
    sigset_t mask;
};

Result<std::unique_ptr<EventLoop>> EventLoop::create()
{
    std::unique_ptr<EventLoop> loop(new EventLoop());

    loop->epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    if (!loop->epoll_.isValid())
        return makeError(errno, "epoll_create1");

    return loop;
}

EventLoop::~EventLoop()
{
    sources_.clear();
    if (savedMask_)
        sigprocmask(SIG_SETMASK, &savedMask_->mask, nullptr);
}

Result<EventLoop::Id> EventLoop::addSource(std::unique_ptr<Source> source, uint32_t events)
{
    Id id = nextId_++;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, source->fd, &ev) < 0)
        return makeError(errno, "epoll_ctl ADD fd %d", source->fd);
    sources_.emplace(id, std::move(source));
    return id;
}

Result<EventLoop::Id> EventLoop::addFd(int fd, uint32_t events, FdCallback callback)
{
    auto source = std::make_unique<Source>();
    source->kind = Source::Kind::Fd;
    source->fd = fd;
    source->onFd = std::move(callback);
    source->events = events;
    return addSource(std::move(source), events);
}

Result<void> EventLoop::setLazy(Id id, bool lazy)
{
    auto it = sources_.find(id);
    if (it == sources_.end() || it->second->kind != Source::Kind::Fd)
        return makeError(EINVAL, "event loop: source %llu is not an fd source",
                         static_cast<unsigned long long>(id));
    auto listed = std::find(lazy_.begin(), lazy_.end(), id);
    if ((listed != lazy_.end()) == lazy)
        return {};
    epoll_event ev{};
    ev.events = lazy ? 0 : it->second->events;
    ev.data.u64 = id;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, it->second->fd, &ev) < 0)
        return makeError(errno, "epoll_ctl MOD fd %d", it->second->fd);
    if (lazy)
        lazy_.push_back(id);
    else
        lazy_.erase(listed);
    return {};
}

void EventLoop::wakeWithin(int ms)
{
    if (ms >= 0 && (wakeWithinMs_ < 0 || ms < wakeWithinMs_))
        wakeWithinMs_ = ms;
}

void EventLoop::dispatchLazy()
{
    /* A copy: a callback may add, remove or wake up sources. Its storage is kept between
     * rounds (taken out meanwhile, so a loop run from a callback gets its own). */
    std::vector<Id> ids = std::exchange(lazyRound_, {});
    ids.assign(lazy_.begin(), lazy_.end());
    for (Id id : ids) {
        auto it = sources_.find(id);
        if (it == sources_.end() || quit_)
            continue;
        FdCallback cb = it->second->onFd;
        cb(0);
    }
    lazyRound_ = std::move(ids);
}

Result<EventLoop::Id> EventLoop::addTimer(uint64_t delayNs, uint64_t intervalNs, Callback callback)
{
    UniqueFd fd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd.isValid())
        return makeError(errno, "timerfd_create");

    /* A zero it_value disarms a timer, so a zero delay becomes 1 ns. */
    itimerspec spec{};
    uint64_t delay = delayNs ? delayNs : 1;
    spec.it_value.tv_sec = static_cast<time_t>(delay / 1000000000u);
    spec.it_value.tv_nsec = static_cast<long>(delay % 1000000000u);
    spec.it_interval.tv_sec = static_cast<time_t>(intervalNs / 1000000000u);
    spec.it_interval.tv_nsec = static_cast<long>(intervalNs % 1000000000u);
    if (timerfd_settime(fd.get(), 0, &spec, nullptr) < 0)
        return makeError(errno, "timerfd_settime fd %d", fd.get());

    auto source = std::make_unique<Source>();
    source->kind = Source::Kind::Timer;
    source->fd = fd.get();
    source->owned = std::move(fd);
    source->oneShot = intervalNs == 0;
    source->onEvent = std::move(callback);
    return addSource(std::move(source), EPOLLIN);
}

void EventLoop::updateSignalMask()
{
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : signals_)
        sigaddset(&mask, sig);
    if (!savedMask_) {
        savedMask_ = std::make_unique<SavedMask>();
        sigprocmask(SIG_BLOCK, &mask, &savedMask_->mask);
    } else {
        sigset_t full = savedMask_->mask;
        for (int sig : signals_)
            sigaddset(&full, sig);
        sigprocmask(SIG_SETMASK, &full, nullptr);
    }
}

Result<EventLoop::Id> EventLoop::addSignal(int signal, Callback callback)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, signal);

    /* Block first, so a signal arriving now is queued for the signalfd. */
    signals_.push_back(signal);
    updateSignalMask();
    auto undo = [&](Error error) {
        signals_.erase(std::find(signals_.begin(), signals_.end(), signal));
        updateSignalMask();
        return error;
    };

    UniqueFd fd(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd.isValid())
        return undo(makeError(errno, "signalfd for signal %d (%s)", signal, strsignal(signal)));

    auto source = std::make_unique<Source>();
    source->kind = Source::Kind::Signal;
    source->fd = fd.get();
    source->owned = std::move(fd);
    source->signal = signal;
    source->onEvent = std::move(callback);
    Result<Id> id = addSource(std::move(source), EPOLLIN);
    if (!id)
        return undo(id.error());
    return id;
}

Result<EventLoop::Id> EventLoop::addDeferred(Callback callback)
{
    auto source = std::make_unique<Source>();
    source->kind = Source::Kind::Deferred;
    source->onEvent = std::move(callback);
    Id id = nextId_++;
    sources_.emplace(id, std::move(source));
    return id;
}

void EventLoop::schedule(Id id)
{
    auto it = sources_.find(id);
    if (it == sources_.end() || it->second->kind != Source::Kind::Deferred || it->second->scheduled)
        return;
    it->second->scheduled = true;
    scheduled_.push_back(id);
}

void EventLoop::dispatchScheduled()
{
    /* What the callbacks schedule runs in the next round, like a post from a posted callback. */
    std::vector<Id> batch = std::exchange(scheduledRound_, {});
    batch.swap(scheduled_);
    for (Id id : batch) {
        auto it = sources_.find(id);
        if (it == sources_.end())
            continue;
        it->second->scheduled = false;
        /* Called in place, not copied; remove() keeps the source alive until it returns. */
        Id outer = std::exchange(runningDeferred_, id);
        it->second->onEvent();
        runningDeferred_ = outer;
        removedWhileRunning_.clear();
    }
    batch.clear();
    scheduledRound_ = std::move(batch);
}

void EventLoop::remove(Id id)
{
    auto it = sources_.find(id);
    if (it == sources_.end())
        return;
    if (it->second->kind == Source::Kind::Deferred) {
        if (it->second->scheduled)
            scheduled_.erase(std::find(scheduled_.begin(), scheduled_.end(), id));
        if (id == runningDeferred_)
            removedWhileRunning_.push_back(std::move(it->second));
        sources_.erase(it);
        return;
    }
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second->fd, nullptr);
    if (auto listed = std::find(lazy_.begin(), lazy_.end(), id); listed != lazy_.end())
        lazy_.erase(listed);
    if (it->second->kind == Source::Kind::Signal) {
        int sig = it->second->signal;
        signals_.erase(std::find(signals_.begin(), signals_.end(), sig));
        if (std::find(signals_.begin(), signals_.end(), sig) == signals_.end()) {
            /*
             * Consume what is still queued for us before unblocking: a second
             * Ctrl-C must not kill the process halfway through its cleanup.
             */
            sigset_t one;
            sigemptyset(&one);
            sigaddset(&one, sig);
            timespec zero{};
            while (sigtimedwait(&one, nullptr, &zero) == sig) {
            }
        }
        updateSignalMask();
    }
    sources_.erase(it);
}

/*
 * Only the loop's own thread posts (callbacks and setup before run()), so
 * the queue needs no lock and no wake-up: run() looks at it before it
 * sleeps. A post from another thread would sit there until some fd woke
 * the loop.
 */
void EventLoop::post(Callback callback)
{
    posted_.push_back(std::move(callback));
}

void EventLoop::dispatchPosted()
{
    /*
     * Callbacks may post more; those run in the next round. The two vectors
     * trade places and keep their storage: no allocation per round.
     */
    std::vector<Callback> batch = std::exchange(postedRound_, {});
    batch.swap(posted_);
    for (auto &cb : batch)
        cb();
    batch.clear();
    postedRound_ = std::move(batch);
}

int EventLoop::run()
{
    epoll_event events[16];

    /* An exit() asked for before run() (e.g. from a setup callback) still counts. */
    while (!quit_) {
        /*
         * Posted work first: it is what the last round of callbacks asked
         * for (a commit after a camera frame, say). The whole batch runs,
         * even past an exit(); what it posts waits for the next round.
         */
        if (!posted_.empty()) {
            dispatchPosted();
            if (quit_)
                break;
        }
        if (!scheduled_.empty()) {
            dispatchScheduled();
            if (quit_)
                break;
        }
        /* Still posted work: look at the fds without sleeping, then run it. */
        bool pending = !posted_.empty() || !scheduled_.empty();
        int timeout = pending ? 0 : std::exchange(wakeWithinMs_, -1);
        int n = epoll_wait(epoll_.get(), events, 16, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            LOG_ERROR("event loop: epoll_wait on fd %d: %s", epoll_.get(), strerror(errno));
            return 1;
        }

        for (int i = 0; i < n && !quit_; i++) {
            Id id = events[i].data.u64;
            /* A callback may remove its own or another source. */
            auto it = sources_.find(id);
            if (it == sources_.end())
                continue;
            Source &source = *it->second;

            switch (source.kind) {
            case Source::Kind::Fd: {
                /* A copy: the callback may remove its own source. */
                FdCallback cb = source.onFd;
                cb(events[i].events);
                break;
            }
            case Source::Kind::Timer: {
                uint64_t expirations;
                if (read(source.fd, &expirations, sizeof(expirations)) < 0)
                    break;
                Callback cb = source.onEvent;
                if (source.oneShot)
                    remove(id);
                cb();
                break;
            }
            case Source::Kind::Signal: {
                signalfd_siginfo info;
                for (;;) {
                    /* Looked up each time: a callback may remove the source. */
                    auto still = sources_.find(id);
                    if (still == sources_.end() ||
                        read(still->second->fd, &info, sizeof(info)) != sizeof(info))
                        break;
                    Callback cb = still->second->onEvent;
                    cb();
                }
                break;
            }
            case Source::Kind::Deferred: /* never in the epoll set */
                break;
            }
        }
        /* Whatever woke the loop, lazy fds are looked at before it sleeps again. */
        if (!lazy_.empty() && !quit_)
            dispatchLazy();
    }
    quit_ = false;
    return std::exchange(exitCode_, 0);
}

void EventLoop::exit(int code)
{
    exitCode_ = code;
    quit_ = true;
}

} /* namespace scanout */
