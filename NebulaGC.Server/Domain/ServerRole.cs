namespace NebulaGC.Server.Domain;

/// <summary>How an instance decides its role: fixed at start (<c>master</c>, <c>replica</c>) or following LiteFS.</summary>
public enum ServerRole
{
    Master,
    Replica,
    LiteFs,
}
