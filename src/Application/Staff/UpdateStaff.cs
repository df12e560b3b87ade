using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

/// <summary>
/// Name, role, active flag, and optionally a new password (which also lifts a lockout).
/// The last active admin cannot be demoted or deactivated: the control center would be left
/// without anyone able to manage staff or settings. Changes pass <see cref="StaffGate"/> one at a
/// time, so that rule holds when admins change each other at the same moment.
/// <para>
/// A login may write the same account meanwhile (a failure count, a lockout, a rehash): the
/// version check then refuses our write, and the change is applied again to the fresh copy. The
/// admin said what the name, role and active flag must be, and a login does not touch them; a
/// 409 would only make the control center ask the admin to send the same form again. After
/// <see cref="StreamWrites.MaxAttempts"/> conflicts the answer is 409 <c>conflict</c>.
/// </para>
/// </summary>
public sealed record UpdateStaff(Guid StaffId, string Name, StaffRole Role, bool IsActive, string? Password) : ICommand<StaffView>
{
    public sealed record Body(string Name, StaffRole Role, bool IsActive, string? Password)
    {
        public UpdateStaff For(Guid staffId) => new(staffId, Name, Role, IsActive, Password);
    }

    public sealed class Validator : AbstractValidator<UpdateStaff>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(100);
            RuleFor(x => x.Role).IsInEnum();
            RuleFor(x => x.Password).Length(StaffRules.MinPasswordLength, StaffRules.MaxPasswordLength).When(x => x.Password is not null);
        }
    }

    public sealed class Handler(StreamWrites writes, Caller caller, IPasswordHasher hasher, TimeProvider clock)
        : ICommandHandler<UpdateStaff, StaffView>
    {
        public async ValueTask<StaffView> Handle(UpdateStaff command, CancellationToken cancellationToken)
        {
            // The slow hash once, before the gate: nobody waits for it.
            var newHash = command.Password is null ? null : hasher.Hash(command.Password);

            return await writes.RunAsync(nameof(UpdateStaff), async session =>
            {
                await session.BeginTransactionAsync(cancellationToken);
                await StaffGate.EnterAsync(session, cancellationToken);

                var staff = await session.LoadAsync<StaffAccount>(command.StaffId, cancellationToken)
                    ?? throw new NotFoundException("Staff", command.StaffId);

                var losesAdmin = staff is { Role: StaffRole.Admin, IsActive: true } && (command.Role != StaffRole.Admin || !command.IsActive);
                if (losesAdmin && await session.Query<StaffAccount>().CountAsync(s => s.Role == StaffRole.Admin && s.IsActive, cancellationToken) <= 1)
                    throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.LastAdmin, "This is the last active admin; make another admin first.");

                var updated = staff with { Name = command.Name.Trim(), Role = command.Role, IsActive = command.IsActive };
                if (newHash is not null)
                    updated = updated.AfterSuccessfulLogin() with { PasswordHash = newHash };

                session.Store(updated); // a login that wrote the account since it was read makes this apply again to the fresh copy
                session.Audit(caller.Staff, "staff.updated", "staff", staff.Id, clock.GetUtcNow(),
                    $"role={updated.Role}; active={updated.IsActive}; passwordChanged={command.Password is not null}");
                return StaffView.From(updated);
            }, cancellationToken);
        }
    }
}
