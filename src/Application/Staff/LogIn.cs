using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

/// <summary>
/// Email and password → access token. Unknown email, inactive account and wrong password all
/// answer the same 401, after the same hashing work; a locked account answers 423 whatever the
/// password. Failures are counted per account (see <see cref="LockoutPolicy"/>).
/// <para>
/// The account is written only at the version it was read at (optimistic concurrency on
/// <see cref="StaffAccount"/>). When another login or an admin wrote it in between, the whole
/// read-check-write starts again on the fresh copy: the lockout and the active flag are checked
/// again, and the password is verified again only if its hash changed. So parallel attempts
/// cannot overwrite each other's failure counts, and a login cannot undo a deactivation, a role
/// change or a new password. After <see cref="StreamWrites.MaxAttempts"/> conflicts the answer is 409
/// <c>conflict</c>, whatever the password, so it tells nothing about it. (Each conflict means
/// another write of the account committed first; failed attempts stop writing once the account is
/// locked, 5 by default, so an attempt meets only a handful.)
/// </para>
/// </summary>
public sealed record LogIn(string Email, string Password) : ICommand<LogIn.Result>
{
    public sealed record Result(string AccessToken, DateTimeOffset ExpiresAt, StaffView Staff);

    public sealed class Validator : AbstractValidator<LogIn>
    {
        public Validator()
        {
            RuleFor(x => x.Email).NotEmpty().MaximumLength(254);
            RuleFor(x => x.Password).NotEmpty().MaximumLength(StaffRules.MaxPasswordLength);
        }
    }

    public sealed class Handler(StreamWrites writes, IPasswordHasher hasher, IStaffTokenIssuer tokens, LockoutPolicy lockout, TimeProvider clock)
        : ICommandHandler<LogIn, Result>
    {
        // A valid hash of a random password: checking an unknown email against it costs what a real check costs.
        private static string? _decoyHash;

        public async ValueTask<Result> Handle(LogIn command, CancellationToken cancellationToken)
        {
            var email = StaffRules.NormalizeEmail(command.Email);

            // The slow verification, once per stored hash this call meets (a retry after a
            // counter changed reuses it; after an admin set a new password it runs again).
            string? verifiedHash = null;
            var passwordMatches = false;
            string? rehash = null;

            var (staff, failed) = await writes.RunAsync(nameof(LogIn), async session =>
            {
                var staff = await session.Query<StaffAccount>().FirstOrDefaultAsync(s => s.Email == email, cancellationToken);
                var now = clock.GetUtcNow();
                if (staff is null)
                {
                    _decoyHash ??= hasher.Hash(Guid.NewGuid().ToString());
                    hasher.Verify(_decoyHash, command.Password, out _);
                    throw InvalidCredentials();
                }
                if (staff.IsLockedOut(now))
                    throw new DomainException(ProblemNames.LockedOut, $"Too many failed attempts. Try again after {staff.LockedUntil:O}.");
                if (verifiedHash != staff.PasswordHash)
                {
                    passwordMatches = hasher.Verify(staff.PasswordHash, command.Password, out rehash);
                    verifiedHash = staff.PasswordHash;
                }

                if (!passwordMatches || !staff.IsActive)
                {
                    var failed = staff.AfterFailedLogin(lockout, now);
                    session.Store(failed);
                    if (failed.IsLockedOut(now))
                        session.Audit(new StaffActor(staff.Id, staff.Email, staff.Role), "staff.locked-out", "staff", staff.Id, now);
                    return (failed, true); // 401 once the failure is counted
                }
                var signedIn = staff.AfterSuccessfulLogin() with { PasswordHash = rehash ?? staff.PasswordHash };
                if (signedIn != staff)
                    session.Store(signedIn);
                return (signedIn, false);
            }, cancellationToken);

            if (failed)
                throw InvalidCredentials();
            var token = tokens.Issue(staff);
            return new Result(token.AccessToken, token.ExpiresAt, StaffView.From(staff));
        }

        private static DomainException InvalidCredentials() =>
            new(ProblemNames.InvalidCredentials, "The email or password is not correct.");
    }
}
