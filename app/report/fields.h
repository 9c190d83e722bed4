// SPDX-License-Identifier: MPL-2.0
// The processed crash's field table: every field crashbox writes into a
// processed crash (and the raw-crash annotation each one is read from), with
// its type, its path in the processed crash, whether it is protected
// (Socorro's permissions_needed: only users allowed to see personal data get
// it) and which step produces it. One table: the processor's rules write by
// it, the store serializes what they wrote, and search, API redaction and the
// UI read it (AllFields(), FindField(), FieldSpec::JsonPointer()).
//
// Paths are dotted from the processed crash's root (`json_dump.crash_info.
// address`); `[]` marks the elements of an array (`json_dump.modules[].
// debug_id`), whose fields are read inside each element (FieldSpec::key()).
//
// Code names a field through its typed handle (`report::kSignature`, a
// Field<std::string>), never through a string literal: processed_crash.h
// reads and writes a field by its handle, with the handle's C++ type.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crashbox::report {

// The JSON type of a field's value (Socorro's schema types). kJson: any value
// (an object such as json_dump, or a value copied as the walker gave it).
enum class FieldType : uint8_t {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kObject,
  kArray,
  kJson
};

enum class Permission : uint8_t {
  kPublic,     // anyone who may see the crash
  kProtected,  // personal data: users with the view-PII permission only
};

// Which step produces the field.
enum class FieldSource : uint8_t {
  kAnnotation,  // copied from the raw crash by the annotation table
  kRule,        // computed by a processor rule (maybe from an annotation)
  kStackWalk,   // the stack walk of the minidump (json_dump and its facts)
  kPipeline,    // the processing pipeline itself (ids, times, notes)
};

struct FieldSpec {
  std::string_view name;  // unique; the path for nested fields
  std::string_view path;  // dotted path in the processed crash
  FieldType type;
  bool nullable;  // null is a valid value ("integer/null" in Socorro)
  Permission permission;
  FieldSource source;
  // The raw-crash annotation the field is copied or computed from ("" none).
  std::string_view annotation;
  // JSON text of the value written when the annotation is absent ("" none).
  std::string_view default_json;

  bool is_protected() const { return permission == Permission::kProtected; }
  // The last path segment: the key in the object that holds the field.
  std::string_view key() const;
  // RFC 6901 pointer from the processed crash's root ("/json_dump/
  // crash_info/address"); "" for fields inside array elements.
  std::string JsonPointer() const;
  // True for fields read inside array elements (a `[]` in the path).
  bool in_array() const { return path.find("[]") != std::string_view::npos; }
};

// The C++ type a field's handle reads and writes.
template <FieldType>
struct CppTypeOf {
  using type = nlohmann::json;
};
template <>
struct CppTypeOf<FieldType::kString> {
  using type = std::string;
};
template <>
struct CppTypeOf<FieldType::kInteger> {
  using type = int64_t;
};
template <>
struct CppTypeOf<FieldType::kNumber> {
  using type = double;
};
template <>
struct CppTypeOf<FieldType::kBoolean> {
  using type = bool;
};

// A typed handle on one row of the table.
template <typename T>
class Field {
 public:
  constexpr explicit Field(const FieldSpec* spec) : spec_(spec) {}
  constexpr const FieldSpec& spec() const { return *spec_; }
  std::string_view name() const { return spec_->name; }
  // The key in the enclosing object, as a string for nlohmann's lookups.
  std::string key() const { return std::string(spec_->key()); }
  std::string_view annotation() const { return spec_->annotation; }

 private:
  const FieldSpec* spec_;
};

// Every field, in table order (the annotation fields in the order the
// copy_annotations rule copies them).
std::span<const FieldSpec> AllFields();
// The field named `name`, or null.
const FieldSpec* FindField(std::string_view name);

std::string_view FieldTypeName(FieldType type);
std::string_view FieldSourceName(FieldSource source);

