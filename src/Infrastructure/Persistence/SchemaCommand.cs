using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.Infrastructure.Persistence;

/// <summary>
/// <c>dotnet HaloBestie.Api.Internal.dll apply-schema</c>: creates or updates every table,
/// index and function Marten needs, then exits. Safe to run again (it only applies what is
/// missing) and from several instances at once (they take turns, see
/// <see cref="SchemaApplier"/>). Production hosts never change the schema on their own.
/// </summary>
public static class SchemaCommand
{
    public const string Verb = "apply-schema";

    public static async Task<bool> RunIfAskedAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != Verb)
            return false;

        await SchemaApplier.ApplyAsync(app.Services.GetRequiredService<IDocumentStore>(), app.Services.GetRequiredService<NpgsqlDataSource>(), CancellationToken.None);
        await Console.Out.WriteLineAsync("Schema applied.");
        return true;
    }
}
