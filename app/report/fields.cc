// SPDX-License-Identifier: MPL-2.0
// The field table (fields.h). Permissions follow Socorro's processed-crash
// schema (SOCORRO.md §2.7, §4.5); the annotation rows are the ones the
// copy_annotations rule copies, in its order.
#include "app/report/fields.h"

#include <type_traits>

namespace crashbox::report {
namespace {

using FT = FieldType;
constexpr Permission kPub = Permission::kPublic;
constexpr Permission kProt = Permission::kProtected;

constexpr FieldSpec Row(std::string_view path, FieldType type, bool nullable,
                        Permission permission, FieldSource source,
                        std::string_view annotation = "") {
  return FieldSpec{path,       path,   type,       nullable,
                   permission, source, annotation, /*default_json=*/""};
}
constexpr FieldSpec Pipeline(std::string_view path, FieldType type,
                             std::string_view annotation = "") {
  return Row(path, type, false, kPub, FieldSource::kPipeline, annotation);
}
constexpr FieldSpec Rule(std::string_view path, FieldType type, bool nullable,
                         Permission permission,
                         std::string_view annotation = "") {
  return Row(path, type, nullable, permission, FieldSource::kRule, annotation);
}
constexpr FieldSpec Walk(std::string_view path, FieldType type, bool nullable,
                         Permission permission = kPub) {
  return Row(path, type, nullable, permission, FieldSource::kStackWalk);
}
constexpr FieldSpec Annotation(std::string_view field, FieldType type,
                               Permission permission,
                               std::string_view annotation,
                               std::string_view default_json = "") {
  return FieldSpec{field,      field,       type,
                   false,      permission,  FieldSource::kAnnotation,
                   annotation, default_json};
}

constexpr FieldSpec kTable[] = {
    // The processing pipeline.
    Pipeline("crash_id", FT::kString, "uuid"),
    Pipeline("uuid", FT::kString, "uuid"),
    Pipeline("success", FT::kBoolean),
    Pipeline("started_datetime", FT::kString),
    Pipeline("completed_datetime", FT::kString),
    Pipeline("processor_notes", FT::kString),
    Pipeline("processor_history", FT::kArray),
    // Raw-crash rules.
    Rule("crash_report_keys", FT::kArray, false, kPub),
    Rule("collector_metadata", FT::kObject, false, kProt, "metadata"),
    Rule("minidump_sha256_hash", FT::kString, true, kPub, "metadata"),
    // The stack walk (MinidumpStackwalkRule and the crashing thread's facts).
    Walk("stackwalk_version", FT::kString, false),
    Walk("mdsw_return_code", FT::kInteger, false, kProt),
    Walk("mdsw_status_string", FT::kString, false),
    Walk("mdsw_stderr", FT::kString, false, kProt),
    Walk("json_dump", FT::kObject, false),
    Walk("additional_minidumps", FT::kArray, false),
    Walk("crashing_thread", FT::kInteger, true),
    Walk("crashing_thread_name", FT::kString, true),
    Walk("reason", FT::kString, true),
    Walk("address", FT::kString, true),
    Walk("thread_count", FT::kInteger, true),
    // Inside json_dump: rust-minidump's JSON, written by app/stackwalk.
    Walk("json_dump.status", FT::kString, false),
    Walk("json_dump.system_info", FT::kObject, false),
    Walk("json_dump.system_info.os", FT::kString, false),
    Walk("json_dump.system_info.os_ver", FT::kString, false),
    Walk("json_dump.system_info.cpu_arch", FT::kString, false),
    Walk("json_dump.system_info.cpu_info", FT::kString, true),
    Walk("json_dump.system_info.cpu_count", FT::kInteger, false),
    Walk("json_dump.system_info.cpu_microcode_version", FT::kString, true),
    Walk("json_dump.crash_info", FT::kObject, false),
    Walk("json_dump.crash_info.type", FT::kString, true),
    Walk("json_dump.crash_info.address", FT::kString, true),
    Walk("json_dump.crash_info.crashing_thread", FT::kInteger, true),
    Walk("json_dump.crashing_thread", FT::kObject, true),
    Walk("json_dump.crashing_thread.thread_name", FT::kString, true),
    Walk("json_dump.threads", FT::kArray, false),
    Walk("json_dump.threads[].frames", FT::kArray, false),
    Walk("json_dump.threads[].truncated", FT::kBoolean, false),
    Walk("json_dump.threads[].frames[].module", FT::kString, true),
    Walk("json_dump.threads[].frames[].function", FT::kString, true),
    Walk("json_dump.threads[].frames[].file", FT::kString, true),
    Walk("json_dump.threads[].frames[].inlines", FT::kArray, true),
    Walk("json_dump.threads[].frames[].inlines[].file", FT::kString, true),
    Walk("json_dump.threads[].frames[].truncated", FT::kObject, false),
    Walk("json_dump.thread_count", FT::kInteger, false),
    Walk("json_dump.lsb_release", FT::kObject, true),
    Walk("json_dump.lsb_release.description", FT::kString, true),
    Walk("json_dump.modules", FT::kArray, false),
    Walk("json_dump.modules[].filename", FT::kString, false),
    Walk("json_dump.modules[].debug_file", FT::kString, true),
    Walk("json_dump.modules[].debug_id", FT::kString, true),
    Walk("json_dump.modules[].code_id", FT::kString, true),
    Walk("json_dump.modules[].version", FT::kString, true),
    Walk("json_dump.modules[].missing_symbols", FT::kBoolean, false),
    // Facts about the crash.
    Rule("major_version", FT::kInteger, false, kPub, "Version"),
    Rule("process_type", FT::kString, false, kPub, "ProcessType"),
    Rule("submitted_timestamp", FT::kString, false, kPub,
         "submitted_timestamp"),
    Rule("date_processed", FT::kString, false, kPub, "submitted_timestamp"),
    Rule("crash_time", FT::kInteger, false, kPub, "CrashTime"),
    Rule("client_crash_date", FT::kString, false, kPub, "CrashTime"),
    Rule("install_age", FT::kInteger, false, kPub, "InstallTime"),
    Rule("uptime", FT::kInteger, false, kPub, "StartupTime"),
    Rule("last_crash", FT::kInteger, true, kPub, "SecondsSinceLastCrash"),
    Rule("java_stack_trace_raw", FT::kString, false, kProt, "JavaStackTrace"),
    Rule("java_stack_trace", FT::kString, false, kPub, "JavaStackTrace"),
    // System facts (from json_dump, else from annotations) and summaries of
    // the crashing thread's stack.
    Rule("cpu_info", FT::kString, true, kPub, "CPUInfo"),
    Rule("cpu_count", FT::kInteger, false, kPub),
    Rule("cpu_arch", FT::kString, false, kPub, "CPUArchitecture"),
    Rule("cpu_microcode_version", FT::kString, false, kPub),
    Rule("os_name", FT::kString, false, kPub, "OS"),
    Rule("os_version", FT::kString, false, kPub, "OSVersion"),
    Rule("os_pretty_version", FT::kString, false, kPub, "LinuxLSBDescription"),
    Rule("topmost_filenames", FT::kString, true, kPub),
    Rule("modules_in_stack", FT::kString, false, kPub),
    Rule("missing_symbols", FT::kString, false, kPub),
    Rule("report_type", FT::kString, false, kPub),
    // Signature.
    Rule("signature", FT::kString, false, kPub),
    Rule("proto_signature", FT::kString, false, kPub),
    Rule("signature_debug", FT::kString, false, kProt),
    // Annotations copied as they are, with the annotation's conversion.
    Annotation("adapter_device_id", FieldType::kString, Permission::kPublic,
               "AdapterDeviceID"),
    Annotation("adapter_driver_version", FieldType::kString,
               Permission::kPublic, "AdapterDriverVersion"),
    Annotation("adapter_subsys_id", FieldType::kString, Permission::kPublic,
               "AdapterSubsysID"),
    Annotation("adapter_vendor_id", FieldType::kString, Permission::kPublic,
               "AdapterVendorID"),
    Annotation("abort_message", FieldType::kString, Permission::kPublic,
               "AbortMessage"),
    Annotation("accessibility_client", FieldType::kString, Permission::kPublic,
               "AccessibilityClient"),
    Annotation("accessibility_in_proc_client", FieldType::kString,
               Permission::kPublic, "AccessibilityInProcClient"),
    Annotation("android_board", FieldType::kString, Permission::kPublic,
               "Android_Board"),
    Annotation("android_brand", FieldType::kString, Permission::kPublic,
               "Android_Brand"),
    Annotation("android_cpu_abi", FieldType::kString, Permission::kPublic,
               "Android_CPU_ABI"),
    Annotation("android_cpu_abi2", FieldType::kString, Permission::kPublic,
               "Android_CPU_ABI2"),
    Annotation("android_device", FieldType::kString, Permission::kPublic,
               "Android_Device"),
    Annotation("android_display", FieldType::kString, Permission::kPublic,
               "Android_Display"),
    Annotation("android_fingerprint", FieldType::kString, Permission::kPublic,
               "Android_Fingerprint"),
    Annotation("android_hardware", FieldType::kString, Permission::kPublic,
               "Android_Hardware"),
    Annotation("android_manufacturer", FieldType::kString, Permission::kPublic,
               "Android_Manufacturer"),
    Annotation("android_model", FieldType::kString, Permission::kPublic,
               "Android_Model"),
    Annotation("android_packagename", FieldType::kString, Permission::kPublic,
               "Android_PackageName"),
    Annotation("android_version", FieldType::kString, Permission::kPublic,
               "Android_Version"),
    Annotation("app_init_dlls", FieldType::kString, Permission::kPublic,
               "AppInitDLLs"),
    Annotation("app_notes", FieldType::kString, Permission::kPublic, "Notes"),
    Annotation("application_build_id", FieldType::kString, Permission::kPublic,
               "ApplicationBuildID"),
    Annotation("async_shutdown_timeout", FieldType::kString,
               Permission::kPublic, "AsyncShutdownTimeout"),
    Annotation("available_page_file", FieldType::kInteger, Permission::kPublic,
               "AvailablePageFile"),
    Annotation("available_physical_memory", FieldType::kInteger,
               Permission::kPublic, "AvailablePhysicalMemory"),
    Annotation("available_virtual_memory", FieldType::kInteger,
               Permission::kPublic, "AvailableVirtualMemory"),
    Annotation("background_task_name", FieldType::kString, Permission::kPublic,
               "BackgroundTaskName"),
    Annotation("build", FieldType::kString, Permission::kPublic, "BuildID"),
    Annotation("co_marshal_interface_failure", FieldType::kString,
               Permission::kPublic, "CoMarshalInterfaceFailure"),
    Annotation("co_unmarshal_interface_result", FieldType::kString,
               Permission::kPublic, "CoUnmarshalInterfaceResult"),
    Annotation("content_sandbox_capabilities", FieldType::kInteger,
               Permission::kPublic, "ContentSandboxCapabilities"),
    Annotation("content_sandbox_capable", FieldType::kBoolean,
               Permission::kPublic, "ContentSandboxCapable"),
    Annotation("content_sandbox_enabled", FieldType::kBoolean,
               Permission::kPublic, "ContentSandboxEnabled"),
    Annotation("content_sandbox_level", FieldType::kInteger,
               Permission::kPublic, "ContentSandboxLevel"),
    Annotation("dom_fission_enabled", FieldType::kBoolean, Permission::kPublic,
               "DOMFissionEnabled"),
    Annotation("dom_ipc_enabled", FieldType::kBoolean, Permission::kPublic,
               "DOMIPCEnabled"),
    Annotation("dumper_error", FieldType::kString, Permission::kProtected,
               "DumperError"),
    Annotation("em_check_compatibility", FieldType::kBoolean,
               Permission::kPublic, "EMCheckCompatibility"),
    Annotation("glean_client_id", FieldType::kString, Permission::kProtected,
               "GleanClientId"),
    Annotation("gmp_library_path", FieldType::kString, Permission::kProtected,
               "GMPLibraryPath"),
    Annotation("gmp_plugin", FieldType::kBoolean, Permission::kPublic,
               "GMPPlugin"),
    Annotation("graphics_critical_error", FieldType::kString,
               Permission::kPublic, "GraphicsCriticalError"),
    Annotation("graphics_startup_test", FieldType::kBoolean,
               Permission::kPublic, "GraphicsStartupTest"),
    Annotation("hang", FieldType::kString, Permission::kPublic, "Hang"),
    Annotation("has_device_touch_screen", FieldType::kBoolean,
               Permission::kPublic, "HasDeviceTouchScreen"),
    Annotation("install_time", FieldType::kInteger, Permission::kPublic,
               "InstallTime"),
    Annotation("ipc_channel_error", FieldType::kString, Permission::kPublic,
               "ipc_channel_error"),
    Annotation("ipc_fatal_error_msg", FieldType::kString, Permission::kPublic,
               "IPCFatalErrorMsg"),
    Annotation("ipc_fatal_error_protocol", FieldType::kString,
               Permission::kPublic, "IPCFatalErrorProtocol"),
    Annotation("ipc_message_name", FieldType::kString, Permission::kPublic,
               "IPCMessageName"),
    Annotation("ipc_message_size", FieldType::kInteger, Permission::kPublic,
               "IPCMessageSize"),
    Annotation("ipc_shutdown_state", FieldType::kString, Permission::kPublic,
               "IPCShutdownState"),
    Annotation("ipc_system_error", FieldType::kInteger, Permission::kPublic,
               "IPCSystemError"),
    Annotation("is_garbage_collecting", FieldType::kBoolean,
               Permission::kPublic, "IsGarbageCollecting"),
    Annotation("java_exception", FieldType::kObject, Permission::kPublic,
               "JavaException"),
    Annotation("js_large_allocation_failure", FieldType::kString,
               Permission::kPublic, "JSLargeAllocationFailure"),
    Annotation("mac_available_memory_sysctl", FieldType::kInteger,
               Permission::kPublic, "MacAvailableMemorySysctl"),
    Annotation("mac_memory_pressure", FieldType::kString, Permission::kPublic,
               "MacMemoryPressure"),
    Annotation("mac_memory_pressure_critical_time", FieldType::kString,
               Permission::kPublic, "MacMemoryPressureCriticalTime"),
    Annotation("mac_memory_pressure_normal_time", FieldType::kString,
               Permission::kPublic, "MacMemoryPressureNormalTime"),
    Annotation("mac_memory_pressure_sysctl", FieldType::kInteger,
               Permission::kPublic, "MacMemoryPressureSysctl"),
    Annotation("mac_memory_pressure_warning_time", FieldType::kString,
               Permission::kPublic, "MacMemoryPressureWarningTime"),
    Annotation("marionette", FieldType::kBoolean, Permission::kPublic,
               "Marionette", "false"),
    Annotation("oom_allocation_size", FieldType::kInteger, Permission::kPublic,
               "OOMAllocationSize"),
    Annotation("product", FieldType::kString, Permission::kPublic,
               "ProductName"),
    Annotation("productid", FieldType::kString, Permission::kPublic,
               "ProductID"),
    Annotation("quota_manager_shutdown_timeout", FieldType::kString,
               Permission::kPublic, "QuotaManagerShutdownTimeout"),
    Annotation("release_channel", FieldType::kString, Permission::kPublic,
               "ReleaseChannel"),
    Annotation("remote_agent", FieldType::kBoolean, Permission::kPublic,
               "RemoteAgent", "false"),
    Annotation("remote_type", FieldType::kString, Permission::kProtected,
               "RemoteType"),
    Annotation("safe_mode", FieldType::kBoolean, Permission::kPublic,
               "SafeMode"),
    Annotation("shutdown_progress", FieldType::kString, Permission::kPublic,
               "ShutdownProgress"),
    Annotation("shutdown_reason", FieldType::kString, Permission::kPublic,
               "ShutdownReason"),
    Annotation("startup_crash", FieldType::kBoolean, Permission::kPublic,
               "StartupCrash"),
    Annotation("startup_time", FieldType::kInteger, Permission::kPublic,
               "StartupTime"),
    Annotation("system_memory_use_percentage", FieldType::kInteger,
               Permission::kPublic, "SystemMemoryUsePercentage"),
    Annotation("telemetry_environment", FieldType::kObject, Permission::kPublic,
               "TelemetryEnvironment"),
    Annotation("throttleable", FieldType::kBoolean, Permission::kPublic,
               "Throttleable"),
    Annotation("total_page_file", FieldType::kInteger, Permission::kPublic,
               "TotalPageFile"),
    Annotation("total_physical_memory", FieldType::kInteger,
               Permission::kPublic, "TotalPhysicalMemory"),
    Annotation("total_virtual_memory", FieldType::kInteger, Permission::kPublic,
               "TotalVirtualMemory"),
    Annotation("uptime_ts", FieldType::kNumber, Permission::kPublic,
               "UptimeTS"),
    Annotation("url", FieldType::kString, Permission::kProtected, "URL"),
    Annotation("user_comments", FieldType::kString, Permission::kProtected,
               "Comments"),
    Annotation("useragent_locale", FieldType::kString, Permission::kPublic,
               "useragent_locale"),
    Annotation("utility_process_sandboxing_kind", FieldType::kInteger,
               Permission::kPublic, "UtilityProcessSandboxingKind"),
    Annotation("vendor", FieldType::kString, Permission::kPublic, "Vendor"),
    Annotation("version", FieldType::kString, Permission::kPublic, "Version"),
    Annotation("windows_error_reporting", FieldType::kBoolean,
               Permission::kPublic, "WindowsErrorReporting"),
    Annotation("xpcom_spin_event_loop_stack", FieldType::kString,
               Permission::kPublic, "XPCOMSpinEventLoopStack"),
};

template <typename T>
constexpr bool TypeMatches(FieldType type) {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    return true;  // the untyped view of any field
  } else {
    switch (type) {
      case FieldType::kString:
        return std::is_same_v<T, std::string>;
      case FieldType::kInteger:
        return std::is_same_v<T, int64_t>;
      case FieldType::kNumber:
        return std::is_same_v<T, double>;
      case FieldType::kBoolean:
        return std::is_same_v<T, bool>;
      default:
        return false;
    }
  }
}

// The handle of the row named `name`; does not compile when there is none or
// its type is not T.
template <typename T>
consteval Field<T> Pick(std::string_view name) {
  for (const FieldSpec& f : kTable) {
    if (f.name != name) continue;
    if (!TypeMatches<T>(f.type)) throw "the handle's type differs from its row";
    return Field<T>(&f);
  }
  throw "no field of that name in the table";
}

}  // namespace

