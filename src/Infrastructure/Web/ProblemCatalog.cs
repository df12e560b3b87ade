using HaloBestie.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HaloBestie.Infrastructure.Web;

/// <summary>Every problem name the hosts answer with, its HTTP status and title (API.md).</summary>
public static class ProblemCatalog
{
    public const string TypeBase = "https://halobestie.app/problems/";

    // Names a host uses for framework answers that API.md does not name.
    public const string MethodNotAllowed = "method-not-allowed";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string RateLimited = "rate-limited";
    public const string ServiceUnavailable = "service-unavailable";
    public const string Internal = "internal";

    private static readonly Dictionary<string, (int Status, string Title)> Entries = new()
    {
        [ProblemNames.Validation] = (StatusCodes.Status400BadRequest, "The request is not valid."),
        [ProblemNames.Unauthorized] = (StatusCodes.Status401Unauthorized, "Authentication is required."),
        [ProblemNames.InvalidCredentials] = (StatusCodes.Status401Unauthorized, "The credentials are not correct."),
        [ProblemNames.Forbidden] = (StatusCodes.Status403Forbidden, "This is not allowed for the caller."),
        [ProblemNames.RegistrationRequired] = (StatusCodes.Status403Forbidden, "Registration is required."),
        [ProblemNames.PaymentRequired] = (StatusCodes.Status403Forbidden, "A session credit is required."),
        [ProblemNames.Suspended] = (StatusCodes.Status403Forbidden, "The account is suspended."),
        [ProblemNames.NotAMitra] = (StatusCodes.Status403Forbidden, "The caller is not a mitra."),
        [ProblemNames.MitraInactive] = (StatusCodes.Status403Forbidden, "The mitra account is inactive."),
        [ProblemNames.NotFound] = (StatusCodes.Status404NotFound, "Not found."),
        [ProblemNames.AlreadySearching] = (StatusCodes.Status409Conflict, "A pairing request is already searching."),
        [ProblemNames.AlreadyInSession] = (StatusCodes.Status409Conflict, "A session is already active."),
        [ProblemNames.AlreadyTaken] = (StatusCodes.Status409Conflict, "Another mitra took the request."),
        [ProblemNames.RequestClosed] = (StatusCodes.Status409Conflict, "The pairing request is closed."),
        [ProblemNames.CapacityFull] = (StatusCodes.Status409Conflict, "The mitra is at capacity."),
        [ProblemNames.MitraUnavailable] = (StatusCodes.Status409Conflict, "The mitra is not available."),
        [ProblemNames.SessionEnded] = (StatusCodes.Status409Conflict, "The session has ended."),
        [ProblemNames.Conflict] = (StatusCodes.Status409Conflict, "The request conflicts with the current state."),
        [ProblemNames.AlreadyRated] = (StatusCodes.Status409Conflict, "The session has already been rated."),
        [ProblemNames.SessionActive] = (StatusCodes.Status409Conflict, "The session is still active."),
        [ProblemNames.ReauthenticationRequired] = (StatusCodes.Status403Forbidden, "A recent sign-in is required."),
        [ProblemNames.LockedOut] = (StatusCodes.Status423Locked, "The account is locked."),
        [MethodNotAllowed] = (StatusCodes.Status405MethodNotAllowed, "The method is not allowed on this route."),
        [PayloadTooLarge] = (StatusCodes.Status413PayloadTooLarge, "The request body is too large."),
        [UnsupportedMediaType] = (StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON."),
        [RateLimited] = (StatusCodes.Status429TooManyRequests, "Too many requests; retry after the seconds in Retry-After."),
        [ServiceUnavailable] = (StatusCodes.Status503ServiceUnavailable, "A backing service is unavailable; retry shortly."),
        [Application.Payments.PaymentProblems.ProviderUnavailable] = (StatusCodes.Status503ServiceUnavailable, "Payments are unavailable right now; retry shortly."),
        [Internal] = (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
    };

    private static readonly Dictionary<int, string> NameByStatus = new()
    {
        [400] = ProblemNames.Validation,
        [401] = ProblemNames.Unauthorized,
        [403] = ProblemNames.Forbidden,
        [404] = ProblemNames.NotFound,
        [405] = MethodNotAllowed,
        [409] = ProblemNames.Conflict,
        [413] = PayloadTooLarge,
        [415] = UnsupportedMediaType,
        [423] = ProblemNames.LockedOut,
        [429] = RateLimited,
        [503] = ServiceUnavailable,
    };

    public static IReadOnlyCollection<string> Names => Entries.Keys;

    public static bool IsKnown(string name) => Entries.ContainsKey(name);

    public static int StatusOf(string name) => Entries.TryGetValue(name, out var e) ? e.Status : StatusCodes.Status409Conflict;

    public static string TitleOf(string name) => Entries.TryGetValue(name, out var e) ? e.Title : "The request cannot be completed.";

    public static string TypeOf(string name) => TypeBase + name;

    /// <summary>The problem name of an answer of ours (the last segment of its <c>type</c>), or null.</summary>
    public static string? NameOf(ProblemDetails problem) =>
        problem.Type is { } type && type.StartsWith(TypeBase, StringComparison.Ordinal) ? type[TypeBase.Length..] : null;

    /// <summary>The generic name for a status the framework produced on its own (401 from auth, 404 from routing).</summary>
    public static string NameForStatus(int status) =>
        NameByStatus.TryGetValue(status, out var name) ? name : status >= 500 ? Internal : ProblemNames.Validation;
}
