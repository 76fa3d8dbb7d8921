# Reads the deployment guides for the docs tests: fenced blocks and the marker that says how CI checks each one,
# the names a guide relies on, its links and anchors.
#
# Markers are HTML comments on the line right before a fence (invisible when the guide is rendered):
#   <!-- doc:excerpt examples/PATH -->   the block is a verbatim run of lines of that example file
#   <!-- doc:run pwsh -->                a command run by the docs tests (pwsh with the packaged module, or sh = bash);
#   <!-- doc:run sh exit=1 -->           exit=N when the command is expected to fail (failure drills)
#   <!-- doc:output -->                  what the preceding run block prints; "…" in a line matches any text, a line
#                                        holding only "…" matches any number of lines (trimmed output)
#   <!-- doc:not-run REASON -->          shown but not run, with the reason (cloud-only, needs a real cluster)
# A ```mermaid block needs no marker: it is parsed with the mermaid package.

Set-StrictMode -Version Latest

$script:MarkerPattern = '^\s*<!--\s*doc:(?<kind>excerpt|run|output|not-run)\b\s*(?<arg>.*?)\s*-->\s*$'

function Get-DocBlock {
    <# Every fenced block of a markdown file with its marker (Kind: excerpt, run, output, not-run, mermaid, unmarked). #>
    param([Parameter(Mandatory)][string] $Path)
    $lines = [System.IO.File]::ReadAllLines($Path)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $lines.Count) {
        if ($lines[$i] -notmatch '^(?<fence>```+)\s*(?<lang>[^\s`]*)\s*$') { $i++; continue }
        $fence = $Matches.fence
        $lang = $Matches.lang
        $start = $i
        $body = [System.Collections.Generic.List[string]]::new()
        $i++
        while ($i -lt $lines.Count -and $lines[$i] -ne $fence) { $body.Add($lines[$i]); $i++ }
        if ($i -ge $lines.Count) { throw "${Path}:$($start + 1): fence opened here is never closed" }
        $i++
        $kind = 'unmarked'
        $arg = ''
        if ($lang -eq 'mermaid') {
            $kind = 'mermaid'
        }
        elseif ($start -gt 0 -and $lines[$start - 1] -match $script:MarkerPattern) {
            $kind = $Matches.kind
            $arg = $Matches.arg
        }
        $blocks.Add([pscustomobject]@{
                File     = $Path
                Line     = $start + 1
                Language = $lang
                Kind     = $kind
                Argument = $arg
                Content  = ($body -join "`n")
            })
    }
    return $blocks
}

function Test-ExcerptOf {
    <# True when the lines of $Excerpt appear, in order and contiguous, in $FileText. #>
    param([Parameter(Mandatory)][string] $Excerpt, [Parameter(Mandatory)][AllowEmptyString()][string] $FileText)
    $want = @($Excerpt -split "`n")
    $have = @(($FileText -replace "`r", '') -split "`n")
    for ($start = 0; $start -le $have.Count - $want.Count; $start++) {
        $ok = $true
        for ($k = 0; $k -lt $want.Count; $k++) {
            if ($have[$start + $k] -cne $want[$k]) { $ok = $false; break }
        }
        if ($ok) { return $true }
    }
    return $false
}

function ConvertTo-LinePattern {
    param([string] $Line)
    $parts = $Line.TrimEnd() -split '…' | ForEach-Object { [regex]::Escape($_) }
    return '^' + ($parts -join '.*') + '\s*$'
}

function Test-ExpectedOutput {
    <#
    True when $Actual matches $Expected: line by line, trailing spaces and blank lines at either end ignored;
    "…" inside a line matches any text; a line holding only "…" matches any number of lines.
    #>
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Expected, [Parameter(Mandatory)][AllowEmptyString()][string] $Actual)
    $trim = { param($text) ((($text -replace "`r", '') -split "`n") | ForEach-Object { $_.TrimEnd() }) -join "`n" -replace '^\n+', '' -replace '\n+$', '' }
    $exp = @((& $trim $Expected) -split "`n")
    $act = @((& $trim $Actual) -split "`n")
    if ((& $trim $Actual) -eq '') { $act = @() }
    if ((& $trim $Expected) -eq '') { $exp = @() }
    # Glob matching over lines (memoised recursion would be overkill: guides hold short outputs).
    $memo = @{}
    $match = $null
    $match = {
        param([int] $e, [int] $a)
        $key = "$e,$a"
        if ($memo.ContainsKey($key)) { return $memo[$key] }
        $result = $false
        if ($e -eq $exp.Count) { $result = ($a -eq $act.Count) }
        elseif ($exp[$e].Trim() -eq '…') {
            for ($skip = $a; $skip -le $act.Count -and -not $result; $skip++) { $result = & $match ($e + 1) $skip }
        }
        elseif ($a -lt $act.Count -and $act[$a] -match (ConvertTo-LinePattern $exp[$e])) { $result = & $match ($e + 1) ($a + 1) }
        $memo[$key] = $result
        return $result
    }
    return [bool](& $match 0 0)
}

function Get-HeadingAnchor {
    <# GitHub's anchor of a heading: lower case, punctuation but '-' and '_' dropped, spaces to '-'. #>
    param([Parameter(Mandatory)][string] $Heading)
    $text = $Heading -replace '`', '' -replace '\[([^\]]*)\]\([^)]*\)', '$1'
    $text = $text.ToLowerInvariant() -replace '[^\p{L}\p{Nd}\s_-]', '' -replace ' ', '-'
    return $text
}

