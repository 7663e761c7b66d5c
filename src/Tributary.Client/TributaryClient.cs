using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Tributary.Client;

/// <summary>
/// The .NET client of Tributary's (and Nango's) HTTP API. Calls are grouped the way the API is:
/// <see cref="Syncs"/>, <see cref="Runs"/>, <see cref="Records"/>, <see cref="Connections"/> and
/// <see cref="Integrations"/>; every answer is the typed record of <c>Tributary.Contracts</c>, every error a
/// <see cref="TributaryApiException"/> with Nango's code.
/// </summary>
/// <remarks>
/// Create one with a URL and a key (it then owns its <see cref="HttpClient"/> and retries 429s), or register it
/// with <see cref="TributaryClientServiceCollectionExtensions.AddTributaryClient"/> and inject it.
/// </remarks>
public sealed partial class TributaryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    /// <summary>A client for <paramref name="baseAddress"/> with <paramref name="secretKey"/>.</summary>
    /// <param name="baseAddress">The server's URL (a trailing slash is optional).</param>
    /// <param name="secretKey">The environment's secret key.</param>
    /// <param name="http">
    /// An <see cref="HttpClient"/> to use (and leave open on dispose); when null the client makes its own, with
    /// the 429 retry handler.
    /// </param>
    public TributaryClient(Uri baseAddress, string secretKey, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _ownsClient = http is null;
        _http = http ?? new HttpClient(new RetryAfterHandler(new TributaryClientOptions()) { InnerHandler = new SocketsHttpHandler() });
        _http.BaseAddress = WithSlash(baseAddress);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        (Syncs, Runs, Records, Connections, Integrations) = Groups(new ApiTransport(_http));
    }

    /// <summary>A client on an <see cref="HttpClient"/> whose base address and authorization are already set (the factory's typed client).</summary>
    /// <param name="http">The configured client; it is not disposed with this one.</param>
    [ActivatorUtilitiesConstructor]
    public TributaryClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        (Syncs, Runs, Records, Connections, Integrations) = Groups(new ApiTransport(_http));
    }

    /// <summary>Trigger, pause, start, reset, status, frequency and variants of syncs.</summary>
    public SyncsClient Syncs { get; }

    /// <summary>The runs a trigger or a schedule queued: list, get, cancel, wait.</summary>
    public RunsClient Runs { get; }

    /// <summary>Cached records, page by page or as one stream with a resumable cursor.</summary>
    public RecordsClient Records { get; }

    /// <summary>Connections and their metadata.</summary>
    public ConnectionsClient Connections { get; }

    /// <summary>Integrations (provider configs).</summary>
    public IntegrationsClient Integrations { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    internal static Uri WithSlash(Uri baseAddress) => new(baseAddress.ToString().TrimEnd('/') + "/");

    private static (SyncsClient, RunsClient, RecordsClient, ConnectionsClient, IntegrationsClient) Groups(ApiTransport transport) =>
        (new SyncsClient(transport), new RunsClient(transport), new RecordsClient(transport), new ConnectionsClient(transport), new IntegrationsClient(transport));
}
