#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""sigdiff: differential test of `crashbox signature` against Socorro's Python
signature generator.

Generates random crash-data objects (SOCORRO.md §3.1 shape), signs each one
with crashbox and with a local copy of Socorro's generator (the "oracle", see
README.md: Socorro's code is never committed here), compares the signatures
(and, separately, the notes), and groups the mismatches into categories after
shrinking every mismatching crash to a minimal example.

Python 3 standard library only.
"""

import argparse
import collections
import copy
import difflib
import hashlib
import itertools
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
EXIT_SKIP = 77


def first_existing(*paths):
    for p in paths:
        if p and os.path.exists(p):
            return p
    return paths[0]


DEFAULT_CRASHBOX = os.path.join(REPO, "build", "release", "crashbox")
DEFAULT_ORACLE_DIR = "/tmp/siggen"
DEFAULT_SIGLISTS = first_existing(
    os.path.join(REPO, "..", "shared", "reference", "socorro-siglists"),
    "/work/shared/reference/socorro-siglists",
)

# ------------------------------------------------------------------ pools

CPP_FIXED = [
    "f( *s , &n)",
    "operator()(s,t,u)",
    "::(anonymous namespace)::f3(s,t,u)",
    "`anonymous namespace'::foo",
    "mozilla::layers::BasicImageLayer::Paint(mozilla::gfx::DrawTarget*, "
    "mozilla::gfx::PointTyped<...> const&, mozilla::layers::Layer*)",
    "bool CCGraphBuilder::BuildGraph(class js::SliceBudget& const)",
    "Alpha<Bravo<Charlie>, Delta>::Echo<Foxtrot>",
    "thread_start<unsigned int (__cdecl*)(void* __ptr64)>",
    "class JSObject* DoCallback<JSObject*>(class JS::CallbackTracer*, class JSObject**, const char*)",
    "JS::Heap<JSObject*>::operator JSObject* const &()",
    "mozilla::jni::GlobalRef<mozilla::jni::Object>::operator=(mozilla::jni::Ref<...> const&)&",
    "mozilla::Maybe<unsigned long>::value() const &",
    "mozilla::Maybe<unsigned long>::value() const&",
    "mozilla::Maybe<unsigned long>::value() &&",
    "ShutdownWorkThreads::$_52::__invoke",
    "js::jit::CodePosition::operator<(js::jit::CodePosition) const",
    "js::jit::CodePosition::operator<=>(js::jit::CodePosition const&) const",
    "js::jit::CodePosition::operator>(js::jit::CodePosition) const",
    "js::jit::CodePosition::operator<<(js::jit::CodePosition) const",
    "js::jit::CodePosition::operator>>=(int)",
    "Foo::operator new(unsigned long)",
    "operator new(unsigned __int64)",
    "operator delete[](void*)",
    "IPC::ParamTraits<nsTSubstring<char> >::Write(IPC::Message *,nsTSubstring<char> const &)",
    "IPC::ParamTraits<mozilla::Maybe<nsTString<char16_t> > >::Read",
    "static void * Allocator<MozJemallocBase>::malloc(unsigned __int64)",
    "void nsDocumentViewer::DestroyPresShell()",
    "somefunc (int a)",
    "somefunc(int arg1, int arg2) [clone .cold.111]",
    "somefunc(int arg1, int arg2) [clone .cold.111] [clone .cold.222]",
    "foo::bar [clone .cold.3]",
    "foo::bar[clone .isra.0]",
    "<unknown in foobar.dll>",
    "<name omitted>",
    "std::_Func_impl<std::_Callable_obj<`lambda at foo.cpp:12'>>::_Do_call()",
    "Foo<bar",
    "Foo<bar<baz>",
    "Foo>bar<baz",
    "a)b(c",
    "a(b",
    "((((",
    "))))",
    "<<<>>>",
    "x<y<z>>::w(int<a>)",
    "`foo'bar baz",
    "{lambda()#1}::operator()",
    "std::function<void ()>::operator()() const",
    "JS::Call",
    "JS::Call$",
    "Foo::Bar const",
    "Foo::Bar const&",
    "Foo::Bar&",
    "const",
    "&",
    "mozilla::dom::Foo::Bar(int, int,char)",
    "mozilla::dom::Foo::Bar(int ,int , char *)",
    "a,b,c",
    "a , b * c & d",
    "nsTArray_Impl<T>::ElementAt",
    "RefPtr<mozilla::dom::Element>::operator->() const",
    "mozilla::Variant<int, bool>::as<int>()",
    "js::gc::GCRuntime::collect(bool, js::SliceBudget, JS::GCReason)",
    "js_Interpret",
    "js_InterpretX",
    "js_Interpret(JSContext*)",
    "static js_Interpret",
    "MOZ_Crash",
    "RustMozCrash",
    "mozilla::ipc::RPCChannel::Call(IPC::Message*, IPC::Message*)",
    "CrashReporter::CreatePairedMinidumps(void*, unsigned long, nsAString_internal*, nsILocalFile**, nsILocalFile**)",
    "nsThread::ProcessNextEvent(bool, bool*)",
    "mozilla::SpinEventLoopUntil<(mozilla::ProcessFailureBehavior)1, nsThread::Shutdown()::$_0>",
    "mozilla::detail::RunnableFunction<`lambda'>::Run",
    "RunWatchdog",
    "mozilla::(anonymous namespace)::RunWatchdog(void*)",
    "NS_ABORT_OOM(unsigned long)",
    "mozalloc_handle_oom(unsigned long)",
    "js::AutoEnterOOMUnsafeRegion::crash(char const*)",
    "alloc::oom::oom",
    "CrashAtUnhandlableOOM",
    "nsBär::Ünïcode(int)",
    "函数::调用()",
    "foo\u00a0bar",
    "foo\u2028bar",
    "foo\u3000bar",
    "foo\tbar(int)",
    "foo\nbar",
    "  leading::space",
    "trailing::space  ",
    "emoji::😀(int)",
    "a\u0085b",
    "a\x7fb",
    "zero\x00byte",
    "x" * 300,
    "a.dll@0x123",
    "foo.DLL::bar",
    "(unloaded foo.dll)",
]

RUST_FIXED = [
    "<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute",
    "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop",
    "core::ptr::drop_in_place<style::gecko::Foo>",
    "core::ptr::drop_in_place<style::gecko::Foo>::h0123456789abcdef",
    "std::panicking::begin_panic<&str>",
    "std::panicking::begin_panic::<&str>",
    "core::result::unwrap_failed::h1234abcd",
    "expect_failed::h7f6350::blah",
    "static void servo_arc::Arc<style::gecko_properties::ComputedValues>::drop_slow<style::gecko_properties::ComputedValues>()",
    "core::option::expect_failed::h7f635057bfba806a",
    "core::panicking::panic_fmt::h1",
    "core::panicking::panic_fmt",
    "core::panicking::panic",
    "core::panicking::panic_bounds_check",
    "std::panicking::begin_panic_fmt",
    "alloc::alloc::handle_alloc_error",
    "alloc::raw_vec::capacity_overflow",
    "gkrust_shared::panic_hook(core::panic::PanicInfo*)",
    "style::properties::cascade<T>(&style::Foo, usize)",
    "<&T as core::fmt::Debug>::fmt",
    "enum$<core::option::Option<u32>>::unwrap",
    "enum2$<core::result::Result<u32,()> >::expect",
    "webrender::renderer::Renderer::render::{{closure}}",
    "hashbrown::raw::Fallibility::alloc_err",
    "panic",
    "panic_fmt",
    "expect_failed",
    "capacity_overflow",
    "panic_bounds_check",
    "slice_index_order_fail",
    "begin_panic_fmt",
    "continue_panic_fmt",
    "rust_panic_with_hook",
    "mozilla::Foo::h00",
    "foo::hXYZ",
    "foo::h",
    "a,b<c,d>(e,f)",
]

RUST_FILES_134 = [
    "git:github.com/rust-lang/rust:src/libcore/panicking.rs:abcdef",
    "git:github.com/rust-lang/rust:src/libstd/panicking.rs:abcdef",
    "git:github.com/rust-lang/rust:src/liballoc/raw_vec.rs:abcdef",
    "git:github.com/rust-lang/rust:src/libcore/option.rs:abcdef",
    "git:github.com/rust-lang/rust:src/libcore/slice/mod.rs:abcdef",
    "c:src/libcore/panicking.rs",
]

RUST_FILES = RUST_FILES_134 + [
    "/builds/worker/checkouts/gecko/servo/components/style/properties.rs",
    "hg:hg.mozilla.org/mozilla-central:servo/components/style/x.rs:abc123",
    "git:github.com/rust-lang/rust:library/core/src/panicking.rs:5e1a",
    "c:\\rust\\src\\libcore\\panicking.rs",
    "x.rs",
    "/x.RS",
    "/x.rs/",
    "s3:bucket:dir/x.rs:v1",
    "a:b:c:d:e.rs",
]

CPP_FILES = [
    "/builds/worker/workspace/build/src/dom/base/nsDocument.cpp",
    "hg:hg.mozilla.org/mozilla-central:js/src/jit/MIR.h:755067c14b06",
    "c:\\builds\\moz2_slave\\src\\foo.cpp",
    "\\a\\b\\c\\source",
    "/a/b/c/source/",
    "/a/b/c/source\\",
    "foo.cpp",
    "git:github.com/a/b:c/d.cpp:rev",
    "a:b:c:d:e",
    "/",
    "\\",
    "::",
    "/ü/ñ.cpp",
    "",
]

MODULES = [
    "xul.dll", "XUL.DLL", "ntdll.dll", "KERNELBASE.dll", "kernel32.dll",
    "libxul.so", "libc.so.6", "libc-2.31.so", "XUL", "xul", "libsystem_kernel.dylib",
    "[[[module]]", "[vdso]", "[stack]", "<name omitted>", "<unknown in foo.pdb>",
    "nvwgf2umx.dll", "firefox.exe", "ȳ.dll", "a@b.dll", "mozglue.dll",
    "libandroid_runtime.so", "linux-gate.so", "MODULE.SO", "foo.dll.bak", "",
    "igd10iumd64.dll", "msvcr120.dll", "vcruntime140.dll",
]

OFFSETS = [
    "0x0000000000032ec0", "0x1f", "0x1F", "0X1F", "0x0", "0", "deadbeef",
    "zz", "", "0x", " 0x10", "0x_1", "1_000", "-0x10", "+0x10", "１２３",
    "0x00000000", "0xffffffffffffffffffff", "0xg", "0x10 ",
]

LINES = [23, 0, 1, 1, 12, 123, 99999, -1, 2 ** 64, None, 2 ** 31, 7]

REASONS = [
    "EXCEPTION_ACCESS_VIOLATION_READ", "EXCEPTION_STACK_OVERFLOW",
    "STATUS_DEVICE_DATA_ERROR", "EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR",
    "STATUS_NO_MEMORY", "STATUS_FATAL_MEMORY_EXHAUSTION", "SIGSEGV /SEGV_MAPERR",
    "EXCEPTION_BREAKPOINT", "exception_stack_overflow", "", "EXCEPTION_STACK_OVERFLOW ",
]

OSES = ["Windows NT", "Linux", "Mac OS X", "Android", "windows nt", "Windows", ""]

LAST_ERRORS = ["ERROR_COMMITMENT_LIMIT", "ERROR_NOT_ENOUGH_MEMORY", "ERROR_SUCCESS",
               "error_commitment_limit", ""]

ABORTS = [
    "###!!! ABORT: file /builds/worker/foo.cpp:12",
    "[Parent 123, Main Thread] ###!!! ABORT: Aborting on channel error.: file "
    "/builds/worker/checkouts/gecko/ipc/glue/MessageChannel.cpp:2790",
    "###!!! ABORT: Something bad happened: file foo.cpp:12",
    "Something bad: file foo.cpp, line 12",
    "unable to find a usable font (Schriftart XYZ)",
    "unable to find a usable font (a) middle (b) end",
    "unable to find a usable font ) (",
    "unable to find a usable font (no close",
    "tab\there\nnewline\r\nand\u00a0nbsp",
    "Äbort ünicode ☃ message",
    "A" * 77,
    "A" * 80,
    "A" * 81,
    "B" * 120,
    "  padded  ",
    "###!!! ABORT:",
    "###!!! ABORT: ###!!! ABORT: twice: file a: file b",
    "x: file ",
    "\x01\x02control\x7f",
    "   ",
    "😀" * 30,
]

JAVA_CLASSES = ["java.lang.IllegalStateException", "java.lang.NullPointerException",
                "org.mozilla.gecko.Foo$Bar", "  spaced.Exception  ", "ünï.Exception", ""]

IPC_ERRORS = ["ShutDownKill", "Channel error: cannot send/recv", "Channel closing: too late to send/recv",
              "x" * 150, "ü" * 120, "a\tb", " ShutDownKill "]

MINIDUMPS = [["upload_file_minidump_browser"], ["upload_file_minidump_content"],
             ["upload_file_minidump_browser", "upload_file_minidump_content"], [],
             "upload_file_minidump_browser", "browser", "upload_file_minidump_content,browser",
             ["browser"]]

NUMERIC_STRS = ["0", "1", "12", " 12 ", "１２", "١", "1_0", "0x10", "1e3", "1.5", "-1", "+1",
                "", "abc", "262144", "262145", "99999999999999999999999"]


def load_siglist(dirpath, name):
    out = []
    try:
        with open(os.path.join(dirpath, name + ".txt"), encoding="utf-8") as fp:
            for line in fp:
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append(line)
    except OSError:
        pass
    return out


def literalish(regex):
    """A string that (prefix-)matches ``regex``, for simple entries."""
    cand = re.sub(r"\\(.)", r"\1", regex)
    cand = cand.replace(".*", "").replace("$", "")
    cand = re.sub(r"\(\?[^)]*\)", "", cand)
    try:
        if re.match(regex, cand):
            return cand
    except re.error:
        return None
    return None


# ------------------------------------------------------------------ generator


class CrashGen:
    def __init__(self, rng, siglists):
        self.rng = rng
        self.sentinels = load_siglist(siglists, "signature_sentinels")
        self.irrelevant = [s for s in (literalish(x) for x in load_siglist(siglists, "irrelevant_signature_re")) if s]
        self.prefix = [s for s in (literalish(x) for x in load_siglist(siglists, "prefix_signature_re")) if s]
        self.irrelevant.sort()
        self.prefix.sort()

    # -- helpers
    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def ident(self):
        r = self.rng
        base = self.pick(["foo", "Bar", "nsFoo", "mozilla", "js", "dom", "gfx", "Baz_1", "x",
                          "ipc", "Run", "Wait", "Get", "ümlaut", "_impl", "T"])
        if self.chance(0.3):
            base += str(r.randrange(100))
        return base

    def template_args(self, depth):
        n = self.rng.randrange(1, 3)
        parts = []
        for _ in range(n):
            if depth > 0 and self.chance(0.4):
                parts.append(self.ident() + "<" + self.template_args(depth - 1) + ">")
            else:
                parts.append(self.pick(["int", "char", "unsigned long", "JSObject*", "T",
                                        "mozilla::dom::Foo", "const char*", "bool", "..."]))
        sep = self.pick([", ", ",", " ,"])
        s = sep.join(parts)
        if s.endswith(">") and self.chance(0.5):
            s += " "
        return s

    def cpp_generated(self):
        r = self.rng
        parts = []
        for _ in range(r.randrange(1, 4)):
            p = self.ident()
            if self.chance(0.3):
                p += "<" + self.template_args(2) + ">"
            parts.append(p)
        if self.chance(0.1):
            parts.insert(self.rng.randrange(len(parts) + 1),
                         self.pick(["(anonymous namespace)", "`anonymous namespace'", "$_12", "{lambda()#1}"]))
        name = "::".join(parts)
        if self.chance(0.15):
            name += "::operator" + self.pick(["()", "<", "<=", "<=>", "->", "[]", "==", " new", " delete[]",
                                              "=", "<<", " bool", " JSObject*", ">"])
        if self.chance(0.6):
            args = self.pick(["", "int", "int a, char *b", "IPC::Message *,nsTSubstring<char> const &",
                              "mozilla::Maybe<int> const&", "void (*)(int)", "...", "int,int",
                              "unsigned __int64"])
            name += self.pick(["(", " ("]) + args + ")"
        if self.chance(0.25):
            name += self.pick([" const", " const&", " const &", "&", "&&", " [clone .cold.222]",
                               " [clone .isra.0]", " volatile", "const"])
        if self.chance(0.25):
            name = self.pick(["static void * ", "class JSObject* ", "bool ", "void ", "int __cdecl ",
                              "static ", "virtual "]) + name
        return name

    def function(self):
        k = self.rng.random()
        if k < 0.30:
            return self.pick(CPP_FIXED)
        if k < 0.60:
            return self.cpp_generated()
        if k < 0.70 and self.sentinels:
            return self.pick(self.sentinels)
        if k < 0.82 and self.irrelevant:
            s = self.pick(self.irrelevant)
            return s + (self.pick(["", "X", "(int)", "_foo", "::bar"]) if self.chance(0.5) else "")
        if k < 0.95 and self.prefix:
            s = self.pick(self.prefix)
            return s + (self.pick(["", "X", "(int)", "_foo", "::bar"]) if self.chance(0.5) else "")
        return self.pick(RUST_FIXED)

    def frame(self):
        r = self.rng
        f = {}
        kind = r.random()
        if kind < 0.55:  # C++ with symbols
            f["function"] = self.function()
            if self.chance(0.6):
                f["file"] = self.pick(CPP_FILES)
            if self.chance(0.6):
                f["line"] = self.pick(LINES)
        elif kind < 0.68:  # Rust
            f["function"] = self.pick(RUST_FIXED) if self.chance(0.7) else self.function()
            f["file"] = self.pick(RUST_FILES)
            if self.chance(0.7):
                f["line"] = self.pick(LINES)
        elif kind < 0.76:  # file + line only
            f["file"] = self.pick(CPP_FILES + RUST_FILES)
            f["line"] = self.pick(LINES)
        elif kind < 0.80:  # offset only
            f["offset"] = self.pick(OFFSETS)
        elif kind < 0.84:  # unloaded
            um = []
            for _ in range(r.randrange(0, 3)):
                u = {}
                if self.chance(0.85):
                    u["module"] = self.pick(MODULES)
                if self.chance(0.7):
                    u["offsets"] = [self.pick(OFFSETS) for _ in range(r.randrange(0, 3))]
                um.append(u)
            f["unloaded_modules"] = um
            if self.chance(0.5):
                f["offset"] = self.pick(OFFSETS)
        elif kind < 0.97:  # module only (no symbols)
            pass
        else:
            return {}
        if kind >= 0.55 or self.chance(0.7):
            if self.chance(0.85):
                f["module"] = self.pick(MODULES)
            if self.chance(0.8):
                f["module_offset"] = self.pick(OFFSETS)
            if self.chance(0.5):
                f["offset"] = self.pick(OFFSETS)
        if self.chance(0.12):
            inl = []
            for _ in range(r.randrange(1, 4)):
                i = {}
                if self.chance(0.9):
                    i["function"] = self.function() if self.chance(0.8) else self.pick(RUST_FIXED)
                if self.chance(0.6):
                    i["file"] = self.pick(CPP_FILES + RUST_FILES)
                if self.chance(0.6):
                    i["line"] = self.pick(LINES)
                inl.append(i)
            f["inlines"] = inl
        if self.chance(0.1):
            f["trust"] = self.pick(["context", "cfi", "scan"])
        return f

    def frames(self):
        r = self.rng
        n = self.pick([0, 1, 2, 3, 3, 4, 5, 6, 8, 10, 15, 25, 40, 45, 60])
        out = []
        for _ in range(n):
            if out and self.chance(0.12):
                out.append(json.loads(json.dumps(out[-1])))
            else:
                out.append(self.frame())
        if n and self.chance(0.1):  # long signature: many prefix frames
            lead = [{"function": self.pick(self.prefix) if self.prefix else "malloc",
                     "module": "xul.dll"} for _ in range(r.randrange(5, 40))]
            out = lead + out
        return out

    def java_trace(self):
        r = self.rng
        sep = self.pick(["\n", "\n", "\r\n", "\r", "\u2028", "\x0b", "\x1c", "\x85", "\u2029", "\x0c"])
        klass = self.pick(JAVA_CLASSES)
        desc = self.pick(["", " message", " at addr @deadbeef", " obj@0123abcd in middle",
                          " ends with @deadbeef", " @DEADBEEF upper", " " + "d" * 300,
                          " msg:with:colons", " ünï", " tab\there"])
        first = klass + (":" + desc if self.chance(0.85) else desc)
        lines = [first]
        for _ in range(r.randrange(0, 4)):
            lines.append(self.pick(["\tat org.mozilla.Foo.bar(Foo.java:123)",
                                    "\tat org.mozilla.Foo.bar(Foo.java)",
                                    "at a.b(C.java:1) ", "\tat a.b(Unknown Source)",
                                    "", "   ", "\tat x.y(Z.java:12)x", "\tat ü.ñ(Ü.java:9)"]))
        s = sep.join(lines)
        if self.chance(0.1):
            s = self.pick(["\n", " ", sep]) + s
        if self.chance(0.05):
            s = ""
        return s

    def java_exception(self):
        st = {}
        if self.chance(0.8):
            st["module"] = self.pick(["java.lang", "", "org.mozilla"])
        if self.chance(0.8):
            st["type"] = self.pick(["IllegalStateException", "", "NullPointerException"])
        if self.chance(0.8):
            frames = []
            for _ in range(self.rng.randrange(0, 3)):
                fr = {}
                if self.chance(0.8):
                    fr["module"] = self.pick(["org.mozilla.Foo", ""])
                if self.chance(0.8):
                    fr["function"] = self.pick(["bar", ""])
                if self.chance(0.6):
                    fr["filename"] = self.pick(["Foo.java", ""])
                if self.chance(0.5):
                    fr["lineno"] = self.pick([1, 12])
                frames.append(fr)
            st["frames"] = frames
        return {"exception": {"values": [{"stacktrace": st}]}}

    def shutdown(self):
        r = self.rng
        if self.chance(0.15):
            return self.pick(["{", "", "[]", "null", "1", '"str"', '{"phase":"x","conditions":"abc"}',
                              '{"conditions":[{"name":"a"}]}', '{"phase":"p","conditions":[{}]}',
                              '{"phase":"p","conditions":[{"name":1},"b"]}', "NaN",
                              '{"phase":"p","conditions":[[1],"a"]}', '{"phase":"p","conditions":{"a":1}}'])
        d = {}
        if self.chance(0.9):
            d["phase"] = self.pick(["profile-before-change", "xpcom-will-shutdown", 1, None, "", "ü-phase"])
        if self.chance(0.9):
            conds = []
            for _ in range(r.randrange(0, 4)):
                c = r.random()
                if c < 0.6:
                    cd = {}
                    if self.chance(0.9):
                        cd["name"] = self.pick(["B", "A", "c", "Ä", "", "x" * 40])
                    if self.chance(0.3):
                        cd["state"] = {"x": 1}
                    conds.append(cd)
                else:
                    conds.append(self.pick(["b", "a", "Z", ""]))
            d["conditions"] = conds if self.chance(0.9) else None
        return json.dumps(d, ensure_ascii=self.chance(0.5))

    def crash(self):
        r = self.rng
        c = {}
        nthreads = self.pick([0, 1, 1, 1, 2, 2, 3])
        threads = []
        for _ in range(nthreads):
            t = {"frames": self.frames()}
            if self.chance(0.1):
                t["last_error_value"] = self.pick(LAST_ERRORS)
            if self.chance(0.05):
                del t["frames"]
            threads.append(t)
        if self.chance(0.95):
            c["threads"] = threads
        ct = r.random()
        if ct < 0.7:
            c["crashing_thread"] = 0
        elif ct < 0.82:
            c["crashing_thread"] = r.randrange(max(1, nthreads + 1))
        elif ct < 0.88:
            c["crashing_thread"] = None
        elif ct < 0.93:
            pass
        else:
            c["crashing_thread"] = self.pick([-1, -2, 2 ** 64, 2 ** 31, 5, 1.0, 0.5])
        if self.chance(0.8):
            c["os"] = self.pick(OSES)
        if self.chance(0.6):
            c["reason"] = self.pick(REASONS)
        if self.chance(0.12):
            c["oom_allocation_size"] = self.pick([0, 1, 262144, 262145, 2 ** 64, 2 ** 70, -1, 1.5,
                                                  262144.9, 1e300, None])
        if self.chance(0.06):
            c["js_large_allocation_failure"] = self.pick(["Reporting", "Recovered", None, "reporting"])
        if self.chance(0.15):
            c["abort_message"] = self.pick(ABORTS)
        if self.chance(0.08):
            c["mdsw_status_string"] = self.pick(["EmptyMinidump", "ERROR_CONVERTING", "", "OK", "ü"])
        if self.chance(0.08):
            c["async_shutdown_timeout"] = self.shutdown()
        if self.chance(0.08):
            c["ipc_channel_error"] = self.pick(IPC_ERRORS)
        if self.chance(0.08):
            c["ipc_message_name"] = self.pick(["PContent::Msg_Foo", "", "ü", "a | b"])
        if self.chance(0.15):
            c["additional_minidumps"] = self.pick(MINIDUMPS)
        if self.chance(0.06):
            c["hang"] = self.pick(["1", "main", "", "ü"])
        if self.chance(0.04):
            c["moz_crash_reason"] = self.pick(["MOZ_RELEASE_ASSERT(parentBuildID == childBuildID)",
                                               "MOZ_CRASH(foo)"])
        if self.chance(0.08):
            c["java_stack_trace"] = self.java_trace()
        if self.chance(0.05):
            c["java_exception"] = self.java_exception()
        if self.chance(0.05):
            c["original_signature"] = self.pick(["old | sig", ""])
        if self.chance(0.03):
            c["hang_type"] = self.pick([-1, 1, 0])
        if self.chance(0.03):
            c["jit_category"] = "JIT Crash"
        return c

    # -- types mode
    def weird(self, depth=0):
        r = self.rng
        k = r.random()
        if k < 0.06:
            return None
        if k < 0.10:
            return self.pick([True, False])
        if k < 0.20:
            return self.pick([0, 1, -1, 2, 2 ** 64, 2 ** 70, -(2 ** 70), 2 ** 63, 2 ** 63 - 1, -(2 ** 63) - 1,
                              262145])
        if k < 0.28:
            return self.pick([1.5, 0.0, -0.0, 1e308, 2.0, 262144.5, 1e20])
        if k < 0.31:
            return self.pick([float("nan"), float("inf"), float("-inf")])
        if k < 0.52:
            return self.pick(["", "x", "0x10", "Windows NT", "ShutDownKill", "upload_file_minidump_browser",
                              "EXCEPTION_STACK_OVERFLOW", "Reporting", "js_Interpret", "RunWatchdog",
                              "ü", "a\tb", "{}", "[]", "null"] + NUMERIC_STRS)
        if k < 0.55:
            return self.pick(["\ud800", "a\udc00b", "\udbff\udfff", "x\ud83d"])
        if k < 0.64:
            return self.pick([[], {}, [""], {"": ""}])
        if k < 0.74:
            if depth > 2:
                return []
            return [self.weird(depth + 1) for _ in range(r.randrange(1, 3))]
        if k < 0.84:
            if depth > 2:
                return {}
            d = {}
            for _ in range(r.randrange(1, 3)):
                d[self.pick(["name", "module", "function", "frames", "0", "x", "phase", "offsets"])] = \
                    self.weird(depth + 1)
            return d
        if k < 0.86:
            return DeepNest(self.pick([50, 500, 900, 5000, 100000]), self.pick(["list", "dict"]))
        return self.function()

    TOP_KEYS = ["threads", "crashing_thread", "os", "reason", "oom_allocation_size",
                "js_large_allocation_failure", "abort_message", "mdsw_status_string",
                "async_shutdown_timeout", "ipc_channel_error", "ipc_message_name",
                "additional_minidumps", "hang", "moz_crash_reason", "java_stack_trace",
                "java_exception", "original_signature"]
    FRAME_KEYS = ["module", "function", "file", "line", "module_offset", "offset", "inlines",
                  "unloaded_modules"]

    def retype(self, c):
        """Replace 1-4 random fields with unexpected JSON values."""
        for _ in range(self.rng.randrange(1, 5)):
            where = self.rng.random()
            threads = c.get("threads") if isinstance(c.get("threads"), list) else []
            frames = []
            for t in threads:
                if isinstance(t, dict) and isinstance(t.get("frames"), list):
                    frames.extend(t["frames"])
            if where < 0.35 or not threads:
                k = self.pick(self.TOP_KEYS)
                if k == "threads" and self.chance(0.3):
                    c[k] = {"0": {"frames": [self.frame() for _ in range(2)]}}
                else:
                    c[k] = self.weird()
            elif where < 0.45:
                i = self.rng.randrange(len(threads))
                if self.chance(0.5):
                    threads[i] = self.weird()
                elif isinstance(threads[i], dict):
                    threads[i][self.pick(["frames", "last_error_value"])] = self.weird()
            elif frames:
                f = self.pick(frames)
                if not isinstance(f, dict):
                    continue
                sub = self.rng.random()
                if sub < 0.1:
                    for t in threads:
                        if isinstance(t, dict) and isinstance(t.get("frames"), list) and t["frames"]:
                            t["frames"][self.rng.randrange(len(t["frames"]))] = self.weird()
                            break
                elif sub < 0.25 and isinstance(f.get("inlines"), list) and f["inlines"]:
                    inl = self.pick(f["inlines"])
                    if isinstance(inl, dict):
                        inl[self.pick(["function", "file", "line"])] = self.weird()
                elif sub < 0.35 and isinstance(f.get("unloaded_modules"), list) and f["unloaded_modules"]:
                    j = self.rng.randrange(len(f["unloaded_modules"]))
                    um = f["unloaded_modules"][j]
                    if isinstance(um, dict) and self.chance(0.7):
                        um[self.pick(["module", "offsets"])] = self.weird()
                    else:
                        f["unloaded_modules"][j] = self.weird()
                else:
                    f[self.pick(self.FRAME_KEYS)] = self.weird()
        return c


def generate(mode, seed, count, siglists):
    rng = random.Random("%s:%d" % (mode, seed))
    gen = CrashGen(rng, siglists)
    out = []
    for _ in range(count):
        c = gen.crash()
        if mode == "types":
            c = gen.retype(c)
        out.append(c)
    return out


# ------------------------------------------------------------------ runners


class DeepNest:
    """A value nested ``n`` levels deep ([[[...]]] or {"a":{"a":...}}), kept
    symbolic so that Python's recursive json/copy code never walks it."""

    def __init__(self, n, kind):
        self.n = n
        self.kind = kind

    def text(self):
        if self.kind == "list":
            return "[" * self.n + "]" * self.n
        return '{"a":' * self.n + "{}" + "}" * self.n

    def placeholder(self):
        return "\x00DEEP:%d:%s\x00" % (self.n, self.kind)