const Field<std::string> kCrashId = Pick<std::string>("crash_id");
const Field<std::string> kUuid = Pick<std::string>("uuid");
const Field<bool> kSuccess = Pick<bool>("success");
const Field<std::string> kStartedDatetime =
    Pick<std::string>("started_datetime");
const Field<std::string> kCompletedDatetime =
    Pick<std::string>("completed_datetime");
const Field<std::string> kProcessorNotes = Pick<std::string>("processor_notes");
const Field<nlohmann::json> kProcessorHistory =
    Pick<nlohmann::json>("processor_history");
const Field<nlohmann::json> kCrashReportKeys =
    Pick<nlohmann::json>("crash_report_keys");
const Field<nlohmann::json> kCollectorMetadata =
    Pick<nlohmann::json>("collector_metadata");
const Field<std::string> kMinidumpSha256Hash =
    Pick<std::string>("minidump_sha256_hash");
const Field<std::string> kStackwalkVersion =
    Pick<std::string>("stackwalk_version");
const Field<int64_t> kMdswReturnCode = Pick<int64_t>("mdsw_return_code");
const Field<std::string> kMdswStatusString =
    Pick<std::string>("mdsw_status_string");
const Field<std::string> kMdswStderr = Pick<std::string>("mdsw_stderr");
const Field<nlohmann::json> kJsonDump = Pick<nlohmann::json>("json_dump");
const Field<nlohmann::json> kAdditionalMinidumps =
    Pick<nlohmann::json>("additional_minidumps");
