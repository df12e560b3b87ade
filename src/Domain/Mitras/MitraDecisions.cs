namespace HaloBestie.Domain.Mitras;

/// <summary>
/// The rules of the mitra account as pure functions: given the current state and a request,
/// the events to append (none when nothing changes).
/// </summary>
public static class MitraDecisions
{
    public static MitraRegistered Register(Guid mitraId, MitraProfile profile, Guid byStaffId, DateTimeOffset now) =>
        new(mitraId, profile.FullName, profile.PhoneNumber, profile.Alias, profile.Bio, profile.Specialties, byStaffId, now);

    public static IReadOnlyList<object> Edit(Mitra mitra, MitraProfile profile, Guid byStaffId, DateTimeOffset now)
    {
        var unchanged = mitra.FullName == profile.FullName
            && mitra.PhoneNumber == profile.PhoneNumber
            && mitra.Alias == profile.Alias
            && mitra.Bio == profile.Bio
            && mitra.Specialties.SequenceEqual(profile.Specialties);
        return unchanged
            ? []
            : [new MitraProfileEdited(mitra.Id, profile.FullName, profile.PhoneNumber, profile.Alias, profile.Bio, profile.Specialties, byStaffId, now)];
    }

    /// <summary>Deactivating an inactive mitra changes nothing and records nothing. An online mitra goes offline first.</summary>
    public static IReadOnlyList<object> Deactivate(Mitra mitra, string? reason, Guid byStaffId, DateTimeOffset now) =>
        !mitra.IsActive ? []
        : mitra.IsOnline ? [new MitraWentOffline(mitra.Id, OfflineReasons.Deactivated, mitra.OnlineSince ?? now, now), new MitraDeactivated(mitra.Id, reason, byStaffId, now)]
        : [new MitraDeactivated(mitra.Id, reason, byStaffId, now)];

    /// <summary>Going online needs an active account; going online twice records nothing.</summary>
    public static IReadOnlyList<object> GoOnline(Mitra mitra, DateTimeOffset now)
    {
        if (!mitra.IsActive)
            throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
        return mitra.IsOnline ? [] : [new MitraWentOnline(mitra.Id, now)];
    }

    /// <summary>Going offline twice records nothing: exactly one transition whoever asks first.</summary>
    public static IReadOnlyList<object> GoOffline(Mitra mitra, string reason, DateTimeOffset now) =>
        mitra.IsOnline ? [new MitraWentOffline(mitra.Id, reason, mitra.OnlineSince ?? now, now)] : [];

    public static IReadOnlyList<object> SetCapacity(Mitra mitra, int? maxCustomers, Guid byStaffId, DateTimeOffset now) =>
        mitra.MaxCustomersOverride == maxCustomers ? [] : [new MitraCapacitySet(mitra.Id, maxCustomers, byStaffId, now)];

    public static IReadOnlyList<object> Activate(Mitra mitra, Guid byStaffId, DateTimeOffset now) =>
        mitra.IsActive ? [] : [new MitraActivated(mitra.Id, byStaffId, now)];

    /// <summary>
    /// A phone sign-in of the mitra app. The first binds the Firebase account; later ones must come
    /// from that same account (a second account with the same number is not this mitra).
    /// </summary>
    public static IReadOnlyList<object> SignIn(Mitra mitra, string firebaseUid, DateTimeOffset now)
    {
        if (mitra.FirebaseUid is { } bound && bound != firebaseUid)
            throw new DomainException(ProblemNames.NotAMitra, "This phone number belongs to a mitra who signs in with another Firebase account.");
        if (!mitra.IsActive)
            throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
        return mitra.FirebaseUid is null ? [new MitraFirebaseAccountBound(mitra.Id, firebaseUid, now)] : [];
    }

    /// <summary>
    /// The mitra's side of an accept: it must be online (403 <c>forbidden</c>), active, and below
    /// capacity (409 <c>capacity-full</c>).
    /// </summary>
    public static MitraSessionStarted TakeSession(Mitra mitra, Guid sessionId, int maxCustomersPerMitra, DateTimeOffset now) =>
        TakeSession(mitra, sessionId, maxCustomersPerMitra, mayExceedCapacity: false, now);

    /// <summary>
    /// A session rerouted to this mitra by staff: it must be active and online (409
    /// <c>mitra-unavailable</c>) and below capacity (409 <c>capacity-full</c>) unless staff force it.
    /// </summary>
    public static MitraSessionStarted ReceiveReroute(Mitra mitra, Guid sessionId, int maxCustomersPerMitra, bool force, DateTimeOffset now)
    {
        if (!mitra.IsActive || !mitra.IsOnline)
            throw new DomainException(ProblemNames.MitraUnavailable, "The target mitra is not online.");
        return TakeSession(mitra, sessionId, maxCustomersPerMitra, mayExceedCapacity: force, now);
    }

    /// <summary>Active (403 <c>mitra-inactive</c>) and online (403 <c>forbidden</c>): a mitra who may take sessions at all.</summary>
    public static void EnsureCanTakeSessions(Mitra mitra)
    {
        if (!mitra.IsActive)
            throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
        if (!mitra.IsOnline)
            throw DomainException.Coded(ProblemNames.Forbidden, ProblemCodes.MitraOffline, "Go online before accepting requests.");
    }

    private static MitraSessionStarted TakeSession(Mitra mitra, Guid sessionId, int maxCustomersPerMitra, bool mayExceedCapacity, DateTimeOffset now)
    {
        EnsureCanTakeSessions(mitra);
        if (!mayExceedCapacity && mitra.ActiveSessions >= mitra.CapacityUnder(maxCustomersPerMitra))
            throw new DomainException(ProblemNames.CapacityFull, "You are serving as many clients as you may at once.");
        return new MitraSessionStarted(mitra.Id, sessionId, now);
    }
}
