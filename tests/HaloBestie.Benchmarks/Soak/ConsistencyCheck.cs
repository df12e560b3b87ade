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
    public sealed record Result(int Checks, IReadOnlyList<string> Found);

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
        void Check(bool holds, string violation)
        {
            checks++;
            if (!holds) found.Add(violation);
        }

        var settings = await session.LoadAsync<PlatformSettings>(PlatformSettings.DocumentId) ?? PlatformSettings.Defaults;
        var requests = await session.Query<PairingRequest>().ToListAsync();
        var sessions = await session.Query<DomainSession>().ToListAsync();
        var mitras = await session.Query<Mitra>().ToListAsync();
        var clients = await session.Query<Client>().ToListAsync();

        foreach (var request in requests)
        {
            var replayed = await session.Events.AggregateStreamAsync<PairingRequest>(request.Id);
            Check(replayed is not null && replayed.Status == request.Status && replayed.SessionId == request.SessionId && replayed.MitraId == request.MitraId,
                $"pairing request {request.Id}: read model {request.Status}/{request.SessionId} differs from its stream {replayed?.Status}/{replayed?.SessionId}");
            var of = sessions.Where(s => s.RequestId == request.Id).ToList();
            if (request.Status == PairingStatus.Matched)
                Check(of.Count == 1 && of[0].Id == request.SessionId, $"matched request {request.Id} has {of.Count} sessions");
            else
                Check(of.Count == 0, $"{request.Status} request {request.Id} has {of.Count} sessions");
        }

        foreach (var s in sessions)
        {
            var replayed = await session.Events.AggregateStreamAsync<DomainSession>(s.Id);
            Check(replayed is not null && replayed.Status == s.Status && replayed.MitraId == s.MitraId && replayed.EndedAt == s.EndedAt,
                $"session {s.Id}: read model differs from its stream");
            var request = requests.FirstOrDefault(r => r.Id == s.RequestId);
            Check(request is { Status: PairingStatus.Matched } && request.SessionId == s.Id, $"session {s.Id} has no matched request pointing at it");
        }

        foreach (var mitra in mitras)
        {
            var replayed = await session.Events.AggregateStreamAsync<Mitra>(mitra.Id);
            Check(replayed is not null && replayed.ActiveSessions == mitra.ActiveSessions && replayed.IsOnline == mitra.IsOnline,
                $"mitra {mitra.Id}: read model differs from its stream");
            var active = sessions.Count(s => s.MitraId == mitra.Id && s.Status == SessionStatus.Active);
            Check(mitra.ActiveSessions == active, $"mitra {mitra.Id} counts {mitra.ActiveSessions} sessions but has {active}");
            Check(active <= mitra.CapacityUnder(settings.MaxCustomersPerMitra), $"mitra {mitra.Id} has {active} sessions, above its capacity");
        }

        foreach (var client in clients)
        {
            var replayed = await session.Events.AggregateStreamAsync<Client>(client.Id);
            Check(replayed is not null && replayed.TrialSessionsLeft == client.TrialSessionsLeft && replayed.Credits == client.Credits,
                $"client {client.Id}: read model differs from its stream");
            Check(sessions.Count(s => s.ClientId == client.Id && s.Status == SessionStatus.Active) <= 1, $"client {client.Id} has several active sessions");
            Check(requests.Count(r => r.ClientId == client.Id && r.Status == PairingStatus.Searching) <= 1, $"client {client.Id} has several searching requests");
            Check(client.TrialSessionsLeft >= 0 && client.Credits >= 0, $"client {client.Id} has a negative balance");
            var events = await session.Events.FetchStreamAsync(client.Id);
            var granted = events.Select(e => e.Data).OfType<TrialGranted>().Sum(e => e.Sessions);
            var paid = sessions.Count(s => s.ClientId == client.Id);
            Check(client.TrialGranted == false || client.TrialSessionsLeft + client.Credits == granted - paid,
                $"client {client.Id}: {client.TrialSessionsLeft} trial + {client.Credits} credits left, granted {granted}, {paid} sessions");
        }

        return new Result(checks, found);
    }
}
