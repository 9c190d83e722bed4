// SPDX-License-Identifier: MPL-2.0
// Shared helpers for the minidump unit tests.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "app/minidump/minidump.h"
#include "tests/testing/synth/synth_dump.h"

namespace crashbox::minidump {

inline std::unique_ptr<Minidump> OpenOrDie(const std::string& bytes) {
  Result<std::unique_ptr<Minidump>> dump = Minidump::Open(bytes);
  EXPECT_TRUE(dump.ok()) << dump.status().ToString();
  if (!dump.ok()) return nullptr;
  return std::move(dump).value();
}

inline std::unique_ptr<Minidump> OpenOrDie(const testing::SynthDump& synth) {
  return OpenOrDie(synth.Build());
}

inline testing::SynthContext Amd64(uint64_t rip, uint64_t rsp,
                                   uint64_t rbp = 0) {
  return {testing::SynthCpu::kAmd64,
          {{"rip", rip}, {"rsp", rsp}, {"rbp", rbp}},
          {}};
}

}  // namespace crashbox::minidump
