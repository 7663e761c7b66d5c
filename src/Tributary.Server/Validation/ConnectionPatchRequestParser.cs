using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>A valid <c>PATCH /connections/{connectionId}</c>: the connection, and its new end user and/or tags.</summary>
internal sealed record ConnectionPatch(string ConnectionId, string ProviderConfigKey, JsonObject? EndUser, JsonObject? Tags);

/// <summary>
/// Validates <c>PATCH /connections/{connectionId}</c> as Nango's <c>patchConnection</c>: the strict query
/// (<c>provider_config_key</c>), then the strict body (<c>end_user</c>: <c>{id, email?, display_name?, tags?}</c>;
/// <c>tags</c>: Nango's connection tags), then the route; zod v4's messages.
/// </summary>
internal static class ConnectionPatchRequestParser
{
    private static readonly string[] BodyKeys = ["end_user", "tags"];
    private static readonly string[] EndUserKeys = ["id", "email", "display_name", "tags"];
    private static readonly string[] QueryKeys = ["provider_config_key"];

    public static ParseResult<ConnectionPatch> Parse(string connectionId, IEnumerable<KeyValuePair<string, StringValues>> query, JsonElement? body)
    {
        var input = QueryInput.From(query);
        var queryIssues = new IssueList();
        var providerConfigKey = QueryFields.ReadString(input, "provider_config_key", required: true, StringRule.ProviderConfigKey, queryIssues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, queryIssues);
        if (!queryIssues.IsEmpty || providerConfigKey is null)
        {
            return ParseResult<ConnectionPatch>.Invalid(ApiErrors.InvalidQueryParams(queryIssues.Items));
        }

        if (body is not { ValueKind: JsonValueKind.Object } element || JsonNode.Parse(element.GetRawText()) is not JsonObject json)
        {
            var received = body is { } given ? JsonTypeName.Of(given) : JsonTypeName.Undefined;
            return ParseResult<ConnectionPatch>.Invalid(
                ApiErrors.InvalidBody([new ValidationIssue(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", received), [])]));
        }

        var issues = new IssueList();
        // zod's optional() takes a missing key, not null: an explicit null is a type issue.
        RejectNull(json, "end_user", "object", [], issues);
        RejectNull(json, "tags", "record", [], issues);
        var endUser = json["end_user"];
        if (endUser is not null)
        {
            CheckEndUser(endUser, issues);
        }

        var tags = json["tags"];
        if (tags is not null)
        {
            ConnectionTags.CheckRecord(tags, ["tags"], minValueLength: 1, issues);
        }

        issues.AddUnrecognizedKeys(ConnectSessionRequestParser.Unknown(json, BodyKeys), []);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectionPatch>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        if (ConnectionTargetParser.RouteError(connectionId) is { } routeError)
        {
            return ParseResult<ConnectionPatch>.Invalid(routeError);
        }

        return ParseResult<ConnectionPatch>.Valid(new ConnectionPatch(connectionId, providerConfigKey, endUser as JsonObject, tags as JsonObject));
    }

    private static void CheckEndUser(JsonNode node, IssueList issues)
    {
        if (node is not JsonObject user)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(node)), ["end_user"]);
            return;
        }

        RejectNull(user, "email", "string", ["end_user"], issues);
        RejectNull(user, "display_name", "string", ["end_user"], issues);
        RejectNull(user, "tags", "record", ["end_user"], issues);
        ConnectSessionRequestParser.CheckString(user["id"], ["end_user", "id"], 1, 255, required: true, issues);
        if (ConnectSessionRequestParser.CheckString(user["email"], ["end_user", "email"], 5, int.MaxValue, required: false, issues) is { } email
            && !ConnectSessionRequestParser.EmailPattern().IsMatch(email))
        {
            issues.Add(ZodCodes.InvalidFormat, "Invalid email address", ["end_user", "email"]);
        }

        ConnectSessionRequestParser.CheckString(user["display_name"], ["end_user", "display_name"], 0, 255, required: false, issues);
        if (user["tags"] is { } userTags)
        {
            ConnectionTags.CheckRecord(userTags, ["end_user", "tags"], minValueLength: 0, issues);
        }

        issues.AddUnrecognizedKeys(ConnectSessionRequestParser.Unknown(user, EndUserKeys), ["end_user"]);
    }

    private static void RejectNull(JsonObject obj, string key, string expected, string[] path, IssueList issues)
    {
        if (obj.TryGetPropertyValue(key, out var value) && value is null)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType(expected, "null"), [.. path, key]);
        }
    }
}
