#include "archival_pdf.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>
#include <vector>

#include "beian/core/digest.h"
#include "beian/render/pdf_tools.h"
#include "font_objects.h"
#include "pdf_reading.h"
#include "pdf_support.h"
#include "xml_text.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;

PdfString Utf8String(const std::string& s) {
  return PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(s.c_str()));
}

// beian's own XMP properties, described by the extension schema ISO 19005-3 6.6.2.3.2 asks for.
constexpr const char* kBeianNamespace = "urn:beian:xmp:document:1#";
struct OwnProperty {
  const char* name;
  const char* value_type;
  const char* description;
};
constexpr OwnProperty kOwnProperties[] = {
    {"DocumentNumber", "Text", "文书编号 (the number printed on every page)"},
    {"IssuedAt", "Date", "出具时间 (issue time, Beijing time)"},
    {"Kind", "Text", "document kind, e.g. qualification-verification"},
    {"TemplateVersion", "Integer", "version of the kind's template the document was rendered with"},
};

uint32_t BigEndian32(std::string_view s, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

}  // namespace

core::Result<OutputIntent> LoadOutputIntent(const ColorProfileSpec& spec, std::string profile) {
  if (!spec.sha256.empty() && core::Sha256Hex(profile) != spec.sha256) {
    return core::FailedPrecondition("output intent " + spec.file +
                                    ": SHA-256 differs from fonts/manifest.json; a changed profile "
                                    "would change every PDF/A document");
  }
  // ICC header (ICC.1:2001-04, 6.1): size, …, version at 8, device class at 12, colour space at 16,
  // 'acsp' at 36.
  if (profile.size() < 128 || BigEndian32(profile, 0) != profile.size() ||
      profile.compare(36, 4, "acsp") != 0) {
    return core::InvalidArgument("output intent " + spec.file + ": not an ICC profile");
  }
  const int major = static_cast<uint8_t>(profile[8]);
  const std::string device_class = profile.substr(12, 4);
  const std::string space = profile.substr(16, 4);
  if (major >= 5 || (device_class != "mntr" && device_class != "prtr")) {
    return core::InvalidArgument("output intent " + spec.file +
                                 ": PDF/A needs a monitor or printer profile of ICC version 2–4 "
                                 "(ISO 19005-3 6.2.3)");
  }
  OutputIntent intent;
  intent.components = space == "GRAY" ? 1 : space == "RGB " ? 3 : space == "CMYK" ? 4 : 0;
  if (intent.components == 0) {
    return core::InvalidArgument("output intent " + spec.file + ": colour space must be GRAY, RGB or CMYK");
  }
  intent.identifier = spec.identifier.empty() ? "sRGB IEC61966-2.1" : spec.identifier;
  intent.profile_deflated = Deflate(profile, 9);
  return intent;
}

std::string XmpPacket(const ArchivalFacts& f) {
  std::string x;
  x.reserve(4096);
  x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
       "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
       "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
       "<pdfaid:part>3</pdfaid:part>\n<pdfaid:conformance>U</pdfaid:conformance>\n"
       "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
       "<dc:format>application/pdf</dc:format>\n"
       "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlText(f.title) +
       "</rdf:li></rdf:Alt></dc:title>\n"
       "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlText(f.number) +
       "</rdf:li></rdf:Alt></dc:description>\n"
       "<dc:identifier>" + XmlText(f.number) + "</dc:identifier>\n"
       "<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>\n"
       "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
       "<xmp:CreatorTool>" + XmlText(f.creator) + "</xmp:CreatorTool>\n"
       "<xmp:CreateDate>" + XmlText(f.issued_at) + "</xmp:CreateDate>\n"
       "<xmp:ModifyDate>" + XmlText(f.issued_at) + "</xmp:ModifyDate>\n"
       "<xmp:MetadataDate>" + XmlText(f.issued_at) + "</xmp:MetadataDate>\n"
       "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
       "<pdf:Producer>beian</pdf:Producer>\n"
       "</rdf:Description>\n";
  x += std::string("<rdf:Description rdf:about=\"\" xmlns:beian=\"") + kBeianNamespace + "\">\n";
  x += "<beian:DocumentNumber>" + XmlText(f.number) + "</beian:DocumentNumber>\n"
       "<beian:IssuedAt>" + XmlText(f.issued_at) + "</beian:IssuedAt>\n"
       "<beian:Kind>" + XmlText(f.kind) + "</beian:Kind>\n"
       "<beian:TemplateVersion>" + std::to_string(f.template_version) + "</beian:TemplateVersion>\n"
       "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\"\n"
       " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
       " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
       " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
       "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
       "<pdfaSchema:schema>beian document</pdfaSchema:schema>\n";
  x += std::string("<pdfaSchema:namespaceURI>") + kBeianNamespace + "</pdfaSchema:namespaceURI>\n";
  x += "<pdfaSchema:prefix>beian</pdfaSchema:prefix>\n<pdfaSchema:property><rdf:Seq>\n";
  for (const OwnProperty& p : kOwnProperties) {
    x += std::string("<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>") + p.name +
         "</pdfaProperty:name><pdfaProperty:valueType>" + p.value_type +
         "</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>"
         "<pdfaProperty:description>" + XmlText(p.description) + "</pdfaProperty:description></rdf:li>\n";
  }
  x += "</rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
       "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>";
  return x;
}

