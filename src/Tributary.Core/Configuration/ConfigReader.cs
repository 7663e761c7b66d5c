using Tributary.Core.Scheduling;

namespace Tributary.Core.Configuration;

/// <summary>
/// Turns the YAML tree of <c>tributary.yaml</c> into a <see cref="TributaryConfig"/>. It reads past
/// every problem it reports, so one pass finds them all; the result is only meaningful when the sink
/// stayed empty.
/// </summary>
internal sealed class ConfigReader(ConfigErrorSink errors)
{
    private static readonly string[] RootKeys = ["functions", "integrations", "providers", "webhooks"];
    private static readonly string[] IntegrationKeys =
        ["provider", "display_name", "base_url", "client_id", "client_secret_env", "client_secret_file", "scopes", "syncs"];
    private static readonly string[] SyncKeys = ["function", "models", "frequency", "auto_start", "sync_type", "track_deletes", "rest"];

    private static readonly string[] OAuthClientKeys = ["client_secret_env", "client_secret_file", "scopes"];

    private static readonly TributaryConfig Empty = new([]);

    public TributaryConfig Read(IReadOnlyList<YamlTreeNode> documents)
    {
        if (documents.Count > 1)
        {
            errors.Add(documents[1].Line, "", "the file must hold a single YAML document");
        }

        if (documents.Count == 0 || documents[0] is YamlTreeScalar { IsNull: true })
        {
            return Empty;
        }

        if (documents[0] is not YamlTreeMapping root)
        {
            errors.Add(documents[0].Line, "", "expected a mapping with an 'integrations' key");
            return Empty;
        }

        var fields = MappingFields.Read(root, "", root.Line, RootKeys, errors);
        var functions = fields.Find("functions") is { } functionsEntry ? ReadFunctionAssemblies(functionsEntry) : [];
        var providers = fields.Find("providers") is { } providerEntry ? new ProviderReader(errors).ReadAll(providerEntry) : [];
        var integrations = fields.Find("integrations") is { } integrationEntry ? ReadIntegrations(integrationEntry) : [];
        var webhooks = fields.Find("webhooks") is { } webhooksEntry ? WebhookConfigReader.Read(webhooksEntry, errors) : null;
        return new TributaryConfig(integrations) { Providers = providers, FunctionAssemblies = functions, Webhooks = webhooks };
    }

