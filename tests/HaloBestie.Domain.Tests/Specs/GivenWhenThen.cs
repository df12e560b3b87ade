using System.Reflection;

namespace HaloBestie.Domain.Tests.Specs;

/// <summary>
/// Decision tests read as specifications: <b>given</b> the events of a stream (the aggregate is
/// built from them exactly as Marten builds it: <c>Create</c> from the first, <c>Apply</c> for each
/// next), <b>when</b> a decision runs, <b>then</b> these events, or this problem.
/// </summary>
public static class Given
{
    public static T Stream<T>(params object[] events) where T : class
    {
        var create = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "Create" && m.GetParameters() is [var p] && p.ParameterType == events[0].GetType());
        var state = (T)create.Invoke(null, [events[0]])!;
        foreach (var e in events.Skip(1))
        {
            var apply = typeof(T).GetMethod("Apply", [e.GetType()])
                ?? throw new InvalidOperationException($"{typeof(T).Name} has no Apply({e.GetType().Name}).");
            state = (T)apply.Invoke(state, [e])!;
        }
        return state;
    }
}

public static class Then
{
    /// <summary>The decision refuses with the problem name of API.md.</summary>
    public static void Problem(Action when, string problem) =>
        when.Should().Throw<DomainException>().Which.Problem.Should().Be(problem);

    /// <inheritdoc cref="Problem(Action, string)"/>
    public static void Problem<T>(Func<T> when, string problem) => Problem(() => { _ = when(); }, problem);
}
