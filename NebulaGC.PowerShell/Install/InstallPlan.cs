namespace NebulaGC.PowerShell.Install;

/// <summary>What a step did (or would do).</summary>
public enum StepResult
{
    /// <summary>The step changed the system.</summary>
    Changed,

    /// <summary>The system already was as the step wants it: nothing done.</summary>
    Unchanged,

    /// <summary>Not done: -WhatIf, a "no" to -Confirm, or an earlier failure.</summary>
    Skipped,

    /// <summary>The step was attempted and failed.</summary>
    Failed,
}

/// <summary>One step of an install: a side effect on <see cref="Target"/>, asked for with ShouldProcess right before it runs.</summary>
public sealed class InstallStep
{
    internal InstallStep(string name, string target, string action, bool needed, Action? execute, bool recoverable)
    {
        Recoverable = recoverable;
        Name = name;
        Target = target;
        Action = action;
        Needed = needed;
        _execute = execute;
        Result = needed ? StepResult.Skipped : StepResult.Unchanged;
    }

    private readonly Action? _execute;

    /// <summary>Short stable name (e.g. "LinkBinary"), for scripts and tests.</summary>
    public string Name { get; }

    /// <summary>The file, unit or URL the step acts on.</summary>
    public string Target { get; }

    /// <summary>What it does, in words (the ShouldProcess action).</summary>
    public string Action { get; }

    /// <summary>False when the system already matches: the step is reported Unchanged and never asked for.</summary>
    public bool Needed { get; }

    public StepResult Result { get; internal set; }

    /// <summary>A failure of this step is handed to the installer (which may roll back) instead of ending the run.</summary>
    internal bool Recoverable { get; }

    /// <summary>Why it failed, when <see cref="Result"/> is Failed.</summary>
    public string? Error { get; internal set; }

    internal void Execute() => _execute?.Invoke();

    public override string ToString() => $"{Name} {Target}: {Result}";
}

/// <summary>The ordered steps of an install or uninstall, built before anything changes; the executed plan is the report.</summary>
public sealed class InstallPlan
{
    private readonly List<InstallStep> _steps = [];

    public IReadOnlyList<InstallStep> Steps => _steps;

    internal InstallStep Add(string name, string target, string action, bool needed, Action execute, bool recoverable = false)
    {
        var step = new InstallStep(name, target, action, needed, execute, recoverable);
        _steps.Add(step);
        return step;
    }

}
