// SPDX-License-Identifier: MPL-2.0
#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {
class Arm64Unwinder final : public Unwinder {
 public:
  using Unwinder::Unwinder;
  std::optional<Frame> CallerOf(std::vector<Frame>&, bool) override { return std::nullopt; }
};
}  // namespace

std::unique_ptr<Unwinder> MakeArm64Unwinder(UnwindEnv env) {
  return std::make_unique<Arm64Unwinder>(std::move(env));
}

}  // namespace crashbox::stackwalk
