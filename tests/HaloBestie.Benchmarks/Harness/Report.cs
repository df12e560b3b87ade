using System.Globalization;
using System.Text;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>One row of the table of docs/performance.md.</summary>
public sealed record Row(string Figure, string Measured, string Baseline, string Target, bool? Met, string Notes = "");

public sealed class Report
{
    private readonly List<Row> _rows = [];

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        _rows.Add(row);
        Console.WriteLine($"[bench] {row.Figure}: {row.Measured} (baseline {row.Baseline}; target {row.Target}) {Verdict(row.Met)}");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| figure | measured | baseline (same run) | target | met | notes |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in _rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Figure} | {r.Measured} | {r.Baseline} | {r.Target} | {Verdict(r.Met)} | {r.Notes} |");
        return text.ToString();
    }

    private static string Verdict(bool? met) => met switch { true => "yes", false => "NO", null => "n/a" };

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>How big each figure is: the issue's sizes, or tiny ones for the smoke test.</summary>
public sealed record Sizes(
    int HeartbeatMitras,
    TimeSpan HeartbeatDuration,
    int WrkConnections,
    int PairingStreams,
    int PairingRounds,
    int PairingWarmupRounds,
    int AcceptCallers,
    int AcceptRounds,
    int HistoryEvents,
    int StartupRuns,
    int MemoryStreams,
    TimeSpan MemoryDuration,
    int ChatSessions,
    int ChatSessionsPerMitra,
    TimeSpan ChatDuration,
    int[] ChatCeilingRates,
    TimeSpan ChatCeilingStep,
    int ChatConversationMessages,
    int ChatPageReads,
    int PushDevices)
{
    public static Sizes Full { get; } = new(200, TimeSpan.FromSeconds(10), 64, 200, 100, 200, 100, 10, 1000, 5, 2000, TimeSpan.FromSeconds(60),
        500, 1, TimeSpan.FromSeconds(30), [50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000], TimeSpan.FromSeconds(5), 2000, 500, 3000);

    public static Sizes Tiny { get; } = new(4, TimeSpan.FromSeconds(1), 4, 4, 3, 1, 4, 2, 10, 1, 8, TimeSpan.FromSeconds(1),
        4, 2, TimeSpan.FromSeconds(2), [4, 8], TimeSpan.FromSeconds(1), 120, 20, 20);

    public bool IsTiny => this == Tiny;

    /// <summary>
    /// These sizes with some changed, from <c>--size PairingStreams=1000,ChatSessions=100</c>: how
    /// the cost curves of docs/performance.md are measured (one run per size). Names are the
    /// parameters above; whole numbers, and seconds for durations. An unknown name or a value that
    /// is not a number is refused with the list of names.
    /// </summary>
    public Sizes With(string spec)
    {
        var constructor = typeof(Sizes).GetConstructors().Single(c => c.GetParameters().Length > 1);
        var parameters = constructor.GetParameters();
        var values = parameters.Select(p => typeof(Sizes).GetProperty(p.Name!)!.GetValue(this)).ToArray();
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, text) = pair.Split('=', 2) is [var n, var t] ? (n.Trim(), t.Trim()) : (pair, "");
            var index = Array.FindIndex(parameters, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0 || !long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                || parameters[index].ParameterType == typeof(int[]))
                throw new ArgumentException($"--size: cannot set '{pair}'. Sizes that take a whole number (durations in seconds): {string.Join(", ", parameters.Where(p => p.ParameterType != typeof(int[])).Select(p => p.Name))}.");
            values[index] = parameters[index].ParameterType == typeof(TimeSpan) ? TimeSpan.FromSeconds(number) : checked((int)number);
        }
        return (Sizes)constructor.Invoke(values);
    }
}
