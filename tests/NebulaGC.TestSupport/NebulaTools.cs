namespace NebulaGC.TestSupport;

/// <summary>
/// Runs the real <c>nebula-cert</c> and <c>nebula</c> binaries. A missing binary is a test failure with a hint,
/// never a silent skip: the build's prerequisites step installs them (<c>apt-get install -y nebula</c>).
/// </summary>
public static class NebulaTools
{
    /// <summary>Runs <c>nebula-cert args…</c> in <paramref name="workingDirectory"/>.</summary>
    public static ProcessResult NebulaCert(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(ProcessRunner.Find("nebula-cert"), arguments, workingDirectory, timeout: TimeSpan.FromSeconds(30));

    /// <summary>Runs <c>nebula args…</c> (e.g. <c>-test -config config.yml</c>) in <paramref name="workingDirectory"/>.</summary>
    public static ProcessResult Nebula(string workingDirectory, params string[] arguments) =>
        ProcessRunner.Run(ProcessRunner.Find("nebula"), arguments, workingDirectory, timeout: TimeSpan.FromSeconds(30));
}