// Typed handles of the fields code names (defined with the table, in
// fields.cc; a handle whose name or type disagrees with its row does not
// compile).
// The processing pipeline.
extern const Field<std::string> kCrashId;
extern const Field<std::string> kUuid;
extern const Field<bool> kSuccess;
extern const Field<std::string> kStartedDatetime;
extern const Field<std::string> kCompletedDatetime;
extern const Field<std::string> kProcessorNotes;
extern const Field<nlohmann::json> kProcessorHistory;
// Raw-crash rules.
extern const Field<nlohmann::json> kCrashReportKeys;
extern const Field<nlohmann::json> kCollectorMetadata;
extern const Field<std::string> kMinidumpSha256Hash;
// Stack walk.
extern const Field<std::string> kStackwalkVersion;
extern const Field<int64_t> kMdswReturnCode;
extern const Field<std::string> kMdswStatusString;
extern const Field<std::string> kMdswStderr;
extern const Field<nlohmann::json> kJsonDump;
extern const Field<nlohmann::json> kAdditionalMinidumps;
extern const Field<nlohmann::json> kCrashingThread;
extern const Field<nlohmann::json> kCrashingThreadName;
extern const Field<std::string> kReason;
extern const Field<nlohmann::json> kAddress;
extern const Field<nlohmann::json> kThreadCount;
// Inside json_dump (rust-minidump's schema, app/stackwalk/printers).
extern const Field<std::string> kJsonDumpStatus;
extern const Field<nlohmann::json> kJsonDumpSystemInfo;
extern const Field<std::string> kJsonDumpOs;
extern const Field<std::string> kJsonDumpOsVer;
extern const Field<std::string> kJsonDumpCpuArch;
extern const Field<nlohmann::json> kJsonDumpCpuInfo;
extern const Field<int64_t> kJsonDumpCpuCount;
extern const Field<nlohmann::json> kJsonDumpCpuMicrocodeVersion;
extern const Field<nlohmann::json> kJsonDumpCrashInfo;
extern const Field<nlohmann::json> kJsonDumpCrashType;
extern const Field<nlohmann::json> kJsonDumpCrashAddress;
extern const Field<nlohmann::json> kJsonDumpCrashingThreadIndex;
extern const Field<nlohmann::json> kJsonDumpCrashingThread;
extern const Field<nlohmann::json> kJsonDumpThreadName;
extern const Field<nlohmann::json> kJsonDumpThreads;
extern const Field<nlohmann::json> kJsonDumpFrames;
extern const Field<nlohmann::json> kJsonDumpThreadCount;
extern const Field<nlohmann::json> kJsonDumpLsbRelease;
extern const Field<std::string> kJsonDumpLsbDescription;
extern const Field<nlohmann::json> kJsonDumpModules;
extern const Field<std::string> kModuleFilename;
extern const Field<std::string> kModuleDebugFile;
extern const Field<std::string> kModuleDebugId;
extern const Field<std::string> kModuleCodeId;
extern const Field<nlohmann::json> kModuleVersion;
extern const Field<bool> kModuleMissingSymbols;
extern const Field<nlohmann::json> kFrameModule;
extern const Field<nlohmann::json> kFrameFunction;
extern const Field<nlohmann::json> kFrameFile;
extern const Field<nlohmann::json> kFrameInlines;
extern const Field<nlohmann::json> kInlineFile;
extern const Field<nlohmann::json> kFrameTruncated;
extern const Field<bool> kThreadTruncated;
// Facts about the crash.
extern const Field<int64_t> kMajorVersion;
extern const Field<std::string> kProcessType;
extern const Field<std::string> kSubmittedTimestamp;
extern const Field<std::string> kDateProcessed;
extern const Field<int64_t> kCrashTime;
extern const Field<std::string> kClientCrashDate;
extern const Field<int64_t> kInstallAge;
extern const Field<int64_t> kUptime;
extern const Field<nlohmann::json> kLastCrash;
extern const Field<std::string> kJavaStackTraceRaw;
extern const Field<std::string> kJavaStackTrace;
// System and stack summaries.
extern const Field<std::string> kCpuInfo;
extern const Field<nlohmann::json> kCpuCount;
extern const Field<std::string> kCpuArch;
extern const Field<nlohmann::json> kCpuMicrocodeVersion;
extern const Field<std::string> kOsName;
extern const Field<std::string> kOsVersion;
extern const Field<std::string> kOsPrettyVersion;
extern const Field<nlohmann::json> kTopmostFilenames;
extern const Field<std::string> kModulesInStack;
extern const Field<std::string> kMissingSymbols;
extern const Field<std::string> kReportType;
// Signature.
extern const Field<std::string> kSignature;
extern const Field<nlohmann::json> kProtoSignature;
extern const Field<std::string> kSignatureDebug;
// Annotations that readers show (crashbox show, later the UI's summaries).
extern const Field<std::string> kProduct;
extern const Field<std::string> kVersion;
extern const Field<std::string> kBuild;
extern const Field<std::string> kReleaseChannel;
// Annotations the rules read besides copying them.
extern const Field<nlohmann::json> kHang;
extern const Field<nlohmann::json> kOomAllocationSize;
extern const Field<nlohmann::json> kJsLargeAllocationFailure;
extern const Field<nlohmann::json> kAbortMessage;
extern const Field<nlohmann::json> kAsyncShutdownTimeout;
extern const Field<nlohmann::json> kIpcChannelError;
extern const Field<nlohmann::json> kIpcMessageName;
extern const Field<nlohmann::json> kJavaException;

// The processed-crash key prefix of the results of dumps other than
// upload_file_minidump (`upload_file_minidump_browser.json_dump`).
inline constexpr std::string_view kAdditionalDumpPrefix =
    "upload_file_minidump_";

}  // namespace crashbox::report
