// The image page (WrapImage in beian/render/pdf_tools.h): a scanned JPEG or PNG on one A4 page,
// fitted inside 10 mm margins and centred, turned the way the JPEG's Exif orientation says.
#include <podofo/podofo.h>

#include <algorithm>
#include <string>

#include "beian/core/digest.h"
#include "beian/render/pdf_tools.h"
#include "font_objects.h"
#include "jpeg_reader.h"
#include "pdf_support.h"
#include "png_reader.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;

// Unit square → display box, per Exif orientation: p = A·(u, v) + t in the unit box.
struct Orient {
  double a00, a01, a10, a11, t0, t1;
};
constexpr Orient kOrient[9] = {
    {1, 0, 0, 1, 0, 0},                                          // (unused)
    {1, 0, 0, 1, 0, 0},  {-1, 0, 0, 1, 1, 0}, {-1, 0, 0, -1, 1, 1}, {1, 0, 0, -1, 0, 1},
    {0, -1, -1, 0, 1, 1}, {0, 1, -1, 0, 0, 1}, {0, 1, 1, 0, 0, 0},  {0, -1, 1, 0, 1, 0},
};

core::Result<std::string> WriteImagePdf(PdfDictionary image_dict, std::string_view image_data,
                                        const std::string* smask_data, int width, int height,
                                        int orientation, PoDoFo::EPdfVersion version,
                                        const std::string& subject, const std::string& created_at) {
  std::string date;
  if (!created_at.empty()) {
    BEIAN_ASSIGN_OR_RETURN(date, DateArgument(created_at, "created_at"));
  }
  const bool swap = orientation >= 5;
  const double shown_w = swap ? height : width, shown_h = swap ? width : height;
  const bool landscape = shown_w > shown_h;
  const double page_w = landscape ? kA4Long : kA4Short, page_h = landscape ? kA4Short : kA4Long;
  const double margin = 10 * kMmToPt;
  const double scale = std::min((page_w - 2 * margin) / shown_w, (page_h - 2 * margin) / shown_h);
  const double box_w = shown_w * scale, box_h = shown_h * scale;
  const double x = (page_w - box_w) / 2, y = (page_h - box_h) / 2;
  const Orient& o = kOrient[orientation];
  const std::string content = "q " +
                              Matrix(box_w * o.a00, box_h * o.a10, box_w * o.a01, box_h * o.a11,
                                     x + box_w * o.t0, y + box_h * o.t1) +
                              " /Im0 Do Q\n";
  try {
    const std::unique_ptr<PoDoFo::PdfMemDocument> owned = NewPdfDocument();
    PoDoFo::PdfMemDocument& doc = *owned;
    doc.SetPdfVersion(version);
    PoDoFo::PdfVecObjects* objects = &doc.GetObjects();
    PdfObject* image = objects->CreateObject("XObject");
    image_dict.AddKey(PdfName::KeyType, PdfName("XObject"));
    image_dict.AddKey(PdfName::KeySubtype, PdfName("Image"));
    image_dict.AddKey("Width", PdfInt(width));
    image_dict.AddKey("Height", PdfInt(height));
    if (smask_data != nullptr) {
      PdfObject* smask = objects->CreateObject("XObject");
      PdfDictionary& m = smask->GetDictionary();
      m.AddKey(PdfName::KeySubtype, PdfName("Image"));
      m.AddKey("Width", PdfInt(width));
      m.AddKey("Height", PdfInt(height));
      m.AddKey("ColorSpace", PdfName("DeviceGray"));
      m.AddKey("BitsPerComponent", PdfInt(8));
      SetRawStream(smask, *smask_data);
      m.AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
      image_dict.AddKey("SMask", smask->Reference());
    }
    // The stream first: setting raw data rewrites /Length, the keys follow.
    SetRawStream(image, image_data);
    for (const auto& [key, value] : image_dict.GetKeys()) image->GetDictionary().AddKey(key, *value);

    PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfRect(0, 0, page_w, page_h));
    SetFlateStream(page->GetContents(), content, 6);
    PdfDictionary& resources = page->GetResources()->GetDictionary();
    resources.RemoveKey("ProcSet");
    PdfDictionary xobjects;
    xobjects.AddKey("Im0", image->Reference());
    resources.AddKey("XObject", xobjects);

    // The Info dictionary also seeds the file identifier, so it carries the image's digest.
    PdfDictionary& meta = doc.GetInfo()->GetObject()->GetDictionary();
    meta.RemoveKey("CreationDate");
    meta.RemoveKey("ModDate");
    meta.AddKey("Producer", PdfString("beian"));
    meta.AddKey("Subject", PdfString(subject));
    if (!date.empty()) {
      meta.AddKey("CreationDate", PdfString(date));
      meta.AddKey("ModDate", PdfString(date));
    }

    PoDoFo::PdfRefCountedBuffer buffer(static_cast<size_t>(image_data.size() + 4096));
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PoDoFo::PdfError& e) {
    return core::Internal("wrapping the image (PoDoFo): " + PoDoFoReason(e));
  }
}

