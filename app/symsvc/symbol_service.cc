// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_service.h"

#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace crashbox::symsvc {

SymbolService::SymbolService(store::SymbolStore& store, ServiceOptions options, SymbolUploader::OnAdded on_added)
    : store_(store), options_(std::move(options)), uploader_(store, options_.upload, std::move(on_added)) {}

Result<std::string> SymbolService::FindSymText(std::string_view debug_file, std::string_view debug_id,
                                               std::string_view sym_name) {
  CB_ASSIGN_OR_RETURN(store::SymbolKey key,
                      ParseSymbolPath(fmt::format("{}/{}/{}", debug_file, debug_id, sym_name)));
  Result<std::string> text = store_.GetSymText(key);
  if (text.ok() || text.status().code() != Status::Code::kNotFound) return text;
  // ParseSymbolPath has ruled out separators and dot components, so the
  // relative path cannot leave a root.
  std::filesystem::path rel = std::filesystem::path(key.debug_file) / key.debug_id / std::string(sym_name);
  for (const std::filesystem::path& root : options_.symbol_dirs) {
    std::ifstream in(root / rel, std::ios::binary);
    if (!in) continue;
    std::string data((std::istreambuf_iterator<char>(in)), {});
    if (in.bad()) return Status::IoError(fmt::format("reading {}", (root / rel).string()));
    return data;
  }
  return Status::NotFound(fmt::format("no symbols for {}/{}", key.debug_file, key.debug_id));
}

}  // namespace crashbox::symsvc
