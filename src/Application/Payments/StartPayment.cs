using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Payments;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary>
/// <c>POST /api/client/payments</c>: creates a Xendit invoice for an active package and answers its
/// payment URL. The invoice is created first and the payment stored only once Xendit answered, so
/// a Xendit outage (503 <c>payment-provider-unavailable</c>) leaves nothing half-created.
/// </summary>
public sealed record StartPayment(Guid PackageId) : ICommand<StartPayment.Result>
{
    public sealed record Result(Guid PaymentId, string InvoiceUrl, DateTimeOffset ExpiresAt);

    public sealed class Validator : AbstractValidator<StartPayment>
    {
        public Validator() => RuleFor(x => x.PackageId).NotEmpty();
    }

    public sealed class Handler(IDocumentSession session, Caller caller, IPaymentProvider provider, TimeProvider clock) : ICommandHandler<StartPayment, Result>
    {
        public async ValueTask<Result> Handle(StartPayment command, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            if (!client.IsRegistered)
                throw new DomainException(ProblemNames.RegistrationRequired, "Link Google, Apple or a phone number before buying sessions.");
            var package = await session.LoadAsync<SessionPackage>(command.PackageId, cancellationToken);
            if (package is not { IsActive: true })
                throw new NotFoundException("Package", command.PackageId);
            if (!provider.IsConfigured)
                throw new PaymentProviderUnavailableException("Payments are not configured on this server.");

            var paymentId = Guid.CreateVersion7();
            var invoice = await provider.CreateInvoiceAsync(
                new InvoiceRequest(paymentId, package.PriceIdr, $"Halo Bestie — {package.Name} ({package.Sessions} sesi)", client.Email), cancellationToken);

            session.Events.StartStream<Payment>(paymentId, new PaymentCreated(paymentId, client.Id, package.Id, package.Name, package.Sessions,
                package.PriceIdr, invoice.InvoiceId, invoice.InvoiceUrl, invoice.ExpiresAt, clock.GetUtcNow()));
            await session.SaveChangesAsync(cancellationToken);
            return new Result(paymentId, invoice.InvoiceUrl, invoice.ExpiresAt);
        }
    }
}
