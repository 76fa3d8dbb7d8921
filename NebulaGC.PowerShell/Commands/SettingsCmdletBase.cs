using System.Management.Automation;
using System.Reflection;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Cmdlets built on the one deployment model (render and install): settings = defaults, then each -ValuesPath, each
/// -Set, then the bound parameters that name a setting (<see cref="SettingsBinder"/>); templates embedded or
/// overridden by -TemplatePath.
/// </summary>
public abstract class SettingsCmdletBase : NebulaGCCmdlet
{
    /// <summary>YAML (.yml/.yaml) or PowerShell data (.psd1) files of settings, like Helm values; a later file wins.</summary>
    [Parameter]
    [RenderInput]
    public string[]? ValuesPath { get; set; }

    /// <summary>key=value overrides (dotted keys: image.tag=1.2.3), applied after the values files.</summary>
    [Parameter]
    [RenderInput]
    public string[]? Set { get; set; }

    /// <summary>A directory laid out like templates/ whose files replace the embedded templates of the same name.</summary>
    [Parameter]
    [RenderInput]
    public string? TemplatePath { get; set; }

    /// <summary>Prefix of every rendered object name.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>-TemplatePath resolved against the current location, or null.</summary>
    protected string? TemplateDirectory => TemplatePath is null ? null : GetUnresolvedProviderPathFromPSPath(TemplatePath);

    /// <summary>Sets settings from parameters that are not one setting each (the replica parameters).</summary>
    protected virtual void ApplyCmdletParameters(SettingsBinder binder)
    {
    }

    /// <summary>The settings, built as <see cref="BindSettings"/> does.</summary>
    protected DeploymentSettings BuildSettings() => BindSettings().Settings;

    /// <summary>Defaults, then the values files, then -Set, then every bound parameter that names a setting.</summary>
    protected SettingsBinder BindSettings()
    {
        var binder = new SettingsBinder(new DeploymentSettings());
        foreach (var valuesPath in ValuesPath ?? [])
        {
            var path = GetUnresolvedProviderPathFromPSPath(valuesPath);
            WriteVerbose($"reading values from {path}");
            binder.Bind(System.IO.Path.GetExtension(path).Equals(".psd1", StringComparison.OrdinalIgnoreCase) ? Psd1Values.Load(path) : YamlValues.Load(path));
        }
        foreach (var expression in Set ?? [])
        {
            binder.Bind(SettingsBinder.ParseSet(expression));
        }
        ApplyParameters(binder, GetType(), MyInvocation.BoundParameters.Select(p => KeyValuePair.Create(p.Key, Unwrap(p.Value))), WriteVerbose);
        ApplyCmdletParameters(binder);
        return binder;
    }

    private static object? Unwrap(object? bound) => bound switch
    {
        SwitchParameter sw => sw.IsPresent,
        PSObject pso => pso.BaseObject,
        _ => bound,
    };

    /// <summary>
    /// Sets the setting each bound parameter names, checked like a value. A parameter that is neither a setting nor
    /// marked <see cref="RenderInputAttribute"/> is a bug in the cmdlet, reported instead of skipped.
    /// </summary>
    internal static void ApplyParameters(SettingsBinder binder, Type cmdletType, IEnumerable<KeyValuePair<string, object?>> bound, Action<string> verbose)
    {
        foreach (var (name, value) in bound)
        {
            var parameter = cmdletType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (parameter is null || parameter.GetCustomAttribute<ParameterAttribute>() is null || parameter.GetCustomAttribute<RenderInputAttribute>() is not null)
            {
                continue; // common parameters (-Verbose, -WhatIf) and render inputs
            }
            var key = ValuesSchema.ForProperty(name)
                ?? throw new InvalidOperationException($"parameter -{name} of {cmdletType.Name} names no deployment setting and is not a render input");
            verbose($"setting {key.Key} from parameter -{name}");
            binder.BindParameter(key.Property.Name, name, value);
        }
    }

    /// <summary>A selector (topology, component) from a parameter or the values; a clear error when neither gave it.</summary>
    protected static T Selector<T>(string? value, string key, string parameter) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new NebulaGCException(ErrorIds.SelectorMissing,
                $"no {key}: pass -{parameter} ({string.Join(", ", Enum.GetNames<T>())}) or set '{key}' in a values file", key);
        }
        return !char.IsDigit(value[0]) && Enum.TryParse<T>(value, ignoreCase: true, out var result) && Enum.IsDefined(result)
            ? result
            : throw new NebulaGCException(ErrorIds.ValuesInvalidValue, $"{key} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}", key);
    }
}
