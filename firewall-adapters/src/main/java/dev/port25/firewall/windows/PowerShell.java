package dev.port25.firewall.windows;

import dev.port25.firewall.exec.Command;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the agent talks to Windows Defender Firewall: one Windows PowerShell process per read or
 * write, {@code powershell.exe -NoProfile -NonInteractive}, the script on its standard input, JSON
 * (UTF-8) on its standard output. Never netsh, whose text is localized.
 *
 * <p>The script is read whole from stdin and run as one script block ({@code -Command -} would
 * run it line by line, going on after a failed line); with {@code $ErrorActionPreference = 'Stop'}
 * the first error ends it and the process exits non-zero. The bootstrap on the command line has
 * no quote and no space, so Windows' command-line quoting cannot change it.
 */
final class PowerShell {

    static final String PROGRAM = "powershell.exe";

    /** Reads the whole of stdin as UTF-8 and runs it as one script block. */
    static final String BOOTSTRAP = "$s=[IO.StreamReader]::new([Console]::OpenStandardInput(),[Text.Encoding]::UTF8)"
            + ".ReadToEnd();&([scriptblock]::Create($s))";

    /**
     * A read of the whole ActiveStore costs by the rules there are: one enumeration of 1091 rules
     * took 69 s (PS2-Servers#83), and the read makes eight.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** Every script starts so: stop at the first error, no progress records, UTF-8 JSON out. */
    static final String PREAMBLE = """
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
            """;

    private PowerShell() {
    }

