using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

/// <summary>
/// Name, role, active flag, and optionally a new password (which also lifts a lockout).
/// The last active admin cannot be demoted or deactivated: the control center would be left
/// without anyone able to manage staff or settings.
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

    public sealed class Handler(IDocumentSession session, ICurrentStaff current, IPasswordHasher hasher, TimeProvider clock)
        : ICommandHandler<UpdateStaff, StaffView>
    {
        public async ValueTask<StaffView> Handle(UpdateStaff command, CancellationToken cancellationToken)
        {
            var staff = await session.LoadAsync<StaffAccount>(command.StaffId, cancellationToken)
                ?? throw new NotFoundException("Staff", command.StaffId);

            var losesAdmin = staff is { Role: StaffRole.Admin, IsActive: true } && (command.Role != StaffRole.Admin || !command.IsActive);
            if (losesAdmin && await session.Query<StaffAccount>().CountAsync(s => s.Role == StaffRole.Admin && s.IsActive, cancellationToken) <= 1)
                throw new DomainException(ProblemNames.Conflict, "This is the last active admin; make another admin first.");

            var updated = staff with { Name = command.Name.Trim(), Role = command.Role, IsActive = command.IsActive };
            if (command.Password is not null)
                updated = updated.AfterSuccessfulLogin() with { PasswordHash = hasher.Hash(command.Password) };

            var now = clock.GetUtcNow();
            session.Store(updated);
            session.Audit(current.Actor, "staff.updated", "staff", staff.Id, now,
                $"role={updated.Role}; active={updated.IsActive}; passwordChanged={command.Password is not null}");
            await session.SaveChangesAsync(cancellationToken);
            return StaffView.From(updated);
        }
    }
}
