using HaloBestie.FakeFcm;

// `dotnet run --project tests/HaloBestie.FakeFcm -- <url> <service-account-path>`: serves until
// stopped, having written a service-account JSON the hosts can be pointed at (scripts/run does
// this when HALOBESTIE_FAKE_FCM=1). GET /received lists what it was sent.
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:9199";
var path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "halobestie-fake-fcm.json");
await using var fake = await FakeFcmServer.StartAsync(url, standalone: true);
fake.WriteServiceAccount(path);
Console.WriteLine($"Fake FCM listening on {fake.Url}; service account written to {path}");
await fake.WaitForShutdownAsync(); // Ctrl-C or SIGTERM
