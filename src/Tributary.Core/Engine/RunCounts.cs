using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Domain;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>
/// A run's per-model counts (Nango's job <c>result</c>), keyed by base model name. Stored with every batch in
/// the batch's own transaction, so a resumed attempt continues from what was committed.
/// </summary>
internal sealed class RunCounts
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, ModelCounts> _counts = new(StringComparer.Ordinal);

    public RunCounts(IEnumerable<string> models, string? storedJson)
    {
        foreach (var model in models)
        {
            _counts[model] = new ModelCounts();
        }

        if (storedJson is not null && JsonNode.Parse(storedJson) is JsonObject stored)
        {
            foreach (var (model, node) in stored)
            {
                if (node is JsonObject counts)
                {
                    _counts[model] = new ModelCounts
                    {
                        Added = counts["added"]?.GetValue<int>() ?? 0,
                        Updated = counts["updated"]?.GetValue<int>() ?? 0,
                        Deleted = counts["deleted"]?.GetValue<int>() ?? 0,
                    };
                }
            }
        }
    }

    /// <summary>The JSON the run would store if <paramref name="batch"/> commits; the counts change only when it does.</summary>
    public string Preview(string model, BatchResult batch)
    {
        lock (_gate)
        {
            return ToJson(model, batch);
        }
    }

    public void Apply(string model, BatchResult batch)
    {
        lock (_gate)
        {
            var counts = Get(model);
            counts.Added += batch.Added;
            counts.Updated += batch.Updated;
            counts.Deleted += batch.Deleted;
        }
    }

    public string ToJson()
    {
        lock (_gate)
        {
            return ToJson(null, null);
        }
    }

    /// <summary>A copy of every model's counts, by model name in ordinal order.</summary>
    public IReadOnlyDictionary<string, ModelCounts> Snapshot()
    {
        lock (_gate)
        {
            var copy = new SortedDictionary<string, ModelCounts>(StringComparer.Ordinal);
            foreach (var (model, counts) in _counts)
            {
                copy[model] = new ModelCounts { Added = counts.Added, Updated = counts.Updated, Deleted = counts.Deleted };
            }

            return copy;
        }
    }

    private ModelCounts Get(string model)
    {
        if (!_counts.TryGetValue(model, out var counts))
        {
            counts = new ModelCounts();
            _counts[model] = counts;
        }

        return counts;
    }

    private string ToJson(string? pendingModel, BatchResult? pending)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var models = _counts.Keys.ToList();
            if (pendingModel is not null && !_counts.ContainsKey(pendingModel))
            {
                models.Add(pendingModel);
                models.Sort(StringComparer.Ordinal);
            }

            foreach (var model in models)
            {
                _counts.TryGetValue(model, out var counts);
                var extra = model == pendingModel ? pending : null;
                writer.WriteStartObject(model);
                writer.WriteNumber("added", (counts?.Added ?? 0) + (extra?.Added ?? 0));
                writer.WriteNumber("updated", (counts?.Updated ?? 0) + (extra?.Updated ?? 0));
                writer.WriteNumber("deleted", (counts?.Deleted ?? 0) + (extra?.Deleted ?? 0));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
