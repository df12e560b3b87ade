using HaloBestie.Domain.Mitras;

namespace HaloBestie.Domain.Tests.Mitras;

public class PresenceDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Staff = Guid.CreateVersion7();

    private static Mitra Active() =>
        Mitra.Create(MitraDecisions.Register(Guid.CreateVersion7(), new MitraProfile("A", "+6281200000000", "B", null, []), Staff, Now));

    [Fact]
    public void GoOnline_when_offline_records_the_start_and_when_online_records_nothing()
    {
        var mitra = Active();

        var online = mitra.Apply((MitraWentOnline)MitraDecisions.GoOnline(mitra, Now).Single());

        online.IsOnline.Should().BeTrue();
        online.OnlineSince.Should().Be(Now);
        MitraDecisions.GoOnline(online, Now.AddMinutes(1)).Should().BeEmpty();
    }

    [Fact]
    public void GoOnline_when_the_mitra_is_inactive_is_mitra_inactive()
    {
        var mitra = Active() with { IsActive = false };

        var act = () => MitraDecisions.GoOnline(mitra, Now);

        act.Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.MitraInactive);
    }

    [Fact]
    public void GoOffline_when_online_records_the_reason_and_the_period_start_once()
    {
        var online = Active() with { IsOnline = true, OnlineSince = Now };

        var offline = (MitraWentOffline)MitraDecisions.GoOffline(online, OfflineReasons.HeartbeatTimeout, Now.AddMinutes(5)).Single();

        offline.Should().BeEquivalentTo(new { Reason = "heartbeat-timeout", OnlineSince = Now, At = Now.AddMinutes(5) });
        MitraDecisions.GoOffline(online.Apply(offline), OfflineReasons.Manual, Now.AddMinutes(6)).Should().BeEmpty();
    }

    [Fact]
    public void Deactivate_when_online_takes_the_mitra_offline_first()
    {
        var online = Active() with { IsOnline = true, OnlineSince = Now };

        var events = MitraDecisions.Deactivate(online, "left", Staff, Now.AddHours(1));

        events.Select(e => e.GetType()).Should().Equal(typeof(MitraWentOffline), typeof(MitraDeactivated));
        ((MitraWentOffline)events[0]).Reason.Should().Be(OfflineReasons.Deactivated);
    }

    [Fact]
    public void CapacityUnder_when_staff_set_an_override_is_the_override_else_the_platform_setting()
    {
        var mitra = Active();

        mitra.CapacityUnder(3).Should().Be(3);
        var overridden = mitra.Apply((MitraCapacitySet)MitraDecisions.SetCapacity(mitra, 5, Staff, Now).Single());
        overridden.CapacityUnder(3).Should().Be(5);
        MitraDecisions.SetCapacity(overridden, 5, Staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void IsAvailableUnder_when_online_active_and_below_capacity_is_true_and_otherwise_false()
    {
        var available = Active() with { IsOnline = true, OnlineSince = Now };

        available.IsAvailableUnder(1).Should().BeTrue();
        (available with { IsActive = false }).IsAvailableUnder(1).Should().BeFalse("an inactive mitra is not offered requests");
        (available with { IsOnline = false }).IsAvailableUnder(1).Should().BeFalse("an offline mitra is not offered requests");
        (available with { ActiveSessions = 1 }).IsAvailableUnder(1).Should().BeFalse("a full mitra is not offered requests");
    }

    [Fact]
    public void HasRoom_when_staff_set_an_override_counts_against_it_not_the_platform_setting()
    {
        Mitra.HasRoom(activeSessions: 3, maxCustomersOverride: 5, maxCustomersPerMitra: 3).Should().BeTrue();
        Mitra.HasRoom(activeSessions: 1, maxCustomersOverride: 1, maxCustomersPerMitra: 3).Should().BeFalse();
        Mitra.HasRoom(activeSessions: 2, maxCustomersOverride: null, maxCustomersPerMitra: 3).Should().BeTrue();
        Mitra.HasRoom(activeSessions: 3, maxCustomersOverride: null, maxCustomersPerMitra: 3).Should().BeFalse();
    }

    [Fact]
    public void Apply_session_ended_when_sessions_are_open_frees_one_place_and_never_counts_below_zero()
    {
        var mitra = Active() with { ActiveSessions = 2 };
        var ended = new MitraSessionEnded(mitra.Id, Guid.CreateVersion7(), Now);

        mitra.Apply(ended).ActiveSessions.Should().Be(1);
        mitra.Apply(ended).Apply(ended).Apply(ended).ActiveSessions.Should().Be(0);
    }
}
