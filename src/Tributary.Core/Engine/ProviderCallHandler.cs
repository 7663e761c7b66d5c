using System.Diagnostics;
using System.Globalization;
using Tributary.Core.Logs;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Engine;

/// <summary>
/// Sits in front of the shared provider handler for one run: each call gets a span (child of the run's), is counted
/// and timed (<c>tributary.provider.http.*</c>), and leaves one line in the run's log — method, URL with its secrets
/// redacted (<see cref="ProviderUrls"/>), status and duration, plus the start of the body of an error answer (the
/// provider's own explanation, scrubbed of the connection's secrets like every line).
/// </summary>
internal sealed class ProviderCallHandler : DelegatingHandler
{
    /// <summary>An error answer's body is quoted when its declared length is at most this.</summary>
    private const long MaxQuotedBody = 16 * 1024;

    private const int QuotedChars = 300;

    private readonly RunLog? _log;
    private readonly TributaryMetrics? _metrics;

    public ProviderCallHandler(HttpMessageHandler inner, RunLog? log, TributaryMetrics? metrics)
        : base(inner)
    {
        _log = log;
        _metrics = metrics;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = ProviderUrls.Redact(request.RequestUri);
        using var activity = _metrics?.ActivitySource.StartActivity($"HTTP {request.Method.Method}", ActivityKind.Client);
        activity?.SetTag("http.request.method", request.Method.Method);
        activity?.SetTag("url.full", url);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            var failedAfter = Stopwatch.GetElapsedTime(started);
            Record(request.Method.Method, "error", failedAfter);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            _log?.Write(RunLogLevels.Warn, RunLogSources.Http, string.Create(CultureInfo.InvariantCulture, $"{request.Method.Method} {url} → no answer after {failedAfter.TotalMilliseconds:0} ms: {ex.GetType().Name}: {ex.Message}"));
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var status = (int)response.StatusCode;
        Record(request.Method.Method, $"{status / 100}xx", elapsed);
        activity?.SetTag("http.response.status_code", status);
        if (status >= 400)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        if (_log is not null)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{request.Method.Method} {url} → {status} in {elapsed.TotalMilliseconds:0} ms");
            if (status >= 400)
            {
                line += await QuoteBodyAsync(response, cancellationToken);
            }

            _log.Write(status >= 400 ? RunLogLevels.Warn : RunLogLevels.Info, RunLogSources.Http, line);
        }

        return response;
    }

    private void Record(string method, string statusClass, TimeSpan elapsed)
    {
        if (_metrics is null)
        {
            return;
        }

        var tags = new TagList { { "method", method }, { "status_class", statusClass } };
        _metrics.ProviderCalls.Add(1, tags);
        _metrics.ProviderCallDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>The start of a small error body; buffering it leaves it readable for the function.</summary>
    private static async Task<string> QuoteBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is not { } length || length == 0 || length > MaxQuotedBody)
        {
            return string.Empty;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        body = body.ReplaceLineEndings(" ");
        return body.Length <= QuotedChars ? $": {body}" : $": {body[..QuotedChars]}…";
    }
}
