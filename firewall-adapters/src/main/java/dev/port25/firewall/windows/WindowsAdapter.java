package dev.port25.firewall.windows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Windows Defender Firewall (Windows 10 / Server 2016 and later). Reads the ActiveStore (what is
 * in force: the local store merged with every Group Policy), writes only the agent's own rules in
 * the local store ({@link OwnedRules}), through one PowerShell process per read or change
 * ({@link PowerShell}). After a change it reads again and names every owned rule Windows does not
 * enforce, and, through the evaluation, every profile or foreign rule that still decides
 * otherwise.
 */
public final class WindowsAdapter implements FirewallAdapter {

    static final String ID = "windows";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final String osName;

    /** An adapter for this host. */
    public WindowsAdapter(CommandRunner runner) {
        this(runner, System.getProperty("os.name", ""));
    }

    /** An adapter as if on an OS named {@code osName} (tests on Linux drive a stand-in for powershell.exe). */
    WindowsAdapter(CommandRunner runner, String osName) {
        this.runner = runner;
        this.osName = osName;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            return new Detection(ID, false, false, Optional.empty(), "Windows Defender Firewall is not installed here: "
                    + "this host runs " + (osName.isEmpty() ? "an unknown OS" : osName) + ", not Windows");
        }
        CommandResult r;
        try {
            r = runner.run(PowerShell.command(PowerShell.DETECT));
        } catch (CommandException.NotFound e) {
            return new Detection(ID, false, false, Optional.empty(), PowerShell.PROGRAM + " not found on PATH: "
                    + "install Windows PowerShell 5.1 (part of Windows 10 / Server 2016 and later)");
        } catch (CommandException e) {
            return Detection.unusable(ID, e);
        }
        if (!r.ok()) {
            return new Detection(ID, false, false, Optional.empty(), "the detection script failed: " + r.describe());
        }
        JsonNode d;
        try {
            d = JSON.readTree(r.stdout().strip());
        } catch (JsonProcessingException e) {
            return new Detection(ID, false, false, Optional.empty(), "the detection script gave no JSON: "
                    + e.getOriginalMessage());
        }
        String os = d.path("os").asText("");
        Optional<String> version = os.isEmpty() ? Optional.empty() : Optional.of(os);
        int major;
        try {
            major = Integer.parseInt(os.split("\\.")[0]);
        } catch (NumberFormatException e) {
            major = 0;
        }
        if (major < 10) {
            return new Detection(ID, false, false, version, "Windows " + os + " is too old: the agent needs "
                    + "Windows 10 / Server 2016 or later (NetSecurity cmdlets, ActiveStore)");
        }
        String service = d.path("service").asText("");
        if (service.isEmpty()) {
            return new Detection(ID, false, false, version, "the Windows Defender Firewall service (mpssvc) is not "
                    + "installed");
        }
        if (!d.path("netSecurity").asBoolean(false)) {
            return new Detection(ID, false, false, version, "the NetSecurity PowerShell module is not installed: "
                    + "install it to let the agent read and change the firewall");
        }
        if (!service.equals("Running")) {
            return new Detection(ID, true, false, version, "the Windows Defender Firewall service (mpssvc) is "
                    + service + ", not Running: nothing is filtered and no rule can be added");
        }
        if (!d.path("admin").asBoolean(false)) {
            return new Detection(ID, true, false, version, "not an administrator: run as LocalSystem (the service) "
                    + "or from an elevated prompt to change the firewall");
        }
        return new Detection(ID, true, true, version, "Windows Defender Firewall (mpssvc) running on Windows " + os);
    }

    @Override
    public FirewallState state() throws FirewallException {
        return read();
    }

    /** {@link #state()}, as this backend's own record. */
    WindowsState read() throws FirewallException {
        CommandResult r = Applier.run(ID, runner, PowerShell.command(PowerShell.READ));
        if (!r.ok()) {
            throw new FirewallException(ID + ": reading the ActiveStore failed: " + r.describe()
                    + "; run as an administrator or LocalSystem");
        }
        PolicyJson.Read read;
        try {
            read = PolicyJson.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new FirewallException(ID + ": cannot read the state script's output: " + e.getMessage(), e);
        }
        return new WindowsState(read.policy(), new WindowsFilter(read.policy(), read.unread()));
    }

    @Override
    public Plan plan(FirewallState state, Desired desired) {
        return new Plan(ID, desired, OwnedRules.changes(((WindowsState) state).owned(), OwnedRules.wanted(desired)));
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        ApplyResult done = Applier.apply(this, runner, plan, "the changes before it stay; run enforce again, or undo");
        List<String> unmet = new ArrayList<>(done.unmet());
        unmet.addAll(notEnforced((WindowsState) done.after()));
        return new ApplyResult(done.converged(), done.ran(), done.remaining(), done.after(), unmet);
    }

    /**
     * The agent's rules Windows holds but does not enforce, with the EnforcementStatus it gives
     * (LocalFirewallRulesDisallowed, FirewallOffInProfile, ...).
     */
    static List<String> notEnforced(WindowsState state) {
        List<String> out = new ArrayList<>();
        for (FwRule r : state.owned().values()) {
            if (!r.enforced() || r.enforcement().isEmpty()) {
                out.add("rule " + r.name() + " is in the store but not enforced: EnforcementStatus "
                        + (r.enforcement().isEmpty() ? "(none given)" : String.join(", ", r.enforcement())));
            }
        }
        return out;
    }
}
