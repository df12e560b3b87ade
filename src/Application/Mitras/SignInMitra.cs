using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// <c>POST /api/mitra/auth/session</c>: the mitra app signs in by phone OTP only. The token's
/// <c>phone_number</c> must be an active mitra's; the first sign-in binds the Firebase account,
/// later ones must come from it (403 <c>not-a-mitra</c> otherwise).
/// </summary>
public sealed record SignInMitra : ICommand<MitraMe>
{
    public sealed class Handler(StreamWrites writes, IDocumentSession session, Presence.IPresenceStore presence, Caller caller, TimeProvider clock) : ICommandHandler<SignInMitra, MitraMe>
    {
        public async ValueTask<MitraMe> Handle(SignInMitra command, CancellationToken cancellationToken)
        {
            if (caller.Token.SignInProvider != "phone" || !PhoneNumbers.TryNormalize(caller.Token.PhoneNumber, out var phone))
                throw new DomainException(ProblemNames.NotAMitra, "The mitra app signs in with a phone number (Firebase phone authentication).");

            var mitraId = await session.Query<Mitra>().Where(m => m.PhoneNumber == phone).Select(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            if (mitraId == Guid.Empty)
                throw new DomainException(ProblemNames.NotAMitra, "No mitra has this phone number.");

            var mitra = await writes.RunAsync(nameof(SignInMitra), async s =>
            {
                var stream = await s.Events.FetchForWriting<Mitra>(mitraId, cancellationToken);
                var events = MitraDecisions.SignIn(stream.Aggregate!, caller.Token.Uid, clock.GetUtcNow());
                if (events.Count > 0)
                    stream.AppendMany(events);
                return stream.Aggregate!;
            }, cancellationToken);
            return await MitraMe.LoadAsync(session, presence, mitra, cancellationToken);
        }
    }
}
