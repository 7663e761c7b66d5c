using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Services;

namespace Tributary.Core.Connect;

/// <summary>Connect sessions (reference §A.2): create, reconnect, authenticate by token, delete.</summary>
public sealed class ConnectSessionService
{
    /// <summary>Nango's <c>CONNECT_SESSION_TTL_MS</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public const string TokenPrefix = "nango_connect_session_";

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly IConnectSessionStore _store;
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly TimeProvider _timeProvider;

    public ConnectSessionService(IConnectSessionStore store, IIntegrationStore integrations, IConnectionStore connections, TimeProvider timeProvider)
    {
        _store = store;
        _integrations = integrations;
        _connections = connections;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether <paramref name="token"/> has the shape of a session token (Nango's regex): anything else is not looked up.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 86 } && token.StartsWith(TokenPrefix, StringComparison.Ordinal)
        && token.AsSpan(TokenPrefix.Length).IndexOfAnyExcept(LowerHex) < 0;

    /// <summary>
    /// A new session, checked as Nango's <c>generateSession</c>: every integration in <c>allowed_integrations</c> must
    /// exist (400 <c>invalid_body</c>, a <c>custom</c> issue "Integration does not exist" at each
    /// <c>["allowed_integrations", i]</c>), then every key of <c>integrations_config_defaults</c> and <c>overrides</c>
    /// (the same issue at <c>[record, key]</c>), then no <c>docs_connect</c> override (<see cref="RefuseDocsConnectOverride"/>).
    /// </summary>
    public async Task<CreatedConnectSession> CreateAsync(Tenant tenant, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(body);
        var allowed = (body["allowed_integrations"] as JsonArray ?? [])
            .Select((k, i) => ((string?)k, (IReadOnlyList<string>)["allowed_integrations", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        await ThrowMissingAsync(tenant, allowed, cancellationToken);
        await ThrowMissingAsync(tenant, RecordKeys(body), cancellationToken);
        RefuseDocsConnectOverride(body);
        return await StoreAsync(tenant, body, null, null, cancellationToken);
    }

    /// <summary>
    /// A session bound to one existing connection: its flows replace that connection's credentials. Nango's order: the
    /// connection, then the keys of <c>integrations_config_defaults</c> and <c>overrides</c>, then no <c>docs_connect</c>.
    /// </summary>
    public async Task<CreatedConnectSession> CreateReconnectAsync(Tenant tenant, string connectionId, string integrationKey, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(body);
        if (await _connections.GetAsync(tenant.EnvironmentId, connectionId, integrationKey, cancellationToken) is null)
        {
            throw new InvalidInputException("invalid_body", "ConnectionID or IntegrationId does not exists");
        }

        await ThrowMissingAsync(tenant, RecordKeys(body), cancellationToken);
        RefuseDocsConnectOverride(body);
        body["allowed_integrations"] = new JsonArray(integrationKey);
        return await StoreAsync(tenant, body, connectionId, integrationKey, cancellationToken);
    }

    /// <summary>
    /// Nango refuses a Connect UI docs link override (a non-empty <c>docs_connect</c>) unless the account's plan allows
    /// it, and a self-hosted Nango has no plan: 403 <c>forbidden</c>.
    /// </summary>
    private static void RefuseDocsConnectOverride(JsonObject body)
    {
        if (body["overrides"] is JsonObject overrides
            && overrides.Any(o => o.Value?["docs_connect"] is JsonValue link && link.TryGetValue<string>(out var text) && text.Length > 0))
        {
            throw new ForbiddenException("forbidden", "You are not allowed to override the docs connect url");
        }
    }

    /// <summary>The body's records keyed by integration, in the order Nango reports their missing keys.</summary>
    private static readonly string[] IntegrationRecords = ["integrations_config_defaults", "overrides"];

    private static IEnumerable<(string? Key, IReadOnlyList<string> Path)> RecordKeys(JsonObject body) =>
        IntegrationRecords.SelectMany(record =>
            (body[record] as JsonObject ?? []).Select(p => ((string?)p.Key, (IReadOnlyList<string>)[record, p.Key])));

    private async Task ThrowMissingAsync(Tenant tenant, IEnumerable<(string? Key, IReadOnlyList<string> Path)> named, CancellationToken cancellationToken)
    {
        var issues = new List<BodyIssue>();
        foreach (var (key, path) in named)
        {
            if (key is null || await _integrations.GetAsync(tenant.EnvironmentId, key, cancellationToken) is null)
            {
                issues.Add(new BodyIssue("custom", "Integration does not exist", path));
            }
        }

        if (issues.Count > 0)
        {
            throw new InvalidBodyException(issues);
        }
    }

    /// <summary>The live session of this token, or null (unknown, malformed, expired or deleted).</summary>
    public async Task<ConnectSession?> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        var stored = await _store.GetSessionAsync(ApiKeys.Hash(token!), Micros.Now(_timeProvider), cancellationToken);
        return stored is null ? null : ToSession(stored);
    }

    public Task DeleteAsync(ConnectSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _store.DeleteSessionAsync(session.TokenHash, cancellationToken);
    }

    private async Task<CreatedConnectSession> StoreAsync(Tenant tenant, JsonObject body, string? connectionId, string? integrationKey, CancellationToken cancellationToken)
    {
        var token = TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = _timeProvider.GetUtcNow();
        var expiresAt = now + Lifetime;
        await _store.CreateSessionAsync(
            new StoredConnectSession(ApiKeys.Hash(token), tenant.EnvironmentId, tenant.EnvironmentName, body.ToJsonString(), connectionId, integrationKey, Micros.From(expiresAt), Micros.From(now)),
            cancellationToken);
        return new CreatedConnectSession(token, expiresAt);
    }

    private static ConnectSession ToSession(StoredConnectSession stored) => new(
        stored.TokenHash,
        new Tenant(stored.EnvironmentId, stored.EnvironmentName),
        JsonNode.Parse(stored.BodyJson) as JsonObject ?? [],
        stored.ConnectionId,
        stored.IntegrationKey,
        Micros.ToDateTimeOffset(stored.ExpiresAt),
        Micros.ToDateTimeOffset(stored.CreatedAt));
}
