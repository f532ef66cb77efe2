#!/usr/bin/python3
"""Test helper: opens the sockets described in argv[1] (JSON), prints one line
"READY <pid> [<child pid>]" and sleeps until SIGTERM. Started by the netns tests
inside a network namespace they created; never run on the host's namespace.

Each spec: {"proto": "tcp"|"udp", "family": 4|6, "addr": "...", "port": N,
            "v6only": true|false (IPv6 only), "reuseport": true|false,
            "device": "lo" (SO_BINDTODEVICE),
            "connect": "ADDR" (tcp: also connect to ADDR at the listener's port and accept,
                               leaving an ESTABLISHED pair whose server side has that port)}
Top-level "fork": true forks one child after the sockets exist; parent and child
both hold every socket."""
import json
import os
import signal
import socket
import sys
import time

conf = json.loads(sys.argv[1])
keep = []
for spec in conf["sockets"]:
    fam = socket.AF_INET if spec["family"] == 4 else socket.AF_INET6
    typ = socket.SOCK_STREAM if spec["proto"] == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(fam, typ)
    if fam == socket.AF_INET6 and "v6only" in spec:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if spec["v6only"] else 0)
    if spec.get("device"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, spec["device"].encode())
    if spec.get("reuseport"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((spec["addr"], spec["port"]))
    if typ == socket.SOCK_STREAM:
        s.listen(16)
    keep.append(s)
    if spec.get("connect"):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.connect((spec["connect"], spec["port"]))
        a, _ = s.accept()
        keep += [c, a]

stop = lambda *_: sys.exit(0)
signal.signal(signal.SIGTERM, stop)
child = 0
if conf.get("fork"):
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, stop)
        while True:
            time.sleep(3600)
print("READY %d%s" % (os.getpid(), " %d" % child if child else ""), flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    if child:
        os.kill(child, signal.SIGTERM)
