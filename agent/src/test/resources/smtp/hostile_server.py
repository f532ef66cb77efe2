#!/usr/bin/env python3
"""A scripted hostile SMTP server for the probe's bounds: one mode per run, on ADDRESS:25.

Modes: endless-line (a greeting line that never ends), slow-drip (one byte every 0.5 s),
huge-ehlo (a 10,000-line EHLO reply), garbage-after-starttls (plaintext right after the 220 to
STARTTLS), early-close (hangs up in the middle of the EHLO reply). Prints READY, then serves
connections until killed.
"""
import socket
import sys
import threading
import time

mode, address = sys.argv[1], sys.argv[2]


def lines(f):
    while True:
        line = f.readline()
        if not line:
            return
        yield line.decode("latin-1").strip().upper()


def serve(c):
    try:
        f = c.makefile("rb")
        if mode == "endless-line":
            c.sendall(b"220 ")
            while True:
                c.sendall(b"A" * 65536)
        if mode == "slow-drip":
            for b in b"220 mx.p25.test ESMTP slow\r\n" * 100:
                c.sendall(bytes([b]))
                time.sleep(0.5)
            return
        c.sendall(b"220 mx.p25.test ESMTP\r\n")
        for cmd in lines(f):
            if cmd.startswith("EHLO"):
                if mode == "huge-ehlo":
                    c.sendall(b"250-mx.p25.test\r\n" + b"250-X-FILLER\r\n" * 10000 + b"250 OK\r\n")
                elif mode == "early-close":
                    c.sendall(b"250-mx.p25.test\r\n250-PIPEL")
                    return
                else:
                    c.sendall(b"250-mx.p25.test\r\n250 STARTTLS\r\n")
            elif cmd.startswith("STARTTLS"):
                c.sendall(b"220 go ahead\r\n250 injected\r\n")
                time.sleep(2)
                return
            elif cmd.startswith("QUIT"):
                c.sendall(b"221 bye\r\n")
                return
            else:
                c.sendall(b"502 no\r\n")
    except OSError:
        pass
    finally:
        c.close()


s = socket.socket(socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((address, 25))
s.listen(16)
print("READY", flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
