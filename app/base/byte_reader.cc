// SPDX-License-Identifier: MPL-2.0
#include "app/base/byte_reader.h"

#include <fmt/format.h>

namespace crashbox {

Result<ByteView> SubView(ByteView bytes, uint64_t offset, uint64_t size,
                         std::string_view what) {
  if (offset > bytes.size() || size > bytes.size() - offset) {
    return Status::Corrupt(fmt::format("{}: range {:#x}+{:#x} exceeds {} bytes",
                                       what, offset, size, bytes.size()));
  }
  return bytes.subspan(static_cast<size_t>(offset), static_cast<size_t>(size));
}

Result<ByteView> ByteReader::ReadBytes(size_t n, std::string_view what) {
  if (remaining() < n) return ShortRead(what, n);
  ByteView v = bytes_.subspan(offset_, n);
  offset_ += n;
  return v;
}

Status ByteReader::Skip(size_t n, std::string_view what) {
  if (remaining() < n) return ShortRead(what, n);
  offset_ += n;
  return Status::Ok();
}

Status ByteReader::ShortRead(std::string_view what, size_t wanted) const {
  return Status::Corrupt(
      fmt::format("{}: needs {} bytes at offset {:#x}, {} remain", what, wanted,
                  offset_, remaining()));
}

}  // namespace crashbox
