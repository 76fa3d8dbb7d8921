namespace NebulaGC.Client.Pki;

/// <summary>
/// Raised when a Nebula key or certificate (PEM or raw bytes) cannot be read: wrong PEM type,
/// wrong length, malformed base64 or protobuf. The message names what was expected and what was found.
/// </summary>
public sealed class NebulaPkiFormatException : FormatException
{
    /// <summary>Creates the exception with a message that names the expected and the actual content.</summary>
    public NebulaPkiFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the lower-level decoding failure.</summary>
    public NebulaPkiFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
