// SPDX-License-Identifier: MPL-2.0
// SharedLibrary: a dependency loaded with dlopen on first use instead of at
// process start. crashbox links its dependencies statically so that a
// short-lived command (`crashbox stackwalk` per dump) starts fast; the two
// that Debian ships only as shared libraries and only some commands need
// (libcurl for `submit` and upstream symbol servers, libzip for symbol zip
// uploads) come in through this instead, and their absence is an error of
// the command that needs them, not of every command.
//
// LazyLibrary<Table> is how a module uses one: Table names the library and
// lists each function it needs once, and the library is loaded and every
// function resolved on first use.
#pragma once

#include <string>

namespace crashbox::base {

class SharedLibrary {
 public:
  // Loads `soname` (RTLD_NOW | RTLD_LOCAL). The library is never unloaded:
  // these objects live in function-local statics.
  explicit SharedLibrary(const char* soname);
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // Resolves `name` into `*fn`, typed after the library's own declaration:
  //   decltype(&zip_fread) fread; lib.Get("zip_fread", &fread);
  // A missing symbol leaves *fn null and makes ok() false.
  template <typename Fn>
  void Get(const char* name, Fn** fn) {
    *fn = reinterpret_cast<Fn*>(Lookup(name));
  }

  // Loaded, and every Get() so far found its symbol.
  bool ok() const { return error_.empty(); }
  // Why not ok(), naming the library and what to install.
  const std::string& error() const { return error_; }

 private:
  void* Lookup(const char* name);

  void* handle_ = nullptr;
  std::string soname_;
  std::string error_;
};

// The functions a module needs from one shared library, loaded on first use.
// Table names the library in kSoname and lists each function once, as an
// X-macro of (member, symbol) pairs; each member is typed after the library's
// own declaration (decltype: the library's header is needed, not its link):
//
//   #define CB_ZIP_FUNCTIONS(X) X(fread, zip_fread) X(fclose, zip_fclose)
//   struct ZipFunctions {
//     static constexpr const char* kSoname = "libzip.so.4";
//     CB_SHARED_LIBRARY_FUNCTIONS(CB_ZIP_FUNCTIONS)
//   };
//   const auto& zip = base::LazyLibrary<ZipFunctions>::Get();
//   if (!zip.ok()) return Status::Unavailable(zip.error());
//   zip->fread(file, buf, n);
//
// Members are named apart from the symbols because some libraries define
// their functions as macros too (curl_easy_setopt). A Table may define
// `void OnLoad() const`, called once after every function was found (libcurl's
// global init).
template <typename Table>
class LazyLibrary {
 public:
  // Loads the library on the first call (thread-safe); never unloaded.
  static const LazyLibrary& Get() {
    static const LazyLibrary lib;
    return lib;
  }

  // Loaded, and every function found.
  bool ok() const { return so_.ok(); }
  // Why not ok(), naming the library and what to install.
  const std::string& error() const { return so_.error(); }
  // The functions; only meaningful when ok().
  const Table& operator*() const { return table_; }
  const Table* operator->() const { return &table_; }

 private:
  LazyLibrary() : so_(Table::kSoname) {
    table_.Resolve(so_);
    if constexpr (requires(const Table& t) { t.OnLoad(); }) {
      if (so_.ok()) table_.OnLoad();
    }
  }

  SharedLibrary so_;
  Table table_;
};

// The members and Resolve() of a LazyLibrary table; see above.
#define CB_SHARED_LIBRARY_FUNCTIONS(LIST)             \
  LIST(CB_SHARED_LIBRARY_MEMBER_)                     \
  void Resolve(::crashbox::base::SharedLibrary& so) { \
    LIST(CB_SHARED_LIBRARY_RESOLVE_)                  \
  }
#define CB_SHARED_LIBRARY_MEMBER_(member, symbol) \
  decltype(&::symbol) member = nullptr;
#define CB_SHARED_LIBRARY_RESOLVE_(member, symbol) so.Get(#symbol, &member);

}  // namespace crashbox::base
