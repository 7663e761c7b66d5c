using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Tests.Services;

public sealed class WebhookServiceRetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetryDelivery_AnswersTheDeliveryAsTheRetryLeftIt_EvenWhenAWorkerDeliveredItRightAfter()
    {
        var store = new DeliveredRightAfterRetry();
        using var signal = new WebhookSignal();
        var service = new WebhookService(null!, store, null!, null!, signal, TimeProvider.System);

        var answer = await service.RetryDeliveryAsync(new Tenant(1, "dev"), 7, Token);

        // A second read would see "delivered" (the worker was quicker than the answer): the API reports what the call did.
        Assert.Equal((7L, DeliveryStates.Pending), (answer.Id, answer.State));
        Assert.Equal(DeliveryStates.Delivered, (await store.GetAsync(1, 7, Token))!.State);
    }

    [Fact]
    public async Task RetryDelivery_OfAnUnknownDelivery_IsNotFound()
    {
        using var signal = new WebhookSignal();
        var service = new WebhookService(null!, new DeliveredRightAfterRetry(), null!, null!, signal, TimeProvider.System);

        var error = await Assert.ThrowsAsync<Errors.NotFoundException>(() => service.RetryDeliveryAsync(new Tenant(2, "other"), 7, Token));

        Assert.Equal("No webhook delivery with this id.", error.Message);
    }

    /// <summary>One delivery (id 7, environment 1) that a worker delivers the moment a retry makes it pending.</summary>
    private sealed class DeliveredRightAfterRetry : IWebhookDeliveryStore
    {
        private WebhookDelivery _row = Row(DeliveryStates.Dead);

        public Task<WebhookDelivery?> RetryAsync(long environmentId, long id, long now, CancellationToken cancellationToken)
        {
            if (environmentId != 1 || id != 7)
            {
                return Task.FromResult<WebhookDelivery?>(null);
            }

            var retried = Row(DeliveryStates.Pending);
            _row = Row(DeliveryStates.Delivered);
            return Task.FromResult<WebhookDelivery?>(retried);
        }

        /// <summary>The delivery as a read after the retry sees it (what the service must not answer with).</summary>
        public Task<WebhookDelivery?> GetAsync(long environmentId, long id, CancellationToken cancellationToken) =>
            Task.FromResult<WebhookDelivery?>(environmentId == 1 && id == 7 ? _row : null);

        public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int max, long now, long leaseMicros, ClaimCursor after, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> MarkDeliveredAsync(DeliveryLease lease, int status, long now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<long>> MarkDeliveredManyAsync(IReadOnlyList<DeliveredAttempt> delivered, long now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> ReleaseAsync(DeliveryLease lease, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> MarkFailedAsync(DeliveryLease lease, long windowStartedAt, int? status, string failure, long? nextAttemptAt, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public bool LeaseOwnersShareThisHost => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> ReleaseLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<WebhookDelivery>> ListAsync(long environmentId, DeliveryFilter filter, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<int> DeleteFinishedAsync(long queuedBefore, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        private static WebhookDelivery Row(string state) =>
            new(7, 1, "c1", "demo", WebhookEvents.SyncSuccess, "http://127.0.0.1:1/hook", state, 3, 0, state == DeliveryStates.Pending ? 0 : null, null, 500, null);
    }
}
