using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Counts open event streams so that shutdown can wait for each to tell its app to reconnect.
/// Hosted services stop before the web server does, so <see cref="StopAsync"/> holds the server
/// open until every stream has written its goodbye (or the grace period runs out).
/// </summary>
public sealed class OpenStreams : IHostedService
{
    private readonly object _gate = new();
    private int _open;
    private TaskCompletionSource _allClosed = CompletedSource();

    public int Count => Volatile.Read(ref _open);

    public void Opened()
    {
        lock (_gate)
        {
            if (_open++ == 0)
                _allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Closed()
    {
        lock (_gate)
        {
            if (--_open == 0)
                _allClosed.TrySetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task closed;
        lock (_gate)
            closed = _allClosed.Task;
        try
        {
            await closed.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The grace period is over: the server closes what is left.
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
