// SPDX-License-Identifier: MPL-2.0
#include "store/crash_store.h"

namespace crashbox::store {

std::string_view QueueNameString(QueueName q) {
  switch (q) {
    case QueueName::kPriority:
      return "priority";
    case QueueName::kReprocessing:
      return "reprocessing";
    case QueueName::kNormal:
      return "normal";
  }
  return "normal";
}

}  // namespace crashbox::store
