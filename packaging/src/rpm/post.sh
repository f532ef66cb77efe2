# port25-agent %post ($1: 1 install, 2 upgrade): the state directory, the launcher's class-data
# archive, and on first install the unit enabled (by its preset) and started. An upgrade's restart
# comes from %postun, as with %systemd_postun_with_restart.
# the state and cache directories and the lock files (usr/lib/tmpfiles.d/port25-agent.conf)
systemd-tmpfiles --create port25-agent.conf >/dev/null 2>&1 || :
(unset JAVA_HOME; /usr/share/port25-agent/make-cds-archive) || :
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
    systemctl --no-reload preset port25-agent.service >/dev/null 2>&1 || :
    if [ -d /run/systemd/system ] && systemctl --quiet is-enabled port25-agent.service; then
        systemctl start port25-agent.service >/dev/null 2>&1 || :
    fi
fi
