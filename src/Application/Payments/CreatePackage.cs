using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary><c>POST /api/internal/packages</c> (admin): a new active package. Audited.</summary>
public sealed record CreatePackage(string Name, int Sessions, long PriceIdr) : ICommand<SessionPackage>, IPackageInput
{
    public sealed class Validator : AbstractValidator<CreatePackage>
    {
        public Validator() => this.RulesForPackage();
    }

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<CreatePackage, SessionPackage>
    {
        public async ValueTask<SessionPackage> Handle(CreatePackage command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow();
            var package = new SessionPackage(Guid.CreateVersion7(), command.Name.Trim(), command.Sessions, command.PriceIdr, IsActive: true, now, now);
            session.Insert(package);
            session.Audit(caller.Staff, "package.created", "package", package.Id, now, $"{package.Name}: {package.Sessions} sessions, IDR {package.PriceIdr}");
            await session.SaveChangesAsync(cancellationToken);
            return package;
        }
    }
}
