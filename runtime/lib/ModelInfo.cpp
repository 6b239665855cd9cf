//===- ModelInfo.cpp - The info text of AOT model libraries ---------------===//

#include "blade-rt/ModelInfo.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace blade::rt {

namespace {

void putString(std::string &out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void putSpec(std::string &out, const char *kind, const TensorSpec &spec) {
  out += kind;
  out += ' ';
  putString(out, spec.name);
  out += ' ';
  out += dtypeName(spec.dtype);
  out += ' ' + std::to_string(spec.rank());
  for (int64_t d : spec.shape)
    out += ' ' + std::to_string(d);
  for (int64_t i = 0; i < spec.rank(); ++i) {
    out += ' ';
    putString(out, i < static_cast<int64_t>(spec.dimNames.size())
                       ? spec.dimNames[i]
                       : std::string());
  }
  out += '\n';
}

/// Reads whitespace-separated words, integers and length-prefixed strings.
class Reader {
public:
  explicit Reader(std::string_view text) : text(text) {}

  bool atEnd() {
    skipSpace();
    return pos >= text.size();
  }

  bool word(std::string_view &out) {
    skipSpace();
    size_t start = pos;
    while (pos < text.size() &&
           !std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
    out = text.substr(start, pos - start);
    return !out.empty();
  }

  bool integer(int64_t &out) {
    std::string_view w;
    if (!word(w))
      return false;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), out);
    return ec == std::errc() && end == w.data() + w.size();
  }

  bool string(std::string &out) {
    skipSpace();
    size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos)
      return false;
    uint64_t length = 0;
    auto [end, ec] =
        std::from_chars(text.data() + pos, text.data() + colon, length);
    if (ec != std::errc() || end != text.data() + colon || colon == pos ||
        length > text.size() - colon - 1)
      return false;
    out.assign(text.substr(colon + 1, length));
    pos = colon + 1 + length;
    return true;
  }

private:
  void skipSpace() {
    while (pos < text.size() &&
           std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }

  std::string_view text;
  size_t pos = 0;
};

bool readSpec(Reader &in, TensorSpec &spec) {
  std::string_view dtype;
  int64_t rank = 0;
  if (!in.string(spec.name) || !in.word(dtype) || !in.integer(rank) ||
      rank < 0 || rank > 4096)
    return false;
  std::optional<DType> parsed = dtypeFromName(dtype);
  if (!parsed)
    return false;
  spec.dtype = *parsed;
  spec.shape.resize(rank);
  spec.dimNames.resize(rank);
  for (int64_t &d : spec.shape)
    if (!in.integer(d) || d < -1)
      return false;
  for (std::string &n : spec.dimNames)
    if (!in.string(n))
      return false;
  return true;
}

} // namespace

std::string serializeModelInfo(const ModelInfo &info) {
  std::string out = std::string(kModelInfoMagic) + " " +
                    std::to_string(kModelLibraryAbiVersion) + "\n";
  out += "entry ";
  putString(out, info.entrySymbol);
  out += '\n';
  if (!info.shapeCheckSymbol.empty()) {
    out += "check ";
    putString(out, info.shapeCheckSymbol);
    out += '\n';
  }
  out += "target ";
  putString(out, info.targetCpu);
  out += ' ';
  putString(out, info.targetFeatures);
  out += '\n';
  if (!info.cpuFeatures.empty()) {
    std::string list;
    for (const std::string &f : info.cpuFeatures)
      list += (list.empty() ? "" : ",") + f;
    out += "requires ";
    putString(out, list);
    out += '\n';
  }
  for (const TensorSpec &spec : info.signature.inputs)
    putSpec(out, "input", spec);
  for (const TensorSpec &spec : info.signature.outputs)
    putSpec(out, "output", spec);
  for (const std::string &message : info.checkMessages) {
    out += "message ";
    putString(out, message);
    out += '\n';
  }
  out += "end\n";
  return out;
}

Status parseModelInfo(std::string_view text, ModelInfo &info) {
  Reader in(text);
  std::string_view magic;
  int64_t version = 0;
  if (!in.word(magic) || magic != kModelInfoMagic || !in.integer(version))
    return Status::error("not a Blade model library (its " +
                         std::string(kModelInfoSymbol) +
                         " text has no version header)");
  if (version != kModelLibraryAbiVersion)
    return Status::error("the model library has ABI version " +
                         std::to_string(version) + ", this runtime reads " +
                         std::to_string(kModelLibraryAbiVersion) +
                         " (compile the model again)");
  info = ModelInfo();
  info.abiVersion = static_cast<uint32_t>(version);
  bool ended = false;
  while (!ended) {
    std::string_view record;
    if (!in.word(record))
      return Status::error("the model library's info text ends without 'end'");
    bool ok = true;
    if (record == "entry") {
      ok = in.string(info.entrySymbol);
    } else if (record == "check") {
      ok = in.string(info.shapeCheckSymbol);
    } else if (record == "target") {
      ok = in.string(info.targetCpu) && in.string(info.targetFeatures);
    } else if (record == "requires") {
      std::string list;
      ok = in.string(list);
      for (size_t begin = 0; ok && begin < list.size();) {
        size_t end = std::min(list.find(',', begin), list.size());
        info.cpuFeatures.push_back(list.substr(begin, end - begin));
        begin = end + 1;
      }
    } else if (record == "input" || record == "output") {
      TensorSpec spec;
      ok = readSpec(in, spec);
      (record == "input" ? info.signature.inputs : info.signature.outputs)
          .push_back(std::move(spec));
    } else if (record == "message") {
      info.checkMessages.emplace_back();
      ok = in.string(info.checkMessages.back());
    } else if (record == "end") {
      ended = true;
    } else {
      ok = false;
    }
    if (!ok)
      return Status::error("the model library's info text has a malformed '" +
                           std::string(record) + "' record");
  }
  if (info.entrySymbol.empty())
    return Status::error("the model library's info text names no entry");
  return Status::ok();
}

} // namespace blade::rt
