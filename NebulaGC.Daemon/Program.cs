using System.CommandLine;

var root = new RootCommand("nebulagc: the NebulaGC node agent. Enrolls with the control plane, applies Nebula configs and supervises nebula.");
return await root.Parse(args).InvokeAsync();
