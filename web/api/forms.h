// SPDX-License-Identifier: MPL-2.0
// Form bodies and JSON errors, as the account and admin endpoints read and
// answer them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/http/request.h"

namespace crashbox::web {

// The fields of an application/x-www-form-urlencoded body, or nullopt after
// answering 413 when it is over `max_bytes` (or cannot be read).
std::optional<Params> ReadForm(Request& req, Response& resp,
                               size_t max_bytes = 16 << 10);
// The first value of `name`, or "".
std::string FormField(const Params& form, std::string_view name);
// Every non-empty value of `name`, in order.
std::vector<std::string> FormValues(const Params& form, std::string_view name);
// {"error": message}; invalid UTF-8 in it (messages may quote what the
// client sent) is replaced.
void ErrorJson(Response& resp, int status, std::string_view message);
// `body` as the response, invalid UTF-8 in its strings replaced.
void ReplyJson(Response& resp, int status, const nlohmann::json& body);

}  // namespace crashbox::web
