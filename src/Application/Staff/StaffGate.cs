using Marten;

namespace HaloBestie.Application.Staff;

/// <summary>
/// Lets one admin change to staff accounts decide at a time. The last-active-admin rule reads
/// other accounts than the one it writes: two admins deactivating each other each write a
/// different document, so the version check on <see cref="Domain.Staff.StaffAccount"/> cannot
/// see that together they leave no admin (write skew). Every <see cref="UpdateStaff"/> therefore
/// takes a transaction-level PostgreSQL advisory lock first, and counts the active admins only
/// once it holds it; the count then includes whatever the previous holder committed (READ
/// COMMITTED reads each statement afresh). Staff changes are rare admin actions: one lock for all
/// of them costs nothing. The session must be in a transaction (<c>BeginTransactionAsync</c>):
/// the lock is released when it ends.
/// </summary>
public static class StaffGate
{
    // The two-int form of the key: a key space that never meets the bigint keys of AcceptGate.
    private const int Space = 0x53544146; // "STAF"
    private const int StaffChanges = 1;

    public static async Task EnterAsync(IDocumentSession session, CancellationToken ct) =>
        await session.QueryAsync<bool>("select true from (select pg_advisory_xact_lock(?, ?)) as locked", ct, Space, StaffChanges);
}
