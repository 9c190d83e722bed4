// SPDX-License-Identifier: MPL-2.0
// CollectorOptions: the limits and rules of /submit (see collector.h). Its
// own header so that configuration names it without the collector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace crashbox::collector {

struct CollectorOptions {
  // Request bodies above this many bytes (as sent, i.e. compressed) get 413.
  uint64_t max_body_bytes = 25ull << 20;
  // Decompressed bodies above this many bytes get 413; gzip bombs end here.
  uint64_t max_decompressed_bytes = 250ull << 20;
  // Text annotations above this are skipped with a collector note (Antenna).
  uint64_t max_text_annotation_bytes = 20ull << 20;
  // The JSON `extra` part: longer than this gets
  // Discarded=malformed_json_too_large (real extra files are tens of KiB); more
  // values than this (every null, number, string, array and object counts one)
  // gets Discarded=malformed_json_too_many_values (real ones hold a few
  // hundred).
  uint64_t max_extra_json_bytes = 8ull << 20;
  uint64_t max_extra_json_values = 100000;
  size_t max_parts = 1000;
  size_t max_part_header_bytes = 8 * 1024;
  // A client sending `uuid` must present `Authorization: Bearer <token>`;
  // empty = nobody may choose a crash id.
  std::string stage_submitter_token;
  // Removed from stored crashes with a note, as Antenna does.
  std::vector<std::string> removed_annotations = {
      "Email", "TelemetryClientId", "TelemetryServerURL", "TelemetrySessionId"};
  // Seconds a client is told to wait on 503.
  int retry_after_seconds = 60;
};

}  // namespace crashbox::collector
