// SPDX-License-Identifier: MPL-2.0
#include "app/base/metrics.h"

#include <gtest/gtest.h>

namespace crashbox::base {
namespace {

TEST(Metrics, RendersCountersAndHistograms) {
  MetricsRegistry r;
  r.GetCounter("collector.breakpad_resource.malformed",
               "reason=\"no_boundary\"")
      ->Add(2);
  r.GetHistogram("collector.breakpad_resource.on_post.time", LatencyBucketsMs)
      ->Observe(3);
  r.SetGauge("queue.depth", 5);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("crashbox_collector_breakpad_resource_malformed_total{"
                      "reason=\"no_boundary\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("crashbox_collector_breakpad_resource_on_post_time_"
                      "bucket{le=\"5\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("crashbox_collector_breakpad_resource_on_post_time_count 1"),
      std::string::npos);
  EXPECT_NE(text.find("crashbox_queue_depth 5"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(PromLabelValue("a\"b\\c\n"), "a\\\"b\\\\c\\n");
}

}  // namespace
}  // namespace crashbox::base
