using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

public sealed record CreateStaff(string Email, string Name, StaffRole Role, string Password) : ICommand<StaffView>
{
    public sealed class Validator : AbstractValidator<CreateStaff>
    {
        public Validator()
        {
            RuleFor(x => x.Email).NotEmpty().MaximumLength(254).EmailAddress();
            RuleFor(x => x.Name).NotEmpty().MaximumLength(100);
            RuleFor(x => x.Role).IsInEnum();
            RuleFor(x => x.Password).NotEmpty().Length(StaffRules.MinPasswordLength, StaffRules.MaxPasswordLength);
        }
    }

    public sealed class Handler(IDocumentSession session, Caller caller, IPasswordHasher hasher, TimeProvider clock)
        : ICommandHandler<CreateStaff, StaffView>
    {
        public async ValueTask<StaffView> Handle(CreateStaff command, CancellationToken cancellationToken)
        {
            var email = StaffRules.NormalizeEmail(command.Email);
            if (await session.Query<StaffAccount>().AnyAsync(s => s.Email == email, cancellationToken))
                throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.EmailTaken, $"A staff account with email {email} already exists.");

            var now = clock.GetUtcNow();
            var staff = new StaffAccount(Guid.CreateVersion7(), email, command.Name.Trim(), command.Role, IsActive: true,
                hasher.Hash(command.Password), FailedLogins: 0, LockedUntil: null, now);
            session.Insert(staff);
            session.Audit(caller.Staff, "staff.created", "staff", staff.Id, now, $"role={staff.Role}");
            await session.SaveChangesAsync(cancellationToken);
            return StaffView.From(staff);
        }
    }
}