const Field<nlohmann::json> kCrashingThread =
    Pick<nlohmann::json>("crashing_thread");
const Field<nlohmann::json> kCrashingThreadName =
    Pick<nlohmann::json>("crashing_thread_name");
const Field<std::string> kReason = Pick<std::string>("reason");
const Field<nlohmann::json> kAddress = Pick<nlohmann::json>("address");
const Field<nlohmann::json> kThreadCount = Pick<nlohmann::json>("thread_count");
const Field<std::string> kJsonDumpStatus =
    Pick<std::string>("json_dump.status");
const Field<nlohmann::json> kJsonDumpSystemInfo =
    Pick<nlohmann::json>("json_dump.system_info");
const Field<std::string> kJsonDumpOs =
    Pick<std::string>("json_dump.system_info.os");
const Field<std::string> kJsonDumpOsVer =
    Pick<std::string>("json_dump.system_info.os_ver");
const Field<std::string> kJsonDumpCpuArch =
    Pick<std::string>("json_dump.system_info.cpu_arch");
const Field<nlohmann::json> kJsonDumpCpuInfo =
    Pick<nlohmann::json>("json_dump.system_info.cpu_info");
const Field<int64_t> kJsonDumpCpuCount =
    Pick<int64_t>("json_dump.system_info.cpu_count");
