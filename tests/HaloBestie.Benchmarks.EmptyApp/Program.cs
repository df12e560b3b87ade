// The start-up baseline: what `dotnet` costs to bring an ASP.NET Core app to its first answer.
var app = WebApplication.Create(args);
app.MapGet("/health/ready", () => "ok");
app.Run();
