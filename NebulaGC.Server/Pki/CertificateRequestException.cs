namespace NebulaGC.Server.Pki;

/// <summary>
/// A request to create a CA or sign a certificate was refused: bad public key, name, address, group or validity,
/// or the request breaks the CA's constraints. The message says which and is safe to return to the caller
/// (it never contains key material).
/// </summary>
public sealed class CertificateRequestException : Exception
{
    /// <summary>Creates the exception with the reason the request was refused.</summary>
    public CertificateRequestException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the lower-level cause.</summary>
    public CertificateRequestException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
