// SPDX-License-Identifier: MPL-2.0
#include "app/report/redact.h"

#include <gtest/gtest.h>

#include "app/report/fields.h"

namespace crashbox::report {
namespace {

using nlohmann::json;

TEST(RedactTest, ProcessedCrashKeepsOnlyPublicFields) {
  json p = {
      {"signature", "OOM | small"},
      {"product", "Firefox"},
      {"url", "https://secret.example/"},
      {"user_comments", "my email is a@b.c"},
      {"collector_metadata", {{"user_agent", "x"}}},
      {"not_in_the_table", 1},
      {"json_dump",
       {{"status", "OK"},
        {"crashing_thread",
         {{"frames", {{{"function", "f"}, {"registers", {{"rip", "0x1"}}}}}}}},
        {"threads",
         {{{"frames",
            {{{"function", "g"}, {"registers", {{"rsp", "0x2"}}}}}}}}}}}};
  json r = RedactProcessed(p);
  EXPECT_EQ(r["signature"], "OOM | small");
  EXPECT_EQ(r["product"], "Firefox");
  EXPECT_FALSE(r.contains("url"));
  EXPECT_FALSE(r.contains("user_comments"));
  EXPECT_FALSE(r.contains("collector_metadata"));
  EXPECT_FALSE(r.contains("not_in_the_table"));
  EXPECT_EQ(r["json_dump"]["status"], "OK");
  EXPECT_EQ(r["json_dump"]["threads"][0]["frames"][0]["function"], "g");
  EXPECT_FALSE(r.dump().find("registers") != std::string::npos) << r.dump();
  // Every protected top-level field of the table goes.
  json all = json::object();
  for (const FieldSpec& f : AllFields()) {
    if (f.path.find('.') == std::string_view::npos) all[f.path] = "v";
  }
  json reduced = RedactProcessed(all);
  for (const FieldSpec& f : AllFields()) {
    if (f.path.find('.') != std::string_view::npos) continue;
    EXPECT_EQ(reduced.contains(f.path), !f.is_protected()) << f.path;
  }
}

TEST(RedactTest, RawCrashKeepsPublicAnnotations) {
  json raw = {{"ProductName", "Firefox"},
              {"uuid", "de1b3a2c-1234-4a2b-9c3d-012345260101"},
              {"submitted_timestamp", "2026-01-01T00:00:00+00:00"},
              {"URL", "https://secret.example/"},
              {"Comments", "hello"},
              {"metadata", {{"user_agent", "x"}}},
              {"SomethingUnknown", "?"}};
  json r = RedactRaw(raw);
  EXPECT_EQ(r["ProductName"], "Firefox");
  EXPECT_TRUE(r.contains("uuid"));
  EXPECT_TRUE(r.contains("submitted_timestamp"));
  for (const char* k : {"URL", "Comments", "metadata", "SomethingUnknown"})
    EXPECT_FALSE(r.contains(k)) << k;
}

}  // namespace
}  // namespace crashbox::report
