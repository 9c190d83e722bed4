#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Generates N processed crashes as JSON lines (what `crashbox import -` reads).

Seeded: the same --seed, --count and --end give the same bytes, whatever
--jobs is (work is cut into fixed chunks, each with its own generator seeded
from (seed, chunk number)). See README.md for the spread and the fields.
"""

import argparse
import bisect
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import sys

CHUNK = 5000  # crashes per work unit; part of the output's definition
WINDOW_DAYS = 90
MAX_COUNT = 50_000_000  # a bound on --count, so a typo does not fill the disk
MAX_TEMPLATE_BYTES = 64 << 20  # a template file larger than this is skipped
MAX_TEMPLATES = 10_000

# ---------------------------------------------------------------------------
# Vocabulary. Signatures are built from these pools: a rank's signature is a
# pure function of (seed, rank), so the Zipf head is the same in every chunk.

NAMESPACES = [
    "mozilla::dom", "mozilla::net", "mozilla::layers", "mozilla::gfx",
    "mozilla::ipc", "mozilla::a11y", "mozilla::widget", "mozilla::image",
    "mozilla::media", "mozilla::webgl", "mozilla::wr", "js::jit", "js::gc",
    "js::frontend", "nsDocShell", "nsThread", "nsGlobalWindowInner",
    "webrender::renderer", "style::properties", "neqo_transport::connection",
    "core::result", "wgpu_core::device", "skia", "angle::gl", "glean_core",
]
CLASSES = [
    "ContentParent", "BrowserChild", "WindowGlobalChild", "HttpChannelChild",
    "CompositorBridgeParent", "APZCTreeManager", "DrawTargetD2D1",
    "CanvasRenderingContext2D", "HTMLMediaElement", "MediaDecoderStateMachine",
    "WebGLContext", "RenderThread", "Document", "Element", "PresShell",
    "nsRefreshDriver", "TextureClient", "SharedSurface", "IdleTaskRunner",
    "ScriptLoader", "CacheIndex", "Connection", "Shmem", "MessageChannel",
    "Zone", "Arena", "BaselineCompiler", "Parser", "TaskController",
]
METHODS = [
    "Init", "Destroy", "Recv__delete__", "ActorDestroy", "OnMessageReceived",
    "Paint", "Composite", "UpdateRenderMode", "Flush", "RunTask", "Shutdown",
    "SendRequest", "OnStopRequest", "Allocate", "Release", "Lock", "Unlock",
    "DecodeFrame", "Seek", "Resize", "CreateTexture", "Present", "Collect",
    "Sweep", "Trace", "Compile", "ParseScript", "Dispatch", "ProcessNextEvent",
]
SPECIAL_SIGNATURES = [
    ("OOM | small", 0.9),
    ("OOM | large | mozalloc_abort | mozalloc_handle_oom", 0.5),
    ("IPCError-browser | ShutDownKill", 0.8),
    ("shutdownhang | NtWaitForAlertByThreadId | RtlSleepConditionVariableSRW",
     0.4),
    ("AsyncShutdownTimeout | profile-before-change | QuotaManager", 0.3),
    ("EMPTY: no crashing thread identified; ERROR_NO_MINIDUMP_HEADER", 0.3),
    ("core::option::expect_failed | webrender::renderer::Renderer::render",
     0.3),
    ("java.lang.IllegalStateException: at androidx.fragment.app."
     "FragmentManager.checkStateLoss(FragmentManager.java)", 0.3),
]
N_SIGNATURES = 20_000  # ranks of the Zipf law; thousands show up in 100k
ZIPF_S = 1.07

MODULE_POOL = {
    "Windows NT": ["xul.dll", "ntdll.dll", "kernelbase.dll", "mozglue.dll",
                   "nss3.dll", "d3d11.dll", "nvwgf2umx.dll", "igd10iumd64.dll",
                   "ucrtbase.dll", "user32.dll", "firefox.exe"],
    "Mac OS X": ["XUL", "libsystem_kernel.dylib", "libsystem_pthread.dylib",
                 "libmozglue.dylib", "CoreFoundation", "AppKit", "Metal",
                 "firefox"],
    "Linux": ["libxul.so", "libc.so.6", "libglib-2.0.so.0", "libmozgtk.so",
              "libgtk-3.so.0", "libnss3.so", "libpthread.so.0", "firefox-bin"],
    "Android": ["libxul.so", "libc.so", "libart.so", "libmozglue.so",
                "libandroid_runtime.so", "libEGL.so", "libGLESv2_adreno.so",
                "app_process64"],
}

PLATFORMS = {
    # os_name: [(os_version, os_pretty_version, weight)], cpu_arch weights
    "Windows NT": ([("10.0.19045", "Windows 10", 45), ("10.0.22631",
                    "Windows 11", 40), ("10.0.26100", "Windows 11", 10),
                    ("6.1.7601 Service Pack 1", "Windows 7", 5)],
                   [("amd64", 85), ("x86", 10), ("arm64", 5)]),
    "Mac OS X": ([("14.6.1 23G93", "macOS 14", 50), ("15.0.1 24A348",
                  "macOS 15", 30), ("13.6.9 22G830", "macOS 13", 20)],
                 [("arm64", 60), ("amd64", 40)]),
    "Linux": ([("6.8.0-45-generic #45-Ubuntu SMP", "Linux", 50),
               ("6.10.11-200.fc40.x86_64", "Linux", 30),
               ("5.15.0-122-generic #132-Ubuntu SMP", "Linux", 20)],
              [("amd64", 95), ("arm64", 5)]),
    "Android": ([("0.0.0 Linux 5.15.137-android14-11 #1 SMP PREEMPT",
                  "Android 14", 45),
                 ("0.0.0 Linux 5.10.198-android13-4 #1 SMP PREEMPT",
                  "Android 13", 35),
                 ("0.0.0 Linux 4.19.191 #1 SMP PREEMPT", "Android 11", 20)],
                [("arm64", 82), ("arm", 15), ("amd64", 3)]),
}
REASONS = {
    "Windows NT": [("EXCEPTION_ACCESS_VIOLATION_READ", 55),
                   ("EXCEPTION_ACCESS_VIOLATION_WRITE", 15),
                   ("EXCEPTION_BREAKPOINT", 15),
                   ("EXCEPTION_ACCESS_VIOLATION_EXEC", 5),
                   ("EXCEPTION_ILLEGAL_INSTRUCTION", 3),
                   ("EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT",
                    7)],
    "Mac OS X": [("EXC_BAD_ACCESS / KERN_INVALID_ADDRESS", 60),
                 ("EXC_BREAKPOINT / EXC_ARM_BREAKPOINT", 20),
                 ("EXC_BAD_ACCESS / EXC_I386_GPFLT", 10),
                 ("EXC_BAD_INSTRUCTION / EXC_I386_INVOP", 10)],
    "Linux": [("SIGSEGV / SEGV_MAPERR", 65), ("SIGSEGV / SEGV_ACCERR", 10),
              ("SIGABRT", 15), ("SIGILL / ILL_ILLOPN", 5), ("SIGTRAP", 5)],
    "Android": [("SIGSEGV / SEGV_MAPERR", 60), ("SIGABRT", 25),
                ("SIGTRAP", 5), ("SIGBUS / BUS_ADRALN", 10)],
}
PROCESS_TYPES = [("parent", 35), ("content", 45), ("gpu", 10), ("rdd", 5),
                 ("utility", 5)]
URL_SITES = ["https://www.youtube.com/watch?v=", "https://docs.google.com/"
             "document/d/", "https://mail.example.org/inbox/", "https://"
             "www.reddit.com/r/firefox/comments/", "https://en.wikipedia.org/"
             "wiki/Special:Random?x=", "https://github.com/mozilla/gecko-dev/"
             "issues/", "https://maps.example.com/@", "https://shop.example."
             "net/cart?id="]
COMMENTS = ["it crashed while watching a video", "happens every time I open "
            "my bank's site", "Firefox closed when I clicked print",
            "crash on startup after the update", "was typing in a form",
            "tab crashed during a video call", "playing a game in the browser",
            "no idea, it just closed", "switching between tabs quickly"]
LOCALES = [("en-US", 45), ("de", 12), ("fr", 9), ("es-ES", 6), ("ru", 6),
           ("ja", 5), ("pl", 4), ("pt-BR", 5), ("zh-CN", 4), ("it", 4)]
ANDROID_DEVICES = [("samsung", "SM-S918B", "Samsung"), ("samsung", "SM-A546B",
                   "Samsung"), ("google", "Pixel 8", "Google"), ("xiaomi",
                   "2201117TG", "Xiaomi"), ("oneplus", "CPH2449", "OnePlus"),
                   ("motorola", "moto g54 5G", "motorola")]
ADDONS = ["uBlock0@raymondhill.net:1.60.0", "{446900e4-71c2-419f-a6a7-"
          "df9c091e268b}:2024.9.1", "jid1-MnnxcxisBPnSXQ@jetpack:2024.8.15",
          "formautofill@mozilla.org:1.0.1", "screenshots@mozilla.org:39.0.1",
          "webcompat@mozilla.org:130.5.0"]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


class Products:
    """Release trains: a version is the one live on the crash's date, so
    versions, betas and build ids agree with dates as they would in a real
    data set (a new major every 28 days; betas b1..b9 within the cycle)."""

    def __init__(self, start):
        self.start = start  # datetime of the window's start (UTC)

    # (product, weight, platforms, channels(weight), first major)
    TABLE = [
        ("Firefox", 66, [("Windows NT", 75), ("Mac OS X", 13), ("Linux", 12)],
         [("release", 62), ("beta", 18), ("nightly", 12), ("esr", 8)], 128),
        ("Fenix", 20, [("Android", 100)],
         [("release", 75), ("beta", 15), ("nightly", 10)], 128),
        ("Thunderbird", 8, [("Windows NT", 70), ("Linux", 18),
                            ("Mac OS X", 12)],
         [("release", 60), ("esr", 30), ("beta", 10)], 128),
        ("Focus", 6, [("Android", 100)], [("release", 85), ("beta", 15)],
         128),
    ]

    def version(self, rng, product, first_major, channel, day):
        """(version, build id) for a crash on day `day` of the window."""
        cycle = int(day // 28)
        major = first_major + cycle
        in_cycle = day - cycle * 28
        if channel == "release":
            # A fifth of release crashes come from last cycle's version.
            if cycle > 0 and rng.random() < 0.2:
                major -= 1
                in_cycle += 28
            dot = 1 if in_cycle >= 12 else 0
            version = f"{major}.0" + (f".{dot}" if dot else "")
            built = (major - first_major) * 28 + (12 if dot else 0) - 3
        elif channel == "beta":
            beta = min(9, 1 + int(in_cycle // 3))
            version = f"{major + 1}.0b{beta}"
            built = cycle * 28 + (beta - 1) * 3 - 1
        elif channel == "nightly":
            version = f"{major + 2}.0a1"
            built = day - rng.choice((0, 0, 0, 1, 1, 2, 5))
        else:  # esr
            minor = 2 + cycle
            version = (f"115.{minor + 12}.0esr" if product == "Firefox"
                       and rng.random() < 0.3 else f"128.{minor}.0esr")
            built = cycle * 28 - 4
        when = self.start + dt.timedelta(days=built, hours=(major * 7) % 24,
                                         minutes=(major * 13) % 60)
        return version, major, when.strftime("%Y%m%d%H%M%S")


PRODUCT_WEIGHTS = [(p[0], p[1]) for p in Products.TABLE]
PRODUCT_ROWS = {p[0]: p for p in Products.TABLE}


class Signatures:
    """Rank → signature and its habits (favourite product, platform,
    process type), a pure function of (seed, rank)."""

    def __init__(self, seed):
        self.seed = seed
        self.cache = {}
        weights = [1.0 / (r ** ZIPF_S) for r in range(1, N_SIGNATURES + 1)]
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)

    def draw(self, rng):
        rank = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
        return self.get(rank)

    def get(self, rank):
        sig = self.cache.get(rank)
        if sig is None:
            sig = self.cache[rank] = self._make(rank)
        return sig

    def _make(self, rank):
        r = random.Random(f"{self.seed}/signature/{rank}")
        special = None
        if rank < 40:
            # Some of the head are Socorro's familiar special signatures.
            special = SPECIAL_SIGNATURES[rank % len(SPECIAL_SIGNATURES)] \
                if rank % 5 == 1 else None
        frames = []
        for _ in range(r.choice((1, 2, 2, 3, 3, 4))):
            ns, cls, meth = r.choice(NAMESPACES), r.choice(CLASSES), \
                r.choice(METHODS)
            frames.append(f"{ns}::{cls}::{meth}")
        if special is not None:
            text = special[0]
        else:
            text = " | ".join(frames)
            if rank >= 40 and r.random() < 0.15:
                text = "shutdownhang | " + text
            elif rank >= 40 and r.random() < 0.1:
                text = "OOM | small | " + frames[0]
        product = weighted(r, PRODUCT_WEIGHTS)
        return {
            "text": text,
            "frames": frames,
            "product": product,  # favourite product
            "platform_bias": r.random(),
            "process_type": weighted(r, PROCESS_TYPES),
            "module_index": r.randrange(0, 4),
            "line": r.randrange(20, 4000),
        }


class Templates:
    """Stacks and modules from processed crashes (--templates), or none."""

    def __init__(self, directory):
        self.items = []
        if directory:
            self._load(directory)

    def _load(self, directory):
        for root, _, files in os.walk(directory):
            for name in sorted(files):
                if len(self.items) >= MAX_TEMPLATES:
                    return
                path = os.path.join(root, name)
                try:
                    if os.path.getsize(path) > MAX_TEMPLATE_BYTES:
                        print(f"gencrashes: {path}: over {MAX_TEMPLATE_BYTES}"
                              " bytes, skipped", file=sys.stderr)
                        continue
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (OSError, UnicodeDecodeError) as e:
                    print(f"gencrashes: {path}: {e}", file=sys.stderr)
                    continue
                docs = []
                try:
                    docs = [json.loads(text)]
                except ValueError:
                    for line in text.splitlines():  # JSON lines
                        try:
                            docs.append(json.loads(line))
                        except ValueError:
                            pass
                for doc in docs:
                    t = self._template(doc)
                    if t is not None:
                        self.items.append(t)
        self.items.sort(key=lambda t: json.dumps(t, sort_keys=True))

    @staticmethod
    def _template(doc):
        if not isinstance(doc, dict):
            return None
        jd = doc.get("json_dump")
        if not isinstance(jd, dict):
            return None
        thread = jd.get("crashing_thread")
        if not isinstance(thread, dict):
            threads = jd.get("threads") or []
            idx = (jd.get("crash_info") or {}).get("crashing_thread")
            thread = threads[idx] if isinstance(idx, int) and 0 <= idx < len(
                threads) and isinstance(threads[idx], dict) else None
        if thread is None or not isinstance(thread.get("frames"), list):
            return None
        frames = [f for f in thread["frames"][:10] if isinstance(f, dict)]
        used = {f.get("module") for f in frames}
        modules = [m for m in (jd.get("modules") or [])
                   if isinstance(m, dict) and m.get("filename") in used][:6]
        if not frames:
            return None
        return {"frames": frames, "modules": modules,
                "signature": doc.get("signature")}


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def dumps(value):
    return _ENCODER.encode(value)


def hexaddr(value, arch):
    width = 8 if arch in ("x86", "arm") else 16
    return "0x" + format(value & ((1 << (4 * width)) - 1), f"0{width}x")


def fake_debug_id(name):
    return hashlib.md5(name.encode()).hexdigest().upper() + "0"


class Generator:
    def __init__(self, seed, end, templates):
        self.seed = seed
        self.end = end
        self.start = end - dt.timedelta(days=WINDOW_DAYS)
        self.products = Products(self.start)
        self.signatures = Signatures(seed)
        self.templates = templates
        self.json_dump_cache = {}

    def chunk(self, number, count, want_tsv):
        rng = random.Random(f"{self.seed}/chunk/{number}")
        lines, rows = [], []
        for _ in range(count):
            crash, json_dump = self.crash(rng)
            lines.append(dumps(crash)[:-1] + ',"json_dump":' + json_dump + "}")
            if want_tsv:
                rows.append(tsv_row(crash))
        return "\n".join(lines) + "\n", ("\n".join(rows) + "\n"
                                         if want_tsv else "")

    def crash(self, rng):
        sig = self.signatures.draw(rng)
        # Dates: uniform over the window, weekends a little quieter.
        while True:
            offset = rng.random() * WINDOW_DAYS * 86400
            when = self.start + dt.timedelta(seconds=offset,
                                             microseconds=rng.randrange(10**6))
            if when.weekday() < 5 or rng.random() < 0.8:
                break
        day = offset / 86400
        name = sig["product"] if rng.random() < 0.7 else weighted(
            rng, PRODUCT_WEIGHTS)
        product, _, platforms, channels, first_major = PRODUCT_ROWS[name]
        channel = weighted(rng, channels)
        version, major, build = self.products.version(
            rng, product, first_major, channel, day)
        if len(platforms) > 1 and rng.random() < sig["platform_bias"]:
            os_name = platforms[0][0]  # a signature that sticks to one OS
        else:
            os_name = weighted(rng, platforms)
        os_versions, arches = PLATFORMS[os_name]
        os_version, os_pretty = None, None
        x = rng.random() * sum(w for *_, w in os_versions)
        for v, pretty, w in os_versions:
            x -= w
            if x < 0:
                os_version, os_pretty = v, pretty
                break
        if os_version is None:
            os_version, os_pretty = os_versions[-1][0], os_versions[-1][1]
        arch = weighted(rng, arches)
        if os_name == "Android":
            process_type = sig["process_type"] if sig["process_type"] in (
                "parent", "content", "gpu") else "parent"
        else:
            process_type = sig["process_type"] if rng.random() < 0.7 else \
                weighted(rng, PROCESS_TYPES)
        reason = weighted(rng, REASONS[os_name])
        a = rng.random()
        if a < 0.3:
            address = 0
        elif a < 0.6:
            address = rng.choice((8, 0x10, 0x18, 0x28, 0x40, 0x1a0))
        elif a < 0.7:
            address = 0xE5E5E5E5E5E5E5E5 + rng.randrange(0, 0x40)
        else:
            address = rng.getrandbits(47) & ~0x7
        uptime = int(rng.lognormvariate(6.0, 2.2))
        if uptime > 30 * 86400:
            uptime = rng.randrange(0, 30 * 86400)
        install_age = uptime + int(rng.expovariate(1 / (40 * 86400)))
        crash_time = int(when.timestamp()) - rng.randrange(1, 30)
        uid = rng.getrandbits(128)
        uid = (uid & ~(0xF << 76)) | (0x4 << 76)  # UUID4 version nibble
        uid = (uid & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
        h = format(uid, "032x")
        # Socorro's id: a UUID4 whose last 7 characters are the throttle
        # digit (0, accepted) and the YYMMDD of the day it was received.
        crash_id = (f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:25]}0"
                    + when.strftime("%y%m%d"))
        iso = when.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        cpu_count = rng.choice((2, 4, 4, 8, 8, 12, 16))
        crash = {
            "uuid": crash_id,
            "crash_id": crash_id,
            "signature": sig["text"],
            "proto_signature": " | ".join(sig["frames"]),
            "product": product,
            "version": version,
            "major_version": major,
            "release_channel": channel,
            "build": build,
            "date_processed": iso,
            "submitted_timestamp": iso,
            "crash_time": crash_time,
            "client_crash_date": dt.datetime.fromtimestamp(
                crash_time, dt.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%S+00:00"),
            "uptime": uptime,
            "install_age": install_age,
            "install_time": crash_time - install_age,
            "last_crash": rng.choice((None, 3600, 86400 * 3, 120)),
            "os_name": os_name,
            "os_version": os_version,
            "os_pretty_version": os_pretty,
            "cpu_arch": arch,
            "cpu_count": cpu_count,
            "cpu_info": f"family 6 model {rng.choice((142, 154, 165, 183))} "
                        f"stepping {rng.randrange(1, 13)}",
            "reason": reason,
            "address": hexaddr(address, arch),
            "crashing_thread": 0,
            "crashing_thread_name": {"parent": "MainThread",
                                     "content": "MainThread",
                                     "gpu": "Renderer",
                                     "rdd": "MediaPDecoder #1",
                                     "utility": "MainThread"}[process_type],
            "process_type": process_type,
            "report_type": "hang" if sig["text"].startswith("shutdownhang")
            else "crash",
            "success": True,
            "startup_crash": uptime < 60,
            "safe_mode": rng.random() < 0.01,
            "dom_fission_enabled": os_name != "Android",
            "useragent_locale": weighted(rng, LOCALES),
            "total_physical_memory": rng.choice((4, 8, 8, 16, 16, 32)) << 30,
            "available_virtual_memory": rng.getrandbits(36),
            "system_memory_use_percentage": rng.randrange(30, 99),
            "addons": rng.sample(ADDONS, rng.randrange(0, 4)),
            "addons_checked": True,
            "mdsw_status_string": "OK",
            "mdsw_return_code": 0,
            "stackwalk_version": "gencrashes",
            "processor_notes": "gencrashes: synthetic crash",
            "processor_history": [],
            "minidump_sha256_hash": hashlib.sha256(
                crash_id.encode()).hexdigest(),
            "thread_count": rng.randrange(20, 120),
        }
        if sig["text"].startswith("OOM"):
            crash["oom_allocation_size"] = rng.choice(
                (32, 256, 4096, 1 << 20, 1 << 26))
        if rng.random() < 0.05:
            crash["moz_crash_reason"] = rng.choice(
                ("MOZ_RELEASE_ASSERT(isSome())", "MOZ_CRASH(Shutdown hanging)",
                 "MOZ_DIAGNOSTIC_ASSERT(mRefCnt > 0)"))
        if os_name == "Android":
            brand, model, maker = rng.choice(ANDROID_DEVICES)
            crash.update({"android_brand": brand, "android_model": model,
                          "android_manufacturer": maker,
                          "android_version": os_pretty.split()[-1] + " (REL)",
                          "android_cpu_abi": {"arm64": "arm64-v8a",
                                              "arm": "armeabi-v7a"}.get(
                                                  arch, "x86_64")})
        # Protected fields: a URL for most, an email and a comment for some.
        if rng.random() < 0.6:
            crash["url"] = rng.choice(URL_SITES) + format(
                rng.getrandbits(40), "x")
        if rng.random() < 0.05:
            crash["email"] = f"user{rng.randrange(10**6)}@example.com"
        if rng.random() < 0.04:
            crash["user_comments"] = rng.choice(COMMENTS)
        json_dump = self.add_stack(rng, crash, sig, os_name, arch, address)
        return crash, json_dump

    def add_stack(self, rng, crash, sig, os_name, arch, address):
        """Sets the stack summaries and returns the json_dump as JSON text.

        The frames and modules of a (signature, platform, arch) are built and
        serialized once and spliced in as text: re-serializing the same
        nested objects for every crash was most of the generator's time."""
        if self.templates.items:
            # The signature's habits pick its template, so one signature
            # keeps one stack (as real crashes of a signature share theirs).
            key = (sig["module_index"] * 7919 + sig["line"]) % len(
                self.templates.items)
        else:
            key = (sig["text"], os_name, arch)
        cached = self.json_dump_cache.get(key)
        if cached is None:
            if self.templates.items:
                t = self.templates.items[key]
                frames, modules = t["frames"], t["modules"]
            else:
                frames, modules = self.synthetic_stack(
                    sig, os_name, arch, MODULE_POOL[os_name])
            cached = (
                dumps(frames), dumps(modules), len(frames),
                ";".join(f"{m.get('debug_file')}/{m.get('debug_id')}"
                         for m in modules[:3]),
                next((f["file"] for f in frames
                      if isinstance(f.get("file"), str)), None))
            if len(self.json_dump_cache) < 50_000:
                self.json_dump_cache[key] = cached
        frames_text, modules_text, frame_count, in_stack, topmost = cached
        crash["modules_in_stack"] = in_stack
        crash["topmost_filenames"] = topmost
        head = dumps({
            "status": "OK",
            "thread_count": crash["thread_count"],
            "main_module": 0,
            "crash_info": {"type": crash["reason"],
                           "address": hexaddr(address, arch),
                           "crashing_thread": 0},
            "system_info": {"os": os_name, "os_ver": crash["os_version"],
                            "cpu_arch": arch, "cpu_info": crash["cpu_info"],
                            "cpu_count": crash["cpu_count"]},
        })
        return (head[:-1] + ',"modules":' + modules_text +
                ',"crashing_thread":{"threads_index":0,"thread_name":' +
                dumps(crash["crashing_thread_name"]) + ',"frame_count":' +
                str(frame_count) + ',"frames":' + frames_text + '}}')

    def synthetic_stack(self, sig, os_name, arch, modules_pool):
        r = random.Random(f"{self.seed}/stack/{sig['text']}/{os_name}/{arch}")
        main = modules_pool[0]
        names = [main] + r.sample(modules_pool[1:], 2)
        modules, base = [], 0x7FF800000000 if arch in ("amd64", "arm64") \
            else 0x60000000
        for name in names:
            size = r.randrange(1, 200) << 16
            stem = name.split(".")[0]
            modules.append({
                "base_addr": hexaddr(base, arch),
                "end_addr": hexaddr(base + size, arch),
                "filename": name,
                "code_id": format(r.getrandbits(64), "x"),
                "debug_file": stem + (".pdb" if os_name == "Windows NT"
                                      else ""),
                "debug_id": fake_debug_id(f"{name}/{sig['module_index']}"),
                "version": "130.0.1.9123",
                "missing_symbols": False,
            })
            base += size + (1 << 20)
        frames = []
        functions = sig["frames"] + [
            f"{r.choice(NAMESPACES)}::{r.choice(CLASSES)}::{r.choice(METHODS)}"
            for _ in range(r.randrange(3, 6))]
        for i, fn in enumerate(functions[:r.randrange(3, 6)]):
            module = names[0] if i < len(sig["frames"]) or r.random() < 0.6 \
                else r.choice(names[1:])
            offset = r.randrange(0x1000, 0x2000000)
            frame = {"frame": i, "trust": "context" if i == 0 else
                     r.choice(("cfi", "cfi", "frame_pointer", "scan")),
                     "module": module, "module_offset": hex(offset),
                     "function": fn, "function_offset": hex(
                         r.randrange(0, 0x400)),
                     "missing_symbols": False}
            if module == names[0]:
                path = fn.split("::")[-2] if "::" in fn else fn
                frame["file"] = ("hg:hg.mozilla.org/mozilla-central:"
                                 f"src/{path}.cpp:{r.getrandbits(40):x}")
                frame["line"] = sig["line"] + i * 17
            frames.append(frame)
        return frames, modules


