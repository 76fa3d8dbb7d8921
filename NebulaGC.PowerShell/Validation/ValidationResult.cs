namespace NebulaGC.PowerShell.Validation;

public enum ValidationStatus { Passed, Failed, Skipped }

/// <summary>One validator's verdict on one file. PSTypeName: NebulaGC.PowerShell.Validation.ValidationResult.</summary>
public sealed class ValidationResult
{
    public required string Path { get; init; }

    /// <summary>What judged the file, e.g. "systemd-analyze verify", "haproxy -c", "litestream 0.3 keys".</summary>
    public required string Validator { get; init; }

    public required ValidationStatus Status { get; init; }

    /// <summary>Tool output or the reason, trimmed.</summary>
    public string Detail { get; init; } = "";

    /// <summary>systemd-analyze security exposure (0-10, lower is safer), when measured.</summary>
    public double? Score { get; init; }

    public bool Passed => Status != ValidationStatus.Failed;

    public override string ToString() => $"{Status} {Validator} {Path}";
}
