using System.Text.Json.Serialization;

namespace Tributary.Functions.SampleData;

/// <summary>What a delete sends: the id alone; the cache keeps the last payload it had.</summary>
internal sealed record SampleRecordId([property: JsonPropertyName("id")] string Id);
