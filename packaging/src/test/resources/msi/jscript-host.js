// A stand-in for the Windows Installer's JScript host (no Windows here), as Microsoft documents
// the objects find-java.js uses: Session.Property, WScript.Shell's ExpandEnvironmentStrings,
// Scripting.FileSystemObject's FileExists and OpenTextFile(...).ReadAll, and WMI's StdRegProv
// GetStringValue (through SWbemLocator with a context asking for the 64-bit provider).
// Usage: node jscript-host.js find-java.js WORLD_JSON; prints {"returned": n, "properties": {...}}.
// JScript alone can assign to a call (Session.Property(name) = value); that one line of the
// script's setProperty is given to this host as a call, and nothing else is changed.
'use strict';
const fs = require('fs');
const vm = require('vm');

const source = fs.readFileSync(process.argv[2], 'utf8');
const world = JSON.parse(process.argv[3]);
const assignment = 'Session.Property(name) = value;';
if (source.split(assignment).length !== 2) {
    console.error('find-java.js no longer sets properties through setProperty alone');
    process.exit(2);
}
const properties = {};
const stdRegProv = {
    Methods_: () => ({InParameters: {SpawnInstance_: () => ({})}}),
    ExecMethod_: (method, input, flags, context) => {
        if (method !== 'GetStringValue' || input.hDefKey !== 0x80000002) {
            throw new Error('unexpected registry call ' + method);
        }
        const view = context && context.values.__ProviderArchitecture === 64 ? 'registry64' : 'registry32';
        const value = (world[view] || {})[input.sSubKeyName + '\\' + input.sValueName];
        return value === undefined ? {ReturnValue: 2} : {ReturnValue: 0, sValue: value};
    },
};
function ActiveXObject(name) {
    if ((world.blocked || []).includes(name)) { // a locked-down host's script policy
        throw new Error("Automation server can't create object");
    }
    switch (name) {
        case 'WScript.Shell':
            return {ExpandEnvironmentStrings: s => s.replace(/%(\w+)%/g, (m, k) => k in world.env ? world.env[k] : m)};
        case 'Scripting.FileSystemObject':
            return {
                FileExists: p => Object.prototype.hasOwnProperty.call(world.files, p),
                OpenTextFile: (p, mode) => {
                    if (mode !== 1) {
                        throw new Error('opened for writing: ' + p);
                    }
                    const text = world.files[p];
                    return {
                        AtEndOfStream: text === '',
                        ReadAll: () => {
                            if (text === null) { // a file this account may not read
                                throw new Error('Permission denied');
                            }
                            if (text === '') {
                                throw new Error('Input past end of file'); // as FileSystemObject's ReadAll does
                            }
                            return text;
                        },
                        Close: () => {},
                    };
                },
            };
        case 'WbemScripting.SWbemNamedValueSet':
            return {values: {}, Add(k, v) { this.values[k] = v; }};
        case 'WbemScripting.SWbemLocator':
            if (!world.wmi) {
                throw new Error('WMI is not available');
            }
            return {ConnectServer: () => ({Get: cls => cls === 'StdRegProv' ? stdRegProv : null})};
        default:
            throw new Error('no ActiveX object ' + name);
    }
}
const context = {
    ActiveXObject,
    Session: {set: (name, value) => { properties[name] = String(value); }},
};
vm.createContext(context);
vm.runInContext(source.replace(assignment, 'Session.set(name, value);') + '\n__returned = FindJava();', context);
console.log(JSON.stringify({returned: context.__returned, properties}));
