using System.Net.Http.Headers;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using HaloBestie.Infrastructure.Web;
using HaloBestie.Infrastructure.Workers;
using Marten;
using Npgsql;
using Xunit.Sdk;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>A <see cref="HostsFixture"/> whose public hosts run on a fake clock the test moves.</summary>
public sealed class FakeClockHostsFixture : HostsFixture
{
    public FakeClockHostsFixture() => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
}

/// <summary>
/// Both real hosts over real PostgreSQL and Valkey, isolated per test class: its own Marten
/// schema and its own Valkey key prefix. Shared by the tests of one class (IClassFixture).
/// </summary>
public class HostsFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _extraHosts = [];

    public const string AdminEmail = "admin@halobestie.test";
    public const string AdminPassword = "test-admin-password";
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";

    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];
    // Shared by every host of the fixture (derived factories included): what they answered undeclared.
    private readonly UndeclaredProblems _undeclared = new(NullLogger<UndeclaredProblems>.Instance);
    private TestServers _servers = null!;

    public WebApplicationFactory<Api.Public.Program> Public { get; private set; } = null!;

    public WebApplicationFactory<Api.Internal.Program> Internal { get; private set; } = null!;

    public TestServers Servers => _servers;

    public string Schema => _schema;

    public async Task InitializeAsync()
    {
        _servers = await ServersAsync();
        Public = Configure(new WebApplicationFactory<Api.Public.Program>());
        Internal = Configure(new WebApplicationFactory<Api.Internal.Program>());
        await WaitForBootstrapAdminAsync();
    }

    /// <summary>The PostgreSQL and Valkey the hosts use: the shared pair, unless a fixture brings its own.</summary>
    protected virtual Task<TestServers> ServersAsync() => TestServers.Instance;

    /// <summary>
    /// Rate-limit settings of every host of the fixture. The tests sign in, log in and request
    /// pairings many times a second from one in-process caller (one address, often one Firebase
    /// UID), so the limits are raised far out of reach; <c>Abuse/RateLimitTests</c> lowers them.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string> RateLimitSettings => RateLimitsOf(permitLimit: 1_000_000, windowSeconds: 1);

    /// <summary>More configuration of every host of the fixture (key as in docs/operations.md, with ':'); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>();

    /// <summary>Every rate limit of the hosts (docs/operations.md#rate-limits) set to the same figures.</summary>
    public static IReadOnlyDictionary<string, string> RateLimitsOf(int permitLimit, int windowSeconds) =>
        HaloBestie.Infrastructure.Web.RateLimits.Defaults.Keys
            .SelectMany(name => new[]
            {
                KeyValuePair.Create($"RateLimits:{name}:PermitLimit", permitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                KeyValuePair.Create($"RateLimits:{name}:WindowSeconds", windowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            })
            .ToDictionary();

    /// <summary>When set, the public hosts read time from it (the sweeper included); the internal host keeps real time unless <see cref="InternalHostOnClock"/>.</summary>
    public FakeTimeProvider? Clock { get; protected init; }

    /// <summary>
    /// Whether the internal host reads time from <see cref="Clock"/> too, so that what staff do
    /// (end, reroute) is dated on the same clock as what the public hosts record. Staff tokens are
    /// then issued at the fake time: sign staff in before moving the clock far.
    /// </summary>
    protected virtual bool InternalHostOnClock => false;

    public string KeyPrefix => $"test:{_schema}:";

    /// <summary>
    /// One more public instance over the same PostgreSQL schema and Valkey prefix (and on the
    /// same <see cref="Clock"/>), as in a scaled deployment. Started at once, so its background
    /// workers (durable timers, presence sweeper) run from now on even if no request reaches it:
    /// a WebApplicationFactory otherwise starts its host only when first used.
    /// </summary>
    public WebApplicationFactory<Api.Public.Program> AnotherPublicHost()
    {
        var host = Configure(new WebApplicationFactory<Api.Public.Program>());
        _extraHosts.Add(host);
        _ = host.Server;
        return host;
    }

    /// <summary>One more internal instance over the same schema and prefix (on real time unless <see cref="InternalHostOnClock"/>), started at once.</summary>
    public WebApplicationFactory<Api.Internal.Program> AnotherInternalHost()
    {
        var host = Configure(new WebApplicationFactory<Api.Internal.Program>());
        _extraHosts.Add(host);
        _ = host.Server;
        return host;
    }

    /// <summary>
    /// One more internal instance over the same schema and prefix, listening on a real TCP port of
    /// 127.0.0.1 that the kernel picks (Kestrel, not the in-memory test server), so that a browser
    /// can reach it; started at once. Returns the host and its base address.
    /// </summary>
    public (WebApplicationFactory<Api.Internal.Program> Host, Uri Address) ListeningInternalHost()
    {
        var host = Configure(new WebApplicationFactory<Api.Internal.Program>());
        host.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        host.StartServer();
        _extraHosts.Add(host);
        var address = host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return (host, new Uri(address));
    }

    /// <summary>
    /// The environment of a public host run as its own process (<see cref="ProgramProcess"/>) over
    /// this fixture's schema and Valkey prefix, plus <paramref name="extra"/> (e.g. push settings).
    /// </summary>
    public Dictionary<string, string> ProgramEnvironment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Test",
            ["ConnectionStrings__Postgres"] = _servers.Postgres,
            ["ConnectionStrings__Valkey"] = _servers.Valkey,
            ["Marten__Schema"] = _schema,
            ["Valkey__KeyPrefix"] = KeyPrefix,
            ["Firebase__ProjectId"] = FirebaseTokens.ProjectId,
            ["FIREBASE_AUTH_EMULATOR_HOST"] = "127.0.0.1:9099",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            environment[key] = value;
        return environment;
    }

    /// <summary>A public host's durable-timer worker (started with the host) and the clock its timers read.</summary>
    public static (DurableTimersWorker Worker, TimeProvider Clock) TimersOf(WebApplicationFactory<Api.Public.Program> host) =>
        (host.Services.GetServices<IHostedService>().OfType<DurableTimersWorker>().Single(), host.Services.GetRequiredService<TimeProvider>());

    /// <summary>
    /// Also the drift check of ADR 0021: a test class whose requests got a problem answer that
    /// the route does not declare (<c>.Problems(…)</c>) fails here, naming route and problem.
    /// </summary>
    public async Task DisposeAsync()
    {
        await CleanUpAsync();
        if (_undeclared.Found.Count > 0)
            throw new XunitException("Routes answered problems they do not declare:\n" + string.Join("\n", _undeclared.Found));
    }

    /// <summary>Stops the hosts and drops the schema; a fixture with servers of its own removes them too.</summary>
    protected virtual async Task CleanUpAsync()
    {
        foreach (var host in _extraHosts)
            await host.DisposeAsync();
        await Public.DisposeAsync();
        await Internal.DisposeAsync();
        await using var connection = new NpgsqlConnection(_servers.Postgres);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop schema if exists {_schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A generated internal-API client with no token.</summary>
    public InternalApiClient AnonymousInternal() => new(Internal.CreateClient());

    /// <summary>A generated internal-API client signed in with the given credentials.</summary>
    public async Task<InternalApiClient> InternalAs(string email, string password)
    {
        var login = await AnonymousInternal().LogInAsync(new LogIn { Email = email, Password = password });
        var http = Internal.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);
        return new InternalApiClient(http);
    }

    public Task<InternalApiClient> AdminAsync() => InternalAs(AdminEmail, AdminPassword);

    /// <summary>
    /// Changes some platform settings as the admin (<c>PUT /api/internal/settings</c> replaces them
    /// all): the current ones are read, <paramref name="change"/> edits the copy, it is sent back.
    /// </summary>
    public async Task ChangeSettingsAsync(Action<UpdateSettings> change)
    {
        var admin = await AdminAsync();
        var s = await admin.GetSettingsAsync();
        var update = new UpdateSettings
        {
            MaxCustomersPerMitra = s.MaxCustomersPerMitra, PairingTimeoutSeconds = s.PairingTimeoutSeconds,
            HeartbeatIntervalSeconds = s.HeartbeatIntervalSeconds, HeartbeatTimeoutSeconds = s.HeartbeatTimeoutSeconds,
            SessionDurationMinutes = s.SessionDurationMinutes, TrialSessions = s.TrialSessions, Topics = s.Topics,
            TimeZone = s.TimeZone, Anonymity = s.Anonymity,
        };
        change(update);
        await admin.UpdateSettingsAsync(update);
    }

    /// <summary>Creates an operator (or admin) with a fresh email and returns a client signed in as it.</summary>
    public async Task<(InternalApiClient Client, StaffView Staff)> NewStaffAsync(StaffRole role = StaffRole.Operator)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@halobestie.test";
        const string password = "a-long-enough-password";
        var admin = await AdminAsync();
        var staff = await admin.CreateStaffAsync(new CreateStaff { Email = email, Name = "Test " + role, Role = role, Password = password });
        return (await InternalAs(email, password), staff);
    }

    public T Service<T>() where T : notnull => Internal.Services.GetRequiredService<T>();

    /// <summary>A generated public-API client presenting the given Firebase ID token.</summary>
    public PublicApiClient PublicAs(string idToken)
    {
        var http = Public.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idToken);
        return new PublicApiClient(http);
    }

    public PublicApiClient AnonymousPublic() => new(Public.CreateClient());

    /// <summary>A generated public-API client on a given public instance.</summary>
    public static PublicApiClient PublicOn(WebApplicationFactory<Api.Public.Program> host, string idToken)
    {
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idToken);
        return new PublicApiClient(http);
    }

    /// <summary>
    /// An emulator ID token issued now by the hosts' clock (the hosts check <c>iat</c> and
    /// <c>auth_time</c> against it, so a fake clock behind the machine's still accepts it), valid
    /// for an hour by either clock (JwtBearer checks <c>exp</c> against the machine's).
    /// </summary>
    public string EmulatorToken(string uid, string provider = "anonymous", string? phone = null, string? email = null)
    {
        var claims = FirebaseTokens.Claims(uid, provider, phone, email, Clock?.GetUtcNow());
        claims["exp"] = Math.Max((long)claims["exp"], DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        return FirebaseTokens.WithoutSignature(claims);
    }

    /// <summary>A mitra signed in and online.</summary>
    public async Task<(PublicApiClient App, string Token, Guid MitraId)> NewOnlineMitraAsync(InternalApiClient? admin = null)
    {
        var (app, token, mitraId, _) = await NewSignedInMitraAsync(admin);
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        return (app, token, mitraId);
    }

    /// <summary>A client signed in with a Google token (registered), with a display name.</summary>
    public async Task<(PublicApiClient Client, string Token, Guid ClientId)> NewRegisteredClientAsync(string displayName = "Putri Ayu")
    {
        var token = EmulatorToken("client-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com");
        var client = PublicAs(token);
        var session = await client.SignInClientAsync();
        await client.SetDisplayNameAsync(new SetDisplayName { DisplayName = displayName });
        return (client, token, session.Client.Id);
    }

    /// <summary>Registers a mitra through the internal API and signs it in on the mitra app; returns its token and id.</summary>
    public async Task<(PublicApiClient Client, string Token, Guid MitraId, string Phone)> NewSignedInMitraAsync(InternalApiClient? admin = null)
    {
        var phone = $"+62813{Random.Shared.Next(10_000_000, 99_999_999)}";
        admin ??= await AdminAsync();
        var mitra = await admin.RegisterMitraAsync(new RegisterMitra { FullName = "Mitra " + phone, PhoneNumber = phone, Alias = "Kak " + phone[^4..] });
        var token = EmulatorToken("mitra-" + Guid.NewGuid().ToString("N"), "phone", phone: phone);
        var client = PublicAs(token);
        await client.SignInMitraAsync();
        return (client, token, mitra.Id, phone);
    }

    private WebApplicationFactory<T> Configure<T>(WebApplicationFactory<T> factory) where T : class =>
        factory.WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in RateLimitSettings.Concat(HostSettings))
                b.UseSetting(key, value);
            b.ConfigureTestServices(services =>
                {
                    services.AddSingleton(_undeclared);
                    if (Clock is not null && (typeof(T) == typeof(Api.Public.Program) || InternalHostOnClock))
                        services.AddSingleton<TimeProvider>(Clock);
                    // A request runs in its caller's ExecutionContext, so that what a host does for
                    // a test can be told apart from what it does for the classes running alongside
                    // (Observed). Nothing else of the test's context matters to the hosts.
                    services.Configure<TestServerOptions>(o => o.PreserveExecutionContext = true);
                    services.AddSingleton<IStartupFilter, Observed.RequestsInServer>();
                })
                .UseEnvironment("Test")
                .UseSetting("ConnectionStrings:Postgres", _servers.Postgres)
                .UseSetting("ConnectionStrings:Valkey", _servers.Valkey)
                .UseSetting("Marten:Schema", _schema)
                .UseSetting("Valkey:KeyPrefix", KeyPrefix)
                .UseSetting("ControlCenter:TokenSigningKey", SigningKey)
                .UseSetting("Firebase:ProjectId", FirebaseTokens.ProjectId)
                .UseSetting("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
                .UseSetting("ControlCenter:BootstrapAdmin:Email", AdminEmail)
                .UseSetting("ControlCenter:BootstrapAdmin:Password", AdminPassword)
                .UseSetting("Logging:LogLevel:Default", "Warning");
        });

    // The first admin is created in the background right after start-up. Looked for in the store
    // rather than by logging in, which would spend the login rate limit while waiting.
    private async Task WaitForBootstrapAdminAsync()
    {
        var store = Internal.Services.GetRequiredService<IDocumentStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var session = store.QuerySession())
            {
                if (await session.Query<Domain.Staff.StaffAccount>().AnyAsync(s => s.Email == AdminEmail))
                    return;
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException("The bootstrap admin never appeared.");
            await Task.Delay(100);
        }
    }
}
