namespace NebulaGC.Server.Pki;

/// <summary>A stored CA private key could not be decrypted. The message says why and what to check; it holds no key material.</summary>
public sealed class CaKeyDecryptionException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public CaKeyDecryptionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the cryptographic failure.</summary>
    public CaKeyDecryptionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
