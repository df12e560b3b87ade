using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

public sealed record EditMitra(Guid MitraId, string FullName, string PhoneNumber, string Alias, string? Bio, IReadOnlyList<string>? Specialties)
    : ICommand<MitraDetails>, IMitraProfileInput
{
    /// <summary>The HTTP body; the id comes from the route.</summary>
    public sealed record Body(string FullName, string PhoneNumber, string Alias, string? Bio, IReadOnlyList<string>? Specialties)
    {
        public EditMitra For(Guid mitraId) => new(mitraId, FullName, PhoneNumber, Alias, Bio, Specialties);
    }

    public sealed class Validator : AbstractValidator<EditMitra>
    {
        public Validator() => this.RulesForProfile();
    }

    public sealed class Handler(StreamWrites writes, IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<EditMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(EditMitra command, CancellationToken cancellationToken)
        {
            // Decided again when the mitra's stream moved meanwhile (it goes online, accepts, ends a
            // session): staff get the edit, not a "reload and try again" for a change they did not touch.
            await writes.RunAsync(nameof(EditMitra), async s =>
            {
                var stream = await s.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
                var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
                var profile = command.ToProfile();
                if (profile.PhoneNumber != mitra.PhoneNumber)
                    await MitraPhoneNumbers.EnsureFree(s, profile.PhoneNumber, mitra.Id, cancellationToken);

                var now = clock.GetUtcNow();
                var events = MitraDecisions.Edit(mitra, profile, caller.Staff.Id, now);
                if (events.Count == 0)
                    return;
                stream.AppendMany(events);
                s.Audit(caller.Staff, "mitra.updated", "mitra", mitra.Id, now);
            }, cancellationToken);
            return await session.MitraDetailsAsync(command.MitraId, cancellationToken);
        }
    }
}
