//===- NpyTest.cpp - Tests for the .npy reader and writer -----------------===//

#include "blade-rt/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

using namespace blade::rt;
namespace fs = std::filesystem;

namespace {

/// Bytes of a .npy file laid out as NumPy writes it: magic, version, header
/// length, the dict padded with spaces and '\n' to a 64-byte boundary, data.
std::string npyFile(const std::string &dict, const std::string &data,
                    int major = 1) {
  size_t lengthSize = major == 1 ? 2 : 4;
  size_t unpadded = 8 + lengthSize + dict.size() + 1;
  std::string header =
      dict + std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  std::string bytes("\x93NUMPY", 6);
  bytes += static_cast<char>(major);
  bytes += '\0';
  for (size_t i = 0; i < lengthSize; ++i)
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return bytes + header + data;
}

/// The raw little-endian bytes of `values`.
template <typename T> std::string rawBytes(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}

std::string dictFor(const std::string &descr, const std::string &shape) {
  return "{'descr': '" + descr +
         "', 'fortran_order': False, 'shape': " + shape + ", }";
}

class NpyTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::temp_directory_path() /
          ("blade-rt-npy-" + std::to_string(::getpid()) + "-" + info->name());
    std::error_code ec;
    fs::create_directories(dir, ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::string path(const std::string &name) const {
    return (dir / name).string();
  }

  std::string writeFile(const std::string &name, const std::string &bytes) {
    std::string p = path(name);
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good());
    return p;
  }

  std::string readFile(const std::string &p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir;
};

TEST_F(NpyTest, FixtureMatchesNumPyLayout) {
  // numpy.save of a float32 (2, 3) array starts with exactly these 10 bytes
  // and has a 128-byte header.
  std::string bytes = npyFile(dictFor("<f4", "(2, 3)"), "");
  ASSERT_EQ(bytes.size(), 128u);
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(bytes.back(), '\n');
}

TEST_F(NpyTest, ReadsVersion1F32) {
  std::vector<float> values = {0.5f, 1.0f, -1.5f, 2.0f, 1e-3f, 3e8f};
  std::string p =
      writeFile("a.npy", npyFile(dictFor("<f4", "(2, 3)"), rawBytes(values)));
  Tensor t;
  Status status = readNpy(p, t);
  ASSERT_TRUE(status) << status.message();
  EXPECT_EQ(t.dtype(), DType::F32);
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 3}));
  const float *data = t.dataAs<float>();
  EXPECT_EQ(std::vector<float>(data, data + 6), values);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % Tensor::kAlignment, 0u);
}

TEST_F(NpyTest, ReadsVersion2And3) {
  std::vector<int64_t> longs = {-1, 0, int64_t(1) << 40};
  std::string p2 =
      writeFile("v2.npy", npyFile(dictFor("<i8", "(3,)"), rawBytes(longs), 2));
  Tensor t2;
  ASSERT_TRUE(readNpy(p2, t2));
  EXPECT_EQ(t2.dtype(), DType::I64);
  EXPECT_EQ(t2.shape(), (std::vector<int64_t>{3}));
  EXPECT_EQ(
      std::vector<int64_t>(t2.dataAs<int64_t>(), t2.dataAs<int64_t>() + 3),
      longs);

  std::vector<uint16_t> shorts = {1, 65535, 7, 8};
  std::string p3 = writeFile(
      "v3.npy", npyFile(dictFor("<u2", "(2, 2)"), rawBytes(shorts), 3));
  Tensor t3;
  ASSERT_TRUE(readNpy(p3, t3));
  EXPECT_EQ(t3.dtype(), DType::U16);
  EXPECT_EQ(t3.dataAs<uint16_t>()[1], 65535);
}

TEST_F(NpyTest, ReadsLooseHeaderSyntax) {
  // Double quotes, other key order, no trailing comma, no padding.
  std::string dict = "{\"shape\":(4,),\"fortran_order\":False,"
                     "\"descr\":\"<i2\"}";
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(dict.size());
  bytes += '\0';
  bytes += dict + rawBytes(std::vector<int16_t>{-2, -1, 0, 1});
  Tensor t;
  Status status = readNpy(writeFile("loose.npy", bytes), t);
  ASSERT_TRUE(status) << status.message();
  EXPECT_EQ(t.dtype(), DType::I16);
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{4}));
  EXPECT_EQ(t.dataAs<int16_t>()[0], -2);
}

TEST_F(NpyTest, ReadsOneByteDescriptors) {
  struct Case {
    const char *descr;
    DType dtype;
  } cases[] = {{"|i1", DType::I8}, {"<i1", DType::I8}, {"|u1", DType::U8},
               {"<u1", DType::U8}, {">u1", DType::U8}, {"|b1", DType::Bool}};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.descr);
    std::string p = writeFile(
        "b.npy", npyFile(dictFor(c.descr, "(3,)"), std::string("\1\0\1", 3)));
    Tensor t;
    Status status = readNpy(p, t);
    ASSERT_TRUE(status) << status.message();
    EXPECT_EQ(t.dtype(), c.dtype);
    EXPECT_EQ(t.dataAs<uint8_t>()[2], 1);
  }
}

