/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/epoll.h>
#include <unistd.h>

#include <scanout/event_loop.h>
#include <scanout/result.h>
#include <scanout/unique_fd.h>

#include "unity.h"

using namespace scanout;

static bool fdOpen(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

/* A non-blocking pipe for the loop to watch. */
struct Pipe {
    UniqueFd rd, wr;
};

static Pipe makePipe()
{
    int fds[2] = {-1, -1};
    /* The assertions return from void functions only: the caller sees invalid fds. */
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
        std::fprintf(stderr, "pipe2: %s\n", strerror(errno));
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

static void test_unique_fd_closes_and_moves()
{
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    TEST_ASSERT_TRUE(raw >= 0);
    {
        UniqueFd a(raw);
        UniqueFd b(std::move(a));
        TEST_ASSERT_FALSE(a.isValid());
        TEST_ASSERT_EQUAL_INT(raw, b.get());
        TEST_ASSERT_TRUE(fdOpen(raw));
    }
    TEST_ASSERT_FALSE(fdOpen(raw));

    raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    UniqueFd c(raw);
    int released = c.release();
    TEST_ASSERT_FALSE(c.isValid());
    TEST_ASSERT_TRUE(fdOpen(released));
    ::close(released);
}

static void test_result_carries_errno_and_message()
{
    Result<int> ok = 5;
    TEST_ASSERT_TRUE(ok.ok());
    TEST_ASSERT_EQUAL_INT(5, *ok);

    Result<int> bad = makeError(ENOENT, "open %s", "/dev/dri/card9");
    TEST_ASSERT_FALSE(bad.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, bad.error().errnum());
    TEST_ASSERT_EQUAL_STRING("open /dev/dri/card9: No such file or directory",
                             bad.error().describe());

    Result<void> v;
    TEST_ASSERT_TRUE(v.ok());
    Result<void> e = Error(0, "no errno here");
    TEST_ASSERT_EQUAL_STRING("no errno here", e.error().describe());
}

static void test_loop_post_and_exit_code()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    int order = 0, first = 0, second = 0;
    (*loop)->post([&] {
        first = ++order;
        /* Posted from a callback: runs on the next iteration, not now. */
        (*loop)->post([&] {
            second = ++order;
            (*loop)->exit(7);
        });
    });
    TEST_ASSERT_EQUAL_INT(7, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(1, first);
    TEST_ASSERT_EQUAL_INT(2, second);
}

static void test_loop_runs_work_posted_by_an_fd_callback_before_sleeping()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    EventLoop &l = **loop;
    auto [rd, wr] = makePipe();
    TEST_ASSERT_TRUE(rd.isValid());
    auto [moreRd, moreWr] = makePipe();
    TEST_ASSERT_TRUE(moreRd.isValid());
    auto drain = [](int fd) {
        char c;
        while (read(fd, &c, 1) == 1) {
        }
    };

    /*
     * The fd callback f posts a and b. a makes another fd ready and posts c:
     * that fd (m) is served before c runs. c posts d with nothing ready at all.
     */
    std::string order;
    auto d = [&] {
        order += "d";
        l.exit(0);
    };
    auto c = [&] {
        order += "c";
        l.post(d);
    };
    auto a = [&] {
        order += "a";
        TEST_ASSERT_EQUAL_INT(1, write(moreWr.get(), "x", 1));
        l.post(c);
    };
    auto f = [&](uint32_t) {
        drain(rd.get());
        order += "f";
        l.post(a);
        l.post([&] { order += "b"; });
    };
    auto m = [&](uint32_t) {
        drain(moreRd.get());
        order += "m";
    };
    TEST_ASSERT_TRUE(l.addFd(rd.get(), EPOLLIN, f).ok());
    TEST_ASSERT_TRUE(l.addFd(moreRd.get(), EPOLLIN, m).ok());
    /* Nothing else ever becomes ready: a loop that slept with work posted would meet this. */
    TEST_ASSERT_TRUE(l.addTimer(5000000000ull, 0, [&] { l.exit(99); }).ok());

    TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "x", 1));
    TEST_ASSERT_EQUAL_INT(0, l.run());
    TEST_ASSERT_EQUAL_STRING("fabmcd", order.c_str());
}

static void test_loop_exit_from_posted_work_keeps_the_rest_queued()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    std::string order;
    (*loop)->post([&] {
        order += "a";
        (*loop)->exit(5);
        (*loop)->post([&] {
            order += "c";
            (*loop)->exit(6);
        });
    });
    /* The same batch: runs although exit() came first. */
    (*loop)->post([&] { order += "b"; });
    TEST_ASSERT_EQUAL_INT(5, (*loop)->run());
    TEST_ASSERT_EQUAL_STRING("ab", order.c_str());
    /* What was posted after exit() waits for the next run(). */
    TEST_ASSERT_EQUAL_INT(6, (*loop)->run());
    TEST_ASSERT_EQUAL_STRING("abc", order.c_str());
}

