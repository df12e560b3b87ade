using HaloBestie.Application.Callers;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.DataRights;

/// <summary>
/// <c>GET /api/client/me/export</c>: everything the system holds about the caller, as one JSON
/// document (PRODUCT.md §11; each field is described in docs/privacy.md). Read from the caller's
/// own records only: every query is by its client id. Conversations are as the client saw them
/// (every message of its sessions, the mitra by the name shown to the client).
/// </summary>
public sealed record ExportMyData : IQuery<ExportMyData.DataExport>
{
    public sealed record DataExport(
        DateTimeOffset ExportedAt,
        ExportedProfile Profile,
        ExportedEntitlements Entitlements,
        IReadOnlyList<ExportedPayment> Payments,
        IReadOnlyList<ExportedRequest> Requests,
        IReadOnlyList<ExportedSession> Sessions);

    public sealed record ExportedProfile(
        Guid Id, string? DisplayName, string Alias, string SignInProvider, string? Email, string? PhoneNumber,
        bool IsRegistered, ClientStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? RegisteredAt);

    public sealed record ExportedEntitlements(int TrialSessionsLeft, int Credits, bool TrialGranted);

    public sealed record ExportedPayment(
        Guid Id, string PackageName, int Sessions, long AmountIdr, string InvoiceId, PaymentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);

    public sealed record ExportedRequest(
        Guid Id, string? Topic, string? Note, PairingStatus Status, DateTimeOffset RequestedAt, DateTimeOffset? MatchedAt,
        DateTimeOffset? ClosedAt, string? ClosedReason, Guid? SessionId);

    public sealed record ExportedRating(int Stars, string? Comment, DateTimeOffset RatedAt);

    public sealed record ExportedSession(
        Guid Id, SessionStatus Status, string MitraShownName, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? EndReasonCode,
        string? EndMessage, string? PaidWith, ExportedRating? Rating, IReadOnlyList<MessageView> Messages);

    public sealed class Handler(Caller caller, IQuerySession query, TimeProvider clock) : IQueryHandler<ExportMyData, DataExport>
    {
        public async ValueTask<DataExport> Handle(ExportMyData request, CancellationToken cancellationToken)
        {
            var c = await caller.ClientAsync(cancellationToken);
            var payments = await query.Query<Payment>().Where(p => p.ClientId == c.Id).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
            var requests = await query.Query<PairingRequest>().Where(r => r.ClientId == c.Id).OrderBy(r => r.RequestedAt).ToListAsync(cancellationToken);
            var sessions = await query.Query<Session>().Where(s => s.ClientId == c.Id).OrderBy(s => s.StartedAt).ToListAsync(cancellationToken);
            var sessionIds = sessions.Select(s => s.Id).ToArray();
            var messages = sessionIds.Length == 0
                ? Array.Empty<SessionMessage>().ToLookup(m => m.SessionId)
                : (await query.Query<SessionMessage>().Where(m => m.SessionId.IsOneOf(sessionIds)).OrderBy(m => m.Seq).ToListAsync(cancellationToken))
                    .ToLookup(m => m.SessionId);

            var exported = new List<ExportedSession>(sessions.Count);
            foreach (var s in sessions)
            {
                var mitra = await query.LoadAsync<Mitra>(s.MitraId, cancellationToken);
                var shown = mitra is null ? "Bestie" : (await PairingNotifications.MitraShownAsync(query, mitra, cancellationToken)).DisplayName;
                exported.Add(new ExportedSession(s.Id, s.Status, shown, s.StartedAt, s.EndedAt, s.EndReasonCode, s.EndMessage, s.PaidWith,
                    s.RatedAt is { } rated ? new ExportedRating(s.RatingStars ?? 0, s.RatingComment, rated) : null,
                    [.. messages[s.Id].Select(MessageView.Of)]));
            }

            return new DataExport(
                clock.GetUtcNow(),
                new ExportedProfile(c.Id, c.DisplayName, c.Alias, c.SignInProvider, c.Email, c.PhoneNumber, c.IsRegistered, c.Status, c.CreatedAt, c.RegisteredAt),
                new ExportedEntitlements(c.TrialSessionsLeft, c.Credits, c.TrialGranted),
                [.. payments.Select(p => new ExportedPayment(p.Id, p.PackageName, p.Sessions, p.AmountIdr, p.InvoiceId, p.Status, p.CreatedAt, p.PaidAt))],
                [.. requests.Select(r => new ExportedRequest(r.Id, r.Topic, r.Note, r.Status, r.RequestedAt, r.MatchedAt, r.ClosedAt, r.ClosedReason, r.SessionId))],
                exported);
        }
    }
}