TEST_F(NpyTest, ReadsScalarAndEmpty) {
  std::string ps =
      writeFile("s.npy", npyFile(dictFor("<f8", "()"),
                                 rawBytes(std::vector<double>{2.25})));
  Tensor scalar;
  ASSERT_TRUE(readNpy(ps, scalar));
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(*scalar.dataAs<double>(), 2.25);

  std::string pe = writeFile("e.npy", npyFile(dictFor("<f4", "(0, 3)"), ""));
  Tensor empty;
  ASSERT_TRUE(readNpy(pe, empty));
  EXPECT_FALSE(empty.isNull());
  EXPECT_EQ(empty.shape(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(empty.numElements(), 0);
}

TEST_F(NpyTest, WriterMatchesNumPyBytes) {
  std::vector<float> values = {1, 2, 3, 4, 5, 6};
  Tensor t = Tensor::adopt(DType::F32, {2, 3}, values.data(), nullptr);
  std::string p = path("w.npy");
  ASSERT_TRUE(writeNpy(p, t));
  EXPECT_EQ(readFile(p), npyFile(dictFor("<f4", "(2, 3)"), rawBytes(values)));

  Tensor vec = Tensor::allocate(DType::U8, {5});
  ASSERT_TRUE(writeNpy(p, vec));
  EXPECT_EQ(readFile(p), npyFile(dictFor("|u1", "(5,)"), std::string(5, '\0')));

  Tensor scalar = Tensor::allocate(DType::Bool, {});
  ASSERT_TRUE(writeNpy(p, scalar));
  EXPECT_EQ(readFile(p), npyFile(dictFor("|b1", "()"), std::string(1, '\0')));
}

TEST_F(NpyTest, RoundTripEveryDType) {
  const DType dtypes[] = {DType::F32, DType::F64, DType::F16, DType::I8,
                          DType::I16, DType::I32, DType::I64, DType::U8,
                          DType::U16, DType::U32, DType::U64, DType::Bool};
  const std::vector<std::vector<int64_t>> shapes = {
      {2, 3}, {}, {0}, {2, 0, 3}, {7}, {1, 1, 1, 1}, {3, 1, 4}};
  for (DType dtype : dtypes) {
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(dtypeName(dtype)) + " " +
                   Tensor::allocate(dtype, shape).shapeString());
      Tensor t = Tensor::allocate(dtype, shape);
      ASSERT_FALSE(t.isNull());
      auto *bytes = t.dataAs<uint8_t>();
      for (size_t i = 0; i < t.byteSize(); ++i)
        bytes[i] =
            dtype == DType::Bool ? i % 2 : static_cast<uint8_t>(i * 37 + 11);
      std::string p = path("rt.npy");
      Status written = writeNpy(p, t);
      ASSERT_TRUE(written) << written.message();
      Tensor back;
      Status read = readNpy(p, back);
      ASSERT_TRUE(read) << read.message();
      EXPECT_EQ(back.dtype(), dtype);
      EXPECT_EQ(back.shape(), shape);
      ASSERT_EQ(back.byteSize(), t.byteSize());
      EXPECT_EQ(std::memcmp(back.data(), t.data(), t.byteSize()), 0);
      // Data starts on a 64-byte boundary in the file.
      EXPECT_EQ((fs::file_size(p) - t.byteSize()) % 64, 0u);
    }
  }
}

TEST_F(NpyTest, LongHeaderUsesVersion2) {
  // 25000 unit dimensions make a header longer than 65535 bytes.
  std::vector<int64_t> shape(25000, 1);
  Tensor t = Tensor::allocate(DType::I32, shape);
  ASSERT_FALSE(t.isNull());
  *t.dataAs<int32_t>() = 42;
  std::string p = path("long.npy");
  ASSERT_TRUE(writeNpy(p, t));
  std::string bytes = readFile(p);
  ASSERT_GT(bytes.size(), 12u);
  EXPECT_EQ(bytes[6], '\x02');
  EXPECT_EQ(bytes[7], '\x00');
  uint32_t headerSize = 0;
  for (int i = 3; i >= 0; --i)
    headerSize = headerSize << 8 | static_cast<uint8_t>(bytes[8 + i]);
  EXPECT_GT(headerSize, 65535u);
  EXPECT_EQ((12 + headerSize) % 64, 0u);
  EXPECT_EQ(bytes.size(), 12 + headerSize + 4);

  Tensor back;
  Status status = readNpy(p, back);
  ASSERT_TRUE(status) << status.message();
  EXPECT_EQ(back.shape(), shape);
  EXPECT_EQ(*back.dataAs<int32_t>(), 42);
}

TEST_F(NpyTest, WriteErrors) {
  Tensor bf16 = Tensor::allocate(DType::BF16, {2});
  std::string p = path("bf16.npy");
  Status status = writeNpy(p, bf16);
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("'" + p + "'"), std::string::npos);
  EXPECT_NE(status.message().find("bf16"), std::string::npos);
  EXPECT_FALSE(fs::exists(p));

  std::string missingDir = path("no/such/dir/x.npy");
  status = writeNpy(missingDir, Tensor::allocate(DType::F32, {1}));
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("cannot write '" + missingDir + "'"),
            std::string::npos);

  status = writeNpy(path("null.npy"),
                    Tensor::adopt(DType::F32, {3}, nullptr, nullptr));
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("null.npy"), std::string::npos);
}

