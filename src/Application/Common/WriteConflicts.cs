using JasperFx;

namespace HaloBestie.Application.Common;

/// <summary>
/// Another writer moved a stream between our read and our commit. Marten reports most such races
/// as a <see cref="ConcurrencyException"/>, but when two appends to one stream meet inside the
/// same instant of the append function PostgreSQL's primary key on (stream, version) refuses the
/// second, and that arrives as a plain command failure naming the key. Both mean the same:
/// read again and decide again.
/// </summary>
public static class WriteConflicts
{
    private const string StreamVersionKey = "pk_mt_events_stream_and_version";

    public static bool IsConflict(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is ConcurrencyException || x.Message.Contains(StreamVersionKey, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
