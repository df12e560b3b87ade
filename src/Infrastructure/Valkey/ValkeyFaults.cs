using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Valkey;

/// <summary>
/// When Valkey cannot serve a command for now (issue 21 item 1): the connection is down or slow,
/// or the server answers with an error of its state rather than of the command — a replica after
/// a failover (<c>READONLY</c>), full memory under <c>noeviction</c> (<c>OOM</c>), a restart still
/// loading its data (<c>LOADING</c>), a primary without its replicas or cluster. Such answers are
/// 503 with Retry-After, never 500; after a commit they are logged, never the request's answer.
/// </summary>
public static class ValkeyFaults
{
    private static readonly string[] StatePrefixes = ["READONLY", "OOM", "LOADING", "MASTERDOWN", "NOREPLICAS", "BUSY", "TRYAGAIN", "CLUSTERDOWN"];

    public static bool IsUnavailable(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException
        || (e is RedisServerException server && StatePrefixes.Any(p => server.Message.StartsWith(p, StringComparison.Ordinal)));
}
