namespace NebulaGC.TestSupport;

/// <summary>
/// A fresh directory under the system temp directory for one test (or one fixture), deleted with everything in it on
/// dispose. Names are unique, so tests running at once on the same machine never share one.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates <c>/tmp/&lt;prefix&gt;&lt;random&gt;</c>; the prefix only tells whose directory a leftover is.</summary>
    public TempDirectory(string prefix = "nebulagc-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> (UTF-8) to the file <paramref name="name"/> inside the directory.</summary>
    public void Write(string name, string content) => File.WriteAllText(Combine(name), content);

    /// <summary>Reads the file <paramref name="name"/> inside the directory as text.</summary>
    public string Read(string name) => File.ReadAllText(Combine(name));

    /// <summary>Deletes the directory; a file still held open by a process the test leaked does not fail the test.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
