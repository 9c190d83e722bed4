// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: a request body through the collector's parsers (optional
// gzip, multipart, submission rules), fed in pieces whose sizes come from the
// input, as a network would deliver them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/base/gzip.h"
#include "app/collector/submission.h"
#include "app/wire/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crashbox;
  if (size < 2) return 0;
  const bool gzip = data[0] & 1;
  const size_t piece = 1 + data[1] % 97;
  ByteView body(data + 2, size - 2);

  collector::SubmissionBuilder builder(/*max_text_annotation_bytes=*/4096);
  wire::MultipartParser parser(
      "BOUNDARY", {/*max_parts=*/64, /*max_header_bytes=*/512}, builder);
  base::GzipInflater inflater(/*max_output_bytes=*/1 << 20);
  Status s;
  for (size_t i = 0; i < body.size() && s.ok(); i += piece) {
    ByteView chunk = body.subspan(i, std::min(piece, body.size() - i));
    s = gzip ? inflater.Feed(chunk,
                             [&](ByteView out) { return parser.Feed(out); })
             : parser.Feed(chunk);
  }
  if (s.ok()) s = parser.Finish();
  std::string code;
  if (s.ok()) (void)builder.Finish(&code);
  // Whatever was accepted must serialize.
  (void)builder.submission().annotations.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
