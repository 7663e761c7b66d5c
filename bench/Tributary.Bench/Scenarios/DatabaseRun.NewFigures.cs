using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;

namespace Tributary.Bench.Scenarios;

/// <summary>B14 (webhooks, issue 12), B15 (proxy and SyncContext.Http, issue 10) and B16 (the Node client, issue 14).</summary>
internal sealed partial class DatabaseRun
{
    /// <summary><c>--only B14|B15|B16</c>: what the figure needs first, then the figure. False for any other run.</summary>
    private async Task<bool> NewFiguresOnlyAsync(CancellationToken cancellationToken)
    {
        switch (_context.Options.Only)
        {
            case "B14":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateFanoutConnectionsAsync(_context, api, cancellationToken);
                await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.LatencyConnection, [], cancellationToken); // B3 warms up on it
                var batchId = await FanoutScenario.TriggerAsync(_context, api, cancellationToken);
                await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain", cancellationToken))
                {
                    await StepAsync("B4", () => FanoutScenario.DrainAsync(_context, batchId, cancellationToken), cancellationToken);
                }

                await StepAsync("B14", () => WebhooksAsync(api, cancellationToken), cancellationToken);
                return true;
            }

            case "B15":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
                await StepAsync("B15", () => ProxyScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                return true;
            }

            case "B16":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
                await StepAsync("B5", () => RecordsScenario.FreshAsync(_context, api, cancellationToken), cancellationToken);
                await StepAsync("B12", () => ClientReadScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                await StepAsync("B16", () => NodeClientScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>B4's worker shape: the drain with webhooks compares against it.</summary>
    private int DrainSlots => Math.Max(200, _context.Profile.HoldHigh + 16);

    /// <summary>B14 on a fresh worker of B4's shape, after B4 (whose rate is its baseline).</summary>
    private async Task WebhooksAsync(BenchApi api, CancellationToken cancellationToken)
    {
        // Runs a stopped worker handed back (B11's holds) must not run, nor report, here.
        await using (var connection = await _context.OpenAsync(cancellationToken))
        {
            await QueueState.CancelActiveAsync(connection, cancellationToken);
        }

        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken);
        var batchId = await WebhookScenario.TriggerAsync(_context, api, receiver, cancellationToken);
        await using var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-webhooks", cancellationToken);
        await WebhookScenario.MeasureAsync(_context, api, receiver, batchId, cancellationToken);
    }
}
