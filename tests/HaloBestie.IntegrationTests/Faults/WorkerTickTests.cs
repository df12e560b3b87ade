using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Faults;

/// <summary>
/// Background workers across instances (issue 21 items 5 and 6): each second's durable-timer
/// tick runs on one instance, and a worker failing every tick moves <c>halobestie.workers.ticks</c>
/// (<c>outcome=failed</c>) although nothing it would record ever commits.
/// </summary>
public sealed class WorkerTickTests(FaultableServersFixture hosts) : IClassFixture<FaultableServersFixture>
{
    private static bool Timers(IReadOnlyDictionary<string, object?> tags, string outcome) =>
        Equals(tags["worker"], DurableTimersWorker.Name) && Equals(tags["outcome"], outcome);

    [Fact]
    public async Task Timers_with_three_public_instances_run_each_second_on_one_of_them()
    {
        // Two instances started inside the observation (their workers' measurements are this
        // test's), beside the fixture's own public instance.
        using var observed = Observed.Start();
        _ = hosts.AnotherPublicHost();
        _ = hosts.AnotherPublicHost();

        await Task.Delay(TimeSpan.FromSeconds(8));

        var ran = observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Ran));
        var skipped = observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Skipped));
        (ran + skipped).Should().BeGreaterThanOrEqualTo(12, "two instances tick once a second each for 8 s");
        ran.Should().BeLessThanOrEqualTo(10, "one tick a second runs, across all three instances ({0} ran, {1} skipped)", ran, skipped);
        skipped.Should().BeGreaterThanOrEqualTo(ran - 2, "of these two instances, at most one runs each second: the other skips it");
    }

    [Fact]
    public async Task Timers_failing_every_tick_while_PostgreSQL_is_down_count_each_failure()
    {
        using var observed = Observed.Start();
        _ = hosts.AnotherPublicHost();
        await Task.Delay(TimeSpan.FromSeconds(2));
        observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Failed)).Should().Be(0);

        await hosts.StopPostgresAsync();
        try
        {
            // The instance runs the ticks it takes (about half of them: the fixture's own instance takes the others).
            await Wait.UntilAsync(() => observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Failed)) >= 2,
                TimeSpan.FromSeconds(25), "each tick the instance runs fails, and is counted");
        }
        finally
        {
            await hosts.StartPostgresAsync();
        }
        var failed = observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Failed));
        await Wait.UntilAsync(() => observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Ran)) > 0,
            TimeSpan.FromSeconds(20), "with PostgreSQL back the ticks run again");
        observed.Sum("halobestie.workers.ticks", t => Timers(t, WorkerMetrics.Failed)).Should().BeLessThanOrEqualTo(failed + 1, "the failures stop once PostgreSQL is back");
    }
}
