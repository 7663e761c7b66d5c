using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Sdk;

namespace Tributary.Core.Records;

/// <summary>
/// One run's view of its deletion-detection windows. A window is a checkpoint under
/// <c>sync:&lt;name&gt;:&lt;variant&gt;:trackDeletes:&lt;Model&gt;</c> holding the id of the run that opened it
/// (<c>{"syncJobId": n}</c>, Nango's shape). Run ids are monotonic, so "saved since the window opened" is "saved by
/// a run whose id is at least n": a window can span several runs, and nothing about it expires with time.
/// </summary>
/// <remarks>
/// Windows are loaded once per model and cached for the run: only this sync's runs touch them, and one run of a
/// sync holds the lease at a time.
/// </remarks>
internal sealed class DeletionWindows
{
    private const string StartKey = "syncJobId";

    private readonly ICheckpointStore _checkpoints;
    private readonly RunFence _fence;
    private readonly long _connectionDbId;
    private readonly string _keyPrefix;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Window> _cache = new(StringComparer.Ordinal);

    public DeletionWindows(ICheckpointStore checkpoints, RunFence fence, long connectionDbId, string syncCheckpointKey, TimeProvider timeProvider)
    {
        _checkpoints = checkpoints;
        _fence = fence;
        _connectionDbId = connectionDbId;
        _keyPrefix = syncCheckpointKey + ":trackDeletes:";
        _timeProvider = timeProvider;
    }

    public string KeyOf(string model) => _keyPrefix + model;

    /// <summary>The run id the open window of <paramref name="model"/> started at, or null when none is open.</summary>
    public async ValueTask<long?> StartOfAsync(string model, CancellationToken cancellationToken) =>
        (await LoadAsync(model, cancellationToken)).Start;

    /// <summary>Opens a window at this run unless one is open; returns the start of the open window.</summary>
    public async Task<long> OpenAsync(string model, CancellationToken cancellationToken)
    {
        var window = await LoadAsync(model, cancellationToken);
        if (window.Start is { } start)
        {
            return start;
        }

        var value = new JsonObject { [StartKey] = _fence.RunId };
        var version = await _checkpoints.SaveAsync(_fence, _connectionDbId, KeyOf(model), value, window.Version, Micros.Now(_timeProvider), cancellationToken)
            ?? throw new CheckpointConflictException($"The deletion-detection window '{KeyOf(model)}' was changed by someone else while this run opened it.");
        _cache[model] = new Window(_fence.RunId, version);
        return _fence.RunId;
    }

    /// <summary>Clears the window of <paramref name="model"/> (a no-op when none is stored).</summary>
    public async Task CloseAsync(string model, CancellationToken cancellationToken)
    {
        await _checkpoints.ClearAsync(_fence, _connectionDbId, KeyOf(model), Micros.Now(_timeProvider), cancellationToken);

        // Cleared rows keep their version, bumped by one; the next open resurrects the row with it.
        var cleared = await _checkpoints.GetAsync(_connectionDbId, KeyOf(model), cancellationToken);
        _cache[model] = new Window(null, cleared?.Version);
    }

    private async ValueTask<Window> LoadAsync(string model, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(model, out var cached))
        {
            return cached;
        }

        var stored = await _checkpoints.GetAsync(_connectionDbId, KeyOf(model), cancellationToken);
        var window = new Window(ReadStart(stored?.Value), stored?.Version);
        _cache[model] = window;
        return window;
    }

    private static long? ReadStart(JsonObject? value)
    {
        if (value?[StartKey] is not JsonValue start)
        {
            return null;
        }

        if (start.GetValueKind() == JsonValueKind.Number && start.TryGetValue<long>(out var number))
        {
            return number;
        }

        // Tolerates a window stored with the id as a string (as a hand-edited or imported checkpoint may have it).
        return start.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private sealed record Window(long? Start, long? Version);
}