    /// <summary>
    /// <c>functions:</c> lists the function assemblies the stock binary loads, as paths relative to the file; the loader
    /// resolves them, because only it knows where the file is.
    /// </summary>
    private List<FunctionAssemblyReference> ReadFunctionAssemblies(ConfigEntry entry)
    {
        var assemblies = new List<FunctionAssemblyReference>();
        if (entry.IsEmpty)
        {
            return assemblies;
        }

        if (entry.Value is not YamlTreeSequence sequence)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a list of assembly paths, such as [bin/My.Syncs.dll]");
            return assemblies;
        }

        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var item = sequence.Items[index];
            var path = ConfigPath.Index(entry.Path, index);
            if (item is not YamlTreeScalar { IsNull: false } scalar || string.IsNullOrWhiteSpace(scalar.Value))
            {
                errors.Add(item.Line, path, "expected the path of a .dll");
            }
            else if (!scalar.Value.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(item.Line, path, $"'{scalar.Value}' is not a .dll path");
            }
            else
            {
                assemblies.Add(new FunctionAssemblyReference(scalar.Value, scalar.Value, item.Line, path));
            }
        }

        return assemblies;
    }

    private List<IntegrationConfig> ReadIntegrations(ConfigEntry entry) => ReadEach(entry, ReadIntegration);

    /// <summary>Reads every entry of a mapping with <paramref name="read"/>, keeping those that are valid.</summary>
    private List<T> ReadEach<T>(ConfigEntry entry, Func<ConfigEntry, T?> read)
        where T : class =>
        MappingEntries.ReadEach(entry.AsMapping(errors), entry.Path, errors, read);

    private IntegrationConfig? ReadIntegration(ConfigEntry entry)
    {
        if (ConfigNames.CheckIntegrationKey(entry.Key) is { } problem)
        {
            errors.Add(entry.KeyLine, entry.Path, problem);
        }

        if (entry.AsMapping(errors) is not { } mapping)
        {
            return null;
        }

        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, IntegrationKeys, errors);
        var provider = fields.RequiredString("provider");
        var displayName = fields.OptionalString("display_name");
        var baseUrl = ReadBaseUrl(fields);
        var oauthClient = ReadOAuthClient(fields);
        var syncs = fields.Find("syncs") is { } syncsEntry ? ReadEach(syncsEntry, e => ReadSync(e, entry.Key)) : [];
        return provider is null ? null : new IntegrationConfig(entry.Key, provider, displayName, baseUrl, syncs) { OAuthClient = oauthClient };
    }

    /// <summary>
    /// <c>client_id</c> with at most one of <c>client_secret_env</c> / <c>client_secret_file</c> and optional
    /// <c>scopes</c>. The secret itself is never written in the file: it would end up in version control.
    /// </summary>
    private OAuthClientConfig? ReadOAuthClient(MappingFields fields)
    {
        var clientId = fields.OptionalString("client_id");
        var env = fields.OptionalString("client_secret_env");
        var file = fields.OptionalString("client_secret_file");
        var scopes = ReadScopes(fields);
        if (env is not null && file is not null)
        {
            errors.Add(fields.LineOf("client_secret_file"), fields.PathOf("client_secret_file"), "give client_secret_env or client_secret_file, not both");
            return null;
        }

        if (clientId is null)
        {
            foreach (var key in OAuthClientKeys.Where(k => fields.Find(k) is not null))
            {
                errors.Add(fields.LineOf(key), fields.PathOf(key), "needs client_id");
            }

            return null;
        }

        var secret = env is not null
            ? new SecretReference(env, null, fields.LineOf("client_secret_env"), fields.PathOf("client_secret_env"))
            : file is not null ? new SecretReference(null, file, fields.LineOf("client_secret_file"), fields.PathOf("client_secret_file")) : null;
        return new OAuthClientConfig(clientId, secret, scopes);
    }

    private List<string> ReadScopes(MappingFields fields)
    {
        var scopes = new List<string>();
        if (fields.Find("scopes") is not { } entry)
        {
            return scopes;
        }

        if (entry.Value is not YamlTreeSequence sequence)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a list of scopes, such as [read, write]");
            return scopes;
        }

        for (var index = 0; index < sequence.Items.Count; index++)
        {
            if (sequence.Items[index] is YamlTreeScalar { IsNull: false, Value.Length: > 0 } scope && !scope.Value.Contains(',', StringComparison.Ordinal))
            {
                scopes.Add(scope.Value);
            }
            else
            {
                errors.Add(sequence.Items[index].Line, ConfigPath.Index(entry.Path, index), "expected a scope (a string without commas)");
            }
        }

        return scopes;
    }

    private string? ReadBaseUrl(MappingFields fields)
    {
        const string Key = "base_url";
        var text = fields.OptionalString(Key);
        if (text is null)
        {
            return null;
        }

        // UriKind.Absolute alone would accept "/api" as a file URI on Unix.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(fields.LineOf(Key), fields.PathOf(Key), $"'{text}' is not an absolute http or https URL");
            return null;
        }

        return text;
    }

    private SyncConfigDefinition? ReadSync(ConfigEntry entry, string integrationKey)
    {
        if (ConfigNames.CheckSyncName(entry.Key) is { } problem)
        {
            errors.Add(entry.KeyLine, entry.Path, problem);
        }

        if (entry.AsMapping(errors) is not { } mapping)
        {
            return null;
        }

        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, SyncKeys, errors);
        // Read first, so that a sync missing everything reports function, models, frequency in that order.
        var function = fields.Find("rest") is null ? fields.RequiredString("function") : null;
        var models = ReadModels(fields);
        var (frequency, interval) = ReadFrequency(fields);
        var autoStart = fields.Boolean("auto_start", defaultValue: true);
        var syncType = ReadSyncType(fields);
        RestSyncDefinition? rest = null;
        if (fields.Find("rest") is { } restEntry)
        {
            (function, rest) = ReadRest(fields, restEntry, models, syncType, integrationKey, entry.Key);
        }

        var trackDeletes = fields.Boolean("track_deletes", defaultValue: false);

        // Nango's deploy validation refuses this combination; an incremental run never sees every
        // record, so deleting the ones it did not see would delete live data.
        if (trackDeletes == true && syncType == SyncType.Incremental)
        {
            errors.Add(
                fields.LineOf("track_deletes"),
                fields.PathOf("track_deletes"),
                "Track deletes is not supported for incremental syncs (set sync_type: full, or remove track_deletes)");
        }

        if (function is null || (rest is null && fields.Find("rest") is not null) || models is null || frequency is null || autoStart is null || syncType is null || trackDeletes is null)
        {
            return null;
        }

        return new SyncConfigDefinition(entry.Key, function, models, frequency, interval, autoStart.Value, syncType.Value, trackDeletes.Value)
        {
            FunctionLine = fields.LineOf(rest is null ? "function" : "rest"),
            FunctionPath = fields.PathOf(rest is null ? "function" : "rest"),
            Rest = rest,
        };
    }

    /// <summary>
    /// A sync runs a function or a <c>rest:</c> block, never both. A <c>rest:</c> sync gets the function name
    /// <c>rest:integration/sync</c>, which <see cref="Declarative.DeclarativeFunctions"/> registers.
    /// </summary>
    private (string? Function, RestSyncDefinition? Block) ReadRest(
        MappingFields fields, ConfigEntry restEntry, List<string>? models, SyncType? syncType, string integrationKey, string syncName)
    {
        if (fields.Find("function") is not null)
        {
            errors.Add(fields.LineOf("function"), fields.PathOf("function"), "give function or rest, not both (rest: runs without a function)");
            return (null, null);
        }

        var rest = new RestBlockReader(errors).Read(restEntry, models, syncType);
        return (Declarative.DeclarativeFunctions.NameOf(integrationKey, syncName), rest);
    }

    private List<string>? ReadModels(MappingFields fields)
    {
        if (fields.Require("models") is not { } entry)
        {
            return null;
        }

        if (entry.Value is not YamlTreeSequence sequence)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a list of model names, such as [Contact, Company]");
            return null;
        }

        if (sequence.Items.Count == 0)
        {
            errors.Add(sequence.Line, entry.Path, "must list at least one model");
            return null;
        }

        var models = new List<string>();
        var valid = true;
        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var problem = DescribeModelProblem(sequence.Items[index], models);
            if (problem is null)
            {
                models.Add(((YamlTreeScalar)sequence.Items[index]).Value);
            }
            else
            {
                errors.Add(sequence.Items[index].Line, ConfigPath.Index(entry.Path, index), problem);
                valid = false;
            }
        }

        return valid ? models : null;
    }

    private static string? DescribeModelProblem(YamlTreeNode item, List<string> earlierModels)
    {
        if (item is not YamlTreeScalar { IsNull: false } scalar)
        {
            return "expected a model name";
        }

        if (ConfigNames.CheckModel(scalar.Value) is { } problem)
        {
            return problem;
        }

        return earlierModels.Contains(scalar.Value, StringComparer.Ordinal) ? $"'{scalar.Value}' is listed more than once" : null;
    }

    private (string? Frequency, TimeSpan Interval) ReadFrequency(MappingFields fields)
    {
        const string Key = "frequency";
        var text = fields.RequiredString(Key);
        if (text is null)
        {
            return (null, TimeSpan.Zero);
        }

        if (!SyncFrequency.TryParse(text, out var interval))
        {
            errors.Add(fields.LineOf(Key), fields.PathOf(Key), $"'{text}' is not a valid frequency (examples: every 1h, every 30 minutes, every day)");
            return (null, TimeSpan.Zero);
        }

        if (SyncFrequency.IsTooShort(interval))
        {
            errors.Add(fields.LineOf(Key), fields.PathOf(Key), $"'{text}' is shorter than the {SyncFrequency.Minimum.TotalSeconds:0} second minimum");
            return (null, TimeSpan.Zero);
        }

        return (text, interval);
    }

    private SyncType? ReadSyncType(MappingFields fields)
    {
        const string Key = "sync_type";
        if (fields.Find(Key) is not { } entry)
        {
            return SyncType.Incremental;
        }

        switch (entry.Value)
        {
            case YamlTreeScalar { Value: "incremental" }:
                return SyncType.Incremental;
            case YamlTreeScalar { Value: "full" }:
                return SyncType.Full;
            case YamlTreeScalar scalar:
                errors.Add(scalar.Line, entry.Path, $"'{scalar.Value}' is not a sync type (use incremental or full)");
                return null;
            default:
                errors.Add(entry.Value.Line, entry.Path, "expected incremental or full");
                return null;
        }
    }
}
