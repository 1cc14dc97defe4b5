#!/usr/bin/env python3
"""Pseudo-terminal owner for the FPGA board simulator (docs/fpga.md, "pty bridge").

Node 20 has no pty API, so the simulator process runs this helper: it opens a pty pair with os.openpty(),
puts the slave in raw mode, prints the slave path as the first stdout line, then relays bytes:
master -> stdout (host requests to the simulator), stdin -> master (board replies to the host).
The slave fd stays open so master reads do not fail with EIO when the host closes its end
(../shared/reference/hardware-interfaces.md section 11). Exits when stdin closes.
"""
import os
import select
import sys
import tty


def main() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    tty.setraw(master)
    out = sys.stdout.buffer
    out.write((os.ttyname(slave) + "\n").encode())
    out.flush()
    stdin = sys.stdin.buffer.raw
    while True:
        ready, _, _ = select.select([master, stdin], [], [])
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if data:
                out.write(data)
                out.flush()
        if stdin in ready:
            data = os.read(stdin.fileno(), 65536)
            if not data:
                return
            os.write(master, data)


if __name__ == "__main__":
    main()
