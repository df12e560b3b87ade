namespace HaloBestie.Domain.Devices;

public static class DevicePlatforms
{
    public const string Android = "android";
    public const string Ios = "ios";

    public static readonly string[] All = [Android, Ios];
}

/// <summary>Whose app an installation is: a client's or a mitra's.</summary>
public static class DeviceOwners
{
    public const string Client = "client";
    public const string Mitra = "mitra";
}

/// <summary>
/// One app installation that can be reached by push (PRODUCT.md §10): one row per installation
/// (the app's own id for itself), its current FCM token, whose it is. Registering again replaces
/// the token; an FCM token is held by one installation only.
/// </summary>
public sealed record Device(
    string Id,
    string OwnerKind,
    Guid OwnerId,
    string FcmToken,
    string Platform,
    DateTimeOffset RegisteredAt,
    DateTimeOffset RefreshedAt)
{
    /// <summary>An installation its app has not registered again for this long is dropped.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(60);

    public const int MaxInstallationIdLength = 128;
    public const int MaxTokenLength = 4096;
}

public static class DeviceDecisions
{
    /// <summary>
    /// The installation as <paramref name="ownerKind"/> <paramref name="ownerId"/> registers it now.
    /// The same owner keeps its first registration time; another owner (a different account signed
    /// in on the same phone) starts anew.
    /// </summary>
    public static Device Register(Device? current, string installationId, string ownerKind, Guid ownerId, string fcmToken, string platform, DateTimeOffset now) =>
        current is not null && current.OwnerKind == ownerKind && current.OwnerId == ownerId
            ? current with { FcmToken = fcmToken, Platform = platform, RefreshedAt = now }
            : new Device(installationId, ownerKind, ownerId, fcmToken, platform, now, now);

    /// <summary>Whether an installation id or FCM token is only visible ASCII without spaces (what FCM and the apps produce), of 1 to <paramref name="max"/> characters.</summary>
    public static bool IsToken(string? value, int max) =>
        !string.IsNullOrEmpty(value) && value.Length <= max && value.All(c => c is > ' ' and < '\u007f');
}
