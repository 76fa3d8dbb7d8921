namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Marks a parameter of a render or install cmdlet that is an input of the command itself (where to write, which
/// component or topology, the release to install, a per-cmdlet option), not a <see cref="Rendering.DeploymentSettings"/> key. Every other parameter
/// must name a setting: <see cref="SettingsCmdletBase.ApplyParameters"/> refuses one that does not.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RenderInputAttribute : Attribute;
