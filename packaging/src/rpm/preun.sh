# port25-agent %preun ($1: 0 erase, 1 upgrade): on erase, stop and disable the service and take the
# agent's rules out of the firewall ('port25-agent undo' follows its journal) while the jar is still
# there. A failed undo never fails the erase; it says so.
if [ "$1" -eq 0 ]; then
    systemctl --no-reload disable --now port25-agent.service >/dev/null 2>&1 || :
    if [ -e /var/lib/port25-agent/enforcement.json ]; then
        # the runtime the service uses; bounded, since a firewall manager that does not answer must
        # not hang the erase
        if ! (unset JAVA_HOME; timeout 120 port25-agent undo); then
            echo "port25-agent: 'port25-agent undo' failed; the agent's rules may still be in the firewall (journal: /var/lib/port25-agent/enforcement.json, kept)" >&2
        fi
    fi
fi