core::Result<std::string> WrapJpeg(std::string_view image, const std::string& subject,
                                   const std::string& created_at) {
  BEIAN_ASSIGN_OR_RETURN(const JpegInfo info, ParseJpeg(image));
  BEIAN_RETURN_IF_ERROR(CheckJpegDecodes(image.substr(0, info.end)));
  PdfDictionary dict;
  dict.AddKey("ColorSpace", PdfName(info.components == 1   ? "DeviceGray"
                                    : info.components == 3 ? "DeviceRGB"
                                                           : "DeviceCMYK"));
  dict.AddKey("BitsPerComponent", PdfInt(8));
  dict.AddKey(PdfName::KeyFilter, PdfName("DCTDecode"));
  if (info.components == 4 && info.adobe) {
    // Adobe writes CMYK JPEGs inverted.
    PdfArray decode;
    for (int i = 0; i < 4; ++i) {
      decode.push_back(PdfInt(1));
      decode.push_back(PdfInt(0));
    }
    dict.AddKey("Decode", decode);
  }
  return WriteImagePdf(dict, image.substr(0, info.end), nullptr, info.width, info.height,
                       info.orientation, PoDoFo::ePdfVersion_1_3, subject, created_at);
}

core::Result<std::string> WrapPng(std::string_view bytes, const std::string& subject,
                                  const std::string& created_at) {
  BEIAN_ASSIGN_OR_RETURN(const PngImage img, ReadPng(bytes));
  PdfDictionary dict;
  const int colors = img.space == PngImage::Space::kRgb ? 3 : 1;
  if (img.space == PngImage::Space::kIndexed) {
    PdfArray cs;
    cs.push_back(PdfName("Indexed"));
    cs.push_back(PdfName("DeviceRGB"));
    cs.push_back(PdfInt(static_cast<long long>(img.palette.size() / 3) - 1));
    cs.push_back(PdfString(img.palette.data(), static_cast<PoDoFo::pdf_long>(img.palette.size()), true));
    dict.AddKey("ColorSpace", cs);
  } else {
    dict.AddKey("ColorSpace", PdfName(colors == 3 ? "DeviceRGB" : "DeviceGray"));
  }
  dict.AddKey("BitsPerComponent", PdfInt(img.bits));
  dict.AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
  if (img.predictor) {
    PdfDictionary parms;
    parms.AddKey("Predictor", PdfInt(15));
    parms.AddKey("Colors", PdfInt(colors));
    parms.AddKey("BitsPerComponent", PdfInt(img.bits));
    parms.AddKey("Columns", PdfInt(img.width));
    dict.AddKey("DecodeParms", parms);
  }
  const PoDoFo::EPdfVersion version = img.bits == 16        ? PoDoFo::ePdfVersion_1_5
                                      : !img.alpha.empty() ? PoDoFo::ePdfVersion_1_4
                                                           : PoDoFo::ePdfVersion_1_3;
  return WriteImagePdf(dict, img.data, img.alpha.empty() ? nullptr : &img.alpha,
                       static_cast<int>(img.width), static_cast<int>(img.height), 1, version,
                       subject, created_at);
}

}  // namespace

core::Result<std::string> WrapImage(std::string_view image, const std::string& media_type,
                                    const std::string& created_at) {
  QuietPoDoFo();
  if (image.empty()) return Bad("文件为空", "empty file");
  if (image.size() > kMaxUploadBytes) return Bad("文件过大（超过 256 MiB）", "file too large (over 256 MiB)");
  BEIAN_ASSIGN_OR_RETURN(const std::string sniffed, SniffMediaType(image));
  if (media_type != "image/jpeg" && media_type != "image/png") {
    return Bad("只能包装 JPEG 或 PNG 图像，而不是 " + media_type, "only JPEG and PNG images can be wrapped, not " + media_type);
  }
  if (sniffed != media_type) {
    return Bad("文件内容是 " + sniffed + "，与声明的 " + media_type + " 不符",
               "the bytes are " + sniffed + ", not the declared " + media_type);
  }
  const std::string subject = media_type + " sha256:" + core::Sha256Hex(image);
  return media_type == "image/jpeg" ? WrapJpeg(image, subject, created_at)
                                    : WrapPng(image, subject, created_at);
}

}  // namespace beian::render
