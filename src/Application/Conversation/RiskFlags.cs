using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Marten.Events.Projections;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>The risk flags of every session, one document per flag, built inline from the session streams' flag events.</summary>
public sealed partial class RiskFlagProjection : MultiStreamProjection<RiskFlag, Guid>
{
    public RiskFlagProjection()
    {
        Identity<RiskFlagRaised>(e => e.FlagId);
        Identity<RiskFlagAcknowledged>(e => e.FlagId);
    }

    public static RiskFlag Create(RiskFlagRaised e) => RiskFlag.Create(e);

    public static RiskFlag Apply(RiskFlagAcknowledged e, RiskFlag flag) => flag.Apply(e);
}

/// <summary>The risk phrases admins edited (<c>PUT /api/internal/risk-phrases</c>); none stored means <see cref="RiskPhrases.Defaults"/>.</summary>
public sealed record RiskPhraseList(IReadOnlyList<string> Phrases)
{
    public const string DocumentId = "risk-phrases";

    public string Id { get; init; } = DocumentId;

    public static async Task<IReadOnlyList<string>> LoadAsync(IQuerySession session, CancellationToken ct) =>
        (await session.LoadAsync<RiskPhraseList>(DocumentId, ct))?.Phrases ?? RiskPhrases.Defaults;
}

/// <summary>
/// <c>GET /api/internal/risk-flags?status=open|acknowledged&amp;page=&amp;pageSize=</c>: flags,
/// newest first (all of them without <c>status</c>). The matched phrase is shown; the message
/// itself is read in the transcript (audited).
/// </summary>
public sealed record ListRiskFlags(string? Status, int Page = 1, int PageSize = 20) : IQuery<Page<RiskFlag>>
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";

    public sealed class Validator : AbstractValidator<ListRiskFlags>
    {
        public Validator()
        {
            RuleFor(x => x.Status).Must(s => s is null or Open or Acknowledged).WithErrorCode(ValidationCodes.UnknownValue).WithMessage($"'status' is '{Open}' or '{Acknowledged}'.");
            this.RulesForPaging(x => x.Page, x => x.PageSize);
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListRiskFlags, Page<RiskFlag>>
    {
        public async ValueTask<Page<RiskFlag>> Handle(ListRiskFlags query, CancellationToken cancellationToken)
        {
            var flags = session.Query<RiskFlag>().AsQueryable();
            flags = query.Status switch
            {
                Open => flags.Where(f => f.AcknowledgedAt == null),
                Acknowledged => flags.Where(f => f.AcknowledgedAt != null),
                _ => flags,
            };
            return await flags.OrderByDescending(f => f.RaisedAt).ToPageAsync(query.Page, query.PageSize, Task.FromResult, cancellationToken);
        }
    }
}

/// <summary>
/// <c>POST /api/internal/risk-flags/{id}/acknowledge</c> <c>{note}</c>: an operator records what
/// was done about a flag (<see cref="ConversationDecisions.Acknowledge"/>); an event of the
/// session's stream, audited (<c>risk-flag.acknowledged</c>). 409 <c>conflict</c> the second time.
/// </summary>
public sealed record AcknowledgeRiskFlag(Guid FlagId, string? Note) : ICommand<RiskFlag>
{
    public const int MaxNoteLength = 1000;

    public sealed record Body(string? Note);

    public sealed class Validator : AbstractValidator<AcknowledgeRiskFlag>
    {
        public Validator() => RuleFor(x => x.Note).Must(n => !string.IsNullOrWhiteSpace(n)).WithErrorCode(ValidationCodes.Required).WithMessage("A note is required.").MaximumLength(MaxNoteLength);
    }

    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<AcknowledgeRiskFlag, RiskFlag>
    {
        public async ValueTask<RiskFlag> Handle(AcknowledgeRiskFlag command, CancellationToken cancellationToken) =>
            await writes.RunAsync(nameof(AcknowledgeRiskFlag), async session =>
            {
                var sessionId = (await session.LoadAsync<RiskFlag>(command.FlagId, cancellationToken))?.SessionId ?? throw new NotFoundException("Risk flag", command.FlagId);
                var stream = await session.Events.FetchForExclusiveWriting<Session>(sessionId, cancellationToken);
                var flag = (await session.LoadAsync<RiskFlag>(command.FlagId, cancellationToken))!; // as it is under the session's lock
                var now = clock.GetUtcNow();
                var acknowledged = ConversationDecisions.Acknowledge(flag, caller.Staff.Id, command.Note!.Trim(), now);
                stream.AppendOne(acknowledged);
                session.Audit(caller.Staff, "risk-flag.acknowledged", "risk-flag", flag.Id, now, $"session={flag.SessionId}; seq={flag.Seq}");
                return flag.Apply(acknowledged);
            }, cancellationToken);
    }
}

/// <summary><c>GET /api/internal/risk-phrases</c> (operator): the phrases client messages are matched against.</summary>
public sealed record GetRiskPhrases : IQuery<RiskPhraseList>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetRiskPhrases, RiskPhraseList>
    {
        public async ValueTask<RiskPhraseList> Handle(GetRiskPhrases query, CancellationToken cancellationToken) =>
            new(await RiskPhraseList.LoadAsync(session, cancellationToken));
    }
}

/// <summary>
/// <c>PUT /api/internal/risk-phrases</c> (admin) <c>{phrases}</c>: replaces the list (1–500
/// phrases, each trimmed, 1–100 characters with at least one letter); applies to the next
/// message. Audited (<c>risk-phrases.updated</c>, with the counts added and removed).
/// </summary>
public sealed record UpdateRiskPhrases(IReadOnlyList<string>? Phrases) : ICommand<RiskPhraseList>
{
    public sealed class Validator : AbstractValidator<UpdateRiskPhrases>
    {
        public Validator()
        {
            RuleFor(x => x.Phrases).NotNull().Must(p => p is { Count: >= 1 and <= RiskPhrases.MaxPhrases })
                .WithErrorCode(ValidationCodes.TooMany).WithMessage($"Give 1 to {RiskPhrases.MaxPhrases} phrases.");
            RuleForEach(x => x.Phrases).Cascade(CascadeMode.Stop)
                .Must(p => !string.IsNullOrWhiteSpace(p) && p.Trim().Length <= RiskPhrases.MaxPhraseLength)
                .WithErrorCode(ValidationCodes.PhraseLength).WithMessage($"A phrase has 1 to {RiskPhrases.MaxPhraseLength} characters.")
                .Must(p => RiskPhrases.Normalize(p).Trim('*').Length > 0).WithErrorCode(ValidationCodes.PhraseNeedsLetter).WithMessage("A phrase needs at least one letter.");
        }
    }

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<UpdateRiskPhrases, RiskPhraseList>
    {
        public async ValueTask<RiskPhraseList> Handle(UpdateRiskPhrases command, CancellationToken cancellationToken)
        {
            var before = await RiskPhraseList.LoadAsync(session, cancellationToken);
            var after = new RiskPhraseList([.. command.Phrases!.Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)]);
            session.Store(after);
            session.Audit(caller.Staff, "risk-phrases.updated", "settings", RiskPhraseList.DocumentId, clock.GetUtcNow(),
                $"added={after.Phrases.Except(before, StringComparer.OrdinalIgnoreCase).Count()}; removed={before.Except(after.Phrases, StringComparer.OrdinalIgnoreCase).Count()}; total={after.Phrases.Count}");
            await session.SaveChangesAsync(cancellationToken);
            return after;
        }
    }
}
