// The daemon drives Linux-only machinery (tun, /proc, signals, symlink renames).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
