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
    public void Register_creates_an_active_mitra_with_the_profile()
    {
        var mitra = Mitra.Create(Registered());

        mitra.IsActive.Should().BeTrue();
        mitra.FullName.Should().Be("Siti Rahma");
        mitra.PhoneNumber.Should().Be("+6281234567890");
        mitra.CreatedAt.Should().Be(Now);
    }

    [Fact]
    public void Edit_with_a_changed_profile_records_the_new_profile()
    {
        var mitra = Given(Registered());

        var events = MitraDecisions.Edit(mitra, Profile with { Alias = "Kak Siti" }, Staff, Now.AddHours(1));

        events.Should().ContainSingle().Which.Should().BeOfType<MitraProfileEdited>()
            .Which.Alias.Should().Be("Kak Siti");
    }

    [Fact]
    public void Edit_with_the_same_profile_records_nothing()
    {
        var mitra = Given(Registered());

        MitraDecisions.Edit(mitra, Profile with { Specialties = ["anxiety"] }, Staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void Deactivate_an_active_mitra_records_deactivation_with_reason()
    {
        var mitra = Given(Registered());

        var events = MitraDecisions.Deactivate(mitra, "contract ended", Staff, Now);

        events.Should().ContainSingle().Which.Should().BeEquivalentTo(new MitraDeactivated(mitra.Id, "contract ended", Staff, Now));
    }

    [Fact]
    public void Deactivate_an_inactive_mitra_records_nothing()
    {
        var registered = Registered();
        var mitra = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, Now));

        MitraDecisions.Deactivate(mitra, null, Staff, Now).Should().BeEmpty();
        mitra.IsActive.Should().BeFalse();
    }

    [Fact]
    public void Activate_an_inactive_mitra_records_activation_and_an_active_one_nothing()
    {
        var registered = Registered();
        var inactive = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, Now));

        MitraDecisions.Activate(inactive, Staff, Now).Should().ContainSingle().Which.Should().BeOfType<MitraActivated>();
        MitraDecisions.Activate(Given(registered), Staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void Applying_events_moves_updated_at_but_never_created_at()
    {
        var registered = Registered();
        var later = Now.AddDays(1);

        var mitra = Given(registered, new MitraDeactivated(registered.MitraId, null, Staff, later));

        mitra.CreatedAt.Should().Be(Now);
        mitra.UpdatedAt.Should().Be(later);
    }
}
