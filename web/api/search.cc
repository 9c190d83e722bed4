// SPDX-License-Identifier: MPL-2.0
#include "web/api/search.h"

#include "app/search/fields.h"

namespace crashbox::web {

Handler MakeSuperSearchFieldsHandler() {
  // The definitions are fixed for the life of the process: render once.
  static const std::string kBody =
      search::FieldsJson(search::FieldSet::Default()).dump();
  return [](Request&, Response& resp) { resp.Json(200, kBody); };
}

}  // namespace crashbox::web
