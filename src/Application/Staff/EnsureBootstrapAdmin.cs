using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

/// <summary>
/// Creates the first admin from configuration when no staff account exists at all. Several
/// instances may start at once: the unique email index lets exactly one insert win.
/// Answers whether this call created the account.
/// </summary>
public sealed record EnsureBootstrapAdmin(string Email, string Password) : ICommand<bool>
{
    public sealed class Handler(IDocumentSession session, IPasswordHasher hasher, TimeProvider clock) : ICommandHandler<EnsureBootstrapAdmin, bool>
    {
        public async ValueTask<bool> Handle(EnsureBootstrapAdmin command, CancellationToken cancellationToken)
        {
            if (await session.Query<StaffAccount>().AnyAsync(cancellationToken))
                return false;

            session.Insert(new StaffAccount(Guid.CreateVersion7(), StaffRules.NormalizeEmail(command.Email), "Administrator",
                StaffRole.Admin, IsActive: true, hasher.Hash(command.Password), FailedLogins: 0, LockedUntil: null, clock.GetUtcNow()));
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
    }
}
