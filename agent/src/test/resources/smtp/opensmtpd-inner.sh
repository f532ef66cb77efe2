#!/bin/sh
# OpenSmtpdLab's start, inside the test's network namespace and a private mount namespace:
# smtpd's queue, socket and chroot paths are compiled in (/var/spool/smtpd, /run/smtpd.sock,
# /var/lib/opensmtpd/empty, /usr/libexec/opensmtpd), so the lab's own folders are mounted over
# them here, where nothing outside sees it. $1: the lab folder (root/ holds the unpacked .deb),
# $2: smtpd.conf.
set -eu
lab=$1
run=$lab/run
mount --bind "$run/spool" /var/spool
mount --bind "$run/rundir" /run
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$run/varlib-upper,workdir=$run/varlib-work" /var/lib
mkdir -p /var/lib/opensmtpd/empty
chmod 755 /var/lib/opensmtpd /var/lib/opensmtpd/empty
mount -t overlay overlay -o "lowerdir=$lab/root/usr/libexec:/usr/libexec" /usr/libexec
exec "$lab/root/usr/sbin/smtpd" -d -f "$2"
