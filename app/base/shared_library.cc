// SPDX-License-Identifier: MPL-2.0
#include "app/base/shared_library.h"

#include <dlfcn.h>

namespace crashbox::base {

SharedLibrary::SharedLibrary(const char* soname) : soname_(soname) {
  handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* why = dlerror();
    error_ = std::string("cannot load ") + soname + " (" +
             (why ? why : "unknown error") +
             "); install it with tools/setup.sh";
  }
}

void* SharedLibrary::Lookup(const char* name) {
  if (handle_ == nullptr) return nullptr;
  void* sym = dlsym(handle_, name);
  if (sym == nullptr && error_.empty())
    error_ = soname_ + " has no symbol " + name;
  return sym;
}

}  // namespace crashbox::base
