namespace NebulaGC.Daemon.Configuration;

/// <summary>The daemon config cannot be used. <see cref="Problems"/> lists every invalid field, one line each.</summary>
public sealed class DaemonConfigException(string path, IReadOnlyList<string> problems)
    : Exception($"daemon config '{path}' is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    public string ConfigPath { get; } = path;
    public IReadOnlyList<string> Problems { get; } = problems;
}
