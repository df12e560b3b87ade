using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using HaloBestie.Domain;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// The one place where failures become answers (ADR 0011): validation → 400 <c>validation</c>
/// with per-field errors, rule violations → their API.md name, optimistic-concurrency and
/// uniqueness races → 409 <c>conflict</c>, a backing service down → 503, anything else → 500
/// without details — except in Development and Test, where a 500 also carries the exception
/// (type and message) so a mobile developer or a failing CI run shows the cause at once.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IHostEnvironment environment, NpgsqlDataSource postgres, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = 499; // the client went away; nobody reads this answer
            return true;
        }

        var problem = ToProblem(exception, ProblemLanguage.Of(httpContext));
        var preparedStatementLost = IsPreparedStatementLost(exception);
        if (preparedStatementLost)
        {
            // The connection's record of its prepared statements no longer matches the server's
            // (ADR 0031): every connection of the pool is replaced (idle ones now, busy ones when
            // returned), and this caller retries (503).
            postgres.Clear();
            LogPreparedStatementsLost(logger, Chain(exception).OfType<PostgresException>().First(p => p.SqlState is PostgresErrorCodes.InvalidSqlStatementName or PostgresErrorCodes.DuplicatePreparedStatement).SqlState);
        }
        if (Chain(exception).OfType<PostgresException>().FirstOrDefault(p => p.SqlState == PostgresErrorCodes.UniqueViolation) is { } unique)
            LogUniqueViolation(logger, unique.ConstraintName ?? "?", httpContext.Request.Path);
        if (problem.Status >= 500)
        {
            if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            {
                if (!preparedStatementLost)
                    LogUnavailable(logger, exception.GetType().Name, exception.Message);
                httpContext.Response.Headers.RetryAfter = "5";
            }
            else
            {
                LogUnexpected(logger, exception);
                if (environment.IsDevelopment() || environment.IsEnvironment("Test"))
                    problem.Extensions["exception"] = $"{exception.GetType().FullName}: {exception.Message}";
            }
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    public static ProblemDetails ToProblem(Exception exception, string language = ProblemLanguage.English) => exception switch
    {
        ValidationException v => Validation(v.Errors, language),
        // PostgreSQL cannot hold U+0000 in text or JSON: refused where it enters (NulCharacters), or
        // by PostgreSQL as the backstop below; either way nothing was written.
        _ when Chain(exception).OfType<NulCharacterException>().FirstOrDefault() is { } nul => NulCharacterRefused(nul, language),
        InvalidFieldException f => Validation([new ValidationFailure(f.Field, f.Refusal.Message) { ErrorCode = f.Refusal.Code }], language),
        DomainException { Problem: ProblemNames.Validation } d => WholeRequestInvalid(ValidationCodes.Invalid, d.Message),
        DomainException d => WithExtensions(Named(d.Problem, d.Message), d.Extensions),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Named(ProblemCatalog.PayloadTooLarge, "The request body is too large."),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => Named(ProblemCatalog.UnsupportedMediaType, "Send the body as application/json."),
        BadHttpRequestException b => WholeRequestInvalid(ValidationCodes.MalformedBody, BadRequestDetail(b)),
        _ when exception is ExistingStreamIdCollisionException || Application.Common.WriteConflicts.IsConflict(exception)
            => Coded(ProblemNames.Conflict, ProblemCodes.Retry, "Someone else changed this at the same moment; reload and try again."),
        _ when IsUniqueViolation(exception) => Coded(ProblemNames.Conflict, ProblemCodes.Duplicate, "The value is already used by another record."),
        _ when Chain(exception).Any(x => x is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter })
            => NulCharacterRefused(),
        _ when IsUnavailable(exception) => Named(ProblemCatalog.ServiceUnavailable, "A backing service is unavailable; retry shortly."),
        _ => Named(ProblemCatalog.Internal, "An unexpected error occurred; it has been logged."),
    };

    private static ValidationProblemDetails NulCharacterRefused() =>
        WholeRequestInvalid(ValidationCodes.NulCharacter, "The request contains a character that cannot be stored (U+0000).");

    /// <summary>In a body's field (System.Text.Json names it, <c>$.displayName</c>): that field's error, as any rule's; else the request as a whole.</summary>
    private static ValidationProblemDetails NulCharacterRefused(NulCharacterException nul, string language) =>
        nul.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
            ? Validation([new ValidationFailure(path[2..], "Contains a character that cannot be stored (U+0000).") { ErrorCode = ValidationCodes.NulCharacter }], language)
            : NulCharacterRefused();

    private static ProblemDetails WithExtensions(ProblemDetails problem, IReadOnlyDictionary<string, object> extensions)
    {
        foreach (var (name, value) in extensions)
            problem.Extensions[name] = value;
        return problem;
    }

    private static ProblemDetails Coded(string name, string code, string detail) =>
        WithExtensions(Named(name, detail), new Dictionary<string, object> { ["code"] = code });

    public static ProblemDetails Named(string name, string detail) => new()
    {
        Type = ProblemCatalog.TypeOf(name),
        Title = ProblemCatalog.TitleOf(name),
        Status = ProblemCatalog.StatusOf(name),
        Detail = detail,
    };

    /// <summary>
    /// 400 <c>validation</c>: <c>errors</c> holds each field's messages in the caller's language,
    /// <c>errorCodes</c> the stable code of each, in the same order (docs/authentication.md).
    /// </summary>
    private static ValidationProblemDetails Validation(IEnumerable<ValidationFailure> failures, string language)
    {
        var byField = failures
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .Select(g => (Field: g.Key, Errors: g.Select(e => (Message: ProblemLanguage.MessageOf(e, language), Code: ProblemLanguage.CodeOf(e))).Distinct().ToArray()))
            .ToList();
        var problem = new ValidationProblemDetails(byField.ToDictionary(f => f.Field, f => f.Errors.Select(e => e.Message).ToArray()))
        {
            Type = ProblemCatalog.TypeOf(ProblemNames.Validation),
            Title = ProblemCatalog.TitleOf(ProblemNames.Validation),
            Status = StatusCodes.Status400BadRequest,
            Detail = "See errors for what to correct.",
        };
        problem.Extensions["errorCodes"] = byField.ToDictionary(f => f.Field, f => f.Errors.Select(e => e.Code).ToArray());
        return problem;
    }

    /// <summary>400 <c>validation</c> about the request as a whole (not JSON, a character PostgreSQL cannot hold): no field, a <c>code</c>; <c>errors</c> and <c>errorCodes</c> empty, so every 400 has the same shape.</summary>
    private static ValidationProblemDetails WholeRequestInvalid(string code, string detail)
    {
        var problem = new ValidationProblemDetails(new Dictionary<string, string[]>())
        {
            Type = ProblemCatalog.TypeOf(ProblemNames.Validation),
            Title = ProblemCatalog.TitleOf(ProblemNames.Validation),
            Status = StatusCodes.Status400BadRequest,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        problem.Extensions["errorCodes"] = new Dictionary<string, string[]>();
        return problem;
    }

    private static string BadRequestDetail(BadHttpRequestException b) =>
        b.InnerException is JsonException json
            ? $"The body is not valid JSON for this request: {json.Message}"
            : b.Message;

    private static bool IsUniqueViolation(Exception e) =>
        Chain(e).Any(x => x is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or DocumentAlreadyExistsException);

    private static bool IsPreparedStatementLost(Exception e) =>
        Chain(e).Any(x => x is PostgresException { SqlState: PostgresErrorCodes.InvalidSqlStatementName or PostgresErrorCodes.DuplicatePreparedStatement });

    private static bool IsUnavailable(Exception e) =>
        IsPreparedStatementLost(e) || Chain(e).Any(x => Valkey.ValkeyFaults.IsUnavailable(x)
            || (x is NpgsqlException n && n is not PostgresException && n.IsTransient)
            || x is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.LockNotAvailable }
            || x is PostgresException p && IsResourceOrSystemFault(p.SqlState));

    /// <summary>
    /// Class 53 (insufficient resources: too many connections, out of memory, disk full) and class
    /// 58 (system errors): PostgreSQL refused before anything was committed and a later try may pass.
    /// Marten no longer replays such a commit (ADR 0032), so the caller is told to retry.
    /// </summary>
    private static bool IsResourceOrSystemFault(string sqlState) =>
        sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("58", StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            yield return x;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unique constraint {Constraint} refused a write on {Path}; answered 409")]
    private static partial void LogUniqueViolation(ILogger logger, string constraint, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backing service unavailable: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL no longer has a statement this connection prepared ({SqlState}); the connection pool is cleared, answered 503")]
    private static partial void LogPreparedStatementsLost(ILogger logger, string sqlState);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
