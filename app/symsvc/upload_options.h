// SPDX-License-Identifier: MPL-2.0
// ZipLimits and UploadOptions: the caps on symbol uploads (see zip_reader.h
// and symbol_uploader.h), in a header of their own for configuration.
#pragma once

#include <cstdint>

namespace crashbox::symsvc {

struct ZipLimits {
  uint64_t max_entries = 100000;
  uint64_t max_entry_bytes = uint64_t{2} << 30;  // uncompressed, per entry
  uint64_t max_total_bytes = uint64_t{8} << 30;  // uncompressed, all entries
  uint64_t max_ratio = 200;                      // uncompressed / compressed
};

struct UploadOptions {
  // Caps on zip uploads (see zip_reader.h).
  ZipLimits zip;
  // A single .sym (zip member or plain upload) larger than this is rejected.
  uint64_t max_sym_bytes = uint64_t{2} << 30;
};

}  // namespace crashbox::symsvc
