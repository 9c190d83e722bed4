// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_uploader.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/symbols/text/sym_parser.h"
#include "app/symsvc/zip_reader.h"

namespace crashbox::symsvc {
namespace {

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isxdigit(c) != 0;
  });
}

// A C0 control character or DEL: never part of a name crashbox keeps (a CR
// or LF in a stored name could end up in a header or split a log line).
std::optional<unsigned char> FindControlChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return c;
  }
  return std::nullopt;
}

// Whether the stored text of `key` is byte for byte `text`, read piece by
// piece (no second copy of a large text).
bool StoredTextEquals(store::SymbolStore& store, const store::SymbolKey& key,
                      std::string_view text) {
  Result<std::unique_ptr<store::SymTextReader>> reader = store.OpenSymText(key);
  if (!reader.ok()) return false;
  if (auto size = (*reader)->size(); size && *size != text.size()) return false;
  std::string buf(64 * 1024, '\0');
  size_t pos = 0;
  while (true) {
    Result<size_t> n = (*reader)->Read(buf.data(), buf.size());
    if (!n.ok()) return false;
    if (*n == 0) return pos == text.size();
    if (*n > text.size() - pos ||
        text.compare(pos, *n, std::string_view(buf.data(), *n)) != 0)
      return false;
    pos += *n;
  }
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Zip members Tecken ignores rather than rejects.
bool IsIgnoredMember(const std::string& name) {
  size_t slash = name.rfind('/');
  std::string_view leaf = slash == std::string::npos
                              ? std::string_view(name)
                              : std::string_view(name).substr(slash + 1);
  if (leaf == ".DS_Store") return true;
  return slash == std::string::npos && name.ends_with("-symbols.txt");
}

nlohmann::json Items(const std::vector<UploadItem>& items, bool with_reason) {
  nlohmann::json out = nlohmann::json::array();
  for (const UploadItem& i : items) {
    nlohmann::json j{{"path", i.path}, {"bytes", i.bytes}};
    if (with_reason) j["reason"] = i.reason;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string UploadReport::ToJson() const {
  return nlohmann::json{{"added", Items(added, false)},
                        {"skipped", Items(skipped, false)},
                        {"rejected", Items(rejected, true)},
                        {"bytes_converted", bytes_converted}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SymModuleLine> ParseModuleLine(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF"))
    text.remove_prefix(3);  // UTF-8 BOM from Windows tools
  std::string_view line =
      text.substr(0, std::min(text.find('\n'), size_t{4096}));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.remove_suffix(1);
  SymModuleLine m;
  std::string* fields[] = {nullptr, &m.os, &m.arch, &m.debug_id};
  for (std::string* field : fields) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return Status::Corrupt("first line is not a MODULE line");
    std::string_view token = line.substr(0, space);
    if (!field && token != "MODULE")
      return Status::Corrupt("first line is not a MODULE line");
    if (field) *field = token;
    line.remove_prefix(space + 1);
  }
  m.debug_file = line;  // the rest: names may hold spaces
  if (m.debug_file.empty() || !IsHex(m.debug_id))
    return Status::Corrupt("malformed MODULE line");
  if (auto c = FindControlChar(m.debug_file)) {
    return Status::Corrupt(fmt::format(
        "MODULE line's debug file name holds control character {:#04x}", *c));
  }
  return m;
}

std::optional<std::pair<std::string, std::string>> ParseCodeInfo(
    std::string_view text) {
  size_t pos = 0;
  for (int line = 0; line < 20 && pos < text.size(); ++line) {
    size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view l = text.substr(pos, eol - pos);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' '))
      l.remove_suffix(1);
    if (l.starts_with("INFO CODE_ID ")) {
      l.remove_prefix(13);
      size_t space = l.find(' ');
      std::string id(l.substr(0, space));
      std::string file(space == std::string_view::npos ? std::string_view()
                                                       : l.substr(space + 1));
      if (id.empty()) return std::nullopt;
      return std::make_pair(std::move(id), std::move(file));
    }
    if (l.starts_with("FILE ") || l.starts_with("FUNC ") ||
        l.starts_with("PUBLIC ") || l.starts_with("STACK "))
      break;
    pos = eol + 1;
  }
  return std::nullopt;
}

Result<store::SymbolKey> ParseSymbolPath(std::string_view path) {
  CB_ASSIGN_OR_RETURN(symbols::ModuleKey key, symbols::ParseSymbolPath(path));
  return store::SymbolKey{std::move(key.debug_file), std::move(key.debug_id)};
}

Status SymbolUploader::AddOne(const std::string& path, std::string_view text,
                              std::string* owned, UploadReport& report) {
  auto reject = [&](std::string reason) {
    report.rejected.push_back(UploadItem{path, std::move(reason), text.size()});
    return Status::Ok();
  };
  if (text.size() > options_.max_sym_bytes) {
    return reject(fmt::format("too_large: {} bytes, limit {}", text.size(),
                              options_.max_sym_bytes));
  }
  Result<store::SymbolKey> key = ParseSymbolPath(path);
  if (!key.ok()) return reject("bad_path: " + key.status().message());
  Result<SymModuleLine> module = ParseModuleLine(text);
  if (!module.ok())
    return reject("bad_module_line: " + module.status().message());
  if (Upper(module->debug_id) != key->debug_id) {
    return reject(
        fmt::format("module_mismatch: MODULE line has debug id {}, path has {}",
                    module->debug_id, key->debug_id));
  }
  if (module->debug_file != key->debug_file) {
    return reject(fmt::format(
        "module_mismatch: MODULE line has debug file {}, path has {}",
        module->debug_file, key->debug_file));
  }
  if (StoredTextEquals(store_, *key, text)) {
    report.skipped.push_back(UploadItem{path, "", text.size()});
    return Status::Ok();
  }
  const uint64_t size = text.size();
  std::optional<std::pair<std::string, std::string>> code = ParseCodeInfo(text);
  // Memory at the peak: the text, its conversion (the blob is built in place)
  // and the packed text; an owned text is freed by the store once packed,
  // before the write copies blob and packed text into LMDB's pages.
  {
    Result<symbols::SymBlob> blob = symbols::ParseSymTextToBlob(AsBytes(text));
    if (!blob.ok()) return reject("unconvertible: " + blob.status().message());
    CB_RETURN_IF_ERROR(
        store_.PutSymbols(*key, AsChars(blob->bytes()),
                          owned ? std::move(*owned) : std::string(text)));
  }
  if (code && !code->second.empty() && IsHex(code->first) &&
      code->second.find_first_of("/\\") == std::string::npos &&
      !FindControlChar(code->second)) {
    CB_RETURN_IF_ERROR(store_.PutCodeId(code->second, code->first, *key));
  }
  report.bytes_converted += size;
  report.added.push_back(UploadItem{path, "", size});
  if (on_added_) on_added_(*key);
  return Status::Ok();
}

Result<UploadReport> SymbolUploader::UploadZip(ByteView zip) {
  UploadReport report;
  CB_RETURN_IF_ERROR(
      ForEachZipEntry(zip, options_.zip, [&](ZipEntry& e) -> Status {
        if (e.is_dir || IsIgnoredMember(e.name)) return Status::Ok();
        if (!e.error.empty()) {
          report.rejected.push_back(UploadItem{e.name, e.error, 0});
          return Status::Ok();
        }
        return AddOne(e.name, e.data, &e.data, report);
      }));
  return report;
}

Result<UploadReport> SymbolUploader::UploadSym(std::string path,
                                               std::string_view text) {
  return UploadSymImpl(std::move(path), text, nullptr);
}

Result<UploadReport> SymbolUploader::UploadSymOwned(std::string path,
                                                    std::string text) {
  return UploadSymImpl(std::move(path), text, &text);
}

Result<UploadReport> SymbolUploader::UploadSymImpl(std::string path,
                                                   std::string_view text,
                                                   std::string* owned) {
  UploadReport report;
  if (path.empty()) {
    Result<SymModuleLine> module = ParseModuleLine(text);
    if (!module.ok()) {
      report.rejected.push_back(UploadItem{
          "", "bad_module_line: " + module.status().message(), text.size()});
      return report;
    }
    path = fmt::format("{}/{}/{}", module->debug_file, Upper(module->debug_id),
                       SymFileName(module->debug_file));
  }
  CB_RETURN_IF_ERROR(AddOne(path, text, owned, report));
  return report;
}

}  // namespace crashbox::symsvc
