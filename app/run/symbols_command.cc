// SPDX-License-Identifier: MPL-2.0
#include "app/run/symbols_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/httpclient/http_client.h"
#include "app/run/common.h"
#include "app/symbols/suppliers/upstream_supplier.h"
#include "app/symsvc/missing_report.h"
#include "app/symsvc/symbol_service.h"
#include "store/lmdb/symbol_store.h"

namespace crashbox::run {
namespace {

namespace fs = std::filesystem;

int Error(const std::string& message, int code) {
  std::fprintf(stderr, "crashbox symbols: %s\n", message.c_str());
  return code;
}

Result<std::string> ReadWhole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("cannot open {}", p.string()));
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (in.bad())
    return Status::IoError(fmt::format("cannot read {}", p.string()));
  return data;
}

// One thing to upload: a zip, or a .sym with its layout path ("" = from
// its MODULE line).
struct Item {
  fs::path file;
  std::string layout_path;
  bool zip = false;
};

Result<std::vector<Item>> Collect(const std::vector<std::string>& paths) {
  std::vector<Item> items;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".sym") {
          // The layout path when DIR is a symbol-server root; else (a module's
          // own directory) the path comes from the MODULE line.
          std::string rel = fs::relative(it->path(), p).generic_string();
          if (std::count(rel.begin(), rel.end(), '/') != 2) rel.clear();
          items.push_back({it->path(), rel, false});
        }
      }
      if (ec)
        return Status::IoError(fmt::format("walking {}: {}", p, ec.message()));
    } else if (fs::is_regular_file(p, ec)) {
      items.push_back({p, "", fs::path(p).extension() == ".zip"});
    } else {
      return Status::NotFound(fmt::format("{}: no such file or directory", p));
    }
  }
  return items;
}

void Merge(symsvc::UploadReport& into, symsvc::UploadReport from) {
  auto move = [](auto& a, auto& b) { a.insert(a.end(), b.begin(), b.end()); };
  move(into.added, from.added);
  move(into.skipped, from.skipped);
  move(into.rejected, from.rejected);
  into.bytes_converted += from.bytes_converted;
}

// The server's JSON answer as a report.
symsvc::UploadReport FromJson(const std::string& body,
                              const std::string& what) {
  symsvc::UploadReport r;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("added")) {
    r.rejected.push_back({what,
                          j.is_object() && j.contains("error")
                              ? j["error"].get<std::string>()
                              : body,
                          0});
    return r;
  }
  for (const auto& [key, list] : {std::pair{"added", &r.added},
                                  {"skipped", &r.skipped},
                                  {"rejected", &r.rejected}}) {
    for (const nlohmann::json& i : j[key])
      list->push_back(
          {i.value("path", ""), i.value("reason", ""), i.value("bytes", 0ull)});
  }
  r.bytes_converted = j.value("bytes_converted", 0ull);
  return r;
}

int Print(const symsvc::UploadReport& r) {
  for (const auto& i : r.rejected)
    std::printf("rejected %s: %s\n", i.path.c_str(), i.reason.c_str());
  std::printf(
      "added %zu, skipped %zu (already stored), rejected %zu; %.1f MB "
      "converted\n",
      r.added.size(), r.skipped.size(), r.rejected.size(),
      r.bytes_converted / 1e6);
  return r.rejected.empty() ? 0 : 1;
}

// `headers` plus the API token's header, when there is one.
std::vector<std::string> WithToken(std::vector<std::string> headers,
                                   const std::string& token) {
  if (!token.empty()) headers.push_back("Auth-Token: " + token);
  return headers;
}