void AddArchivalParts(PoDoFo::PdfMemDocument& doc, const ArchivalFacts& facts, const OutputIntent& intent,
                      int compression_level) {
  PoDoFo::PdfVecObjects* objects = &doc.GetObjects();
  PdfDictionary& catalog = doc.GetCatalog()->GetDictionary();

  PdfObject* metadata = objects->CreateObject("Metadata");
  metadata->GetDictionary().AddKey("Subtype", PdfName("XML"));
  SetRawStream(metadata, XmpPacket(facts));  // unfiltered, so that any tool finds it
  catalog.AddKey("Metadata", metadata->Reference());

  PdfObject* profile = objects->CreateObject();
  profile->GetDictionary().AddKey("N", PdfInt(intent.components));
  SetDeflatedStream(profile, intent.profile_deflated);
  PdfDictionary output_intent;
  output_intent.AddKey("Type", PdfName("OutputIntent"));
  output_intent.AddKey("S", PdfName("GTS_PDFA1"));
  output_intent.AddKey("OutputConditionIdentifier", PdfString(intent.identifier));
  output_intent.AddKey("Info", PdfString(intent.identifier));
  output_intent.AddKey("RegistryName", PdfString("http://www.color.org"));
  output_intent.AddKey("DestOutputProfile", profile->Reference());
  PdfArray intents;
  intents.push_back(output_intent);
  catalog.AddKey("OutputIntents", intents);

  PdfObject* file = objects->CreateObject("EmbeddedFile");
  PdfDictionary params;
  params.AddKey("Size", PdfInt(static_cast<long long>(facts.source_json.size())));
  params.AddKey("ModDate", PdfString(facts.pdf_date));
  file->GetDictionary().AddKey("Subtype", PdfName("application/json"));
  file->GetDictionary().AddKey("Params", params);
  SetFlateStream(file, facts.source_json, compression_level);
  PdfObject* spec = objects->CreateObject("Filespec");
  PdfDictionary& s = spec->GetDictionary();
  s.AddKey("F", PdfString(kSourceDataFile));
  s.AddKey("UF", Utf8String(kSourceDataFile));
  s.AddKey("Desc", Utf8String("填报数据（本文书据以生成的数据，规范 JSON）/ the data this document was rendered from (canonical JSON)"));
  s.AddKey("AFRelationship", PdfName("Source"));
  PdfDictionary ef;
  ef.AddKey("F", file->Reference());
  ef.AddKey("UF", file->Reference());
  s.AddKey("EF", ef);
  PdfArray associated;
  associated.push_back(spec->Reference());
  catalog.AddKey("AF", associated);
  PdfArray names;
  names.push_back(PdfString(kSourceDataFile));
  names.push_back(spec->Reference());
  PdfDictionary embedded_files;
  embedded_files.AddKey("Names", names);
  PdfDictionary name_tree;
  name_tree.AddKey("EmbeddedFiles", embedded_files);
  catalog.AddKey("Names", name_tree);
}

