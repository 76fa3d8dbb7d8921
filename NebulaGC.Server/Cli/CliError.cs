namespace NebulaGC.Server.Cli;

/// <summary>An operation the CLI could not carry out: one line on stderr and exit code 1 (configuration errors exit 2 instead).</summary>
public sealed class CliError(string message) : Exception(message);
