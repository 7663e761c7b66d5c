using Microsoft.Extensions.Primitives;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Validation;

/// <summary>
/// Validates <c>PATCH /environment/webhook-settings</c> like Nango's dashboard endpoint: a strict body of optional
/// fields, an empty one refused with "Nothing to update". URLs are absolute http(s) URLs, or "" to clear one.
/// Nango's <c>on_async_action_completion</c> is accepted (a boolean) and ignored: Tributary has no async actions, so
/// a body written for Nango passes, and one that sets only it has nothing to update.
/// </summary>
internal static class WebhookSettingsRequestParser
{
    public const string NothingToUpdate = "Nothing to update";

    public const string InvalidUrlMessage = "Invalid URL";

    private static readonly string[] BodyKeys =
        ["primary_url", "secondary_url", "on_sync_completion_always", "on_auth_creation", "on_auth_refresh_error", "on_sync_error", "on_sync_run_summary", AsyncActionCompletion];

    /// <summary>Nango's flag for async action webhooks: validated, then ignored (see the summary).</summary>
    private const string AsyncActionCompletion = "on_async_action_completion";

    private static readonly StringRule UrlRule = new(MaxLength: 2048);

    public static ParseResult<WebhookSettingsPatch> Parse(IEnumerable<KeyValuePair<string, StringValues>> query, JsonElement? body)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<WebhookSettingsPatch>.Invalid(queryError);
        }

        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<WebhookSettingsPatch>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var patch = new WebhookSettingsPatch(
            ReadUrl(obj, "primary_url", issues),
            ReadUrl(obj, "secondary_url", issues),
            JsonFields.ReadOptionalBoolean(obj, "on_sync_completion_always", root, issues),
            JsonFields.ReadOptionalBoolean(obj, "on_auth_creation", root, issues),
            JsonFields.ReadOptionalBoolean(obj, "on_auth_refresh_error", root, issues),
            JsonFields.ReadOptionalBoolean(obj, "on_sync_error", root, issues),
            JsonFields.ReadOptionalBoolean(obj, "on_sync_run_summary", root, issues));
        JsonFields.ReadOptionalBoolean(obj, AsyncActionCompletion, root, issues);
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<WebhookSettingsPatch>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return patch == new WebhookSettingsPatch()
            ? ParseResult<WebhookSettingsPatch>.Invalid(ApiErrors.InvalidBody(NothingToUpdate))
            : ParseResult<WebhookSettingsPatch>.Valid(patch);
    }

    /// <summary>Whether a URL may receive webhooks: absolute http or https (the check the tributary.yaml reader shares).</summary>
    public static bool IsWebhookUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.UserInfo.Length == 0;

    private static string? ReadUrl(JsonObjectInput obj, string key, IssueList issues)
    {
        var url = JsonFields.ReadString(obj, key, required: false, UrlRule, IssuePath.Root, issues);
        if (url is null || url.Length == 0 || IsWebhookUrl(url))
        {
            return url;
        }

        issues.Add(ZodCodes.InvalidFormat, InvalidUrlMessage, [key]);
        return null;
    }
}
