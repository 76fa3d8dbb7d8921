namespace NebulaGC.PowerShell.Engine;

/// <summary>How engines talk back to their caller (a cmdlet, a test) without knowing PowerShell.</summary>
public interface IReporter
{
    void Verbose(string message);

    void Warning(string message);

    /// <summary>Asked right before a side effect; false skips it (-WhatIf, a "no" to -Confirm).</summary>
    bool ShouldProcess(string target, string action);

    /// <summary>Progress of a long operation; <paramref name="percent"/> 100 ends it.</summary>
    void Progress(string activity, string status, int percent);
}
