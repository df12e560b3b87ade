using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Payments;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary>
/// <c>POST /api/client/payments</c>: creates a Xendit invoice for an active package and answers its
/// payment URL. The invoice is created first and the payment stored only once Xendit answered, so
/// a Xendit outage (503 <c>payment-provider-unavailable</c>) leaves nothing half-created.
/// With an <c>Idempotency-Key</c> header the payment's id is derived from the client and the key,
/// and a transaction-level advisory lock on it is held across the Xendit call: the same key again
/// (a retry after a lost answer, a double tap) answers the same payment without a second invoice;
/// the same key for another package is 409 <c>conflict</c>.
/// </summary>
public sealed record StartPayment(Guid PackageId) : ICommand<StartPayment.Result>
{
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>From the <c>Idempotency-Key</c> header, not the body.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? IdempotencyKey { get; init; }

    public sealed record Result(Guid PaymentId, string InvoiceUrl, DateTimeOffset ExpiresAt);

    public sealed class Validator : AbstractValidator<StartPayment>
    {
        public Validator()
        {
            RuleFor(x => x.PackageId).NotEmpty();
            RuleFor(x => x.IdempotencyKey).Must(k => k is null || (k.Length is >= 1 and <= MaxIdempotencyKeyLength && k.All(c => c is >= '!' and <= '~')))
                .OverridePropertyName("Idempotency-Key").WithErrorCode(ValidationCodes.IdempotencyKeyFormat).WithMessage($"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} visible ASCII characters (a UUID is best).");
        }
    }

    /// <summary>The payment id of a client's key: the same for every retry, different for every client.</summary>
    public static Guid PaymentIdOf(Guid clientId, string idempotencyKey)
    {
        var seed = new byte[16 + System.Text.Encoding.UTF8.GetByteCount(idempotencyKey)];
        clientId.TryWriteBytes(seed);
        System.Text.Encoding.UTF8.GetBytes(idempotencyKey, seed.AsSpan(16));
        return new Guid(System.Security.Cryptography.SHA256.HashData(seed).AsSpan(0, 16));
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
            var paymentId = Guid.CreateVersion7();
            if (command.IdempotencyKey is { } key)
            {
                paymentId = PaymentIdOf(client.Id, key);
                await session.BeginTransactionAsync(cancellationToken);
                await AdvisoryLocks.LockAsync(session, paymentId, cancellationToken);
                if (await session.LoadAsync<Payment>(paymentId, cancellationToken) is { } earlier)
                    return earlier.PackageId == package.Id
                        ? new Result(earlier.Id, earlier.InvoiceUrl, earlier.ExpiresAt)
                        : throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.IdempotencyKeyReused, "This Idempotency-Key was used for another package; use a new key for a new payment.");
            }
            if (!provider.IsConfigured)
                throw new PaymentProviderUnavailableException("Payments are not configured on this server.");

            var invoice = await provider.CreateInvoiceAsync(
                new InvoiceRequest(paymentId, package.PriceIdr, $"Halo Bestie — {package.Name} ({package.Sessions} sesi)", client.Email), cancellationToken);

            session.Events.StartStream<Payment>(paymentId, new PaymentCreated(paymentId, client.Id, package.Id, package.Name, package.Sessions,
                package.PriceIdr, invoice.InvoiceId, invoice.InvoiceUrl, invoice.ExpiresAt, clock.GetUtcNow()));
            await session.SaveChangesAsync(cancellationToken);
            return new Result(paymentId, invoice.InvoiceUrl, invoice.ExpiresAt);
        }
    }
}
