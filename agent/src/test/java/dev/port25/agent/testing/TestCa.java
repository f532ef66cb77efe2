package dev.port25.agent.testing;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority for tests, made with the openssl command in a folder: {@code ca.pem};
 * leaf certificates it issues ({@code NAME.pem}, {@code NAME.key}, PKCS#8, mode 0600); PKCS#12
 * stores (password "changeit") for the JDK's servers and clients.
 */
public final class TestCa {

    private static final CommandRunner RUNNER = new CommandRunner();

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** A new CA (P-256, valid two days) in {@code dir}. */
    public static TestCa create(Path dir) throws Exception {
        TestCa ca = new TestCa(dir);
        ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=port25-agent test CA", "-keyout", ca.at("ca.key"), "-out", ca.at("ca.pem"),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        return ca;
    }

    public String at(String file) {
        return dir.resolve(file).toString();
    }

    /** The CA certificate, PEM. */
    public Path pem() {
        return dir.resolve("ca.pem");
    }

    /**
     * Issues {@code NAME.pem} and {@code NAME.key} for CN=NAME with these extension lines
     * ("subjectAltName=DNS:a,IP:198.18.0.1", "extendedKeyUsage=serverAuth").
     */
    public void issue(String name, String... extensions) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-keyout", at(name + ".key"), "-out", at(name + ".csr"));
        Files.writeString(dir.resolve(name + ".ext"), String.join("\n", extensions) + "\n");
        openssl("x509", "-req", "-in", at(name + ".csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"),
                "-CAcreateserial", "-days", "2", "-extfile", at(name + ".ext"), "-out", at(name + ".pem"));
        Files.setPosixFilePermissions(dir.resolve(name + ".key"), PosixFilePermissions.fromString("rw-------"));
    }

    /** {@code NAME.p12}: the issued key and certificate, for a JDK server. */
    public Path keyStore(String name) throws Exception {
        openssl("pkcs12", "-export", "-in", at(name + ".pem"), "-inkey", at(name + ".key"), "-name", name,
                "-passout", "pass:changeit", "-out", at(name + ".p12"));
        return dir.resolve(name + ".p12");
    }

    /** {@code ca.p12}: the CA as a trust store (the JDK's keytool). */
    public Path trustStore() throws Exception {
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "ca", "-file", at("ca.pem"), "-keystore", at("ca.p12"), "-storetype", "PKCS12",
                "-storepass", "changeit"));
        return dir.resolve("ca.p12");
    }

    private void openssl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) throws Exception {
        CommandResult r = RUNNER.run(Command.of(argv));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
    }
}
