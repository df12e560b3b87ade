namespace HaloBestie.Domain.Payments;

public sealed record PaymentCreated(
    Guid PaymentId, Guid ClientId, Guid PackageId, string PackageName, int Sessions, long AmountIdr,
    string InvoiceId, string InvoiceUrl, DateTimeOffset ExpiresAt, DateTimeOffset At);

public sealed record PaymentPaid(Guid PaymentId, long PaidAmountIdr, string ProviderStatus, DateTimeOffset At);

public sealed record PaymentExpired(Guid PaymentId, DateTimeOffset At);

/// <summary>The client erased its account (PRODUCT.md §11): amount, package and invoice id stay for the tax record; the invoice's page address goes.</summary>
public sealed record PaymentPayerErased(Guid PaymentId, DateTimeOffset At);

public enum PaymentStatus
{
    Pending,
    Paid,
    Expired,
    Failed,
}

/// <summary>One purchase of a session package through a Xendit invoice; its id is the invoice's external_id.</summary>
public sealed record Payment(
    Guid Id, Guid ClientId, Guid PackageId, string PackageName, int Sessions, long AmountIdr,
    string InvoiceId, string InvoiceUrl, PaymentStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt)
{
    public static Payment Create(PaymentCreated e) =>
        new(e.PaymentId, e.ClientId, e.PackageId, e.PackageName, e.Sessions, e.AmountIdr, e.InvoiceId, e.InvoiceUrl, PaymentStatus.Pending, e.ExpiresAt, e.At, null);

    public Payment Apply(PaymentPaid e) => this with { Status = PaymentStatus.Paid, PaidAt = e.At };

    public Payment Apply(PaymentExpired e) => this with { Status = PaymentStatus.Expired };

    public Payment Apply(PaymentPayerErased e) => this with { InvoiceUrl = "" };
}

/// <summary>What a Xendit invoice callback means for a payment (PRODUCT.md §6).</summary>
public static class PaymentDecisions
{
    public const string Credited = "credited";
    public const string AlreadyApplied = "already-applied";
    public const string AmountMismatch = "amount-mismatch";
    public const string MarkedExpired = "expired";
    public const string Ignored = "ignored";

    /// <summary>PAID/SETTLED credit once, for the invoiced amount only; EXPIRED marks a pending payment expired.</summary>
    public static (IReadOnlyList<object> Events, string Outcome) Callback(Payment payment, string status, long amount, DateTimeOffset now)
    {
        switch (status.ToUpperInvariant())
        {
            case "PAID" or "SETTLED":
                if (payment.Status == PaymentStatus.Paid)
                    return ([], AlreadyApplied);
                if (amount != payment.AmountIdr)
                    return ([], AmountMismatch);
                return ([new PaymentPaid(payment.Id, amount, status.ToUpperInvariant(), now)], Credited);
            case "EXPIRED":
                return payment.Status == PaymentStatus.Pending ? ([new PaymentExpired(payment.Id, now)], MarkedExpired) : ([], AlreadyApplied);
            default:
                return ([], Ignored);
        }
    }
}
