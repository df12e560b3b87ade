using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary><c>PUT /api/internal/mitras/{id}/capacity</c>: 1–20 clients at once, or null for the platform default. Audited.</summary>
public sealed record SetMitraCapacity(Guid MitraId, int? MaxCustomers) : ICommand<MitraDetails>
{
    public sealed record Body(int? MaxCustomers);

    public sealed class Validator : AbstractValidator<SetMitraCapacity>
    {
        public Validator() => RuleFor(x => x.MaxCustomers).InclusiveBetween(1, 20).When(x => x.MaxCustomers is not null);
    }

    public sealed class Handler(StreamWrites writes, IDocumentSession session, Caller caller, PairingTimers pairing, TimeProvider clock) : ICommandHandler<SetMitraCapacity, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(SetMitraCapacity command, CancellationToken cancellationToken)
        {
            // Decided again when the mitra's stream moved meanwhile (a busy mitra's accepts and ends write it).
            var changed = await writes.RunAsync(nameof(SetMitraCapacity), async s =>
            {
                var stream = await s.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
                var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
                var now = clock.GetUtcNow();
                var events = MitraDecisions.SetCapacity(mitra, command.MaxCustomers, caller.Staff.Id, now);
                if (events.Count == 0)
                    return false;
                stream.AppendMany(events);
                s.Audit(caller.Staff, "mitra.capacity-set", "mitra", mitra.Id, now, command.MaxCustomers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default");
                return true;
            }, cancellationToken);
            if (changed)
                await pairing.OfferOpenRequestsToAsync(command.MitraId, cancellationToken); // more room: offered what still searches
            return await session.MitraDetailsAsync(command.MitraId, cancellationToken);
        }
    }
}
