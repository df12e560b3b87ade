using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Push;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HaloBestie.IntegrationTests.Push;

/// <summary>
/// Push configuration (API.md, docs/push.md): off without a service account, said once at start;
/// a named file that cannot be used refuses the start; the key is never quoted.
/// </summary>
public sealed class PushConfigurationTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    [Fact]
    public void Options_without_a_service_account_are_push_off()
    {
        var options = FcmOptions.From(Configuration());

        options.IsConfigured.Should().BeFalse();
        options.BaseUrl.Should().Be(new Uri("https://fcm.googleapis.com"));
    }

    [Fact]
    public void Options_when_the_named_file_is_missing_or_a_folder_refuse_the_start_naming_the_key()
    {
        var missing = () => FcmOptions.From(Configuration((FcmOptions.ServiceAccountFileKey, "/nonexistent/halobestie-fcm.json")));
        var folder = () => FcmOptions.From(Configuration((FcmOptions.ServiceAccountFileKey, Path.GetTempPath())));

        missing.Should().Throw<StartupRefusedException>().WithMessage("*Push__Fcm__ServiceAccountFile*");
        folder.Should().Throw<StartupRefusedException>().WithMessage("*cannot be read*");
    }

    [Fact]
    public void Options_when_the_file_is_not_a_service_account_refuse_the_start_without_quoting_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"halobestie-bad-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{"type": "authorized_user", "private_key": "-----BEGIN PRIVATE KEY-----secret-material"}""");
            var read = () => FcmOptions.From(Configuration((FcmOptions.ServiceAccountFileKey, path)));

            read.Should().Throw<StartupRefusedException>().WithMessage("*not a Google service-account JSON*")
                .Which.Message.Should().NotContain("secret-material");
            File.WriteAllText(path, "{ not json secret-material");
            read.Should().Throw<StartupRefusedException>().Which.Message.Should().NotContain("secret-material");
            File.WriteAllText(path, """{"type": "service_account", "project_id": "p", "client_email": "a@p.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nsecret-material\n-----END PRIVATE KEY-----\n"}""");
            read.Should().Throw<StartupRefusedException>().WithMessage("*private_key that cannot be read*")
                .Which.Message.Should().NotContain("secret-material");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Options_read_GOOGLE_APPLICATION_CREDENTIALS_when_the_key_is_absent()
    {
        await using var fake = await FakeFcm.FakeFcmServer.StartAsync();
        var path = fake.WriteServiceAccount(Path.Combine(Path.GetTempPath(), $"halobestie-fcm-{Guid.NewGuid():N}.json"));
        try
        {
            var options = FcmOptions.From(Configuration((FcmOptions.GoogleCredentialsVariable, path), (FcmOptions.BaseUrlKey, fake.Url)));

            options.IsConfigured.Should().BeTrue();
            options.ProjectId.Should().Be(FakeFcm.FakeFcmServer.ProjectId);
            options.BaseUrl.Should().Be(new Uri(fake.Url));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_with_a_base_url_that_is_not_http_refuse_the_start()
    {
        var read = () => FcmOptions.From(Configuration((FcmOptions.BaseUrlKey, "fcm.googleapis.com")));

        read.Should().Throw<StartupRefusedException>().WithMessage("*Push__Fcm__BaseUrl*");
    }

    [Fact]
    public void Start_with_a_missing_service_account_file_is_refused_by_the_hosts_registration()
    {
        var register = () => new ServiceCollection().AddHaloBestiePush(Configuration((FcmOptions.ServiceAccountFileKey, "/nonexistent/halobestie-fcm.json")));

        register.Should().Throw<StartupRefusedException>().WithMessage("*Push__Fcm__ServiceAccountFile*");
    }

    [Fact]
    public async Task Host_without_a_service_account_says_once_at_start_that_push_is_off()
    {
        var logs = new CapturedLogs();
        await using var host = hosts.Public.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));

        _ = host.Server;

        logs.Entries.Where(e => e.Contains("Push is off", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("Push__Fcm__ServiceAccountFile");
    }
}
