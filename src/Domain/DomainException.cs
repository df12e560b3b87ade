namespace HaloBestie.Domain;

/// <summary>
/// A business rule said no. <see cref="Problem"/> is the problem name of API.md
/// (<c>already-taken</c>, <c>capacity-full</c>, …); the host maps it to an RFC 9457 answer.
/// </summary>
public class DomainException(string problem, string detail, IReadOnlyDictionary<string, object>? extensions = null) : Exception(detail)
{
    public string Problem { get; } = problem;

    /// <summary>
    /// Members the problem answer carries besides <c>type</c>, <c>title</c>, <c>status</c> and
    /// <c>detail</c>, named in camelCase: what an app needs to recover without another call
    /// (<c>requestId</c> of the request that is already searching, say).
    /// </summary>
    public IReadOnlyDictionary<string, object> Extensions { get; } = extensions ?? new Dictionary<string, object>();

    /// <summary>
    /// A problem whose <c>type</c> covers several causes, told apart by a stable <c>code</c> member
    /// (<see cref="ProblemCodes"/>): an app branches on the code, never on the <c>detail</c> text.
    /// </summary>
    public static DomainException Coded(string problem, string code, string detail) =>
        new(problem, detail, new Dictionary<string, object> { ["code"] = code });
}
