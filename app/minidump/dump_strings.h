// SPDX-License-Identifier: MPL-2.0
// String and identifier helpers shared by the stream parsers (internal).
#pragma once

#include <cstdint>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

// MINIDUMP_STRING at `rva`: u32 byte length + UTF-16LE, converted to UTF-8
// exactly as Breakpad's Minidump::ReadString does (odd lengths, more than
// kMaxStringUnits units and unpaired surrogates are kCorrupt).
Result<std::string> ReadUtf16String(ByteView file, uint64_t rva);
// Converts `units` UTF-16 code units; stops at the first NUL when
// `stop_at_nul` (fixed-size buffers in misc info). Breakpad's UTF16ToUTF8.
Result<std::string> Utf16ToUtf8(ByteView utf16le, bool stop_at_nul);
// Crashpad MinidumpUTF8String at `rva`: u32 length + bytes (no NUL needed);
// lengths over kMaxStringUnits are kCorrupt, as in Breakpad's ReadUTF8String.
Result<std::string> ReadUtf8String(ByteView file, uint64_t rva);
// Breakpad's debug id: GUID (data1 LE u32, data2 LE u16, data3 LE u16,
// data4 bytes) as uppercase hex without dashes, then age in lowercase hex.
std::string FormatDebugId(ByteView guid16, uint32_t age);
// "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x" (MDGUIDToString).
std::string FormatGuid(ByteView guid16);
std::string HexLower(ByteView bytes);

}  // namespace crashbox::minidump
