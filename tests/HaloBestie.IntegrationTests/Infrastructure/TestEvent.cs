using HaloBestie.Application.Realtime;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>An app event only the stream tests publish: its data is <c>{"n":N}</c>.</summary>
public sealed record TestEvent(int N) : IAppEvent
{
    public static string Name => "test.event";
}
