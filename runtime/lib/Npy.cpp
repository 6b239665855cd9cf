//===- Npy.cpp - NumPy .npy file reader and writer ------------------------===//
//
// Format reference: the NumPy NEP 1 / numpy.lib.format description. A file is
// the magic "\x93NUMPY", a major and minor version byte, a little-endian
// header length (2 bytes in 1.0, 4 bytes in 2.0 and 3.0), a Python dict
// literal with keys 'descr', 'fortran_order' and 'shape', then the raw data.
//
//===----------------------------------------------------------------------===//

#include "blade-rt/Npy.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader assumes a little-endian host");
#endif

namespace blade::rt {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
/// Largest header accepted on read; real headers are a few hundred bytes.
constexpr uint32_t kMaxHeaderSize = 1u << 24;
/// Data starts at a multiple of this many bytes in files we write.
constexpr size_t kHeaderAlignment = 64;

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

/// Type code of a descriptor without its byte-order character.
struct DescrCode {
  const char *code;
  DType dtype;
};

constexpr DescrCode kDescrCodes[] = {
    {"f4", DType::F32}, {"f8", DType::F64}, {"f2", DType::F16},
    {"i1", DType::I8},  {"i2", DType::I16}, {"i4", DType::I32},
    {"i8", DType::I64}, {"u1", DType::U8},  {"u2", DType::U16},
    {"u4", DType::U32}, {"u8", DType::U64}, {"b1", DType::Bool},
};

/// Maps a 'descr' string such as "<f4" to a DType.
Status dtypeFromDescr(const std::string &descr, DType &dtype) {
  Status unsupported = Status::error("unsupported dtype '" + descr + "'");
  if (descr.size() < 2)
    return unsupported;
  char order = descr[0];
  std::string_view code = std::string_view(descr).substr(1);
  if (code[0] == 'O')
    return Status::error("object arrays are not supported");
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return unsupported;
  for (const DescrCode &entry : kDescrCodes) {
    if (code != entry.code)
      continue;
    // Byte order is irrelevant for one-byte types.
    if (dtypeSize(entry.dtype) == 1 || order == '<' || order == '=') {
      dtype = entry.dtype;
      return Status::ok();
    }
    if (order == '>')
      return Status::error("big-endian dtype '" + descr + "' is not supported");
    return unsupported;
  }
  return unsupported;
}

/// The descriptor written for `dtype`, or nullptr if NumPy has none.
const char *descrForDType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::I8:
    return "|i1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::U8:
    return "|u1";
  case DType::U16:
    return "<u2";
  case DType::U32:
    return "<u4";
  case DType::U64:
    return "<u8";
  case DType::Bool:
    return "|b1";
  case DType::BF16:
    return nullptr;
  }
  return nullptr;
}

struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Parses the restricted Python dict literal found in .npy headers, e.g.
/// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  Status parse(NpyHeader &header) {
    bool hasDescr = false, hasFortranOrder = false, hasShape = false;
    skipSpace();
    if (!consume('{'))
      return malformed("expected '{'");
    skipSpace();
    while (!consume('}')) {
      std::string key;
      if (!parseString(key))
        return malformed("expected a quoted key");
      skipSpace();
      if (!consume(':'))
        return malformed("expected ':' after '" + key + "'");
      skipSpace();
      if (key == "descr") {
        if (peek() == '[')
          return Status::error("unsupported dtype: structured arrays are "
                               "not supported");
        if (!parseString(header.descr))
          return malformed("'descr' is not a string");
        hasDescr = true;
      } else if (key == "fortran_order") {
        if (!parseBool(header.fortranOrder))
          return malformed("'fortran_order' is not True or False");
        hasFortranOrder = true;
      } else if (key == "shape") {
        if (Status status = parseShape(header.shape); !status)
          return status;
        hasShape = true;
      } else {
        return malformed("unexpected key '" + key + "'");
      }
      skipSpace();
      if (consume(',')) {
        skipSpace();
        continue;
      }
      if (!consume('}'))
        return malformed("expected ',' or '}'");
      break;
    }
    skipSpace();
    if (pos != text.size())
      return malformed("unexpected text after '}'");
    if (!hasDescr)
      return malformed("missing key 'descr'");
    if (!hasFortranOrder)
      return malformed("missing key 'fortran_order'");
    if (!hasShape)
      return malformed("missing key 'shape'");
    return Status::ok();
  }