const Field<nlohmann::json> kJsonDumpCpuMicrocodeVersion =
    Pick<nlohmann::json>("json_dump.system_info.cpu_microcode_version");
const Field<nlohmann::json> kJsonDumpCrashInfo =
    Pick<nlohmann::json>("json_dump.crash_info");
const Field<nlohmann::json> kJsonDumpCrashType =
    Pick<nlohmann::json>("json_dump.crash_info.type");
const Field<nlohmann::json> kJsonDumpCrashAddress =
    Pick<nlohmann::json>("json_dump.crash_info.address");
const Field<nlohmann::json> kJsonDumpCrashingThreadIndex =
    Pick<nlohmann::json>("json_dump.crash_info.crashing_thread");
const Field<nlohmann::json> kJsonDumpCrashingThread =
    Pick<nlohmann::json>("json_dump.crashing_thread");
const Field<nlohmann::json> kJsonDumpThreadName =
    Pick<nlohmann::json>("json_dump.crashing_thread.thread_name");
const Field<nlohmann::json> kJsonDumpThreads =
    Pick<nlohmann::json>("json_dump.threads");
const Field<nlohmann::json> kJsonDumpFrames =
    Pick<nlohmann::json>("json_dump.threads[].frames");
const Field<nlohmann::json> kJsonDumpThreadCount =
    Pick<nlohmann::json>("json_dump.thread_count");
