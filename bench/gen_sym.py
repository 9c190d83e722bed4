#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# Writes a synthetic Breakpad .sym of about SIZE bytes to stdout, shaped like
# dump_syms output (FILE records, then FUNC + line records, PUBLIC and STACK
# CFI), for memory measurements. Never commit its output.
# Usage: bench/gen_sym.py SIZE_MB DEBUG_FILE DEBUG_ID > out.sym
import sys


def main() -> None:
    size = int(sys.argv[1]) << 20
    debug_file, debug_id = sys.argv[2], sys.argv[3]
    out = sys.stdout.buffer
    head = f"MODULE Linux x86_64 {debug_id} {debug_file}\nINFO CODE_ID {debug_id[:32]}\n"
    head += "".join(f"FILE {i} /build/src/module_{i // 10}/file_{i}.cc\n" for i in range(2000))
    out.write(head.encode())
    written = len(head)
    addr = 0x1000
    func = 0
    while written < size:
        parts = []
        for _ in range(256):
            n = 24
            parts.append(f"FUNC {addr:x} {n * 8:x} 0 ns::Class{func % 977}::method_{func}(int, char const*)\n")
            for k in range(n):
                parts.append(f"{addr + k * 8:x} 8 {100 + k} {(func + k) % 2000}\n")
            parts.append(f"STACK CFI INIT {addr:x} {n * 8:x} .cfa: $rsp 8 + .ra: .cfa -8 + ^\n")
            parts.append(f"STACK CFI {addr + 1:x} .cfa: $rsp 16 + $rbp: .cfa -16 + ^\n")
            parts.append(f"STACK CFI {addr + 4:x} .cfa: $rbp 16 +\n")
            addr += n * 8 + 16
            func += 1
        chunk = "".join(parts).encode()
        out.write(chunk)
        written += len(chunk)
    out.write(f"PUBLIC {addr:x} 0 _end\n".encode())


if __name__ == "__main__":
    main()
