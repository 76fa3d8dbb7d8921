using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Validation;

/// <summary>Options of a validation run.</summary>
public sealed record ValidationRequest(string Directory, double ServerMaxExposure = 1.5, double DaemonMaxExposure = 2.0);

/// <summary>
/// Runs the real tool that consumes each rendered file over a directory (what Test-NebulaGCDeployment reports).
/// A missing tool yields Skipped, never Passed.
/// </summary>
public sealed partial class DeploymentValidator(IReporter reporter, ToolRunner? runner = null)
{
    private readonly ToolRunner _runner = runner ?? new ToolRunner();

    /// <summary>Pod Security level each namespace rendered in the tree enforces (namespace.yaml labels).</summary>
    private readonly Dictionary<string, string> _namespaceLevels = new(StringComparer.Ordinal);

    public IReadOnlyList<ValidationResult> Validate(ValidationRequest request, CancellationToken cancel = default)
    {
        var root = Path.GetFullPath(request.Directory);
        IEnumerable<string> files;
        if (File.Exists(root))
        {
            // One file (e.g. piped from a render cmdlet): judged on its own.
            files = [root];
            request = request with { Directory = Path.GetDirectoryName(root)! };
        }
        else if (Directory.Exists(root))
        {
            files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        }
        else
        {
            throw new NebulaGCException(ErrorIds.DeploymentPathNotFound, $"deployment path '{root}' does not exist", root);
        }
        var results = new List<ValidationResult>();
        var list = files.Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        foreach (var file in list.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            ReadNamespaceLevels(file);
        }
        using var systemdRoot = new SystemdStandInRoot(list.Where(f => f.EndsWith(".service", StringComparison.Ordinal)));
        for (var i = 0; i < list.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            reporter.Progress("Validating NebulaGC deployment files", list[i], i * 100 / list.Count);
            reporter.Verbose($"validating {list[i]}");
            results.AddRange(ValidateFile(list[i], request, systemdRoot, cancel));
        }
        reporter.Progress("Validating NebulaGC deployment files", "done", 100);
        return results;
    }