private:
  static Status malformed(const std::string &what) {
    return Status::error("malformed header: " + what);
  }

  char peek() const { return pos < text.size() ? text[pos] : '\0'; }

  bool consume(char c) {
    if (pos >= text.size() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  /// A '...' or "..." literal without escapes.
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = text.find(quote, pos + 1);
    if (end == std::string_view::npos)
      return false;
    out = std::string(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    return true;
  }

  bool parseWord(std::string_view word) {
    if (text.substr(pos, word.size()) != word)
      return false;
    size_t next = pos + word.size();
    if (next < text.size() &&
        (std::isalnum(static_cast<unsigned char>(text[next])) ||
         text[next] == '_'))
      return false;
    pos = next;
    return true;
  }

  bool parseBool(bool &out) {
    if (parseWord("True"))
      out = true;
    else if (parseWord("False"))
      out = false;
    else
      return false;
    return true;
  }

  /// A tuple of non-negative integers: "()", "(5,)", "(2, 3)", "(2, 3,)".
  Status parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return malformed("'shape' is not a tuple");
    skipSpace();
    if (consume(')'))
      return Status::ok();
    while (true) {
      if (peek() == '-')
        return malformed("negative dimension in 'shape'");
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        return malformed("expected an integer in 'shape'");
      int64_t dim = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        int digit = text[pos++] - '0';
        if (dim > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return malformed("dimension too large in 'shape'");
        dim = dim * 10 + digit;
      }
      consume('L'); // Python 2 long suffix, written by very old NumPy.
      shape.push_back(dim);
      skipSpace();
      if (consume(',')) {
        skipSpace();
        if (consume(')'))
          return Status::ok();
        continue;
      }
      if (!consume(')'))
        return malformed("expected ',' or ')' in 'shape'");
      // "(5)" is an int in Python, not a tuple.
      if (shape.size() == 1)
        return malformed("'shape' is not a tuple");
      return Status::ok();
    }
  }

  std::string_view text;
  size_t pos = 0;
};

/// Reads `size` bytes into `buffer`; `got` receives the number actually read.
bool readExact(std::FILE *file, void *buffer, size_t size, size_t &got) {
  got = size == 0 ? 0 : std::fread(buffer, 1, size, file);
  return got == size;
}

uint32_t loadLittleEndian(const unsigned char *bytes, size_t count) {
  uint32_t value = 0;
  for (size_t i = count; i-- > 0;)
    value = (value << 8) | bytes[i];
  return value;
}

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    text += ",";
  return text + ")";
}

/// The dict literal padded with spaces and a final '\n' so that
/// `preambleSize` + header length is a multiple of kHeaderAlignment.
std::string paddedHeader(const std::string &dict, size_t preambleSize) {
  size_t unpadded = preambleSize + dict.size() + 1;
  size_t padding =
      (kHeaderAlignment - unpadded % kHeaderAlignment) % kHeaderAlignment;
  return dict + std::string(padding, ' ') + "\n";
}

} // namespace

