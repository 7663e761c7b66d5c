using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>
/// One integration of <c>GET /scripts/config</c> in Nango's shape (its <c>StandardNangoConfig</c>), keys in Nango's
/// order. Tributary has no actions and no on-event scripts: both lists are always empty.
/// </summary>
/// <param name="Actions">Always empty.</param>
/// <param name="ProviderConfigKey">The integration's key.</param>
/// <param name="Provider">Its provider.</param>
/// <param name="Syncs">Its deployed syncs, by name.</param>
/// <param name="OnEvents">Always empty.</param>
public sealed record ScriptsConfigIntegration(
    [property: JsonPropertyName("actions")] IReadOnlyList<ScriptConfigResponse> Actions,
    [property: JsonPropertyName("providerConfigKey")] string ProviderConfigKey,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("syncs")] IReadOnlyList<ScriptConfigResponse> Syncs,
    [property: JsonPropertyName("on-events")] IReadOnlyList<string> OnEvents);

/// <summary>One deployed sync in Nango's <c>NangoSyncConfig</c> shape, keys in Nango's order.</summary>
/// <param name="Id">The sync config's id.</param>
/// <param name="Name">The sync's name.</param>
/// <param name="Type">Always <c>sync</c>.</param>
/// <param name="Returns">The models it writes.</param>
/// <param name="Description">Always empty: tributary.yaml has no description for a sync.</param>
/// <param name="Attributes">Always empty.</param>
/// <param name="Scopes">Always empty.</param>
/// <param name="Version">Always null: Tributary does not version a deployed sync.</param>
/// <param name="IsPublic">Always false (no templates from a public catalogue).</param>
/// <param name="PreBuilt">Always false.</param>
/// <param name="Endpoints">Always empty: records are read through <c>GET /records?model=</c>.</param>
/// <param name="Enabled">True: a sync removed from tributary.yaml is not listed.</param>
/// <param name="Models">Always empty: no field schema is kept for a model (see <paramref name="Returns"/>).</param>
/// <param name="LastDeployed">When the deploy that last wrote it ran, ISO-8601 with milliseconds.</param>
/// <param name="WebhookSubscriptions">Always empty.</param>
/// <param name="JsonSchema">Always null, as <paramref name="Models"/>.</param>
/// <param name="SyncType"><c>full</c> or <c>incremental</c>.</param>
/// <param name="AutoStart">Whether a new connection's sync starts on its own.</param>
/// <param name="Runs">The frequency as written in tributary.yaml.</param>
/// <param name="TrackDeletes">Whether records a run did not see are deleted.</param>
public sealed record ScriptConfigResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("returns")] IReadOnlyList<string> Returns,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, string> Attributes,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("is_public")] bool IsPublic,
    [property: JsonPropertyName("pre_built")] bool PreBuilt,
    [property: JsonPropertyName("endpoints")] IReadOnlyList<ScriptEndpointResponse> Endpoints,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("models")] IReadOnlyList<JsonElement> Models,
    [property: JsonPropertyName("last_deployed")] string LastDeployed,
    [property: JsonPropertyName("webhookSubscriptions")] IReadOnlyList<string> WebhookSubscriptions,
    [property: JsonPropertyName("json_schema")] JsonElement? JsonSchema,
    [property: JsonPropertyName("sync_type")] string SyncType,
    [property: JsonPropertyName("auto_start")] bool AutoStart,
    [property: JsonPropertyName("runs")] string Runs,
    [property: JsonPropertyName("track_deletes")] bool TrackDeletes);

/// <summary>An endpoint of a script in Nango's shape (none are declared here).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
public sealed record ScriptEndpointResponse(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path);

/// <summary><c>GET /scripts/config?format=openai</c>: <c>{"data":[…]}</c>, one function a sync.</summary>
/// <param name="Data">The functions.</param>
public sealed record OpenAIFunctionListResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAIFunctionResponse> Data);

/// <summary>A sync as an OpenAI function definition, as Nango writes it: no parameters.</summary>
/// <param name="Name">The sync's name.</param>
/// <param name="Description">Nango's text: <c>Execute the {name} sync for {provider}</c>.</param>
/// <param name="Parameters">An object schema without properties.</param>
public sealed record OpenAIFunctionResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("parameters")] OpenAIFunctionParameters Parameters);

/// <summary>The parameters of an OpenAI function: <c>{type: "object", properties, required}</c>.</summary>
/// <param name="Type">Always <c>object</c>.</param>
/// <param name="Properties">Always empty for a sync.</param>
/// <param name="Required">Always empty for a sync.</param>
public sealed record OpenAIFunctionParameters(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("properties")] IReadOnlyDictionary<string, string> Properties,
    [property: JsonPropertyName("required")] IReadOnlyList<string> Required);
