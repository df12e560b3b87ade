using System.Reflection;
using HaloBestie.Application.Mitras;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure;
using NetArchTest.Rules;

namespace HaloBestie.ArchitectureTests;

/// <summary>Dependencies point inwards only: Api.* → Infrastructure → Application → Domain (DESIGN.md).</summary>
public class LayerTests
{
    private static readonly Assembly Domain = typeof(Mitra).Assembly;
    private static readonly Assembly Application = typeof(RegisterMitra).Assembly;
    private static readonly Assembly Infrastructure = typeof(HostSetup).Assembly;
    private static readonly Assembly PublicHost = typeof(Api.Public.Program).Assembly;
    private static readonly Assembly InternalHost = typeof(Api.Internal.Program).Assembly;

    [Fact]
    public void Reference_when_in_domain_reaches_nothing_but_the_base_library()
    {
        ShouldNotDependOn(Domain,
            "HaloBestie.Application", "HaloBestie.Infrastructure", "HaloBestie.Api",
            "Marten", "JasperFx", "Npgsql", "StackExchange.Redis", "Microsoft.AspNetCore", "Mediator", "FluentValidation");

        Domain.GetReferencedAssemblies().Select(a => a.Name)
            .Should().OnlyContain(n => n == "System.Runtime" || n!.StartsWith("System.", StringComparison.Ordinal) || n == "netstandard");
    }

    [Fact]
    public void Reference_when_in_application_reaches_no_infrastructure_or_host()
    {
        ShouldNotDependOn(Application,
            "HaloBestie.Infrastructure", "HaloBestie.Api", "Microsoft.AspNetCore", "StackExchange.Redis", "Npgsql");
    }

    [Fact]
    public void Reference_when_in_infrastructure_reaches_no_host()
    {
        ShouldNotDependOn(Infrastructure, "HaloBestie.Api");
    }

    [Fact]
    public void Reference_when_in_one_host_never_reaches_the_other()
    {
        ShouldNotDependOn(PublicHost, "HaloBestie.Api.Internal");
        ShouldNotDependOn(InternalHost, "HaloBestie.Api.Public");
        PublicHost.GetReferencedAssemblies().Should().NotContain(a => a.Name == InternalHost.GetName().Name);
        InternalHost.GetReferencedAssemblies().Should().NotContain(a => a.Name == PublicHost.GetName().Name);
    }

    [Fact]
    public void AddUseCase_when_it_has_a_handler_nests_it_in_its_request()
    {
        var handlers = Application.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.Namespace == "Mediator" && i.Name.EndsWith("Handler`2", StringComparison.Ordinal)))
            .ToList();

        handlers.Should().NotBeEmpty();
        handlers.Should().OnlyContain(h => h.Name == "Handler" && h.DeclaringType != null,
            "a use case is one file: the request record with its nested Validator and Handler (STYLE.md)");
    }

    private static void ShouldNotDependOn(Assembly assembly, params string[] namespaces)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult();
        result.IsSuccessful.Should().BeTrue(
            "{0} must not depend on {1}, but these types do: {2}",
            assembly.GetName().Name, string.Join(", ", namespaces), string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }
}
