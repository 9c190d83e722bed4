// SPDX-License-Identifier: MPL-2.0
#include "app/config/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/strings.h"
#include "app/collector/throttler.h"
#include "app/symbols/suppliers/upstream_supplier.h"

extern char** environ;

namespace crashbox::config {
namespace {

using Apply = std::function<Status(Config&, const std::string&)>;

struct Setting {
  SettingInfo info;
  Apply apply;
};

Status BadValue(const std::string& what) {
  return Status::InvalidArgument(what);
}

Apply Bytes(uint64_t* (*field)(Config&)) {
  return [field](Config& c, const std::string& v) -> Status {
    std::optional<uint64_t> n = base::ParseByteSize(v);
    if (!n)
      return BadValue(
          fmt::format("'{}' is not a size (like 25MiB, 8KiB, 4096)", v));
    *field(c) = *n;
    return Status::Ok();
  };
}

template <typename T>
Apply Int(T* (*field)(Config&), int64_t min, int64_t max) {
  return [field, min, max](Config& c, const std::string& v) -> Status {
    std::optional<int64_t> n = base::ParseInt(base::Trim(v));
    if (!n || *n < min || *n > max)
      return BadValue(
          fmt::format("'{}' is not a whole number within {}..{}", v, min, max));
    *field(c) = static_cast<T>(*n);
    return Status::Ok();
  };
}

Status ParseBool(const std::string& v, bool* out) {
  std::string l = base::ToLower(base::Trim(v));
  if (l == "true" || l == "1" || l == "yes")
    *out = true;
  else if (l == "false" || l == "0" || l == "no")
    *out = false;
  else
    return BadValue(fmt::format("'{}' is not true or false", v));
  return Status::Ok();
}

Apply Str(std::string* (*field)(Config&)) {
  return [field](Config& c, const std::string& v) -> Status {
    *field(c) = v;
    return Status::Ok();
  };
}

const std::vector<Setting>& Table() {
  static const std::vector<Setting> kTable = {
      {{"CRASHBOX_DATA_DIR", "--data-dir", "./var",
        "directory of the crash store and search index"},
       Str([](Config& c) { return &c.data_dir; })},
      {{"CRASHBOX_LISTEN", "--listen", "127.0.0.1:8888",
        "HTTP address host:port; port 0 picks a free port"},
       Str([](Config& c) { return &c.http.listen; })},
      {{"CRASHBOX_LOG_LEVEL", "--log-level", "info",
        "debug, info, warning, error or off"},
       [](Config& c, const std::string& v) -> Status {
         base::LogLevel level;
         if (!base::ParseLogLevel(v, &level))
           return BadValue(fmt::format(
               "'{}' is not one of debug, info, warning, error, off", v));
         c.log_level = v;
         return Status::Ok();
       }},
      {{"CRASHBOX_THROTTLE_RULES", "--throttle-rules", "accept_all",
        "throttle rules: a preset (accept_all, mozilla) or a path to a rules "
        "JSON file"},
       Str([](Config& c) { return &c.throttle_rules; })},
      {{"CRASHBOX_STAGE_SUBMITTER_TOKEN", "--stage-submitter-token", "",
        "bearer token a client must send to choose its own crash id (uuid); "
        "empty = nobody may",
        true},
       Str([](Config& c) { return &c.collector.stage_submitter_token; })},
      {{"CRASHBOX_SYMBOLS_PATH", "--symbols-path", "",
        "symbol directories in the symbol-server layout, ':'-separated"},
       [](Config& c, const std::string& v) -> Status {
         c.symbols_paths.clear();
         for (std::string_view p : base::Split(v, ':')) {
           if (!p.empty()) c.symbols_paths.emplace_back(p);
         }
         return Status::Ok();
       }},
      {{"CRASHBOX_SYMBOLS_MAX_UPLOAD_BYTES", "--symbols-max-upload-bytes",
        "2GiB",
        "largest symbol upload (zip or .sym) accepted over HTTP, as sent (413 "
        "above)"},
       Bytes([](Config& c) { return &c.symbols.max_upload_bytes; })},
      {{"CRASHBOX_SYMBOLS_MAX_FILE_BYTES", "--symbols-max-file-bytes", "2GiB",
        "largest single .sym file, uncompressed; larger zip members are "
        "rejected"},
       [](Config& c, const std::string& v) -> Status {
         std::optional<uint64_t> n = base::ParseByteSize(v);
         if (!n || *n < 1)
           return BadValue(fmt::format("'{}' is not a size (like 2GiB)", v));
         c.symbols.upload.max_sym_bytes = c.symbols.upload.zip.max_entry_bytes =
             c.symbols.upstream.max_sym_bytes = *n;
         return Status::Ok();
       }},
      {{"CRASHBOX_SYMBOLS_MAX_ZIP_TOTAL_BYTES", "--symbols-max-zip-total-bytes",
        "8GiB",
        "most uncompressed bytes in one symbols zip (the whole upload is "
        "refused above)"},
       Bytes([](Config& c) { return &c.symbols.upload.zip.max_total_bytes; })},
      {{"CRASHBOX_SYMBOLS_MAX_ZIP_ENTRIES", "--symbols-max-zip-entries",
        "100000", "most members in one symbols zip"},
       Int<uint64_t>(
           [](Config& c) { return &c.symbols.upload.zip.max_entries; }, 1,
           10000000)},
      {{"CRASHBOX_SYMBOLS_REPROCESS_ON_UPLOAD", "--symbols-reprocess-on-upload",
        "true",
        "when symbols a crash lacked are uploaded, queue that crash for "
        "reprocessing"},
       [](Config& c, const std::string& v) -> Status {
         return ParseBool(v, &c.symbols.reprocess_on_upload);
       }},
      {{"CRASHBOX_SYMBOLS_UPSTREAM_URLS", "--symbols-upstream-urls", "",
        "symbol servers (http/https base URLs, space- or comma-separated) "
        "asked for symbols on a miss; empty = none"},
       [](Config& c, const std::string& v) -> Status {
         c.symbols.upstream.urls.clear();
         std::string s = v;
         std::replace(s.begin(), s.end(), ',', ' ');
         for (std::string_view u : base::Split(s, ' ')) {
           if (u.empty()) continue;
           CB_RETURN_IF_ERROR(symbols::CheckUpstreamUrl(std::string(u), {}));
           c.symbols.upstream.urls.emplace_back(u);
         }
         return Status::Ok();
       }},
      {{"CRASHBOX_SYMBOLS_UPSTREAM_ALLOWED_HOSTS",
        "--symbols-upstream-allowed-hosts", "",
        "if set, symbol servers may only be on these hosts (comma-separated)"},
       [](Config& c, const std::string& v) -> Status {
         c.symbols.upstream.allowed_hosts.clear();
         for (std::string_view h : base::Split(v, ',')) {
           if (!base::Trim(h).empty())
             c.symbols.upstream.allowed_hosts.emplace_back(base::Trim(h));
         }
         return Status::Ok();
       }},
      {{"CRASHBOX_SYMBOLS_UPSTREAM_TIMEOUT_MS", "--symbols-upstream-timeout-ms",
        "30000", "time for one symbol download from a symbol server"},
       Int<long>([](Config& c) { return &c.symbols.upstream.timeout_ms; }, 100,
                 3600000)},
      {{"CRASHBOX_SYMBOLS_UPSTREAM_MISS_SECONDS",
        "--symbols-upstream-miss-seconds", "3600",
        "a module no symbol server had is not asked for again for this long"},
       [](Config& c, const std::string& v) -> Status {
         std::optional<int64_t> n = base::ParseInt(base::Trim(v));
         if (!n || *n < 0 || *n > 86400 * 30)
           return BadValue(
               fmt::format("'{}' is not a whole number within 0..2592000", v));
         c.symbols.upstream.miss_ttl = std::chrono::seconds(*n);
         return Status::Ok();
       }},
      {{"CRASHBOX_SYMBOLS_MAX_CONCURRENT_UPLOADS",
        "--symbols-max-concurrent-uploads", "2",
        "symbol uploads received at once (each is held in memory); more answer "
        "503"},
       Int<int>([](Config& c) { return &c.symbols.max_concurrent_uploads; }, 1,
                1024)},
      {{"CRASHBOX_SYMBOLS_MAX_CONCURRENT_DOWNLOADS",
        "--symbols-max-concurrent-downloads", "16",
        "symbol downloads sent at once (each streams; a stored text holds a "
        "compressed copy); more answer 503"},
       Int<int>([](Config& c) { return &c.symbols.max_concurrent_downloads; },
                1, 100000)},
      {{"CRASHBOX_SYMBOLS_MAX_ZIP_RATIO", "--symbols-max-zip-ratio", "200",
        "zip members compressed more than this many times are rejected (zip "
        "bombs)"},
       Int<uint64_t>([](Config& c) { return &c.symbols.upload.zip.max_ratio; },
                     1, 100000)},
      {{"CRASHBOX_SIGLISTS", "--siglists", "",
        "directory of Socorro-format signature lists (signature_sentinels.txt, "
        "irrelevant_signature_re.txt, prefix_signature_re.txt, "
        "signatures_with_line_numbers_re.txt); empty = built-in lists"},
       Str([](Config& c) { return &c.siglists_dir; })},
      {{"CRASHBOX_MOZILLA_SIGNATURE_RULES", "--mozilla-signature-rules",
        "false",
        "also run the signature rules keyed on Firefox-only annotations (for "
        "Socorro-identical signatures)"},
       [](Config& c, const std::string& v) -> Status {
         return ParseBool(v, &c.mozilla_signature_rules);
       }},
      {{"CRASHBOX_PROCESSOR_WORKERS", "--processor-workers", "0",
        "crash processing threads; 0 = one per core, -1 = do not process on "
        "this node"},
       Int<int>([](Config& c) { return &c.processor_workers; }, -1, 1024)},
      {{"CRASHBOX_PROCESSING_DEADLINE_SECONDS", "--processing-deadline-seconds",
        "60",
        "a crash is processed within this time; the stack walk stops there "
        "with a note"},
       Int<std::chrono::seconds>(
           [](Config& c) { return &c.processing_deadline; }, 1, 3600)},
      {{"CRASHBOX_MAX_BODY_BYTES", "--max-body-bytes", "25MiB",
        "largest crash report body accepted, as sent (413 above)"},
       Bytes([](Config& c) { return &c.collector.max_body_bytes; })},
      {{"CRASHBOX_MAX_DECOMPRESSED_BYTES", "--max-decompressed-bytes", "250MiB",
        "largest gzip-decompressed body (413 above)"},
       Bytes([](Config& c) { return &c.collector.max_decompressed_bytes; })},
      {{"CRASHBOX_MAX_TEXT_ANNOTATION_BYTES", "--max-text-annotation-bytes",
        "20MiB", "larger text annotations are dropped with a note"},
       Bytes([](Config& c) { return &c.collector.max_text_annotation_bytes; })},
      {{"CRASHBOX_MAX_PARTS", "--max-parts", "1000",
        "most multipart parts in one crash report"},
       Int<size_t>([](Config& c) { return &c.collector.max_parts; }, 1,
                   1000000)},
      {{"CRASHBOX_MAX_PART_HEADER_BYTES", "--max-part-header-bytes", "8KiB",
        "largest header block of one multipart part"},
       [](Config& c, const std::string& v) -> Status {
         std::optional<uint64_t> n = base::ParseByteSize(v);
         if (!n || *n < 64 || *n > (1u << 20))
           return BadValue(
               fmt::format("'{}' is not a size within 64..1MiB", v));
         c.collector.max_part_header_bytes = *n;
         return Status::Ok();
       }},
      {{"CRASHBOX_MAX_INFLIGHT_BYTES", "--max-inflight-bytes", "2GiB",
        "memory for crash reports being received at once (503 beyond)"},
       Bytes([](Config& c) { return &c.max_inflight_bytes; })},
      {{"CRASHBOX_MAX_EXTRA_JSON_BYTES", "--max-extra-json-bytes", "8MiB",
        "largest JSON extra part of a crash report "
        "(Discarded=malformed_json_too_large above)"},
       Bytes([](Config& c) { return &c.collector.max_extra_json_bytes; })},
      {{"CRASHBOX_MAX_EXTRA_JSON_VALUES", "--max-extra-json-values", "100000",
        "most values (null, number, string, array, object) in the JSON extra "
        "part (Discarded=malformed_json_too_many_values above)"},
       Int<uint64_t>(
           [](Config& c) { return &c.collector.max_extra_json_values; }, 1,
           1000000000000)},
      {{"CRASHBOX_PROCESSOR_MAX_RAW_CRASH_BYTES",
        "--processor-max-raw-crash-bytes", "32MiB",
        "a raw crash document longer than this is kept but not processed (its "
        "processed crash has a note)"},
       Bytes([](Config& c) { return &c.processor_max_raw_crash_bytes; })},
      {{"CRASHBOX_RETRY_AFTER_SECONDS", "--retry-after-seconds", "60",
        "Retry-After sent with 503 answers"},
       Int<int>([](Config& c) { return &c.collector.retry_after_seconds; }, 1,
                86400)},
      {{"CRASHBOX_HTTP_THREADS", "--http-threads", "0",
        "HTTP workers: they run handlers on complete requests (slow clients "
        "hold none); 0 = 4 per core"},
       Int<int>([](Config& c) { return &c.http.num_threads; }, 0, 4096)},
      {{"CRASHBOX_REQUEST_TIMEOUT_MS", "--request-timeout-ms", "30000",
        "a request body or an answer that makes no progress this long is "
        "dropped"},
       Int<int>([](Config& c) { return &c.http.request_timeout_ms; }, 100,
                3600000)},
      {{"CRASHBOX_HEADER_TIMEOUT_MS", "--header-timeout-ms", "10000",
        "request line and headers must arrive within this time (408 beyond)"},
       Int<std::chrono::milliseconds>(
           [](Config& c) { return &c.http.header_timeout; }, 100, 3600000)},
      {{"CRASHBOX_KEEP_ALIVE_TIMEOUT_MS", "--keep-alive-timeout-ms", "10000",
        "an idle kept-alive connection is closed after this long"},
       Int<std::chrono::milliseconds>(
           [](Config& c) { return &c.http.keep_alive_timeout; }, 0, 3600000)},
      {{"CRASHBOX_MIN_RATE_BYTES", "--min-rate-bytes", "1KiB",
        "after the grace period a body or answer must average this many "
        "bytes/s (0 = off)"},
       Bytes([](Config& c) { return &c.http.min_rate_bytes_per_second; })},
      {{"CRASHBOX_MIN_RATE_GRACE_SECONDS", "--min-rate-grace-seconds", "10",
        "time before the minimum rate applies"},
       Int<std::chrono::seconds>(
           [](Config& c) { return &c.http.min_rate_grace; }, 0, 86400)},
      {{"CRASHBOX_MAX_CONNECTIONS_PER_ADDRESS", "--max-connections-per-address",
        "64",
        "open connections from one client address (503 beyond); trusted "
        "proxies are exempt"},
       Int<int>([](Config& c) { return &c.http.max_connections_per_address; },
                1, 1000000)},
      {{"CRASHBOX_MAX_CONNECTIONS", "--max-connections", "4096",
        "open connections in all (503 beyond)"},
       Int<int>([](Config& c) { return &c.http.max_connections; }, 16,
                1000000)},
      {{"CRASHBOX_MAX_HEADER_BYTES", "--max-header-bytes", "16KiB",
        "request line and headers together (431 beyond)"},
       [](Config& c, const std::string& v) -> Status {
         std::optional<uint64_t> n = base::ParseByteSize(v);
         if (!n || *n < 1024 || *n > (1u << 20))
           return BadValue(
               fmt::format("'{}' is not a size within 1KiB..1MiB", v));
         c.http.max_header_bytes = *n;
         return Status::Ok();
       }},
      {{"CRASHBOX_TRUSTED_PROXIES", "--trusted-proxies", "",
        "addresses of reverse proxies whose X-Forwarded-For / X-Real-IP name "
        "the client (comma-separated)"},
       [](Config& c, const std::string& v) -> Status {
         c.http.trusted_proxies.clear();
         for (std::string_view a : base::Split(v, ',')) {
           if (!base::Trim(a).empty())
             c.http.trusted_proxies.emplace_back(base::Trim(a));
         }
         return Status::Ok();
       }},
      {{"CRASHBOX_AUTH", "--auth", "on",
        "on: accounts, sessions and API tokens decide who sees what; off: "
        "everything is allowed to everyone (refused unless the server listens "
        "on loopback only)"},
       [](Config& c, const std::string& v) -> Status {
         std::string l = base::ToLower(v);
         if (l != "on" && l != "off")
           return BadValue(fmt::format("'{}' is not on or off", v));
         c.auth.enabled = l == "on";
         return Status::Ok();
       }},
      {{"CRASHBOX_AUTH_PROXY_HEADER", "--auth-proxy-header", "",
        "a header naming the signed-in user, set by a single sign-on proxy "
        "(e.g. X-Forwarded-User); read only from "
        "CRASHBOX_AUTH_PROXY_ADDRESSES"},
       [](Config& c, const std::string& v) -> Status {
         c.auth.proxy_header = std::string(base::Trim(v));
         return Status::Ok();
       }},
      {{"CRASHBOX_AUTH_PROXY_ADDRESSES", "--auth-proxy-addresses", "",
        "addresses of the sign-on proxies whose user header is believed "
        "(comma-separated)"},
       [](Config& c, const std::string& v) -> Status {
         c.auth.proxy_addresses.clear();
         for (std::string_view a : base::Split(v, ',')) {
           if (!base::Trim(a).empty())
             c.auth.proxy_addresses.emplace_back(base::Trim(a));
         }
         return Status::Ok();
       }},
      {{"CRASHBOX_API_RATE_ANONYMOUS", "--api-rate-anonymous", "100",
        "API requests per minute from one address without an account (429 "
        "beyond; loopback clients are not limited; 0 = no limit)"},
       Int<int>([](Config& c) { return &c.auth.api_rate_anonymous; }, 0,
                1000000)},
      {{"CRASHBOX_API_RATE_AUTHENTICATED", "--api-rate-authenticated", "1000",
        "API requests per minute per token or signed-in user (0 = no limit)"},
       Int<int>([](Config& c) { return &c.auth.api_rate_authenticated; }, 0,
                1000000)},
      {{"CRASHBOX_BODY_DEADLINE_SECONDS", "--body-deadline-seconds", "300",
        "a request body must arrive within this time in total"},
       Int<std::chrono::seconds>(
           [](Config& c) { return &c.http.body_deadline; }, 1, 86400)},
      {{"CRASHBOX_STORE_INITIAL_MAP_BYTES", "--store-initial-map-bytes",
        "64GiB",
        "initial LMDB map size: address space, not disk; it doubles when full"},
       Bytes([](Config& c) { return &c.store.initial_map_bytes; })},
      {{"CRASHBOX_STORE_MAX_BYTES", "--store-max-bytes", "0",
        "bound on the crash store's size; 0 = the disk is the bound"},
       Bytes([](Config& c) { return &c.store.max_map_bytes; })},
      {{"CRASHBOX_STORE_SYNC", "--store-sync", "true",
        "fsync every commit (false only for throwaway data)"},
       [](Config& c, const std::string& v) -> Status {
         return ParseBool(v, &c.store.sync);
       }},
  };
  return kTable;
}

struct Source {
  std::string value;
  std::string origin;
};

Status ReadEnvFile(const std::filesystem::path& path, const std::string& label,
                   std::map<std::string, Source>* out) {
  std::ifstream in(path);
  if (!in)
    return Status::InvalidArgument(
        fmt::format("cannot read config file {}", path.string()));
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno > 100000)
      return Status::InvalidArgument(fmt::format("{}: too many lines", label));
    std::string_view l = base::Trim(line);
    if (l.empty() || l[0] == '#') continue;
    if (l.starts_with("export ")) l = base::Trim(l.substr(7));
    size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: expected KEY=value", label, lineno));
    }
    std::string key(base::Trim(l.substr(0, eq)));
    std::string_view value = base::Trim(l.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    bool known = false;
    for (const Setting& s : Table()) known |= s.info.key == key;
    if (!known)
      return Status::InvalidArgument(
          fmt::format("{}:{}: unknown setting {}", label, lineno, key));
    (*out)[key] =
        Source{std::string(value), fmt::format("{}:{}", label, lineno)};
  }
  return Status::Ok();
}

}  // namespace

