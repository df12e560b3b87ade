namespace HaloBestie.Domain.Staff;

public enum StaffRole
{
    Operator,
    Admin,
}
