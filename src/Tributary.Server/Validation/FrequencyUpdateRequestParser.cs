using Microsoft.Extensions.Primitives;
using Tributary.Core.Scheduling;

namespace Tributary.Server.Validation;

/// <summary>Validates <c>PUT /sync/update-connection-frequency</c> (spec §2.3).</summary>
internal static class FrequencyUpdateRequestParser
{
    public const string InvalidIntervalMessage = "Sync interval is invalid";

    private const string FrequencyKey = "frequency";

    private static readonly string[] BodyKeys = ["sync_name", "sync_variant", "provider_config_key", "connection_id", FrequencyKey];

    private static readonly StringRule FrequencyRule = new(Patterns.Frequency);

    public static ParseResult<FrequencyUpdateRequest> Parse(IEnumerable<KeyValuePair<string, StringValues>> query, JsonElement? body)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<FrequencyUpdateRequest>.Invalid(queryError);
        }

        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<FrequencyUpdateRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var syncName = JsonFields.ReadString(obj, "sync_name", required: true, StringRule.Name, root, issues);
        var syncVariant = JsonFields.ReadString(obj, "sync_variant", required: false, StringRule.Name, root, issues);
        var providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: true, StringRule.ProviderConfigKey, root, issues);
        var connectionId = JsonFields.ReadString(obj, "connection_id", required: true, StringRule.ConnectionId, root, issues);

        // Required but nullable: an explicit null resets, a missing key is an error.
        var frequencyIsNull = obj.TryGet(FrequencyKey, out var frequencyValue) && frequencyValue.ValueKind == JsonValueKind.Null;
        var frequency = frequencyIsNull ? null : JsonFields.ReadString(obj, FrequencyKey, required: true, FrequencyRule, root, issues);
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);

        if (!issues.IsEmpty || syncName is null || providerConfigKey is null || connectionId is null)
        {
            return ParseResult<FrequencyUpdateRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<FrequencyUpdateRequest>.Valid(new FrequencyUpdateRequest(
            syncName,
            syncVariant ?? SyncIdentifier.BaseVariant,
            providerConfigKey,
            connectionId,
            frequency));
    }

    /// <summary>
    /// The semantic check of a non-null frequency: it must convert to an interval of at least 30 seconds.
    /// </summary>
    /// <remarks>
    /// Separate from <see cref="Parse"/> because Nango runs it only after the connection and the sync were
    /// found: an unknown connection with a bad interval answers <c>unknown_connection</c>, not this error.
    /// </remarks>
    public static ParseResult<FrequencyInterval> ResolveInterval(string frequency)
    {
        ArgumentNullException.ThrowIfNull(frequency);
        if (!SyncFrequency.TryParse(frequency, out var interval) || SyncFrequency.IsTooShort(interval))
        {
            return ParseResult<FrequencyInterval>.Invalid(ApiErrors.InvalidBody(InvalidIntervalMessage));
        }

        return ParseResult<FrequencyInterval>.Valid(new FrequencyInterval(interval, SyncFrequency.Normalize(frequency)));
    }
}