const Field<nlohmann::json> kJsonDumpLsbRelease =
    Pick<nlohmann::json>("json_dump.lsb_release");
const Field<std::string> kJsonDumpLsbDescription =
    Pick<std::string>("json_dump.lsb_release.description");
const Field<nlohmann::json> kJsonDumpModules =
    Pick<nlohmann::json>("json_dump.modules");
const Field<std::string> kModuleFilename =
    Pick<std::string>("json_dump.modules[].filename");
const Field<std::string> kModuleDebugFile =
    Pick<std::string>("json_dump.modules[].debug_file");
const Field<std::string> kModuleDebugId =
    Pick<std::string>("json_dump.modules[].debug_id");
const Field<std::string> kModuleCodeId =
    Pick<std::string>("json_dump.modules[].code_id");
const Field<nlohmann::json> kModuleVersion =
    Pick<nlohmann::json>("json_dump.modules[].version");
const Field<bool> kModuleMissingSymbols =
    Pick<bool>("json_dump.modules[].missing_symbols");
const Field<nlohmann::json> kFrameModule =
    Pick<nlohmann::json>("json_dump.threads[].frames[].module");
const Field<nlohmann::json> kFrameFunction =
    Pick<nlohmann::json>("json_dump.threads[].frames[].function");
const Field<nlohmann::json> kFrameFile =
    Pick<nlohmann::json>("json_dump.threads[].frames[].file");
