using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace NebulaGC.PowerShell.Validation;

/// <summary>How Test-NebulaGCDeployment writes its results.</summary>
public enum ValidationOutputFormat { Object, Json, JUnit }

/// <summary>Validation results as JSON or as JUnit XML (one testsuite per validator, one testcase per file), for CI test reports.</summary>
public static class ValidationReport
{
    public static string Json(IReadOnlyList<ValidationResult> results) =>
        JsonSerializer.Serialize(results.Select(r => new Dictionary<string, object?>
        {
            ["path"] = r.Path, ["validator"] = r.Validator, ["status"] = r.Status, ["detail"] = r.Detail, ["score"] = r.Score,
        }), new JsonSerializerOptions { WriteIndented = true });

    public static string JUnit(IReadOnlyList<ValidationResult> results, string root)
    {
        var suites = results.GroupBy(r => r.Validator).Select(g => new XElement("testsuite",
            new XAttribute("name", g.Key),
            new XAttribute("tests", g.Count()),
            new XAttribute("failures", g.Count(r => r.Status == ValidationStatus.Failed)),
            new XAttribute("skipped", g.Count(r => r.Status == ValidationStatus.Skipped)),
            g.Select(r => new XElement("testcase",
                new XAttribute("classname", g.Key),
                new XAttribute("name", Path.GetRelativePath(root, r.Path)),
                r.Status switch
                {
                    ValidationStatus.Failed => new XElement("failure", new XAttribute("message", FirstLine(r.Detail)), r.Detail),
                    ValidationStatus.Skipped => new XElement("skipped", new XAttribute("message", r.Detail)),
                    _ => new XElement("system-out", r.Detail),
                }))));
        var document = new XElement("testsuites",
            new XAttribute("name", "Test-NebulaGCDeployment"),
            new XAttribute("tests", results.Count.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("failures", results.Count(r => r.Status == ValidationStatus.Failed)),
            suites);
        return new XDeclaration("1.0", "utf-8", null) + "\n" + document;
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
