// Image benchmark: prints figures, asserts nothing.
//
//   image_bench [--runs N]
//
// What checking an uploaded scan costs: an A4 page at 200 dpi (1654 × 2339 pixels) as a JPEG
// (quality 90, 4:2:0), baseline and progressive, in two kinds: a "form" (white paper, black
// text strokes, light noise) and "noise" (every pixel random: the worst case for the entropy
// decoder). For each: the marker walk alone (ParseJpeg), the libjpeg-turbo check at 1/8 scale
// (CheckJpegDecodes), a full-size RGB decode for comparison, and WrapImage as a whole.
// Median ms of N runs (default 20).
// jpeglib.h needs size_t and FILE declared first.
#include <cstdio>
#include <jpeglib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "beian/render/pdf_tools.h"
#include "jpeg_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWidth = 1654, kHeight = 2339;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double TimeMs(int runs, F f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const Clock::time_point start = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return Median(ms);
}

// An RGB page: "form" draws text-like strokes on noisy white paper, "noise" is random.
std::vector<unsigned char> Page(bool noise) {
  std::mt19937 rng(20261127);
  std::vector<unsigned char> rgb(size_t{kWidth} * kHeight * 3);
  if (noise) {
    for (unsigned char& c : rgb) c = static_cast<unsigned char>(rng());
    return rgb;
  }
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<unsigned char>(235 + rng() % 16);
  // Lines of "characters": 28 px boxes of strokes, 40 px apart, inside 20 mm margins.
  for (int line = 0; line < 50; ++line) {
    const int y0 = 160 + line * 40;
    for (int x0 = 160; x0 + 28 < kWidth - 160; x0 += 30) {
      for (int stroke = 0; stroke < 4; ++stroke) {
        const bool across = rng() % 2 == 0;
        const int at = static_cast<int>(rng() % 24);
        for (int k = 0; k < 28; ++k) {
          const int x = x0 + (across ? k : at), y = y0 + (across ? at : k);
          for (int c = 0; c < 3; ++c) rgb[(size_t{static_cast<size_t>(y)} * kWidth + static_cast<size_t>(x)) * 3 + c] = 20;
        }
      }
    }
  }
  return rgb;
}

std::string Compress(const std::vector<unsigned char>& rgb, bool progressive) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &out, &size);
  cinfo.image_width = kWidth;
  cinfo.image_height = kHeight;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<unsigned char*>(rgb.data()) + size_t{cinfo.next_scanline} * kWidth * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string jpeg(reinterpret_cast<char*>(out), size);
  std::free(out);
  return jpeg;
}

// A full-size RGB decode, as a viewer does: for comparison with the check at 1/8.
void DecodeFull(const std::string& jpeg) {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(jpeg.data()), jpeg.size());
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  std::vector<unsigned char> row(size_t{cinfo.output_width} * 3);
  JSAMPROW rows[1] = {row.data()};
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
  }
  std::printf("A4 at 200 dpi, %d x %d, JPEG quality 90 4:2:0; median ms of %d runs\n", kWidth, kHeight, runs);
  std::printf("%-20s %9s %11s %12s %12s %10s\n", "image", "bytes", "marker walk", "check at 1/8", "full decode", "WrapImage");
  for (bool noise : {false, true}) {
    const std::vector<unsigned char> rgb = Page(noise);
    for (bool progressive : {false, true}) {
      const std::string jpeg = Compress(rgb, progressive);
      const std::string name = std::string(noise ? "noise" : "form") + (progressive ? " progressive" : " baseline");
      if (!beian::render::CheckJpegDecodes(jpeg).ok() || !beian::render::WrapImage(jpeg, "image/jpeg", "").ok()) {
        std::printf("%-20s refused: %s\n", name.c_str(), beian::render::CheckJpegDecodes(jpeg).ToString().c_str());
        continue;
      }
      const double walk = TimeMs(runs, [&] { (void)beian::render::ParseJpeg(jpeg); });
      const double check = TimeMs(runs, [&] { (void)beian::render::CheckJpegDecodes(jpeg); });
      const double full = TimeMs(runs, [&] { DecodeFull(jpeg); });
      const double wrap = TimeMs(runs, [&] { (void)beian::render::WrapImage(jpeg, "image/jpeg", ""); });
      std::printf("%-20s %9zu %11.2f %12.2f %12.2f %10.2f\n", name.c_str(), jpeg.size(), walk, check, full, wrap);
    }
  }
  return 0;
}