def dumps(doc, indent=None):
    deep = {}

    def default(o):
        if isinstance(o, DeepNest):
            ph = o.placeholder()
            deep[json.dumps(ph)] = o.text()
            return ph
        raise TypeError(type(o).__name__)

    text = json.dumps(doc, allow_nan=True, ensure_ascii=True, default=default, indent=indent,
                      separators=(",", ": ") if indent else (",", ":"))
    for ph, t in deep.items():
        text = text.replace(ph, t)
    return text


class Oracle:
    """A persistent `python3 oracle.py -` process: one JSON line in, one out."""

    def __init__(self, oracle_dir, siglists, head=False, head_parts=None):
        self.cmd = [sys.executable, os.path.join(oracle_dir, "oracle.py"), "-", "--siglists", siglists]
        if head:
            self.cmd.append("--head")
        if head_parts is not None:
            self.cmd += ["--head-parts", ",".join(sorted(head_parts))]
        self.proc = None
        self.cache = {}

    def _start(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                     bufsize=1)

    def run(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        i = 0
        while i < len(todo):
            chunk = todo[i:i + 200]
            i += len(chunk)
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            writer = threading.Thread(target=self._write, args=(chunk,))
            writer.start()
            for t in chunk:
                line = self.proc.stdout.readline()
                if not line:
                    self.cache[t] = {"error": "oracle process died"}
                    self.proc = None
                    continue
                self.cache[t] = json.loads(line)
            writer.join()
        return [self.cache[t] for t in texts]

    def _write(self, chunk):
        try:
            for t in chunk:
                self.proc.stdin.write(t + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Crashbox:
    """Runs `crashbox signature --format json FILE...` over batches of files."""

    def __init__(self, binary, siglists, workdir, timeout, extra_args=()):
        self.binary = binary
        self.base = [binary, "signature", "--format", "json", "--siglists", siglists,
                     "--mozilla-signature-rules"] + list(extra_args)
        self.workdir = workdir
        self.timeout = timeout
        self.cache = {}
        self.calls = 0
        self.seq = 0
        os.makedirs(workdir, exist_ok=True)

    def run(self, texts, batch=250):
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for i in range(0, len(todo), batch):
            self._run_batch(todo[i:i + batch])
        return [self.cache[t] for t in texts]

    def _run_batch(self, texts):
        if not texts:
            return
        self.seq += 1
        d = os.path.join(self.workdir, "b%d" % self.seq)
        os.makedirs(d, exist_ok=True)
        files = []
        for j, t in enumerate(texts):
            p = os.path.join(d, "%d.json" % j)
            with open(p, "w", encoding="utf-8") as fp:
                fp.write(t)
            files.append(p)
        res = self._exec(files)
        if res is None or isinstance(res, dict):
            # crash or timeout: bisect to find the culprit(s)
            if len(texts) == 1:
                self.cache[texts[0]] = res
            else:
                shutil.rmtree(d, ignore_errors=True)
                mid = len(texts) // 2
                self._run_batch(texts[:mid])
                self._run_batch(texts[mid:])
                return
        else:
            rows, stderr = res
            for t, p in zip(texts, files):
                if p in rows:
                    r = rows[p]
                    self.cache[t] = {"signature": r.get("signature"), "notes": r.get("notes", [])}
                else:
                    msg = [ln for ln in stderr.splitlines() if p in ln]
                    self.cache[t] = {"reject": (msg[0].replace(p, "<file>") if msg else "no output row")}
        shutil.rmtree(d, ignore_errors=True)

    def _exec(self, files):
        self.calls += 1
        try:
            # Clean cwd and environment: no ./crashbox.env or CRASHBOX_* settings leak in.
            env = {k: v for k, v in os.environ.items() if not k.startswith("CRASHBOX_")}
            p = subprocess.run(self.base + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=self.timeout, cwd=self.workdir, env=env)
        except subprocess.TimeoutExpired:
            return {"timeout": self.timeout}
        if p.returncode < 0:
            try:
                name = signal.Signals(-p.returncode).name
            except ValueError:
                name = "signal %d" % -p.returncode
            return {"crash": name, "stderr": p.stderr.decode("utf-8", "replace")[-300:]}
        out = p.stdout.decode("utf-8", "replace")
        try:
            arr = json.loads(out)
        except ValueError:
            return {"crash": "bad-output rc=%d" % p.returncode,
                    "stderr": (p.stderr.decode("utf-8", "replace") + out)[-300:]}
        rows = {r.get("input"): r for r in arr if isinstance(r, dict)}
        return rows, p.stderr.decode("utf-8", "replace")


# ------------------------------------------------------------------ compare


def classify(cb, v, h):
    if cb is None:
        return "crash"
    if "crash" in cb:
        return "crash"
    if "timeout" in cb:
        return "timeout"
    if "error" in v:
        return "agree-reject" if "reject" in cb else "py-error"
    if "reject" in cb:
        return "reject"
    if cb.get("signature") == v.get("signature"):
        return "agree"
    if h is not None and "error" not in h and cb.get("signature") == h.get("signature"):
        return "skew"
    return "diff"


class Evaluator:
    def __init__(self, crashbox, oracle, head):
        self.cb = crashbox
        self.oracle = oracle
        self.head = head

    def eval(self, docs):
        texts = [dumps(d) for d in docs]
        cbs = self.cb.run(texts)
        vs = self.oracle.run(texts)
        hs = self.head.run(texts) if self.head else [None] * len(texts)
        return list(zip(cbs, vs, hs))


# ------------------------------------------------------------------ shrinking


def is_leaf(node):
    return not isinstance(node, (dict, list))


def paths(node, prefix=()):
    """All deletable paths (dict keys / list items), parents first."""
    if isinstance(node, dict):
        for k in node:
            yield prefix + (k,)
            yield from paths(node[k], prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


def _key(p):
    return tuple((0, x, "") if isinstance(x, int) else (1, 0, x) for x in p)


def delete_paths(doc, dels):
    doc = copy.deepcopy(doc)
    dels = sorted(set(dels), key=_key, reverse=True)
    done = []
    for p in dels:
        if any(p[:len(q)] == q for q in done):
            continue
        node = doc
        for x in p[:-1]:
            node = node[x]
        del node[p[-1]]
        done.append(p)
    return doc


def get_at(doc, p):
    for x in p:
        doc = doc[x]
    return doc


def set_at(doc, p, val):
    doc = copy.deepcopy(doc)
    node = doc
    for x in p[:-1]:
        node = node[x]
    node[p[-1]] = val
    return doc


def leaves(node, prefix=()):
    """Scalars, DeepNests and empty containers, with their paths."""
    if isinstance(node, (dict, list)) and not node:
        yield prefix, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, prefix + (i,))
    else:
        yield prefix, node


def string_variants(s, limit=24):
    n = len(s)
    out = []
    size = max(1, n // 2)
    while size >= 1 and len(out) < limit:
        for start in range(0, n, size):
            v = s[:start] + s[start + size:]
            if v != s and v not in out:
                out.append(v)
            if len(out) >= limit:
                break
        if size == 1:
            break
        size //= 2
    return out


def depth(node):
    d = 0
    stack = [(node, 1)]
    while stack:
        n, k = stack.pop()
        if isinstance(n, DeepNest):
            k += n.n
        d = max(d, k)
        if isinstance(n, dict):
            stack.extend((v, k + 1) for v in n.values())
        elif isinstance(n, list):
            stack.extend((v, k + 1) for v in n)
    return d


def sig_edits(result):
    """The edits turning Socorro's signature into crashbox's, as a set of
    (op, socorro_text, crashbox_text); None if either side has no signature."""
    cb, v, _ = result
    if not cb or "signature" not in cb or "signature" not in v:
        return None
    # Compare " | "-separated parts: a character-level diff would align
    # unrelated text on common letters.
    a = (v["signature"] or "").split(" | ")
    b = (cb["signature"] or "").split(" | ")
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return frozenset((op, " | ".join(a[i1:i2]), " | ".join(b[j1:j2]))
                     for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def shrink(ev, doc, want, max_rounds=60):
    """Greedy batched delta-debugging keeping classify(...) == want.

    To keep a category meaningful the shrinker must not wander from one cause
    to another: while deleting structure, the edits between the two signatures
    must stay a (non-empty) subset of the original edits (dropping independent
    causes is fine, new differences are not; an edit keeping an original
    non-empty text on one side may change context); while shortening values, the kind
    of edits (insert/delete/replace) must stay the same.
    """
    cur = doc
    rounds = 0
    orig_edits = sig_edits(ev.eval([doc])[0])
    orig_cb = {x[2] for x in orig_edits or () if x[2]}
    orig_so = {x[1] for x in orig_edits or () if x[1]}
    phase = ["struct"]

    def keep_one(r):
        if classify(*r) != want:
            return False
        if orig_edits is None:
            return True
        e = sig_edits(r)
        if not e:
            return False
        if phase[0] == "struct":
            # every edit must be an original one, or carry an original
            # (non-empty) text on one side with only its context changed
            return all(x in orig_edits or (x[2] and x[2] in orig_cb) or (x[1] and x[1] in orig_so)
                       for x in e)
        return {x[0] for x in e} == {x[0] for x in orig_edits} and len(e) <= len(orig_edits)

    def keeps(results):
        return [keep_one(r) for r in results]

    # structural: delete dict keys / list items
    while rounds < max_rounds:
        rounds += 1
        if depth(cur) > 60:  # deep nests: cut a nesting level at a time
            ps = [p for p in paths(cur)]
            cands = [(p,) for p in ps[:200]]
        else:
            cands = [(p,) for p in paths(cur)]
        if not cands:
            break
        docs = [delete_paths(cur, c) for c in cands]
        ok = [c for c, k in zip(cands, keeps(ev.eval(docs))) if k]
        if not ok:
            break
        allp = [p for c in ok for p in c]
        combo = delete_paths(cur, allp)
        if len(ok) > 1 and keeps(ev.eval([combo]))[0]:
            cur = combo
        else:
            cur = delete_paths(cur, ok[0])
    # values: shorten strings, simplify numbers
    phase[0] = "values"
    while rounds < max_rounds:
        rounds += 1
        best = {}
        cands = []
        for p, v in leaves(cur):
            if not p:
                continue
            if isinstance(v, (dict, list)):
                continue
            if isinstance(v, str) and v:
                for s in string_variants(v):
                    cands.append((p, s))
            elif isinstance(v, int) and not isinstance(v, bool) and abs(v) > 1 and abs(v) < 2 ** 63:
                for s in (0, 1):
                    cands.append((p, s))
            elif isinstance(v, DeepNest) and v.n > 1:
                for n in sorted({v.n // 2, min(v.n - 1, 1000), min(v.n - 1, 2000)}):
                    if 0 < n < v.n:
                        cands.append((p, DeepNest(n, v.kind)))
        if not cands:
            break
        docs = [set_at(cur, p, s) for p, s in cands]
        for (p, s), k in zip(cands, keeps(ev.eval(docs))):
            if k:
                old = best.get(p)
                if old is None or size_of(s) < size_of(old):
                    best[p] = s
        if not best:
            break
        combo = cur
        for p, s in best.items():
            combo = set_at(combo, p, s)
        if len(best) > 1 and keeps(ev.eval([combo]))[0]:
            cur = combo
        else:
            p, s = next(iter(best.items()))
            cur = set_at(cur, p, s)
    return cur


# ------------------------------------------------------------------ attribution


class Attributor:
    """Finds which documented post-0eddffe Socorro changes (head_overlay.PARTS)
    turn Socorro's signature into crashbox's, for one example."""

    def __init__(self, oracle_dir, siglists):
        self.oracle_dir = oracle_dir
        self.siglists = siglists
        self.pool = {}
        try:
            out = subprocess.run([sys.executable, os.path.join(oracle_dir, "oracle.py"),
                                  "--list-head-parts"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, timeout=60)
            self.parts = [ln.split("\t")[0] for ln in out.stdout.splitlines() if ln.strip()]
        except (OSError, subprocess.SubprocessError):
            self.parts = []

    def sig(self, parts, text):
        key = frozenset(parts)
        if key not in self.pool:
            self.pool[key] = Oracle(self.oracle_dir, self.siglists, head_parts=key)
        r = self.pool[key].run([text])[0]
        return r.get("signature", r)

    def attribute(self, doc, cb_sig, max_size=4):
        if not self.parts:
            return None
        text = dumps(doc)
        full = self.sig(self.parts, text)
        relevant = [p for p in self.parts
                    if self.sig([q for q in self.parts if q != p], text) != full]
        for k in range(0, min(len(relevant), max_size) + 1):
            for combo in itertools.combinations(relevant, k):
                if self.sig(combo, text) == cb_sig:
                    return list(combo)
        return None

    def close(self):
        for o in self.pool.values():
            o.close()
        self.pool = {}


def attribution_label(kind, parts):
    if parts is None:
        return "not reproduced by Socorro@0eddffe + any subset of the documented changes"
    if not parts:
        return "equals Socorro@0eddffe"
    return "Socorro@0eddffe + " + " + ".join(parts)


# ------------------------------------------------------------------ categories


def size_of(v):
    if isinstance(v, str):
        return len(v)
    if isinstance(v, DeepNest):
        return v.n
    return abs(v)


def type_tag(v):
    if isinstance(v, DeepNest):
        return "deep-%s(%s)" % (v.kind, "<=1000" if v.n <= 1000 else ">1000")
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        if v >= 2 ** 64 or v < -(2 ** 63):
            return "bigint"
        return "int"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Inf"
        return "float"
    if isinstance(v, str):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in v):
            return "surrogate-str"
        if v == "":
            return "empty-str"
        if any(ord(ch) > 127 for ch in v):
            return "nonascii-str"
        return "str"
    if isinstance(v, list):
        return "empty-list"
    if isinstance(v, dict):
        return "empty-dict"
    return type(v).__name__


SPECIAL_TAGS = ("NaN", "Inf", "surrogate-str", "deep-", "bigint")


def category_key(kind, doc, cb):
    feats = set()
    if kind in ("reject", "crash", "timeout", "py-error"):
        # These are about the input as a whole (JSON parsing, nesting): key on
        # the unusual values only, wherever they are.
        tags = sorted({type_tag(v) for _, v in leaves(doc) if type_tag(v).startswith(SPECIAL_TAGS)})
        if tags:
            extra = "/" + cb.get("crash", "?") if kind == "crash" and cb else ""
            return kind + extra + ": any field=" + "+".join(tags)
    for p, v in leaves(doc):
        if not p:
            continue
        name = ".".join("[]" if isinstance(x, int) else str(x) for x in p).replace(".[]", "[]")
        if depth(doc) > 30 and len(name) > 60:
            name = name[:30] + "...(deep)"
        feats.add("%s=%s" % (name, type_tag(v)))
    if not feats:
        feats.add("(empty crash data)")
    extra = ""
    if kind == "crash":
        extra = "/" + cb.get("crash", "?") if cb else ""
    return kind + extra + ": " + ", ".join(sorted(feats))


def _mask(note):
    note = re.sub(r'"[^"]*"', '"…"', note)
    note = re.sub(r"'[^']*'", "'…'", note)
    return re.sub(r"\d+", "N", note)[:120]


def notes_key(cb_notes, so_notes):
    """Key of the first difference between two note lists (masked text)."""
    for a, b in zip(so_notes, cb_notes):
        if a != b:
            return "socorro: %s  /  crashbox: %s" % (_mask(a), _mask(b))
    if len(so_notes) > len(cb_notes):
        return "only socorro: %s" % _mask(so_notes[len(cb_notes)])
    if len(cb_notes) > len(so_notes):
        return "only crashbox: %s" % _mask(cb_notes[len(so_notes)])
    return ""


def dirname_for(key):
    h = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    s = re.sub(r"[^A-Za-z0-9_.=-]+", "_", key)[:90].strip("_")
    return "%s-%s" % (s, h)


# ------------------------------------------------------------------ main


def run_mode(args, mode, ev, outdir):
    docs = generate(mode, args.seed, args.count, args.siglists)
    t0 = time.time()
    results = ev.eval(docs)
    counts = collections.Counter()
    notes_agree = 0
    notes_total = 0
    head_agree = head_total = 0
    note_cats = {}
    mism = []
    for i, (d, r) in enumerate(zip(docs, results)):
        kind = classify(*r)
        counts[kind] += 1
        cb, v, h = r
        if h is not None and "signature" in cb and "signature" in h:
            head_total += 1
            if cb["signature"] == h["signature"]:
                head_agree += 1
            elif kind == "agree":
                counts["agree-but-head-model-differs"] += 1
        if kind in ("agree", "skew", "diff") and "signature" in cb:
            notes_total += 1
            if cb.get("notes") == v.get("notes"):
                notes_agree += 1
            elif kind == "agree":
                nk = notes_key(cb.get("notes") or [], v.get("notes") or [])
                nc = note_cats.setdefault(nk, {"count": 0, "example": None})
                nc["count"] += 1
                if nc["example"] is None:
                    nc["example"] = {"index": i, "crash_data": d, "signature": cb.get("signature"),
                                     "socorro_notes": v.get("notes"), "crashbox_notes": cb.get("notes")}
        if kind not in ("agree", "agree-reject"):
            mism.append((i, d, kind))
    print("[%s] generated+ran %d crashes in %.1fs" % (mode, len(docs), time.time() - t0), flush=True)

    cats = collections.OrderedDict()
    shrunk = 0
    for n, (i, d, kind) in enumerate(mism):
        if shrunk < args.max_shrink:
            small = shrink(ev, d, kind)
            shrunk += 1
        else:
            small = d
        cb, v, h = ev.eval([small])[0]
        if classify(cb, v, h) != kind:  # should not happen; keep the original
            small = d
            cb, v, h = ev.eval([d])[0]
        key = category_key(kind, small, cb)
        if shrunk > args.max_shrink:
            key = "unshrunk/" + key
        cat = cats.setdefault(key, {"count": 0, "examples": [], "indices": []})
        cat["count"] += 1
        cat["indices"].append(i)
        if len(cat["examples"]) < args.examples:
            cat["examples"].append({"index": i, "crash_data": small, "socorro": v,
                                    "socorro_head_model": h, "crashbox": cb,
                                    "original_crash_data": d})
        if (n + 1) % 50 == 0:
            print("[%s] shrunk %d/%d mismatches (%.0fs)" % (mode, n + 1, len(mism), time.time() - t0),
                  flush=True)

    total = len(docs)
    agree = counts["agree"] + counts["agree-reject"]
    summary = {
        "mode": mode, "seed": args.seed, "count": total,
        "signature_agreement": agree / total if total else 1.0,
        "agreement_incl_documented_skew": (agree + counts["skew"]) / total if total else 1.0,
        "notes_agreement_where_both_signed": (notes_agree / notes_total) if notes_total else 1.0,
        "head_model_agreement_where_both_signed": (head_agree / head_total) if head_total else None,
        "kinds": dict(counts),
        "note_categories_where_signatures_agree": sorted(
            ({"key": k, "count": c["count"], "example": c["example"]} for k, c in note_cats.items()),
            key=lambda x: -x["count"]),
        "categories": [],
    }
    # Attribute skew/diff categories to documented Socorro changes (by example 0)
    causes = collections.Counter()
    if args.attribute:
        att = Attributor(args.oracle_dir, args.siglists)
        try:
            for key, cat in cats.items():
                ex = cat["examples"][0]
                if key.startswith(("skew", "diff")) and "signature" in (ex["crashbox"] or {}):
                    parts = att.attribute(ex["crash_data"], ex["crashbox"]["signature"])
                    cat["attribution"] = attribution_label(key.split(":")[0], parts)
                    causes[(key.split(":")[0], cat["attribution"])] += cat["count"]
        finally:
            att.close()
    summary["causes"] = [{"kind": k, "explained_by": a, "count": c}
                         for (k, a), c in causes.most_common()]

    mdir = os.path.join(outdir, mode)
    os.makedirs(mdir, exist_ok=True)
    for key, cat in sorted(cats.items(), key=lambda kv: -kv[1]["count"]):
        cdir = os.path.join(mdir, dirname_for(key))
        os.makedirs(cdir, exist_ok=True)
        for j, ex in enumerate(cat["examples"]):
            with open(os.path.join(cdir, "example-%d.json" % j), "w", encoding="utf-8") as fp:
                fp.write(dumps(ex, indent=2) + "\n")
            with open(os.path.join(cdir, "example-%d.crash.json" % j), "w", encoding="utf-8") as fp:
                fp.write(dumps(ex["crash_data"]) + "\n")
        with open(os.path.join(cdir, "category.txt"), "w", encoding="utf-8") as fp:
            fp.write("%s\ncount: %d\nattribution: %s\nindices: %s\n"
                     % (key, cat["count"], cat.get("attribution"), cat["indices"][:200]))
        ex = cat["examples"][0]
        summary["categories"].append({
            "key": key, "dir": os.path.relpath(cdir, outdir), "count": cat["count"],
            "attribution": cat.get("attribution"),
            "example": {"crash_data": ex["crash_data"],
                        "socorro": ex["socorro"].get("signature", ex["socorro"]),
                        "socorro_head_model": (ex["socorro_head_model"] or {}).get("signature"),
                        "crashbox": (ex["crashbox"] or {}).get("signature", ex["crashbox"])}})
    with open(os.path.join(mdir, "summary.json"), "w", encoding="utf-8") as fp:
        fp.write(dumps(summary, indent=2) + "\n")
    return summary


def print_summary(s, verbose):
    print("== mode %s (seed %d, %d crashes)" % (s["mode"], s["seed"], s["count"]))
    print("   signature agreement with Socorro: %.2f%%" % (100 * s["signature_agreement"]))
    print("   agreement counting documented post-0eddffe changes (skew) as agreement: %.2f%%"
          % (100 * s["agreement_incl_documented_skew"]))
    print("   notes agreement (both signed): %.2f%%" % (100 * s["notes_agreement_where_both_signed"]))
    if s.get("head_model_agreement_where_both_signed") is not None:
        print("   agreement with the SOCORRO.md-HEAD model (both signed): %.2f%%"
              % (100 * s["head_model_agreement_where_both_signed"]))
    print("   kinds: %s" % ", ".join("%s=%d" % kv for kv in sorted(s["kinds"].items())))
    nc = s.get("note_categories_where_signatures_agree") or []
    if nc:
        print("   notes differences where the signatures agree (first differing note):")
        for c in nc[:15]:
            print("   (%4d) %s" % (c["count"], c["key"]))
    if s.get("causes"):
        print("   mismatches by explanation (attribution of each category's first example):")
        for c in s["causes"]:
            print("   {%4d} %s: %s" % (c["count"], c["kind"], c["explained_by"]))
    if s["categories"]:
        print("   signature mismatch categories:")
    for c in s["categories"]:
        print("   [%4d] %s" % (c["count"], c["key"]))
        if verbose and c.get("attribution"):
            print("          => %s" % c["attribution"])
        if verbose:
            e = c["example"]
            print("          crash:    %s" % dumps(e["crash_data"])[:300])
            print("          socorro:  %r" % (e["socorro"],))
            print("          head:     %r" % (e["socorro_head_model"],))
            print("          crashbox: %r" % (e["crashbox"],))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--mode", choices=["stress", "types", "both"], default="both")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--crashbox", default=DEFAULT_CRASHBOX)
    ap.add_argument("--oracle-dir", default=DEFAULT_ORACLE_DIR,
                    help="directory holding oracle.py + socorro/signature (README.md)")
    ap.add_argument("--siglists", default=DEFAULT_SIGLISTS)
    ap.add_argument("--out", default="/tmp/sigdiff/out")
    ap.add_argument("--examples", type=int, default=3, help="examples kept per category (K)")
    ap.add_argument("--max-shrink", type=int, default=100000,
                    help="shrink at most this many mismatches per mode")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per crashbox call")
    ap.add_argument("--no-attribute", dest="attribute", action="store_false",
                    help="do not attribute skew/diff categories to documented Socorro changes")
    ap.add_argument("--no-head", action="store_true",
                    help="do not run the SOCORRO.md-HEAD model oracle (no skew classification)")
    ap.add_argument("--dump", metavar="FILE",
                    help="only write the generated crash data (JSON lines) to FILE and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    modes = ["stress", "types"] if args.mode == "both" else [args.mode]
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fp:
            for m in modes:
                for d in generate(m, args.seed, args.count, args.siglists):
                    fp.write(dumps(d) + "\n")
        return 0
    if not os.path.isfile(os.path.join(args.oracle_dir, "oracle.py")):
        print("sigdiff: no Socorro oracle in %s (oracle.py missing); see tools/sigdiff/README.md "
              "for how to set it up. Skipping." % args.oracle_dir, file=sys.stderr)
        return EXIT_SKIP
    if not os.access(args.crashbox, os.X_OK):
        print("sigdiff: crashbox binary %s not found/executable (--crashbox)" % args.crashbox,
              file=sys.stderr)
        return 2
    if not os.path.isdir(args.siglists):
        print("sigdiff: siglists dir %s not found (--siglists)" % args.siglists, file=sys.stderr)
        return 2

    if os.path.isdir(args.out):
        for m in modes:
            shutil.rmtree(os.path.join(args.out, m), ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(os.path.dirname(os.path.abspath(args.out)), "work-%d" % os.getpid())
    os.makedirs(work, exist_ok=True)
    # Snapshot the binary: it may be relinked by a build while we run.
    binary = os.path.join(work, "crashbox")
    for attempt in range(30):
        try:
            shutil.copy2(args.crashbox, binary)
            subprocess.run([binary, "signature", "--help"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True, timeout=30)
            break
        except (OSError, subprocess.SubprocessError):
            time.sleep(10)
    else:
        print("sigdiff: cannot run %s" % args.crashbox, file=sys.stderr)
        return 2
    with open(binary, "rb") as fp:
        digest = hashlib.sha256(fp.read()).hexdigest()[:16]
    print("crashbox %s (sha256 %s, mtime %s)" % (args.crashbox, digest,
          time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(args.crashbox)))),
          flush=True)
    cb = Crashbox(binary, args.siglists, work, args.timeout)
    oracle = Oracle(args.oracle_dir, args.siglists)
    head = None if args.no_head else Oracle(args.oracle_dir, args.siglists, head=True)
    ev = Evaluator(cb, oracle, head)
    summaries = []
    try:
        for m in modes:
            summaries.append(run_mode(args, m, ev, args.out))
    finally:
        oracle.close()
        if head:
            head.close()
        shutil.rmtree(work, ignore_errors=True)
    for s in summaries:
        print_summary(s, args.verbose)
    print("crashbox calls: %d; details in %s" % (cb.calls, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
