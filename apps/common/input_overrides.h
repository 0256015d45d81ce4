/* SPDX-License-Identifier: MIT */
#pragma once

#include <scanout/input/input.h>

namespace scanout::apps {

/**
 * The command line's input options over the board's [input] (taken first by
 * input::applyBoardInput()): a seat replaces the board's seat and its event
 * devices; the first device given replaces the board's devices, and later
 * ones add to it.
 */
class InputOverrides
{
public:
    explicit InputOverrides(input::InputOptions &options) : options_(options) {}

    void seat(const char *name)
    {
        options_.seat = name;
        options_.devices.clear();
    }
    void device(const char *path)
    {
        if (!devicesGiven_)
            options_.devices.clear();
        devicesGiven_ = true;
        options_.devices.push_back(path);
    }

private:
    input::InputOptions &options_;
    bool devicesGiven_ = false;
};

} /* namespace scanout::apps */
