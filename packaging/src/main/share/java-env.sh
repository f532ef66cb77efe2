# Sourced by /usr/bin/port25-agent and make-cds-archive (POSIX sh): finds the Java runtime and the
# class-data-sharing archive made for it. Sets P25_JAVA (the java binary), P25_JAVA_MAJOR and
# P25_ARCHIVE (the archive's path for this JVM's version, which may not exist yet). Uses only shell
# built-ins on the common path: every fork costs a short command's start time.
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

# The version (17.0.15; 1.8.0_392 for Java 8) from the runtime's release file, without starting a
# JVM; java on PATH is a chain of links to follow first. Without a release file, the JVM says.
p25_java_version() {
    p25_home=${P25_JAVA%/bin/java}
    if [ ! -r "$p25_home/release" ]; then
        p25_real=$(readlink -f "$P25_JAVA") && p25_home=${p25_real%/bin/java}
    fi
    P25_JAVA_VERSION=
    if [ -r "$p25_home/release" ]; then
        while IFS= read -r p25_line; do
            case $p25_line in
                JAVA_VERSION=*)
                    P25_JAVA_VERSION=${p25_line#JAVA_VERSION=\"}
                    P25_JAVA_VERSION=${P25_JAVA_VERSION%\"}
                    break
                    ;;
            esac
        done < "$p25_home/release"
    fi
    if [ -z "$P25_JAVA_VERSION" ]; then
        P25_JAVA_VERSION=$("$P25_JAVA" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = *//p')
    fi
    p25_version=${P25_JAVA_VERSION#1.}
    P25_JAVA_MAJOR=${p25_version%%[!0-9]*}
    [ -n "$P25_JAVA_MAJOR" ] || p25_fail "cannot tell the version of $P25_JAVA; it needs to be Java 17 or newer"
}

p25_find_java
p25_java_version
[ "$P25_JAVA_MAJOR" -ge 17 ] \
    || p25_fail "needs Java 17 or newer, found Java $P25_JAVA_MAJOR at $P25_JAVA (set JAVA_HOME to a newer runtime)"

# One archive per JVM version. The JVM itself checks an archive against its own build and the jar
# (path, size, time) and runs on without one that does not match: another build of the same
# version, or the jar of another release, only makes the start slower until the archive is made
# again (by the maintainer scripts at upgrade and when a JVM package changes).
case $P25_JAVA_VERSION in
    *[!0-9A-Za-z._+-]*) P25_ARCHIVE= ;;
    *) P25_ARCHIVE=$P25_CACHE/cds-$P25_JAVA_VERSION.jsa ;;
esac
