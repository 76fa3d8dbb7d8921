namespace NebulaGC.Daemon.Apply;

/// <summary>A downloaded bundle will not be applied; <see cref="Exception.Message"/> says why, for the status and the log.</summary>
public sealed class BundleRejectedException(string reason, Exception? inner = null) : Exception(reason, inner);
