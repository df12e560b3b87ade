using JasperFx;

namespace HaloBestie.Application.Common;

/// <summary>
/// Another writer moved a stream between our read and our commit. Marten reports most such races
/// as a <see cref="ConcurrencyException"/>, but when two appends to one stream meet inside the
/// same instant of the append function PostgreSQL's primary key on (stream, version) refuses the
/// second, and that arrives as a plain command failure naming the key. PostgreSQL itself may also
/// roll a transaction back because of another one — a deadlock (40P01: an erasure holding the
/// client's stream while an accept holding the request's reaches for it) or a serialization
/// failure (40001). All of them mean the same: read again and decide again, in a new transaction
/// (Marten's own replay of the commit alone is turned off: ADR 0032).
/// </summary>
public static class WriteConflicts
{
    private const string StreamVersionKey = "pk_mt_events_stream_and_version";
    private const string DeadlockDetected = "40P01";
    private const string SerializationFailure = "40001";

    public static bool IsConflict(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is ConcurrencyException || x.Message.Contains(StreamVersionKey, StringComparison.Ordinal)
                || x is System.Data.Common.DbException { SqlState: DeadlockDetected or SerializationFailure })
                return true;
        }
        return false;
    }

    /// <summary>
    /// The conflict's kind, for the metric: <c>deadlock</c> and <c>serialization</c> (PostgreSQL rolled
    /// the transaction back for another one; a steady rate of deadlocks means two writes lock the
    /// same rows in opposite orders), or <c>version</c> (another writer moved a stream first).
    /// </summary>
    public static string KindOf(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is System.Data.Common.DbException { SqlState: DeadlockDetected })
                return "deadlock";
            if (x is System.Data.Common.DbException { SqlState: SerializationFailure })
                return "serialization";
        }
        return "version";
    }
}
