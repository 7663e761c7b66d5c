using System.Runtime.CompilerServices;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>The runs API: what a trigger or a schedule did, run by run.</summary>
public sealed class RunsClient
{
    private static readonly HashSet<string> FinalStates = ["succeeded", "failed", "cancelled"];
    private readonly ApiTransport _api;

    internal RunsClient(ApiTransport api)
    {
        _api = api;
    }

    /// <summary>Whether a run in <paramref name="state"/> is over (succeeded, failed or cancelled).</summary>
    /// <param name="state">A run's state.</param>
    /// <returns>True for a final state.</returns>
    public static bool IsFinal(string state) => FinalStates.Contains(state);

    /// <summary>GET /runs: one page, newest first.</summary>
    /// <param name="query">Filters, page size and the previous page's cursor; null for the first page of all runs.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page and the next page's cursor.</returns>
    public Task<RunListResponse> ListAsync(RunListQuery? query, CancellationToken cancellationToken)
    {
        var path = new Query("runs")
            .Add("provider_config_key", query?.ProviderConfigKey).Add("connection_id", query?.ConnectionId).Add("sync", query?.Sync)
            .Add("variant", query?.Variant).Add("state", query?.State).Add("batch_id", query?.BatchId).Add("limit", query?.Limit).Add("cursor", query?.Cursor);
        return _api.SendAsync(HttpMethod.Get, path.ToString(), ContractsJsonContext.Default.RunListResponse, cancellationToken);
    }

    /// <summary>Every run matching <paramref name="query"/>, newest first, page after page.</summary>
    /// <param name="query">Filters and page size; its cursor is where the listing starts.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The runs.</returns>
    public async IAsyncEnumerable<RunResponse> ListAllAsync(RunListQuery? query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = query ?? new RunListQuery(null, null, null, null, null, null, null, null);
        while (true)
        {
            var page = await ListAsync(next, cancellationToken);
            foreach (var run in page.Runs)
            {
                yield return run;
            }

            if (page.NextCursor is null || page.Runs.Count == 0)
            {
                yield break;
            }

            next = next with { Cursor = page.NextCursor };
        }
    }

    /// <summary>GET /runs/{id}.</summary>
    /// <param name="runId">The run id (a trigger's <c>run_id</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The run.</returns>
    public Task<RunResponse> GetAsync(string runId, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Get, $"runs/{Query.Segment(runId)}", ContractsJsonContext.Default.RunResponse, cancellationToken);

    /// <summary>POST /runs/{id}/cancel: cancels a queued or running run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The run after the change.</returns>
    public Task<RunResponse> CancelAsync(string runId, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, $"runs/{Query.Segment(runId)}/cancel", ContractsJsonContext.Default.RunResponse, cancellationToken);

    /// <summary>Polls the run until it is over, reporting each reading.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="pollInterval">Time between readings.</param>
    /// <param name="progress">Told each reading (state and counts so far), or null.</param>
    /// <param name="cancellationToken">Ends the wait (the run goes on).</param>
    /// <returns>The run in its final state.</returns>
    public async Task<RunResponse> WaitAsync(string runId, TimeSpan pollInterval, IProgress<RunResponse>? progress, CancellationToken cancellationToken)
    {
        while (true)
        {
            var run = await GetAsync(runId, cancellationToken);
            progress?.Report(run);
            if (IsFinal(run.State))
            {
                return run;
            }

            await Task.Delay(pollInterval, TimeProvider.System, cancellationToken);
        }
    }
}
