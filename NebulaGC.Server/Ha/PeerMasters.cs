using System.Net.Http.Json;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;

namespace NebulaGC.Server.Ha;

/// <summary>
/// A master: another instance that answered <c>/v1/check-master</c> as master, or the one the database names
/// (<paramref name="Url"/> null when it recorded none, so no heartbeat is sent to an empty address).
/// </summary>
public sealed record PeerMaster(string? Url, string InstanceId, long Epoch);

/// <summary>
/// The fence's outside view: asks other instances (<c>--peer-url</c>, and the master the database names) whether they
/// are master, with a short timeout. A master that is not reachable cannot be waited for: it counts as absent.
/// </summary>
public sealed class PeerMasters(ServerOptions options, ILogger<PeerMasters> logger)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(1) };

    public IReadOnlyList<string> Configured => options.PeerUrls;

    /// <summary>
    /// The peer with the highest epoch that says it is master under another instance id at <paramref name="epoch"/> or
    /// later; null when none does (or none answers).
    /// </summary>
    public async Task<PeerMaster?> FindAsync(IEnumerable<string> urls, string instanceId, long epoch, CancellationToken cancellation)
    {
        var candidates = urls.Select(u => u.TrimEnd('/')).Where(u => u.Length > 0 && u != options.PublicUrl?.TrimEnd('/')).Distinct(StringComparer.Ordinal);
        var answers = await Task.WhenAll(candidates.Select(url => AskAsync(url, cancellation)));
        return answers.Where(a => a is not null && a.InstanceId != instanceId && a.Epoch >= epoch).MaxBy(a => a!.Epoch);
    }

    private async Task<PeerMaster?> AskAsync(string url, CancellationToken cancellation)
    {
        try
        {
            var answer = await Http.GetFromJsonAsync(new Uri(new Uri(url + "/"), "v1/check-master"), ContractsJsonContext.Default.CheckMasterResponse, cancellation);
            return answer is { Master: true } ? new PeerMaster(url, answer.InstanceId, answer.Epoch) : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or UriFormatException || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            logger.LogDebug("Peer {Url} did not answer check-master: {Error}", url, e.Message);
            return null;
        }
    }
}