# PostgreSQL side of the bench: the typed columns the queries read, in the
# order of bench/search.sh's CREATE TABLE.
TSV_COLUMNS = ["uuid", "date_processed", "product", "version",
               "release_channel", "os_name", "os_version", "process_type",
               "signature", "build", "uptime", "cpu_arch", "reason", "address",
               "url", "email", "user_comments"]


def tsv_escape(value):
    if value is None:
        return "\\N"
    s = str(value)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace(
        "\n", "\\n").replace("\r", "\\r")


def tsv_row(crash):
    return "\t".join(tsv_escape(crash.get(c)) for c in TSV_COLUMNS)


_GENERATOR = None


def _init_worker(seed, end, templates):
    global _GENERATOR
    _GENERATOR = Generator(seed, end, templates)


def _run_chunk(args):
    number, count, want_tsv = args
    return _GENERATOR.chunk(number, count, want_tsv)


def parse_end(text):
    if text is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SystemExit(f"gencrashes: --end {text!r} is not an ISO date")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Write N synthetic processed crashes as JSON lines.")
    p.add_argument("count", type=int, help="number of crashes")
    p.add_argument("--seed", type=int, default=1, help="random seed (1)")
    p.add_argument("--end", help="last moment of the 90-day window, ISO 8601 "
                   "(default now, UTC); fix it to repeat a run byte for byte")
    p.add_argument("--templates", help="directory of processed crashes "
                   "(JSON files or JSON lines) whose stacks and modules to "
                   "reuse; default: built-in synthetic stacks")
    p.add_argument("--out", default="-", help="JSON lines file (- = stdout)")
    p.add_argument("--tsv", help="also write the typed columns as "
                   "PostgreSQL COPY text (bench/search.sh)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: one per core)")
    args = p.parse_args(argv)
    if not 0 <= args.count <= MAX_COUNT:
        p.error(f"count must be between 0 and {MAX_COUNT:,}")
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    end = parse_end(args.end)
    templates = Templates(args.templates)
    if args.templates and not templates.items:
        p.error(f"--templates {args.templates}: no processed crash with a "
                "json_dump stack found")
    chunks = [(i, min(CHUNK, args.count - i * CHUNK), bool(args.tsv))
              for i in range((args.count + CHUNK - 1) // CHUNK)]
    out = sys.stdout if args.out == "-" else open(args.out, "w",
                                                  encoding="utf-8")
    tsv = open(args.tsv, "w", encoding="utf-8") if args.tsv else None
    try:
        if args.jobs == 1 or len(chunks) <= 1:
            _init_worker(args.seed, end, templates)
            results = map(_run_chunk, chunks)
            pool = None
        else:
            pool = multiprocessing.Pool(args.jobs, _init_worker,
                                        (args.seed, end, templates))
            results = pool.imap(_run_chunk, chunks)
        for lines, rows in results:
            out.write(lines)
            if tsv:
                tsv.write(rows)
        if pool:
            pool.close()
            pool.join()
    except BrokenPipeError:
        # A reader that stopped early (head, a failed import) is not our
        # error to report twice.
        sys.stderr.close()
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
        if tsv:
            tsv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
