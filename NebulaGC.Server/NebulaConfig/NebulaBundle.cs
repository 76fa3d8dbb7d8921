namespace NebulaGC.Server.NebulaConfig;

/// <summary>One file of a config bundle.</summary>
/// <param name="Name">Flat file name (no directories), e.g. <c>config.yml</c>.</param>
/// <param name="Content">File content.</param>
public sealed record NebulaBundleFile(string Name, ReadOnlyMemory<byte> Content);

/// <summary>A finished bundle: the <c>tar.gz</c> bytes and their SHA-256 (for <c>X-Nebula-Config-SHA256</c> and the ETag).</summary>
/// <param name="Content">The gzip'd tar.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of <paramref name="Content"/>.</param>
public sealed record NebulaBundle(byte[] Content, string Sha256);
