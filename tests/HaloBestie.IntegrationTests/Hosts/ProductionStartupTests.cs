using System.Diagnostics;
using HaloBestie.Application.Payments;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.IntegrationTests.Infrastructure;
using JasperFx;
using Marten;
using Npgsql;

namespace HaloBestie.IntegrationTests.Hosts;

/// <summary>
/// In Production the hosts refuse the development shortcuts, each with one line saying what to
/// set and exit code 78. Run as the real built programs.
/// </summary>
public class ProductionStartupTests
{
    private const string GoodKey = "production-like-signing-key-0123456789-abcdef";

    private static async Task<(int ExitCode, string Errors)> StartAsync(Type program, Dictionary<string, string?> settings)
    {
        var servers = await TestServers.Instance;
        var dll = program.Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment.Remove("FIREBASE_AUTH_EMULATOR_HOST");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Postgres"] = servers.Postgres;
        start.Environment["ConnectionStrings__Valkey"] = servers.Valkey;
        start.Environment["Firebase__ProjectId"] = "halobestie-prod-test";
        foreach (var (key, value) in settings)
        {
            if (value is null)
                start.Environment.Remove(key);
            else
                start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "still running after 30 s: " + await output);
        }
        return (process.ExitCode, await errors);
    }

    [Fact]
    public async Task Start_when_the_public_host_has_the_emulator_variable_is_refused()
    {
        var (code, errors) = await StartAsync(typeof(Api.Public.Program), new() { ["FIREBASE_AUTH_EMULATOR_HOST"] = "127.0.0.1:9099" });

        code.Should().Be(78);
        errors.Should().StartWith("Refusing to start: FIREBASE_AUTH_EMULATOR_HOST");
    }

    [Theory]
    [InlineData(null, "ControlCenter:TokenSigningKey")]
    [InlineData("too-short", "ControlCenter:TokenSigningKey")]
    public async Task Start_when_the_internal_host_lacks_a_long_signing_key_is_refused(string? key, string named)
    {
        var (code, errors) = await StartAsync(typeof(Api.Internal.Program), new() { ["ControlCenter__TokenSigningKey"] = key });

        code.Should().Be(78);
        errors.Should().Contain(named).And.Contain("ControlCenter__TokenSigningKey");
    }

    [Fact]
    public async Task Start_when_the_internal_host_has_the_development_admin_password_is_refused()
    {
        var (code, errors) = await StartAsync(typeof(Api.Internal.Program), new()
        {
            ["ControlCenter__TokenSigningKey"] = GoodKey,
            ["ControlCenter__BootstrapAdmin__Email"] = "admin@example.com",
            ["ControlCenter__BootstrapAdmin__Password"] = "halobestie-dev-admin",
        });

        code.Should().Be(78);
        errors.Should().Contain("ControlCenter__BootstrapAdmin__Password");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public async Task Start_when_the_public_host_has_no_account_hash_key_is_refused(string? key)
    {
        var (code, errors) = await StartAsync(typeof(Api.Public.Program), new() { ["DataRights__AccountHashKey"] = key });

        code.Should().Be(78);
        errors.Should().StartWith("Refusing to start: DataRights:AccountHashKey").And.Contain("DataRights__AccountHashKey");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("all")]
    public async Task Start_when_the_trace_sample_ratio_is_outside_0_to_1_is_refused(string ratio)
    {
        var (code, errors) = await StartAsync(typeof(Api.Public.Program), new() { ["Telemetry__TraceSampleRatio"] = ratio });

        code.Should().Be(78);
        errors.Should().StartWith("Refusing to start: Telemetry:TraceSampleRatio").And.Contain("Telemetry__TraceSampleRatio");
    }

    [Fact]
    public async Task Start_when_packages_are_for_sale_without_xendit_secrets_is_refused()
    {
        var servers = await TestServers.Instance;
        var schema = "p_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using (var store = DocumentStore.For(o =>
            {
                o.Connection(servers.Postgres);
                MartenSetup.Configure(o, schema, AutoCreate.CreateOrUpdate);
            }))
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await using var session = store.LightweightSession();
                session.Store(new SessionPackage(Guid.CreateVersion7(), "Paket", 1, 50_000, true, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            var (code, errors) = await StartAsync(typeof(Api.Internal.Program), new()
            {
                ["Marten__Schema"] = schema,
                ["ControlCenter__TokenSigningKey"] = GoodKey,
                ["Xendit__SecretKey"] = null,
                ["Xendit__CallbackToken"] = null,
            });

            code.Should().Be(78);
            errors.Should().Contain("Xendit__SecretKey");
        }
        finally
        {
            await using var connection = new NpgsqlConnection(servers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
