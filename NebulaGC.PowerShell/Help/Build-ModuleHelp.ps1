#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Generates en-US/NebulaGC.dll-Help.xml (MAML) for the packaged module from the help sources beside this script.
.DESCRIPTION
    platyPS is not available, so this is our own small generator. Syntax, parameter types, positions and
    mandatory flags come from the cmdlets themselves (the module is imported from -ModuleDir); synopsis,
    description, parameter texts and examples come from <Cmdlet>.psd1 here, with shared parameter texts in
    _Common.psd1. A cmdlet without a help source, a parameter without a text or a cmdlet without an example
    fails the build. Run it in a fresh pwsh: a binary module cannot be unloaded.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleDir,
    [string] $SourceDir = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'NebulaGC.psd1')
Import-Module (Join-Path $ModuleDir 'NebulaGC.psd1') -Force
$common = Import-PowerShellDataFile (Join-Path $SourceDir '_Common.psd1')
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

$ns = @{
    msh = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$target = Join-Path $ModuleDir 'en-US/NebulaGC.dll-Help.xml'
New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
$w = [System.Xml.XmlWriter]::Create($target, $settings)

function Write-Para([string] $Text) {
    $w.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($para in ($Text.Trim() -split "\r?\n\s*\r?\n")) {
        $w.WriteElementString('maml', 'para', $ns.maml, (($para -split "\r?\n" | ForEach-Object Trim) -join ' '))
    }
    $w.WriteEndElement()
}

function Get-TypeName([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    return $Type.Name
}

$problems = [System.Collections.Generic.List[string]]::new()
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', $ns.msh)
$w.WriteAttributeString('schema', 'maml')
foreach ($name in $manifest.CmdletsToExport) {
    $sourceFile = Join-Path $SourceDir "$name.psd1"
    if (-not (Test-Path $sourceFile)) { $problems.Add("$name has no help source $sourceFile"); continue }
    $source = Import-PowerShellDataFile $sourceFile
    $cmd = Get-Command $name -Module NebulaGC
    $verb, $noun = $name -split '-', 2
    if (-not $source.Examples -or @($source.Examples).Count -eq 0) { $problems.Add("$name has no example") }

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $name)
    $w.WriteElementString('command', 'verb', $ns.command, $verb)
    $w.WriteElementString('command', 'noun', $ns.command, $noun)
    Write-Para $source.Synopsis
    $w.WriteEndElement()
    Write-Para $source.Description

    $parameterText = @{}
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }) {
        $text = if ($source.Parameters -and $source.Parameters.ContainsKey($p.Name)) { $source.Parameters[$p.Name] }
        elseif ($common.Parameters.ContainsKey($p.Name)) { $common.Parameters[$p.Name] }
        else { $null }
        if (-not $text) { $problems.Add("$name -$($p.Name) has no help text") }
        $parameterText[$p.Name] = [string] $text
    }

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $commonParameters }) {
            $w.WriteStartElement('command', 'parameter', $ns.command)
            $w.WriteAttributeString('required', $p.IsMandatory.ToString().ToLowerInvariant())
            $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { [string] ($p.Position + 1) } else { 'named' }))
            $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $w.WriteStartElement('command', 'parameterValue', $ns.command)
                $w.WriteAttributeString('required', 'true')
                $w.WriteString((Get-TypeName $p.ParameterType))
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $commonParameters } | Sort-Object Name) {
        $meta = $cmd.ParameterSets[0].Parameters | Where-Object Name -EQ $p.Name | Select-Object -First 1
        $w.WriteStartElement('command', 'parameter', $ns.command)
        $w.WriteAttributeString('required', $(if ($meta) { $meta.IsMandatory.ToString().ToLowerInvariant() } else { 'false' }))
        $w.WriteAttributeString('position', $(if ($meta -and $meta.Position -ge 0) { [string] ($meta.Position + 1) } else { 'named' }))
        $w.WriteAttributeString('pipelineInput', $(if ($meta -and ($meta.ValueFromPipeline -or $meta.ValueFromPipelineByPropertyName)) { 'true (ByValue, ByPropertyName)' } else { 'false' }))
        $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
        $text = $parameterText[$p.Name]
        if ($p.ParameterType.IsEnum) { $text += "`n`nValues: $([Enum]::GetNames($p.ParameterType) -join ', ')" }
        # A parameter that names a setting: its values key and its default come from the settings model itself.
        $key = [NebulaGC.PowerShell.Rendering.ValuesSchema]::ForProperty($p.Name)
        if ($verb -eq 'New' -and $key) {
            $default = $key.Property.GetValue([NebulaGC.PowerShell.Rendering.DeploymentSettings]::new())
            $shown = if ($null -eq $default) { 'none (required here or in the values)' } elseif ($default -is [System.Collections.ICollection]) { 'none' } else { [NebulaGC.PowerShell.Rendering.ValueKinds]::ToText($default) }
            $text += "`n`nValues key: $($key.Key). Accepts: $([NebulaGC.PowerShell.Rendering.ValueKinds]::Expected($key.Value.Kind)). Default: $shown."
        }
        Write-Para $text
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]).ToString().ToLowerInvariant())
        $w.WriteString((Get-TypeName $p.ParameterType))
        $w.WriteEndElement()
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $p.ParameterType.FullName)
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    $piped = @($cmd.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
    $w.WriteStartElement('command', 'inputType', $ns.command)
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $(if ($piped) { ($piped | ForEach-Object { "$($_.ParameterType.Name) (-$($_.Name))" }) -join ', ' } else { 'None' }))
    $w.WriteEndElement()
    Write-Para $(if ($piped) { "Pipeline input binds to: $(($piped | ForEach-Object { "-$($_.Name)" }) -join ', ')." } else { 'This cmdlet takes no pipeline input.' })
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($type in $cmd.OutputType) {
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $type.Name)
        $w.WriteEndElement()
        Write-Para $(if ($source.ContainsKey('Outputs')) { $source.Outputs } else { $type.Name })
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($example in @($source.Examples)) {
        $i++
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example ${i}: $($example.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, $example.Code.Trim())
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($para in ($example.Remarks.Trim() -split "\r?\n\s*\r?\n")) {
            $w.WriteElementString('maml', 'para', $ns.maml, (($para -split "\r?\n" | ForEach-Object Trim) -join ' '))
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()
if ($problems.Count -gt 0) {
    Remove-Item $target
    throw "module help is incomplete:`n  $($problems -join "`n  ")"
}
Write-Host "Help for $(@($manifest.CmdletsToExport).Count) cmdlets written to $target"
