using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Sdk.Testing;

/// <summary>
/// Saves every answer that passes through it as a recording <see cref="RecordedResponses"/> replays: one JSON file per
/// exchange in <see cref="Directory"/>, named in call order (<c>0001-get-repos-octo-org-octo-repo-issues.json</c>).
/// <c>tributary dryrun --save-responses DIR</c> puts it around a real connection's provider calls, so the function's
/// unit test runs offline on the answers the provider really gave.
/// </summary>
/// <remarks>
/// <para>
/// Put it outside the credentials: it sees the request as the function made it (never an <c>Authorization</c> header
/// or a key added to the query) and the answer the function got (after retries and a token refresh). Request headers
/// are not saved; of the response's headers, cookies and per-connection transport headers are left out.
/// </para>
/// <para>
/// <c>url</c> is saved relative to <paramref name="baseAddress"/> (the provider's API base), and the base's origin is
/// removed from header values (a <c>Link</c> header's next page becomes <c>&lt;/path?page=2&gt;</c>), so the replay
/// matches and links resolve whatever base address the test uses. Bodies are saved as JSON when they are JSON, else as
/// text (<c>"bodyText": true</c>).
/// </para>
/// </remarks>
/// <param name="directory">Where the files go; created if missing.</param>
/// <param name="baseAddress">The provider's API base the requests are made against, or null.</param>
public sealed class ResponseRecorder(string directory, Uri? baseAddress) : DelegatingHandler
{
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Set-Cookie", "Date", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Server",
    };

    /// <summary>Indented and with relaxed escaping, so a URL's <c>&amp;</c> stays readable in the file (it is test data, never HTML).</summary>
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private int _count;

    /// <summary>The folder the recordings are written to.</summary>
    public string Directory { get; } = directory;

    /// <summary>How many exchanges were saved.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentHeaders = response.Content.Headers.ToList();
        var copy = new ByteArrayContent(body);
        foreach (var (name, values) in contentHeaders)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content.Dispose();
        response.Content = copy;

        var method = request.Method.Method;
        var url = RelativeUrl(request.RequestUri);
        var recording = new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = method, ["url"] = url },
            ["response"] = Response(response, body),
        };
        int number;
        lock (_gate)
        {
            number = ++_count;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var file = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{number:D4}-{method.ToLowerInvariant()}-{Slug(url)}.json"));
        await File.WriteAllTextAsync(file, recording.ToJsonString(Indented) + "\n", cancellationToken);
        return response;
    }

    private JsonObject Response(HttpResponseMessage response, byte[] body)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!SkippedHeaders.Contains(name))
            {
                headers[name] = WithoutOrigin(string.Join(", ", values));
            }
        }

        var answer = new JsonObject { ["status"] = (int)response.StatusCode, ["headers"] = headers };
        var text = Encoding.UTF8.GetString(body);
        try
        {
            answer["body"] = body.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            answer["body"] = text;
            answer["bodyText"] = true;
        }

        return answer;
    }

    private string RelativeUrl(Uri? uri)
    {
        if (uri is null)
        {
            return "/";
        }

        if (baseAddress is not null && uri.IsAbsoluteUri && uri.AbsoluteUri.StartsWith(baseAddress.AbsoluteUri, StringComparison.Ordinal))
        {
            return uri.AbsoluteUri[baseAddress.AbsoluteUri.Length..];
        }

        return uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
    }

    private string WithoutOrigin(string value)
    {
        if (baseAddress is null)
        {
            return value;
        }

        var origin = baseAddress.GetLeftPart(UriPartial.Authority);
        return value.Replace(origin, string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The path as a short file-name part: letters, digits and dashes, at most 60 characters.</summary>
    private static string Slug(string url)
    {
        var path = url.Split('?')[0];
        var slug = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        var text = slug.ToString().Trim('-');
        while (text.Contains("--", StringComparison.Ordinal))
        {
            text = text.Replace("--", "-", StringComparison.Ordinal);
        }

        return text.Length == 0 ? "root" : text[..Math.Min(text.Length, 60)];
    }
}