static void test_loop_deferred_runs_once_per_schedule_and_can_be_cancelled()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    EventLoop &l = **loop;
    auto [rd, wr] = makePipe();
    TEST_ASSERT_TRUE(rd.isValid());

    /* Scheduled three times from one callback: runs once, before the loop sleeps. */
    int runs = 0, cancelledRuns = 0, rounds = 0;
    Result<EventLoop::Id> commit = l.addDeferred([&] { runs++; });
    Result<EventLoop::Id> cancelled = l.addDeferred([&] { cancelledRuns++; });
    TEST_ASSERT_TRUE(commit.ok() && cancelled.ok());
    TEST_ASSERT_TRUE(*commit != *cancelled);
    /* One that removes itself while it runs. */
    EventLoop::Id selfId = 0;
    int selfRuns = 0;
    Result<EventLoop::Id> remover = l.addDeferred([&] {
        selfRuns++;
        l.remove(selfId);
    });
    TEST_ASSERT_TRUE(remover.ok());
    selfId = *remover;

    auto f = [&](uint32_t) {
        char c;
        while (read(rd.get(), &c, 1) == 1) {
        }
        if (++rounds == 1) {
            l.schedule(*commit);
            l.schedule(*commit);
            l.schedule(*cancelled);
            l.schedule(*commit);
            l.remove(*cancelled); /* scheduled, then removed: never runs */
            l.schedule(selfId);
            TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "x", 1));
        } else {
            /* The second round: the first one's deferred work ran in between. */
            TEST_ASSERT_EQUAL_INT(1, runs);
            l.schedule(selfId); /* removed: ignored */
            l.exit(0);
        }
    };
    TEST_ASSERT_TRUE(l.addFd(rd.get(), EPOLLIN, f).ok());
    TEST_ASSERT_TRUE(l.addTimer(5000000000ull, 0, [&] { l.exit(99); }).ok());
    TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "x", 1));
    TEST_ASSERT_EQUAL_INT(0, l.run());
    TEST_ASSERT_EQUAL_INT(2, rounds);
    TEST_ASSERT_EQUAL_INT(1, runs);
    TEST_ASSERT_EQUAL_INT(0, cancelledRuns);
    TEST_ASSERT_EQUAL_INT(1, selfRuns);

    /* Scheduled before run(): runs when run() starts, in the order asked for. */
    Result<EventLoop::Id> exiter = l.addDeferred([&] { l.exit(runs == 2 ? 3 : 4); });
    TEST_ASSERT_TRUE(exiter.ok());
    l.schedule(*commit);
    l.schedule(*exiter);
    TEST_ASSERT_EQUAL_INT(3, l.run());
    TEST_ASSERT_EQUAL_INT(2, runs);
}

static void test_loop_timers()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    int ticks = 0, once = 0;
    Result<EventLoop::Id> periodic = (*loop)->addTimer(1000000, 1000000, [&] {
        if (++ticks == 3)
            (*loop)->exit(0);
    });
    TEST_ASSERT_TRUE(periodic.ok());
    TEST_ASSERT_TRUE((*loop)->addTimer(0, 0, [&] { once++; }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(3, ticks);
    TEST_ASSERT_EQUAL_INT(1, once);
}

static void test_loop_fd_source_and_remove()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    auto [rd, wr] = makePipe();
    TEST_ASSERT_TRUE(rd.isValid());

    int reads = 0;
    Result<EventLoop::Id> id(0);
    id = (*loop)->addFd(rd.get(), EPOLLIN, [&](uint32_t) {
        char c;
        while (read(rd.get(), &c, 1) == 1)
            reads++;
        (*loop)->remove(*id);
        (*loop)->exit(0);
    });
    TEST_ASSERT_TRUE(id.ok());
    TEST_ASSERT_EQUAL_INT(2, write(wr.get(), "ab", 2));
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(2, reads);
}

static void test_loop_lazy_fd_waits_for_another_wakeup()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    auto [rd, wr] = makePipe();
    TEST_ASSERT_TRUE(rd.isValid());

    bool timerFired = false;
    int callsBeforeTimer = 0, reads = 0;
    uint32_t seenEvents = ~0u;
    Result<EventLoop::Id> id = (*loop)->addFd(rd.get(), EPOLLIN, [&](uint32_t events) {
        seenEvents = events;
        if (!timerFired) {
            callsBeforeTimer++;
            return;
        }
        char c;
        while (read(rd.get(), &c, 1) == 1)
            reads++;
        (*loop)->exit(0);
    });
    TEST_ASSERT_TRUE(id.ok());
    TEST_ASSERT_TRUE((*loop)->setLazy(*id, true).ok());
    TEST_ASSERT_TRUE((*loop)->setLazy(*id, true).ok()); /* twice is once */
    /* Ready from the start, yet it must not wake the loop: the timer does, 20 ms on. */
    TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "x", 1));
    TEST_ASSERT_TRUE((*loop)->addTimer(20000000, 0, [&] { timerFired = true; }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(0, callsBeforeTimer);
    TEST_ASSERT_EQUAL_UINT64(0, seenEvents);
    TEST_ASSERT_EQUAL_INT(1, reads);

    /* Eager again: the fd itself wakes the loop, with its events. */
    TEST_ASSERT_TRUE((*loop)->setLazy(*id, false).ok());
    TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "y", 1));
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_UINT64(EPOLLIN, seenEvents);
    TEST_ASSERT_EQUAL_INT(2, reads);

    /* Only fd sources can be lazy. */
    Result<EventLoop::Id> timer = (*loop)->addTimer(1000000000, 0, [] {});
    TEST_ASSERT_TRUE(timer.ok());
    Result<void> r = (*loop)->setLazy(*timer, true);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
}

