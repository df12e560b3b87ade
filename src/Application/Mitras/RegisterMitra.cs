using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

public sealed record RegisterMitra(string FullName, string PhoneNumber, string Alias, string? Bio, IReadOnlyList<string>? Specialties)
    : ICommand<MitraDetails>, IMitraProfileInput
{
    public sealed class Validator : AbstractValidator<RegisterMitra>
    {
        public Validator() => this.RulesForProfile();
    }

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<RegisterMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(RegisterMitra command, CancellationToken cancellationToken)
        {
            var profile = command.ToProfile();
            await MitraPhoneNumbers.EnsureFree(session, profile.PhoneNumber, exceptMitraId: null, cancellationToken);

            var now = clock.GetUtcNow();
            var registered = MitraDecisions.Register(Guid.CreateVersion7(), profile, caller.Staff.Id, now);
            session.Events.StartStream<Mitra>(registered.MitraId, registered);
            session.Audit(caller.Staff, "mitra.created", "mitra", registered.MitraId, now);
            await session.SaveChangesAsync(cancellationToken);

            return await session.MitraDetailsAsync(registered.MitraId, cancellationToken);
        }
    }
}

internal static class MitraPhoneNumbers
{
    /// <summary>
    /// A friendly early answer; the unique index on the projected document is what makes two
    /// concurrent registrations of one number impossible (its violation also answers 409).
    /// </summary>
    public static async Task EnsureFree(IQuerySession session, string phoneNumber, Guid? exceptMitraId, CancellationToken ct)
    {
        var holder = await session.Query<Mitra>().Where(m => m.PhoneNumber == phoneNumber).Select(m => m.Id).FirstOrDefaultAsync(ct);
        if (holder != Guid.Empty && holder != exceptMitraId)
            throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.PhoneTaken, $"The phone number {phoneNumber} is already used by another mitra.");
    }
}
