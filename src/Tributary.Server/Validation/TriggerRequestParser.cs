using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates <c>POST /sync/trigger</c> in Nango's order (spec §1.1–1.3).</summary>
/// <remarks>
/// One deliberate difference: Nango accepts <c>opts.emptyCache</c> without <c>opts.reset</c> and then silently
/// keeps the cache; we refuse it, after every check Nango makes, so anything Nango rejects fails identically.
/// </remarks>
internal static class TriggerRequestParser
{
    public const string ConflictingOptionsMessage = "Cannot use opts with deprecated sync_mode/full_resync parameters";

    public const string EmptyCacheWithoutResetMessage = "opts.emptyCache can only be used together with opts.reset";

    public const string MissingProviderConfigKeyMessage = "Missing provider_config_key. Provide it in the body or headers.";

    private const string SyncModeIncremental = "incremental";
    private const string SyncModeFullRefreshAndClearCache = "full_refresh_and_clear_cache";

    private static readonly string[] SyncModes = [SyncModeIncremental, "full_refresh", SyncModeFullRefreshAndClearCache];

    // zod reports a strict object's issues in schema order, so this order is observable.
    private static readonly string[] BodyKeys =
        ["syncs", "sync_mode", "full_resync", "connection_id", "provider_config_key", "opts"];

    public static ParseResult<TriggerCommand> Parse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        JsonElement? body,
        NangoHeaders headers)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<TriggerCommand>.Invalid(queryError);
        }

        var issues = new IssueList();
        var parsed = ReadBody(body, issues);
        if (parsed is null || !issues.IsEmpty)
        {
            return ParseResult<TriggerCommand>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        // JavaScript's `||`: an empty string in the body falls back to the header, and an empty header is absent.
        var providerConfigKey = NonEmpty(parsed.ProviderConfigKey) ?? NonEmpty(headers.ProviderConfigKey);
        if (providerConfigKey is null)
        {
            return ParseResult<TriggerCommand>.Invalid(
                new ApiError(StatusCodes.Status400BadRequest, "missing_provider_config_key", MissingProviderConfigKeyMessage));
        }

        var connectionId = NonEmpty(parsed.ConnectionId) ?? NonEmpty(headers.ConnectionId);

        // Nango tests sync_mode for truthiness but full_resync for presence, so even `false` conflicts.
        if (parsed.Opts is not null && (parsed.SyncMode is not null || parsed.FullResync is not null))
        {
            return ParseResult<TriggerCommand>.Invalid(ApiErrors.InvalidBody(ConflictingOptionsMessage));
        }

        var (reset, emptyCache) = MapCommand(parsed);
        if (emptyCache && !reset)
        {
            return ParseResult<TriggerCommand>.Invalid(new ApiError(
                StatusCodes.Status400BadRequest,
                "invalid_body",
                EmptyCacheWithoutResetMessage,
                [new ValidationIssue(ZodCodes.Custom, EmptyCacheWithoutResetMessage, ["opts", "emptyCache"])]));
        }

        return ParseResult<TriggerCommand>.Valid(new TriggerCommand(providerConfigKey, connectionId, parsed.Syncs, reset, emptyCache));
    }

    /// <summary>Nango's command table (§1.3): opts first, then the deprecated sync_mode, then full_resync.</summary>
    private static (bool Reset, bool EmptyCache) MapCommand(TriggerBody body)
    {
        if (body.Opts is { } opts)
        {
            return (opts.Reset == true, opts.EmptyCache == true);
        }

        if (body.SyncMode is { } syncMode)
        {
            return (syncMode != SyncModeIncremental, syncMode == SyncModeFullRefreshAndClearCache);
        }

        return (body.FullResync == true, false);
    }

    private static TriggerBody? ReadBody(JsonElement? body, IssueList issues)
    {
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return null;
        }

        var syncs = SyncListReader.ForTrigger.Read(obj, issues);
        var syncMode = ReadSyncMode(obj, issues);
        var fullResync = JsonFields.ReadOptionalBoolean(obj, "full_resync", root, issues);
        var connectionId = JsonFields.ReadString(obj, "connection_id", required: false, StringRule.Any, root, issues);
        var providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: false, StringRule.Any, root, issues);
        var opts = ReadOpts(obj, issues);
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);

        return syncs is null ? null : new TriggerBody(syncs, syncMode, fullResync, connectionId, providerConfigKey, opts);
    }

    private static string? ReadSyncMode(JsonObjectInput obj, IssueList issues)
    {
        if (!obj.TryGet("sync_mode", out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is not null && SyncModes.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(SyncModes), ["sync_mode"]);
        return null;
    }

    private static TriggerOpts? ReadOpts(JsonObjectInput obj, IssueList issues)
    {
        if (!obj.TryGet("opts", out var value))
        {
            return null;
        }

        IReadOnlyList<string> path = ["opts"];
        var opts = JsonObjectInput.Read(value, path, issues);
        if (opts is null)
        {
            return null;
        }

        // Not strict: unknown option keys are dropped, as zod's default object does.
        return new TriggerOpts(
            JsonFields.ReadOptionalBoolean(opts, "reset", path, issues),
            JsonFields.ReadOptionalBoolean(opts, "emptyCache", path, issues));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed record TriggerOpts(bool? Reset, bool? EmptyCache);

    private sealed record TriggerBody(
        IReadOnlyList<SyncIdentifier> Syncs,
        string? SyncMode,
        bool? FullResync,
        string? ConnectionId,
        string? ProviderConfigKey,
        TriggerOpts? Opts);
}
