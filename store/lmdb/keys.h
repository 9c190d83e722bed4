// SPDX-License-Identifier: MPL-2.0
// Key layout of the LMDB crash store. It mirrors Socorro's bucket layout so
// that the S3 adapter and LMDB share one naming:
//
//   db "raw"        v1/raw_crash/<YYYYMMDD>/<crash_id>   raw crash JSON (blob
//   codec) db "dumps"      v1/dump_names/<crash_id>             JSON list of
//   dump names, sorted
//                   v1/dump/<crash_id>                   upload_file_minidump
//                   (blob codec) v1/<dump_name>/<crash_id>            every
//                   other dump (blob codec)
//   db "processed"  v1/processed_crash/<crash_id>        processed crash JSON
//   (blob codec) db "queue"      <queue>/<seq: 8 bytes big-endian>    crash id
//   [":" ruleset]; queue "index" holds crashes waiting for the search index db
//   "meta"       schema_version                       "1"
//                   probe                                heartbeat write probe
//                   (removed again)
//
// <YYYYMMDD> is "20" + the last six characters of the crash id (Socorro's
// rule: the partition comes from the id, not from a timestamp), so retention
// is a range delete. Blob codec: app/base/gzip.h PackBlob (tag byte + zlib or
// raw).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crashbox::store::lmdb {

inline std::string CrashDate(std::string_view crash_id) {
  return "20" + std::string(crash_id.substr(
                    crash_id.size() >= 6 ? crash_id.size() - 6 : 0));
}
inline std::string RawCrashKey(std::string_view crash_id) {
  return "v1/raw_crash/" + CrashDate(crash_id) + "/" + std::string(crash_id);
}
inline std::string DumpNamesKey(std::string_view crash_id) {
  return "v1/dump_names/" + std::string(crash_id);
}
// The crashing process's minidump is stored as "dump" (Socorro's rule).
inline std::string DumpKey(std::string_view crash_id,
                           std::string_view dump_name) {
  std::string_view stored =
      (dump_name.empty() || dump_name == "upload_file_minidump") ? "dump"
                                                                 : dump_name;
  return "v1/" + std::string(stored) + "/" + std::string(crash_id);
}
inline std::string ProcessedKey(std::string_view crash_id) {
  return "v1/processed_crash/" + std::string(crash_id);
}
// "missing_symbols" db: <debug_file>/<DEBUG_ID> → modules crashes needed
// symbols for (LmdbSymbolStore). Value: a first line
// "<count>\t<last_seen_ms>\t<code_file>\t<code_id>\t<version>", then up to
// a bound of crash ids, one per line, oldest first.
inline std::string MissingSymbolsKey(std::string_view debug_file,
                                     std::string_view debug_id) {
  return std::string(debug_file) + "/" + std::string(debug_id);
}
// "meta" db: symbols/code/<code_file>/<CODE_ID> → "<debug_file>/<DEBUG_ID>",
// from uploaded .sym files' INFO CODE_ID lines (LmdbSymbolStore).
inline std::string CodeIdKey(std::string_view code_file,
                             std::string_view code_id) {
  return "symbols/code/" + std::string(code_file) + "/" + std::string(code_id);
}
// The queue of crashes waiting for the search index (CrashStore::
// PendingIndex), beside the processing queues in db "queue".
inline constexpr std::string_view kIndexQueue = "index";

inline std::string QueueKey(std::string_view queue, uint64_t seq) {
  std::string key(queue);
  key.push_back('/');
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

}  // namespace crashbox::store::lmdb
