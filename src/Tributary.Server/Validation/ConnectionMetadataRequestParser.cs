using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>
/// Validates the metadata calls as Nango's strict schema does: <c>connection_id</c> one id or an array of ids,
/// <c>provider_config_key</c>, and <c>metadata</c> an object; an empty query.
/// </summary>
/// <remarks>The array is capped at <see cref="InputLimits.MaxMetadataConnectionIds"/> (Nango has no cap).</remarks>
internal static class ConnectionMetadataRequestParser
{
    private const string ConnectionIdKey = "connection_id";

    private static readonly string[] BodyKeys = [ConnectionIdKey, "provider_config_key", "metadata"];

    public static ParseResult<ConnectionMetadataRequest> Parse(IEnumerable<KeyValuePair<string, StringValues>> query, JsonElement? body)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<ConnectionMetadataRequest>.Invalid(queryError);
        }

        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<ConnectionMetadataRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var ids = ReadConnectionIds(obj, issues);
        var providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: true, StringRule.ProviderConfigKey, root, issues);
        var metadata = ConnectionCreateRequestParser.ReadRecord(obj, "metadata", issues);
        if (metadata is null && !obj.TryGet("metadata", out _))
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("record", JsonTypeName.Undefined), ["metadata"]);
        }

        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);
        if (!issues.IsEmpty || ids is null || providerConfigKey is null || metadata is not { } patch)
        {
            return ParseResult<ConnectionMetadataRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<ConnectionMetadataRequest>.Valid(new ConnectionMetadataRequest(ids, providerConfigKey, JsonObject.Create(patch)!)); // an object, checked above
    }

    private static List<string>? ReadConnectionIds(JsonObjectInput obj, IssueList issues)
    {
        if (obj.TryGet(ConnectionIdKey, out var value) && value.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<string>();
            var index = 0;
            var valid = true;
            foreach (var item in value.EnumerateArray())
            {
                if (index >= InputLimits.MaxMetadataConnectionIds)
                {
                    valid = false;
                    index = value.GetArrayLength();
                    break;
                }

                IReadOnlyList<string> path = [ConnectionIdKey, index.ToString(CultureInfo.InvariantCulture)];
                if (item.ValueKind != JsonValueKind.String)
                {
                    issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(item)), path);
                    valid = false;
                }
                else if (TextGuard.TryRead(item, path, issues, out var id) && StringRule.ConnectionId.Check(id, path, issues))
                {
                    ids.Add(id);
                }
                else
                {
                    valid = false;
                }

                index++;
            }

            if (index > InputLimits.MaxMetadataConnectionIds)
            {
                issues.Add(ZodCodes.TooBig, ZodMessages.ArrayTooBig(InputLimits.MaxMetadataConnectionIds), [ConnectionIdKey]);
            }

            return valid ? ids : null;
        }

        if (obj.TryGet(ConnectionIdKey, out var single) && single.ValueKind != JsonValueKind.String)
        {
            // Neither branch of zod's union (string | string[]) matches.
            issues.Add(ZodCodes.InvalidUnion, ZodMessages.InvalidInput, [ConnectionIdKey]);
            return null;
        }

        return JsonFields.ReadString(obj, ConnectionIdKey, required: true, StringRule.ConnectionId, IssuePath.Root, issues) is { } text
            ? [text]
            : null;
    }
}
