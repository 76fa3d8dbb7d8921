// The module renders for, validates with and installs onto Linux: files carry Unix modes (secrets 0600), the
// validators are Linux tools, and atomic writes fsync the directory through libc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
