using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

public sealed record GetCurrentStaff : IQuery<StaffView>
{
    public sealed class Handler(IQuerySession session, ICurrentStaff current) : IQueryHandler<GetCurrentStaff, StaffView>
    {
        public async ValueTask<StaffView> Handle(GetCurrentStaff query, CancellationToken cancellationToken)
        {
            var staff = await session.LoadAsync<StaffAccount>(current.Actor.Id, cancellationToken);
            return staff is null ? throw new NotFoundException("Staff", current.Actor.Id) : StaffView.From(staff);
        }
    }
}
