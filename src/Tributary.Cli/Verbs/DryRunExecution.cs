using System.Text.Json.Nodes;
using Tributary.Core.DryRun;
using Tributary.Sdk.Testing;
using Tributary.Server.Hosting;

namespace Tributary.Cli.Verbs;

/// <summary>What one dryrun did: the context holding its records and checkpoint, its provider calls, and how it ended.</summary>
internal sealed record DryRunOutcome(
    DryRunTarget Target,
    TestSyncContext Context,
    IReadOnlyList<DryRunCall> Calls,
    ResponseRecorder? Recorder,
    Exception? Failure);

/// <summary>
/// Runs a sync's function once on a real connection with an in-memory records cache: <see cref="TestSyncContext"/>,
/// the very context the function's unit tests use, so a dryrun and a unit test on its saved answers apply the same
/// rules to the same calls. Its provider client is the run's handler chain (credentials, refresh, retries), wrapped in
/// a call log and, when asked, a <see cref="ResponseRecorder"/>.
/// </summary>
internal static class DryRunExecution
{
    /// <summary>Runs <paramref name="target"/>'s function once; <c>saveResponses</c> is the folder for the recorded answers, or null.</summary>
    public static async Task<DryRunOutcome> RunAsync(DryRunHost host, DryRunTarget target, string? saveResponses, CancellationToken cancellationToken)
    {
        HttpMessageHandler provider = host.Targets.CreateHandler(target);
        var recorder = saveResponses is null ? null : new ResponseRecorder(saveResponses, target.BaseUrl) { InnerHandler = provider };
        using var calls = new DryRunCallLog { InnerHandler = recorder ?? provider };
        var context = new TestSyncContext(target.Config.Models, target.Metadata, TimeProvider.System)
        {
            HttpHandler = calls,
            HttpBaseAddress = target.BaseUrl,
            ConnectionIdValue = target.Connection.ConnectionId,
            ProviderConfigKeyValue = target.Connection.ProviderConfigKey,
            ProviderValue = target.Connection.Provider,
            SyncNameValue = target.Sync.Name,
            VariantValue = target.Sync.Variant,
            ProviderPaginationValue = target.Pagination,
            StoredLastSyncDate = target.LastSyncDate,
            RunCancellationToken = cancellationToken,
            StoredCheckpoint = target.Checkpoint,
            StoredConnectionConfig = (JsonObject)target.Credentials.ConnectionConfig.DeepClone(),
        };

        Exception? failure = null;
        var (function, scope) = host.CreateFunction(target.Config.Function);
        await using (scope)
        {
            try
            {
                await function.RunAsync(context, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Shown with what the function did until then, as a run's log would show it.
                failure = ex;
            }
        }

        return new DryRunOutcome(target, context, calls.Calls, recorder, failure);
    }
}
