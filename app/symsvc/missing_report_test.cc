// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/missing_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace crashbox::symsvc {
namespace {

std::vector<store::MissingSymbols> Rows() {
  store::MissingSymbols a;
  a.module = {"xul.pdb", "ABC0", "xul.dll", "5F1E", "1,2 \"beta\""};
  a.count = 7;
  a.last_seen_ms = 1764028800000;  // 2025-11-25T00:00:00Z
  return {a};
}

TEST(MissingReport, CsvQuotesFieldsThatNeedIt) {
  EXPECT_EQ(MissingSymbolsCsv(Rows()),
            "debug_file,debug_id,code_file,code_id,version,count,last_seen\n"
            "xul.pdb,ABC0,xul.dll,5F1E,\"1,2 "
            "\"\"beta\"\"\",7,2025-11-25T00:00:00Z\n");
  EXPECT_EQ(MissingSymbolsCsv({}),
            "debug_file,debug_id,code_file,code_id,version,count,last_seen\n");
}

TEST(MissingReport, JsonListsHits) {
  nlohmann::json j = nlohmann::json::parse(MissingSymbolsJson(Rows()));
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["hits"][0]["debug_file"], "xul.pdb");
  EXPECT_EQ(j["hits"][0]["count"], 7);
  EXPECT_EQ(j["hits"][0]["last_seen"], "2025-11-25T00:00:00Z");
}

}  // namespace
}  // namespace crashbox::symsvc
