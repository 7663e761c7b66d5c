using Tributary.Core.Domain;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Which sync webhooks a finished run sends, and where — Nango's rules: a success webhook per model, skipped for a
/// model with no change unless <c>on_sync_completion_always</c>; one failure webhook per run when
/// <c>on_sync_error</c>; to the primary and the secondary URL (each its own delivery), or only to the connection's
/// override. Plus our opt-in run summary. No URL, no webhook.
/// </summary>
internal static class SyncWebhookPlanner
{
    public static IReadOnlyList<OutboxWebhook> Succeeded(
        WebhookSettings settings, string? urlOverride, SyncRunFacts run, OutboxAddress address, IReadOnlyDictionary<string, ModelCounts> counts, long now)
    {
        var urls = Urls(settings, urlOverride);
        if (urls.Count == 0)
        {
            return [];
        }

        var webhooks = new List<OutboxWebhook>();
        foreach (var (model, modelCounts) in InDeclaredOrder(run.Models, counts))
        {
            var changed = modelCounts.Added > 0 || modelCounts.Updated > 0 || modelCounts.Deleted > 0;
            if (changed || settings.OnSyncCompletionAlways)
            {
                Add(webhooks, urls, address, WebhookEvents.SyncSuccess, SyncWebhookPayloads.Success(run, model, modelCounts));
            }
        }

        if (settings.OnSyncRunSummary)
        {
            Add(webhooks, urls, address, WebhookEvents.SyncRun, SyncWebhookPayloads.RunSummary(run, counts, null, now));
        }

        return webhooks;
    }

    /// <summary>
    /// The counts in the order the sync declares its models (Nango loops over the sync config's models), then any
    /// other model counted; deliveries of one connection go in this order.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, ModelCounts>> InDeclaredOrder(IReadOnlyList<string> models, IReadOnlyDictionary<string, ModelCounts> counts)
    {
        foreach (var model in models)
        {
            if (counts.TryGetValue(model, out var modelCounts))
            {
                yield return new(model, modelCounts);
            }
        }

        foreach (var pair in counts)
        {
            if (!models.Contains(pair.Key, StringComparer.Ordinal))
            {
                yield return pair;
            }
        }
    }

    public static IReadOnlyList<OutboxWebhook> Failed(
        WebhookSettings settings, string? urlOverride, SyncRunFacts run, OutboxAddress address, IReadOnlyDictionary<string, ModelCounts> counts, string error, long now)
    {
        var urls = Urls(settings, urlOverride);
        if (urls.Count == 0)
        {
            return [];
        }

        var webhooks = new List<OutboxWebhook>();
        if (settings.OnSyncError)
        {
            Add(webhooks, urls, address, WebhookEvents.SyncError, SyncWebhookPayloads.Failure(run, error, now));
        }

        if (settings.OnSyncRunSummary)
        {
            Add(webhooks, urls, address, WebhookEvents.SyncRun, SyncWebhookPayloads.RunSummary(run, counts, error, now));
        }

        return webhooks;
    }

    internal static List<string> Urls(WebhookSettings settings, string? urlOverride)
    {
        if (!string.IsNullOrEmpty(urlOverride))
        {
            return [urlOverride];
        }

        var urls = new List<string>(2);
        if (!string.IsNullOrEmpty(settings.PrimaryUrl))
        {
            urls.Add(settings.PrimaryUrl);
        }

        if (!string.IsNullOrEmpty(settings.SecondaryUrl))
        {
            urls.Add(settings.SecondaryUrl);
        }

        return urls;
    }

    private static void Add(List<OutboxWebhook> webhooks, List<string> urls, OutboxAddress address, string kind, string body)
    {
        foreach (var url in urls)
        {
            webhooks.Add(new OutboxWebhook(address.EnvironmentId, address.ConnectionRowId, address.ConnectionId, address.ProviderConfigKey, kind, url, body));
        }
    }
}

/// <summary>Whose webhooks these are: the environment and connection every delivery row is filed under.</summary>
internal sealed record OutboxAddress(long EnvironmentId, long ConnectionRowId, string ConnectionId, string ProviderConfigKey);
