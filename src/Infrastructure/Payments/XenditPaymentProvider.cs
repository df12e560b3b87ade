using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using HaloBestie.Application.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace HaloBestie.Infrastructure.Payments;

/// <summary>Xendit settings (docs/payments.md). Payments answer 503 until SecretKey and CallbackToken are set.</summary>
public sealed record XenditOptions(
    string? SecretKey, string? CallbackToken, Uri BaseUrl, string? SuccessRedirectUrl, string? FailureRedirectUrl, TimeSpan InvoiceDuration)
{
    public static XenditOptions From(IConfiguration configuration) => new(
        configuration["Xendit:SecretKey"],
        configuration["Xendit:CallbackToken"],
        new Uri(configuration["Xendit:BaseUrl"] ?? "https://api.xendit.co"),
        configuration["Xendit:SuccessRedirectUrl"],
        configuration["Xendit:FailureRedirectUrl"],
        TimeSpan.FromSeconds(configuration.GetValue("Xendit:InvoiceDurationSeconds", 86_400)));

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(CallbackToken);
}

/// <summary>
/// Xendit's invoice API (<c>POST /v2/invoices</c>, Basic auth with the secret key) through a typed
/// HttpClient with Microsoft.Extensions.Http.Resilience: a 5 s timeout per attempt, 10 s in all,
/// and retries only for idempotent methods — creating an invoice is not retried, since a retry
/// after a lost answer would make a second invoice (ADR 0007).
/// </summary>
public sealed partial class XenditPaymentProvider(HttpClient http, XenditOptions options, TimeProvider clock, ILogger<XenditPaymentProvider> logger) : IPaymentProvider
{
    public bool IsConfigured => options.IsConfigured;

    public static IServiceCollection AddXendit(IServiceCollection services, IConfiguration configuration)
    {
        var options = XenditOptions.From(configuration);
        services.AddSingleton(options);
        services.AddHostedService<PaymentsConfigurationCheck>();
        services.AddHttpClient<IPaymentProvider, XenditPaymentProvider>(c =>
            {
                c.BaseAddress = options.BaseUrl;
                c.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
                if (options.SecretKey is { Length: > 0 } key)
                    c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
            })
            .AddStandardResilienceHandler(r =>
            {
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
                r.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                r.Retry.DisableForUnsafeHttpMethods();
            });
        return services;
    }

    public async Task<Invoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken ct)
    {
        var body = new CreateInvoice(request.PaymentId.ToString(), request.AmountIdr, request.Description, request.PayerEmail,
            options.SuccessRedirectUrl, options.FailureRedirectUrl, (long)options.InvoiceDuration.TotalSeconds, "IDR");
        try
        {
            using var response = await http.PostAsJsonAsync("/v2/invoices", body, ct);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                throw new PaymentProviderUnavailableException("The payment provider refused to create the invoice; try again later.");
            }
            var invoice = await response.Content.ReadFromJsonAsync<CreatedInvoice>(ct);
            if (invoice?.Id is null || invoice.InvoiceUrl is null)
                throw new PaymentProviderUnavailableException("The payment provider answered without an invoice; try again later.");
            return new Invoice(invoice.Id, invoice.InvoiceUrl, invoice.ExpiryDate ?? clock.GetUtcNow() + options.InvoiceDuration);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            or TaskCanceledException { InnerException: TimeoutException } or System.Text.Json.JsonException)
        {
            LogUnreachable(logger, e.GetType().Name, e.Message);
            throw new PaymentProviderUnavailableException("The payment provider cannot be reached; try again later.");
        }
    }

    public bool IsValidCallbackToken(string? token)
    {
        if (options.CallbackToken is not { Length: > 0 } expected || token is null)
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected));
    }

    private sealed record CreateInvoice(
        [property: JsonPropertyName("external_id")] string ExternalId,
        [property: JsonPropertyName("amount")] long Amount,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("payer_email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PayerEmail,
        [property: JsonPropertyName("success_redirect_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SuccessRedirectUrl,
        [property: JsonPropertyName("failure_redirect_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FailureRedirectUrl,
        [property: JsonPropertyName("invoice_duration")] long InvoiceDuration,
        [property: JsonPropertyName("currency")] string Currency);

    private sealed record CreatedInvoice(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("invoice_url")] string? InvoiceUrl,
        [property: JsonPropertyName("expiry_date")] DateTimeOffset? ExpiryDate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Xendit refused an invoice with {Status}: {Body}")]
    private static partial void LogRefused(ILogger logger, int status, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Xendit unreachable ({ExceptionType}): {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string exceptionType, string reason);
}