function Get-MarkdownAnchor {
    <# Every anchor the headings of a markdown file define (duplicates get -1, -2 ... like GitHub). #>
    param([Parameter(Mandatory)][string] $Path)
    $seen = @{}
    $inFence = $false
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        if ($line -match '^```') { $inFence = -not $inFence; continue }
        if ($inFence -or $line -notmatch '^#{1,6}\s+(?<title>.+?)\s*#*\s*$') { continue }
        $anchor = Get-HeadingAnchor $Matches.title
        if ($seen.ContainsKey($anchor)) { $seen[$anchor]++; $anchor = "$anchor-$($seen[$anchor])" } else { $seen[$anchor] = 0 }
        $anchor
    }
}

function Get-ProseText {
    <# The markdown without its fenced blocks and HTML comments: what a reader sees as prose, tables and inline code. #>
    param([Parameter(Mandatory)][string] $Path)
    $out = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        if ($line -match '^```') { $inFence = -not $inFence; continue }
        if (-not $inFence) { $out.Add(($line -replace '<!--.*?-->', '')) }
    }
    return $out -join "`n"
}

function Get-MarkdownLink {
    <# Links of the prose: [text](target) with the target split into path and anchor. External links are returned too. #>
    param([Parameter(Mandatory)][string] $Path)
    $prose = Get-ProseText $Path
    # Inline code may hold brackets that are no link.
    $prose = $prose -replace '`[^`]*`', ''
    foreach ($m in [regex]::Matches($prose, '\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)')) {
        $target = $m.Groups['target'].Value
        $file, $anchor = $target -split '#', 2
        [pscustomobject]@{ Target = $target; File = $file; Anchor = $anchor; External = $target -match '^[a-z]+:' }
    }
}

function Get-InlineCode {
    param([Parameter(Mandatory)][string] $Text)
    foreach ($m in [regex]::Matches($Text, '`(?<code>[^`\n]+)`')) { $m.Groups['code'].Value }
}

function Get-GuideName {
    <#
    The names a guide relies on, from its prose (inline code included) and its blocks: environment variables, metrics,
    API endpoints, server and daemon flags, file paths of the product and cmdlets with their parameters.
    #>
    param([Parameter(Mandatory)][string] $Path)
    $prose = Get-ProseText $Path
    $blocks = @(Get-DocBlock $Path | Where-Object Kind -NE 'mermaid')
    $all = $prose + "`n" + (($blocks | ForEach-Object Content) -join "`n")
    $names = [System.Collections.Generic.List[object]]::new()
    $add = { param($kind, $name) $names.Add([pscustomobject]@{ Kind = $kind; Name = $name }) }

    foreach ($m in [regex]::Matches($all, '\bNEBULAGC_[A-Z0-9_]*[A-Z0-9]')) { & $add 'EnvVar' $m.Value }
    foreach ($m in [regex]::Matches($all, '\bnebulagc_[a-z0-9_]*[a-z0-9]\b')) { & $add 'Metric' $m.Value }
    foreach ($m in [regex]::Matches($all, '(?<![\w.])/v1/[A-Za-z0-9_{}/-]*[A-Za-z0-9_}]')) { & $add 'Endpoint' $m.Value }
    foreach ($m in [regex]::Matches($all, '(?<![\w.-])/(?:etc|var/lib|run|usr/local/bin)/nebulagc[A-Za-z0-9_./-]*[A-Za-z0-9_]')) { & $add 'Path' $m.Value }
    foreach ($m in [regex]::Matches($all, '(?<![\w/.-])examples/[A-Za-z0-9_./-]*[A-Za-z0-9_]')) { & $add 'ExampleFile' $m.Value }

    # Flags of nebulagc-server and nebulagc: from command lines that start with one of them (inline code or blocks).
    $commandLines = @(Get-InlineCode $prose) + @($blocks | ForEach-Object { $_.Content -split "`n" })
    foreach ($line in $commandLines) {
        if ($line -notmatch '^\s*(sudo\s+)?(?<exe>nebulagc-server|nebulagc)\b(?<rest>.*)$') { continue }
        foreach ($m in [regex]::Matches($Matches.rest, '(?<=\s|^)--[a-z][a-z0-9-]*')) { & $add 'Flag' $m.Value }
    }

    # Cmdlets and their parameters, parsed by PowerShell itself from pwsh blocks and inline code that calls a cmdlet.
    $scripts = @($blocks | Where-Object { $_.Language -in 'powershell', 'pwsh' } | ForEach-Object Content) +
        @(Get-InlineCode $prose | Where-Object { $_ -match '^[A-Z][a-z]+-NebulaGC' })
    foreach ($script in $scripts) {
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($script, [ref] $null, [ref] $null)
        foreach ($command in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $cmdName = $command.GetCommandName()
            if ($cmdName -notmatch '^[A-Z][a-z]+-NebulaGC\w*$') { continue }
            & $add 'Cmdlet' $cmdName
            foreach ($p in $command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                & $add 'Parameter' "$cmdName -$($p.ParameterName)"
            }
        }
    }
    foreach ($m in [regex]::Matches($prose, '\b[A-Z][a-z]+-NebulaGC[A-Za-z]+\b')) { & $add 'Cmdlet' $m.Value }
    return $names | Sort-Object Kind, Name -Unique
}

Export-ModuleMember -Function Get-DocBlock, Test-ExcerptOf, Test-ExpectedOutput, Get-HeadingAnchor, Get-MarkdownAnchor,
    Get-MarkdownLink, Get-GuideName, Get-ProseText
