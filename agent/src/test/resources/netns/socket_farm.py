#!/usr/bin/python3
"""Benchmark helper: opens many TCP sockets in the namespace it runs in, prints
"READY <pid> <sockets>" and sleeps until SIGTERM. argv[1] is JSON:
{"addr": "127.1.K.1", "listeners": L, "connections": C}: L listening sockets on
addr ports 1024.., and C loopback connections to the first of them (2 sockets each,
client and accepted), so L + 2C sockets and as many fds."""
import json
import os
import resource
import signal
import socket
import sys
import time

conf = json.loads(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
keep = []
addr = conf["addr"]
for i in range(conf["listeners"]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, 1024 + i))
    s.listen(128)
    keep.append(s)
first = keep[0] if keep else None
for i in range(conf["connections"]):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect((addr, 1024))
    a, _ = first.accept()
    keep += [c, a]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("READY %d %d" % (os.getpid(), len(keep)), flush=True)
while True:
    time.sleep(3600)
