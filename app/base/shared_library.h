// SPDX-License-Identifier: MPL-2.0
// SharedLibrary: a dependency loaded with dlopen on first use instead of at
// process start. crashbox links its dependencies statically so that a
// short-lived command (`crashbox stackwalk` per dump) starts fast; the two
// that Debian ships only as shared libraries and only some commands need
// (libcurl for `submit` and upstream symbol servers, libzip for symbol zip
// uploads) come in through this instead, and their absence is an error of
// the command that needs them, not of every command.
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

}  // namespace crashbox::base
