using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.FakeProviders;

/// <summary>What every fake has: a base URL, a request log and scripted faults.</summary>
public abstract class FakeApi
{
    private protected FakeApi(string prefix, TimeProvider timeProvider)
    {
        Prefix = prefix;
        TimeProvider = timeProvider;
    }

    /// <summary>
    /// The fake's root, ending in <c>/</c> (e.g. <c>http://127.0.0.1:41234/github/</c>): every path of its provider's
    /// API goes after it. Usable as <see cref="HttpClient.BaseAddress"/> with relative paths such as <c>repos/o/r/issues</c>.
    /// </summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The absolute URL of a provider path, e.g. <c>Url("/repos/o/r/issues?state=all")</c>.</summary>
    public Uri Url(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        return new Uri(BaseUrl, pathAndQuery.TrimStart('/'));
    }

    /// <summary>Every request this fake received.</summary>
    public FakeRequestLog Requests { get; } = new();

    /// <summary>Faults to answer with instead of serving requests.</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>The path prefix of this fake on the shared server, e.g. <c>/github</c>.</summary>
    internal string Prefix { get; }

    internal TimeProvider TimeProvider { get; }

    internal virtual void Bind(Uri serverUrl) => BaseUrl = new Uri(serverUrl, Prefix + "/");

    internal abstract void Map(IEndpointRouteBuilder routes);

    /// <summary>Writes an injected fault the way this provider answers it.</summary>
    internal virtual Task WriteFaultAsync(HttpContext context, Fault fault) =>
        FaultResponses.WriteAsync(context, fault, static (writer, f) =>
        {
            writer.WriteString("error", f.Kind == FaultKind.TooManyRequests ? "rate_limited" : "server_error");
        });
}
