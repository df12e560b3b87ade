using HaloBestie.Application.Common;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Counts open event streams so that shutdown can wait for each to tell its app to reconnect.
/// The streams react to ApplicationStopping, which fires before any hosted service stops; this
/// service's <see cref="StopAsync"/> then keeps the host's shutdown from completing (and the
/// process from exiting) until every stream has written its goodbye, or the grace period ends.
/// Kestrel drains in-flight requests on its own as well; this makes the wait explicit and
/// independent of the order in which hosted services stop.
/// </summary>
public sealed class OpenStreams : IHostedService
{
    private readonly object _gate = new();
    private int _open;
    private TaskCompletionSource _allClosed = CompletedSource();

    public int Count => Volatile.Read(ref _open);

    public void Opened()
    {
        ProductMetrics.StreamOpened();
        lock (_gate)
        {
            if (_open++ == 0)
                _allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Closed()
    {
        ProductMetrics.StreamClosed();
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
