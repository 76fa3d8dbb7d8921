// The server manages Unix sockets, file modes and nebula processes: it runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
