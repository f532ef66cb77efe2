// port25-agent's MSI: finds a Java 17 or later runtime for the service (its bin\server\jvm.dll,
// which procrun loads) and for the undo on removal (its bin\java.exe). A JScript custom action
// (wixl writes no other kind an MSI can run without a DLL of ours). Looks at JAVA_HOME, then at
// the JavaSoft JDK and JRE keys of the 64-bit registry (read through WMI's StdRegProv with
// __ProviderArchitecture 64: the script host may be a 32-bit process, whose own reads land in
// WOW6432Node). The first runtime whose `release` file says JAVA_VERSION 17 or later and that has
// both files is P25_JAVA_HOME; what was seen and refused is P25_JAVA_SEEN, for the refusal message.

var HKLM = 0x80000002;

function setProperty(name, value) {
    Session.Property(name) = value;
}

// The major version in a runtime's `release` file (JAVA_VERSION="17.0.15", "1.8.0_402"), or 0.
function releaseMajor(fso, home) {
    var file = home + "\\release";
    if (!fso.FileExists(file)) {
        return 0;
    }
    var stream = fso.OpenTextFile(file, 1);
    var text = stream.ReadAll();
    stream.Close();
    var m = /JAVA_VERSION="(\d+)(?:\.(\d+))?/.exec(text);
    if (!m) {
        return 0;
    }
    var major = parseInt(m[1], 10);
    return major === 1 && m[2] ? parseInt(m[2], 10) : major;
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
        var major = releaseMajor(fso, home);
        if (major >= 17 && fso.FileExists(home + "\\bin\\server\\jvm.dll") && fso.FileExists(home + "\\bin\\java.exe")) {
            setProperty("P25_JAVA_HOME", home);
            return 1;
        }
        seen.push(home + (major === 0 ? " has no release file" : major < 17 ? " is Java " + major
            : " lacks bin\\server\\jvm.dll or bin\\java.exe"));
    }
    setProperty("P25_JAVA_SEEN", seen.length ? "Seen and refused: " + seen.join("; ") + "." : "No JAVA_HOME and no JavaSoft registry key.");
    return 1; // the launch condition refuses, with the message
}
