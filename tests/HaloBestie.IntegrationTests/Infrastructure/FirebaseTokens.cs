using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>Firebase ID tokens as the Auth emulator (unsigned) or Google (RS256) issues them.</summary>
public static class FirebaseTokens
{
    public const string ProjectId = "halobestie-test";

    public static Dictionary<string, object> Claims(string uid, string provider, string? phone = null, string? email = null, DateTimeOffset? now = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "https://securetoken.google.com/" + ProjectId,
            ["aud"] = ProjectId,
            ["sub"] = uid,
            ["user_id"] = uid,
            ["iat"] = at,
            ["auth_time"] = at,
            ["exp"] = at + 3600,
            ["firebase"] = new Dictionary<string, object> { ["sign_in_provider"] = provider, ["identities"] = new Dictionary<string, object>() },
        };
        if (phone is not null) claims["phone_number"] = phone;
        if (email is not null) claims["email"] = email;
        return claims;
    }

    /// <summary>An unsigned token (<c>alg: none</c>), as the Firebase Auth emulator issues.</summary>
    public static string Emulator(string uid, string provider = "anonymous", string? phone = null, string? email = null) =>
        WithoutSignature(Claims(uid, provider, phone, email));

    public static string WithoutSignature(Dictionary<string, object> claims) =>
        Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url(JsonSerializer.Serialize(claims)) + ".";

    public static string SignedWith(Dictionary<string, object> claims, RsaSecurityKey key) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(claims), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
