# Sourced by /usr/bin/port25-agent and make-cds-archive (POSIX sh): finds a Java 17+ runtime and the
# class-data-sharing archive made for it. Sets P25_JAVA (the java binary), P25_JAVA_VERSION
# (17.0.15), P25_JAVA_MAJOR (17) and P25_ARCHIVE (the archive's path for this JVM's version, which
# may not exist yet; empty when the version cannot name a file). Uses only shell built-ins on the
# common path: every fork costs a short command's start time.
# Exits 3 with one line on stderr when no Java 17+ runtime is found.

P25_SHARE=/usr/share/port25-agent
P25_JAR=$P25_SHARE/port25-agent.jar
P25_CACHE=/var/cache/port25-agent

p25_fail() {
    echo "port25-agent: $1" >&2
    exit 3
}

# p25_try JAVA: reads the runtime's version from its release file (without starting a JVM; java on
# PATH is a chain of links to follow first; without a release file the JVM says), sets the P25_JAVA*
# variables, and succeeds when it is Java 17 or newer.
p25_try() {
    p25_home=${1%/bin/java}
    if [ ! -r "$p25_home/release" ]; then
        p25_real=$(readlink -f "$1") && p25_home=${p25_real%/bin/java}
    fi
    p25_version=
    if [ -r "$p25_home/release" ]; then
        while IFS= read -r p25_line; do
            case $p25_line in
                JAVA_VERSION=*)
                    p25_version=${p25_line#JAVA_VERSION=\"}
                    p25_version=${p25_version%\"}
                    break
                    ;;
            esac
        done < "$p25_home/release"
    fi
    if [ -z "$p25_version" ]; then
        p25_version=$("$1" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = *//p')
    fi
    p25_feature=${p25_version#1.}
    p25_feature=${p25_feature%%[!0-9]*}
    P25_JAVA=$1
    P25_JAVA_VERSION=$p25_version
    P25_JAVA_MAJOR=$p25_feature
    [ -n "$P25_JAVA_MAJOR" ] && [ "$P25_JAVA_MAJOR" -ge 17 ]
}

# "Java 11 at /usr/lib/jvm/x/bin/java", or "a Java of unknown version at ..."
p25_found() {
    if [ -n "$P25_JAVA_MAJOR" ]; then
        echo "Java $P25_JAVA_MAJOR at $P25_JAVA"
    else
        echo "a Java of unknown version at $P25_JAVA"
    fi
}

# $JAVA_HOME when set (and then only it); else the first Java 17+ among the distribution's
# default JVM (Debian and Ubuntu, RHEL and Fedora, openSUSE) and java on PATH, so that an older
# default beside a Java 17 does not stop the agent.
if [ -n "${JAVA_HOME:-}" ]; then
    [ -x "$JAVA_HOME/bin/java" ] \
        || p25_fail "JAVA_HOME is $JAVA_HOME, which has no bin/java; unset it or point it at a Java 17 or newer runtime"
    p25_try "$JAVA_HOME/bin/java" \
        || p25_fail "needs Java 17 or newer, found $(p25_found) (set JAVA_HOME to a newer runtime)"
else
    p25_older=
    p25_found=
    for p25_candidate in /usr/lib/jvm/default-java/bin/java /usr/lib/jvm/jre/bin/java /usr/lib64/jvm/jre/bin/java \
            /usr/lib/jvm/jre-openjdk/bin/java "$(command -v java || true)"; do
        [ -n "$p25_candidate" ] && [ -x "$p25_candidate" ] || continue
        if p25_try "$p25_candidate"; then
            p25_found=yes
            break
        fi
        [ -n "$p25_older" ] || p25_older=$(p25_found)
    done
    if [ -z "$p25_found" ]; then
        [ -n "$p25_older" ] || p25_fail "no Java runtime found (JAVA_HOME, /usr/lib/jvm/default-java, /usr/lib/jvm/jre, java on PATH); install Java 17 or newer"
        p25_fail "needs Java 17 or newer, found $p25_older (install Java 17 or newer, or set JAVA_HOME to one)"
    fi
fi

# One archive per JVM version. The JVM itself checks an archive against its own build and the jar
# (path, size, time) and runs on without one that does not match: another build of the same
# version, or the jar of another release, only makes the start slower until the archive is made
# again (by the maintainer scripts at upgrade and when a JVM package changes).
case $P25_JAVA_VERSION in
    *[!0-9A-Za-z._+-]*) P25_ARCHIVE= ;;
    *) P25_ARCHIVE=$P25_CACHE/cds-$P25_JAVA_VERSION.jsa ;;
esac
