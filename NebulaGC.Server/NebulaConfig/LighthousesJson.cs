using System.Net;
using System.Text.Json;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// Writes <c>lighthouses.json</c>, the bundle's machine-readable summary of where a node finds its lighthouses
/// and relays (for the daemon's status output and for tooling; Nebula itself reads <c>config.yml</c>). Shape:
/// <code>
/// {
///   "lighthouses": [ { "overlay_ip": "10.42.0.1", "endpoints": ["203.0.113.10:4242"], "control_plane": false } ],
///   "relays": [ "10.42.0.9" ]
/// }
/// </code>
/// Entries are those of the node's <c>config.yml</c> (the node itself excluded), in the same order.
/// </summary>
public static class LighthousesJson
{
    /// <summary>File name inside the bundle.</summary>
    public const string FileName = "lighthouses.json";

    /// <summary>Renders the UTF-8 JSON document (indented, newline-terminated).</summary>
    public static byte[] Render(NebulaConfigInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Render(NebulaPeers.Resolve(input));
    }

    /// <summary>Renders from peers already resolved for <c>config.yml</c>.</summary>
    internal static byte[] Render(NebulaPeers peers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("lighthouses");
            foreach (NebulaPeers.Lighthouse lighthouse in peers.Lighthouses)
            {
                json.WriteStartObject();
                json.WriteString("overlay_ip", lighthouse.OverlayIp.ToString());
                json.WriteStartArray("endpoints");
                foreach (string endpoint in lighthouse.Endpoints)
                {
                    json.WriteStringValue(endpoint);
                }
                json.WriteEndArray();
                json.WriteBoolean("control_plane", lighthouse.IsControlPlane);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("relays");
            foreach (IPAddress relay in peers.Relays)
            {
                json.WriteStringValue(relay.ToString());
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
