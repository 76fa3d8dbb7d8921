using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NebulaGC.Server.Configuration;

/// <summary>
/// The stable id of this control-plane instance: the flag/env value, else <c>HOST-XXXXXXXX</c> derived from this host's
/// machine id and the listen address. Never random per start (a restart re-joins its own registry entry) and never kept
/// beside the database: instances that share a database file — a replica on the master's file, a LiteFS mount, a
/// restored copy — would otherwise share an id.
/// </summary>
public static partial class InstanceIdentity
{
    /// <summary>Where the host's machine id is read from, in order; the host name stands in when neither exists (containers).</summary>
    public static readonly IReadOnlyList<string> MachineIdFiles = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z")]
    private static partial Regex Pattern();

    public static string Resolve(string? configured, string listen) =>
        configured is not null ? Validate(configured, "--instance-id") : Derive(Environment.MachineName, MachineId(), listen);

    /// <summary>The default id: the host name (for people) and a hash of machine id and listen address (for uniqueness).</summary>
    public static string Derive(string hostName, string machineId, string listen)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{machineId}\n{listen}"));
        return $"{Sanitize(hostName)}-{Convert.ToHexStringLower(digest)[..8]}";
    }

    private static string MachineId()
    {
        foreach (var file in MachineIdFiles)
        {
            try
            {
                var id = File.ReadAllText(file).Trim();
                if (id.Length > 0)
                {
                    return id;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not every host (or container) has one; try the next source.
            }
        }
        return Environment.MachineName;
    }

    private static string Validate(string value, string source) =>
        Pattern().IsMatch(value) ? value : throw new ConfigurationError($"instance id '{value}' from {source} is invalid: use 1–63 letters, digits, '.', '_' or '-'");

    private static string Sanitize(string host)
    {
        var clean = new string(host.Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.').ToArray()).TrimStart('-', '.');
        return clean.Length == 0 ? "nebulagc" : clean[..Math.Min(clean.Length, 40)];
    }
}
