namespace HaloBestie.Application.Common;

public static class TimeStorage
{
    /// <summary>
    /// How much a stored time may move when PostgreSQL rounds .NET's 100-ns ticks to microseconds.
    /// Queries for due deadlines look this far ahead; the domain decision then compares exactly.
    /// </summary>
    public static readonly TimeSpan Precision = TimeSpan.FromMilliseconds(1);
}
