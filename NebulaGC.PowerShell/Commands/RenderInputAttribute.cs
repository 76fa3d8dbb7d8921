namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Marks a render-cmdlet parameter that is an input of the render itself (where to write, which component or
/// topology, a per-cmdlet option), not a <see cref="Rendering.DeploymentSettings"/> key. Every other parameter
/// must name a setting: <see cref="RenderCmdletBase.ApplyParameters"/> refuses one that does not.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RenderInputAttribute : Attribute;
