namespace NebulaGC.Client.Http;

/// <summary>A config bundle as received, not yet verified: the caller checks <see cref="Sha256"/> against <see cref="Content"/>.</summary>
/// <param name="Version">From <c>X-Nebula-Config-Version</c>.</param>
/// <param name="Sha256">From <c>X-Nebula-Config-SHA256</c>; null when the server sent none.</param>
/// <param name="Content">The gzip'd tar exactly as received (capped at <see cref="ControlPlaneClientOptions.MaxBundleBytes"/>).</param>
/// <param name="Source">The instance URL it came from.</param>
public sealed record BundleDownload(long Version, string? Sha256, byte[] Content, Uri Source);
