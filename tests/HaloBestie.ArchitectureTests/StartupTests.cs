using System.Reflection;

namespace HaloBestie.ArchitectureTests;

/// <summary>What keeps start-up short in Production (ADR 0030, docs/performance.md).</summary>
public class StartupTests
{
    /// <summary>
    /// Marten 9 stores documents and events through closed-shape storage built by reflection: no
    /// C# is generated and compiled at run time, so there is nothing for its <c>codegen</c>
    /// command to write ahead of time. Runtime compilation would come back only with JasperFx's
    /// Roslyn compiler (<c>JasperFx.RuntimeCompiler</c>, <c>Microsoft.CodeAnalysis.CSharp</c>);
    /// if an upgrade brings it, this fails and the start-up decision of ADR 0030 must be taken again
    /// (pre-generated code with static type loading in Production).
    /// </summary>
    [Fact]
    public void Reference_when_in_a_host_never_reaches_a_runtime_compiler()
    {
        var reached = Reachable(typeof(Api.Public.Program).Assembly, typeof(Api.Internal.Program).Assembly);

        reached.Should().Contain("Marten");
        reached.Should().NotContain(["JasperFx.RuntimeCompiler", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp"]);
    }

    private static HashSet<string> Reachable(params Assembly[] roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>(roots);
        while (queue.Count > 0)
        {
            foreach (var name in queue.Dequeue().GetReferencedAssemblies())
            {
                if (name.Name is null || !seen.Add(name.Name))
                    continue;
                try
                {
                    queue.Enqueue(Assembly.Load(name));
                }
                catch (FileNotFoundException)
                {
                    // referenced but not deployed (an optional dependency): it cannot run either
                }
            }
        }
        return seen;
    }
}
