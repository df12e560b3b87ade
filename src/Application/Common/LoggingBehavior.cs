using System.Diagnostics;
using HaloBestie.Domain;
using Mediator;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Application.Common;

/// <summary>
/// One structured log line per use case: its name, outcome and duration, never the message body.
/// Successes are Debug (heartbeats and dashboard refreshes would otherwise write a line each,
/// many times a second); refusals are Information.
/// </summary>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string UseCase = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogHandled(logger, UseCase, elapsed);
            return response;
        }
        catch (DomainException e)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogRefused(logger, UseCase, e.Problem, elapsed);
            throw;
        }
        catch (FluentValidation.ValidationException)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogRefused(logger, UseCase, ProblemNames.Validation, elapsed);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{UseCase} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string useCase, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{UseCase} refused ({Problem}) in {ElapsedMs:0.0} ms")]
    private static partial void LogRefused(ILogger logger, string useCase, string problem, double elapsedMs);
}
