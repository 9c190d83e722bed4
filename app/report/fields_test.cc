// SPDX-License-Identifier: MPL-2.0
#include "app/report/fields.h"

#include <set>

#include <gtest/gtest.h>

#include "app/report/processed_crash.h"

namespace crashbox::report {
namespace {

using nlohmann::json;

TEST(Fields, NamesAreUniqueAndPathsWellFormed) {
  std::set<std::string_view> names;
  for (const FieldSpec& f : AllFields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_FALSE(f.path.empty());
    EXPECT_EQ(FindField(f.name), &f);
    if (f.source == FieldSource::kAnnotation) {
      EXPECT_FALSE(f.annotation.empty());
    }
  }
  EXPECT_EQ(FindField("no_such_field"), nullptr);
}

TEST(Fields, HandlesPointAtTheirRows) {
  EXPECT_EQ(kSignature.name(), "signature");
  EXPECT_EQ(kSignature.spec().type, FieldType::kString);
  EXPECT_EQ(&kJsonDumpCrashAddress.spec(),
            FindField("json_dump.crash_info.address"));
  EXPECT_EQ(kJsonDumpCrashAddress.spec().JsonPointer(),
            "/json_dump/crash_info/address");
  EXPECT_EQ(kJsonDumpCrashAddress.key(), "address");
  EXPECT_TRUE(kModuleDebugId.spec().in_array());
  EXPECT_EQ(kModuleDebugId.spec().JsonPointer(), "");
  EXPECT_EQ(kCrashTime.annotation(), "CrashTime");
}

TEST(Fields, ProtectedFieldsFollowSocorro) {
  for (std::string_view name :
       {"user_comments", "url", "java_stack_trace_raw", "mdsw_stderr",
        "signature_debug", "collector_metadata", "remote_type"}) {
    ASSERT_NE(FindField(name), nullptr) << name;
    EXPECT_TRUE(FindField(name)->is_protected()) << name;
  }
  EXPECT_FALSE(kSignature.spec().is_protected());
  EXPECT_FALSE(FindField("product")->is_protected());
}

TEST(ProcessedCrash, ReadsAndWritesByPath) {
  json crash = json::object();
  Set(crash, kSignature, "sig");
  Set(crash, kMajorVersion, 12);
  SetJson(crash, kJsonDumpCrashAddress.spec(), "0x10");
  EXPECT_EQ(Get(crash, kSignature), "sig");
  EXPECT_EQ(Get(crash, kMajorVersion), 12);
  EXPECT_EQ(Get(crash, kOsName), std::nullopt);
  EXPECT_EQ(crash["json_dump"]["crash_info"]["address"], "0x10");
  EXPECT_TRUE(Has(crash, kJsonDumpCrashInfo));
  EXPECT_EQ(GetString(crash, kJsonDumpCrashAddress), "0x10");
  EXPECT_EQ(GetStringIn(json{{"debug_id", "AB"}}, kModuleDebugId), "AB");
  EXPECT_EQ(Serialize(crash),
            R"({"json_dump":{"crash_info":{"address":"0x10"}},)"
            R"("major_version":12,"signature":"sig"})");
}

}  // namespace
}  // namespace crashbox::report