TEST_F(NpyTest, MissingFile) {
  std::string p = path("missing.npy");
  Tensor t;
  Status status = readNpy(p, t);
  EXPECT_FALSE(status);
  EXPECT_EQ(status.message().rfind("cannot read '" + p + "': ", 0), 0u)
      << status.message();
  EXPECT_NE(status.message().find("No such file"), std::string::npos);
  EXPECT_TRUE(t.isNull());
}

TEST_F(NpyTest, DirectoryIsNotAFile) {
  Tensor t;
  Status status = readNpy(dir.string(), t);
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find(dir.string()), std::string::npos);
}

TEST_F(NpyTest, RejectsBadFiles) {
  std::string f4Data = rawBytes(std::vector<float>(6, 1.0f));
  std::string good = npyFile(dictFor("<f4", "(2, 3)"), f4Data);
  auto withDict = [&](const std::string &dict) {
    return npyFile(dict, f4Data);
  };
  std::string badVersion = good;
  badVersion[6] = 4;
  std::string hugeHeader("\x93NUMPY\x02\x00\xff\xff\xff\x00", 12);
  hugeHeader += "{'descr': '<f4'";

  struct Case {
    const char *name;
    std::string bytes;
    const char *expected;
  } cases[] = {
      {"empty", "", "bad magic"},
      {"bad-magic", "\x93NUMPZ" + good.substr(6), "bad magic"},
      {"text-file", "hello world, not numpy\n", "bad magic"},
      {"short-preamble", std::string("\x93NUMPY\x01", 7), "truncated header"},
      {"short-length", std::string("\x93NUMPY\x01\x00\x76", 9),
       "truncated header"},
      {"truncated-header", good.substr(0, 40), "truncated header"},
      {"huge-header-length", hugeHeader, "truncated header"},
      {"truncated-data", good.substr(0, 128 + 8),
       "truncated data: expected 24 bytes, found 8"},
      {"version-4", badVersion, "unsupported .npy format version 4.0"},
      {"fortran-order",
       withDict("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"),
       "fortran_order"},
      {"big-endian", withDict(dictFor(">f4", "(2, 3)")), "big-endian"},
      {"complex", withDict(dictFor("<c8", "(2, 3)")),
       "unsupported dtype '<c8'"},
      {"bad-order-char", withDict(dictFor("|f4", "(2, 3)")),
       "unsupported dtype '|f4'"},
      {"unicode", withDict(dictFor("<U3", "(2, 3)")),
       "unsupported dtype '<U3'"},
      {"object", withDict(dictFor("|O", "(2, 3)")), "object arrays"},
      {"structured",
       withDict("{'descr': [('a', '<f4')], 'fortran_order': False, "
                "'shape': (2, 3), }"),
       "structured"},
      {"no-brace",
       withDict("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)"),
       "malformed header"},
      {"missing-shape", withDict("{'descr': '<f4', 'fortran_order': False}"),
       "missing key 'shape'"},
      {"missing-descr", withDict("{'fortran_order': False, 'shape': (2, 3)}"),
       "missing key 'descr'"},
      {"extra-key",
       withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "
                "'extra': 1}"),
       "unexpected key 'extra'"},
      {"shape-list", withDict(dictFor("<f4", "[2, 3]")), "malformed header"},
      {"shape-int", withDict(dictFor("<f4", "(6)")), "malformed header"},
      {"negative-dim", withDict(dictFor("<f4", "(-2, 3)")),
       "negative dimension"},
      {"huge-dim", withDict(dictFor("<f4", "(99999999999999999999,)")),
       "dimension too large"},
      {"overflowing-shape",
       withDict(dictFor("<f4", "(9223372036854775807, 4)")), "array too large"},
      {"bad-bool",
       withDict("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}"),
       "malformed header"},
      {"unterminated-string",
       withDict("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}"),
       "malformed header"},
      {"trailing-garbage", withDict(dictFor("<f4", "(2, 3)") + " x"),
       "malformed header"},
      {"no-separator",
       withDict("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}"),
       "malformed header"},
  };

  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    std::string p = writeFile("bad.npy", c.bytes);
    // A failed read must leave the destination untouched.
    Tensor t = Tensor::allocate(DType::I32, {1});
    void *before = t.data();
    Status status = readNpy(p, t);
    ASSERT_FALSE(status);
    const std::string &message = status.message();
    std::string prefix = "cannot read '" + p + "': ";
    ASSERT_EQ(message.rfind(prefix, 0), 0u) << message;
    // Look for the reason after the prefix: the file name contains c.name.
    EXPECT_NE(message.find(c.expected, prefix.size()), std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(t.data(), before);
    EXPECT_EQ(t.dtype(), DType::I32);
  }
}

} // namespace
