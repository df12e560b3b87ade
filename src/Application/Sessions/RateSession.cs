using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>POST /api/client/sessions/{id}/rating</c> <c>{stars, comment?}</c>: the client rates its
/// ended session once (<see cref="SessionDecisions.Rate"/>); an event of the session's stream,
/// shown in the mitra's details and the dashboard's <c>today.averageRating</c>.
/// </summary>
public sealed record RateSession(Guid SessionId, int? Stars, string? Comment) : ICommand<RateSession.Rating>
{
    public sealed record Body(int? Stars, string? Comment);

    public sealed record Rating(Guid SessionId, int Stars, string? Comment, DateTimeOffset RatedAt);

    public sealed class Validator : AbstractValidator<RateSession>
    {
        public Validator()
        {
            RuleFor(x => x.Stars).NotNull().InclusiveBetween(1, 5);
            RuleFor(x => x.Comment).MaximumLength(SessionDecisions.MaxRatingCommentLength);
        }
    }

    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<RateSession, Rating>
    {
        public async ValueTask<Rating> Handle(RateSession command, CancellationToken cancellationToken)
        {
            var clientId = (await caller.ClientAsync(cancellationToken)).Id;
            var rated = await writes.RunAsync(nameof(RateSession), async session =>
            {
                var stream = await session.Events.FetchForExclusiveWriting<Session>(command.SessionId, cancellationToken);
                var current = stream.Aggregate ?? throw new NotFoundException("Session", command.SessionId);
                var rated = SessionDecisions.Rate(current, clientId, command.Stars!.Value, command.Comment, clock.GetUtcNow());
                stream.AppendOne(rated);
                return rated;
            }, cancellationToken);
            return new Rating(rated.SessionId, rated.Stars, rated.Comment, rated.At);
        }
    }
}