const Field<nlohmann::json> kFrameInlines =
    Pick<nlohmann::json>("json_dump.threads[].frames[].inlines");
const Field<nlohmann::json> kInlineFile =
    Pick<nlohmann::json>("json_dump.threads[].frames[].inlines[].file");
const Field<nlohmann::json> kFrameTruncated =
    Pick<nlohmann::json>("json_dump.threads[].frames[].truncated");
const Field<bool> kThreadTruncated =
    Pick<bool>("json_dump.threads[].truncated");
const Field<int64_t> kMajorVersion = Pick<int64_t>("major_version");
const Field<std::string> kProcessType = Pick<std::string>("process_type");
const Field<std::string> kSubmittedTimestamp =
    Pick<std::string>("submitted_timestamp");
const Field<std::string> kDateProcessed = Pick<std::string>("date_processed");
const Field<int64_t> kCrashTime = Pick<int64_t>("crash_time");
const Field<std::string> kClientCrashDate =
    Pick<std::string>("client_crash_date");
const Field<int64_t> kInstallAge = Pick<int64_t>("install_age");
const Field<int64_t> kUptime = Pick<int64_t>("uptime");
const Field<nlohmann::json> kLastCrash = Pick<nlohmann::json>("last_crash");
const Field<std::string> kJavaStackTraceRaw =
    Pick<std::string>("java_stack_trace_raw");
