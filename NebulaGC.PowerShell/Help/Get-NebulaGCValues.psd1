@{
    Synopsis    = 'Prints the full default values file of the render cmdlets, with a comment per key (like helm show values).'
    Description = @'
Every setting the New-NebulaGC* cmdlets read, under the key a values file uses, with its default and a one-line comment saying what it is and which values it accepts. The same text is committed in the repository as templates/values.yml and ships in the module folder (templates/values.yml). Save it, keep the keys you change, and pass the file with -ValuesPath; single keys can be overridden with -Set key=value. See about_NebulaGC_Values.
'@
    Outputs     = 'The values file as one string (YAML with comments).'
    Parameters  = @{}
    Examples    = @(
        @{
            Title   = 'Start a values file for CI'
            Code    = 'Get-NebulaGCValues | Set-Content ./nebulagc.values.yml'
            Remarks = 'Loading the unchanged file renders exactly the defaults; edit the keys you need.'
        }
    )
}
