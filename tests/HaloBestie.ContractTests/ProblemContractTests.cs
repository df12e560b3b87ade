using HaloBestie.Domain;
using HaloBestie.Infrastructure.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaloBestie.ContractTests;

/// <summary>
/// The rules of a route's problem contract (ADR 0021) and the check that holds handlers to it.
/// The integration tests exercise the check through the real hosts; these show, without them,
/// that it tells a declared answer from an undeclared one.
/// </summary>
public class ProblemContractTests
{
    [Fact]
    public void Contract_of_a_read_is_its_declared_names_and_service_unavailable()
    {
        var names = ProblemContract.Of([new HttpMethodMetadata(["GET"]), new DeclaredProblems([ProblemNames.NotFound])]);

        names.Should().Equal(ProblemNames.NotFound, ProblemCatalog.ServiceUnavailable);
    }

    [Fact]
    public void Contract_of_a_write_with_a_json_body_adds_conflict_and_the_body_answers()
    {
        var names = ProblemContract.Of([new HttpMethodMetadata(["POST"]), new JsonBody(),
            new DeclaredProblems([ProblemNames.Unauthorized]), new DeclaredProblems([ProblemNames.SessionEnded])]);

        names.Should().Equal(ProblemNames.Validation, ProblemNames.Unauthorized, ProblemNames.Conflict, ProblemNames.SessionEnded,
            ProblemCatalog.PayloadTooLarge, ProblemCatalog.UnsupportedMediaType, ProblemCatalog.ServiceUnavailable);
    }

    [Fact]
    public void Declaring_an_unknown_problem_name_throws_at_start_up()
    {
        var declare = () => new ConventionsStandIn().Problems("already-takne");

        declare.Should().Throw<ArgumentException>().WithMessage("*already-takne*");
    }

    [Fact]
    public void Check_when_the_route_does_not_declare_the_answer_records_route_and_name()
    {
        var undeclared = new UndeclaredProblems(NullLogger<UndeclaredProblems>.Instance);
        var context = Request(Route("/api/mitra/pairing-requests/{id:guid}/accept", "POST", ProblemNames.NotFound, ProblemNames.AlreadyTaken));

        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemNames.CapacityFull, "full"));

        undeclared.Found.Should().ContainSingle().Which.Should().Contain("POST /api/mitra/pairing-requests/{id:guid}/accept answered 409 capacity-full");
    }

    [Fact]
    public void Check_when_the_answer_is_declared_or_every_route_has_it_records_nothing()
    {
        var undeclared = new UndeclaredProblems(NullLogger<UndeclaredProblems>.Instance);
        var context = Request(Route("/api/things/{id:guid}/end", "POST", ProblemNames.SessionEnded));

        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemNames.SessionEnded, "ended"));
        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemNames.Conflict, "raced"));
        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemCatalog.ServiceUnavailable, "down"));
        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemCatalog.Internal, "a bug, reported by its own test"));

        undeclared.Found.Should().BeEmpty();
    }

    [Fact]
    public void Check_when_the_exception_handler_cleared_the_endpoint_uses_the_route_it_failed_on()
    {
        var undeclared = new UndeclaredProblems(NullLogger<UndeclaredProblems>.Instance);
        var context = new DefaultHttpContext();
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature
        {
            Error = new DomainException(ProblemNames.Suspended, "suspended"),
            Path = "/api/things",
            Endpoint = Route("/api/things", "GET"),
        });

        undeclared.Check(context, ProblemExceptionHandler.Named(ProblemNames.Suspended, "suspended"));

        undeclared.Found.Should().ContainSingle().Which.Should().Contain("GET /api/things answered 403 suspended");
    }

    [Fact]
    public void Check_when_no_route_matched_records_nothing()
    {
        var undeclared = new UndeclaredProblems(NullLogger<UndeclaredProblems>.Instance);

        undeclared.Check(new DefaultHttpContext(), ProblemExceptionHandler.Named(ProblemNames.NotFound, "no such route"));

        undeclared.Found.Should().BeEmpty();
    }

    private static RouteEndpoint Route(string pattern, string method, params string[] declared) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0,
            new EndpointMetadataCollection(new HttpMethodMetadata([method]), new DeclaredProblems(declared)), pattern);

    private static DefaultHttpContext Request(Endpoint endpoint)
    {
        var context = new DefaultHttpContext();
        context.SetEndpoint(endpoint);
        return context;
    }

    private sealed class JsonBody : IAcceptsMetadata
    {
        public IReadOnlyList<string> ContentTypes => ["application/json"];

        public Type? RequestType => typeof(object);

        public bool IsOptional => false;
    }

    private sealed class ConventionsStandIn : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}
