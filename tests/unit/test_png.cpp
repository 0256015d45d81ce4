/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include <png.h>

#include <scanout/image.h>

#include "unity.h"

using namespace scanout;

/* A scratch directory for this run, removed at the end. */
static std::string scratch;

/* An image whose every pixel differs from its neighbours in each channel. */
static Image gradient(uint32_t width, uint32_t height)
{
    Image image;
    image.width = width;
    image.height = height;
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++) {
            image.rgb.push_back(static_cast<uint8_t>(x * 7 + y));
            image.rgb.push_back(static_cast<uint8_t>(y * 5 + 3 * x));
            image.rgb.push_back(static_cast<uint8_t>(255 - x - y * 11));
        }
    return image;
}

/* Decodes with libpng's own reader, independent of how savePng wrote it. */
static bool readBack(const std::string &path, Image &out, std::string &why)
{
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path.c_str())) {
        why = png.message;
        return false;
    }
    png.format = PNG_FORMAT_RGB;
    out.width = png.width;
    out.height = png.height;
    out.rgb.resize(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, out.rgb.data(), 0, nullptr)) {
        why = png.message;
        return false;
    }
    return true;
}

static void test_png_round_trip()
{
    Image image = gradient(37, 23); /* odd sizes: rows are not word-aligned */
    std::string path = scratch + "/gradient.png";
    Result<void> r = savePng(image, path);
    TEST_ASSERT_TRUE_MESSAGE(r.ok(), r.ok() ? "" : r.error().describe());

    Image back;
    std::string why;
    TEST_ASSERT_TRUE_MESSAGE(readBack(path, back, why), why);
    TEST_ASSERT_EQUAL_UINT(37, back.width);
    TEST_ASSERT_EQUAL_UINT(23, back.height);
    TEST_ASSERT_TRUE(back.rgb == image.rgb);
    Rgb p = back.pixel(36, 22);
    TEST_ASSERT_EQUAL_UINT(static_cast<uint8_t>(36 * 7 + 22), p.r);
    TEST_ASSERT_EQUAL_UINT(static_cast<uint8_t>(22 * 5 + 3 * 36), p.g);
    TEST_ASSERT_EQUAL_UINT(static_cast<uint8_t>(255 - 36 - 22 * 11), p.b);
}

static void test_png_replaces_an_existing_file()
{
    std::string path = scratch + "/twice.png";
    TEST_ASSERT_TRUE(savePng(gradient(64, 48), path).ok());
    Image small = gradient(3, 2);
    TEST_ASSERT_TRUE(savePng(small, path).ok());
    Image back;
    std::string why;
    TEST_ASSERT_TRUE_MESSAGE(readBack(path, back, why), why);
    TEST_ASSERT_EQUAL_UINT(3, back.width);
    TEST_ASSERT_TRUE(back.rgb == small.rgb);
}

static void test_png_error_names_the_file()
{
    std::string path = scratch + "/no/such/dir/x.png";
    Result<void> r = savePng(gradient(4, 4), path);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, r.error().errnum());
    TEST_ASSERT_TRUE_MESSAGE(r.error().message().find(path) != std::string::npos,
                             r.error().message());
}

static void test_png_rejects_inconsistent_images()
{
    Image empty;
    Result<void> r = savePng(empty, scratch + "/empty.png");
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());

    Image shortImage = gradient(4, 4);
    shortImage.rgb.pop_back();
    r = savePng(shortImage, scratch + "/short.png");
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
    TEST_ASSERT_TRUE(access((scratch + "/short.png").c_str(), F_OK) != 0);
}

int main()
{
    char tmpl[] = "/tmp/scanout-test-png-XXXXXX";
    if (!mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return 1;
    }
    scratch = tmpl;
    UNITY_BEGIN();
    RUN_TEST(test_png_round_trip);
    RUN_TEST(test_png_replaces_an_existing_file);
    RUN_TEST(test_png_error_names_the_file);
    RUN_TEST(test_png_rejects_inconsistent_images);
    int status = UNITY_END();
    for (const char *name : {"gradient.png", "twice.png"})
        std::remove((scratch + "/" + name).c_str());
    rmdir(scratch.c_str());
    return status;
}