    private IEnumerable<ValidationResult> ValidateFile(string file, ValidationRequest request, SystemdStandInRoot systemdRoot, CancellationToken cancel)
    {
        var name = Path.GetFileName(file);
        var dir = Path.GetDirectoryName(file)!;
        var results = new List<ValidationResult>();
        if (IsSecretFile(file, request.Directory))
        {
            results.Add(CheckMode(file));
        }
        if (name.EndsWith(".service", StringComparison.Ordinal))
        {
            results.Add(systemdRoot.Ready
                ? Tool(file, "systemd-analyze", "systemd-analyze verify", ["verify", $"--root={systemdRoot.Root}", systemdRoot.UnitPath(file)], dir, cancel, anyOutputFails: true,
                    passedDetail: $"in a temporary root with stand-ins for {string.Join(", ", systemdRoot.StandIns)}")
                : Tool(file, "systemd-analyze", "systemd-analyze verify", ["verify", file], dir, cancel, anyOutputFails: true));
            var max = name.EndsWith("-server.service", StringComparison.Ordinal) ? request.ServerMaxExposure
                : name.EndsWith("-daemon.service", StringComparison.Ordinal) ? request.DaemonMaxExposure : (double?)null;
            results.Add(Exposure(file, max, cancel));
        }
        else if (name == "kustomization.yaml")
        {
            results.Add(Tool(file, "kubectl", "kubectl kustomize", ["kustomize", dir], dir, cancel));
        }
        else if (name == "haproxy.cfg")
        {
            results.Add(Tool(file, "haproxy", "haproxy -c", ["-c", "-f", file], dir, cancel));
        }
        else if (name == "nginx.conf")
        {
            results.Add(Tool(file, "nginx", "nginx -t", ["-t", "-c", file, "-p", dir, "-e", "stderr"], dir, cancel));
        }
        else if (name.EndsWith(".rules.test.yml", StringComparison.Ordinal))
        {
            results.Add(Tool(file, "promtool", "promtool test rules", ["test", "rules", file], dir, cancel));
        }
        else if (name.EndsWith(".rules.yml", StringComparison.Ordinal))
        {
            results.Add(Tool(file, "promtool", "promtool check rules", ["check", "rules", file], dir, cancel));
        }
        else if (name is "docker-compose.yml" or "compose.yaml")
        {
            results.Add(Tool(file, "docker-compose", "docker-compose config", ["-f", file, "config", "-q"], dir, cancel, anyOutputFails: true));
        }
        else if (name == "litestream.yml")
        {
            results.Add(Check(file, "litestream keys", () =>
            {
                var text = File.ReadAllText(file);
                var dialect = YamlCheck.KeyPaths(YamlCheck.Parse(text, name)[0].RootNode).Any(k => k.Path == "dbs[].replica")
                    ? LitestreamDialects.V05 : LitestreamDialects.V03;
                dialect.Check(text, name);
                return $"every key is a Litestream {dialect.Name} key";
            }));
        }
        else if (name == "litefs.yml")
        {
            results.Add(Check(file, "litefs keys", () =>
            {
                LiteFSRenderer.Check(File.ReadAllText(file), name);
                return "every key is a LiteFS key";
            }));
        }
        else if (name.EndsWith(".yaml", StringComparison.Ordinal) && IsKubernetesManifest(file))
        {
            results.AddRange(CheckKubernetes(file));
        }
        else if (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal))
        {
            results.Add(Check(file, "yaml", () => $"{YamlCheck.Parse(File.ReadAllText(file), name).Count} document(s)"));
        }
        else if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            results.Add(Check(file, "json", () =>
            {
                using var _ = JsonDocument.Parse(File.ReadAllText(file));
                return "valid JSON";
            }));
        }
        else if (name.EndsWith(".env", StringComparison.Ordinal))
        {
            results.Add(Check(file, "env names", () => CheckEnvFile(file)));
        }
        return results;
    }

    private static readonly HashSet<string> ServerEnv =
    [
        "NEBULAGC_HMAC_SECRET", "NEBULAGC_HMAC_SECRET_FILE", "NEBULAGC_DB_PATH", "NEBULAGC_LISTEN_ADDR", "NEBULAGC_PUBLIC_URL", "NEBULAGC_ROLE",
        "NEBULAGC_INSTANCE_ID", "NEBULAGC_LITEFS_DIR", "NEBULAGC_ADMIN_SOCKET", "NEBULAGC_METRICS_ADDR", "NEBULAGC_TLS_CERT", "NEBULAGC_TLS_KEY",
        "NEBULAGC_LOG_LEVEL", "NEBULAGC_LOG_FORMAT", "NEBULAGC_TRUSTED_PROXIES", "NEBULAGC_NEBULA_BINARY", "NEBULAGC_LIGHTHOUSE_DIR",
    ];

    /// <summary>Every NEBULAGC_* variable in an env file must be one the server reads (SPEC §5).</summary>
    private static string CheckEnvFile(string file)
    {
        var names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .Select(l => l[..l.IndexOf('=')]).ToList();
        var unknown = names.Where(n => n.StartsWith("NEBULAGC_", StringComparison.Ordinal) && !ServerEnv.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"nebulagc-server reads no variable named {string.Join(", ", unknown)}");
        }
        return $"{names.Count} variable(s), all known";
    }

    /// <summary>Files holding secrets: under secrets/, *.secret.env, *.secret.yaml, litestream.env, hmac-secret*.</summary>
    private static bool IsSecretFile(string file, string root)
    {
        var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
        var name = Path.GetFileName(file);
        return relative.StartsWith("secrets/", StringComparison.Ordinal) || name.EndsWith(".secret.env", StringComparison.Ordinal)
            || name.EndsWith(".secret.yaml", StringComparison.Ordinal) || name == "litestream.env" || name.StartsWith("hmac-secret", StringComparison.Ordinal)
            || name.StartsWith("admin-token", StringComparison.Ordinal);
    }

    private static ValidationResult CheckMode(string file)
    {
        var mode = File.GetUnixFileMode(file);
        var open = mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        return new ValidationResult
        {
            Path = file,
            Validator = "mode 0600",
            Status = open == 0 ? ValidationStatus.Passed : ValidationStatus.Failed,
            Detail = $"mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}" + (open == 0 ? "" : ": a secret must not be readable by group or others (chmod 600)"),
        };
    }

    private ValidationResult Check(string file, string validator, Func<string> check)
    {
        try
        {
            return new ValidationResult { Path = file, Validator = validator, Status = ValidationStatus.Passed, Detail = check() };
        }
        catch (Exception e) when (e is NebulaGCException or InvalidDataException or JsonException or IOException)
        {
            return new ValidationResult { Path = file, Validator = validator, Status = ValidationStatus.Failed, Detail = e.Message };
        }
    }

    private ValidationResult Tool(string file, string tool, string validator, string[] args, string dir, CancellationToken cancel, bool anyOutputFails = false, string passedDetail = "")
    {
        var exe = ToolRunner.Find(tool);
        if (exe is null)
        {
            reporter.Warning($"{tool} is not installed: {file} was not checked by {validator}");
            return new ValidationResult { Path = file, Validator = validator, Status = ValidationStatus.Skipped, Detail = $"{tool} is not installed" };
        }
        var (code, stdout, stderr) = _runner.Run(exe, args, dir, cancel);
        // Some tools (systemd-analyze verify, docker-compose config) exit 0 and only warn: then any output is a failure.
        var failed = code != 0 || (anyOutputFails && (stderr.Trim().Length > 0 || (validator != "docker-compose config" && stdout.Trim().Length > 0)));
        var detail = (stderr + "\n" + stdout).Trim();
        if (!failed && detail.Length == 0)
        {
            detail = passedDetail.Length > 0 ? passedDetail : "accepted";
        }
        return new ValidationResult
        {
            Path = file,
            Validator = validator,
            Status = failed ? ValidationStatus.Failed : ValidationStatus.Passed,
            Detail = detail.Length > 2000 ? detail[..2000] + " ..." : detail,
        };
    }

    private static bool IsKubernetesManifest(string file)
    {
        var text = File.ReadAllText(file);
        return text.Contains("\napiVersion:", StringComparison.Ordinal) && !text.Contains("kind: Kustomization", StringComparison.Ordinal);
    }

    private void ReadNamespaceLevels(string file)
    {
        try
        {
            foreach (var ns in KubernetesYaml.LoadAllFromString(File.ReadAllText(file)).OfType<V1Namespace>())
            {
                if (ns.Metadata?.Labels?.TryGetValue("pod-security.kubernetes.io/enforce", out var level) == true)
                {
                    _namespaceLevels[ns.Metadata.Name] = level;
                }
            }
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
        {
            // Not a readable manifest (or a kustomization): the strict check of this file reports it.
        }
    }

    /// <summary>
    /// Strict schema of every object (the typed Kubernetes models of KubernetesClient reject unknown fields and bad
    /// quantities, offline), then the Pod Security level of each workload against its namespace's enforce label.
    /// </summary>
    private List<ValidationResult> CheckKubernetes(string file)
    {
        const string schema = "kubernetes schema (strict)";
        List<object> objects;
        try
        {
            objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), typeMap: null, strict: true).ToList();
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
        {
            return [new ValidationResult { Path = file, Validator = schema, Status = ValidationStatus.Failed, Detail = (e.InnerException ?? e).Message }];
        }
        var problems = objects.OfType<IKubernetesObject<V1ObjectMeta>>().SelectMany(SchemaProblems).ToList();
        var results = new List<ValidationResult>
        {
            new()
            {
                Path = file,
                Validator = schema,
                Status = problems.Count == 0 ? ValidationStatus.Passed : ValidationStatus.Failed,
                Detail = problems.Count == 0
                    ? $"{string.Join(", ", objects.OfType<IKubernetesObject>().Select(o => o.Kind))} ({KubernetesVersion})"
                    : string.Join("; ", problems),
            },
        };
        foreach (var (kind, meta, pod) in objects.Select(Workload).OfType<(string, V1ObjectMeta, V1PodSpec)>())
        {
            var level = _namespaceLevels.GetValueOrDefault(meta.NamespaceProperty ?? "", "restricted");
            var violations = PodSecurity.Violations(pod, level);
            results.Add(new ValidationResult
            {
                Path = file,
                Validator = $"pod security {level}",
                Status = violations.Count == 0 ? ValidationStatus.Passed : ValidationStatus.Failed,
                Detail = violations.Count == 0 ? $"{kind} {meta.Name} meets {level}" : $"{kind} {meta.Name}: {string.Join("; ", violations)}",
            });
        }
        return results;
    }

    /// <summary>The embedded schema: the typed models of the KubernetesClient release the module ships.</summary>
    private static readonly string KubernetesVersion = $"KubernetesClient {typeof(V1Pod).Assembly.GetName().Version?.ToString(3)} models";

    /// <summary>What the schema requires beyond field names: names, images and container lists that the API server would reject.</summary>
    private static IEnumerable<string> SchemaProblems(IKubernetesObject<V1ObjectMeta> o)
    {
        if (string.IsNullOrEmpty(o.Metadata?.Name))
        {
            yield return $"{o.Kind}: metadata.name is required";
        }
        if (Workload(o) is not (_, _, var pod))
        {
            yield break;
        }
        foreach (var c in (pod.InitContainers ?? []).Concat(pod.Containers ?? []))
        {
            if (string.IsNullOrWhiteSpace(c.Image))
            {
                yield return $"{o.Kind} {o.Metadata?.Name}: container {c.Name} has no image";
            }
        }
    }

    private static (string Kind, V1ObjectMeta Meta, V1PodSpec Pod)? Workload(object o) => o switch
    {
        V1StatefulSet s when s.Spec?.Template?.Spec is { } p => ("StatefulSet", s.Metadata, p),
        V1DaemonSet d when d.Spec?.Template?.Spec is { } p => ("DaemonSet", d.Metadata, p),
        V1Deployment d when d.Spec?.Template?.Spec is { } p => ("Deployment", d.Metadata, p),
        V1Pod p when p.Spec is { } spec => ("Pod", p.Metadata, spec),
        _ => null,
    };

    private ValidationResult Exposure(string file, double? max, CancellationToken cancel)
    {
        const string validator = "systemd-analyze security";
        var exe = ToolRunner.Find("systemd-analyze");
        if (exe is null)
        {
            return new ValidationResult { Path = file, Validator = validator, Status = ValidationStatus.Skipped, Detail = "systemd-analyze is not installed" };
        }
        var (_, stdout, stderr) = _runner.Run(exe, ["security", "--offline=true", "--no-pager", file], Path.GetDirectoryName(file)!, cancel);
        var match = ExposureLine().Match(stdout);
        if (!match.Success)
        {
            return new ValidationResult { Path = file, Validator = validator, Status = ValidationStatus.Failed, Detail = (stderr + stdout).Trim() };
        }
        var score = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var ok = max is null || score <= max;
        return new ValidationResult
        {
            Path = file,
            Validator = validator,
            Status = ok ? ValidationStatus.Passed : ValidationStatus.Failed,
            Score = score,
            Detail = max is null ? $"exposure {score}" : $"exposure {score} (at most {max} allowed)",
        };
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposureLine();
}
