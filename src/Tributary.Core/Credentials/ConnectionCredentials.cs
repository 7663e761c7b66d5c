using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Providers;
using Tributary.Core.Security;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Credentials;

/// <summary>
/// Fresh credentials for a connection, refreshed when needed (reference §B): before a run, before a proxy call,
/// after a provider's 401, on <c>force_refresh</c>, and by the background pass.
/// </summary>
/// <remarks>
/// <para>One token request per connection however many callers: callers in this process queue on a per-connection
/// gate, and across processes the one holding the connection's refresh lease (a database row lease) calls the
/// provider while the others poll the row. Every caller re-reads the stored credentials after each wait, so a
/// caller that waited finds the new token and calls no one.</para>
/// <para>Rotating refresh tokens: the answer's tokens are stored in one UPDATE of the encrypted credentials, so the
/// old refresh token stays until the new one is committed. If the process dies between the provider's answer and
/// that commit, the new tokens are lost; a provider that revoked the old refresh token on use then refuses the next
/// refresh (invalid_grant), the failure is recorded on the connection, and the end user must reconnect. No order of
/// writes avoids this: the new refresh token exists only in the provider's answer. A cancelled caller is not such a
/// loss: from the token request on, the refresh runs to its stored end whatever the caller's token says.</para>
/// </remarks>
public sealed class ConnectionCredentials : IDisposable
{
    /// <summary>Nango's <c>REFRESH_FAILURE_COOLDOWN_MS</c>: after a failure, non-forced callers fail fast for this long.</summary>
    public static readonly TimeSpan FailureCooldown = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LeaseWait = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(50);

    private readonly IConnectionCredentialStore _store;
    private readonly IOAuthClientStore _clients;
    private readonly ProviderCatalogue _catalogue;
    private readonly CredentialProtector _protector;
    private readonly TokenClient _tokens;
    private readonly AuthWebhooks _authWebhooks;
    private readonly IConnectionStore _connections;
    private readonly IWebhookStore _webhookStore;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConnectionCredentials> _logger;
    private readonly ConnectionChanges _changes;
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _gates = new();
    private readonly string _owner = $"refresh-{Guid.NewGuid():N}";