    /** The command that runs {@code script} (without the preamble, which is added). */
    static Command command(String script) {
        return new Command(List.of(PROGRAM, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                "-Command", BOOTSTRAP), TIMEOUT, Map.of(),
                (PREAMBLE + script).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Detection: the OS version, the firewall service (mpssvc) and its state, the NetSecurity
     * module, and whether this process is an administrator (LocalSystem is).
     */
    static final String DETECT = """
            $svc = Get-Service -Name mpssvc -ErrorAction SilentlyContinue
            $mod = Get-Module -ListAvailable -Name NetSecurity
            $me = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
            $admin = $me.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
            ConvertTo-Json -Compress -InputObject ([pscustomobject]@{
              os = [string][Environment]::OSVersion.Version
              service = $(if ($svc) { [string]$svc.Status } else { '' })
              netSecurity = [bool]$mod
              admin = [bool]$admin
            })
            """;

    /**
     * The state: every profile, every rule with the store it came from (-TracePolicyStore), and
     * each filter type fetched once for all rules (joined by InstanceID in Java, not one cmdlet
     * per rule: a query costs by the rules there are), and the network connections' profiles.
     * Enums are cast to numbers and lists to string arrays, so Windows PowerShell 5.1's
     * ConvertTo-Json gives one shape; the parser still takes the shapes 5.1 gives otherwise.
     */
    static final String READ = """
            $store = 'ActiveStore'
            function Strings($v) { ,[string[]]@($v | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ }) }
            # dynamic keyword addresses (Windows 10 build 20348 and later) stand for remote addresses
            # that this read does not resolve; whichever object carries them, they are named. The
            # properties are looked up once per cmdlet's objects, not per object (thousands of rules).
            function KeywordProperties($first) {
              if ($null -eq $first) { return ,[string[]]@() }
              ,[string[]]@($first.PSObject.Properties.Match('*DynamicKeyword*') | ForEach-Object { $_.Name })
            }
            $errors = New-Object System.Collections.ArrayList
            $profiles = @(Get-NetFirewallProfile -All -PolicyStore $store | ForEach-Object { [pscustomobject]@{
              name = [string]$_.Name
              enabled = [int]$_.Enabled
              defaultInboundAction = [int]$_.DefaultInboundAction
              defaultOutboundAction = [int]$_.DefaultOutboundAction
              allowInboundRules = [int]$_.AllowInboundRules
              allowLocalFirewallRules = [int]$_.AllowLocalFirewallRules
              disabledInterfaceAliases = Strings $_.DisabledInterfaceAliases
            } })
            $allRules = @(Get-NetFirewallRule -All -PolicyStore $store -TracePolicyStore)
            $ruleKeywords = KeywordProperties $allRules[0]
            $rules = @($allRules | ForEach-Object { [pscustomobject]@{
              id = [string]$_.InstanceID
              name = [string]$_.Name
              displayName = [string]$_.DisplayName
              group = [string]$_.Group
              enabled = [int]$_.Enabled
              direction = [int]$_.Direction
              action = [int]$_.Action
              profile = [int]$_.Profile
              policyStoreSource = [string]$_.PolicyStoreSource
              policyStoreSourceType = [int]$_.PolicyStoreSourceType
              enforcementStatus = Strings $_.EnforcementStatus
              dynamicKeywords = Strings @(foreach ($k in $ruleKeywords) { $_.$k })
            } })
            $ports = @(Get-NetFirewallPortFilter -All -PolicyStore $store | ForEach-Object { [pscustomobject]@{
              id = [string]$_.InstanceID; protocol = [string]$_.Protocol
              localPort = Strings $_.LocalPort; remotePort = Strings $_.RemotePort } })
            $allAddresses = @(Get-NetFirewallAddressFilter -All -PolicyStore $store)
            $addressKeywords = KeywordProperties $allAddresses[0]
            $addresses = @($allAddresses | ForEach-Object { [pscustomobject]@{
              id = [string]$_.InstanceID
              localAddress = Strings $_.LocalAddress; remoteAddress = Strings $_.RemoteAddress
              dynamicKeywords = Strings @(foreach ($k in $addressKeywords) { $_.$k }) } })
            $applications = @(Get-NetFirewallApplicationFilter -All -PolicyStore $store | ForEach-Object {
              [pscustomobject]@{ id = [string]$_.InstanceID; program = [string]$_.Program; package = [string]$_.Package } })
            $services = @(Get-NetFirewallServiceFilter -All -PolicyStore $store | ForEach-Object {
              [pscustomobject]@{ id = [string]$_.InstanceID; service = [string]$_.Service } })
            $interfaces = @(Get-NetFirewallInterfaceFilter -All -PolicyStore $store | ForEach-Object {
              [pscustomobject]@{ id = [string]$_.InstanceID; interfaceAlias = Strings $_.InterfaceAlias } })
            $interfaceTypes = @(Get-NetFirewallInterfaceTypeFilter -All -PolicyStore $store | ForEach-Object {
              [pscustomobject]@{ id = [string]$_.InstanceID; interfaceType = [string]$_.InterfaceType } })
            $security = @(Get-NetFirewallSecurityFilter -All -PolicyStore $store | ForEach-Object { [pscustomobject]@{
              id = [string]$_.InstanceID; authentication = [string]$_.Authentication
              localUser = [string]$_.LocalUser; remoteUser = [string]$_.RemoteUser
              remoteMachine = [string]$_.RemoteMachine } })
            $connections = @()
            try {
              $connections = @(Get-NetConnectionProfile | ForEach-Object { [pscustomobject]@{
                interfaceAlias = [string]$_.InterfaceAlias; networkCategory = [int]$_.NetworkCategory } })
            } catch {
              if ($_.CategoryInfo.Category -ne 'ObjectNotFound') { # no network connection at all is not an error
                [void]$errors.Add('network connection profiles (Get-NetConnectionProfile): ' + $_.Exception.Message)
              }
            }
            ConvertTo-Json -Depth 5 -Compress -InputObject ([pscustomobject]@{
              format = 1; profiles = $profiles; rules = $rules; portFilters = $ports; addressFilters = $addresses
              applicationFilters = $applications; serviceFilters = $services; interfaceFilters = $interfaces
              interfaceTypeFilters = $interfaceTypes; securityFilters = $security; connections = $connections
              errors = [string[]]$errors
            })
            """;
}
