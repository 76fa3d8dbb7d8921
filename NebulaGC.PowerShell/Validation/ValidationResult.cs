namespace NebulaGC.PowerShell.Validation;

/// <summary>A check's verdict. Strings, so results serialize (ConvertTo-Json, -OutputFormat Json) with names.</summary>
public static class ValidationStatus
{
    public const string Passed = nameof(Passed);
    public const string Failed = nameof(Failed);
    /// <summary>The tool is not installed here: not checked, never counted as passed.</summary>
    public const string Skipped = nameof(Skipped);
}

/// <summary>One validator's verdict on one file. PSTypeName: NebulaGC.PowerShell.Validation.ValidationResult.</summary>
public sealed class ValidationResult
{
    public required string Path { get; init; }

    /// <summary>What judged the file, e.g. "systemd-analyze verify", "haproxy -c", "litestream 0.3 keys".</summary>
    public required string Validator { get; init; }

    /// <summary>One of <see cref="ValidationStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Tool output or the reason, trimmed.</summary>
    public string Detail { get; init; } = "";

    /// <summary>systemd-analyze security exposure (0-10, lower is safer), when measured.</summary>
    public double? Score { get; init; }

    public bool Passed => Status != ValidationStatus.Failed;

    public override string ToString() => $"{Status} {Validator} {Path}";
}
