using System.Text.RegularExpressions;

namespace NebulaGC.Server.Configuration;

/// <summary>
/// The stable id of this control-plane instance: the flag/env value, else the one kept in <c>instance-id</c> beside the
/// database (generated once). Never random per start, so a restart re-joins its own registry entry.
/// </summary>
public static partial class InstanceIdentity
{
    public const string FileName = "instance-id";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex Pattern();

    public static string Resolve(string? configured, string dbPath)
    {
        if (configured is not null)
        {
            return Validate(configured, "--instance-id");
        }
        var file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, FileName);
        if (TryRead(dbPath) is { } existing)
        {
            return existing;
        }
        var generated = $"{Sanitize(Environment.MachineName)}-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + ".tmp";
            File.WriteAllText(temp, generated + "\n");
            File.Move(temp, file, overwrite: false);
        }
        catch (IOException) when (TryRead(dbPath) is { } raced)
        {
            return raced;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationError($"cannot keep an instance id in '{file}' ({ex.Message}); pass --instance-id or set NEBULAGC_INSTANCE_ID");
        }
        return generated;
    }

    public static string? TryRead(string dbPath)
    {
        var file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, FileName);
        if (!File.Exists(file))
        {
            return null;
        }
        return Validate(File.ReadAllText(file).Trim(), file);
    }

    private static string Validate(string value, string source) =>
        Pattern().IsMatch(value) ? value : throw new ConfigurationError($"instance id '{value}' from {source} is invalid: use 1–63 letters, digits, '.', '_' or '-'");

    private static string Sanitize(string host)
    {
        var clean = new string(host.Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.').ToArray());
        return clean.Length == 0 ? "nebulagc" : clean[..Math.Min(clean.Length, 40)];
    }
}