Status readNpy(const std::string &path, Tensor &out) {
  auto fail = [&](const std::string &reason) {
    return Status::error("cannot read '" + path + "': " + reason);
  };

  errno = 0;
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return fail(std::string("cannot open file (") + std::strerror(errno) + ")");

  // A short read is either an I/O error or a file that ends too early.
  auto shortRead = [&](const std::string &truncated) {
    if (std::ferror(file.get()))
      return fail(std::string("read error (") + std::strerror(errno) + ")");
    return fail(truncated);
  };

  unsigned char preamble[kMagicSize + 2];
  size_t got = 0;
  bool complete = readExact(file.get(), preamble, sizeof(preamble), got);
  if (got < kMagicSize || std::memcmp(preamble, kMagic, kMagicSize) != 0)
    return shortRead("not a .npy file (bad magic)");
  if (!complete)
    return shortRead("truncated header");

  unsigned major = preamble[kMagicSize], minor = preamble[kMagicSize + 1];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return fail("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor));

  unsigned char lengthBytes[4];
  size_t lengthSize = major == 1 ? 2 : 4;
  if (!readExact(file.get(), lengthBytes, lengthSize, got))
    return shortRead("truncated header");
  uint32_t headerSize = loadLittleEndian(lengthBytes, lengthSize);
  if (headerSize > kMaxHeaderSize)
    return fail("header too large (" + std::to_string(headerSize) + " bytes)");

  std::string headerText(headerSize, '\0');
  if (!readExact(file.get(), headerText.data(), headerSize, got))
    return shortRead("truncated header");

  NpyHeader header;
  if (Status status = HeaderParser(headerText).parse(header); !status)
    return fail(status.message());
  DType dtype = DType::F32;
  if (Status status = dtypeFromDescr(header.descr, dtype); !status)
    return fail(status.message());
  if (header.fortranOrder)
    return fail("fortran_order arrays are not supported");

  if (!shapeNumElements(header.shape))
    return fail("array too large");
  Tensor tensor = Tensor::allocate(dtype, header.shape);
  if (tensor.isNull())
    return fail("cannot allocate memory for shape " + shapeTuple(header.shape));

  size_t bytes = tensor.byteSize();
  if (!readExact(file.get(), tensor.data(), bytes, got))
    return shortRead("truncated data: expected " + std::to_string(bytes) +
                     " bytes, found " + std::to_string(got));
  out = std::move(tensor);
  return Status::ok();
}

Status writeNpy(const std::string &path, const Tensor &tensor) {
  auto fail = [&](const std::string &reason) {
    return Status::error("cannot write '" + path + "': " + reason);
  };

  const char *descr = descrForDType(tensor.dtype());
  if (!descr)
    return fail(std::string("dtype ") + dtypeName(tensor.dtype()) +
                " has no .npy equivalent");
  size_t bytes = tensor.byteSize();
  if (tensor.isNull() && bytes != 0)
    return fail("tensor has no data");

  std::string dict =
      std::string("{'descr': '") + descr +
      "', 'fortran_order': False, 'shape': " + shapeTuple(tensor.shape()) +
      ", }";

  // Version 1.0 stores the header length in 2 bytes; fall back to 2.0.
  std::string preamble(kMagic, kMagicSize);
  std::string header = paddedHeader(dict, kMagicSize + 2 + 2);
  if (header.size() <= 0xFFFF) {
    preamble += '\x01';
    preamble += '\x00';
    preamble += static_cast<char>(header.size() & 0xFF);
    preamble += static_cast<char>((header.size() >> 8) & 0xFF);
  } else {
    header = paddedHeader(dict, kMagicSize + 2 + 4);
    preamble += '\x02';
    preamble += '\x00';
    for (int shift = 0; shift < 32; shift += 8)
      preamble += static_cast<char>((header.size() >> shift) & 0xFF);
  }

  errno = 0;
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file)
    return fail(std::string("cannot open file (") + std::strerror(errno) + ")");
  bool written =
      std::fwrite(preamble.data(), 1, preamble.size(), file.get()) ==
          preamble.size() &&
      std::fwrite(header.data(), 1, header.size(), file.get()) ==
          header.size() &&
      (bytes == 0 || std::fwrite(tensor.data(), 1, bytes, file.get()) == bytes);
  int savedErrno = errno;
  bool closed = std::fclose(file.release()) == 0;
  if (!written || !closed) {
    std::remove(path.c_str());
    return fail(std::string("write error (") +
                std::strerror(savedErrno ? savedErrno : errno) + ")");
  }
  return Status::ok();
}

} // namespace blade::rt
