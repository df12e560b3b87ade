using HaloBestie.Application.Callers;
using HaloBestie.Domain.Sessions;
using Marten.Services.BatchQuerying;

namespace HaloBestie.Application.Conversation;

/// <summary>Which app calls a conversation route: the client's (<c>/api/client/...</c>) or the mitra's (<c>/api/mitra/...</c>).</summary>
public enum Party
{
    Client,
    Mitra,
}

public static class Parties
{
    /// <summary>
    /// The caller as a party of a conversation: its role (<see cref="MessageSenders"/>) and id.
    /// 403 as for any route of that app (a mitra on a client route, an inactive mitra…).
    /// </summary>
    public static async Task<(string Role, Guid Id)> AsPartyAsync(this Caller caller, Party party, CancellationToken ct) =>
        party == Party.Client
            ? (MessageSenders.Client, (await caller.ClientAsync(ct)).Id)
            : (MessageSenders.Mitra, (await caller.MitraAsync(ct)).Id);

    /// <summary>
    /// <see cref="AsPartyAsync"/> as part of a write's own batch query: the lookups join
    /// <paramref name="batch"/>, and the function answers (or refuses, as <see cref="AsPartyAsync"/>
    /// does) once the batch has run. The send saves a round trip and a connection this way.
    /// </summary>
    public static Func<Task<(string Role, Guid Id)>> AsPartyIn(this Caller caller, Party party, IBatchedQuery batch)
    {
        if (party == Party.Client)
        {
            var client = caller.ClientIn(batch);
            return async () => (MessageSenders.Client, (await client()).Id);
        }
        var mitra = caller.MitraIn(batch);
        return async () => (MessageSenders.Mitra, (await mitra()).Id);
    }
}

/// <summary>"Typing…" signals, in Valkey only (PRODUCT.md §8: nothing is stored).</summary>
public interface ITypingSignals
{
    /// <summary>The other party is told at most once per interval per sender.</summary>
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    /// <summary>True for the first signal of <paramref name="sender"/> in this session within <see cref="Interval"/>, on any instance.</summary>
    Task<bool> TryStartAsync(Guid sessionId, string sender);
}
