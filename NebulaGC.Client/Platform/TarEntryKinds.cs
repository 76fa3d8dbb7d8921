using System.Formats.Tar;

namespace NebulaGC.Client.Platform;

/// <summary>Names tar entry types for error messages about bundles (server upload checks and daemon unpacking).</summary>
public static class TarEntryKinds
{
    public static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.Directory => "directory",
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "device",
        TarEntryType.Fifo => "FIFO",
        _ => $"{type} entry",
    };
}
