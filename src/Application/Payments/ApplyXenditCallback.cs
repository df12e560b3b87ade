using System.Text.Json;
using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Payments;
using Mediator;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Application.Payments;

/// <summary>A Xendit callback as it reached us, kept for audit (bad-token callbacks are not stored).</summary>
public sealed record PaymentWebhook(Guid Id, DateTimeOffset ReceivedAt, string? ExternalId, string? InvoiceId, string? Status, long? Amount, string Outcome, string Body);

/// <summary>
/// <c>POST /api/shared/payments/xendit/callback</c>. The callback token is compared in constant
/// time (401, nothing stored, otherwise). PAID/SETTLED credit the package's sessions once — the
/// payment stream's version makes a replayed or concurrent duplicate credit nothing more — and
/// only for the invoiced amount; EXPIRED marks the payment expired; an unknown external_id is
/// acknowledged and logged. Every accepted callback is stored with its outcome (its payment fields only, never the payer's).
/// </summary>
public sealed partial record ApplyXenditCallback(string? CallbackToken, string Body) : ICommand<ApplyXenditCallback.Result>
{
    public sealed record Result(string Outcome);

    public sealed partial class Handler(StreamWrites writes, IPaymentProvider provider, IRealtime realtime, TimeProvider clock, ILogger<ApplyXenditCallback> logger)
        : ICommandHandler<ApplyXenditCallback, Result>
    {
        public async ValueTask<Result> Handle(ApplyXenditCallback command, CancellationToken cancellationToken)
        {
            if (!provider.IsValidCallbackToken(command.CallbackToken))
            {
                ProductMetrics.XenditCallback("unauthorized");
                throw new DomainException(ProblemNames.Unauthorized, "The x-callback-token header is missing or wrong.");
            }

            (string? ExternalId, string? InvoiceId, string? Status, long? Amount) parsed;
            try
            {
                parsed = Parse(command.Body);
            }
            catch (DomainException)
            {
                ProductMetrics.XenditCallback("invalid");
                throw;
            }
            var (externalId, invoiceId, status, amount) = parsed;
            var stored = StoredBody(command.Body);
            var (outcome, paid) = await writes.RunAsync(nameof(ApplyXenditCallback), async session =>
            {
                // A concurrent duplicate that moved the payment first makes this one decide again: already-applied.
                var now = clock.GetUtcNow();
                if (!Guid.TryParse(externalId, out var paymentId) || await session.Events.FetchForWriting<Payment>(paymentId, cancellationToken) is not { Aggregate: { } payment } stream)
                {
                    LogUnknown(logger, externalId ?? "(none)", status ?? "(none)");
                    session.Store(new PaymentWebhook(Guid.CreateVersion7(), now, externalId, invoiceId, status, amount, "unknown-payment", stored));
                    return ("unknown-payment", (Payment?)null);
                }

                var (events, outcome) = PaymentDecisions.Callback(payment, status ?? "", amount ?? -1, now);
                stream.AppendMany(events);
                var paid = events.OfType<PaymentPaid>().Any();
                // The client's stream is locked before anything is written, as an erasure (which then
                // writes this payment) locks it first: the two take turns instead of deadlocking.
                if (paid)
                    (await session.Events.FetchForExclusiveWriting<Client>(payment.ClientId, cancellationToken))
                        .AppendOne(new CreditsPurchased(payment.ClientId, payment.Id, payment.Sessions, now));
                if (outcome == PaymentDecisions.AmountMismatch)
                    LogMismatch(logger, payment.Id, payment.AmountIdr, amount ?? -1);
                session.Store(new PaymentWebhook(Guid.CreateVersion7(), now, externalId, invoiceId, status, amount, outcome, stored));
                return (outcome, paid ? payment : null);
            }, cancellationToken);

            ProductMetrics.XenditCallback(outcome);
            if (paid is not null)
                await realtime.PublishAsync(Recipient.Client(paid.ClientId), new AppEvents.PaymentPaid(paid.Id, paid.Sessions, paid.AmountIdr), cancellationToken);
            return new Result(outcome);
        }

        /// <summary>
        /// The fields of a callback kept with it (<see cref="StoredFields"/>): what the payment's record
        /// needs, never the payer (Xendit echoes the payer's email and may add a customer object), so
        /// that a callback arriving after the client erased its account stores nothing of the person.
        /// </summary>
        internal static string StoredBody(string body)
        {
            using var json = JsonDocument.Parse(body);
            var kept = new Dictionary<string, JsonElement>();
            foreach (var property in json.RootElement.EnumerateObject())
                if (StoredFields.Contains(property.Name))
                    kept[property.Name] = property.Value.Clone();
            return JsonSerializer.Serialize(kept);
        }

        private static readonly HashSet<string> StoredFields =
        [
            "id", "external_id", "status", "amount", "paid_amount", "currency", "payment_method", "payment_channel",
            "bank_code", "paid_at", "created", "updated", "merchant_name", "is_high", "fees_paid_amount", "adjusted_received_amount",
        ];

        private static (string? ExternalId, string? InvoiceId, string? Status, long? Amount) Parse(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new DomainException(ProblemNames.Validation, "The callback body must be a JSON object.");
                string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                // Xendit's SDKs type amounts as numbers that may carry a fraction (250000.0): whole rupiah only.
                long? Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
                    && v.TryGetDecimal(out var d) && d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;
                return (Text("external_id"), Text("id"), Text("status"), Number("paid_amount") ?? Number("amount"));
            }
            catch (JsonException)
            {
                throw new DomainException(ProblemNames.Validation, "The callback body is not valid JSON.");
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Xendit callback for unknown payment {ExternalId} (status {Status}) acknowledged")]
        private static partial void LogUnknown(ILogger logger, string externalId, string status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Xendit callback for payment {PaymentId} with amount {Amount} instead of {Expected}: not credited")]
        private static partial void LogMismatch(ILogger logger, Guid paymentId, long expected, long amount);
    }
}
