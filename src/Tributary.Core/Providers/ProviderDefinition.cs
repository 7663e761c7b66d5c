namespace Tributary.Core.Providers;

/// <summary>
/// A provider template with the field names of Nango's <c>providers.yaml</c> (reference §B.8), so a template can be
/// carried over as it is. URLs and header values may hold <c>${connectionConfig.x}</c>-style placeholders
/// (<see cref="Interpolation"/>).
/// </summary>
public sealed record ProviderDefinition
{
    public required string Name { get; init; }

    public required AuthMode AuthMode { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>
    /// The template as written (every field, descriptive ones included, as JSON), which <c>GET /providers</c> answers
    /// as Nango answers its own; never changed, so one instance is shared by every answer.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject Template { get; init; } = [];

    /// <summary><c>authorization_url</c>: where the connect flow sends the end user (OAUTH2).</summary>
    public string? AuthorizationUrl { get; init; }

    public IReadOnlyDictionary<string, string> AuthorizationParams { get; init; } = Empty;

    /// <summary><c>token_url</c> (for this auth mode when the template gives one per mode): code exchange and refresh.</summary>
    public string? TokenUrl { get; init; }

    public IReadOnlyDictionary<string, string> TokenParams { get; init; } = Empty;

    /// <summary><c>refresh_url</c>: kept for provider-specific flows; the generic refresh posts to <see cref="TokenUrl"/> as Nango's does.</summary>
    public string? RefreshUrl { get; init; }

    /// <summary><c>refresh_params</c>; null when absent, and then <see cref="TokenParams"/> are sent on refresh (Nango's rule).</summary>
    public IReadOnlyDictionary<string, string>? RefreshParams { get; init; }

    /// <summary><c>token_request_auth_method</c>: <c>basic</c> sends the client id and secret as a Basic header.</summary>
    public TokenRequestAuth TokenRequestAuthMethod { get; init; } = TokenRequestAuth.Body;

    /// <summary>
    /// <c>authorization_method: header</c> (Nango's simple-oauth2 setting): the client id and secret go in
    /// <c>Authorization: Basic base64(urlencode(id):urlencode(secret))</c>, not in the body. <c>token_request_auth_method:
    /// basic</c> takes precedence when both are set.
    /// </summary>
    public bool ClientAuthInHeader { get; init; }

    /// <summary><c>body_format: json</c> sends token requests as JSON instead of a form.</summary>
    public bool JsonTokenBody { get; init; }

    public string ScopeSeparator { get; init; } = " ";

    public IReadOnlyList<string> DefaultScopes { get; init; } = [];

    public bool DisablePkce { get; init; }

    /// <summary><c>token_expiration_buffer</c>: how long before expiry a token counts as expired; null = 15 minutes.</summary>
    public TimeSpan? TokenExpirationBuffer { get; init; }

    /// <summary><c>connection_config</c>: the inputs a connection supplies (e.g. <c>subdomain</c>), by name.</summary>
    public IReadOnlyDictionary<string, ConnectionConfigField> ConnectionConfig { get; init; } = new Dictionary<string, ConnectionConfigField>();

    public ProviderProxy Proxy { get; init; } = ProviderProxy.Empty;

    /// <summary>
    /// <c>token_response_metadata</c>: fields of the code exchange's answer kept in the connection's config (a dotted
    /// name reads a nested field and is kept under that dotted name), e.g. Salesforce's <c>instance_url</c>.
    /// </summary>
    public IReadOnlyList<string> TokenResponseMetadata { get; init; } = [];

    /// <summary><c>redirect_uri_metadata</c>: query parameters of the OAuth callback kept in the connection's config.</summary>
    public IReadOnlyList<string> RedirectUriMetadata { get; init; } = [];

    /// <summary>Nango's default margin before expiry (<c>REFRESH_MARGIN_MS</c>).</summary>
    public static readonly TimeSpan DefaultExpirationBuffer = TimeSpan.FromMinutes(15);

    public TimeSpan ExpirationBuffer => TokenExpirationBuffer ?? DefaultExpirationBuffer;

    internal static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

public enum TokenRequestAuth
{
    /// <summary><c>client_id</c> and <c>client_secret</c> in the request body.</summary>
    Body,

    /// <summary><c>Authorization: Basic base64(client_id:client_secret)</c>.</summary>
    Basic,
}

/// <summary>One <c>connection_config</c> input of a template.</summary>
public sealed record ConnectionConfigField(string Name, string Type, string? Title, string? Pattern, bool Optional);

/// <summary>The template's <c>proxy</c> block: where API calls go and how credentials and retries work there.</summary>
/// <param name="BaseUrl"><c>proxy.base_url</c>, with placeholders; <c>A || B</c> picks B when A's connection config is missing.</param>
/// <param name="Headers"><c>proxy.headers</c>: injected headers (names lower-cased), e.g. <c>authorization: Bearer ${apiKey}</c>.</param>
/// <param name="Query"><c>proxy.query</c>: injected query parameters, e.g. <c>api_key: ${apiKey}</c>.</param>
/// <param name="Retry"><c>proxy.retry</c>: which headers say when to retry.</param>
/// <param name="Paginate"><c>proxy.paginate</c>: the default pagination of the provider's API.</param>
public sealed record ProviderProxy(
    string? BaseUrl,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    ProviderRetry? Retry,
    ProviderPaginate? Paginate,
    bool Decompress)
{
    public static readonly ProviderProxy Empty = new(null, ProviderDefinition.Empty, ProviderDefinition.Empty, null, null, false);
}

/// <summary><c>proxy.retry</c>: <c>at</c> headers hold a reset time, <c>after</c> headers a number of seconds.</summary>
public sealed record ProviderRetry(IReadOnlyList<string> At, IReadOnlyList<string> After, string? Remaining, IReadOnlyList<string> ErrorCodes);

/// <summary><c>proxy.paginate</c>: its <c>type</c> (<c>cursor</c>, <c>link</c>, <c>offset</c>) and the type's settings as written.</summary>
public sealed record ProviderPaginate(string Type, IReadOnlyDictionary<string, string> Settings);