static void test_loop_wake_within_bounds_a_lazy_sleep()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    auto [rd, wr] = makePipe();
    TEST_ASSERT_TRUE(rd.isValid());

    /* Nothing but a lazy fd: only wakeWithin() ends the sleep. A 5 s timer fails the test. */
    int lazyCalls = 0;
    Result<EventLoop::Id> id = (*loop)->addFd(rd.get(), EPOLLIN, [&](uint32_t) {
        lazyCalls++;
        char c;
        if (read(rd.get(), &c, 1) == 1)
            (*loop)->exit(0);
        else
            (*loop)->wakeWithin(5);
    });
    TEST_ASSERT_TRUE(id.ok());
    TEST_ASSERT_TRUE((*loop)->setLazy(*id, true).ok());
    TEST_ASSERT_TRUE((*loop)->addTimer(5000000000ull, 0, [&] { (*loop)->exit(2); }).ok());
    /* The first bounded sleep finds the fd empty and asks again; the data is there by the next. */
    (*loop)->wakeWithin(5);
    (*loop)->post(
        [&] { (*loop)->post([&] { TEST_ASSERT_EQUAL_INT(1, write(wr.get(), "z", 1)); }); });
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_TRUE(lazyCalls >= 2);

    /* Removing a lazy source takes it off the lazy list too. */
    (*loop)->remove(*id);
    TEST_ASSERT_TRUE((*loop)->addTimer(1000000, 0, [&] { (*loop)->exit(0); }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
}

static void test_loop_signals_through_signalfd()
{
    sigset_t before;
    sigprocmask(SIG_BLOCK, nullptr, &before);
    TEST_ASSERT_FALSE(sigismember(&before, SIGUSR1));
    {
        auto loop = EventLoop::create();
        TEST_ASSERT_TRUE(loop.ok());
        int got = 0;
        TEST_ASSERT_TRUE((*loop)
                             ->addSignal(SIGUSR1,
                                         [&] {
                                             got++;
                                             (*loop)->exit(0);
                                         })
                             .ok());
        /* Blocked, so raising it queues for the signalfd instead of killing us. */
        raise(SIGUSR1);
        TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
        TEST_ASSERT_EQUAL_INT(1, got);
    }
    sigset_t after;
    sigprocmask(SIG_BLOCK, nullptr, &after);
    TEST_ASSERT_FALSE(sigismember(&after, SIGUSR1));
}

static void test_loop_exit_before_run_counts()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    (*loop)->exit(3);
    TEST_ASSERT_EQUAL_INT(3, (*loop)->run());
    /* The request is used up: the next run waits for a new one. */
    (*loop)->post([&] { (*loop)->exit(4); });
    TEST_ASSERT_EQUAL_INT(4, (*loop)->run());
}

static void test_loop_removing_a_signal_consumes_what_is_queued()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    Result<EventLoop::Id> id = (*loop)->addSignal(SIGUSR2, [] {});
    TEST_ASSERT_TRUE(id.ok());
    /* Queued but never dispatched; unblocking it as is would kill the process. */
    raise(SIGUSR2);
    (*loop)->remove(*id);
    sigset_t pending;
    sigpending(&pending);
    TEST_ASSERT_FALSE(sigismember(&pending, SIGUSR2));
}

static void test_loop_signal_callback_may_remove_itself()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    int calls = 0;
    Result<EventLoop::Id> id(0);
    id = (*loop)->addSignal(SIGUSR1, [&] {
        calls++;
        (*loop)->remove(*id);
        (*loop)->exit(0);
    });
    TEST_ASSERT_TRUE(id.ok());
    raise(SIGUSR1);
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(1, calls);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_unique_fd_closes_and_moves);
    RUN_TEST(test_result_carries_errno_and_message);
    RUN_TEST(test_loop_post_and_exit_code);
    RUN_TEST(test_loop_runs_work_posted_by_an_fd_callback_before_sleeping);
    RUN_TEST(test_loop_exit_from_posted_work_keeps_the_rest_queued);
    RUN_TEST(test_loop_deferred_runs_once_per_schedule_and_can_be_cancelled);
    RUN_TEST(test_loop_timers);
    RUN_TEST(test_loop_fd_source_and_remove);
    RUN_TEST(test_loop_lazy_fd_waits_for_another_wakeup);
    RUN_TEST(test_loop_wake_within_bounds_a_lazy_sleep);
    RUN_TEST(test_loop_signals_through_signalfd);
    RUN_TEST(test_loop_exit_before_run_counts);
    RUN_TEST(test_loop_removing_a_signal_consumes_what_is_queued);
    RUN_TEST(test_loop_signal_callback_may_remove_itself);
    return UNITY_END();
}
