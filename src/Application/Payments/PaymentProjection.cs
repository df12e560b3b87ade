using HaloBestie.Domain.Payments;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Payments;

public sealed partial class PaymentProjection : SingleStreamProjection<Payment, Guid>
{
    public static Payment Create(PaymentCreated e) => Payment.Create(e);

    public static Payment Apply(PaymentPaid e, Payment p) => p.Apply(e);

    public static Payment Apply(PaymentExpired e, Payment p) => p.Apply(e);

    public static Payment Apply(PaymentPayerErased e, Payment p) => p.Apply(e);
}
