using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Valkey;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Faults;

/// <summary>
/// Valkey over TLS with a certificate signed by a CA of its own, as Memorystore's in-transit
/// encryption does (issue 21 item 7): a real redis-server with <c>--tls-port</c>, its certificate
/// made here by a CA made here; <c>Valkey:CaCertificatePath</c> names that CA.
/// </summary>
public sealed class ValkeyTlsTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("halobestie-tls-").FullName;
    private Process? _server;

    private string CaPath => Path.Combine(_dir, "ca.crt");

    private async Task<string> StartTlsValkeyAsync()
    {
        var now = DateTimeOffset.UtcNow; // one moment: the server's validity must lie within the CA's
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=halobestie-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-4), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        await File.WriteAllTextAsync(CaPath, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.crt"), server.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());

        var port = await TestServers.Services("free-port");
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var arg in new[] { "--port", "0", "--tls-port", port, "--tls-cert-file", "server.crt", "--tls-key-file", "server.key",
                     "--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--bind", "127.0.0.1" })
            start.ArgumentList.Add(arg);
        _server = Process.Start(start)!;
        _server.StandardOutput.ReadToEndAsync().ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter();
        return $"127.0.0.1:{port}";
    }

    private static async Task<HttpStatusCode> ReadinessAsync(WebApplicationFactory<Api.Public.Program> host, HttpStatusCode wanted)
    {
        using var http = host.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            using var response = await http.GetAsync("/health/ready");
            status = response.StatusCode;
            if (status == wanted)
                break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    [Fact]
    public async Task Valkey_over_TLS_is_reached_when_its_CA_is_configured_and_refused_when_it_is_not()
    {
        var address = await StartTlsValkeyAsync();
        await using var trusting = hosts.Public.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Valkey", address);
            b.UseSetting(ValkeySetup.CaCertificatePathKey, CaPath);
        });
        await using var untrusting = hosts.Public.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Valkey", address + ",ssl=true"));

        (await ReadinessAsync(trusting, HttpStatusCode.OK)).Should().Be(HttpStatusCode.OK, "TLS on, the server's certificate checked against the configured CA");
        (await ReadinessAsync(untrusting, HttpStatusCode.ServiceUnavailable)).Should().Be(HttpStatusCode.ServiceUnavailable,
            "without the CA the server's certificate is not trusted and Valkey counts as down");
    }

    [Fact]
    public void Start_when_the_CA_file_is_missing_or_not_a_certificate_is_refused()
    {
        File.WriteAllText(Path.Combine(_dir, "not-a-cert.pem"), "-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n");
        foreach (var path in new[] { Path.Combine(_dir, "missing.crt"), Path.Combine(_dir, "not-a-cert.pem") })
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection([
                KeyValuePair.Create<string, string?>("ConnectionStrings:Valkey", "127.0.0.1:1"),
                KeyValuePair.Create<string, string?>(ValkeySetup.CaCertificatePathKey, path)]).Build();

            var register = () => new ServiceCollection().AddHaloBestieValkey(configuration);

            register.Should().Throw<StartupRefusedException>().WithMessage("*Valkey__CaCertificatePath*");
        }
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
            _server.Kill();
        _server?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
