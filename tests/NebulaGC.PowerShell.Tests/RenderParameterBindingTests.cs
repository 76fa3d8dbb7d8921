using System.Management.Automation;
using System.Reflection;
using NebulaGC.PowerShell.Commands;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>Every render-cmdlet parameter either sets the deployment setting it names or is declared a render input.</summary>
public sealed class RenderParameterBindingTests
{
    public static TheoryData<string, string> SettingParameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var cmdlet in RenderCmdlets())
        {
            foreach (var p in Parameters(cmdlet).Where(p => p.GetCustomAttribute<RenderInputAttribute>() is null))
            {
                data.Add(cmdlet.Name, p.Name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SettingParameters))]
    public void A_setting_parameter_changes_its_setting(string cmdletName, string parameterName)
    {
        var cmdlet = RenderCmdlets().Single(t => t.Name == cmdletName);
        var parameter = cmdlet.GetProperty(parameterName)!;
        var setting = ValuesSchema.ForProperty(parameterName)?.Property;
        Assert.True(setting is not null, $"-{parameterName} of {cmdletName} names no DeploymentSettings property; mark it [RenderInput] or rename it");

        var before = setting.GetValue(new DeploymentSettings());
        var value = DifferentValue(parameter, before);
        var binder = new SettingsBinder(new DeploymentSettings());
        RenderCmdletBase.ApplyParameters(binder, cmdlet, [KeyValuePair.Create(parameterName, value)], _ => { });

        var after = setting.GetValue(binder.Settings);
        Assert.NotEqual(before, after);
        Assert.Equal(ValueKinds.ToText(value), ValueKinds.ToText(after));
        Assert.Equal($"parameter -{parameterName}", binder.Given[setting.Name].Source);
    }

    [Fact]
    public void A_parameter_that_is_neither_a_setting_nor_a_render_input_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RenderCmdletBase.ApplyParameters(
            new SettingsBinder(new DeploymentSettings()), typeof(CmdletWithStrayParameter), [KeyValuePair.Create("Stray", (object?)"x")], _ => { }));
        Assert.Contains("-Stray", e.Message);
    }

    [Fact]
    public void Render_inputs_are_left_to_the_cmdlet()
    {
        var binder = new SettingsBinder(new DeploymentSettings());
        RenderCmdletBase.ApplyParameters(binder, typeof(NewNebulaGCK8sManifestCommand),
            [KeyValuePair.Create("Path", (object?)"/tmp/x"), KeyValuePair.Create("PassThru", (object?)true)], _ => { });
        Assert.Empty(binder.Given);
    }

    private static IEnumerable<Type> RenderCmdlets() => typeof(RenderCmdletBase).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(RenderCmdletBase).IsAssignableFrom(t));

    private static IEnumerable<PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<ParameterAttribute>() is not null);

    /// <summary>A value of the parameter's type that the setting does not hold by default, within the parameter's range.</summary>
    private static object? DifferentValue(PropertyInfo parameter, object? current)
    {
        var type = parameter.PropertyType;
        if (type == typeof(int))
        {
            var range = parameter.GetCustomAttribute<ValidateRangeAttribute>();
            var max = range is null ? 1000 : Convert.ToInt32(range.MaxRange);
            return (int)current! == max ? max - 1 : max;
        }
        var key = ValuesSchema.ForProperty(parameter.Name)!;
        var sample = key.Value.Kind switch
        {
            ValueKind.Image => "registry.example.com/bound:1",
            ValueKind.Url or ValueKind.OptionalUrl => "http://bound.example:1",
            ValueKind.AbsolutePath => "/bound/" + parameter.Name.ToLowerInvariant(),
            ValueKind.Quantity => "3Gi",
            ValueKind.ResourceName => "example.com/bound",
            ValueKind.Duration => "7m",
            ValueKind.ListenAddress => ":9999",
            ValueKind.LogLevel => "Debug",
            ValueKind.Host or ValueKind.OptionalHost => "bound.example",
            _ => null,
        };
        if (sample is not null)
        {
            return sample;
        }
        if (type == typeof(bool))
        {
            return !(bool)current!;
        }
        if (type.IsEnum)
        {
            return Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current));
        }
        var validateSet = parameter.GetCustomAttribute<ValidateSetAttribute>();
        if (validateSet is not null)
        {
            return validateSet.ValidValues.First(v => v != (current is LitestreamVersion lv ? (lv == LitestreamVersion.V0_5 ? "0.5" : "0.3") : current?.ToString()));
        }
        return "bound-" + parameter.Name.ToLowerInvariant();
    }

    private sealed class CmdletWithStrayParameter : RenderCmdletBase
    {
        [Parameter]
        public string? Stray { get; set; }

        protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) => [];
    }
}
