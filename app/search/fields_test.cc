// SPDX-License-Identifier: MPL-2.0
#include "app/search/fields.h"

#include <gtest/gtest.h>

#include <string>

#include "app/report/fields.h"

namespace crashbox::search {
namespace {

const FieldSet& Fields() { return FieldSet::Default(); }

TEST(SearchFields, HasEverySocorroFieldOfSection47) {
  int socorro = 0;
  for (const SearchField& f : Fields().all()) {
    if (f.name == "addons" || f.name == "memory_explicit") ++socorro;
  }
  EXPECT_EQ(socorro, 2);
  EXPECT_GE(Fields().all().size(), 156u);
}

TEST(SearchFields, TheFortyMostImportantAreTypedAsSocorro) {
  struct Want {
    const char* name;
    const char* query_type;
    const char* dvt;
    const char* path;
    bool is_protected;
  };
  const Want kWant[] = {
      {"date", "date", "datetime", "date_processed", false},
      {"uuid", "enum", "enum", "uuid", false},
      {"signature", "string", "str", "signature", false},
      {"proto_signature", "string", "str", "proto_signature", false},
      {"product", "enum", "enum", "product", false},
      {"version", "enum", "enum", "version", false},
      {"major_version", "integer", "int", "major_version", false},
      {"release_channel", "enum", "enum", "release_channel", false},
      {"build_id", "integer", "int", "build", false},
      {"platform", "enum", "enum", "os_name", false},
      {"platform_version", "string", "str", "os_version", false},
      {"platform_pretty_version", "string", "str", "os_pretty_version", false},
      {"cpu_arch", "enum", "enum", "cpu_arch", false},
      {"cpu_info", "string", "str", "cpu_info", false},
      {"cpu_count", "integer", "int", "json_dump.system_info.cpu_count", false},
      {"process_type", "string", "str", "process_type", false},
      {"report_type", "string", "str", "report_type", false},
      {"reason", "string", "str", "reason", false},
      {"address", "string", "str", "address", false},
      {"crashing_thread", "integer", "int", "crashing_thread", false},
      {"moz_crash_reason", "string", "str", "moz_crash_reason", false},
      {"moz_crash_reason_raw", "string", "str", "moz_crash_reason_raw", true},
      {"abort_message", "string", "str", "abort_message", false},
      {"uptime", "integer", "int", "uptime", false},
      {"install_age", "integer", "int", "install_age", false},
      {"install_time", "integer", "int", "install_time", false},
      {"startup_crash", "bool", "bool", "startup_crash", false},
      {"is_garbage_collecting", "bool", "bool", "is_garbage_collecting", false},
      {"oom_allocation_size", "integer", "int", "oom_allocation_size", false},
      {"ipc_channel_error", "string", "str", "ipc_channel_error", false},
      {"ipc_message_name", "string", "str", "ipc_message_name", false},
      {"async_shutdown_timeout", "string", "str", "async_shutdown_timeout",
       false},
      {"adapter_vendor_id", "string", "str", "adapter_vendor_id", false},
      {"adapter_device_id", "string", "str", "adapter_device_id", false},
      {"android_model", "string", "str", "android_model", false},
      {"android_version", "string", "str", "android_version", false},
      {"missing_symbols", "string", "str", "missing_symbols", false},
      {"modules_in_stack", "string", "str", "modules_in_stack", false},
      {"processor_notes", "string", "str", "processor_notes", false},
      {"url", "string", "str", "url", true},
      {"user_comments", "string", "str", "user_comments", true},
  };
  for (const Want& w : kWant) {
    const SearchField* f = Fields().Find(w.name);
    ASSERT_NE(f, nullptr) << w.name;
    EXPECT_EQ(f->query_type, w.query_type) << w.name;
    EXPECT_EQ(ValueTypeName(f->type), w.dvt) << w.name;
    EXPECT_EQ(f->path, w.path) << w.name;
    EXPECT_EQ(f->is_protected, w.is_protected) << w.name;
  }
}

TEST(SearchFields, EveryTopLevelScalarTheProcessorWritesIsSearchable) {
  for (const report::FieldSpec& spec : report::AllFields()) {
    if (spec.path.find('.') != std::string_view::npos) continue;
    if (spec.type == report::FieldType::kObject ||
        spec.type == report::FieldType::kArray ||
        spec.type == report::FieldType::kJson) {
      continue;
    }
    bool found = false;
    for (const SearchField& f : Fields().all()) {
      // By path, or by name where Socorro reads it elsewhere (cpu_count).
      if (f.path == spec.path || f.name == spec.name) {
        found = true;
        // Never less protected than the report table says.
        if (spec.is_protected()) {
          EXPECT_TRUE(f.is_protected) << f.name;
        }
      }
    }
    EXPECT_TRUE(found) << spec.path;
  }
}

TEST(SearchFields, ProcessorOnlyFieldsAreTypedFromTheReportTable) {
  const SearchField* crash_id = Fields().Find("crash_id");
  ASSERT_NE(crash_id, nullptr);
  EXPECT_EQ(crash_id->query_type, "string");
  EXPECT_EQ(crash_id->storage_type, "keyword");
  const SearchField* rc = Fields().Find("mdsw_return_code");
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(rc->type, ValueType::kInt);
  EXPECT_TRUE(rc->is_protected);  // protected in the report table
}

TEST(SearchFields, JsonHasSocorrosShape) {
  nlohmann::json all = FieldsJson(Fields());
  ASSERT_TRUE(all.is_object());
  const nlohmann::json& sig = all.at("signature");
  EXPECT_EQ(sig.at("name"), "signature");
  EXPECT_EQ(sig.at("query_type"), "string");
  EXPECT_EQ(sig.at("data_validation_type"), "str");
  EXPECT_EQ(sig.at("namespace"), "processed_crash");
  EXPECT_EQ(sig.at("in_database_name"), "signature");
  EXPECT_EQ(sig.at("has_full_version"), true);
  EXPECT_EQ(sig.at("is_exposed"), true);
  EXPECT_EQ(sig.at("is_returned"), true);
  EXPECT_EQ(sig.at("is_mandatory"), false);
  EXPECT_EQ(sig.at("permissions_needed"), nlohmann::json::array());
  EXPECT_EQ(sig.at("storage_mapping"),
            nlohmann::json::parse(
                R"({"type":"text","fields":{"full":{"type":"keyword"}}})"));
  EXPECT_FALSE(sig.at("description").get<std::string>().empty());

  const nlohmann::json& url = all.at("url");
  EXPECT_EQ(url.at("permissions_needed"),
            nlohmann::json::array({"crashstats.view_pii"}));
  EXPECT_EQ(url.at("storage_mapping"), nlohmann::json({{"type", "keyword"}}));

  const nlohmann::json& cpu = all.at("cpu_count");
  EXPECT_EQ(cpu.at("namespace"), "processed_crash.json_dump.system_info");
  EXPECT_EQ(cpu.at("in_database_name"), "cpu_count");

  EXPECT_EQ(all.at("modules_in_stack").at("storage_mapping").at("analyzer"),
            "semicolon_keywords");
  EXPECT_EQ(all.at("process_type").at("form_field_choices").size(), 7u);
  EXPECT_EQ(all.at("date").at("storage_mapping").at("type"), "date");
}

TEST(SearchFields, HistogramsOnDatesAndNumbersOnly) {
  EXPECT_TRUE(Fields().Find("date")->is_histogrammable());
  EXPECT_TRUE(Fields().Find("uptime")->is_histogrammable());
  EXPECT_TRUE(Fields().Find("uptime_ts")->is_histogrammable());
  EXPECT_FALSE(Fields().Find("signature")->is_histogrammable());
  EXPECT_FALSE(Fields().Find("startup_crash")->is_histogrammable());
}

TEST(SearchFields, UnredactedNeedsViewPii) {
  EXPECT_EQ(UnredactedPermissions(Fields()),
            std::vector<std::string>{"crashstats.view_pii"});
  EXPECT_TRUE(UnredactedPermissions(FieldSet({})).empty());
}

TEST(SearchFields, FindMissesUnknownNames) {
  EXPECT_EQ(Fields().Find("no_such_field"), nullptr);
  EXPECT_EQ(Fields().Find(""), nullptr);
}

}  // namespace
}  // namespace crashbox::search
