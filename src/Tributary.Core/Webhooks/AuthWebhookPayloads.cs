using System.Text.Json.Nodes;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The bodies of the auth webhooks, field for field Nango's (<c>packages/webhooks/lib/auth.ts</c>, reference §A.8):
/// <c>from</c>, <c>type: "auth"</c>, <c>connectionId</c>, <c>providerConfigKey</c>, <c>authMode</c>, <c>provider</c>,
/// <c>environment</c>, <c>operation</c>, <c>success</c>, <c>endUser</c> for connections made through a connect session,
/// <c>tags</c> (the connection's) when it has any, <c>error</c> when <c>success</c> is false. Our <c>tributaryRunId</c> and <c>tributaryTrigger</c>
/// are left out: no run is behind an auth event, and the operation already says what caused it.
/// </summary>
internal static class AuthWebhookPayloads
{
    public const string Creation = "creation";
    public const string Override = "override";
    public const string Refresh = "refresh";

    /// <summary>Nango's error type for a token endpoint that refused a refresh.</summary>
    public const string RefreshErrorType = "refresh_token_external_error";

    public static string Success(AuthFacts facts, string operation) => SortedJson.Serialize(Base(facts, operation, true));

    public static string RefreshFailed(AuthFacts facts, string error)
    {
        var body = Base(facts, Refresh, false);
        body["error"] = new JsonObject { ["type"] = RefreshErrorType, ["description"] = error };
        return SortedJson.Serialize(body);
    }

    private static JsonObject Base(AuthFacts facts, string operation, bool success)
    {
        var body = new JsonObject
        {
            ["from"] = "nango",
            ["type"] = "auth",
            ["connectionId"] = facts.ConnectionId,
            ["providerConfigKey"] = facts.ProviderConfigKey,
            ["authMode"] = facts.AuthMode,
            ["provider"] = facts.Provider,
            ["environment"] = facts.EnvironmentName,
            ["operation"] = operation,
            ["success"] = success,
        };
        if (EndUser(facts.SessionBody) is { } endUser)
        {
            body["endUser"] = endUser;
        }

        if (facts.Tags is { Count: > 0 } tags)
        {
            body["tags"] = tags.DeepClone();
        }

        return body;
    }

    /// <summary>Nango's <c>endUser</c> from the session's <c>end_user</c> and <c>organization</c>; absent fields stay absent.</summary>
    private static JsonObject? EndUser(JsonObject? session)
    {
        if (session?["end_user"] is not JsonObject endUser || (string?)endUser["id"] is not { } id)
        {
            return null;
        }

        var result = new JsonObject { ["endUserId"] = id };
        if (endUser["email"] is JsonValue email)
        {
            result["endUserEmail"] = email.DeepClone();
        }

        if (session["organization"]?["id"] is JsonValue organization)
        {
            result["organizationId"] = organization.DeepClone();
        }

        if (endUser["tags"] is JsonObject tags)
        {
            result["tags"] = tags.DeepClone();
        }

        return result;
    }
}

/// <summary>What an auth webhook says about a connection, and where it goes.</summary>
/// <param name="ConnectionRowId">The connection's database id; 0 for one being created (the store fills it in).</param>
/// <param name="AuthMode">Nango's spelling: OAUTH2, OAUTH2_CC, API_KEY, BASIC, NONE.</param>
/// <param name="SessionBody">The connect session's Nango fields (end_user, organization, tags); null when none was involved.</param>
public sealed record AuthFacts(
    long EnvironmentId,
    string EnvironmentName,
    long ConnectionRowId,
    string ConnectionId,
    string ProviderConfigKey,
    string Provider,
    string AuthMode,
    string? WebhookUrlOverride,
    JsonObject? SessionBody)
{
    /// <summary>The connection's tags (<see cref="Connect.ConnectionProfile.Tags"/>); null or empty for none.</summary>
    public JsonObject? Tags { get; init; }
}
