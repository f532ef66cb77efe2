$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
New-NetFirewallRule -PolicyStore PersistentStore -Name 'port25-agent-in-tcp-25' -DisplayName 'port25-agent: block inbound TCP 25' -Group 'port25-agent' -Description 'Managed by port25-agent (CLOSED); ''port25-agent undo'' removes it' -Direction Inbound -Action Block -Protocol TCP -LocalPort 25 -RemoteAddress @('Any') -Profile Any -Enabled True | Out-Null
