#!/usr/bin/python3
"""Benchmark helper: enters each network namespace named on argv (/run/netns/NAME, made by the
benchmark) with setns(2) and opens there a TCP listener on 0.0.0.0:25 and two decoys (TCP
0.0.0.0:2525, UDP 127.0.0.1:2500); one process holds every socket. Prints "READY <pid>" and
sleeps until SIGTERM. Never enters the host's namespace."""
import ctypes
import os
import signal
import socket
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL("libc.so.6", use_errno=True)
keep = []
for name in sys.argv[1:]:
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit("setns " + name + ": " + os.strerror(ctypes.get_errno()))
    os.close(fd)
    for proto, addr, port in (("tcp", "0.0.0.0", 25), ("tcp", "0.0.0.0", 2525), ("udp", "127.0.0.1", 2500)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
        s.bind((addr, port))
        if proto == "tcp":
            s.listen(16)
        keep.append(s)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print("READY", os.getpid(), flush=True)
while True:
    time.sleep(3600)