    public ConnectionCredentials(
        IConnectionCredentialStore store,
        IOAuthClientStore clients,
        ProviderCatalogue catalogue,
        CredentialProtector protector,
        TokenClient tokens,
        AuthWebhooks authWebhooks,
        IConnectionStore connections,
        IWebhookStore webhookStore,
        TimeProvider timeProvider,
        ILogger<ConnectionCredentials> logger,
        ConnectionChanges changes)
    {
        _changes = changes;
        _store = store;
        _clients = clients;
        _catalogue = catalogue;
        _protector = protector;
        _tokens = tokens;
        _authWebhooks = authWebhooks;
        _connections = connections;
        _webhookStore = webhookStore;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <exception cref="ConnectionRefreshException">A refresh was needed and failed (recorded on the connection).</exception>
    public async Task<FreshCredentials> GetAsync(long connectionDbId, CredentialDemand demand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(demand);
        return await GetFromAsync(await ReadAsync(connectionDbId, cancellationToken), demand, cancellationToken);
    }

    /// <summary>
    /// As <see cref="GetAsync(long, CredentialDemand, CancellationToken)"/>, from credentials the caller has just read
    /// (a run reads them with its target): no read when they need no refresh; a refresh re-reads them as usual.
    /// </summary>
    /// <exception cref="ConnectionRefreshException">A refresh was needed and failed (recorded on the connection).</exception>
    public Task<FreshCredentials> GetAsync(StoredCredentials stored, CredentialDemand demand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(demand);
        return GetFromAsync(Open(stored), demand, cancellationToken);
    }

    private async Task<FreshCredentials> GetFromAsync(FreshCredentials first, CredentialDemand demand, CancellationToken cancellationToken)
    {
        var connectionDbId = first.Stored.ConnectionDbId;
        if (!NeedsRefresh(first, demand, first.AccessToken))
        {
            return first;
        }

        var gate = _gates.GetOrAdd(connectionDbId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(LeaseWait + LeaseWait, cancellationToken))
        {
            throw new ConnectionRefreshException($"Timed out waiting for another refresh of connection '{first.Stored.ConnectionId}'.");
        }

        try
        {
            var current = await ReadAsync(connectionDbId, cancellationToken);
            return NeedsRefresh(current, demand, first.AccessToken)
                ? await RefreshUnderLeaseAsync(current, demand, first.AccessToken, cancellationToken)
                : current;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Whether credentials read earlier (the proxy's cache) are within their refresh buffer now: the caller then goes
    /// through <see cref="GetAsync"/>, which refreshes (or fails fast in the cooldown after a failed refresh).
    /// </summary>
    public bool IsDueForRefresh(FreshCredentials current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return IsRefreshable(current) && IsExpiring(current);
    }

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    private async Task<FreshCredentials> RefreshUnderLeaseAsync(FreshCredentials current, CredentialDemand demand, string? seenToken, CancellationToken cancellationToken)
    {
        var id = current.Stored.ConnectionDbId;
        var waitUntil = _timeProvider.GetUtcNow() + LeaseWait;
        while (!await _store.TryLeaseAsync(id, _owner, Now, Micros.From(DateTimeOffset.UnixEpoch + LeaseDuration), cancellationToken))
        {
            // Another process is refreshing: wait for its result rather than calling the provider too.
            await Task.Delay(LeasePoll, _timeProvider, cancellationToken);
            current = await ReadAsync(id, cancellationToken);
            if (!NeedsRefresh(current, demand, seenToken))
            {
                return current;
            }

            if (_timeProvider.GetUtcNow() > waitUntil)
            {
                throw new ConnectionRefreshException(
                    $"Another process has been refreshing connection '{current.Stored.ConnectionId}' for more than {LeaseWait.TotalSeconds:0} s.");
            }
        }

        var released = false;
        try
        {
            // Double check under the lease: the previous holder may have just stored fresh tokens, or just recorded a
            // failure. The cooldown that failure starts is thrown from here, outside the catch below: it is that
            // holder's failure, already counted, and recording it again would count one refusal twice.
            current = await ReadAsync(id, cancellationToken);
            if (!NeedsRefresh(current, demand, seenToken))
            {
                return current;
            }

            // From the token request on, the caller's cancellation (a cancelled or paused run, a shutdown, a proxy
            // client gone) no longer stops the refresh: a provider that rotates refresh tokens revokes the old one as
            // it answers, so an answer not stored would leave the connection with a dead refresh token. The token
            // request's own timeout (TokenClient) bounds the wait.
            cancellationToken.ThrowIfCancellationRequested();
            JsonObject refreshed;
            try
            {
                refreshed = await RequestTokensAsync(current, CancellationToken.None);
            }
            catch (ConnectionRefreshException ex)
            {
                if (await RecordFailureAsync(current, ex.Message))
                {
                    released = true;
                    throw;
                }

                // Re-authorized while the provider refused the grant that reconnect replaced: not this connection's
                // failure any more, and its new credentials are what the caller wants.
                return await ReadAsync(id, CancellationToken.None);
            }

            var expiresAt = TokenExpiry.Read(refreshed["expires_at"]);
            var saved = await _store.SaveRefreshedAsync(
                id, _owner, current.Stored.Refresh.LastSuccess, _protector.Protect(refreshed.ToJsonString()), expiresAt, Now, CancellationToken.None);
            if (!saved)
            {
                // Re-authorized during the token request: the reconnect's grant is newer than these tokens.
                _logger.LogInformation(
                    "Connection {ConnectionId} ({ProviderConfigKey}) was re-authorized while its credentials were refreshed; the refresh's tokens were not stored.",
                    current.Stored.ConnectionId,
                    current.Stored.ProviderConfigKey);
                return await ReadAsync(id, CancellationToken.None);
            }

            released = true;
            _changes.Changed();
            _logger.LogInformation(
                "Refreshed the credentials of connection {ConnectionId} ({ProviderConfigKey}); they expire at {ExpiresAt}.",
                current.Stored.ConnectionId,
                current.Stored.ProviderConfigKey,
                expiresAt is { } at ? Micros.ToIsoString(at) : "no stated time");
            return current with { Credentials = refreshed, Stored = current.Stored with { ExpiresAt = expiresAt, Refresh = RefreshStatus.None } };
        }
        finally
        {
            if (!released)
            {
                await _store.ReleaseLeaseAsync(id, _owner, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Records the provider's refusal on the connection (which releases the lease) and logs it; false when the
    /// connection was re-authorized since it was read (nothing recorded, the lease still held).
    /// </summary>
    private async Task<bool> RecordFailureAsync(FreshCredentials current, string failure)
    {
        // The refresh auth webhook goes out once per failure streak: only the failure that starts one (the store
        // checks the count in the same statement) writes it, with the failure, in one transaction.
        var webhooks = current.Stored.Refresh.Attempts == 0 ? await RefreshFailedWebhooksAsync(current, failure) : [];
        var recorded = await _store.RecordFailureAsync(
            current.Stored.ConnectionDbId, _owner, current.Stored.Refresh.LastSuccess, failure, Now, webhooks, CancellationToken.None);
        if (recorded == RecordedFailure.Superseded)
        {
            return false;
        }

        _changes.Changed();
        _authWebhooks.Committed(recorded == RecordedFailure.CountedWithWebhooks);
        _logger.LogWarning(
            "Refreshing the credentials of connection {ConnectionId} ({ProviderConfigKey}) failed: {Failure}",
            current.Stored.ConnectionId,
            current.Stored.ProviderConfigKey,
            failure);
        return true;
    }

    private async Task<IReadOnlyList<OutboxWebhook>> RefreshFailedWebhooksAsync(FreshCredentials current, string error)
    {
        try
        {
            return await RenderRefreshFailedAsync(current, error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The failure itself must still be recorded: without its webhook rather than not at all.
            _logger.LogWarning(ex, "The refresh-failure webhook of connection {ConnectionId} could not be prepared.", current.Stored.ConnectionId);
            return [];
        }
    }

    private async Task<IReadOnlyList<OutboxWebhook>> RenderRefreshFailedAsync(FreshCredentials current, string error)
    {
        var connection = await _connections.GetByIdAsync(current.Stored.ConnectionDbId, CancellationToken.None);
        if (connection is null)
        {
            return [];
        }

        var environment = await _webhookStore.GetEnvironmentNameAsync(connection.EnvironmentId, CancellationToken.None) ?? string.Empty;
        var facts = new AuthFacts(
            connection.EnvironmentId,
            environment,
            connection.Id,
            connection.ConnectionId,
            connection.ProviderConfigKey,
            connection.Provider,
            current.Type ?? connection.CredentialsType,
            connection.WebhookUrlOverride,
            null)
        {
            Tags = Connect.ConnectionProfile.ParseTags(connection.TagsJson),
        };
        return await _authWebhooks.RefreshFailedAsync(facts, error, CancellationToken.None);
    }

    /// <summary>Asks the provider for new tokens and builds the credentials to store (the old refresh token kept when none comes back).</summary>
    private async Task<JsonObject> RequestTokensAsync(FreshCredentials current, CancellationToken cancellationToken)
    {
        var provider = current.Provider
            ?? throw new ConnectionRefreshException($"Provider '{current.Stored.Provider}' is not in the catalogue: add it under providers: in tributary.yaml to refresh its tokens.");
        var client = await ClientAsync(current, cancellationToken);
        var now = _timeProvider.GetUtcNow();
        if (current.Type == "OAUTH2_CC")
        {
            var answer = await _tokens.ClientCredentialsAsync(provider, current, client, cancellationToken);
            // Nango: a client-credentials token without a stated expiry lives 55 minutes.
            var expires = TokenExpiry.FromTokenAnswer(answer, now) ?? now.AddMinutes(55);
            var result = current.Credentials.DeepClone().AsObject();
            result["token"] = (string?)answer["access_token"];
            result["expires_at"] = Micros.ToIsoString(Micros.From(expires));
            result["raw"] = answer;
            return result;
        }

        var refreshToken = current.RefreshToken ?? throw new ConnectionRefreshException("The connection has no refresh token.");
        var tokens = await _tokens.RefreshAsync(provider, current, client, refreshToken, cancellationToken);
        var credentials = new JsonObject
        {
            ["type"] = "OAUTH2",
            ["access_token"] = (string?)tokens["access_token"],
            ["refresh_token"] = (string?)tokens["refresh_token"] ?? refreshToken,
        };
        if (TokenExpiry.FromTokenAnswer(tokens, now) is { } expiresAt)
        {
            credentials["expires_at"] = Micros.ToIsoString(Micros.From(expiresAt));
        }

        credentials["raw"] = tokens;
        if (current.Credentials["config_override"] is { } overrides)
        {
            credentials["config_override"] = overrides.DeepClone();
        }

        return credentials;
    }

    /// <summary>The OAuth app for the token request: the connection's <c>config_override</c> or client fields, else the integration's.</summary>
    private async Task<OAuthClientCredentials> ClientAsync(FreshCredentials current, CancellationToken cancellationToken)
    {
        var source = current.Type == "OAUTH2_CC" ? current.Credentials : current.Credentials["config_override"] as JsonObject;
        if ((string?)source?["client_id"] is { Length: > 0 } ownId && (string?)source["client_secret"] is { Length: > 0 } ownSecret)
        {
            return new OAuthClientCredentials(ownId, ownSecret, []);
        }

        var stored = await _clients.GetAsync(current.Stored.IntegrationId, cancellationToken)
            ?? throw new ConnectionRefreshException(
                $"Integration '{current.Stored.ProviderConfigKey}' has no OAuth client: set client_id and its secret (tributary.yaml or PATCH /integrations).");
        return new OAuthClientCredentials(stored.ClientId, stored.EncryptedSecret is { } secret ? Decrypt(secret) : null, stored.Scopes);
    }

    private bool NeedsRefresh(FreshCredentials current, CredentialDemand demand, string? seenToken)
    {
        if (!IsRefreshable(current))
        {
            return false;
        }

        var wanted = demand switch
        {
            CredentialDemand.ForceDemand => current.AccessToken == seenToken,
            CredentialDemand.RejectedDemand rejected => current.AccessToken == rejected.AccessToken,
            _ => IsExpiring(current),
        };
        if (wanted && demand is not CredentialDemand.ForceDemand && InCooldown(current))
        {
            // Nango's backoff: a busy sync must not hammer a token endpoint that just refused.
            throw new ConnectionRefreshException(
                $"The last refresh of connection '{current.Stored.ConnectionId}' failed less than {FailureCooldown.TotalSeconds:0} s ago: {current.Stored.Refresh.Error}")
            {
                InBackoff = true,
            };
        }

        return wanted;
    }

    private static bool IsRefreshable(FreshCredentials current) => current.Type switch
    {
        "OAUTH2" => current.RefreshToken is not null,
        "OAUTH2_CC" => true,
        _ => false,
    };

    private bool IsExpiring(FreshCredentials current)
    {
        if (current.Type == "OAUTH2_CC" && string.IsNullOrEmpty(current.AccessToken))
        {
            return true;
        }

        var expiresAt = TokenExpiry.Read(current.Credentials["expires_at"]);
        var buffer = current.Provider?.ExpirationBuffer ?? ProviderDefinition.DefaultExpirationBuffer;
        return expiresAt is { } at && at - Now < Micros.From(DateTimeOffset.UnixEpoch + buffer);
    }

    private bool InCooldown(FreshCredentials current) =>
        current.Stored.Refresh.LastFailure is { } failedAt && Now - failedAt < Micros.From(DateTimeOffset.UnixEpoch + FailureCooldown);

    private async Task<FreshCredentials> ReadAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(connectionDbId, cancellationToken)
            ?? throw new InvalidOperationException($"Connection {connectionDbId} no longer exists.");
        return Open(stored);
    }

    private FreshCredentials Open(StoredCredentials stored)
    {
        var credentials = JsonNode.Parse(Decrypt(stored.EncryptedCredentials)) as JsonObject ?? [];
        var config = JsonNode.Parse(stored.ConnectionConfigJson) as JsonObject ?? [];
        return new FreshCredentials(stored, credentials, config, _catalogue.Find(stored.Provider));
    }

    private string Decrypt(byte[] data)
    {
        try
        {
            return _protector.Unprotect(data);
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException(
                "Cannot decrypt the connection's credentials: this process's encryption key is not the one that stored them. "
                + "Processes sharing a database must share TRIBUTARY_ENCRYPTION_KEY (or one data folder).");
        }
    }

    private long Now => Micros.Now(_timeProvider);
}
