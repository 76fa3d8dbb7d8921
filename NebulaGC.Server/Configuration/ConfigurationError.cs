namespace NebulaGC.Server.Configuration;

/// <summary>
/// The server cannot start or a command cannot run as configured (flags, <c>NEBULAGC_*</c> variables, files they name).
/// <c>Program</c> prints the message and exits 2; nothing has been changed when it is thrown.
/// </summary>
public sealed class ConfigurationError(string message, Exception? inner = null) : Exception(message, inner);
