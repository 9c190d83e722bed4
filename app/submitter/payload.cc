// SPDX-License-Identifier: MPL-2.0
#include "app/submitter/payload.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace crashbox::submitter {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::string> ReadFile(const fs::path& p, const LoadLimits& limits) {
  std::error_code ec;
  uintmax_t size = fs::file_size(p, ec);
  if (ec)
    return Status::NotFound(fmt::format("{}: {}", p.string(), ec.message()));
  if (size > limits.max_file_bytes) {
    return Status::LimitExceeded(
        fmt::format("{}: {} bytes exceeds the limit of {}", p.string(), size,
                    limits.max_file_bytes));
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open", p.string()));
  std::string out(size, '\0');
  in.read(out.data(), static_cast<std::streamsize>(size));
  if (!in) return Status::IoError(fmt::format("{}: read failed", p.string()));
  return out;
}

Result<json> ReadJsonObject(const fs::path& p, const LoadLimits& limits) {
  CB_ASSIGN_OR_RETURN(std::string text, ReadFile(p, limits));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Corrupt(fmt::format("{}: not a JSON object", p.string()));
  return j;
}

void DropCollectorFields(json& raw) {
  for (const char* k : {"metadata", "submitted_timestamp", "version", "uuid"})
    raw.erase(k);
}

// A dump with annotations beside it or in ../meta/.
Result<CrashPayload> FromDump(const fs::path& dump, const LoadLimits& limits) {
  CrashPayload p;
  p.source = dump.string();
  CB_ASSIGN_OR_RETURN(std::string bytes, ReadFile(dump, limits));
  p.dumps.emplace_back("upload_file_minidump", std::move(bytes));
  for (const fs::path& meta : {fs::path(dump).replace_extension(".json"),
                               dump.parent_path().parent_path() / "meta" /
                                   (dump.stem().string() + ".json")}) {
    if (fs::exists(meta)) {
      CB_ASSIGN_OR_RETURN(p.annotations, ReadJsonObject(meta, limits));
      break;
    }
  }
  return p;
}

// One crash of a bucket-shaped tree: raw crash JSON, names, dumps.
Result<CrashPayload> FromRawCrash(
    const fs::path& raw_path, const fs::path& names_path,
    const std::function<fs::path(const std::string&)>& dump_path,
    const LoadLimits& limits) {
  CrashPayload p;
  p.source = raw_path.string();
  CB_ASSIGN_OR_RETURN(p.annotations, ReadJsonObject(raw_path, limits));
  DropCollectorFields(p.annotations);
  std::vector<std::string> names;
  if (fs::exists(names_path)) {
    CB_ASSIGN_OR_RETURN(std::string text, ReadFile(names_path, limits));
    json j = json::parse(text, nullptr, false);
    if (!j.is_array())
      return Status::Corrupt(
          fmt::format("{}: not a JSON list", names_path.string()));
    for (const json& n : j) {
      if (n.is_string()) names.push_back(n.get<std::string>());
    }
  }
  for (const std::string& name : names) {
    CB_ASSIGN_OR_RETURN(std::string bytes, ReadFile(dump_path(name), limits));
    p.dumps.emplace_back(name, std::move(bytes));
  }
  return p;
}

Result<std::vector<CrashPayload>> FromDirectory(const fs::path& dir,
                                                const LoadLimits& limits) {
  std::vector<CrashPayload> out;
  std::error_code ec;
  // Socorro's bucket layout.
  if (fs::is_directory(dir / "v1" / "raw_crash", ec)) {
    std::vector<fs::path> raws;
    for (auto it =
             fs::recursive_directory_iterator(dir / "v1" / "raw_crash", ec);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) raws.push_back(it->path());
    }
    std::sort(raws.begin(), raws.end());
    for (const fs::path& raw : raws) {
      std::string id = raw.filename().string();
      auto dump_path = [&](const std::string& name) {
        return dir / "v1" / (name == "upload_file_minidump" ? "dump" : name) /
               id;
      };
      CB_ASSIGN_OR_RETURN(
          CrashPayload p,
          FromRawCrash(raw, dir / "v1" / "dump_names" / id, dump_path, limits));
      out.push_back(std::move(p));
    }
    return out;
  }
  // Antenna's filesystem layout: <date>/raw_crash/<id>.json.
  std::vector<fs::path> dumps;
  std::vector<fs::path> antenna_raws;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    const fs::path& p = it->path();
    if (p.parent_path().filename() == "raw_crash" && p.extension() == ".json")
      antenna_raws.push_back(p);
    else if (p.extension() == ".dmp")
      dumps.push_back(p);
    if (antenna_raws.size() + dumps.size() > limits.max_crashes_per_dir) {
      return Status::LimitExceeded(fmt::format("{}: more than {} crashes",
                                               dir.string(),
                                               limits.max_crashes_per_dir));
    }
  }
  std::sort(antenna_raws.begin(), antenna_raws.end());
  for (const fs::path& raw : antenna_raws) {
    fs::path date_dir = raw.parent_path().parent_path();
    std::string id = raw.stem().string();
    auto dump_path = [&](const std::string& name) {
      return date_dir / name / id;
    };
    CB_ASSIGN_OR_RETURN(
        CrashPayload p,
        FromRawCrash(raw, date_dir / "dump_names" / (id + ".json"), dump_path,
                     limits));
    out.push_back(std::move(p));
  }
  if (!antenna_raws.empty()) return out;
  std::sort(dumps.begin(), dumps.end());
  for (const fs::path& d : dumps) {
    CB_ASSIGN_OR_RETURN(CrashPayload p, FromDump(d, limits));
    out.push_back(std::move(p));
  }
  if (out.empty())
    return Status::InvalidArgument(
        fmt::format("{}: no crash reports found", dir.string()));
  return out;
}

}  // namespace

Result<std::vector<CrashPayload>> LoadPayloads(const std::string& path,
                                               const LoadLimits& limits) {
  fs::path p(path);
  std::error_code ec;
  if (!fs::exists(p, ec))
    return Status::NotFound(fmt::format("{}: no such file or directory", path));
  if (fs::is_directory(p, ec)) return FromDirectory(p, limits);
  if (p.extension() == ".json") {
    fs::path dump = fs::path(p).replace_extension(".dmp");
    if (!fs::exists(dump))
      dump = p.parent_path().parent_path() / "dumps" /
             (p.stem().string() + ".dmp");
    if (!fs::exists(dump)) {
      CrashPayload only;
      only.source = path;
      CB_ASSIGN_OR_RETURN(only.annotations, ReadJsonObject(p, limits));
      DropCollectorFields(only.annotations);
      return std::vector<CrashPayload>{std::move(only)};
    }
    CB_ASSIGN_OR_RETURN(CrashPayload payload, FromDump(dump, limits));
    CB_ASSIGN_OR_RETURN(payload.annotations, ReadJsonObject(p, limits));
    return std::vector<CrashPayload>{std::move(payload)};
  }
  CB_ASSIGN_OR_RETURN(CrashPayload payload, FromDump(p, limits));
  return std::vector<CrashPayload>{std::move(payload)};
}

}  // namespace crashbox::submitter
