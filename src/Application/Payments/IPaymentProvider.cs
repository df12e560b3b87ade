using HaloBestie.Domain;

namespace HaloBestie.Application.Payments;

/// <summary>The payment provider (Xendit invoices), implemented in Infrastructure.</summary>
public interface IPaymentProvider
{
    /// <summary>False until the secret key and callback token are configured: checkout then answers 503.</summary>
    bool IsConfigured { get; }

    /// <summary>Creates an invoice; throws <see cref="PaymentProviderUnavailableException"/> when the provider cannot.</summary>
    Task<Invoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken ct);

    /// <summary>Constant-time comparison of a callback's token with the configured one.</summary>
    bool IsValidCallbackToken(string? token);
}

public sealed record InvoiceRequest(Guid PaymentId, long AmountIdr, string Description, string? PayerEmail);

public sealed record Invoice(string InvoiceId, string InvoiceUrl, DateTimeOffset ExpiresAt);

public sealed class PaymentProviderUnavailableException(string detail)
    : DomainException(PaymentProblems.ProviderUnavailable, detail);

public static class PaymentProblems
{
    /// <summary>503: Xendit cannot be reached or refused the call; nothing was stored.</summary>
    public const string ProviderUnavailable = "payment-provider-unavailable";
}
