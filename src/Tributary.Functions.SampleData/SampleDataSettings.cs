using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Functions.SampleData;

/// <summary>What the connection metadata asks of the sample-data function, checked and with defaults applied.</summary>
/// <param name="Records">Records per model on the first run (generation 0).</param>
/// <param name="ChangeRate">Share of live records updated by each later generation.</param>
/// <param name="DeleteRate">Share of live records deleted by each later generation.</param>
/// <param name="BatchSize">Most records in one save or delete call.</param>
/// <param name="PayloadBytes">Approximate JSON size of one record.</param>
/// <param name="Seed">Chooses the dataset; the same seed gives the same records everywhere.</param>
/// <param name="FailAfterBatches">When set, the run throws after saving this many batches.</param>
/// <param name="DelayPerBatch">Wait after each batch, so that tests can stop a run mid-way.</param>
internal sealed record SampleDataSettings(
    int Records,
    double ChangeRate,
    double DeleteRate,
    int BatchSize,
    int PayloadBytes,
    int Seed,
    int? FailAfterBatches,
    TimeSpan DelayPerBatch)
{
    public const string RecordsKey = "records";
    public const string ChangeRateKey = "change_rate";
    public const string DeleteRateKey = "delete_rate";
    public const string BatchSizeKey = "batch_size";
    public const string PayloadBytesKey = "payload_bytes";
    public const string SeedKey = "seed";
    public const string FailAfterBatchesKey = "fail_after_batches";
    public const string DelayMsPerBatchKey = "delay_ms_per_batch";

    public const int DefaultRecords = 1000;
    public const double DefaultChangeRate = 0.1;
    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 10_000;
    public const int DefaultPayloadBytes = 1024;
    public const int MaxPayloadBytes = 1024 * 1024;
    public const int DefaultSeed = 1;
    public const int MaxDelayMs = 3_600_000;

    /// <summary>
    /// Ids each later generation adds: about a tenth of the change rate, at least one while anything
    /// changes. With the default delete rate (a tenth of the change rate) the live count hovers around
    /// <see cref="Records"/>. A change rate of 0 adds nothing, so an unchanged re-sync really is unchanged.
    /// </summary>
    public long NewIdsPerGeneration =>
        Records == 0 || ChangeRate == 0 ? 0 : Math.Max(1L, (long)Math.Round(Records * ChangeRate / 10));

    public static SampleDataSettings FromMetadata(JsonObject metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var reader = new MetadataReader(metadata);
        var records = reader.ReadInt(RecordsKey, DefaultRecords, 0, int.MaxValue);
        var changeRate = reader.ReadDouble(ChangeRateKey, DefaultChangeRate, 0, 1);
        var deleteRate = reader.ReadDouble(DeleteRateKey, changeRate / 10, 0, 1);
        var batchSize = reader.ReadInt(BatchSizeKey, DefaultBatchSize, 1, MaxBatchSize);
        var payloadBytes = reader.ReadInt(PayloadBytesKey, DefaultPayloadBytes, 0, MaxPayloadBytes);
        var seed = reader.ReadInt(SeedKey, DefaultSeed, int.MinValue, int.MaxValue);
        var failAfterBatches = reader.ReadOptionalInt(FailAfterBatchesKey, 1, int.MaxValue);
        var delayMs = reader.ReadInt(DelayMsPerBatchKey, 0, 0, MaxDelayMs);
        reader.ThrowIfInvalid();
        return new SampleDataSettings(
            records,
            changeRate,
            deleteRate,
            batchSize,
            payloadBytes,
            seed,
            failAfterBatches,
            TimeSpan.FromMilliseconds(delayMs));
    }

    /// <summary>Reads numbers from metadata and collects every problem before reporting them together.</summary>
    private sealed class MetadataReader(JsonObject metadata)
    {
        private readonly List<string> _keys = [];
        private readonly List<string> _problems = [];

        public int ReadInt(string key, int fallback, int min, int max) => ReadOptionalInt(key, min, max) ?? fallback;

        public int? ReadOptionalInt(string key, int min, int max)
        {
            if (!TryReadNumber(key, out var value, out var raw))
            {
                return null;
            }

            if (value != Math.Floor(value) || value < min || value > max)
            {
                Fail(key, $"'{key}' must be a whole number from {min} to {max}; got {raw}.");
                return null;
            }

            return (int)value;
        }

        public double ReadDouble(string key, double fallback, double min, double max)
        {
            if (!TryReadNumber(key, out var value, out var raw))
            {
                return fallback;
            }

            if (value < min || value > max)
            {
                Fail(key, $"'{key}' must be a number from {min} to {max}; got {raw}.");
                return fallback;
            }

            return value;
        }

        public void ThrowIfInvalid()
        {
            if (_problems.Count > 0)
            {
                throw new SampleDataMetadataException(_keys, _problems);
            }
        }

        // Metadata set through dashboards and scripts often carries numbers as strings ("5000"); both are accepted.
        private bool TryReadNumber(string key, out double value, out string raw)
        {
            value = 0;
            raw = string.Empty;
            if (!metadata.TryGetPropertyValue(key, out var node) || node is null)
            {
                return false;
            }

            raw = node.ToJsonString();
            var kind = node.GetValueKind();
            var text = kind switch
            {
                JsonValueKind.Number => raw,
                JsonValueKind.String => node.GetValue<string>().Trim(),
                _ => null,
            };
            if (text is not null
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value))
            {
                return true;
            }

            Fail(key, $"'{key}' must be a number; got {raw}.");
            return false;
        }

        private void Fail(string key, string problem)
        {
            _keys.Add(key);
            _problems.Add(problem);
        }
    }
}
