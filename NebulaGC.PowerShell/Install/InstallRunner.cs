using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>Executes a plan step by step: ShouldProcess right before each side effect, progress and verbose narration.</summary>
internal static class InstallRunner
{
    /// <summary>
    /// Runs every needed step; <paramref name="afterStep"/> sees each executed one (a failed <see cref="InstallStep.Recoverable"/>
    /// one too, which it must handle or rethrow) and returns false to skip the rest. Any other failure is rethrown as it is.
    /// Returns false when any needed step was declined (-WhatIf, -Confirm).
    /// </summary>
    public static bool Run(InstallPlan plan, IReporter reporter, string activity, Func<InstallStep, bool>? afterStep = null)
    {
        var applied = true;
        var steps = plan.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            reporter.Progress(activity, $"{step.Action}: {step.Target}", i * 100 / steps.Count);
            if (!step.Needed)
            {
                reporter.Verbose($"{step.Name}: {step.Target} is already as wanted (unchanged)");
                continue;
            }
            if (!reporter.ShouldProcess(step.Target, step.Action))
            {
                applied = false;
                continue;
            }
            reporter.Verbose($"{step.Name}: {step.Action}: {step.Target}");
            try
            {
                step.Execute();
                step.Result = StepResult.Changed;
            }
            catch (NebulaGCException e) when (step.Recoverable)
            {
                step.Result = StepResult.Failed;
                step.Error = e.Message;
            }
            catch (Exception e)
            {
                step.Result = StepResult.Failed;
                step.Error = e.Message;
                throw;
            }
            if (afterStep is not null && !afterStep(step))
            {
                return applied;
            }
        }
        return applied;
    }

    /// <summary>The outcome of an executed plan.</summary>
    public static InstallOutcome Outcome(InstallPlan plan, bool applied, bool live, string? versionBefore, string? versionAfter)
    {
        if (!applied)
        {
            return InstallOutcome.NotApplied;
        }
        if (plan.Steps.All(s => s.Result != StepResult.Changed))
        {
            return InstallOutcome.Unchanged;
        }
        if (!live)
        {
            return InstallOutcome.Staged;
        }
        if (versionBefore is null)
        {
            return InstallOutcome.Installed;
        }
        return versionBefore != versionAfter ? InstallOutcome.Upgraded : InstallOutcome.Reconfigured;
    }
}
