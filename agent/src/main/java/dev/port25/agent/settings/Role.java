package dev.port25.agent.settings;

/** What a host is for, as far as port 25 goes; it decides what must be open. */
public enum Role {
    /** Receives mail from the internet: inbound 25 stays open, its SMTP and DNS hygiene is judged. */
    MAIL_SERVER,
    /** Relays for named networks only: inbound 25 only from them. */
    RELAY,
    /** Neither: nothing listens on 25 beyond loopback, and inbound 25 is blocked. */
    NONE
}
