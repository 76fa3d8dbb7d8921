namespace NebulaGC.TestSupport;

/// <summary>
/// Base of test classes that start processes and servers: a temporary directory per test and everything the test
/// started in it, disposed in reverse order of starting so processes stop before the files they hold are deleted.
/// </summary>
public abstract class ResourceOwningTest : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    protected TempDirectory Dir { get; } = new();

    protected T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

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
