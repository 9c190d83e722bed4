// SPDX-License-Identifier: MPL-2.0
// Reduction of crash documents to what anyone may see (SOCORRO.md 2.8),
// read off the field table: for callers without the view-PII permission.
//
// Processed crash: an allow-list. A top-level key stays when the table
// names it as a public field; unknown keys go. Inside a public object the
// table describes in part (json_dump), the table's protected paths go, and
// so does every `registers` object (Socorro's `json_dump.*.registers`):
// the walker's full output is kept otherwise, as Socorro's schema keeps it.
//
// Raw crash: an annotation stays when public fields are copied from it and
// no protected field is (so `metadata`, `URL`, `Comments`, `Email` go),
// with the collector's own public keys (uuid, submitted_timestamp, version).
#pragma once

#include <nlohmann/json.hpp>

namespace crashbox::report {

nlohmann::json RedactProcessed(const nlohmann::json& processed);
nlohmann::json RedactRaw(const nlohmann::json& raw);

}  // namespace crashbox::report
