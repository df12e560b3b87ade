using HaloBestie.FakeFcm;
using System.Net.Http.Headers;
using HaloBestie.Clients.Internal;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>A mitra signed in with a real RS256 token, and its generated API client.</summary>
public sealed record BenchMitra(Guid Id, string Token, Pub.PublicApiClient Api);

/// <summary>A registered client (trial session granted) and its generated API client.</summary>
public sealed record BenchClient(Guid Id, string Token, Pub.PublicApiClient Api);

/// <summary>
/// The real system as production runs it: both hosts as separate <c>dotnet</c> processes in the
/// <c>Production</c> environment (schema from <c>apply-schema</c>, real RS256 token verification
/// against a local key server), over the PostgreSQL and Valkey named by
/// <c>ConnectionStrings__Postgres</c> / <c>ConnectionStrings__Valkey</c>, in a schema and key
/// prefix of their own.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private const string AdminEmail = "bench-admin@halobestie.local";
    private const string AdminPassword = "bench-admin-password-0123456789";

    /// <summary>Connections are shared by every generated client, as one mobile fleet's would not be; the pool is unbounded.</summary>
    public static readonly SocketsHttpHandler Handler = new()
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
    };

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private int _phone;

    private BenchSystem(KeyServer keys, string workDir)
    {
        Keys = keys;
        WorkDir = workDir;
    }

    public KeyServer Keys { get; }

    public string WorkDir { get; }

    public string Postgres { get; } = System.Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? throw new InvalidOperationException("Set ConnectionStrings__Postgres (scripts/bench does).");

    public string Valkey { get; } = System.Environment.GetEnvironmentVariable("ConnectionStrings__Valkey")
        ?? throw new InvalidOperationException("Set ConnectionStrings__Valkey (scripts/bench does).");

    public string Schema => "bench_" + _suffix;

    /// <summary>The hosts' Valkey key prefix in this run (and their channel prefix).</summary>
    public string KeyPrefix => $"bench:{_suffix}:";

    /// <summary>The programs run: published for linux-x64 as in production, or (<c>--no-publish</c>, tiny runs) the build outputs.</summary>
    public string PublicDll { get; private set; } = Repo.PublicHostDll;

    public string InternalDll { get; private set; } = Repo.InternalHostDll;

    public HostProcess? Public { get; private set; }

    public HostProcess? Internal { get; private set; }

    public InternalApiClient Admin { get; private set; } = null!;

    /// <summary>The local fake FCM the hosts push to (push is on in every figure, as in production).</summary>
    public FakeFcmServer Fcm { get; private set; } = null!;

    private string ServiceAccountFile => Path.Combine(WorkDir, "fcm-service-account.json");

    /// <summary>The admin's bearer token, for calls made outside the generated client.</summary>
    public string AdminToken { get; private set; } = null!;

    public static async Task<BenchSystem> PrepareAsync(string workDir, bool publish)
    {
        Directory.CreateDirectory(workDir);
        var system = new BenchSystem(await KeyServer.StartAsync(), workDir);
        system.Fcm = await FakeFcmServer.StartAsync();
        system.Fcm.WriteServiceAccount(system.ServiceAccountFile);
        if (publish)
        {
            system.PublicDll = await PublishAsync("src/Api.Public", "HaloBestie.Api.Public", workDir);
            system.InternalDll = await PublishAsync("src/Api.Internal", "HaloBestie.Api.Internal", workDir);
        }
        await using var schema = HostProcess.Start(system.InternalDll, system.Environment(), Path.Combine(workDir, "apply-schema.log"), "apply-schema");
        if (await schema.WaitForExitAsync(TimeSpan.FromMinutes(2)) != 0)
            throw new InvalidOperationException("apply-schema failed; see " + Path.Combine(workDir, "apply-schema.log"));
        return system;
    }

    /// <summary>
    /// <c>dotnet publish -c Release -r linux-x64</c>: what a deployment runs (self-contained, one
    /// composite ReadyToRun image: the host projects, ADR 0035). About 2.5 minutes per host.
    /// </summary>
    private static async Task<string> PublishAsync(string project, string assembly, string workDir)
    {
        // HALOBESTIE_BENCH_PUBLISHED=<an earlier run's folder>/publish: the same binaries again, for
        // A/B runs of a runtime setting (HALOBESTIE_BENCH_HOST_*) without publishing each time.
        if (System.Environment.GetEnvironmentVariable("HALOBESTIE_BENCH_PUBLISHED") is { Length: > 0 } published)
        {
            var earlier = Path.Combine(published, assembly, assembly + ".dll");
            if (!File.Exists(earlier))
                throw new InvalidOperationException($"HALOBESTIE_BENCH_PUBLISHED: {earlier} does not exist");
            Console.WriteLine($"[bench] {project}: the hosts published earlier in {published}, not published again");
            return earlier;
        }
        var output = Path.Combine(workDir, "publish", assembly);
        Console.WriteLine($"[bench] publishing {project} (Release, linux-x64, self-contained, composite ReadyToRun)");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", Path.Combine(Repo.Root, project), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "quiet" })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish {project} failed:\n{await stdout}{await stderr}");
        return Path.Combine(output, assembly + ".dll");
    }

    private const string HostVariablePrefix = "HALOBESTIE_BENCH_HOST_";

    /// <summary>The production settings of both hosts (docs/operations.md), pointed at this run's schema and key server.</summary>
    public Dictionary<string, string?> Environment(bool withProbe = false)
    {
        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Postgres"] = Postgres,
            ["ConnectionStrings__Valkey"] = Valkey,
            ["Marten__Schema"] = Schema,
            ["Valkey__KeyPrefix"] = KeyPrefix,
            ["Firebase__ProjectId"] = KeyServer.ProjectId,
            ["Firebase__KeysUrl"] = Keys.KeysUrl,
            ["FIREBASE_AUTH_EMULATOR_HOST"] = null,
            ["ControlCenter__TokenSigningKey"] = "bench-signing-key-0123456789abcdef0123456789",
            ["DataRights__AccountHashKey"] = "bench-account-hash-key-0123456789abcdef012345",
            ["ControlCenter__BootstrapAdmin__Email"] = AdminEmail,
            ["ControlCenter__BootstrapAdmin__Password"] = AdminPassword,
            ["Xendit__SecretKey"] = "xnd_development_bench",
            ["Xendit__CallbackToken"] = "bench-callback-token",
            ["Logging__LogLevel__Default"] = "Warning",
            // One line per durable-timer pass that changed something, with its duration (the soak reports them).
            ["Logging__LogLevel__HaloBestie.Infrastructure.Workers.DurableTimersWorker"] = "Information",
            // HALOBESTIE_BENCH_PUSH=off runs the hosts without push (to compare: the pairing figure's second row then queues nothing).
            ["Push__Fcm__ServiceAccountFile"] = System.Environment.GetEnvironmentVariable("HALOBESTIE_BENCH_PUSH") == "off" ? null : ServiceAccountFile,
            ["Push__Fcm__BaseUrl"] = Fcm.Url,
            ["GOOGLE_APPLICATION_CREDENTIALS"] = null,
            // The rate limits (docs/operations.md#rate-limits) would throttle the driver, not measure the
            // hosts: it sends every request from one loopback address, polls the admin login while the
            // bootstrap admin is created, signs in 200 mitras within seconds and sends about 100 pairing
            // requests from one client in a few seconds; the chat figure steps its message rate up until
            // the latency breaks. Raised far out of reach, as in the integration tests.
            ["RateLimits__SignIn__PermitLimit"] = "1000000",
            ["RateLimits__StaffLogin__PermitLimit"] = "1000000",
            ["RateLimits__StaffLoginEmail__PermitLimit"] = "1000000",
            ["RateLimits__PairingRequests__PermitLimit"] = "1000000",
            // The chat figure sends up to a few messages a second per account, for minutes.
            ["RateLimits__Messages__PermitLimit"] = "1000000",
            ["RateLimits__XenditWebhook__PermitLimit"] = "1000000",
            ["DOTNET_STARTUP_HOOKS"] = null,
            ["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"] = null,
        };
        // An experiment's runtime settings for the hosts alone, not the driver:
        // HALOBESTIE_BENCH_HOST_DOTNET_TieredCompilation=0 starts both hosts with DOTNET_TieredCompilation=0.
        foreach (var (name, value) in System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (name.StartsWith(HostVariablePrefix, StringComparison.Ordinal) && name.Length > HostVariablePrefix.Length)
                env[name[HostVariablePrefix.Length..]] = value;
        }
        if (withProbe)
        {
            env["DOTNET_STARTUP_HOOKS"] = Repo.ProbeDll;
            env["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"] = "HaloBestie.Benchmarks.Probe";
        }
        return env;
    }

    /// <summary>Starts both hosts (the public one with the trivial-endpoint probe) and signs the admin in.</summary>
    public async Task StartHostsAsync()
    {
        Internal = HostProcess.Start(InternalDll, Environment(), Path.Combine(WorkDir, "internal.log"));
        Public = HostProcess.Start(PublicDll, Environment(withProbe: true), Path.Combine(WorkDir, "public.log"));
        await Internal.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Public.WaitReadyAsync(TimeSpan.FromSeconds(60));

        // The bootstrap admin is created in the background just after start-up.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var login = await new InternalApiClient(Http(Internal.BaseUrl)).LogInAsync(new LogIn { Email = AdminEmail, Password = AdminPassword });
                AdminToken = login.AccessToken;
                Admin = new InternalApiClient(Http(Internal.BaseUrl, login.AccessToken));
                return;
            }
            catch (ApiException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    public static HttpClient Http(string baseUrl, string? bearer = null)
    {
        var http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http;
    }

    /// <summary>The Valkey server's process id (from INFO), to read its CPU time.</summary>
    public async Task<int> ValkeyPidAsync()
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(Valkey);
        options.AllowAdmin = true; // INFO
        await using var valkey = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var info = await valkey.GetServer(valkey.GetEndPoints()[0]).InfoAsync("server");
        return int.Parse(info.SelectMany(g => g).First(p => p.Key == "process_id").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Pub.PublicApiClient PublicAs(string token) => new(Http(Public!.BaseUrl, token));

    /// <summary>
    /// Takes <paramref name="mitras"/> offline, a few at a time: a figure that pairs would otherwise
    /// offer its requests to every mitra the figures before it left online.
    /// </summary>
    public static Task OfflineAsync(IEnumerable<BenchMitra> mitras) =>
        Parallel.ForEachAsync(mitras, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (m, ct) => await m.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = false }, ct));

    /// <summary>Registers, signs in and puts online <paramref name="count"/> mitras, a few at a time.</summary>
    public async Task<IReadOnlyList<BenchMitra>> OnlineMitrasAsync(int count)
    {
        var mitras = new BenchMitra[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var mitra = await SignedInMitraAsync(ct);
            await mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = true }, ct);
            mitras[i] = mitra;
        });
        return mitras;
    }

    /// <summary>
    /// Puts <paramref name="mitras"/> online again (a figure run after a quiet spell longer than the
    /// heartbeat timeout finds them offline, and their heartbeats refused).
    /// </summary>
    public static Task OnlineAgainAsync(IReadOnlyList<BenchMitra> mitras) =>
        Parallel.ForEachAsync(mitras, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (mitra, ct) =>
            await mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = true }, ct));

    /// <summary>Registers a mitra (through the admin) and signs it in; it is offline.</summary>
    public async Task<BenchMitra> SignedInMitraAsync(CancellationToken ct = default)
    {
        var phone = $"+62812{Interlocked.Increment(ref _phone) + 10_000_000}";
        var registered = await Admin.RegisterMitraAsync(new RegisterMitra { FullName = "Mitra " + phone, PhoneNumber = phone, Alias = "Kak " + phone[^4..] }, ct);
        var token = Keys.Token("mitra-" + Guid.NewGuid().ToString("N"), "phone", phone: phone);
        var api = PublicAs(token);
        await api.SignInMitraAsync(ct);
        return new BenchMitra(registered.Id, token, api);
    }

    /// <summary>A registered client (Google sign-in) with a display name; it holds the trial session.</summary>
    public async Task<BenchClient> NewClientAsync()
    {
        var token = Keys.Token("client-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com");
        var api = PublicAs(token);
        var session = await api.SignInClientAsync();
        await api.SetDisplayNameAsync(new Pub.SetDisplayName { DisplayName = "Bench Client" });
        return new BenchClient(session.Client.Id, token, api);
    }

    public async ValueTask DisposeAsync()
    {
        if (Public is not null) await Public.DisposeAsync();
        if (Internal is not null) await Internal.DisposeAsync();
        await Keys.DisposeAsync();
        await Fcm.DisposeAsync();
    }

    /// <summary>Registers one app installation for the mitra, with a new FCM token; returns the token.</summary>
    public static async Task<string> RegisterDeviceAsync(BenchMitra mitra, CancellationToken ct = default)
    {
        var token = $"bench-{Guid.NewGuid():N}";
        await mitra.Api.RegisterDeviceAsMitraAsync($"inst-{token}", new Pub.RegisterDeviceBody { FcmToken = token, Platform = Pub.RegisterDeviceBodyPlatform.Android }, ct);
        return token;
    }
}
