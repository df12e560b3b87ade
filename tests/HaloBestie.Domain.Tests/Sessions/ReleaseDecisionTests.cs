using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Sessions;

/// <summary><see cref="SessionDecisions.Release"/>: what an end gives back on the mitra's and the client's streams.</summary>
public class ReleaseDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid SessionId = Guid.CreateVersion7();
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid MitraId = Guid.CreateVersion7();

    private static readonly Session Active = Given.Stream<Session>(
        new SessionStarted(SessionId, Guid.CreateVersion7(), ClientId, MitraId, Now.AddHours(1), Now, CreditKinds.Paid));

    [Fact]
    public void Release_when_staff_end_within_5_minutes_frees_the_mitra_and_returns_the_credit()
    {
        var ended = SessionDecisions.End(Active, SessionActors.Staff, Guid.CreateVersion7(), "no bestie fits", Now.AddMinutes(4));

        SessionDecisions.Release(Active, ended).Should().Be((
            new MitraSessionEnded(MitraId, SessionId, Now.AddMinutes(4)),
            new CreditReturned(ClientId, SessionId, CreditKinds.Paid, CreditReturnReasons.EndedByStaffWithin5Minutes, Now.AddMinutes(4))));
    }

    [Fact]
    public void Release_when_the_client_ends_early_frees_the_mitra_only()
    {
        var ended = SessionDecisions.End(Active, SessionActors.Client, ClientId, SessionEndReasons.EndedByClient, Now.AddMinutes(1));

        SessionDecisions.Release(Active, ended).Should().Be((new MitraSessionEnded(MitraId, SessionId, Now.AddMinutes(1)), (CreditReturned?)null));
    }
}