std::string WriteArchivalFile(PoDoFo::PdfMemDocument& doc) {
  std::vector<PdfObject*> objects(doc.GetObjects().begin(), doc.GetObjects().end());
  std::sort(objects.begin(), objects.end(), [](const PdfObject* a, const PdfObject* b) {
    return a->Reference().ObjectNumber() < b->Reference().ObjectNumber();
  });
  std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  size_t estimate = 1024;
  for (const PdfObject* o : objects) {
    if (o->HasStream()) estimate += static_cast<size_t>(o->GetStream()->GetLength()) + 256;
  }
  out.reserve(estimate);
  std::vector<std::pair<int, size_t>> offsets;  // object number, byte offset
  std::string text;
  for (PdfObject* o : objects) {
    const int number = static_cast<int>(o->Reference().ObjectNumber());
    offsets.emplace_back(number, out.size());
    out += std::to_string(number);
    out += " 0 obj\n";
    const PoDoFo::PdfMemStream* stream = nullptr;
    if (o->HasStream()) {
      stream = dynamic_cast<const PoDoFo::PdfMemStream*>(o->GetStream());
      o->GetDictionary().AddKey(PdfName::KeyLength, PdfInt(stream->GetLength()));
    }
    text.clear();
    o->ToString(text, PoDoFo::ePdfWriteMode_Compact);
    out += text;
    if (stream != nullptr) {
      out += "\nstream\n";
      out.append(stream->Get(), static_cast<size_t>(stream->GetLength()));
      out += "\nendstream";
    }
    out += "\nendobj\n";
  }
  const std::array<uint8_t, 32> digest = core::Sha256(out);
  static const char kHex[] = "0123456789ABCDEF";
  std::string id;
  for (int i = 0; i < 16; ++i) {
    id.push_back(kHex[digest[i] >> 4]);
    id.push_back(kHex[digest[i] & 15]);
  }
  const size_t xref = out.size();
  const int size = offsets.empty() ? 1 : offsets.back().first + 1;
  out += "xref\n0 " + std::to_string(size) + "\n0000000000 65535 f \n";
  size_t next = 0;
  char entry[21];
  for (int n = 1; n < size; ++n) {
    if (next < offsets.size() && offsets[next].first == n) {
      std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offsets[next].second);
      ++next;
    } else {
      std::snprintf(entry, sizeof entry, "%010d 00000 f \n", 0);
    }
    out.append(entry, 20);
  }
  out += "trailer\n<</Size " + std::to_string(size) + "/Root " +
         std::to_string(doc.GetCatalog()->Reference().ObjectNumber()) + " 0 R/Info " +
         std::to_string(doc.GetInfo()->GetObject()->Reference().ObjectNumber()) + " 0 R/ID[<" + id +
         "><" + id + ">]>>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

core::Result<std::string> EmbeddedSourceData(std::string_view pdf) {
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf opened, OpenPdf(pdf, /*for_update=*/false));
  try {
    PoDoFo::PdfVecObjects& objects = opened.doc->GetObjects();
    auto resolve = [&](const PdfObject* o) -> const PdfObject* {
      if (o != nullptr && o->IsReference()) return objects.GetObject(o->GetReference());
      return o;
    };
    auto key = [&](const PdfObject* dict, const char* name) -> const PdfObject* {
      dict = resolve(dict);
      if (dict == nullptr || !dict->IsDictionary()) return nullptr;
      return resolve(dict->GetDictionary().GetKey(name));
    };
    const PdfObject* tree = key(key(opened.doc->GetCatalog(), "Names"), "EmbeddedFiles");
    const PdfObject* names = key(tree, "Names");
    if (names != nullptr && names->IsArray()) {
      const PdfArray& a = names->GetArray();
      for (size_t i = 0; i + 1 < a.size(); i += 2) {
        if (!a[i].IsString() || a[i].GetString().GetStringUtf8() != kSourceDataFile) continue;
        const PdfObject* file = key(key(&a[i + 1], "EF"), "F");
        if (file == nullptr || !file->HasStream()) break;
        char* buffer = nullptr;
        PoDoFo::pdf_long length = 0;
        file->GetStream()->GetFilteredCopy(&buffer, &length);
        std::string bytes(buffer, static_cast<size_t>(length));
        PoDoFo::podofo_free(buffer);
        return bytes;
      }
    }
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("无法读取内嵌数据（" + PoDoFoReason(e) + "）", "cannot read the embedded data (" + PoDoFoReason(e) + ")");
  }
  return core::NotFound(std::string("the PDF embeds no ") + kSourceDataFile);
}

}  // namespace beian::render
