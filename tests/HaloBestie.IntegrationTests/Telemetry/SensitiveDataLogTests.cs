using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Telemetry;

/// <summary>Passwords, tokens and phone numbers never reach a log entry, even at the most verbose level.</summary>
public class SensitiveDataLogTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static WebApplicationFactory<T> Capturing<T>(WebApplicationFactory<T> host, CapturedLogs logs) where T : class =>
        host.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));

    [Fact]
    public async Task Log_when_staff_log_in_and_mitras_sign_in_writes_no_secret_and_carries_trace_ids()
    {
        var logs = new CapturedLogs();
        await using var @internal = Capturing(hosts.Internal, logs);
        await using var @public = Capturing(hosts.Public, logs);
        var anonymous = new InternalApiClient(@internal.CreateClient());

        // Staff: the admin signs in, creates an operator with a password, who fails once and then signs in.
        var adminLogin = await anonymous.LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        var admin = new InternalApiClient(Bearer(@internal.CreateClient(), adminLogin.AccessToken));
        var email = $"operator-{Guid.NewGuid():N}@halobestie.test";
        const string password = "operator-secret-password-7f3c";
        const string wrongPassword = "operator-wrong-password-2d9e";
        await admin.CreateStaffAsync(new CreateStaff { Email = email, Name = "Operator", Role = HaloBestie.Clients.Internal.StaffRole.Operator, Password = password });
        (await ProblemOf(() => anonymous.LogInAsync(new LogIn { Email = email, Password = wrongPassword }))).Name.Should().Be("invalid-credentials");
        var operatorLogin = await anonymous.LogInAsync(new LogIn { Email = email, Password = password });
        await new InternalApiClient(Bearer(@internal.CreateClient(), operatorLogin.AccessToken)).GetCurrentStaffAsync();

        // Mitra: registered with a phone number by staff, then signs in with a Firebase phone token and goes online.
        var local = $"813{Random.Shared.Next(10_000_000, 99_999_999)}";
        var phone = "+62" + local;
        await admin.RegisterMitraAsync(new RegisterMitra { FullName = "Dewi Lestari", PhoneNumber = "0" + local, Alias = "Kak Dewi" });
        (await ProblemOf(() => admin.RegisterMitraAsync(new RegisterMitra { FullName = "Dewi Dua", PhoneNumber = phone, Alias = "Kak Dua" }))).Name.Should().Be("conflict");
        var idToken = FirebaseTokens.Emulator("mitra-" + Guid.NewGuid().ToString("N"), "phone", phone: phone);
        var mitra = new PublicApiClient(Bearer(@public.CreateClient(), idToken));
        await mitra.SignInMitraAsync();
        await mitra.SetMitraStatusAsync(new HaloBestie.Clients.Public.SetMitraStatus { Online = true });
        await mitra.RecordHeartbeatAsync();

        var all = logs.All;
        logs.Entries.Should().Contain(e => e.Contains("LogIn handled", StringComparison.Ordinal), "the use cases were logged at Debug");
        logs.Entries.Should().Contain(e => e.Contains("SignInMitra handled", StringComparison.Ordinal));
        logs.Entries.Should().Contain(e => e.Contains("MartenLogs: Marten executed", StringComparison.Ordinal), "Marten's statements are logged at Debug, without their values");
        logs.Entries.Should().Contain(e => e.Contains("LogIn refused (invalid-credentials)", StringComparison.Ordinal) && e.Contains("scope:TraceId=", StringComparison.Ordinal),
            "an entry written inside a request carries the request's trace id");
        foreach (var secret in new[] { HostsFixture.AdminPassword, password, wrongPassword, adminLogin.AccessToken, operatorLogin.AccessToken, idToken, idToken.Split('.')[1] })
            all.Should().NotContain(secret);
        foreach (var number in new[] { phone, "62" + local, "0" + local, local })
            all.Should().NotContain(number);
    }

    [Fact]
    public async Task Log_when_the_parties_talk_writes_no_message_text_at_any_level()
    {
        var logs = new CapturedLogs();
        await using var @public = Capturing(hosts.Public, logs);
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var (client, clientToken, _) = await hosts.NewRegisteredClientAsync();
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        var clientApp = new PublicApiClient(Bearer(@public.CreateClient(), clientToken));
        var mitraApp = new PublicApiClient(Bearer(@public.CreateClient(), mitraToken));
        const string said = "rahasia-klien-9c1f aku ingin cerita";
        const string answered = "rahasia-mitra-4b7e aku mendengarkan";
        const string refused = "rahasia-ditolak-2a8d";

        var id = Guid.NewGuid();
        await clientApp.SendMessageAsClientAsync(sessionId, id, new SendMessageBody { Text = said });
        await clientApp.SendMessageAsClientAsync(sessionId, id, new SendMessageBody { Text = said }); // a retry
        (await ProblemOf(() => clientApp.SendMessageAsClientAsync(sessionId, id, new SendMessageBody { Text = refused }))).Name.Should().Be("conflict");
        (await ProblemOf(() => clientApp.SendMessageAsClientAsync(sessionId, Guid.NewGuid(), new SendMessageBody { Text = refused + "\u0001" }))).Name.Should().Be("validation");
        await mitraApp.SendMessageAsMitraAsync(sessionId, Guid.NewGuid(), new SendMessageBody { Text = answered });
        await mitraApp.ListMessagesAsMitraAsync(sessionId, null, null, null);

        logs.Entries.Should().Contain(e => e.Contains("SendMessage handled", StringComparison.Ordinal), "the sends were logged at Debug");
        foreach (var text in new[] { "rahasia-klien-9c1f", "rahasia-mitra-4b7e", refused })
            logs.All.Should().NotContain(text);
    }

    private static HttpClient Bearer(HttpClient http, string token)
    {
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
