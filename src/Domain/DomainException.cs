namespace HaloBestie.Domain;

/// <summary>
/// A business rule said no. <see cref="Problem"/> is the problem name of API.md
/// (<c>already-taken</c>, <c>capacity-full</c>, …); the host maps it to an RFC 9457 answer.
/// </summary>
public class DomainException(string problem, string detail) : Exception(detail)
{
    public string Problem { get; } = problem;
}
