using Tributary.Core.Webhooks;

namespace Tributary.Core.Configuration;

/// <summary>
/// Reads <c>webhooks:</c> with the field names of Nango's dashboard, plus our <c>on_sync_run_summary</c>. URLs must be
/// absolute http(s) URLs, flags true or false; every problem is reported at its line. Delivery timings (timeout,
/// retry window) are not here: they belong to the processes that deliver, not to an environment.
/// </summary>
internal static class WebhookConfigReader
{
    public const string PrimaryUrl = "primary_url";
    public const string SecondaryUrl = "secondary_url";
    public const string OnSyncCompletionAlways = "on_sync_completion_always";
    public const string OnAuthCreation = "on_auth_creation";
    public const string OnAuthRefreshError = "on_auth_refresh_error";
    public const string OnSyncError = "on_sync_error";
    public const string OnSyncRunSummary = "on_sync_run_summary";

    private static readonly string[] Keys =
        [PrimaryUrl, SecondaryUrl, OnSyncCompletionAlways, OnAuthCreation, OnAuthRefreshError, OnSyncError, OnSyncRunSummary];

    public static WebhookConfig? Read(ConfigEntry entry, ConfigErrorSink errors)
    {
        if (entry.Value is not YamlTreeMapping mapping)
        {
            errors.Add(entry.Value.Line, entry.Path, $"expected a mapping of webhook settings ({string.Join(", ", Keys)})");
            return null;
        }

        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, Keys, errors);
        var pinned = Keys.Where(k => fields.Find(k) is not null).ToList();
        var settings = new WebhookSettingsPatch(
            Url(fields, PrimaryUrl, errors),
            Url(fields, SecondaryUrl, errors),
            Flag(fields, OnSyncCompletionAlways),
            Flag(fields, OnAuthCreation),
            Flag(fields, OnAuthRefreshError),
            Flag(fields, OnSyncError),
            Flag(fields, OnSyncRunSummary));
        return new WebhookConfig(settings, pinned);
    }

    private static string? Url(MappingFields fields, string key, ConfigErrorSink errors)
    {
        if (fields.OptionalString(key) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(fields.LineOf(key), fields.PathOf(key), $"'{text}' is not an absolute http(s) URL");
            return null;
        }

        return text;
    }

    // Absent stays null (the API owns the field); MappingFields reports a value that is not a boolean.
    private static bool? Flag(MappingFields fields, string key) =>
        fields.Find(key) is null ? null : fields.Boolean(key, false);
}