const std::vector<SettingInfo>& AllSettings() {
  static const std::vector<SettingInfo> kInfos = [] {
    std::vector<SettingInfo> v;
    for (const Setting& s : Table()) v.push_back(s.info);
    return v;
  }();
  return kInfos;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv = *e;
    if (!kv.starts_with("CRASHBOX_")) continue;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    out[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return out;
}

Result<Config> LoadConfig(const LoadInputs& inputs) {
  std::map<std::string, Source> chosen;
  for (const Setting& s : Table())
    chosen[s.info.key] = Source{s.info.default_value, "default"};

  std::filesystem::path wd = inputs.working_dir;
  if (!inputs.config_file.empty()) {
    CB_RETURN_IF_ERROR(
        ReadEnvFile(inputs.config_file, inputs.config_file, &chosen));
  } else if (std::filesystem::exists(wd / "crashbox.env")) {
    CB_RETURN_IF_ERROR(
        ReadEnvFile(wd / "crashbox.env", "crashbox.env", &chosen));
  }
  if (std::filesystem::exists(wd / "my.env"))
    CB_RETURN_IF_ERROR(ReadEnvFile(wd / "my.env", "my.env", &chosen));
  for (const auto& [k, v] : inputs.env) {
    if (chosen.count(k)) {
      chosen[k] = Source{v, "env"};
    } else if (k != "CRASHBOX_CONFIG") {
      CB_LOG_WARNING("config: ignoring unknown environment variable {}", k);
    }
  }
  for (const auto& [k, v] : inputs.flags) {
    if (!chosen.count(k))
      return Status::InvalidArgument(fmt::format("unknown setting {}", k));
    chosen[k] = Source{v, "flag"};
  }

  Config config;
  for (const Setting& s : Table()) {
    const Source& src = chosen[s.info.key];
    if (Status st = s.apply(config, src.value); !st.ok()) {
      return Status::InvalidArgument(fmt::format("{} ({} from {}): {}",
                                                 s.info.key, s.info.flag,
                                                 src.origin, st.message()));
    }
    std::string shown =
        s.info.secret && !src.value.empty() ? "********" : src.value;
    config.effective.push_back(Config::Entry{s.info.key, shown, src.origin});
  }

  // Cross-field checks and derived values.
  if (config.data_dir.empty())
    return Status::InvalidArgument("CRASHBOX_DATA_DIR must not be empty");
  if (config.http.listen.find(':') == std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "CRASHBOX_LISTEN '{}' must be host:port", config.http.listen));
  }
  if (!config.auth.enabled) {
    std::string_view host = config.http.listen;
    host = host.substr(0, host.rfind(':'));
    bool loopback =
        host.starts_with("127.") || host == "[::1]" || host == "localhost";
    if (!loopback)
      return Status::InvalidArgument(fmt::format(
          "CRASHBOX_AUTH=off lets anyone read every crash and change "
          "anything: it is allowed only when CRASHBOX_LISTEN is a loopback "
          "address (127.0.0.1, [::1], localhost), not '{}'",
          config.http.listen));
  }
  if (config.auth.proxy_header.empty() != config.auth.proxy_addresses.empty())
    return Status::InvalidArgument(
        "CRASHBOX_AUTH_PROXY_HEADER and CRASHBOX_AUTH_PROXY_ADDRESSES go "
        "together: the header is believed only from those addresses");
  if (config.collector.max_decompressed_bytes <
      config.collector.max_body_bytes) {
    return Status::InvalidArgument(
        "CRASHBOX_MAX_DECOMPRESSED_BYTES must be at least "
        "CRASHBOX_MAX_BODY_BYTES");
  }
  config.store.path =
      (std::filesystem::path(config.data_dir) / "store").string();
  if (Result<std::string> preset =
          collector::Throttler::Preset(config.throttle_rules);
      preset.ok()) {
    config.throttle_rules_json = preset.value();
  } else {
    std::ifstream in(config.throttle_rules);
    if (!in) {
      return Status::InvalidArgument(
          fmt::format("CRASHBOX_THROTTLE_RULES '{}' is neither a preset "
                      "(accept_all, mozilla) nor a readable file",
                      config.throttle_rules));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    config.throttle_rules_json = ss.str();
  }
  base::SystemClock clock;
  if (auto t = collector::Throttler::Make(config.throttle_rules_json, clock);
      !t.ok()) {
    return t.status().WithContext(
        fmt::format("CRASHBOX_THROTTLE_RULES '{}'", config.throttle_rules));
  }
  return config;
}

std::string FormatEffective(const Config& config) {
  std::string out;
  for (const auto& e : config.effective)
    out += fmt::format("{}={}  ({})\n", e.key, e.value, e.source);
  return out;
}

}  // namespace crashbox::config
