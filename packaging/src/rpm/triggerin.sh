# A Java runtime installed or upgraded: make the launcher's class-data archive again.
(unset JAVA_HOME; /usr/share/port25-agent/make-cds-archive) || :
