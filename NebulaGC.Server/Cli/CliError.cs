namespace NebulaGC.Server.Cli;

/// <summary>A failure the CLI reports as one line on stderr with a non-zero exit code (2: usage/configuration, 1: the operation failed).</summary>
public sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
