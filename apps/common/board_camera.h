/* SPDX-License-Identifier: MIT */
#pragma once

#include <scanout/board_config.h>
#include <scanout/v4l2/camera_view.h>

namespace scanout::apps {

/**
 * The board config's camera keys over \a camera: [camera] device, format,
 * size and path, and [display] camera-plane (primary, overlay or an id) and
 * camera-zpos. Only what the board sets; the app's options override them
 * afterwards.
 */
inline void applyBoardCamera(const BoardConfig &board, v4l2::CameraViewOptions &camera)
{
    if (!board.camera.device.empty())
        camera.camera = board.camera.device;
    if (board.camera.format)
        camera.fourcc = board.camera.format;
    if (board.camera.width) {
        camera.width = board.camera.width;
        camera.height = board.camera.height;
    }
    camera.path = board.camera.path;
    switch (board.display.cameraPlane.kind) {
    case PlaneChoice::Kind::Auto:
        break;
    case PlaneChoice::Kind::Primary:
        camera.planeType = PlaneType::Primary;
        break;
    case PlaneChoice::Kind::Overlay:
        camera.planeType = PlaneType::Overlay;
        break;
    case PlaneChoice::Kind::Id:
        camera.planeId = board.display.cameraPlane.id;
        break;
    }
    if (board.display.cameraZpos)
        camera.zpos = *board.display.cameraZpos;
}

} /* namespace scanout::apps */
