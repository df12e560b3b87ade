using HaloBestie.Application.Common;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.DataRights;

/// <summary>
/// The data-rights job (PRODUCT.md §11), one pass: finishes any client erasure whose event masking
/// did not complete (<see cref="AccountErasure.MaskEventsAsync"/>), then erases the texts of up to
/// <see cref="BatchSize"/> sessions that ended more than <c>transcriptRetentionDays</c> ago, oldest
/// first. Per session the stored events are masked first, then <see cref="ConversationErased"/> is
/// appended at the version read with the read models stripped: two instances running the same pass
/// mask twice (harmless) but record the erasure once, and a pass stopped between the two steps is
/// finished by the next one.
/// </summary>
public sealed class TranscriptRetention(StreamWrites writes, IDocumentStore store, AccountErasure erasure, TimeProvider clock)
{
    public const int BatchSize = 100;

    /// <summary>An erasure's own second step gets this long before the job takes it over.</summary>
    public static readonly TimeSpan ErasureGrace = TimeSpan.FromMinutes(1);

    public sealed record Pass(int ErasuresFinished, int ConversationsErased);

    public async Task<Pass> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<Guid> unfinished, due;
        int days;
        await using (var query = store.QuerySession())
        {
            var graceEnd = now - ErasureGrace;
            unfinished = [.. await query.Query<Client>()
                .Where(c => c.ErasedAt != null && c.EventsMaskedAt == null && c.ErasedAt < graceEnd)
                .Select(c => c.Id).Take(BatchSize).ToListAsync(ct)];
            days = (await query.LoadSettingsAsync(ct)).TranscriptRetentionDays;
            var cutoff = ConversationErasure.RetentionCutoff(days, now);
            due = days == 0 ? [] : [.. await query.Query<Session>()
                .Where(s => s.Status == SessionStatus.Ended && s.EndedAt <= cutoff && s.ConversationErasedAt == null)
                .OrderBy(s => s.EndedAt).Select(s => s.Id).Take(BatchSize).ToListAsync(ct)];
        }

        foreach (var clientId in unfinished)
            await erasure.MaskEventsAsync(clientId, ct);

        var erased = 0;
        foreach (var sessionId in due)
        {
            await store.Advanced.ApplyEventDataMasking(masking => masking.IncludeStream(sessionId), ct);
            var recorded = await writes.RunAsync("EraseConversation", async session =>
            {
                var stream = await session.Events.FetchForWriting<Session>(sessionId, ct);
                if (stream.Aggregate is not { } current || !ConversationErasure.IsPastRetention(current, days, now))
                    return false; // another instance recorded it meanwhile
                stream.AppendMany(ConversationErasure.Erase(current, ConversationErasureReasons.Retention, now));
                AccountErasure.StripConversations(session, [sessionId]);
                return true;
            }, ct);
            if (recorded)
                erased++;
        }
        return new Pass(unfinished.Count, erased);
    }
}
