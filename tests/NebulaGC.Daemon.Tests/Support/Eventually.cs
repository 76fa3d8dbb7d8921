namespace NebulaGC.Daemon.Tests.Support;

/// <summary>Waits for a condition that another process or loop makes true; fails with a message after the timeout.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not true within {timeout.TotalSeconds} s: {describe()}");
            }
            await Task.Delay(25);
        }
    }

    public static bool ProcessAlive(int pid) => NebulaGC.Daemon.Supervision.NebulaProcess.IsAlive(pid);
}
