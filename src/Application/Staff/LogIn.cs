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

    public sealed class Handler(IDocumentSession session, IPasswordHasher hasher, IStaffTokenIssuer tokens, LockoutPolicy lockout, TimeProvider clock)
        : ICommandHandler<LogIn, Result>
    {
        // A valid hash of a random password: checking an unknown email against it costs what a real check costs.
        private static string? _decoyHash;

        public async ValueTask<Result> Handle(LogIn command, CancellationToken cancellationToken)
        {
            var email = StaffRules.NormalizeEmail(command.Email);
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

            if (!hasher.Verify(staff.PasswordHash, command.Password, out var rehash) || !staff.IsActive)
            {
                var failed = staff.AfterFailedLogin(lockout, now);
                session.Store(failed);
                if (failed.IsLockedOut(now))
                    session.Audit(new StaffActor(staff.Id, staff.Email, staff.Role), "staff.locked-out", "staff", staff.Id, now);
                await session.SaveChangesAsync(cancellationToken);
                throw InvalidCredentials();
            }

            var signedIn = staff.AfterSuccessfulLogin() with { PasswordHash = rehash ?? staff.PasswordHash };
            if (signedIn != staff)
            {
                session.Store(signedIn);
                await session.SaveChangesAsync(cancellationToken);
            }

            var token = tokens.Issue(signedIn);
            return new Result(token.AccessToken, token.ExpiresAt, StaffView.From(signedIn));
        }

        private static DomainException InvalidCredentials() =>
            new(ProblemNames.InvalidCredentials, "The email or password is not correct.");
    }
}
