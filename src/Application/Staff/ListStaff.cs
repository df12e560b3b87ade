using HaloBestie.Domain.Staff;
using Marten;
using Mediator;

namespace HaloBestie.Application.Staff;

/// <summary>All staff accounts, by email. The control center has tens of them, not thousands: no paging.</summary>
public sealed record ListStaff : IQuery<IReadOnlyList<StaffView>>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<ListStaff, IReadOnlyList<StaffView>>
    {
        public async ValueTask<IReadOnlyList<StaffView>> Handle(ListStaff query, CancellationToken cancellationToken)
        {
            var staff = await session.Query<StaffAccount>().OrderBy(s => s.Email).ToListAsync(cancellationToken);
            return staff.Select(StaffView.From).ToList();
        }
    }
}