const Field<std::string> kJavaStackTrace =
    Pick<std::string>("java_stack_trace");
const Field<std::string> kCpuInfo = Pick<std::string>("cpu_info");
const Field<nlohmann::json> kCpuCount = Pick<nlohmann::json>("cpu_count");
const Field<std::string> kCpuArch = Pick<std::string>("cpu_arch");
const Field<nlohmann::json> kCpuMicrocodeVersion =
    Pick<nlohmann::json>("cpu_microcode_version");
const Field<std::string> kOsName = Pick<std::string>("os_name");
const Field<std::string> kOsVersion = Pick<std::string>("os_version");
const Field<std::string> kOsPrettyVersion =
    Pick<std::string>("os_pretty_version");
const Field<nlohmann::json> kTopmostFilenames =
    Pick<nlohmann::json>("topmost_filenames");
const Field<std::string> kModulesInStack =
    Pick<std::string>("modules_in_stack");
const Field<std::string> kMissingSymbols = Pick<std::string>("missing_symbols");
const Field<std::string> kReportType = Pick<std::string>("report_type");
const Field<std::string> kSignature = Pick<std::string>("signature");
const Field<std::string> kProduct = Pick<std::string>("product");
const Field<std::string> kVersion = Pick<std::string>("version");
const Field<std::string> kBuild = Pick<std::string>("build");
const Field<std::string> kReleaseChannel = Pick<std::string>("release_channel");
const Field<nlohmann::json> kProtoSignature =
    Pick<nlohmann::json>("proto_signature");
const Field<std::string> kSignatureDebug = Pick<std::string>("signature_debug");
const Field<nlohmann::json> kHang = Pick<nlohmann::json>("hang");
const Field<nlohmann::json> kOomAllocationSize =
    Pick<nlohmann::json>("oom_allocation_size");
const Field<nlohmann::json> kJsLargeAllocationFailure =
    Pick<nlohmann::json>("js_large_allocation_failure");
const Field<nlohmann::json> kAbortMessage =
    Pick<nlohmann::json>("abort_message");
const Field<nlohmann::json> kAsyncShutdownTimeout =
    Pick<nlohmann::json>("async_shutdown_timeout");
const Field<nlohmann::json> kIpcChannelError =
    Pick<nlohmann::json>("ipc_channel_error");
const Field<nlohmann::json> kIpcMessageName =
    Pick<nlohmann::json>("ipc_message_name");
const Field<nlohmann::json> kJavaException =
    Pick<nlohmann::json>("java_exception");

std::span<const FieldSpec> AllFields() { return kTable; }

const FieldSpec* FindField(std::string_view name) {
  for (const FieldSpec& f : kTable) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string_view FieldSpec::key() const {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::string FieldSpec::JsonPointer() const {
  if (in_array()) return "";
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    out += '/';
    for (char c : path.substr(start, dot - start)) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out += c;
    }
    start = dot + 1;
  }
  return out;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kObject:
      return "object";
    case FieldType::kArray:
      return "array";
    case FieldType::kJson:
      return "any";
  }
  return "any";
}

std::string_view FieldSourceName(FieldSource source) {
  switch (source) {
    case FieldSource::kAnnotation:
      return "annotation";
    case FieldSource::kRule:
      return "rule";
    case FieldSource::kStackWalk:
      return "stackwalk";
    case FieldSource::kPipeline:
      return "pipeline";
  }
  return "rule";
}

}  // namespace crashbox::report
