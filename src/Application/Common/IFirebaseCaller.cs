namespace HaloBestie.Application.Common;

/// <summary>
/// The verified Firebase identity behind the current request (public host only): the claims of
/// the ID token, nothing looked up yet.
/// </summary>
public interface IFirebaseCaller
{
    string Uid { get; }

    /// <summary><c>firebase.sign_in_provider</c>: anonymous, google.com, apple.com, phone…</summary>
    string SignInProvider { get; }

    string? Email { get; }

    /// <summary>E.164, as Firebase puts it in phone tokens.</summary>
    string? PhoneNumber { get; }

    /// <summary><c>auth_time</c>: when the person last signed in (not when this token was refreshed).</summary>
    DateTimeOffset? AuthTime { get; }
}
