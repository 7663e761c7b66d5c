using Tributary.Core.Logs;

namespace Tributary.Core.Ports;

/// <summary>Run logs: batched appends, paged reads by cursor, and deletion by age.</summary>
public interface IRunLogStore
{
    /// <summary>Appends lines (of any runs) in one transaction, in list order.</summary>
    Task AppendAsync(IReadOnlyList<RunLogLine> lines, CancellationToken cancellationToken);

    /// <summary>How many lines and bytes a run's stored log holds (a resumed attempt continues its cap).</summary>
    Task<RunLogUsage> GetUsageAsync(long runId, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the longest first part of the run's log within <paramref name="maxLines"/> and <paramref name="maxBytes"/>
    /// and deletes the lines after it (an earlier attempt's marker and tail, to make room for this attempt's).
    /// </summary>
    Task TrimAsync(long runId, long maxLines, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The run's lines after the line <paramref name="afterId"/> (0: from the start), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredRunLogLine>> ReadAsync(long runId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> lines written before <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(long before, int limit, CancellationToken cancellationToken);
}
