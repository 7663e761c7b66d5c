using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Sdk.Paging;

namespace Tributary.Core.DryRun;

/// <summary>Everything a dryrun needs to run a sync's function once, read from the database and never written back.</summary>
/// <param name="Checkpoint">The checkpoint the run starts from: the caller's, else the stored one, else none.</param>
/// <param name="Metadata">The connection's metadata the function sees: the caller's, else the stored one.</param>
/// <param name="BaseUrl">The provider API's base (the integration's <c>base_url</c>, else the template's).</param>
/// <param name="Pagination">The template's <c>proxy.paginate</c> as the SDK reads it, or null (none, or one it cannot follow).</param>
public sealed record DryRunTarget(
    Connection Connection,
    SyncRow Sync,
    SyncConfig Config,
    FreshCredentials Credentials,
    JsonObject? Checkpoint,
    JsonObject Metadata,
    Uri? BaseUrl,
    PaginationOptions? Pagination)
{
    public DateTimeOffset? LastSyncDate => Micros.ToDateTimeOffset(Sync.LastSyncDate);
}
