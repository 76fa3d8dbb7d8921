namespace NebulaGC.Server.Domain;

/// <summary>Who holds a cluster's CA: the server (it signs node certificates) or the operator (nodes get uploaded bundles).</summary>
public enum PkiMode
{
    Managed,
    External,
}

/// <summary>The spelling of <see cref="PkiMode"/> in the API, the CLI and the database: <c>managed</c> or <c>external</c>.</summary>
public static class PkiModes
{
    public const string ManagedName = "managed";
    public const string ExternalName = "external";

    public static string Name(this PkiMode mode) => mode == PkiMode.Managed ? ManagedName : ExternalName;

    /// <summary>Null when <paramref name="name"/> is neither spelling.</summary>
    public static PkiMode? TryParse(string name) => name switch
    {
        ManagedName => PkiMode.Managed,
        ExternalName => PkiMode.External,
        _ => null,
    };
}
