using FluentValidation;
using HaloBestie.Domain;
using Mediator;

namespace HaloBestie.Application.Common;

/// <summary>Runs every validator of a message before its handler; failures become one 400 answer.</summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Most messages (the heartbeat among them) have no validator: they go straight on, without a
    // list or an async state machine of their own (docs/performance.md, Memory and heartbeats, round two).
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        validators is ICollection<IValidator<TMessage>> { Count: 0 }
            ? next(message, cancellationToken)
            : ValidateThenHandle(message, next, cancellationToken);

    private async ValueTask<TResponse> ValidateThenHandle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
            throw new ValidationException(failures);

        return await next(message, cancellationToken);
    }
}

/// <summary>A domain rule's <see cref="Refusal"/> as a FluentValidation failure that keeps its code.</summary>
public static class RefusalFailures
{
    public static void AddFailure<T>(this ValidationContext<T> context, string field, Refusal refusal) =>
        context.AddFailure(new FluentValidation.Results.ValidationFailure(field, refusal.Message) { ErrorCode = refusal.Code });
}
