using System.Runtime.CompilerServices;

namespace NebulaGC.Daemon.Tests.Support;

internal static class TestAssemblySetup
{
    /// <summary>
    /// The end-to-end tests block threads (they run `ip`, `ping` and `nebulagc status` synchronously) while other
    /// test classes run the daemon engine in this process. Without spare pool threads the engine's continuations
    /// queue behind them and timing assertions measure the test host, not the daemon.
    /// </summary>
    [ModuleInitializer]
    internal static void ReserveThreadPoolThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
