namespace NebulaGC.TestSupport;

/// <summary>Waits on a running nebula (see <see cref="NamespaceNetwork.StartNebula"/>).</summary>
public static class NebulaProcessExtensions
{
    /// <summary>Waits (bounded) for nebula to log its tun device up; fails with its log if it exits or does not come up.</summary>
    public static void WaitUntilNebulaRunning(this BackgroundProcess nebula, TimeSpan timeout) =>
        Wait.Until(() =>
        {
            Assert.False(nebula.HasExited, "nebula exited at startup:\n" + nebula.Output);
            return nebula.Logged("Nebula interface is active");
        }, timeout, () => "nebula did not come up:\n" + nebula.Output);
}
