namespace Tributary.Core.Webhooks;

/// <summary>An environment's webhook settings, with the field names of Nango's dashboard.</summary>
/// <param name="OnSyncRunSummary">Ours: one extra webhook per run with every model's counts.</param>
public sealed record WebhookSettings(
    string? PrimaryUrl,
    string? SecondaryUrl,
    bool OnSyncCompletionAlways,
    bool OnAuthCreation,
    bool OnAuthRefreshError,
    bool OnSyncError,
    bool OnSyncRunSummary)
{
    /// <summary>
    /// The fields tributary.yaml's <c>webhooks:</c> block pins (Nango's names): the API refuses to change them until a
    /// deploy without them.
    /// </summary>
    public IReadOnlyList<string> Pinned { get; init; } = [];

    /// <summary>What Nango gives a new environment: completions always, errors on, no URL (so nothing is sent).</summary>
    public static WebhookSettings Default { get; } = new(null, null, true, true, true, true, false);
}

/// <summary>A partial update: a null field is left as it is; an empty URL clears it.</summary>
public sealed record WebhookSettingsPatch(
    string? PrimaryUrl = null,
    string? SecondaryUrl = null,
    bool? OnSyncCompletionAlways = null,
    bool? OnAuthCreation = null,
    bool? OnAuthRefreshError = null,
    bool? OnSyncError = null,
    bool? OnSyncRunSummary = null);
