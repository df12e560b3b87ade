using HaloBestie.Domain.Staff;

namespace HaloBestie.Application.Common;

/// <summary>The staff member behind the current request (internal host only).</summary>
public interface ICurrentStaff
{
    /// <summary>Throws when the request is not authenticated as staff; endpoints that use it require staff.</summary>
    StaffActor Actor { get; }
}

public sealed record StaffActor(Guid Id, string Email, StaffRole Role);
