using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Storage;
using Tributary.Storage.Sql;

namespace Tributary.Cli;

/// <summary>
/// <c>tributary keys create --scopes a,b [--name n] [--environment e]</c>: an API key with chosen scopes;
/// <c>keys list</c>: every key (never a secret); <c>keys revoke ID</c>: a key stops working on every process within
/// about a second; <c>keys rotate-encryption</c>: see <see cref="RotateEncryptionCommand"/>.
/// </summary>
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
        var environment = new Option<string?>("--environment") { Description = "The environment the key belongs to, created if new (default: dev)" };
        var createJson = Remote.RemoteOptions.JsonFlag();
        var create = new Command("create", "Create an API key of the dev environment with the given scopes, and print it once.");
        binding.AddTo(create);
        create.Options.Add(scopes);
        create.Options.Add(name);
        create.Options.Add(environment);
        create.Options.Add(createJson);
        create.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var granted = ParseScopes(result.GetValue(scopes) ?? string.Empty, out var invalid);
            if (invalid is not null || granted.Count == 0)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"Invalid scope '{invalid}': expected environment:* or environment:<area>[:<action>...], optionally ending in :*, separated by commas.");
                return ExitCodes.BadInput;
            }

            var environmentName = result.GetValue(environment) is { Length: > 0 } env ? env.Trim() : DevEnvironment;
            if (!EnvironmentPattern().IsMatch(environmentName))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"Invalid environment '{environmentName}': use 1 to 64 lower-case letters, digits, '-' or '_'.");
                return ExitCodes.BadInput;
            }

            await using var store = await OpenAsync(binding, result, cancellationToken);
            var keys = store.Keys;
            var tenant = await keys.EnsureEnvironmentAsync(environmentName, cancellationToken);
            var label = result.GetValue(name) is { Length: > 0 } given ? given : "cli";
            var secret = await keys.CreateAsync(tenant, label, granted, cancellationToken);

            if (result.GetValue(createJson))
            {
                var body = new JsonObject { ["name"] = label, ["environment"] = environmentName, ["scopes"] = new JsonArray([.. granted.Select(g => JsonValue.Create(g))]), ["key"] = secret };
                await result.InvocationConfiguration.Output.WriteLineAsync(JsonOutput.Write(body));
                return ExitCodes.Ok;
            }

            // The secret alone on stdout, so scripts can capture it; the rest on stderr.
            await result.InvocationConfiguration.Error.WriteLineAsync($"Created API key '{label}' in environment {environmentName} with scopes: {string.Join(", ", granted)}.");
            await result.InvocationConfiguration.Error.WriteLineAsync("It is shown only now: Tributary keeps its hash, not the key.");
            await result.InvocationConfiguration.Output.WriteLineAsync(secret);
            return ExitCodes.Ok;
        }));

        var keys = new Command("keys", "Manage API keys and the credentials encryption key.");
        keys.Subcommands.Add(create);
        keys.Subcommands.Add(List());
        keys.Subcommands.Add(Revoke());
        keys.Subcommands.Add(RotateEncryptionCommand.Create());
        return keys;
    }

    /// <summary>The database of <c>--data-dir</c> / <c>--database</c>, migrated, with the key service over it.</summary>
    internal static async Task<KeyStoreSession> OpenAsync(ServerOptionsBinding binding, ParseResult result, CancellationToken cancellationToken)
    {
        var options = binding.Read(result);
        Tributary.Server.Hosting.DataFolder.CreatePrivateDirectory(options.DataDir);
        var database = DatabaseFactory.Open(options.DatabaseUrl, options.DataDir);
        try
        {
            await MigrationRunner.MigrateAsync(database, TimeProvider.System, cancellationToken);
            var provider = new ServiceCollection().AddSingleton(TimeProvider.System).AddTributaryStorage(database).BuildServiceProvider();
            return new KeyStoreSession(database, provider);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    private static Command List()
    {
        var binding = new ServerOptionsBinding();
        var listJson = Remote.RemoteOptions.JsonFlag();
        var list = new Command("list", "List every API key: id, environment, name, scopes, whether configured, created and revoked times (never a secret).");
        binding.AddTo(list);
        list.Options.Add(listJson);
        list.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            await using var store = await OpenAsync(binding, result, cancellationToken);
            var all = await store.Keys.ListAsync(cancellationToken);

            if (result.GetValue(listJson))
            {
                var rows = new JsonArray([.. all.Select(key => (JsonNode)new JsonObject
                {
                    ["id"] = key.Id,
                    ["environment"] = key.EnvironmentName,
                    ["name"] = key.Name,
                    ["scopes"] = new JsonArray([.. key.Scopes.Select(scope => JsonValue.Create(scope))]),
                    ["kind"] = key.Configured ? "configured" : "created",
                    ["created_at"] = Iso(key.CreatedAt),
                    ["revoked_at"] = key.RevokedAt is { } at ? Iso(at) : null,
                })]);
                await result.InvocationConfiguration.Output.WriteLineAsync(JsonOutput.Write(rows));
                return ExitCodes.Ok;
            }

            var table = Terminal.Table("id", "environment", "name", "scopes", "kind", "created", "revoked");
            foreach (var key in all)
            {
                table.Row(
                    key.Id.ToString(CultureInfo.InvariantCulture),
                    key.EnvironmentName,
                    key.Name,
                    string.Join(',', key.Scopes),
                    key.Configured ? "configured" : "created",
                    Iso(key.CreatedAt),
                    key.RevokedAt is { } revoked ? Iso(revoked) : "-");
            }

            Terminal.For(result.InvocationConfiguration).Write(table);
            await result.InvocationConfiguration.Error.WriteLineAsync($"{all.Count} key(s), {all.Count(k => k.RevokedAt is null)} live.");
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Revoke()
    {
        var binding = new ServerOptionsBinding();
        var id = new Argument<long>("id") { Description = "The key's id, as `tributary keys list` shows it" };
        var revoke = new Command("revoke", "Revoke an API key: every server refuses it within about a second. A revoked key stays revoked across restarts.");
        binding.AddTo(revoke);
        revoke.Arguments.Add(id);
        var revokeJson = Remote.RemoteOptions.JsonFlag();
        revoke.Options.Add(revokeJson);
        revoke.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var keyId = result.GetValue(id);
            await using var store = await OpenAsync(binding, result, cancellationToken);
            var outcome = await store.Keys.RevokeAsync(keyId, cancellationToken);
            var error = result.InvocationConfiguration.Error;
            if (result.GetValue(revokeJson))
            {
                var name = outcome switch { RevokeResult.Revoked => "revoked", RevokeResult.AlreadyRevoked => "already_revoked", _ => "unknown_key" };
                await result.InvocationConfiguration.Output.WriteLineAsync(JsonOutput.Write(new JsonObject { ["id"] = keyId, ["outcome"] = name }));
            }

            switch (outcome)
            {
                case RevokeResult.Revoked:
                    await error.WriteLineAsync($"Revoked API key {keyId}.");
                    return ExitCodes.Ok;
                case RevokeResult.AlreadyRevoked:
                    await error.WriteLineAsync($"API key {keyId} was already revoked.");
                    return ExitCodes.Ok;
                default:
                    await error.WriteLineAsync($"No API key with id {keyId}: see `tributary keys list`.");
                    return ExitCodes.BadInput;
            }
        }));
        return revoke;
    }

    private static string Iso(long micros) =>
        DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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

    [GeneratedRegex(@"^[a-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentPattern();
}
