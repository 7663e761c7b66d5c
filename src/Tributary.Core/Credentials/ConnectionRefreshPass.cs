using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Credentials;

/// <summary>
/// Refreshes idle connections whose tokens expire soon, so a connection nothing reads for hours does not come back
/// with a dead token and, with rotating refresh tokens, a refresh token near its own end. Runs on worker roles; the
/// refresh lease keeps two processes' passes from refreshing one connection twice.
/// </summary>
/// <remarks>
/// Nango's cron visits connections idle for a day and refreshes those within the 15-minute margin. This pass looks at
/// expiry instead: every connection whose token expires within the margin plus one interval is refreshed before it
/// expires. A connection whose refresh failed <see cref="MaxAttempts"/> times in a row is left to a run, a
/// <c>force_refresh</c> or a reconnect (Nango's <c>refresh_exhausted</c>).
/// </remarks>
public sealed class ConnectionRefreshPass : PeriodicPass
{
    public const int MaxAttempts = 4;
    private const int BatchSize = 100;

    private readonly IConnectionCredentialStore _store;
    private readonly ConnectionCredentials _credentials;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConnectionRefreshPass> _logger;

    public ConnectionRefreshPass(
        IConnectionCredentialStore store,
        ConnectionCredentials credentials,
        EngineOptions options,
        TimeProvider timeProvider,
        ILogger<ConnectionRefreshPass> logger)
        : base(timeProvider, logger)
    {
        _store = store;
        _credentials = credentials;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static TimeSpan PassInterval { get; } = TimeSpan.FromMinutes(5);

    protected override bool IsEnabled => _options.RunWorkers;

    protected override TimeSpan Interval => PassInterval;

    protected override string Name => "Connection refresh";

    /// <summary>Refreshes every connection expiring before the next pass could; returns how many it looked at.</summary>
    public override async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var horizon = _timeProvider.GetUtcNow() + Providers.ProviderDefinition.DefaultExpirationBuffer + PassInterval;
        var ids = await _store.ListExpiringAsync(Micros.From(horizon), MaxAttempts, BatchSize, cancellationToken);
        foreach (var id in ids)
        {
            try
            {
                await _credentials.GetAsync(id, CredentialDemand.Fresh, cancellationToken);
            }
            catch (ConnectionRefreshException)
            {
                // Recorded on the connection and logged by ConnectionCredentials; the next connection goes on.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Refreshing connection {ConnectionDbId} in the background failed.", id);
            }
        }

        return ids.Count;
    }

    protected override void LogDone(long count) =>
        _logger.LogInformation("Connection refresh looked at {Count} connections whose tokens expire soon.", count);
}
