using System.Collections.Concurrent;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Runs an async engine call on the calling (pipeline) thread: PowerShell accepts WriteVerbose, WriteProgress and
/// ShouldProcess only from that thread, so every continuation is posted back to it and pumped here until the work ends.
/// </summary>
internal static class PipelineThread
{
    public static T Run<T>(Func<Task<T>> work)
    {
        var previous = SynchronizationContext.Current;
        using var context = new PumpContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var task = work();
            task.ContinueWith(_ => context.Complete(), TaskScheduler.Default);
            context.Pump();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private sealed class PumpContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("synchronous Send onto the pipeline thread");

        public void Complete() => _queue.CompleteAdding();

        public void Pump()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }

        public void Dispose() => _queue.Dispose();
    }
}
