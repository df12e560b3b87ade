using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/mitra/sessions/active</c>: the mitra's active sessions, oldest first.</summary>
public sealed record ListMyActiveSessions : IQuery<IReadOnlyList<MitraSessionView>>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<ListMyActiveSessions, IReadOnlyList<MitraSessionView>>
    {
        public async ValueTask<IReadOnlyList<MitraSessionView>> Handle(ListMyActiveSessions query, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            var active = await session.Query<Session>().Where(s => s.MitraId == mitra.Id && s.Status == SessionStatus.Active)
                .OrderBy(s => s.StartedAt).ToListAsync(cancellationToken);
            var views = new List<MitraSessionView>();
            foreach (var s in active)
                views.Add(await MitraSessionView.OfAsync(session, s, cancellationToken));
            return views;
        }
    }
}
