using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Storage;
using Tributary.Storage.Sql;

namespace Tributary.Cli;

/// <summary><c>tributary keys create --scopes a,b [--name n]</c>: an API key of the dev environment with chosen scopes.</summary>
/// <remarks>
/// Works on the database directly (the same <c>--data-dir</c> / <c>--database</c> as <c>serve</c>), so a key can be
/// made before the server first starts and without an existing key. The secret is printed once: only its hash is stored.
/// </remarks>
internal static partial class KeysCommand
{
    private const string DevEnvironment = "dev";

    public static Command Create()
    {
        var binding = new ServerOptionsBinding();
        var scopes = new Option<string>("--scopes")
        {
            Description = "Comma-separated scopes, e.g. environment:syncs:read,environment:records:read (a scope ending in :* grants its prefix)",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "A label to recognise the key by (default: cli)" };
        var create = new Command("create", "Create an API key of the dev environment with the given scopes, and print it once.");
        binding.AddTo(create);
        create.Options.Add(scopes);
        create.Options.Add(name);
        create.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var granted = ParseScopes(result.GetValue(scopes) ?? string.Empty, out var invalid);
            if (invalid is not null || granted.Count == 0)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"Invalid scope '{invalid}': expected environment:* or environment:<area>[:<action>...], optionally ending in :*, separated by commas.");
                return ExitCodes.BadInput;
            }

            var options = binding.Read(result);
            Directory.CreateDirectory(options.DataDir);
            await using var database = DatabaseFactory.Open(options.DatabaseUrl, options.DataDir);
            await MigrationRunner.MigrateAsync(database, TimeProvider.System, cancellationToken);

            var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddTributaryStorage(database);
            await using var provider = services.BuildServiceProvider();
            var keys = new ApiKeyService(provider.GetRequiredService<IApiKeyStore>());
            var tenant = await keys.EnsureEnvironmentAsync(DevEnvironment, cancellationToken);
            var label = result.GetValue(name) is { Length: > 0 } given ? given : "cli";
            var secret = await keys.CreateAsync(tenant, label, granted, cancellationToken);

            // The secret alone on stdout, so scripts can capture it; the rest on stderr.
            await result.InvocationConfiguration.Error.WriteLineAsync($"Created API key '{label}' in environment {DevEnvironment} with scopes: {string.Join(", ", granted)}.");
            await result.InvocationConfiguration.Error.WriteLineAsync("It is shown only now: Tributary keeps its hash, not the key.");
            await result.InvocationConfiguration.Output.WriteLineAsync(secret);
            return ExitCodes.Ok;
        }));

        var keys = new Command("keys", "Manage API keys.");
        keys.Subcommands.Add(create);
        return keys;
    }

    /// <returns>The distinct scopes in order; <paramref name="invalid"/> names the first malformed one.</returns>
    internal static IReadOnlyList<string> ParseScopes(string text, out string? invalid)
    {
        invalid = null;
        var scopes = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ScopePattern().IsMatch(part))
            {
                invalid = part;
                return [];
            }

            if (!scopes.Contains(part, StringComparer.Ordinal))
            {
                scopes.Add(part);
            }
        }

        return scopes;
    }

    [GeneratedRegex(@"^environment(?::[a-z_]+)*:(?:[a-z_]+|\*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();
}
