using k8s.Models;

namespace NebulaGC.PowerShell.Validation;

/// <summary>
/// The Pod Security Standards "restricted" profile (which includes "baseline"), as a check over a pod spec.
/// Each rule names the field it looks at; a list of violations, empty when the pod is admitted.
/// Baseline violations start with "baseline:" so one pass serves both levels.
/// </summary>
public static class PodSecurity
{
    /// <summary>Violations of <paramref name="level"/> (privileged, baseline or restricted).</summary>
    public static List<string> Violations(V1PodSpec pod, string level) => level switch
    {
        "privileged" => [],
        "baseline" => RestrictedViolations(pod).Where(v => v.StartsWith("baseline:", StringComparison.Ordinal)).ToList(),
        _ => RestrictedViolations(pod),
    };

    private static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    private static readonly HashSet<string> AllowedVolumeTypes = ["configMap", "secret", "emptyDir", "projected", "downwardAPI", "persistentVolumeClaim", "csi", "ephemeral"];

    public static List<string> RestrictedViolations(V1PodSpec pod)
    {
        var v = new List<string>();
        if (pod.HostNetwork == true) v.Add("baseline: spec.hostNetwork must not be true");
        if (pod.HostPID == true) v.Add("baseline: spec.hostPID must not be true");
        if (pod.HostIPC == true) v.Add("baseline: spec.hostIPC must not be true");
        foreach (var volume in pod.Volumes ?? [])
        {
            var type = VolumeType(volume);
            if (type == "hostPath") v.Add($"baseline: volume {volume.Name}: hostPath is not allowed");
            else if (!AllowedVolumeTypes.Contains(type)) v.Add($"volume {volume.Name}: type {type} is not allowed");
        }
        var podSc = pod.SecurityContext;
        if (podSc?.SeLinuxOptions?.Type is { } podSeType && podSeType is not ("container_t" or "container_init_t" or "container_kvm_t")) v.Add("baseline: pod seLinuxOptions.type");
        if (podSc?.Sysctls?.Count > 0) v.Add("baseline: pod sysctls");
        if (podSc?.RunAsUser == 0) v.Add("pod runAsUser must not be 0");
        foreach (var c in (pod.InitContainers ?? []).Concat(pod.Containers ?? []))
        {
            var sc = c.SecurityContext;
            var name = $"container {c.Name}";
            if (sc?.Privileged == true) v.Add($"baseline: {name}: privileged");
            if (sc?.AllowPrivilegeEscalation != false) v.Add($"{name}: allowPrivilegeEscalation must be false");
            if ((sc?.RunAsNonRoot ?? podSc?.RunAsNonRoot) != true) v.Add($"{name}: runAsNonRoot must be true (container or pod)");
            if (sc?.RunAsUser == 0) v.Add($"{name}: runAsUser must not be 0");
            var seccomp = sc?.SeccompProfile?.Type ?? podSc?.SeccompProfile?.Type;
            if (seccomp is not ("RuntimeDefault" or "Localhost")) v.Add($"{name}: seccompProfile.type must be RuntimeDefault or Localhost");
            if (sc?.Capabilities?.Drop?.Contains("ALL") != true) v.Add($"{name}: capabilities.drop must contain ALL");
            foreach (var add in sc?.Capabilities?.Add ?? [])
            {
                if (!BaselineCapabilities.Contains(add)) v.Add($"baseline: {name}: capability {add} may not be added");
                else if (add != "NET_BIND_SERVICE") v.Add($"{name}: capability {add} may not be added");
            }
            if (sc?.ProcMount is { } pm && pm != "Default") v.Add($"baseline: {name}: procMount");
            foreach (var port in c.Ports ?? [])
            {
                if (port.HostPort is > 0) v.Add($"baseline: {name}: hostPort {port.HostPort}");
            }
            if (sc?.AppArmorProfile?.Type is { } aa && aa is not ("RuntimeDefault" or "Localhost")) v.Add($"baseline: {name}: appArmorProfile");
        }
        return v;
    }

    private static string VolumeType(V1Volume v) =>
        v.ConfigMap is not null ? "configMap" : v.Secret is not null ? "secret" : v.EmptyDir is not null ? "emptyDir"
        : v.Projected is not null ? "projected" : v.DownwardAPI is not null ? "downwardAPI" : v.PersistentVolumeClaim is not null ? "persistentVolumeClaim"
        : v.Csi is not null ? "csi" : v.Ephemeral is not null ? "ephemeral" : v.HostPath is not null ? "hostPath" : "other";
}
