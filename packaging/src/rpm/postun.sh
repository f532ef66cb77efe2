# port25-agent %postun ($1: 0 erase, 1 upgrade): systemd reloads its units; an upgrade restarts the
# service; an erase removes the launcher's cache. The state directory stays after an erase (rpm has
# no purge); remove /var/lib/port25-agent by hand once its journal is no longer needed.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -ge 1 ]; then
    systemctl try-restart port25-agent.service >/dev/null 2>&1 || :
else
    rm -rf /var/cache/port25-agent
fi
