using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HaloBestie.IntegrationTests.ControlCenter;

/// <summary>
/// The console in a real browser: Debian's chromium (<c>/usr/bin/chromium</c>, or
/// <c>HALOBESTIE_CHROMIUM</c>) driven by Playwright's .NET driver, against an internal host
/// listening on a real port over this fixture's PostgreSQL schema and Valkey prefix, with the
/// console that scripts/build-console built and the build copied beside the host (console/).
/// One browser for every test of the class; each test has its own context (its own storage).
/// Screenshots of every screen go to <c>TestResults/console/</c> at the repository root, or to
/// <c>HALOBESTIE_CONSOLE_SCREENSHOTS</c>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public HostsFixture Hosts { get; } = new();

    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Screenshots { get; } = Environment.GetEnvironmentVariable("HALOBESTIE_CONSOLE_SCREENSHOTS") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepositoryRoot(), "TestResults", "console");

    private IPlaywright _playwright = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("HALOBESTIE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        await Hosts.InitializeAsync();
        (_, Address) = Hosts.ListeningInternalHost();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} not found: install Debian's chromium (apt-get install chromium; .ci/run does) or set HALOBESTIE_CHROMIUM.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        await Hosts.DisposeAsync();
    }

    /// <summary>A fresh browser context (no token, Bahasa Indonesia) at 1280 × 800, and its page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "id-ID",
        });
        context.SetDefaultTimeout(10_000);
        return await context.NewPageAsync();
    }

    /// <summary>Logs in on the login screen the page shows (or opens it).</summary>
    public static async Task LogInAsync(IPage page, string email, string password)
    {
        if (!page.Url.Contains("/login", StringComparison.Ordinal))
            await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Kata sandi").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Masuk" }).ClickAsync();
    }

    public Task<IPage> AdminPageAsync() => SignedInPageAsync(HostsFixture.AdminEmail, HostsFixture.AdminPassword);

    public async Task<IPage> SignedInPageAsync(string email, string password)
    {
        var page = await NewPageAsync();
        await LogInAsync(page, email, password);
        await Assertions.Expect(page.GetByTestId("who")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>
    /// The screen as it is now: an axe scan with no serious or critical violation, no horizontal
    /// scrolling at 1280 px, and a screenshot named <paramref name="name"/>.
    /// </summary>
    public async Task CheckScreenAsync(IPage page, string name, ITestOutputHelper? output = null)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var v in results.Violations)
            output?.WriteLine($"axe {name}: {v.Impact} {v.Id} ({v.Nodes.Length} nodes)");
        bad.Should().BeEmpty($"the {name} screen must have no serious or critical accessibility violation: " +
            string.Join("; ", bad.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html).Take(3))}")));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().BeLessThanOrEqualTo(0, $"the {name} screen must not scroll horizontally at 1280 px");
    }

    public static string PathOf(IPage page) => new Uri(page.Url).PathAndQuery;

    public static Regex Ends(string path) => new(Regex.Escape(path) + "$");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaloBestie.sln")))
                return dir.FullName;
        }
        return Path.GetTempPath();
    }
}
