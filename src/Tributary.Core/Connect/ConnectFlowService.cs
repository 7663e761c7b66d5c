using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Providers;
using Tributary.Core.Security;
using Tributary.Core.Services;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Connect;

/// <summary>
/// The browser-facing auth flows of a connect session (reference §A.3–A.6): the OAuth2 redirect and its callback,
/// and API-key and basic credentials posted by the product's frontend. A flow creates the connection (with its
/// syncs, through <see cref="ConnectionService"/>) or, for a reconnect session, replaces its credentials.
/// </summary>
public sealed class ConnectFlowService
{
    /// <summary>How long an OAuth redirect may take between leaving for the provider and coming back.</summary>
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(15);

    private readonly IConnectSessionStore _store;
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly IOAuthClientStore _clients;
    private readonly IConnectionCredentialStore _credentialStore;
    private readonly ProviderCatalogue _catalogue;
    private readonly CredentialProtector _protector;
    private readonly TokenClient _tokens;
    private readonly ConnectionService _connectionService;
    private readonly AuthWebhooks _authWebhooks;
    private readonly IWebhookStore _webhookStore;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConnectFlowService> _logger;
    private readonly ConnectionChanges _changes;

    public ConnectFlowService(
        IConnectSessionStore store,
        IIntegrationStore integrations,
        IConnectionStore connections,
        IOAuthClientStore clients,
        IConnectionCredentialStore credentialStore,
        ProviderCatalogue catalogue,
        CredentialProtector protector,
        TokenClient tokens,
        ConnectionService connectionService,
        AuthWebhooks authWebhooks,
        IWebhookStore webhookStore,
        TimeProvider timeProvider,
        ILogger<ConnectFlowService> logger,
        ConnectionChanges changes)
    {
        _changes = changes;
        _store = store;
        _integrations = integrations;
        _connections = connections;
        _clients = clients;
        _credentialStore = credentialStore;
        _catalogue = catalogue;
        _protector = protector;
        _tokens = tokens;
        _connectionService = connectionService;
        _authWebhooks = authWebhooks;
        _webhookStore = webhookStore;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Step 1 of the OAuth2 flow: stores a single-use state (with the PKCE verifier) and answers the provider's
    /// authorization URL to redirect the browser to.
    /// </summary>
    public async Task<Uri> StartOAuthAsync(ConnectSession session, string providerConfigKey, OAuthStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(start);
        // Nango's order here: the integration, its template, the session's allowance, a reconnect's connection, the OAuth
        // app (a connection's own app from the popup counts), and only then the auth mode.
        var (integration, provider) = await FindAsync(session, providerConfigKey, FlowKind.OAuthRedirect, cancellationToken);
        RequireAllowed(session, providerConfigKey);
        await RequireReconnectedConnectionAsync(session, providerConfigKey, cancellationToken);
        var client = await _clients.GetAsync(integration.Id, cancellationToken);
        var clientOverride = OAuthClientOverride.From(start.Credentials);
        if ((clientOverride?.ClientId ?? client?.ClientId) is null || (client is null && clientOverride?.ClientSecret is null))
        {
            throw new InvalidInputException(
                "missing_client_id",
                $"Integration '{providerConfigKey}' has no OAuth client id: set client_id and its secret (tributary.yaml or PATCH /integrations), or send the connection's own.");
        }

        RequireMode(provider, AuthMode.OAuth2, FlowKind.OAuthRedirect);
        var defaults = session.DefaultsFor(providerConfigKey);
        var config = ConnectionConfig(start.Params, defaults);
        var lookup = Lookup(config);

        // Nango, in a session: the session's user_scopes (Slack's user scopes) win, the query's user_scope is not read.
        // They are kept in the connection config; Slack's authorize URL gets them as its user_scope parameter.
        var userScope = defaults?["user_scopes"] is JsonValue userScopes && userScopes.TryGetValue<string>(out var scopesText) && scopesText.Length > 0 ? scopesText : null;
        if (userScope is not null)
        {
            config["user_scope"] = userScope;
        }

        if (provider.AuthorizationUrl is null)
        {
            throw new InvalidInputException("invalid_connection_config", $"Provider '{provider.Name}' has no authorization_url.");
        }

        var authorizationUrl = Interpolation.Fill(provider.AuthorizationUrl, lookup) ?? throw MissingConnectionConfig(provider.AuthorizationUrl, config);
        if (!Uri.TryCreate(authorizationUrl, UriKind.Absolute, out _))
        {
            throw new InvalidInputException(
                "invalid_connection_config", $"The authorization URL of provider '{provider.Name}' is not an absolute URL once filled from the connection config.");
        }

        // As Nango: whatever the connection config cannot fill fails now, not after the user consented — the token URL,
        // then the template's authorization and token parameters.
        RequireTokenUrl(provider, lookup, config);
        var templateParams = new List<KeyValuePair<string, string>>(provider.AuthorizationParams.Count);
        foreach (var (name, value) in provider.AuthorizationParams)
        {
            templateParams.Add(new(name, Interpolation.Fill(value, lookup) ?? throw MissingConnectionConfig("authorization_params", config)));
        }

        if (provider.TokenParams.Values.Any(value => Interpolation.Fill(value, lookup) is null))
        {
            throw MissingConnectionConfig("token_params", config);
        }

        var scopes = OverriddenScopes(defaults?["connection_config"]?["oauth_scopes_override"]) is { Count: > 0 } overridden
            ? overridden
            : client?.Scopes.Count > 0 ? client.Scopes : provider.DefaultScopes;
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var verifier = provider.DisablePkce ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var reconnect = session.ConnectionId is not null;
        var now = _timeProvider.GetUtcNow();
        await _store.CreateOAuthStateAsync(
            new StoredOAuthState(
                ApiKeys.Hash(state),
                session.Tenant.EnvironmentId,
                session.TokenHash,
                providerConfigKey,
                session.ConnectionId ?? Guid.NewGuid().ToString(),
                reconnect,
                verifier is null ? null : _protector.Protect(verifier),
                OAuthClientOverride.Seal(clientOverride, config, _protector).ToJsonString(),
                start.WebSocketClientId,
                Micros.From(now + StateLifetime)),
            cancellationToken);

        var query = new OrderedParams();
        query.Set("response_type", "code");
        query.Set("client_id", clientOverride?.ClientId ?? client!.ClientId);
        query.Set("redirect_uri", start.CallbackUrl);
        query.Set("scope", string.Join(provider.ScopeSeparator, scopes));
        query.Set("state", state);

        // Nango's parameters in its order: the template's, PKCE's, Slack's user scope, then the requested ones, which
        // win over any of them (a requested code_challenge replaces PKCE's rather than sending two).
        var extra = new OrderedParams();
        foreach (var (name, value) in templateParams)
        {
            extra.Set(name, value);
        }

        if (verifier is not null)
        {
            extra.Set("code_challenge", Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
            extra.Set("code_challenge_method", "S256");
        }

        if (userScope is not null && provider.Name == "slack")
        {
            extra.Set("user_scope", userScope);
        }

        // The session's defaults beat what the browser sent (Nango's rule); the literal "undefined" deletes a template param.
        var requested = defaults?["authorization_params"] is JsonObject fromSession
            ? fromSession.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            : start.AuthorizationParams;
        foreach (var (name, value) in requested)
        {
            if (value == "undefined")
            {
                extra.Remove(name);
            }
            else
            {
                extra.Set(name, value);
            }
        }

        // As the spread of Nango's query: a parameter named like a base one replaces its value in place.
        foreach (var (name, value) in extra)
        {
            query.Set(name, value);
        }

        var separator = authorizationUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return new Uri(authorizationUrl + separator + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
    }

    /// <summary>
    /// Step 2: takes the state (single use), exchanges the code and stores the connection. Never throws for what the
    /// provider or the browser sent: the outcome says what went wrong, for the page and the WebSocket.
    /// </summary>
    public async Task<ConnectOutcome> CompleteOAuthAsync(OAuthCallback callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (string.IsNullOrEmpty(callback.State))
        {
            return ConnectOutcome.Failed(null, "invalid_state", "The callback has no state.");
        }

        var state = await _store.TakeOAuthStateAsync(ApiKeys.Hash(callback.State), Micros.Now(_timeProvider), cancellationToken);
        if (state is null)
        {
            return ConnectOutcome.Failed(null, "invalid_state", "The state is unknown, expired or already used.");
        }

        if (string.IsNullOrEmpty(callback.Code))
        {
            var description = callback.ErrorDescription ?? callback.Error ?? "The provider sent no authorization code.";
            return ConnectOutcome.Failed(state, callback.Error ?? "invalid_callback", description);
        }

        var integration = await _integrations.GetAsync(state.EnvironmentId, state.ProviderConfigKey, cancellationToken);
        var provider = integration is null ? null : _catalogue.Find(integration.Provider);
        var client = integration is null ? null : await _clients.GetAsync(integration.Id, cancellationToken);
        var config = JsonNode.Parse(state.ConnectionConfigJson) as JsonObject ?? [];
        var clientOverride = OAuthClientOverride.TakeFrom(config, _protector);
        var clientId = clientOverride?.ClientId ?? client?.ClientId;
        if (integration is null || provider is null || clientId is null || (client is null && clientOverride?.ClientSecret is null))
        {
            return ConnectOutcome.Failed(state, "unknown_provider_config", $"Integration '{state.ProviderConfigKey}' or its OAuth client no longer exists.");
        }

        var clientCredentials = new OAuthClientCredentials(
            clientId,
            clientOverride?.ClientSecret ?? (client?.EncryptedSecret is { } secret ? _protector.Unprotect(secret) : null),
            client?.Scopes ?? []);
        JsonObject answer;
        try
        {
            answer = await _tokens.AuthorizationCodeAsync(
                provider,
                Fresh(integration, state, config, provider),
                clientCredentials,
                callback.Code,
                callback.CallbackUrl,
                state.EncryptedCodeVerifier is { } verifier ? _protector.Unprotect(verifier) : null,
                cancellationToken);
        }
        catch (ConnectionRefreshException ex)
        {
            _logger.LogWarning("The code exchange of a connect flow for integration {Integration} failed: {Failure}", state.ProviderConfigKey, ex.Message);
            return ConnectOutcome.Failed(state, "token_exchange_failed", ex.Message);
        }

        var now = _timeProvider.GetUtcNow();
        var expiresAt = TokenExpiry.FromTokenAnswer(answer, now);
        var credentials = new JsonObject
        {
            ["type"] = "OAUTH2",
            ["access_token"] = (string?)answer["access_token"],
        };
        if (answer["refresh_token"] is JsonValue refresh)
        {
            credentials["refresh_token"] = refresh.ToString();
        }

        if (expiresAt is { } at)
        {
            credentials["expires_at"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        }

        credentials["raw"] = answer.DeepClone();
        config = ProviderMetadata.Merge(provider, answer, callback.Query, config);

        // Nango: a connection's own OAuth app moves into its credentials' config_override, where its refreshes find it.
        if (clientOverride is not null)
        {
            credentials["config_override"] = clientOverride.ToConfigOverride();
        }

        // The session as it was when the redirect started (it may have expired since): its end user and webhook URL.
        var session = await _store.GetSessionAsync(state.SessionHash, state.ExpiresAt - Micros.From(DateTimeOffset.UnixEpoch + StateLifetime), cancellationToken);
        var tenant = new Tenant(state.EnvironmentId, session?.EnvironmentName ?? string.Empty);
        var sessionBody = session is null ? null : JsonNode.Parse(session.BodyJson) as JsonObject;
        var target = new StoreTarget(tenant, sessionBody, state.ProviderConfigKey, integration.Provider, state.ConnectionId, state.Reconnect);
        bool overridden;
        try
        {
            overridden = await StoreAsync(target, credentials, config, cancellationToken);
        }
        catch (InvalidInputException ex) when (ex.Code == "invalid_connection")
        {
            // Nango's WSErrBuilder.ConnectionNotFound: the reconnected connection went away during the flow.
            return ConnectOutcome.Failed(state, "connection_not_found", $"Connection {state.ConnectionId} not found.");
        }

        _logger.LogInformation(
            "Connect flow {Operation} connection {ConnectionId} of integration {Integration}",
            overridden ? "overrode" : "created",
            state.ConnectionId,
            state.ProviderConfigKey);
        return new ConnectOutcome(true, state.ProviderConfigKey, state.ConnectionId, state.WebSocketClientId, null, null);
    }

    /// <summary>
    /// API_KEY, BASIC or OAUTH2_CC credentials posted through a session (reference §A.6): stored as given (Nango's
    /// credential test through a template's verification call is not run); answers the connection id.
    /// </summary>
    public async Task<string> ConnectWithCredentialsAsync(ConnectSession session, string providerConfigKey, AuthMode mode, JsonObject credentials, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(credentials);
        var (integration, _) = await ResolveAsync(session, providerConfigKey, mode, FlowKind.CredentialsForm, cancellationToken);
        await RequireReconnectedConnectionAsync(session, providerConfigKey, cancellationToken);
        var connectionId = session.ConnectionId ?? Guid.NewGuid().ToString();
        var config = ConnectionConfig(connectionConfig.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty), session.DefaultsFor(providerConfigKey));
        var target = new StoreTarget(session.Tenant, session.Body, providerConfigKey, integration.Provider, connectionId, session.ConnectionId is not null);
        await StoreAsync(target, credentials, config, cancellationToken);
        return connectionId;
    }

    /// <summary>
    /// An OAUTH2_CC connection (<c>POST /oauth2/auth/{key}</c>): asks the provider's <c>token_url</c> for a token with the
    /// client_credentials grant — with the client the end user posted, else the integration's — and stores it as
    /// Nango's OAUTH2_CC credentials. There is no refresh token: <see cref="Credentials.ConnectionCredentials"/>
    /// refreshes by asking again. Answers the connection id.
    /// </summary>
    /// <exception cref="InvalidInputException">The integration has no client, or the provider refused (<c>invalid_credentials</c>, with its answer).</exception>
    public async Task<string> ConnectWithClientCredentialsAsync(
        ConnectSession session, string providerConfigKey, OAuthClientCredentials? posted, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(connectionConfig);
        var (integration, provider) = await ResolveAsync(session, providerConfigKey, AuthMode.OAuth2ClientCredentials, FlowKind.ClientCredentials, cancellationToken);
        var client = posted;
        if (client is null)
        {
            var stored = await _clients.GetAsync(integration.Id, cancellationToken)
                ?? throw new InvalidInputException("missing_client_id", $"Integration '{providerConfigKey}' has no OAuth client id: set client_id and its secret (tributary.yaml or PATCH /integrations), or post client_id and client_secret.");
            client = new OAuthClientCredentials(stored.ClientId, stored.EncryptedSecret is { } secret ? _protector.Unprotect(secret) : null, stored.Scopes);
        }

        await RequireReconnectedConnectionAsync(session, providerConfigKey, cancellationToken);
        var connectionId = session.ConnectionId ?? Guid.NewGuid().ToString();
        var defaults = session.DefaultsFor(providerConfigKey);
        var fromBrowser = connectionConfig.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty);
        if (posted is null)
        {
            // The integration's own app: the scopes it asks for are the developer's (its scopes, or the session's
            // connection_config), never the browser's — Nango only takes them with the end user's own client.
            fromBrowser.Remove("oauth_scopes");
        }

        var config = ConnectionConfig(fromBrowser, defaults);
        if (defaults?["authorization_params"] is JsonObject authorizationParams)
        {
            // Nango keeps them in the connection config, where every token request of the connection reads them.
            config["authorization_params"] = authorizationParams.DeepClone();
        }

        RequireTokenUrl(provider, Lookup(config), config);
        var fresh = new FreshCredentials(
            new StoredCredentials(0, integration.Id, providerConfigKey, connectionId, integration.Provider, integration.BaseUrl, [], config.ToJsonString(), null, RefreshStatus.None),
            new JsonObject { ["type"] = "OAUTH2_CC" },
            config,
            provider);
        JsonObject answer;
        try
        {
            answer = await _tokens.ClientCredentialsAsync(provider, fresh, client, cancellationToken);
        }
        catch (ConnectionRefreshException ex)
        {
            _logger.LogWarning("The client-credentials token request of integration {Integration} failed: {Failure}", providerConfigKey, ex.Message);
            throw new InvalidInputException("invalid_credentials", ex.Message);
        }

        var now = _timeProvider.GetUtcNow();
        // Nango: a client-credentials token without a stated expiry lives 55 minutes.
        var expiresAt = TokenExpiry.FromTokenAnswer(answer, now) ?? now.AddMinutes(55);
        var credentials = new JsonObject
        {
            ["type"] = "OAUTH2_CC",
            ["token"] = (string?)answer["access_token"],
            ["client_id"] = client.ClientId,
            ["expires_at"] = Micros.ToIsoString(Micros.From(expiresAt)),
            ["raw"] = answer.DeepClone(),
        };
        if (posted?.ClientSecret is { } ownSecret)
        {
            // Only the end user's own secret is kept with the connection; the integration's stays the integration's
            // (refreshes read it from there, so rotating it reaches every connection).
            credentials["client_secret"] = ownSecret;
        }

        var target = new StoreTarget(session.Tenant, session.Body, providerConfigKey, integration.Provider, connectionId, session.ConnectionId is not null);
        await StoreAsync(target, credentials, config, cancellationToken);
        return connectionId;
    }

    /// <summary>
    /// Creates the connection, or overrides a reconnected one, with its auth webhook (<c>creation</c> or
    /// <c>override</c>) in the same transaction; answers whether it was an override.
    /// </summary>
    private async Task<bool> StoreAsync(StoreTarget target, JsonObject credentials, JsonObject config, CancellationToken cancellationToken)
    {
        var tenant = target.Tenant;
        var environment = tenant.EnvironmentName is { Length: > 0 } name
            ? name
            : await _webhookStore.GetEnvironmentNameAsync(tenant.EnvironmentId, cancellationToken) ?? string.Empty;
        var authMode = (string)credentials["type"]!;
        var existing = target.Reconnect ? await _connections.GetAsync(tenant.EnvironmentId, target.ConnectionId, target.ProviderConfigKey, cancellationToken) : null;
        if (target.Reconnect && existing is null)
        {
            // Deleted while the end user was at the provider: nothing is created under its id (RequireReconnectedConnectionAsync).
            throw new InvalidInputException("invalid_connection", null);
        }

        if (existing is null)
        {
            // Nango: a session's webhook_url_override becomes the new connection's.
            var urlOverride = (string?)target.SessionBody?["webhook_url_override"];
            var profile = ConnectionProfile.FromSession(target.SessionBody);
            var created = new AuthFacts(tenant.EnvironmentId, environment, 0, target.ConnectionId, target.ProviderConfigKey, target.Provider, authMode, urlOverride, target.SessionBody)
            {
                Tags = profile?.Tags,
            };
            var creation = await _authWebhooks.CreationAsync(created, cancellationToken);
            await _connectionService.CreateAsync(
                tenant,
                new NewConnectionRequest(target.ProviderConfigKey, target.ConnectionId, credentials, "{}")
                {
                    ConnectionConfig = config,
                    WebhookUrlOverride = urlOverride,
                    Profile = profile,
                    Webhooks = creation,
                },
                cancellationToken);
            _authWebhooks.Committed(creation.Count > 0);
            return false;
        }

        // Re-authorization replaces the credentials in place and resets the refresh bookkeeping, as Nango's upsert does.
        var refreshable = credentials["refresh_token"] is not null || authMode == "OAUTH2_CC";
        var expiresAt = refreshable ? TokenExpiry.Read(credentials["expires_at"]) : null;
        // Nango: a reconnect session's webhook_url_override is copied onto the connection too ("" clears it); a
        // session without one leaves the connection's. The override webhook goes where the connection's go from now.
        var newUrlOverride = (string?)target.SessionBody?["webhook_url_override"];
        // Nango: a reconnect session that names an end user (or tags) updates the connection's; one without keeps them.
        var newProfile = ConnectionProfile.FromSession(target.SessionBody);
        // Nango's reconnect session carries the connection's end user when it names none: the override webhook's endUser.
        var endUserFields = target.SessionBody?["end_user"] is JsonObject ? target.SessionBody : ConnectionProfile.AsSessionFields(existing.EndUserJson);
        var overridden = new AuthFacts(
            existing.EnvironmentId, environment, existing.Id, target.ConnectionId, target.ProviderConfigKey, target.Provider, authMode, newUrlOverride ?? existing.WebhookUrlOverride, endUserFields)
        {
            Tags = newProfile?.Tags ?? ConnectionProfile.ParseTags(existing.TagsJson),
        };
        var webhooks = await _authWebhooks.OverrideAsync(overridden, cancellationToken);
        var session = new ReconnectSessionFields(newUrlOverride, newProfile?.EndUser?.ToJsonString(), newProfile?.Tags.ToJsonString());
        await _credentialStore.OverrideAsync(
            existing.Id, config.ToJsonString(), _protector.Protect(credentials.ToJsonString()), expiresAt, Micros.Now(_timeProvider), session, webhooks, cancellationToken);
        _changes.Changed();
        _authWebhooks.Committed(webhooks.Count > 0);
        return true;
    }

    /// <summary>
    /// A session's <c>oauth_scopes_override</c>: Nango's is one comma-separated string; a list is taken too (the form
    /// <c>POST /connections</c> takes in <c>connection_config</c>).
    /// </summary>
    private static List<string>? OverriddenScopes(JsonNode? node) => node switch
    {
        JsonArray list => [.. list.Select(s => (string?)s).OfType<string>()],
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String =>
            [.. value.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        _ => null,
    };

    /// <summary>
    /// A reconnect session's connection must still be there: Nango's bare 400 <c>invalid_connection</c> otherwise (the
    /// flow would create a new connection under the deleted one's id, which nobody asked for).
    /// </summary>
    private async Task RequireReconnectedConnectionAsync(ConnectSession session, string providerConfigKey, CancellationToken cancellationToken)
    {
        if (session.ConnectionId is { } connectionId
            && await _connections.GetAsync(session.Tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken) is null)
        {
            throw new InvalidInputException("invalid_connection", null);
        }
    }

    /// <summary>The integration, its template, the auth mode, then the session's allowance: the order of Nango's API-key, basic and client-credentials controllers.</summary>
    private async Task<(Integration Integration, ProviderDefinition Provider)> ResolveAsync(
        ConnectSession session, string providerConfigKey, AuthMode mode, FlowKind flow, CancellationToken cancellationToken)
    {
        var found = await FindAsync(session, providerConfigKey, flow, cancellationToken);
        RequireMode(found.Provider, mode, flow);
        RequireAllowed(session, providerConfigKey);
        return found;
    }

    private async Task<(Integration Integration, ProviderDefinition Provider)> FindAsync(
        ConnectSession session, string providerConfigKey, FlowKind flow, CancellationToken cancellationToken)
    {
        var integration = await _integrations.GetAsync(session.Tenant.EnvironmentId, providerConfigKey, cancellationToken)
            ?? throw flow switch
            {
                // Nango's client-credentials controller: its NangoError, a 400.
                FlowKind.ClientCredentials => NangoErrors.UnknownProviderConfig(),
                FlowKind.CredentialsForm => new NotFoundException("unknown_provider_config", null),
                _ => new NotFoundException("unknown_provider_config", $"Provider config {providerConfigKey} is unknown. Please create it first."),
            };
        var provider = _catalogue.Find(integration.Provider)
            ?? throw new NotFoundException(
                "unknown_provider_template",
                flow == FlowKind.OAuthRedirect ? $"No Provider Configuration with key \"{integration.Provider}\"." : null); // WSErrBuilder.UnknownProviderTemplate
        return (integration, provider);
    }

    private static void RequireMode(ProviderDefinition provider, AuthMode mode, FlowKind flow)
    {
        if (provider.AuthMode != mode)
        {
            throw new InvalidInputException("invalid_auth_mode", flow switch
            {
                FlowKind.CredentialsForm => null,
                FlowKind.ClientCredentials => "Invalid auth mode. The provider does not support this auth mode.",

                // Nango's WSErrBuilder.UnknownAuthMode.
                _ => $"Auth mode {AuthModes.ToName(provider.AuthMode)} not supported.",
            });
        }
    }

    /// <summary>Nango's <c>isIntegrationAllowed</c>: the code alone, on every flow.</summary>
    private static void RequireAllowed(ConnectSession session, string providerConfigKey)
    {
        if (!session.Allows(providerConfigKey))
        {
            throw new InvalidInputException("integration_not_allowed", null);
        }
    }

    /// <summary>
    /// The token URL (where the client's secret goes) filled from the connection config, as Nango checks it before
    /// anything is asked of the provider, and the host names of both URLs (<see cref="RequireHostNames"/>).
    /// </summary>
    private static void RequireTokenUrl(ProviderDefinition provider, Func<string, string?> lookup, JsonObject config)
    {
        if (provider.TokenUrl is { } tokenUrl && Interpolation.Fill(tokenUrl, lookup) is null)
        {
            throw MissingConnectionConfig(tokenUrl, config);
        }

        RequireHostNames(provider, lookup);
    }

    /// <summary>
    /// A connection config value that would fill the host of the authorization or the token URL must be a host name:
    /// the browser sends it, and the client's secret (the integration's, often) goes to the token URL.
    /// </summary>
    private static void RequireHostNames(ProviderDefinition provider, Func<string, string?> lookup)
    {
        foreach (var template in new[] { provider.AuthorizationUrl, provider.TokenUrl })
        {
            if (template is not null && Interpolation.UnsafeHostPlaceholder(template, lookup) is { } name)
            {
                throw new InvalidInputException(
                    "invalid_connection_config", $"{name} fills the host of the provider's {(template == provider.TokenUrl ? "token" : "authorization")} URL and must be a host name (letters, digits, '.', '-', '_', a port's ':').");
            }
        }
    }

    /// <summary>
    /// Nango's <c>WSErrBuilder.InvalidConnectionConfig</c>: what the connection config could not fill (a URL template, or
    /// <c>authorization_params</c> / <c>token_params</c>) and the config it had, as <c>JSON.stringify</c> writes it.
    /// </summary>
    private static InvalidInputException MissingConnectionConfig(string what, JsonObject config) => new(
        "invalid_connection_config",
        $"Missing Connection Config param(s) in Auth request to interpolate url {what}. Provided Connection Config: {Stringify(config)}");

    /// <summary><c>JSON.stringify</c> of a connection config: its keys in the order they were set, strings escaped as JavaScript escapes them.</summary>
    private static string Stringify(JsonObject config)
    {
        var text = new StringBuilder("{");
        foreach (var (name, value) in config)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            SortedJson.WriteString(text, name);
            text.Append(':');
            SortedJson.Write(text, value);
        }

        return text.Append('}').ToString();
    }

    private static JsonObject ConnectionConfig(IReadOnlyDictionary<string, string> fromBrowser, JsonObject? defaults)
    {
        var config = new JsonObject();
        foreach (var (name, value) in fromBrowser)
        {
            if (name != "webhook_url")
            {
                config[name] = value;
            }
        }

        foreach (var (name, value) in defaults?["connection_config"] as JsonObject ?? [])
        {
            config[name] = value?.DeepClone();
        }

        return config;
    }

    private static Func<string, string?> Lookup(JsonObject config) => name =>
        name.StartsWith("connectionConfig.", StringComparison.Ordinal) && config[name["connectionConfig.".Length..]] is JsonValue value
            ? value.ToString()
            : null;

    private static FreshCredentials Fresh(Integration integration, StoredOAuthState state, JsonObject config, ProviderDefinition provider) => new(
        new StoredCredentials(0, integration.Id, state.ProviderConfigKey, state.ConnectionId, integration.Provider, integration.BaseUrl, [], state.ConnectionConfigJson, null, RefreshStatus.None),
        [],
        config,
        provider);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Which flow asks, for the wording of its errors: Nango's controllers answer the same failure differently.</summary>
internal enum FlowKind
{
    /// <summary><c>POST /api-auth/api-key|basic</c>: the code alone.</summary>
    CredentialsForm,

    /// <summary><c>POST /oauth2/auth</c>: Nango's NangoError texts.</summary>
    ClientCredentials,

    /// <summary><c>GET /oauth/connect</c>: texts for the popup's WebSocket.</summary>
    OAuthRedirect,
}

/// <summary>Which connection a flow stores, for whom, and what its auth webhook says about the session.</summary>
internal sealed record StoreTarget(Tenant Tenant, JsonObject? SessionBody, string ProviderConfigKey, string Provider, string ConnectionId, bool Reconnect);

/// <summary>What the browser sent to <c>GET /oauth/connect/{key}</c>.</summary>
/// <param name="CallbackUrl">The redirect URI (<c>{public url}/oauth/callback</c>).</param>
/// <param name="Credentials">
/// <c>credentials[k]=v</c>: <c>oauth_client_id_override</c> and <c>oauth_client_secret_override</c>, the OAuth app of this
/// one connection (as <c>@nangohq/frontend</c> sends them); empty for the integration's.
/// </param>
public sealed record OAuthStart(
    string CallbackUrl,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> AuthorizationParams,
    string? WebSocketClientId,
    IReadOnlyDictionary<string, string>? Credentials = null);

/// <summary>What the provider sent back to <c>GET /oauth/callback</c>.</summary>
/// <param name="Query">Every single-valued parameter of the callback, for the provider's <c>redirect_uri_metadata</c>.</param>
public sealed record OAuthCallback(string? State, string? Code, string? Error, string? ErrorDescription, string CallbackUrl, IReadOnlyDictionary<string, string>? Query = null);

/// <summary>How a flow ended; <see cref="WebSocketClientId"/> says which waiting browser to tell.</summary>
public sealed record ConnectOutcome(bool Success, string? ProviderConfigKey, string? ConnectionId, string? WebSocketClientId, string? ErrorType, string? ErrorDescription)
{
    public static ConnectOutcome Failed(StoredOAuthState? state, string type, string description) =>
        new(false, state?.ProviderConfigKey, state?.ConnectionId, state?.WebSocketClientId, type, description);
}
