using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

public sealed record GetCurrentStaff : IQuery<StaffView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetCurrentStaff, StaffView>
    {
        public async ValueTask<StaffView> Handle(GetCurrentStaff query, CancellationToken cancellationToken)
        {
            var staff = await session.LoadAsync<StaffAccount>(caller.Staff.Id, cancellationToken);
            return staff is null ? throw new NotFoundException("Staff", caller.Staff.Id) : StaffView.From(staff);
        }
    }
}
