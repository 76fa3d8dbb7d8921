namespace NebulaGC.TestSupport;

/// <summary>
/// Base of test classes that start processes and servers: a temporary directory per test and everything the test
/// started in it, disposed in reverse order of starting so processes stop before the files they hold are deleted.
/// </summary>
public abstract class ResourceOwningTest : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>The test's temporary directory, deleted after everything it owns is disposed.</summary>
    protected TempDirectory Dir { get; } = new();

    /// <summary>Disposes <paramref name="disposable"/> with the test, before anything started earlier.</summary>
    protected T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Disposes what the test owns, newest first, then deletes <see cref="Dir"/>.</summary>
    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
