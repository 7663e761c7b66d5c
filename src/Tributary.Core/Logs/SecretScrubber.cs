using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Core.Logs;

/// <summary>
/// Replaces a connection's secrets (every string of its credentials, and the Basic header made of them) in a log
/// line, whoever wrote it: a function that logs its Authorization header or a provider that echoes a token back
/// leaves "[redacted]" in the run's log.
/// </summary>
public sealed class SecretScrubber
{
    public const string Replacement = "[redacted]";

    /// <summary>Shorter strings (a type name, "true") are not secrets and would garble every line.</summary>
    private const int MinSecretLength = 6;

    private readonly string[] _secrets;

    private SecretScrubber(IEnumerable<string> secrets)
    {
        // Longest first, so a secret that contains another is replaced whole.
        _secrets = [.. secrets.Where(s => s.Length >= MinSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    public static SecretScrubber None { get; } = new([]);

    /// <summary>The secrets of a connection's decrypted credentials JSON.</summary>
    public static SecretScrubber FromCredentials(string credentialsJson)
    {
        var secrets = new List<string>();
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(credentialsJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return None;
        }

        Collect(node, secrets);
        if (node is JsonObject credentials && (string?)credentials["type"] == "BASIC")
        {
            secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{(string?)credentials["username"]}:{(string?)credentials["password"]}")));
        }

        return new SecretScrubber(secrets);
    }

    /// <summary>A scrubber that replaces the secrets of both: a run learns new ones when its token is refreshed mid-run.</summary>
    public SecretScrubber Merge(SecretScrubber other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new SecretScrubber(_secrets.Concat(other._secrets));
    }

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Replacement, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static void Collect(JsonNode? node, List<string> secrets)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    // The credential's kind is not a secret; everything else may be.
                    if (key != "type")
                    {
                        Collect(value, secrets);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, secrets);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                secrets.Add(text);
                break;
        }
    }
}
