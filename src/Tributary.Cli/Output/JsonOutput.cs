using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Tributary.Cli.Output;

/// <summary>
/// The <c>--json</c> output: indented, with the relaxed escaping the server uses, so timestamps keep their <c>+</c>
/// (the default encoder writes it as <c>\u002B</c>) and names their accents.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static readonly ContractsJsonContext Contracts = new(new JsonSerializerOptions(Options));

    public static string Write<T>(T value, Func<ContractsJsonContext, JsonTypeInfo<T>> type) =>
        JsonSerializer.Serialize(value, type(Contracts));

    public static string Write(JsonNode? node) => node?.ToJsonString(Options) ?? "null";
}
