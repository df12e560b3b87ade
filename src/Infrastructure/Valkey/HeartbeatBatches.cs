using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Valkey;

/// <summary>
/// The heartbeats of one instance go to Valkey together: while one script call is on its way, the
/// heartbeats that arrive queue, and the next call carries all of them (at most
/// <see cref="MaxPerCall"/>). A lone heartbeat leaves at once, so nothing waits for a batch to fill;
/// under load each heartbeat shares one round trip (its client work, Valkey's reading and
/// answering) with the others queued behind the same call. Each mitra is still refreshed only if it
/// is in the online set, atomically against the sweeper and the other instances: the script does,
/// per mitra in turn, what it did for one (docs/performance.md, "Heartbeats, round three").
/// </summary>
internal sealed class HeartbeatBatches(IDatabase db, RedisKey online, RedisKey background)
{
    /// <summary>Keeps one script run short (Valkey runs nothing else meanwhile): one to three microseconds per mitra.</summary>
    public const int MaxPerCall = 256;

    // Refresh only a member that is there: a heartbeat never brings an offline mitra back.
    // ARGV: id, time, id, time, …; the answer: 1 (refreshed) or 0 (not online) per id, in order.
    private const string Script = """
        local answers = {}
        for i = 1, #ARGV, 2 do
          local id = ARGV[i]
          if redis.call('ZSCORE', KEYS[1], id) then
            redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
            redis.call('ZREM', KEYS[2], id)
            answers[#answers + 1] = 1
          else
            answers[#answers + 1] = 0
          end
        end
        return answers
        """;

    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _sending;

    public Task<bool> RecordAsync(Guid mitraId, DateTimeOffset now)
    {
        // Answered on the pool, not inside the sending loop: each request goes on by itself.
        var pending = new Pending(mitraId.ToString(), now.ToUnixTimeMilliseconds(), new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool send;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            send = !_sending;
            _sending = true;
        }
        if (send)
            _ = SendAllAsync();
        return pending.Answer.Task;
    }

    private async Task SendAllAsync()
    {
        while (true)
        {
            Pending[] batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _sending = false;
                    return;
                }
                batch = new Pending[Math.Min(_queue.Count, MaxPerCall)];
                for (var i = 0; i < batch.Length; i++)
                    batch[i] = _queue.Dequeue();
            }
            try
            {
                var answers = (RedisResult[])(await EvaluateAsync(batch))!;
                for (var i = 0; i < batch.Length; i++)
                    batch[i].Answer.TrySetResult((int)answers[i] == 1);
            }
            catch (Exception e)
            {
                // Valkey unavailable (503 for each request, as for a heartbeat on its own) or a fault.
                foreach (var pending in batch)
                    pending.Answer.TrySetException(e);
            }
        }
    }

    // The client loads the script once (SCRIPT LOAD) and sends EVALSHA from then on, again after a reconnect.
    private Task<RedisResult> EvaluateAsync(Pending[] batch)
    {
        var arguments = new RedisValue[batch.Length * 2];
        for (var i = 0; i < batch.Length; i++)
        {
            arguments[2 * i] = batch[i].MitraId;
            arguments[2 * i + 1] = batch[i].At;
        }
        return db.ScriptEvaluateAsync(Script, [online, background], arguments);
    }

    private sealed record Pending(string MitraId, long At, TaskCompletionSource<bool> Answer);
}
