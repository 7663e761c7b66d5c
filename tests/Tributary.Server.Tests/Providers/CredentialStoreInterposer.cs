using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// Puts the test between the refresh path and the server's real credential store: a one-shot step armed by the test
/// runs just before the next lease request, save of refreshed tokens or recorded failure, to place another process's
/// action (or a cancellation) exactly inside the refresh. A step gets the real store, the connection's row id and the
/// token the refresh passed to the store.
/// </summary>
public sealed class CredentialStoreInterposer
{
    private InterposedStep? _beforeLease;
    private InterposedStep? _beforeSaveRefreshed;
    private InterposedStep? _beforeRecordFailure;
    private readonly TaskCompletionSource<bool> _firstSaveRefreshed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fired;

    /// <summary>How many armed steps have run.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>
    /// The answer (or the exception) of the first save of refreshed tokens, once the real store has given it. A
    /// run cancelled through the API is "cancelled" before its refresh has stored anything: a test that cancels one
    /// waits for this before it reads the connection.
    /// </summary>
    public Task<bool> FirstSaveRefreshed => _firstSaveRefreshed.Task;

    public delegate Task InterposedStep(IConnectionCredentialStore real, long connectionDbId, CancellationToken refreshToken);

    public void BeforeNextLease(InterposedStep step) => Volatile.Write(ref _beforeLease, step);

    public void BeforeNextSaveRefreshed(InterposedStep step) => Volatile.Write(ref _beforeSaveRefreshed, step);

    public void BeforeNextRecordFailure(InterposedStep step) => Volatile.Write(ref _beforeRecordFailure, step);

    /// <summary>Replaces the server's credential store with the real one behind this interposer.</summary>
    public void Wrap(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IConnectionCredentialStore));
        services.AddSingleton<IConnectionCredentialStore>(sp => new Store((IConnectionCredentialStore)real.ImplementationFactory!(sp), this));
    }

    private sealed class Store(IConnectionCredentialStore inner, CredentialStoreInterposer interposer) : IConnectionCredentialStore
    {
        public async Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long leaseMicros, CancellationToken cancellationToken)
        {
            await RunAsync(ref interposer._beforeLease, connectionDbId, cancellationToken);
            return await inner.TryLeaseAsync(connectionDbId, owner, now, leaseMicros, cancellationToken);
        }

        public async Task<bool> SaveRefreshedAsync(
            long connectionDbId, string owner, long? lastSuccessRead, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken)
        {
            await RunAsync(ref interposer._beforeSaveRefreshed, connectionDbId, cancellationToken);
            try
            {
                var saved = await inner.SaveRefreshedAsync(connectionDbId, owner, lastSuccessRead, encryptedCredentials, expiresAt, now, cancellationToken);
                interposer._firstSaveRefreshed.TrySetResult(saved);
                return saved;
            }
            catch (Exception ex)
            {
                // A save that threw (a cancelled one, say) is what the test sees, not a timeout.
                interposer._firstSaveRefreshed.TrySetException(ex);
                throw;
            }
        }

        public async Task<RecordedFailure> RecordFailureAsync(
            long connectionDbId, string owner, long? lastSuccessRead, string failure, long now, IReadOnlyList<OutboxWebhook> firstFailureWebhooks, CancellationToken cancellationToken)
        {
            await RunAsync(ref interposer._beforeRecordFailure, connectionDbId, cancellationToken);
            return await inner.RecordFailureAsync(connectionDbId, owner, lastSuccessRead, failure, now, firstFailureWebhooks, cancellationToken);
        }

        public Task<StoredCredentials?> GetAsync(long connectionDbId, CancellationToken cancellationToken) =>
            inner.GetAsync(connectionDbId, cancellationToken);

        public Task SetConfigAndExpiryAsync(long connectionDbId, string connectionConfigJson, long? expiresAt, CancellationToken cancellationToken) =>
            inner.SetConfigAndExpiryAsync(connectionDbId, connectionConfigJson, expiresAt, cancellationToken);

        public Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken) =>
            inner.ReleaseLeaseAsync(connectionDbId, owner, cancellationToken);

        public Task OverrideAsync(
            long connectionDbId,
            string connectionConfigJson,
            byte[] encryptedCredentials,
            long? expiresAt,
            long now,
            ReconnectSessionFields session,
            IReadOnlyList<OutboxWebhook> webhooks,
            CancellationToken cancellationToken) =>
            inner.OverrideAsync(connectionDbId, connectionConfigJson, encryptedCredentials, expiresAt, now, session, webhooks, cancellationToken);

        public Task<IReadOnlyList<long>> ListExpiringAsync(long before, int maxAttempts, int limit, CancellationToken cancellationToken) =>
            inner.ListExpiringAsync(before, maxAttempts, limit, cancellationToken);

        // A ref to the armed field: the step runs once, whichever call takes it first.
        private Task RunAsync(ref InterposedStep? armed, long connectionDbId, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref armed, null) is { } step ? RunStepAsync(step, connectionDbId, cancellationToken) : Task.CompletedTask;

        private async Task RunStepAsync(InterposedStep step, long connectionDbId, CancellationToken cancellationToken)
        {
            await step(inner, connectionDbId, cancellationToken);
            Interlocked.Increment(ref interposer._fired);
        }
    }
}
