namespace HaloBestie.Domain.Settings;

/// <summary>
/// What staff can change at run time (API.md settings). One document; a missing document means
/// every default below.
/// </summary>
public sealed record PlatformSettings(
    int MaxCustomersPerMitra,
    int PairingTimeoutSeconds,
    int HeartbeatIntervalSeconds,
    int HeartbeatTimeoutSeconds,
    int SessionDurationMinutes,
    int TrialSessions,
    IReadOnlyList<string> Topics,
    string TimeZone,
    AnonymitySettings Anonymity)
{
    public const string DocumentId = "platform";

    /// <summary>What the mitra is given with every risk flag (PRODUCT.md §9): helplines, in the order shown.</summary>
    public IReadOnlyList<string> CrisisResources { get; init; } = DefaultCrisisResources;

    public static readonly IReadOnlyList<string> DefaultCrisisResources = ["SEJIWA 119 ext. 8"];

    /// <summary>The oldest app version each platform may run (API.md); an app below it shows the update screen.</summary>
    public AppVersions MinSupportedVersion { get; init; } = AppVersions.Any;

    /// <summary>
    /// How long a mitra whose app reported <c>background</c>, and who has a registered device, stays
    /// online without heartbeats, reached by push (PRODUCT.md §10); 0 keeps the heartbeat rule.
    /// </summary>
    public int BackgroundReachableMinutes { get; init; } = DefaultBackgroundReachableMinutes;

    public const int DefaultBackgroundReachableMinutes = 15;
    public const int MaxBackgroundReachableMinutes = 240;

    /// <summary>
    /// Days after a session's end when its message texts are erased (PRODUCT.md §11); 0 keeps
    /// them forever.
    /// </summary>
    public int TranscriptRetentionDays { get; init; } = DefaultTranscriptRetentionDays;

    public const int DefaultTranscriptRetentionDays = 365;
    public const int MaxTranscriptRetentionDays = 3650;

    /// <summary>Marten's document id: there is one settings document.</summary>
    public string Id { get; init; } = DocumentId;

    public static PlatformSettings Defaults { get; } = new(
        MaxCustomersPerMitra: 3,
        PairingTimeoutSeconds: 60,
        HeartbeatIntervalSeconds: 30,
        HeartbeatTimeoutSeconds: 90,
        SessionDurationMinutes: 60,
        TrialSessions: 1,
        Topics: ["Keluarga", "Percintaan", "Pekerjaan", "Pendidikan", "Pertemanan", "Kesehatan mental", "Lainnya"],
        TimeZone: "Asia/Jakarta",
        Anonymity: new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false));
}

/// <summary>
/// A version per app platform, <c>major.minor.patch</c> (numbers only, as the stores number
/// releases); <c>0.0.0</c> lets every version in.
/// </summary>
public sealed record AppVersions(string Android, string Ios)
{
    public static readonly AppVersions Any = new("0.0.0", "0.0.0");

    /// <summary><c>major.minor.patch</c>, each a number of at most 9 digits.</summary>
    public static bool IsVersion(string? value) =>
        value is not null && value.Split('.') is [var major, var minor, var patch]
        && new[] { major, minor, patch }.All(part => part.Length is >= 1 and <= 9 && part.All(char.IsAsciiDigit));
}

/// <summary>
/// Whether a mitra sees the client's display name (else its alias "Bestie #4821"), and whether a
/// client sees the mitra's full name (else the mitra's public alias). Email, phone and Firebase
/// identity of a client are never shown to a mitra.
/// </summary>
public sealed record AnonymitySettings(bool ShowClientDisplayName, bool ShowMitraFullName)
{
    public string ClientNameForMitra(Clients.Client client) =>
        ShowClientDisplayName && client.DisplayName is { } name ? name : client.Alias;

    public string MitraNameForClient(Mitras.Mitra mitra) => ShowMitraFullName ? mitra.FullName : mitra.Alias;
}
