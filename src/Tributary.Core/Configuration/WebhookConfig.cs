using Tributary.Core.Webhooks;

namespace Tributary.Core.Configuration;

/// <summary>
/// The file's environment-level <c>webhooks:</c> block: the settings it gives, and which fields it therefore pins
/// (a pinned field is the file's until a deploy drops it; <c>PATCH /environment/webhook-settings</c> refuses it).
/// </summary>
/// <param name="Pinned">The settings' field names the block gives (Nango's spelling, e.g. <c>primary_url</c>).</param>
public sealed record WebhookConfig(WebhookSettingsPatch Settings, IReadOnlyList<string> Pinned);
