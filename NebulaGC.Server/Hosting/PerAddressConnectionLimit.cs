using System.Net;

namespace NebulaGC.Server.Hosting;

/// <summary>
/// At most <c>limit</c> open connections per client address on the API listener, so one host cannot hold every
/// connection slot. Trusted proxies are exempt: every client behind them shares their address.
/// </summary>
public sealed class PerAddressConnectionLimit(int limit, Func<IPAddress, bool> isExempt)
{
    private readonly Dictionary<IPAddress, int> _open = [];

    public int Limit => limit;

    /// <summary>Counts a new connection from <paramref name="address"/>; false (and nothing counted) when it is over the limit.</summary>
    public bool TryOpen(IPAddress address)
    {
        if (isExempt(address))
        {
            return true;
        }
        lock (_open)
        {
            var open = _open.GetValueOrDefault(address);
            if (open >= limit)
            {
                return false;
            }
            _open[address] = open + 1;
            return true;
        }
    }

    public void Close(IPAddress address)
    {
        if (isExempt(address))
        {
            return;
        }
        lock (_open)
        {
            // Addresses with no open connection are forgotten, so memory follows the connections that exist.
            if (_open.TryGetValue(address, out var open) && open > 1)
            {
                _open[address] = open - 1;
            }
            else
            {
                _open.Remove(address);
            }
        }
    }
}
