// SPDX-License-Identifier: MPL-2.0
// fmt's compiled part, for static builds (CB_STATIC_DEPS): Debian's libfmt-dev
// has the headers and a shared library only. Its format-inl.h holds the
// out-of-line definitions; the two templates below are the ones fmt's headers
// declare but instantiate only in its own library.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref)
    -> thousands_sep_result<char>;
template auto decimal_point_impl<char>(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE
