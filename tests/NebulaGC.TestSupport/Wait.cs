using System.Diagnostics;

namespace NebulaGC.TestSupport;

/// <summary>
/// Waits on a condition that another process, thread or loop makes true, instead of sleeping for a guessed time:
/// the test goes on as soon as the condition holds and fails with a message saying what did not happen when it does
/// not hold within the timeout (a bound for a broken build, not a speed target).
/// </summary>
public static class Wait
{
    /// <summary>How often a condition is checked.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Polls <paramref name="condition"/> until it is true; fails with <paramref name="describe"/>() after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe);

    /// <summary>Polls an asynchronous <paramref name="condition"/> (an HTTP call, a process run) until it is true; fails after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not true within {timeout.TotalSeconds} s: {describe()}");
            }
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>The blocking form of <see cref="UntilAsync(Func{bool}, TimeSpan, Func{string})"/>, for synchronous helpers.</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not true within {timeout.TotalSeconds} s: {describe()}");
            }
            Thread.Sleep(PollInterval);
        }
    }
}
