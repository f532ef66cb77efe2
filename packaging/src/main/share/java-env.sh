# Sourced by /usr/bin/port25-agent and make-cds-archive (POSIX sh): finds the Java runtime and the
# class-data-sharing archive made for it. Sets P25_JAVA (the java binary), P25_JAVA_MAJOR and
# P25_ARCHIVE (the archive's path for this JVM and this jar, which may not exist yet).
# Exits 3 with one line on stderr when no Java 17+ runtime is found.

P25_SHARE=${P25_SHARE:-/usr/share/port25-agent}
P25_JAR=$P25_SHARE/port25-agent.jar
P25_CACHE=${P25_CACHE:-/var/cache/port25-agent}

p25_fail() {
    echo "port25-agent: $1" >&2
    exit 3
}

# The java binary: $JAVA_HOME, then the distribution's default JVM (Debian and Ubuntu, RHEL and
# Fedora, openSUSE), then java on PATH.
p25_find_java() {
    if [ -n "${JAVA_HOME:-}" ]; then
        [ -x "$JAVA_HOME/bin/java" ] || p25_fail "JAVA_HOME is $JAVA_HOME, which has no bin/java; unset it or point it at a Java 17 or newer runtime"
        P25_JAVA=$JAVA_HOME/bin/java
        return
    fi
    for home in /usr/lib/jvm/default-java /usr/lib/jvm/jre /usr/lib64/jvm/jre /usr/lib/jvm/jre-openjdk; do
        if [ -x "$home/bin/java" ]; then
            P25_JAVA=$home/bin/java
            return
        fi
    done
    P25_JAVA=$(command -v java) || p25_fail "no Java runtime found (JAVA_HOME, /usr/lib/jvm/default-java, /usr/lib/jvm/jre, java on PATH); install Java 17 or newer"
}

# The feature version (8 for 1.8.0_x, 17 for 17.0.15), from the runtime's release file without
# starting a JVM, or from the JVM itself when the runtime has no release file.
p25_java_major() {
    p25_real=$(readlink -f "$P25_JAVA") || p25_real=$P25_JAVA
    P25_JAVA_HOME_REAL=${p25_real%/bin/java}
    p25_version=
    if [ -r "$P25_JAVA_HOME_REAL/release" ]; then
        p25_version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$P25_JAVA_HOME_REAL/release")
    fi
    if [ -z "$p25_version" ]; then
        p25_version=$("$P25_JAVA" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = *//p')
    fi
    case $p25_version in
        1.*) p25_version=${p25_version#1.} ;;
    esac
    P25_JAVA_MAJOR=${p25_version%%[!0-9]*}
    [ -n "$P25_JAVA_MAJOR" ] || p25_fail "cannot tell the version of $P25_JAVA; it needs to be Java 17 or newer"
}

p25_find_java
p25_java_major
[ "$P25_JAVA_MAJOR" -ge 17 ] \
    || p25_fail "needs Java 17 or newer, found Java $P25_JAVA_MAJOR at $P25_JAVA (set JAVA_HOME to a newer runtime)"

# An archive belongs to one JVM build and one jar: its name is a checksum of the JVM's real path, its
# release file, and the jar's size and time. A JVM given a stale archive runs on without it.
p25_key=$( { echo "$P25_JAVA_HOME_REAL"; cat "$P25_JAVA_HOME_REAL/release" 2>/dev/null;
             stat -c '%s %Y' "$P25_JAR" 2>/dev/null; } | cksum)
P25_ARCHIVE=$P25_CACHE/cds-${p25_key%% *}.jsa
