using HaloBestie.Domain.Mitras;

namespace HaloBestie.Domain.Tests.Mitras;

public class MitraDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Staff = Guid.CreateVersion7();
    private static readonly MitraProfile Profile = new("Siti Rahma", "+6281234567890", "Bestie Siti", "Psikolog klinis", ["anxiety"]);

    private static Mitra Given(params object[] events)
    {
        var mitra = Mitra.Create((MitraRegistered)events[0]);
        foreach (var e in events.Skip(1))
        {
            mitra = e switch
            {
                MitraProfileEdited x => mitra.Apply(x),
                MitraDeactivated x => mitra.Apply(x),
                MitraActivated x => mitra.Apply(x),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        }
        return mitra;
    }

    private static MitraRegistered Registered(Guid? id = null) => MitraDecisions.Register(id ?? Guid.CreateVersion7(), Profile, Staff, Now);

    [Fact]
    public void Register_when_the_profile_is_given_creates_an_active_mitra_with_it()
    {
        var mitra = Mitra.Create(Registered());

        mitra.IsActive.Should().BeTrue();
        mitra.FullName.Should().Be("Siti Rahma");
        mitra.PhoneNumber.Should().Be("+6281234567890");
        mitra.CreatedAt.Should().Be(Now);
    }

    [Fact]
    public void Edit_when_the_profile_changed_records_the_new_profile()
    {
        var mitra = Given(Registered());

        var events = MitraDecisions.Edit(mitra, Profile with { Alias = "Kak Siti" }, Staff, Now.AddHours(1));

        events.Should().ContainSingle().Which.Should().BeOfType<MitraProfileEdited>()
            .Which.Alias.Should().Be("Kak Siti");
    }

    [Fact]
    public void Edit_when_the_profile_is_the_same_records_nothing()
    {
        var mitra = Given(Registered());

        MitraDecisions.Edit(mitra, Profile with { Specialties = ["anxiety"] }, Staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void Deactivate_when_active_records_the_deactivation_with_its_reason()
    {
        var mitra = Given(Registered());

        var events = MitraDecisions.Deactivate(mitra, "contract ended", Staff, Now);

        events.Should().ContainSingle().Which.Should().BeEquivalentTo(new MitraDeactivated(mitra.Id, "contract ended", Staff, Now));
    }

    [Fact]
    public void Deactivate_when_already_inactive_records_nothing()
    {
        var registered = Registered();
        var mitra = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, Now));

        MitraDecisions.Deactivate(mitra, null, Staff, Now).Should().BeEmpty();
        mitra.IsActive.Should().BeFalse();
    }

    [Fact]
    public void Activate_when_inactive_records_the_activation_and_when_active_nothing()
    {
        var registered = Registered();
        var inactive = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, Now));

        MitraDecisions.Activate(inactive, Staff, Now).Should().ContainSingle().Which.Should().BeOfType<MitraActivated>();
        MitraDecisions.Activate(Given(registered), Staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void Apply_when_a_later_event_comes_moves_updated_at_but_never_created_at()
    {
        var registered = Registered();
        var later = Now.AddDays(1);

        var mitra = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, later));

        mitra.CreatedAt.Should().Be(Now);
        mitra.UpdatedAt.Should().Be(later);
    }

    private static string ProblemOf(Action act) => act.Should().Throw<DomainException>().Which.Problem;

    private static Mitra Online(int activeSessions = 0) => Given(Registered()) with { IsOnline = true, OnlineSince = Now, ActiveSessions = activeSessions };

    [Theory]
    [InlineData("FullName")]
    [InlineData("PhoneNumber")]
    [InlineData("Alias")]
    [InlineData("Bio")]
    [InlineData("Specialties")]
    public void Edit_when_only_one_field_changes_records_the_new_profile(string field)
    {
        var mitra = Given(Registered());
        var edited = field switch
        {
            "FullName" => Profile with { FullName = "Siti Rahmawati" },
            "PhoneNumber" => Profile with { PhoneNumber = "+6281234567891" },
            "Alias" => Profile with { Alias = "Kak Siti" },
            "Bio" => Profile with { Bio = null },
            "Specialties" => Profile with { Specialties = ["anxiety", "grief"] },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        MitraDecisions.Edit(mitra, edited, Staff, Now).Should().ContainSingle().Which.Should().BeEquivalentTo(
            new MitraProfileEdited(mitra.Id, edited.FullName, edited.PhoneNumber, edited.Alias, edited.Bio, edited.Specialties, Staff, Now));
    }

    [Fact]
    public void Deactivate_when_online_closes_the_period_that_began_when_it_went_online()
    {
        var mitra = Online() with { OnlineSince = Now.AddHours(-2) };

        var offline = (MitraWentOffline)MitraDecisions.Deactivate(mitra, "left", Staff, Now)[0];

        offline.Should().BeEquivalentTo(new MitraWentOffline(mitra.Id, OfflineReasons.Deactivated, Now.AddHours(-2), Now));
    }

    [Fact]
    public void Apply_activated_when_deactivated_makes_the_mitra_active_again()
    {
        var registered = Registered();
        var mitra = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, Now), new MitraActivated(registered.MitraId, Staff, Now.AddDays(1)));

        mitra.IsActive.Should().BeTrue();
        mitra.UpdatedAt.Should().Be(Now.AddDays(1));
    }

    [Fact]
    public void SignIn_when_first_binds_the_firebase_account_and_later_by_the_same_one_records_nothing()
    {
        var mitra = Given(Registered());

        var bound = (MitraFirebaseAccountBound)MitraDecisions.SignIn(mitra, "firebase-uid-1", Now).Single();
        bound.Should().BeEquivalentTo(new MitraFirebaseAccountBound(mitra.Id, "firebase-uid-1", Now));

        MitraDecisions.SignIn(mitra.Apply(bound), "firebase-uid-1", Now.AddDays(1)).Should().BeEmpty();
    }

    [Fact]
    public void SignIn_when_the_number_is_bound_to_another_firebase_account_is_not_a_mitra()
    {
        var mitra = Given(Registered()) with { FirebaseUid = "firebase-uid-1" };

        ProblemOf(() => MitraDecisions.SignIn(mitra, "firebase-uid-2", Now)).Should().Be(ProblemNames.NotAMitra);
    }

    [Fact]
    public void SignIn_when_the_account_is_inactive_is_mitra_inactive_bound_or_not()
    {
        var inactive = Given(Registered()) with { IsActive = false };

        ProblemOf(() => MitraDecisions.SignIn(inactive, "firebase-uid-1", Now)).Should().Be(ProblemNames.MitraInactive);
        ProblemOf(() => MitraDecisions.SignIn(inactive with { FirebaseUid = "firebase-uid-1" }, "firebase-uid-1", Now)).Should().Be(ProblemNames.MitraInactive);
    }

    [Fact]
    public void TakeSession_when_the_account_is_inactive_is_mitra_inactive_even_online()
    {
        var inactive = Online() with { IsActive = false };

        ProblemOf(() => MitraDecisions.TakeSession(inactive, Guid.CreateVersion7(), 3, Now)).Should().Be(ProblemNames.MitraInactive);
    }

    [Fact]
    public void ReceiveReroute_when_the_target_is_offline_or_inactive_is_mitra_unavailable()
    {
        var offline = Given(Registered());
        var inactive = Online() with { IsActive = false };

        ProblemOf(() => MitraDecisions.ReceiveReroute(offline, Guid.CreateVersion7(), 3, force: true, Now)).Should().Be(ProblemNames.MitraUnavailable);
        ProblemOf(() => MitraDecisions.ReceiveReroute(inactive, Guid.CreateVersion7(), 3, force: true, Now)).Should().Be(ProblemNames.MitraUnavailable);
    }

    [Fact]
    public void ReceiveReroute_when_the_target_is_full_is_capacity_full_unless_forced()
    {
        var full = Online(activeSessions: 3);
        var session = Guid.CreateVersion7();

        ProblemOf(() => MitraDecisions.ReceiveReroute(full, session, 3, force: false, Now)).Should().Be(ProblemNames.CapacityFull);
        MitraDecisions.ReceiveReroute(full, session, 3, force: true, Now).Should().Be(new MitraSessionStarted(full.Id, session, Now));
        MitraDecisions.ReceiveReroute(full with { ActiveSessions = 2 }, session, 3, force: false, Now).Should().Be(new MitraSessionStarted(full.Id, session, Now));
    }
}
