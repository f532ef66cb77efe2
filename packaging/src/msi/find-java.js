// port25-agent's MSI: finds a Java 17.0.11 or later amd64 runtime for the service (its bin\server\jvm.dll,
// which procrun loads) and for the undo on removal (its bin\java.exe). A JScript custom action
// (wixl writes no other kind an MSI can run without a DLL of ours). Looks at JAVA_HOME, then at
// the JavaSoft JDK and JRE keys of the 64-bit registry (read through WMI's StdRegProv with
// __ProviderArchitecture 64: the script host may be a 32-bit process, whose own reads land in
// WOW6432Node). The first runtime that will do (see refusal) is P25_JAVA_HOME; what was seen and
// refused is P25_JAVA_SEEN, for the refusal message. P25_JAVA_HOME given on msiexec's command line
// wins (the action is not run then). The action never fails: a removal runs it too.

var HKLM = 0x80000002;

function setProperty(name, value) {
    Session.Property(name) = value;
}

// What is wrong with the runtime whose `release` file is at home\release, or "" when it will do:
// Java 17.0.11 or later (the service's JVM options hold -XX:TrimNativeHeapInterval, which
// 17.0.11 brought, and procrun has the JVM refuse options it does not know), built for amd64
// (procrun's prunsrv.exe is amd64 and loads jvm.dll in-process).
function refusal(fso, home) {
    var file = home + "\\release";
    if (!fso.FileExists(file)) {
        return "has no release file";
    }
    var text = "";
    try {
        var stream = fso.OpenTextFile(file, 1);
        text = stream.AtEndOfStream ? "" : stream.ReadAll();
        stream.Close();
    } catch (e) {
        return "has a release file that cannot be read";
    }
    var m = /JAVA_VERSION="(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
    if (!m) {
        return "has no JAVA_VERSION in its release file";
    }
    var major = parseInt(m[1], 10);
    var minor = m[2] ? parseInt(m[2], 10) : 0;
    var patch = m[3] ? parseInt(m[3], 10) : 0;
    var shown = m[1] + (m[2] ? "." + m[2] : "") + (m[3] ? "." + m[3] : "");
    if (major === 1) {
        return "is Java " + minor;
    }
    if (major < 17 || (major === 17 && minor === 0 && patch < 11)) {
        return "is Java " + shown + " (17.0.11 or later is needed)";
    }
    var arch = /OS_ARCH="([^"]*)"/.exec(text);
    if (arch && arch[1] !== "amd64" && arch[1] !== "x86_64") {
        return "is built for " + arch[1] + ", not amd64";
    }
    if (!fso.FileExists(home + "\\bin\\server\\jvm.dll") || !fso.FileExists(home + "\\bin\\java.exe")) {
        return "lacks bin\\server\\jvm.dll or bin\\java.exe";
    }
    return "";
}

// A string value of HKLM in the 64-bit view, or null.
function registryString(reg, ctx, key, name) {
    var input = reg.Methods_("GetStringValue").InParameters.SpawnInstance_();
    input.hDefKey = HKLM;
    input.sSubKeyName = key;
    input.sValueName = name;
    var out = reg.ExecMethod_("GetStringValue", input, 0, ctx);
    return out.ReturnValue === 0 && out.sValue ? String(out.sValue) : null;
}

function registryHomes() {
    var homes = [];
    try {
        var ctx = new ActiveXObject("WbemScripting.SWbemNamedValueSet");
        ctx.Add("__ProviderArchitecture", 64);
        ctx.Add("__RequiredArchitecture", true);
        var locator = new ActiveXObject("WbemScripting.SWbemLocator");
        var reg = locator.ConnectServer("", "root\\default", "", "", "", "", 0, ctx).Get("StdRegProv");
        var kinds = ["SOFTWARE\\JavaSoft\\JDK", "SOFTWARE\\JavaSoft\\JRE"];
        for (var i = 0; i < kinds.length; i++) {
            var current = registryString(reg, ctx, kinds[i], "CurrentVersion");
            var home = current ? registryString(reg, ctx, kinds[i] + "\\" + current, "JavaHome") : null;
            if (home) {
                homes.push(home);
            }
        }
    } catch (e) {
        // no WMI: JAVA_HOME alone
    }
    return homes;
}

function FindJava() {
    try {
        var shell = new ActiveXObject("WScript.Shell");
        var fso = new ActiveXObject("Scripting.FileSystemObject");
        var homes = [];
        var env = shell.ExpandEnvironmentStrings("%JAVA_HOME%");
        if (env && env !== "%JAVA_HOME%") {
            homes.push(env);
        }
        homes = homes.concat(registryHomes());
        var seen = [];
        for (var i = 0; i < homes.length; i++) {
            var home = homes[i].replace(/[\\\/]+$/, "");
            var why = refusal(fso, home);
            if (why === "") {
                setProperty("P25_JAVA_HOME", home);
                return 1;
            }
            seen.push(home + " " + why);
        }
        setProperty("P25_JAVA_SEEN", seen.length ? "Seen and refused: " + seen.join("; ") + "."
            : "No JAVA_HOME and no JavaSoft registry key.");
    } catch (e) {
        // never an error of the install (nor of a removal, which runs this too): the launch
        // condition refuses an install without a runtime, with why
        setProperty("P25_JAVA_SEEN", "The search failed: " + (e.message || e) + ".");
    }
    return 1;
}
