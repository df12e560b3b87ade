using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Settings of every event stream of either host (the apps' streams and the control center's
/// dashboard stream): after <see cref="KeepAlive"/> without anything written, a stream writes the
/// comment <c>: keep-alive</c>. Configured by <c>EventStreams:KeepAliveSeconds</c>, default 15.
/// </summary>
public sealed record EventStreamOptions(TimeSpan KeepAlive)
{
    public const string KeepAliveKey = "EventStreams:KeepAliveSeconds";

    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Reads the settings; a keep-alive that is not a whole number of seconds from 1 refuses start-up.</summary>
    public static EventStreamOptions From(IConfiguration configuration)
    {
        var text = configuration[KeepAliveKey];
        if (string.IsNullOrWhiteSpace(text))
            return new(DefaultKeepAlive);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1)
            return new(TimeSpan.FromSeconds(seconds));
        throw new StartupRefusedException(
            $"{KeepAliveKey} must be a whole number of seconds of at least 1, not '{text}'. Set EventStreams__KeepAliveSeconds, or unset it for 15.");
    }
}
