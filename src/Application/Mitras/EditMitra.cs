using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
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

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<EditMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(EditMitra command, CancellationToken cancellationToken)
        {
            var stream = await session.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
            var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
            var profile = command.ToProfile();
            if (profile.PhoneNumber != mitra.PhoneNumber)
                await MitraPhoneNumbers.EnsureFree(session, profile.PhoneNumber, mitra.Id, cancellationToken);

            var now = clock.GetUtcNow();
            var events = MitraDecisions.Edit(mitra, profile, caller.Staff.Id, now);
            if (events.Count == 0)
                return await session.MitraDetailsAsync(mitra.Id, cancellationToken);

            stream.AppendMany(events);
            session.Audit(caller.Staff, "mitra.updated", "mitra", mitra.Id, now);
            await session.SaveChangesAsync(cancellationToken);
            return await session.MitraDetailsAsync(mitra.Id, cancellationToken);
        }
    }
}