int Upload(const config::Config& config, const SymbolsCommand& command) {
  if (command.paths.empty())
    return Error("upload: no ZIP, DIR or FILE given", 2);
  Result<std::vector<Item>> items = Collect(command.paths);
  if (!items.ok()) return Error(items.status().message(), 2);
  const bool tty = isatty(STDERR_FILENO) != 0;
  // Without --url the store is written directly: with the data directory's
  // lock, or beside the server that holds it (LMDB serializes the writers;
  // the server's symbol lookups do not cache misses, so it finds them).
  std::optional<int> lock;
  if (command.url.empty()) {
    Result<int> l = LockDataDir(config.data_dir);
    if (l.ok()) lock = l.value();
  }
  std::string url = command.url;
  while (url.ends_with('/')) url.pop_back();

  symsvc::UploadReport total;
  std::optional<OpenStore> store;
  std::unique_ptr<store::lmdb::LmdbSymbolStore> symbols;
  std::unique_ptr<symsvc::SymbolService> service;
  std::unique_ptr<httpclient::HttpClient> http;
  if (command.url.empty()) {
    Result<OpenStore> opened = OpenCrashStore(config, /*read_only=*/false);
    if (!opened.ok()) return Error(opened.status().ToString(), 2);
    store = std::move(opened).value();
    symbols = std::make_unique<store::lmdb::LmdbSymbolStore>(*store->env);
    service = std::make_unique<symsvc::SymbolService>(
        *symbols, store->crashes.get(), config.symbols);
  } else {
    http = std::make_unique<httpclient::HttpClient>(600000);
  }
  for (size_t n = 0; n < items->size(); ++n) {
    const Item& item = (*items)[n];
    if (tty)
      std::fprintf(stderr, "\r[%zu/%zu] %s\033[K", n + 1, items->size(),
                   item.file.string().c_str());
    Result<std::string> data = ReadWhole(item.file);
    if (!data.ok()) return Error(data.status().message(), 1);
    if (service) {
      Result<symsvc::UploadReport> r =
          item.zip ? service->uploader().UploadZip(AsBytes(*data))
                   : service->uploader().UploadSym(item.layout_path, *data);
      if (!r.ok()) {
        total.rejected.push_back(
            {item.file.string(), r.status().ToString(), data->size()});
        continue;
      }
      Merge(total, std::move(r).value());
    } else {
      auto r = http->Post(url + "/upload/", *data,
                          WithToken({item.zip ? "Content-Type: application/zip"
                                              : "Content-Type: text/plain"},
                                    command.token));
      if (!r.ok())
        return Error(fmt::format("the server at {} does not answer: {}", url,
                                 r.status().message()),
                     1);
      Merge(total, FromJson(r->body, item.file.string()));
    }
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (lock) ::close(*lock);
  return Print(total);
}

int List(const config::Config& config, const SymbolsCommand& command) {
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/true);
  if (!store.ok()) return Error(store.status().ToString(), 2);
  store::lmdb::LmdbSymbolStore symbols(*store->env);
  auto keys = symbols.List(command.module.empty() ? "" : command.module + "/",
                           std::numeric_limits<size_t>::max());
  if (!keys.ok()) return Error(keys.status().ToString(), 1);
  for (const store::SymbolKey& k : *keys)
    std::printf("%s/%s\n", k.debug_file.c_str(), k.debug_id.c_str());
  return 0;
}

int Missing(const config::Config& config, const SymbolsCommand& command) {
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/true);
  if (!store.ok()) return Error(store.status().ToString(), 2);
  store::lmdb::LmdbSymbolStore symbols(*store->env);
  auto rows = symbols.ListMissing();
  if (!rows.ok()) return Error(rows.status().ToString(), 1);
  if (command.format == "csv") {
    std::fputs(symsvc::MissingSymbolsCsv(*rows).c_str(), stdout);
  } else if (command.format == "json") {
    std::printf("%s\n", symsvc::MissingSymbolsJson(*rows).c_str());
  } else {
    std::printf("%8s  %-40s %-34s %s\n", "crashes", "debug_file", "debug_id",
                "version");
    for (const store::MissingSymbols& r : *rows) {
      std::printf("%8llu  %-40s %-34s %s\n",
                  static_cast<unsigned long long>(r.count),
                  r.module.debug_file.c_str(), r.module.debug_id.c_str(),
                  r.module.version.c_str());
    }
  }
  return 0;
}

int Fetch(const config::Config& config, const SymbolsCommand& command) {
  if (config.symbols.upstream.urls.empty()) {
    return Error(
        "fetch: no symbol servers configured (CRASHBOX_SYMBOLS_UPSTREAM_URLS)",
        2);
  }
  auto got = symbols::UpstreamSupplier::Download(
      config.symbols.upstream, {command.debug_file, command.debug_id});
  if (!got.ok()) return Error(got.status().ToString(), 1);
  std::fprintf(stderr, "fetched %s (%zu bytes)\n", got->url.c_str(),
               got->text.size());
  if (command.url.empty()) {
    Result<int> lock = LockDataDir(config.data_dir);  // or beside a server
    Result<OpenStore> opened = OpenCrashStore(config, /*read_only=*/false);
    if (!opened.ok()) return Error(opened.status().ToString(), 2);
    store::lmdb::LmdbSymbolStore symbols(*opened->env);
    symsvc::SymbolService service(symbols, opened->crashes.get(),
                                  config.symbols);
    auto r = service.uploader().UploadSym(got->path, got->text);
    if (lock.ok()) ::close(lock.value());
    if (!r.ok()) return Error(r.status().ToString(), 1);
    return Print(*r);
  }
  const std::string& url = command.url;
  httpclient::HttpClient http(600000);
  auto r = http.Post(url + "/upload/", got->text,
                     WithToken({"Content-Type: text/plain"}, command.token));
  if (!r.ok())
    return Error(fmt::format("the server at {} does not answer: {}", url,
                             r.status().message()),
                 1);
  return Print(FromJson(r->body, got->path));
}

}  // namespace

int Symbols(const config::Config& config, const SymbolsCommand& command) {
  if (command.action == "upload") return Upload(config, command);
  if (command.action == "list") return List(config, command);
  if (command.action == "missing") return Missing(config, command);
  if (command.action == "fetch") return Fetch(config, command);
  return Error(fmt::format("unknown action '{}'", command.action), 2);
}

}  // namespace crashbox::run
