using HaloBestie.Benchmarks.Harness;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Settings;
using HaloBestie.Infrastructure.Persistence;
using JasperFx;
using Marten;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using SessionStatus = HaloBestie.Domain.Sessions.SessionStatus;

namespace HaloBestie.Benchmarks.Soak;

/// <summary>
/// Every invariant the system promises, checked over everything in the schema: each read model
/// equals its stream replayed; one session per matched request and the reverse; no mitra above
/// capacity and its count equal to its active sessions; one searching request and one active
/// session per client at most; a client's trial and credits equal its grants minus its sessions.
/// </summary>
public static class ConsistencyCheck
{
    /// <param name="SettledOnReread">Documents that differed from their stream at the first read and agreed when both were read again 2 s later (not violations; 0 on a quiescent system).</param>
    public sealed record Result(int Checks, IReadOnlyList<string> Found, int SettledOnReread);

    public static async Task<Result> RunAsync(BenchSystem system)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        await using var session = store.QuerySession();
        var found = new List<string>();
        var checks = 0;
        var settled = 0;
        void Check(bool holds, string violation)
        {
            checks++;
            if (!holds) found.Add(violation);
        }

        // A document read first and its stream replayed a moment later can differ while the system
        // still moves: such a mismatch is read again, document and stream, 2 s later, and is a
        // violation only if they still differ (a true divergence stays). It is counted either way.
        async Task ReadModelCheck<T>(T document, Guid id, Func<T, T?, string?> differs, string what) where T : class
        {
            var replayed = await session.Events.AggregateStreamAsync<T>(id);
            var difference = differs(document, replayed);
            if (difference is not null)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                await using var again = store.QuerySession();
                var reread = await again.LoadAsync<T>(id);
                var replayedAgain = await again.Events.AggregateStreamAsync<T>(id);
                var stillDiffers = reread is null ? "document gone" : differs(reread, replayedAgain);
                if (stillDiffers is null)
                    settled++;
                else
                    difference = stillDiffers;
                Check(stillDiffers is null, $"{what} {id}: read model differs from its stream: {difference}");
                return;
            }
            Check(true, "");
        }

        var settings = await session.LoadAsync<PlatformSettings>(PlatformSettings.DocumentId) ?? PlatformSettings.Defaults;
        var requests = await session.Query<PairingRequest>().ToListAsync();
        var sessions = await session.Query<DomainSession>().ToListAsync();
        var mitras = await session.Query<Mitra>().ToListAsync();
        var clients = await session.Query<Client>().ToListAsync();

        foreach (var request in requests)
        {
            await ReadModelCheck(request, request.Id, (doc, replayed) =>
                replayed is not null && replayed.Status == doc.Status && replayed.SessionId == doc.SessionId && replayed.MitraId == doc.MitraId ? null
                    : $"read model {doc.Status}/{doc.SessionId}/{doc.MitraId}, stream {replayed?.Status}/{replayed?.SessionId}/{replayed?.MitraId}", "pairing request");
            var of = sessions.Where(s => s.RequestId == request.Id).ToList();
            if (request.Status == PairingStatus.Matched)
                Check(of.Count == 1 && of[0].Id == request.SessionId, $"matched request {request.Id} has {of.Count} sessions");
            else
                Check(of.Count == 0, $"{request.Status} request {request.Id} has {of.Count} sessions");
        }

        foreach (var s in sessions)
        {
            await ReadModelCheck(s, s.Id, (doc, replayed) =>
                replayed is not null && replayed.Status == doc.Status && replayed.MitraId == doc.MitraId && replayed.EndedAt == doc.EndedAt ? null
                    : $"read model {doc.Status}/{doc.MitraId}/{doc.EndedAt:O}, stream {replayed?.Status}/{replayed?.MitraId}/{replayed?.EndedAt:O}", "session");
            var request = requests.FirstOrDefault(r => r.Id == s.RequestId);
            Check(request is { Status: PairingStatus.Matched } && request.SessionId == s.Id, $"session {s.Id} has no matched request pointing at it");
        }

        foreach (var mitra in mitras)
        {
            await ReadModelCheck(mitra, mitra.Id, (doc, replayed) =>
                replayed is not null && replayed.ActiveSessions == doc.ActiveSessions && replayed.IsOnline == doc.IsOnline ? null
                    : $"read model {doc.ActiveSessions} sessions, online {doc.IsOnline}; stream {replayed?.ActiveSessions} sessions, online {replayed?.IsOnline}", "mitra");
            var active = sessions.Count(s => s.MitraId == mitra.Id && s.Status == SessionStatus.Active);
            Check(mitra.ActiveSessions == active, $"mitra {mitra.Id} counts {mitra.ActiveSessions} sessions but has {active}");
            Check(active <= mitra.CapacityUnder(settings.MaxCustomersPerMitra), $"mitra {mitra.Id} has {active} sessions, above its capacity");
        }

        foreach (var client in clients)
        {
            await ReadModelCheck(client, client.Id, (doc, replayed) =>
                replayed is not null && replayed.TrialSessionsLeft == doc.TrialSessionsLeft && replayed.Credits == doc.Credits ? null
                    : $"read model {doc.TrialSessionsLeft} trial, {doc.Credits} credits; stream {replayed?.TrialSessionsLeft} trial, {replayed?.Credits} credits", "client");
            Check(sessions.Count(s => s.ClientId == client.Id && s.Status == SessionStatus.Active) <= 1, $"client {client.Id} has several active sessions");
            Check(requests.Count(r => r.ClientId == client.Id && r.Status == PairingStatus.Searching) <= 1, $"client {client.Id} has several searching requests");
            Check(client.TrialSessionsLeft >= 0 && client.Credits >= 0, $"client {client.Id} has a negative balance");
            var events = await session.Events.FetchStreamAsync(client.Id);
            var granted = events.Select(e => e.Data).OfType<TrialGranted>().Sum(e => e.Sessions);
            var paid = sessions.Count(s => s.ClientId == client.Id);
            Check(client.TrialGranted == false || client.TrialSessionsLeft + client.Credits == granted - paid,
                $"client {client.Id}: {client.TrialSessionsLeft} trial + {client.Credits} credits left, granted {granted}, {paid} sessions");
        }

        return new Result(checks, found, settled);
    }
}
