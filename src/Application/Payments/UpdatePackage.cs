using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary>
/// <c>PUT /api/internal/packages/{id}</c> (admin): name, sessions, price, active. Pending payments
/// keep the price and sessions they were invoiced with. Audited.
/// </summary>
public sealed record UpdatePackage(Guid PackageId, string Name, int Sessions, long PriceIdr, bool IsActive) : ICommand<SessionPackage>, IPackageInput
{
    public sealed record Body(string Name, int Sessions, long PriceIdr, bool IsActive)
    {
        public UpdatePackage For(Guid id) => new(id, Name, Sessions, PriceIdr, IsActive);
    }

    public sealed class Validator : AbstractValidator<UpdatePackage>
    {
        public Validator() => this.RulesForPackage();
    }

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<UpdatePackage, SessionPackage>
    {
        public async ValueTask<SessionPackage> Handle(UpdatePackage command, CancellationToken cancellationToken)
        {
            var package = await session.LoadAsync<SessionPackage>(command.PackageId, cancellationToken) ?? throw new NotFoundException("Package", command.PackageId);
            var now = clock.GetUtcNow();
            var updated = package with { Name = command.Name.Trim(), Sessions = command.Sessions, PriceIdr = command.PriceIdr, IsActive = command.IsActive, UpdatedAt = now };
            session.Store(updated);
            session.Audit(caller.Staff, "package.updated", "package", package.Id, now,
                $"{updated.Name}: {updated.Sessions} sessions, IDR {updated.PriceIdr}, active={updated.IsActive}");
            await session.SaveChangesAsync(cancellationToken);
            return updated;
        }
    }
}
